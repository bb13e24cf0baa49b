//! A cell ready to run: weights in PyTorch's layout for one of the cell designs (see
//! [`crate::cells`] for their equations), run over a sequence into a [`Trace`], or from where an
//! earlier run stopped.

use crate::cells::{lstm, CellKind, CellSpec};
use crate::kernel::{transpose_into, Columns, Inputs, Recorder, State, StepBlock};
use crate::quantity::Quantity;
use crate::site::{Activations, Gate};
use crate::trace::Trace;
use crate::vocab::Symbol;
use num_traits::Float;
use std::fmt;

/// Weights with PyTorch's names and layout: `weight_ih_l0` is rows × I row-major, `weight_hh_l0`
/// is rows × H, the biases rows each, with H rows per weight block in the cell's file order (the
/// LSTM's i, f, g, o: 4H rows; the GRU's r, z, n: 3H).
#[derive(Clone, Debug, PartialEq)]
pub struct Weights<T> {
    /// The cell design the weights are for.
    pub cell: CellKind,
    pub input_size: usize,
    pub hidden_size: usize,
    pub weight_ih: Vec<T>,
    pub weight_hh: Vec<T>,
    pub bias_ih: Vec<T>,
    pub bias_hh: Vec<T>,
    /// The peepholes w_ci, w_cf, w_co (H each, in that order: `weight_ci_l0`, ...), or empty
    /// for a cell without them.
    pub peepholes: Vec<T>,
}

/// Weights that cannot make a cell: the wrong shape or a non-finite number.
#[derive(Clone, Debug, PartialEq)]
pub enum WeightsError {
    Shape { name: &'static str, expected: usize, found: usize },
    NotFinite { name: &'static str, index: usize },
    Empty,
    NoPeepholes { cell: &'static str },
}

impl fmt::Display for WeightsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WeightsError::Shape { name, expected, found } => {
                write!(f, "{name} has {found} numbers, expected {expected}")
            }
            WeightsError::NotFinite { name, index } => write!(f, "{name}[{index}] is not a finite number"),
            WeightsError::Empty => write!(f, "the hidden size and the input size must be at least 1"),
            WeightsError::NoPeepholes { cell } => write!(f, "this cell ({cell}) has no peepholes"),
        }
    }
}

impl std::error::Error for WeightsError {}

impl<T: Float> Weights<T> {
    /// All-zero LSTM weights of the given size, to be filled in by a preset.
    #[must_use]
    pub fn zeros(input_size: usize, hidden_size: usize) -> Self {
        Weights::zeros_for(CellKind::Lstm, input_size, hidden_size)
    }

    /// All-zero weights of a cell design.
    #[must_use]
    pub fn zeros_for(cell: CellKind, input_size: usize, hidden_size: usize) -> Self {
        let rows = cell.spec().rows(hidden_size);
        // A design whose gates see x only has no W_hh and no b_hh.
        let recurrent_rows = if cell.spec().recurrent { rows } else { 0 };
        Weights {
            cell,
            input_size,
            hidden_size,
            weight_ih: vec![T::zero(); rows * input_size],
            weight_hh: vec![T::zero(); recurrent_rows * hidden_size],
            bias_ih: vec![T::zero(); rows],
            bias_hh: vec![T::zero(); recurrent_rows],
            peepholes: Vec::new(),
        }
    }

    /// Whether the cell has peepholes.
    #[must_use]
    pub fn has_peepholes(&self) -> bool {
        !self.peepholes.is_empty()
    }

    /// One peephole's H weights (`k` in the spec's order: w_ci, w_cf, w_co).
    #[must_use]
    pub fn peephole(&self, k: usize) -> &[T] {
        &self.peepholes[k * self.hidden_size..(k + 1) * self.hidden_size]
    }

    /// The row of gate `gate`, unit `unit` in the 4H-row matrices and biases.
    #[must_use]
    pub fn row(&self, gate: Gate, unit: usize) -> usize {
        gate as usize * self.hidden_size + unit
    }

