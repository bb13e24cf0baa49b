//! The LSTM cell: weights in PyTorch's layout, one step, and a whole sequence.
//!
//! PyTorch's equations, with one activation per site:
//! ```text
//! z = W_ih·x + b_ih + W_hh·h_prev + b_hh          (4H values, gate blocks in the order i, f, g, o)
//! i = act_input(z_i)   f = act_forget(z_f)   g = act_candidate(z_g)   o = act_output(z_o)
//! c = f ⊙ c_prev + i ⊙ g
//! h = o ⊙ act_cell_output(c)
//! ```
//! Inputs are one-hot symbols, so W_ih·x is a column lookup, not a matrix product.

use crate::activation::{Activation, Activations};
use crate::trace::Trace;
use num_traits::Float;
use std::fmt;

/// The four gate blocks of PyTorch's weight matrices, in PyTorch's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gate {
    Input = 0,
    Forget = 1,
    Candidate = 2,
    Output = 3,
}

impl Gate {
    pub const ALL: [Gate; 4] = [Gate::Input, Gate::Forget, Gate::Candidate, Gate::Output];

    /// The activation the configuration applies to this gate's pre-activation.
    pub fn activation(self, acts: &Activations) -> Activation {
        match self {
            Gate::Input => acts.input,
            Gate::Forget => acts.forget,
            Gate::Candidate => acts.candidate,
            Gate::Output => acts.output,
        }
    }
}

/// One input symbol: an index into the vocabulary, or `None` for a character outside it
/// (the "other" symbol, whose input vector is all zeros).
pub type Symbol = Option<usize>;

/// Weights with PyTorch's names and layout: `weight_ih_l0` is 4H × I row-major, `weight_hh_l0`
/// is 4H × H, the biases 4H each; gate blocks i, f, g, o.
#[derive(Clone, Debug, PartialEq)]
pub struct Weights<T> {
    pub input_size: usize,
    pub hidden_size: usize,
    pub weight_ih: Vec<T>,
    pub weight_hh: Vec<T>,
    pub bias_ih: Vec<T>,
    pub bias_hh: Vec<T>,
}

/// Weights that cannot make a cell: the wrong shape or a non-finite number.
#[derive(Clone, Debug, PartialEq)]
pub enum WeightsError {
    Shape { name: &'static str, expected: usize, found: usize },
    NotFinite { name: &'static str, index: usize },
    Empty,
}

impl fmt::Display for WeightsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WeightsError::Shape { name, expected, found } => {
                write!(f, "{name} has {found} numbers, expected {expected}")
            }
            WeightsError::NotFinite { name, index } => write!(f, "{name}[{index}] is not a finite number"),
            WeightsError::Empty => write!(f, "the hidden size and the input size must be at least 1"),
        }
    }
}

impl std::error::Error for WeightsError {}

impl<T: Float> Weights<T> {
    /// All-zero weights of the given size, to be filled in by a preset.
    pub fn zeros(input_size: usize, hidden_size: usize) -> Self {
        let rows = 4 * hidden_size;
        Weights {
            input_size,
            hidden_size,
            weight_ih: vec![T::zero(); rows * input_size],
            weight_hh: vec![T::zero(); rows * hidden_size],
            bias_ih: vec![T::zero(); rows],
            bias_hh: vec![T::zero(); rows],
        }
    }

    /// The row of gate `gate`, unit `unit` in the 4H-row matrices and biases.
    pub fn row(&self, gate: Gate, unit: usize) -> usize {
        gate as usize * self.hidden_size + unit
    }

