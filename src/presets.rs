//! Hand-set weights that make the cell do one recognisable thing, so that swapping an
//! activation shows what that activation was for.

use crate::lstm::{Gate, Lstm, Weights};
use crate::model::Model;
use crate::rng::Rng;
use crate::vocab::Vocab;
use std::fmt;

/// How hard the hand-set gates are pushed. Hard sigmoid saturates at |z| ≥ 3, so ±10 is exactly
/// 0 or 1 under it; sigmoid gives 1 − σ(10) ≈ 4.5e-5 of leak, which is small but visible over
/// hundreds of steps; and tanh(±10) rounds to ±1 exactly in f32.
pub const SATURATE: f32 = 10.0;

/// Largest hidden size the random preset offers.
pub const MAX_RANDOM_HIDDEN: usize = 64;

/// The models that ship with the page and the command line.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Preset {
    Counter,
    Latch,
    Random { hidden: usize, seed: u64 },
}

impl fmt::Display for Preset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Preset::Counter => f.write_str("counter"),
            Preset::Latch => f.write_str("latch"),
            Preset::Random { hidden, seed } => write!(f, "random (H = {hidden}, seed {seed})"),
        }
    }
}

impl Preset {
    /// Looks a preset up by its name; `random` takes its size and seed from the arguments.
    pub fn from_name(name: &str, hidden: usize, seed: u64) -> Option<Preset> {
        match name {
            "counter" => Some(Preset::Counter),
            "latch" => Some(Preset::Latch),
            "random" => Some(Preset::Random { hidden: hidden.clamp(1, MAX_RANDOM_HIDDEN), seed }),
            _ => None,
        }
    }

    pub fn build(self) -> Model {
        let (weights, vocab) = match self {
            Preset::Counter => counter(),
            Preset::Latch => latch(),
            Preset::Random { hidden, seed } => random(hidden, seed),
        };
        Model {
            name: self.to_string(),
            lstm: Lstm::new(weights).expect("preset weights are finite and well shaped"),
            vocab,
        }
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

/// **Random**: PyTorch's initialisation, every weight and bias uniform(−1/√H, 1/√H), from a
/// seed; vocabulary printable ASCII (other characters are "other").
pub fn random(hidden: usize, seed: u64) -> (Weights<f32>, Vocab) {
    let hidden = hidden.clamp(1, MAX_RANDOM_HIDDEN);
    let vocab = Vocab::printable_ascii();
    let mut w = Weights::zeros(vocab.len(), hidden);
    let bound = 1.0 / (hidden as f64).sqrt();
    let mut rng = Rng::new(seed);
    for tensor in [&mut w.weight_ih, &mut w.weight_hh, &mut w.bias_ih, &mut w.bias_hh] {
        for v in tensor.iter_mut() {
            *v = rng.uniform(-bound, bound) as f32;
        }
    }
    (w, vocab)
}
