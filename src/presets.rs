//! Hand-set weights that make the cell do one recognisable thing, so that swapping an
//! activation shows what that activation was for.

use crate::limits::MAX_HIDDEN;
use crate::recurrent::{Recurrent, Weights};
use crate::cells::CellKind;
use crate::model::Model;
use crate::rng::Rng;
use crate::site::Gate;
use crate::vocab::Vocab;
use serde::Serialize;
use std::fmt;

/// How hard the hand-set gates are pushed. Hard sigmoid saturates at |z| ≥ 3, so ±10 is exactly
/// 0 or 1 under it; sigmoid gives 1 − σ(10) ≈ 4.5e-5 of leak, which is small but visible over
/// hundreds of steps; and tanh(±10) rounds to ±1 exactly in f32.
pub const SATURATE: f32 = 10.0;

/// What the page and the CLI know about a preset: one row per preset, in the order they are
/// offered. A new preset is a row here plus its builder below.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct PresetInfo {
    /// The name in URLs and on the command line.
    pub name: &'static str,
    /// The menu label.
    pub label: &'static str,
    /// The text the page starts it with.
    pub text: &'static str,
    /// Whether it takes a hidden size and a seed.
    pub sized: bool,
    /// Its cell design (a sized preset can be any: this is its default).
    pub cell: CellKind,
    /// Builds the weights from a hidden size, a seed and whether the cell has peepholes.
    #[serde(skip)]
    build: fn(usize, u64, bool) -> (Weights<f32>, Vocab),
}

pub const PRESETS: [PresetInfo; 5] = [
    PresetInfo {
        name: "counter",
        label: "counter (bracket depth)",
        text: "((x)(y(z)))",
        sized: false,
        cell: CellKind::Lstm,
        build: |_, _, peepholes| with_zero_peepholes(counter(), peepholes),
    },
    PresetInfo {
        name: "latch",
        label: "latch (remembers S/R)",
        text: "..S....R...x..S..",
        sized: false,
        cell: CellKind::Lstm,
        build: |_, _, peepholes| with_zero_peepholes(latch(), peepholes),
    },
    PresetInfo {
        name: "random",
        label: "random (PyTorch init)",
        text: "hello, gates",
        sized: true,
        cell: CellKind::Lstm,
        build: random_cell,
    },
    PresetInfo {
        name: "gru-counter",
        label: "GRU trying to count brackets",
        text: "((((((((x))))))))",
        sized: false,
        cell: CellKind::Gru,
        build: |_, _, _| gru_counter(),
    },
    PresetInfo {
        name: "slstm-max",
        label: "sLSTM: largest digit so far",
        text: "3172941 08 5",
        sized: false,
        cell: CellKind::Slstm,
        build: |_, _, _| slstm_max(),
    },
];

/// The models that ship with the page and the command line.
/// A trained model that ships with the page as a weights file, fetched only when picked (so
/// the start bundle does not carry it). The page lists it with the presets.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct RealModel {
    /// Its name in links: `preset=real-source`.
    pub name: &'static str,
    pub label: &'static str,
    /// The file under `www/models/`.
    pub file: &'static str,
    /// The text it opens on (a preset's example text).
    pub text: &'static str,
    /// What it was trained on and how well it predicts, for the note under the menu.
    pub about: &'static str,
    /// Every real model is a hand-set design as far as the menus go: an LSTM, not sized.
    pub sized: bool,
    pub cell: CellKind,
}

pub const REAL_MODELS: [RealModel; 1] = [RealModel {
    name: "real-source",
    label: "real: character LSTM on Gate Lab's source",
    file: "gatelab-source.safetensors",
    text: "fn run(&self, text: &str) -> Option<usize> {\n    let depth = [(\"a\", 1), (\"b\", 2)];\n    // one \"quote\" (and a bracket)\n    depth.len()\n}\n",
    about: "128 units, trained by gatelab train on Gate Lab's own Rust source (scripts/train-real-model.sh)",
    sized: false,
    cell: CellKind::Lstm,
}];

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Preset {
    Counter,
    Latch,
    Random { hidden: usize, seed: u64 },
    GruCounter,
    SlstmMax,
}

impl fmt::Display for Preset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Preset::Random { hidden, seed } => write!(f, "random (H = {hidden}, seed {seed})"),
            _ => f.write_str(self.info().name),
        }
    }
}

impl Preset {
    /// Looks a preset up by its name; a sized one takes its size and seed from the arguments.
    #[must_use]
    pub fn from_name(name: &str, hidden: usize, seed: u64) -> Option<Preset> {
        let random = Preset::Random { hidden: hidden.clamp(1, MAX_HIDDEN), seed };
        [Preset::Counter, Preset::Latch, random, Preset::GruCounter, Preset::SlstmMax].into_iter().find(|p| p.info().name == name)
    }