    /// Every number, named, in PyTorch's order (for validation and serialisation), then the
    /// peepholes if there are any. A design without recurrent weights has no `weight_hh_l0`
    /// and `bias_hh_l0`.
    #[must_use]
    pub fn tensors(&self) -> Vec<(&'static str, &[T])> {
        let mut tensors: Vec<(&'static str, &[T])> = vec![("weight_ih_l0", &self.weight_ih)];
        if self.cell.spec().recurrent {
            tensors.push(("weight_hh_l0", &self.weight_hh));
        }
        tensors.push(("bias_ih_l0", &self.bias_ih));
        if self.cell.spec().recurrent {
            tensors.push(("bias_hh_l0", &self.bias_hh));
        }
        if self.has_peepholes() {
            tensors.extend(lstm::SPEC.peepholes.iter().enumerate().map(|(k, p)| (p.key, self.peephole(k))));
        }
        tensors
    }

    /// Checks shapes and finiteness.
    pub fn validate(&self) -> Result<(), WeightsError> {
        if self.input_size == 0 || self.hidden_size == 0 {
            return Err(WeightsError::Empty);
        }
        let spec = self.cell.spec();
        let (rows, hidden) = (spec.rows(self.hidden_size), self.hidden_size);
        let peepholes = spec.peepholes.len() * hidden;
        if self.has_peepholes() && spec.peepholes.is_empty() {
            return Err(WeightsError::NoPeepholes { cell: spec.label });
        }
        if self.has_peepholes() && self.peepholes.len() != peepholes {
            let name = lstm::SPEC.peepholes[0].key;
            return Err(WeightsError::Shape { name, expected: hidden, found: self.peepholes.len().min(hidden) });
        }
        let expected = |name: &str| match name {
            "weight_ih_l0" => rows * self.input_size,
            "weight_hh_l0" => rows * hidden,
            "bias_ih_l0" | "bias_hh_l0" => rows,
            _ => hidden,
        };
        if !spec.recurrent {
            // Gates that see x only: no recurrent weights may be given.
            for (name, values) in [("weight_hh_l0", &self.weight_hh), ("bias_hh_l0", &self.bias_hh)] {
                if !values.is_empty() {
                    return Err(WeightsError::Shape { name, expected: 0, found: values.len() });
                }
            }
        }
        for (name, values) in self.tensors() {
            let expected = expected(name);
            if values.len() != expected {
                return Err(WeightsError::Shape { name, expected, found: values.len() });
            }
            if let Some(index) = values.iter().position(|v| !v.is_finite()) {
                return Err(WeightsError::NotFinite { name, index });
            }
        }
        Ok(())
    }

    /// Converts every number to another float type (f32 for the page, f64 for gradient checks).
    #[must_use]
    pub fn cast<U: Float>(&self) -> Weights<U> {
        let convert = |v: &Vec<T>| v.iter().map(|x| U::from(*x).unwrap_or_else(U::nan)).collect();
        Weights {
            cell: self.cell,
            input_size: self.input_size,
            hidden_size: self.hidden_size,
            weight_ih: convert(&self.weight_ih),
            weight_hh: convert(&self.weight_hh),
            bias_ih: convert(&self.bias_ih),
            bias_hh: convert(&self.bias_hh),
            peepholes: convert(&self.peepholes),
        }
    }

    /// The same weights with peepholes drawn uniform(−1/√H, 1/√H) from `rng` (w_ci, w_cf, w_co).
    #[must_use]
    pub fn with_random_peepholes(mut self, rng: &mut crate::rng::Rng) -> Self {
        #[allow(clippy::cast_precision_loss)] // hidden sizes are far below 2^52
        let bound = 1.0 / (self.hidden_size.max(1) as f64).sqrt();
        let count = lstm::SPEC.peepholes.len() * self.hidden_size;
        self.peepholes = (0..count).map(|_| T::from(rng.uniform(-bound, bound)).unwrap_or_else(T::nan)).collect();
        self
    }

    /// The same weights with every peephole 0: peepholes that change nothing until trained.
    #[must_use]
    pub fn with_zero_peepholes(mut self) -> Self {
        self.peepholes = vec![T::zero(); lstm::SPEC.peepholes.len() * self.hidden_size];
        self
    }

    /// PyTorch's initialisation: every weight and bias uniform(−1/√H, 1/√H), drawn from `rng`
    /// in PyTorch's order (W_ih, W_hh, b_ih, b_hh, each row-major).
    pub fn pytorch_init(input_size: usize, hidden_size: usize, rng: &mut crate::rng::Rng) -> Self {
        Weights::pytorch_init_for(CellKind::Lstm, input_size, hidden_size, rng)
    }

    /// [`Weights::pytorch_init`] for any cell design (PyTorch initialises `nn.GRU` the same way).
    pub fn pytorch_init_for(cell: CellKind, input_size: usize, hidden_size: usize, rng: &mut crate::rng::Rng) -> Self {
        #[allow(clippy::cast_precision_loss)] // hidden sizes are far below 2^52
        let bound = 1.0 / (hidden_size.max(1) as f64).sqrt();
        let mut w = Weights::zeros_for(cell, input_size, hidden_size);
        for tensor in [&mut w.weight_ih, &mut w.weight_hh, &mut w.bias_ih, &mut w.bias_hh] {
            for v in tensor.iter_mut() {
                *v = T::from(rng.uniform(-bound, bound)).unwrap_or_else(T::nan);
            }
        }
        w
    }
}

/// A cell ready to run: the weights plus the transposed copies it steps with.
#[derive(Clone, Debug)]
pub struct Recurrent<T> {
    weights: Weights<T>,
    input_columns: Vec<T>,
    recurrent_columns: Vec<T>,
    /// b_ih + b_hh, or b_ih alone for a cell that keeps the recurrent part apart (then
    /// `bias_recurrent` is b_hh).
    bias: Vec<T>,
    bias_recurrent: Vec<T>,
}

impl<T: Float> Recurrent<T> {
    pub fn new(weights: Weights<T>) -> Result<Self, WeightsError> {
        weights.validate()?;
        let spec = weights.cell.spec();
        let (rows, input, hidden) = (spec.rows(weights.hidden_size), weights.input_size, weights.hidden_size);
        let mut input_columns = vec![T::zero(); rows * input];
        transpose_into(&weights.weight_ih, rows, input, &mut input_columns);
        let mut recurrent_columns = vec![T::zero(); weights.weight_hh.len()];
        transpose_into(&weights.weight_hh, rows, hidden, &mut recurrent_columns);
        let (bias, bias_recurrent) = if spec.split_recurrent {
            (weights.bias_ih.clone(), weights.bias_hh.clone())
        } else if spec.recurrent {
            (weights.bias_ih.iter().zip(&weights.bias_hh).map(|(a, b)| *a + *b).collect(), Vec::new())
        } else {
            (weights.bias_ih.clone(), Vec::new())
        };
        Ok(Recurrent { weights, input_columns, recurrent_columns, bias, bias_recurrent })
    }