    /// Every number, named, in PyTorch's order (for validation and serialisation).
    pub fn tensors(&self) -> [(&'static str, &[T]); 4] {
        [
            ("weight_ih_l0", &self.weight_ih),
            ("weight_hh_l0", &self.weight_hh),
            ("bias_ih_l0", &self.bias_ih),
            ("bias_hh_l0", &self.bias_hh),
        ]
    }

    /// Checks shapes and finiteness.
    pub fn validate(&self) -> Result<(), WeightsError> {
        if self.input_size == 0 || self.hidden_size == 0 {
            return Err(WeightsError::Empty);
        }
        let rows = 4 * self.hidden_size;
        let expected = [rows * self.input_size, rows * self.hidden_size, rows, rows];
        for ((name, values), expected) in self.tensors().into_iter().zip(expected) {
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
    pub fn cast<U: Float>(&self) -> Weights<U> {
        let convert = |v: &Vec<T>| v.iter().map(|x| U::from(*x).unwrap_or_else(U::nan)).collect();
        Weights {
            input_size: self.input_size,
            hidden_size: self.hidden_size,
            weight_ih: convert(&self.weight_ih),
            weight_hh: convert(&self.weight_hh),
            bias_ih: convert(&self.bias_ih),
            bias_hh: convert(&self.bias_hh),
        }
    }
}

/// The number of trainable parameters under a configuration. A gate set to "none" is a
/// constant, so its block of W_ih, W_hh and both biases no longer counts: 4 blocks become 3.
pub fn parameter_count(input_size: usize, hidden_size: usize, acts: &Activations) -> usize {
    let per_block = hidden_size * (input_size + hidden_size + 2);
    let live_blocks = Gate::ALL.iter().filter(|g| !g.activation(acts).is_removed()).count();
    live_blocks * per_block
}

/// A cell ready to run: the weights plus copies laid out for fast stepping.
#[derive(Clone, Debug)]
pub struct Lstm<T> {
    weights: Weights<T>,
    /// W_ih transposed (I × 4H), so a one-hot input's column is contiguous.
    input_columns: Vec<T>,
    /// W_hh transposed (H × 4H), so W_hh·h is a sum of contiguous columns (vectorises).
    recurrent_columns: Vec<T>,
    /// b_ih + b_hh.
    bias: Vec<T>,
}

fn transpose<T: Copy>(matrix: &[T], rows: usize, cols: usize) -> Vec<T> {
    let mut out = Vec::with_capacity(matrix.len());
    for c in 0..cols {
        out.extend((0..rows).map(|r| matrix[r * cols + c]));
    }
    out
}

impl<T: Float> Lstm<T> {
    pub fn new(weights: Weights<T>) -> Result<Self, WeightsError> {
        weights.validate()?;
        let rows = 4 * weights.hidden_size;
        let input_columns = transpose(&weights.weight_ih, rows, weights.input_size);
        let recurrent_columns = transpose(&weights.weight_hh, rows, weights.hidden_size);
        let bias = weights.bias_ih.iter().zip(&weights.bias_hh).map(|(a, b)| *a + *b).collect();
        Ok(Lstm { weights, input_columns, recurrent_columns, bias })
    }

    pub fn weights(&self) -> &Weights<T> {
        &self.weights
    }

    pub fn hidden_size(&self) -> usize {
        self.weights.hidden_size
    }

    pub fn input_size(&self) -> usize {
        self.weights.input_size
    }

    /// z = W_ih·x + b_ih + W_hh·h_prev + b_hh for a one-hot x, into `z` (4H values).
    pub fn preactivations(&self, symbol: Symbol, h_prev: &[T], z: &mut [T]) {
        let rows = 4 * self.hidden_size();
        z.copy_from_slice(&self.bias);
        if let Some(s) = symbol.filter(|&s| s < self.input_size()) {
            for (zk, w) in z.iter_mut().zip(&self.input_columns[s * rows..(s + 1) * rows]) {
                *zk = *zk + *w;
            }
        }
        // z += Σ_j h_j · (column j of W_hh), a block of BLOCK rows at a time so that the block's
        // running sums stay in registers instead of going through memory once per column. Each
        // row still adds its terms in the order j = 0, 1, ..., so the result is bit-identical to
        // the plain column-by-column loop.
        const BLOCK: usize = 32;
        for (b, z_block) in z.chunks_mut(BLOCK).enumerate() {
            let start = b * BLOCK;
            if let Ok(z_block) = <&mut [T; BLOCK]>::try_from(&mut *z_block) {
                let mut acc = *z_block;
                for (j, &hj) in h_prev.iter().enumerate() {
                    if hj == T::zero() {
                        continue;
                    }
                    let column = &self.recurrent_columns[j * rows + start..][..BLOCK];
                    for (a, w) in acc.iter_mut().zip(column) {
                        *a = *a + *w * hj;
                    }
                }
                *z_block = acc;
            } else {
                for (j, &hj) in h_prev.iter().enumerate() {
                    if hj == T::zero() {
                        continue;
                    }
                    let column = &self.recurrent_columns[j * rows + start..][..z_block.len()];
                    for (zk, w) in z_block.iter_mut().zip(column) {
                        *zk = *zk + *w * hj;
                    }
                }
            }
        }
    }

    /// Runs the cell over `symbols` from a zero state, filling `trace` (its buffers are reused).
    pub fn run(&self, symbols: &[Symbol], acts: &Activations, trace: &mut Trace<T>) {
        let hidden = self.hidden_size();
        trace.reset(symbols, hidden);
        let mut z = vec![T::zero(); 4 * hidden];
        let mut h_prev = vec![T::zero(); hidden];
        let mut c_prev = vec![T::zero(); hidden];
        for (t, &symbol) in symbols.iter().enumerate() {
            self.preactivations(symbol, &h_prev, &mut z);
            let mut step = trace.step_mut(t);
            for u in 0..hidden {
                let zi = z[u];
                let zf = z[hidden + u];
                let zg = z[2 * hidden + u];
                let zo = z[3 * hidden + u];
                let cell = CellValues::compute(acts, c_prev[u], zi, zf, zg, zo);
                step.write(u, [zi, zf, zg, zo], c_prev[u], &cell);
                c_prev[u] = cell.c;
                h_prev[u] = cell.h;
            }
        }
        trace.count_nonfinite();
    }
}

/// Everything one unit computes in one step.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CellValues<T> {
    pub i: T,
    pub f: T,
    pub g: T,
    pub o: T,
    /// f ⊙ c_prev: what survives of the memory.
    pub kept: T,
    /// i ⊙ g: what is written.
    pub written: T,
    pub c: T,
    /// act_cell_output(c).
    pub cell_out: T,
    pub h: T,
}

impl<T: Float> CellValues<T> {
    /// One unit's step from its previous cell state and its four pre-activations.
    pub fn compute(acts: &Activations, c_prev: T, zi: T, zf: T, zg: T, zo: T) -> Self {
        let i = acts.input.apply(zi);
        let f = acts.forget.apply(zf);
        let g = acts.candidate.apply(zg);
        let o = acts.output.apply(zo);
        let kept = f * c_prev;
        let written = i * g;
        let c = kept + written;
        let cell_out = acts.cell_output.apply(c);
        CellValues { i, f, g, o, kept, written, c, cell_out, h: o * cell_out }
    }
}

/// The one-step calculator's result: one entry per unit.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct CellStep {
    pub i: Vec<f64>,
    pub f: Vec<f64>,
    pub g: Vec<f64>,
    pub o: Vec<f64>,
    pub kept: Vec<f64>,
    pub written: Vec<f64>,
    pub c: Vec<f64>,
    pub cell_out: Vec<f64>,
    pub h: Vec<f64>,
}

impl CellStep {
    /// Every field with its name, in the order a step computes them.
    pub fn fields(&self) -> [(&'static str, &Vec<f64>); 9] {
        [
            ("f", &self.f),
            ("i", &self.i),
            ("g", &self.g),
            ("o", &self.o),
            ("kept", &self.kept),
            ("written", &self.written),
            ("c", &self.c),
            ("cell_out", &self.cell_out),
            ("h", &self.h),
        ]
    }
}

/// The calculator's vectors disagree in length (or are empty).
#[derive(Clone, Debug, PartialEq)]
pub struct LengthMismatch {
    pub lengths: [(&'static str, usize); 5],
}

impl fmt::Display for LengthMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.lengths.iter().map(|(n, l)| format!("{n} has {l}")).collect();
        write!(f, "the vectors must all have the same, non-zero length: {}", parts.join(", "))
    }
}

impl std::error::Error for LengthMismatch {}

/// One step of the cell from numbers typed in directly: c_prev and the four pre-activation
/// vectors (any common length), under `acts`. For checking a worked example line by line.
pub fn one_step(
    acts: &Activations,
    c_prev: &[f64],
    zf: &[f64],
    zi: &[f64],
    zg: &[f64],
    zo: &[f64],
) -> Result<CellStep, LengthMismatch> {
    let lengths = [("c_prev", c_prev.len()), ("f", zf.len()), ("i", zi.len()), ("g", zg.len()), ("o", zo.len())];
    let n = c_prev.len();
    if n == 0 || lengths.iter().any(|(_, l)| *l != n) {
        return Err(LengthMismatch { lengths });
    }
    let mut out = CellStep::default();
    for u in 0..n {
        let v = CellValues::compute(acts, c_prev[u], zi[u], zf[u], zg[u], zo[u]);
        out.i.push(v.i);
        out.f.push(v.f);
        out.g.push(v.g);
        out.o.push(v.o);
        out.kept.push(v.kept);
        out.written.push(v.written);
        out.c.push(v.c);
        out.cell_out.push(v.cell_out);
        out.h.push(v.h);
    }
    Ok(out)
}
