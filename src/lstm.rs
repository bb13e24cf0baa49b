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

use crate::activation::Activations;
use crate::cell::{CellValues, Gates, Slopes};
use crate::site::Gate;
use crate::trace::Trace;
use crate::vocab::Symbol;
use num_traits::Float;
use std::fmt;

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
    #[must_use]
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
    #[must_use]
    pub fn row(&self, gate: Gate, unit: usize) -> usize {
        gate as usize * self.hidden_size + unit
    }

    /// Every number, named, in PyTorch's order (for validation and serialisation).
    #[must_use]
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
    #[must_use]
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

    /// PyTorch's initialisation: every weight and bias uniform(−1/√H, 1/√H), drawn from `rng`
    /// in PyTorch's order (W_ih, W_hh, b_ih, b_hh, each row-major).
    pub fn pytorch_init(input_size: usize, hidden_size: usize, rng: &mut crate::rng::Rng) -> Self {
        #[allow(clippy::cast_precision_loss)] // hidden sizes are far below 2^52
        let bound = 1.0 / (hidden_size.max(1) as f64).sqrt();
        let mut w = Weights::zeros(input_size, hidden_size);
        for tensor in [&mut w.weight_ih, &mut w.weight_hh, &mut w.bias_ih, &mut w.bias_hh] {
            for v in tensor.iter_mut() {
                *v = T::from(rng.uniform(-bound, bound)).unwrap_or_else(T::nan);
            }
        }
        w
    }
}

/// How many of the four gate blocks are live (a removed gate's block is not).
#[must_use]
pub fn live_blocks(acts: &Activations) -> usize {
    Gate::ALL.iter().filter(|g| !g.activation(acts).is_removed()).count()
}

/// The number of trainable parameters under a configuration. A gate set to "none" is a
/// constant, so its block of W_ih, W_hh and both biases no longer counts: 4 blocks become 3.
#[must_use]
pub fn parameter_count(input_size: usize, hidden_size: usize, acts: &Activations) -> usize {
    let per_block = hidden_size * (input_size + hidden_size + 2);
    live_blocks(acts) * per_block
}

/// `matrix` (`rows` × `cols`, row-major) transposed, into `out` (`cols` × `rows`).
pub fn transpose_into<T: Copy>(matrix: &[T], rows: usize, cols: usize, out: &mut [T]) {
    for (c, column) in out.chunks_exact_mut(rows).take(cols).enumerate() {
        for (r, v) in column.iter_mut().enumerate() {
            *v = matrix[r * cols + c];
        }
    }
}

/// y += Σ_j x_j · rows[j] (each row `y.len()` long): W_hh·h_prev in the forward pass (rows of
/// W_hhᵀ) and W_hhᵀ·δz in the backward (rows of W_hh). BLOCK entries of y at a time, so the
/// block's running sums stay in registers instead of going through memory once per row. Each
/// entry adds its terms in the order j = 0, 1, ..., so the result is bit-identical to the plain
/// loop; terms with x_j = 0 are skipped (adding w·0 to a sum that is never −0 changes nothing).
pub fn add_rows<T: Float>(y: &mut [T], rows: &[T], x: &[T]) {
    const BLOCK: usize = 16;
    let len = y.len();
    for (b, y_block) in y.chunks_mut(BLOCK).enumerate() {
        let start = b * BLOCK;
        if let Ok(y_block) = <&mut [T; BLOCK]>::try_from(&mut *y_block) {
            let mut acc = *y_block;
            for (j, &xj) in x.iter().enumerate() {
                if xj == T::zero() {
                    continue;
                }
                let row: &[T; BLOCK] = rows[j * len + start..][..BLOCK].try_into().expect("BLOCK long");
                for k in 0..BLOCK {
                    acc[k] = acc[k] + row[k] * xj;
                }
            }
            *y_block = acc;
        } else {
            let width = y_block.len();
            for (j, &xj) in x.iter().enumerate() {
                if xj == T::zero() {
                    continue;
                }
                for (yk, w) in y_block.iter_mut().zip(&rows[j * len + start..][..width]) {
                    *yk = *yk + *w * xj;
                }
            }
        }
    }
}

/// The layout both the page's cell and the trainer run on: W_ih and W_hh transposed, so a
/// one-hot input's column and each column of W_hh are contiguous 4H rows.
#[derive(Clone, Copy, Debug)]
pub struct Columns<'a, T> {
    pub input_size: usize,
    pub hidden_size: usize,
    /// W_ih transposed (I × 4H).
    pub input: &'a [T],
    /// W_hh transposed (H × 4H).
    pub recurrent: &'a [T],
    /// b_ih + b_hh (4H).
    pub bias: &'a [T],
}