    /// The cell design's table entry.
    #[must_use]
    pub fn spec(&self) -> &'static CellSpec {
        self.weights.cell.spec()
    }

    /// Which cell design it is.
    #[must_use]
    pub fn kind(&self) -> CellKind {
        self.weights.cell
    }

    /// Whether the cell has peepholes.
    #[must_use]
    pub fn has_peepholes(&self) -> bool {
        self.weights.has_peepholes()
    }

    #[must_use]
    pub fn weights(&self) -> &Weights<T> {
        &self.weights
    }

    #[must_use]
    pub fn hidden_size(&self) -> usize {
        self.weights.hidden_size
    }

    #[must_use]
    pub fn input_size(&self) -> usize {
        self.weights.input_size
    }

    /// The transposed layout the forward pass runs on.
    #[must_use]
    pub fn columns(&self) -> Columns<'_, T> {
        Columns {
            input_size: self.input_size(),
            hidden_size: self.hidden_size(),
            input: &self.input_columns,
            recurrent: &self.recurrent_columns,
            bias: &self.bias,
            bias_recurrent: &self.bias_recurrent,
        }
    }

    /// z = W_ih·x + b_ih + W_hh·h_prev + b_hh for a one-hot x, into `z` (4H values).
    pub fn preactivations(&self, symbol: Symbol, h_prev: &[T], z: &mut [T]) {
        self.columns().preactivations(symbol, h_prev, z);
    }

    /// Runs the cell over `symbols` from a zero state, filling `trace` (its buffers are reused).
    pub fn run(&self, symbols: &[Symbol], acts: &Activations, trace: &mut Trace<T>) {
        self.run_keeping(symbols, acts, trace, &mut State::default());
    }

    /// [`Recurrent::run`], leaving the final h and c in `state` so that [`Recurrent::extend`] can go on.
    pub fn run_keeping(&self, symbols: &[Symbol], acts: &Activations, trace: &mut Trace<T>, state: &mut State<T>) {
        trace.reset(self.spec(), symbols, self.hidden_size());
        state.reset(self.spec(), self.hidden_size(), 1, false);
        self.resume_from(symbols, Inputs::OneHot, acts, 0, state, trace);
        trace.count_nonfinite();
    }

    /// Starts a run over: no steps traced, a zero state.
    pub fn restart(&self, trace: &mut Trace<T>, state: &mut State<T>) {
        trace.reset(self.spec(), &[], self.hidden_size());
        state.reset(self.spec(), self.hidden_size(), 1, false);
    }

    /// Keeps the longest prefix of `trace` (a run of this cell, under the activations it will
    /// go on with) that `symbols` starts with, and sets `state` to h and c after it, so that
    /// [`Recurrent::extend`] reruns only from the first step that changed: an LSTM's prefix does not
    /// depend on what follows, and the trace holds h and c of every step.
    pub fn rewind(&self, symbols: &[Symbol], trace: &mut Trace<T>, state: &mut State<T>) {
        let hidden = self.hidden_size();
        if trace.hidden() != hidden {
            self.restart(trace, state);
            return;
        }
        let kept = trace.symbols().iter().zip(symbols).take_while(|(a, b)| a == b).count();
        trace.truncate(kept);
        state.reset(self.spec(), hidden, 1, false);
        if let Some(last) = kept.checked_sub(1) {
            let (h, carried) = state.states_mut();
            h.copy_from_slice(trace.at(Quantity::Hidden, last));
            for (slot, &q) in carried.chunks_exact_mut(hidden).zip(&self.spec().states[1..]) {
                slot.copy_from_slice(trace.at(q, last));
            }
        }
    }

    /// Extends `trace`, a run of this cell under `acts` whose last state is `state`, by the
    /// symbols of `symbols` past its end (`symbols` starts with the traced ones).
    pub fn extend(&self, symbols: &[Symbol], acts: &Activations, trace: &mut Trace<T>, state: &mut State<T>) {
        self.extend_from(symbols, Inputs::OneHot, acts, trace, state);
    }

    /// [`Recurrent::extend`] for a layer whose x is `inputs` (the layer below's h, or one-hot).
    pub fn extend_from(&self, symbols: &[Symbol], inputs: Inputs<'_, T>, acts: &Activations, trace: &mut Trace<T>, state: &mut State<T>) {
        let from = trace.steps();
        trace.grow(symbols, self.hidden_size());
        self.resume_from(symbols, inputs, acts, from, state, trace);
        trace.count_nonfinite();
    }

    /// Extends `outputs` (a layer not on show: only its states are kept) to `symbols.len()` steps.
    pub fn extend_outputs(&self, symbols: &[Symbol], inputs: Inputs<'_, T>, acts: &Activations, outputs: &mut Outputs<T>, state: &mut State<T>) {
        let from = outputs.steps();
        outputs.grow(self.spec(), self.hidden_size(), symbols.len());
        self.resume_from(symbols, inputs, acts, from, state, outputs);
    }

    /// Runs the cell over `symbols[from..]` from `state`, recording into `recorder`.
    fn resume_from<R: Recorder<T>>(&self, symbols: &[Symbol], inputs: Inputs<'_, T>, acts: &Activations, from: usize, state: &mut State<T>, recorder: &mut R) {
        let peepholes = self.weights.has_peepholes().then_some(&self.weights.peepholes[..]);
        self.columns().resume(&*self.kind().cell(peepholes), acts, symbols, inputs, from, state, recorder);
    }
}