    /// This preset's row of [`PRESETS`].
    #[must_use]
    pub fn info(self) -> &'static PresetInfo {
        match self {
            Preset::Counter => &PRESETS[0],
            Preset::Latch => &PRESETS[1],
            Preset::Random { .. } => &PRESETS[2],
            Preset::GruCounter => &PRESETS[3],
            Preset::SlstmMax => &PRESETS[4],
        }
    }

    /// The names, for messages: "counter, latch or random".
    #[must_use]
    pub fn names() -> String {
        let names: Vec<&str> = PRESETS.iter().map(|p| p.name).collect();
        let (last, rest) = names.split_last().expect("there are presets");
        format!("{} or {last}", rest.join(", "))
    }

    #[must_use]
    pub fn build(self) -> Model {
        self.build_with(false)
    }

    /// The model as a cell design: the random preset is any design (PyTorch's initialisation,
    /// drawn the same way for each); a hand-set one is its own design only, and asking for
    /// another is an error naming what it is.
    pub fn build_cell(self, cell: CellKind, peepholes: bool) -> Result<Model, String> {
        let own = self.info().cell;
        if peepholes && cell.spec().peepholes.is_empty() {
            return Err(format!("{} has no peepholes", cell.spec().a_label()));
        }
        match self {
            Preset::Random { hidden, seed } if cell != CellKind::Lstm => {
                let vocab = Vocab::printable_ascii();
                let mut rng = Rng::new(seed);
                let weights = Weights::<f64>::pytorch_init_for(cell, vocab.len(), hidden.clamp(1, MAX_HIDDEN), &mut rng);
                let cell = Recurrent::new(weights.cast()).expect("drawn weights are finite and well shaped");
                Ok(Model::new(format!("{self} {}", cell.spec().label), cell, vocab))
            }
            Preset::Random { .. } => Ok(self.build_with(peepholes)),
            _ if cell != own => {
                Err(format!("the {} preset is a hand-set {}; the random preset is any design", self.info().name, own.spec().label))
            }
            _ => Ok(self.build_with(peepholes)),
        }
    }

    /// The model, with peepholes when `peepholes`: the hand-set ones get peepholes of 0 (the
    /// same behaviour, until trained), the random one draws them after every other weight.
    #[must_use]
    pub fn build_with(self, peepholes: bool) -> Model {
        let (hidden, seed) = match self {
            Preset::Random { hidden, seed } => (hidden, seed),
            _ => (0, 0),
        };
        let (weights, vocab) = (self.info().build)(hidden, seed, peepholes);
        let suffix = if peepholes { " with peepholes" } else { "" };
        Model::new(format!("{self}{suffix}"), Recurrent::new(weights).expect("preset weights are finite and well shaped"), vocab)
    }
}

/// Sets the bias of gate `gate` for unit 0, and its weight from input column `column`.
fn set(w: &mut Weights<f32>, gate: Gate, bias: f32, columns: &[(usize, f32)]) {
    let row = w.row(gate, 0);
    w.bias_ih[row] = bias;
    for &(column, weight) in columns {
        w.weight_ih[row * w.input_size + column] = weight;
    }
}

/// **Counter**: one unit whose cell state is the bracket depth.
///
/// Vocabulary `(` and `)`; every other character is "other" (an all-zero input).
/// - Forget gate: z_f = +10 always, so f ≈ 1: the count is never forgotten.
/// - Input gate: z_i = −10 + 20 = +10 on a bracket, −10 on anything else: it opens only for
///   brackets, which is how the counter ignores other symbols.
/// - Candidate: z_g = +10 on `(`, −10 on `)`, so g = tanh(z_g) = ±1: tanh is what lets the cell
///   count down. Its bias is +1, so an "other" symbol proposes g = tanh(1) ≈ 0.76; the input gate
///   is what stops that from being written. Remove the input gate and every symbol moves the count.
/// - Output gate: z_o = +10, open; h = tanh(depth).
///
/// With hard-sigmoid gates every step is exact (c = c_prev·1 + 1·(±1)). With sigmoid gates the
/// forget gate is 1 − 4.5e-5, so the count drifts toward zero by about 4.5e-5 × depth per step.
#[must_use]
pub fn counter() -> (Weights<f32>, Vocab) {
    let vocab = Vocab::from_chars(['(', ')']).expect("distinct");
    let mut w = Weights::zeros(2, 1);
    let s = SATURATE;
    set(&mut w, Gate::Forget, s, &[]);
    set(&mut w, Gate::Input, -s, &[(0, 2.0 * s), (1, 2.0 * s)]);
    set(&mut w, Gate::Candidate, 1.0, &[(0, s - 1.0), (1, -s - 1.0)]);
    set(&mut w, Gate::Output, s, &[]);
    (w, vocab)
}

/// **Latch**: one unit that remembers the last `S` (set, +1) or `R` (reset, −1) across any
/// number of other symbols.
///
/// - Forget gate: z_f = +10 normally (keep), −10 on `S` or `R` (clear the old value). Make the
///   forget gate tanh and `S`/`R` give f = −1: the memory flips sign instead of clearing.
/// - Input gate: open (+10) only on `S` and `R`.
/// - Candidate: +10 on `S`, −10 on `R`, so the written value is ±1.
/// - Output gate: open.
#[must_use]
pub fn latch() -> (Weights<f32>, Vocab) {
    let vocab = Vocab::from_chars(['S', 'R']).expect("distinct");
    let mut w = Weights::zeros(2, 1);
    let s = SATURATE;
    set(&mut w, Gate::Forget, s, &[(0, -2.0 * s), (1, -2.0 * s)]);
    set(&mut w, Gate::Input, -s, &[(0, 2.0 * s), (1, 2.0 * s)]);
    set(&mut w, Gate::Candidate, 0.0, &[(0, s), (1, -s)]);
    set(&mut w, Gate::Output, s, &[]);
    (w, vocab)
}