impl<T: Float> Columns<'_, T> {
    /// z = W_ih·x + b_ih + W_hh·h_prev + b_hh for a one-hot x, into `z` (4H values).
    pub fn preactivations(&self, symbol: Symbol, h_prev: &[T], z: &mut [T]) {
        let rows = 4 * self.hidden_size;
        z.copy_from_slice(self.bias);
        if let Some(s) = symbol.filter(|&s| s < self.input_size) {
            for (zk, w) in z.iter_mut().zip(&self.input[s * rows..(s + 1) * rows]) {
                *zk = *zk + *w;
            }
        }
        add_rows(z, self.recurrent, h_prev);
    }

    /// Runs the cell over `symbols` from a zero state: the one forward pass. What is kept of
    /// each step is up to `recorder` (the page's trace keeps every value; the trainer also
    /// keeps the slopes and scores h through its read-out).
    pub fn run<R: Recorder<T>>(&self, acts: &Activations, symbols: &[Symbol], state: &mut State<T>, recorder: &mut R) {
        let hidden = self.hidden_size;
        state.reset(hidden);
        for (t, &symbol) in symbols.iter().enumerate() {
            self.preactivations(symbol, &state.h, &mut state.z);
            for u in 0..hidden {
                let z = Gates::from_blocks(&state.z, hidden, u);
                let c_prev = state.c[u];
                let (values, slopes) = if R::SLOPES {
                    CellValues::compute_with_slopes(acts, c_prev, z)
                } else {
                    (CellValues::compute(acts, c_prev, z), Slopes::zero())
                };
                recorder.unit(t, u, z, c_prev, &values, &slopes);
                state.c[u] = values.c;
                state.h[u] = values.h;
            }
            recorder.end_step(t, &state.h);
        }
    }
}

/// What a forward pass keeps of each step.
pub trait Recorder<T> {
    /// Whether [`Recorder::unit`] needs the activations' slopes (computed with the same `exp`).
    const SLOPES: bool;
    /// Unit `u` at step `t`: its pre-activations, previous cell state, everything computed and,
    /// if asked for, the slopes (zeros otherwise).
    fn unit(&mut self, t: usize, u: usize, z: Gates<T>, c_prev: T, values: &CellValues<T>, slopes: &Slopes<T>);
    /// Called after every unit of step `t`, with h_t.
    fn end_step(&mut self, _t: usize, _h: &[T]) {}
}

/// The running state of a forward pass: z, h and c, kept between runs so nothing is allocated.
#[derive(Clone, Debug)]
pub struct State<T> {
    z: Vec<T>,
    h: Vec<T>,
    c: Vec<T>,
}

impl<T> Default for State<T> {
    fn default() -> Self {
        State { z: Vec::new(), h: Vec::new(), c: Vec::new() }
    }
}

impl<T: Float> State<T> {
    fn reset(&mut self, hidden: usize) {
        for (buffer, len) in [(&mut self.z, 4 * hidden), (&mut self.h, hidden), (&mut self.c, hidden)] {
            buffer.clear();
            buffer.resize(len, T::zero());
        }
    }
}

/// A cell ready to run: the weights plus the transposed copies it steps with.
#[derive(Clone, Debug)]
pub struct Lstm<T> {
    weights: Weights<T>,
    input_columns: Vec<T>,
    recurrent_columns: Vec<T>,
    bias: Vec<T>,
}

impl<T: Float> Lstm<T> {
    pub fn new(weights: Weights<T>) -> Result<Self, WeightsError> {
        weights.validate()?;
        let (rows, input, hidden) = (4 * weights.hidden_size, weights.input_size, weights.hidden_size);
        let mut input_columns = vec![T::zero(); rows * input];
        transpose_into(&weights.weight_ih, rows, input, &mut input_columns);
        let mut recurrent_columns = vec![T::zero(); rows * hidden];
        transpose_into(&weights.weight_hh, rows, hidden, &mut recurrent_columns);
        let bias = weights.bias_ih.iter().zip(&weights.bias_hh).map(|(a, b)| *a + *b).collect();
        Ok(Lstm { weights, input_columns, recurrent_columns, bias })
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
        }
    }

    /// z = W_ih·x + b_ih + W_hh·h_prev + b_hh for a one-hot x, into `z` (4H values).
    pub fn preactivations(&self, symbol: Symbol, h_prev: &[T], z: &mut [T]) {
        self.columns().preactivations(symbol, h_prev, z);
    }

    /// Runs the cell over `symbols` from a zero state, filling `trace` (its buffers are reused).
    pub fn run(&self, symbols: &[Symbol], acts: &Activations, trace: &mut Trace<T>) {
        trace.reset(symbols, self.hidden_size());
        self.columns().run(acts, symbols, &mut State::default(), trace);
        trace.count_nonfinite();
    }
}