/// What is kept of a layer that is not on show: its states (h, then any others such as c) at
/// every step, so that the layer above can read its h and an edit can resume after the steps
/// it kept.
#[derive(Clone, Debug, Default)]
pub struct Outputs<T> {
    hidden: usize,
    /// h at every step (steps × H): the next layer's x.
    h: Vec<T>,
    /// The other states at every step (steps × (states − 1)·H).
    carried: Vec<T>,
    /// Where each state sits among the quantities a step computes (z blocks, then values), for
    /// the design `spec` (a GRU's h is not where a minGRU's is).
    places: Vec<usize>,
    spec: Option<&'static CellSpec>,
}

impl<T: Float> Outputs<T> {
    #[must_use]
    pub fn steps(&self) -> usize {
        self.h.len().checked_div(self.hidden).unwrap_or(0)
    }

    /// h at every step, steps × H.
    #[must_use]
    pub fn hidden_states(&self) -> &[T] {
        &self.h
    }

    /// Whether these are outputs of a `hidden`-unit cell of design `spec`.
    fn fits(&self, spec: &'static CellSpec, hidden: usize) -> bool {
        self.hidden == hidden && self.spec.is_some_and(|s| s.name == spec.name)
    }

    /// h at step `t`, if it is run.
    #[must_use]
    pub fn hidden_at(&self, t: usize) -> Option<&[T]> {
        self.h.get(t * self.hidden..(t + 1) * self.hidden)
    }