/// **GRU trying to count**: one GRU unit given the LSTM counter's job, bracket depth, in the
/// only way its update allows: on a bracket it takes n = tanh(h_{t−1} ± 0.2) whole.
///
/// Vocabulary `(` and `)`; every other character is "other".
/// - Reset gate: z_r = +10, so r ≈ 1: n sees all of W_hn·h = h.
/// - Update gate: z_z = +10 − 20 = −10 on a bracket (z ≈ 0: take n), +10 otherwise (z ≈ 1:
///   keep h, so other symbols are ignored).
/// - New gate: z_n = ±0.2 + r·h, so n = tanh(h ± 0.2).
///
/// The counter's c goes 1, 2, 3, ...; this h goes 0.197, 0.378, 0.521, 0.618, ... and settles
/// near 0.73, where tanh(h + 0.2) = h: depths 7 and 8 differ by 0.007, and eight `)` after
/// eight `(` leave it at −0.66, not at 0 (tanh shrinks every step: the update is not invertible).
/// Weiss, Goldberg & Yahav 2018: the GRU's h stays in (−1, 1), so it cannot count.
#[must_use]
pub fn gru_counter() -> (Weights<f32>, Vocab) {
    let vocab = Vocab::from_chars(['(', ')']).expect("distinct");
    let mut w = Weights::zeros_for(CellKind::Gru, 2, 1);
    let s = SATURATE;
    // Rows r, z, n (H = 1): r open, z shut on brackets, n = tanh(±0.2 + h).
    w.bias_ih[0] = s;
    w.bias_ih[1] = s;
    w.weight_ih[2] = -2.0 * s;
    w.weight_ih[3] = -2.0 * s;
    w.weight_ih[4] = 0.2;
    w.weight_ih[5] = -0.2;
    w.weight_hh[2] = 1.0;
    (w, vocab)
}

/// **sLSTM, largest digit so far**: one sLSTM unit whose exponential input gate lets a larger
/// digit overwrite what it holds, and a smaller one not.
///
/// Vocabulary `0`–`9`; every other character is "other".
/// - Input gate: z_i = 3·d for digit d (−10 for anything else), so each digit is written with
///   weight e^{3d}, 20 times the weight of the digit below it.
/// - Forget gate: z_f = +10, so f ≈ 1: nothing fades.
/// - Candidate: z_g = d/10, so g = tanh(d/10).
/// - Output gate: z_o = +10, open.
///
/// h = o·c/norm is the average of the g's written, weighted by e^{3d}: on its text, within
/// 0.003 of tanh(d/10) for the largest digit d so far. The stabiliser m is the running maximum
/// of 3d (less 4.5e-5 a step: log σ(10)). An LSTM's σ input gate weighs every digit alike once
/// it is open.
#[must_use]
pub fn slstm_max() -> (Weights<f32>, Vocab) {
    let vocab = Vocab::from_chars("0123456789".chars()).expect("distinct");
    let mut w = Weights::zeros_for(CellKind::Slstm, 10, 1);
    let s = SATURATE;
    // Rows i, f, g, o (H = 1), each 10 input columns.
    w.bias_ih[0] = -s;
    w.bias_ih[1] = s;
    w.bias_ih[3] = s;
    for d in 0..10u8 {
        let k = usize::from(d);
        w.weight_ih[k] = 3.0 * f32::from(d) + s;
        w.weight_ih[20 + k] = f32::from(d) / 10.0;
    }
    (w, vocab)
}

fn with_zero_peepholes((w, vocab): (Weights<f32>, Vocab), peepholes: bool) -> (Weights<f32>, Vocab) {
    (if peepholes { w.with_zero_peepholes() } else { w }, vocab)
}

/// **Random**: PyTorch's initialisation, every weight and bias uniform(−1/√H, 1/√H), from a
/// seed; vocabulary printable ASCII (other characters are "other").
#[must_use]
pub fn random(hidden: usize, seed: u64) -> (Weights<f32>, Vocab) {
    random_cell(hidden, seed, false)
}

/// [`random`], with peepholes drawn the same way after every other weight when `peepholes`.
#[must_use]
pub fn random_cell(hidden: usize, seed: u64, peepholes: bool) -> (Weights<f32>, Vocab) {
    let vocab = Vocab::printable_ascii();
    // Drawn in f64 and rounded once, so the trainer's f64 initialisation from the same seed is
    // this one before rounding.
    let mut rng = Rng::new(seed);
    let w = Weights::<f64>::pytorch_init(vocab.len(), hidden.clamp(1, MAX_HIDDEN), &mut rng);
    let w = if peepholes { w.with_random_peepholes(&mut rng) } else { w };
    (w.cast(), vocab)
}