    fn grow(&mut self, spec: &'static CellSpec, hidden: usize, steps: usize) {
        if !self.fits(spec, hidden) {
            self.hidden = hidden;
            self.spec = Some(spec);
            self.h.clear();
            self.carried.clear();
            self.places = spec.states.iter().map(|q| spec.traced().position(|t| t == *q).expect("a state is traced")).collect();
        }
        self.h.resize(steps * hidden, T::zero());
        self.carried.resize(steps * (spec.states.len() - 1) * hidden, T::zero());
    }

    /// Keeps the first `steps` steps, and sets `state` to the states after them (a zero state
    /// for none), as [`Recurrent::rewind`] does for a trace.
    pub fn rewind(&mut self, spec: &'static CellSpec, hidden: usize, steps: usize, state: &mut State<T>) {
        let steps = if self.fits(spec, hidden) { steps.min(self.steps()) } else { 0 };
        let width = (spec.states.len() - 1) * hidden;
        self.h.truncate(steps * hidden);
        self.carried.truncate(steps * width);
        state.reset(spec, hidden, 1, false);
        if let Some(last) = steps.checked_sub(1) {
            let (h, carried) = state.states_mut();
            h.copy_from_slice(&self.h[last * hidden..steps * hidden]);
            carried.copy_from_slice(&self.carried[last * width..steps * width]);
        }
    }
}

impl<T: Float> Recorder<T> for Outputs<T> {
    const SLOPES: bool = false;

    fn step(&mut self, t: usize, _: usize, block: &StepBlock<T>) {
        let hidden = self.hidden;
        let blocks = block.z.len() / hidden;
        let part = |place: usize| {
            if place < blocks {
                &block.z[place * hidden..(place + 1) * hidden]
            } else {
                &block.values[(place - blocks) * hidden..(place - blocks + 1) * hidden]
            }
        };
        self.h[t * hidden..(t + 1) * hidden].copy_from_slice(part(self.places[0]));
        let width = (self.places.len() - 1) * hidden;
        for (k, &place) in self.places[1..].iter().enumerate() {
            self.carried[t * width + k * hidden..t * width + (k + 1) * hidden].copy_from_slice(part(place));
        }
    }
}
