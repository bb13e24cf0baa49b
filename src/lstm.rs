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
use crate::cell::{CellValues, Gates};
use crate::site::Gate;
use crate::trace::{Quantity, Trace};
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

/// y += Σ_j x_j · rows[j] (each row `y.len()` long): one row of [`add_rows_batch`].
pub fn add_rows<T: Float>(y: &mut [T], rows: &[T], x: &[T]) {
    add_rows_batch(y, x, rows, y.len(), x.len());
}

/// Y[b] += Σ_j X[b][j] · rows[j] for every row b: Y is B × `n`, X is B × `m`, `rows` is `m` × `n`,
/// all row-major. The forward's W_hh·h for a whole batch (rows of W_hhᵀ), the backward's
/// W_hhᵀ·δz (rows of W_hh) and the weight gradient Σ h·δzᵀ (rows of δz) are all this product.
///
/// It works on a tile of four rows of Y by BLOCK entries at a time, so the tile's 4 × BLOCK
/// running sums stay in registers while each row of `rows` is loaded once for all four. Every
/// entry still adds its terms in the order j = 0, 1, ..., so the result is bit-identical to
/// the plain loop whatever the batch size; terms with X[b][j] = 0 are skipped (adding w·0 to a
/// sum that is never −0 changes nothing).
pub fn add_rows_batch<T: Float>(y: &mut [T], x: &[T], rows: &[T], n: usize, m: usize) {
    // Natively, on a CPU with AVX the same loops run on 256-bit vectors: twice the lanes, and
    // still a separate multiply and add per term (no fused multiply-add), so the bits are the
    // same as the portable loop's. (WebAssembly and older CPUs take the portable loop.)
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx") {
        // SAFETY: the CPU supports AVX, checked just above.
        unsafe { add_rows_batch_avx(y, x, rows, n, m) };
        return;
    }
    add_rows_batch_portable(y, x, rows, n, m);
}

/// [`add_rows_batch`] compiled for AVX.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx")]
unsafe fn add_rows_batch_avx<T: Float>(y: &mut [T], x: &[T], rows: &[T], n: usize, m: usize) {
    add_rows_batch_portable(y, x, rows, n, m);
}

#[inline(always)]
fn add_rows_batch_portable<T: Float>(y: &mut [T], x: &[T], rows: &[T], n: usize, m: usize) {
    const TILE: usize = 4;
    if n == 0 {
        return;
    }
    let batch = y.len() / n;
    let mut b0 = 0;
    while b0 < batch {
        // Four rows of Y at a time; the last one, two or three one by one (a batch of one is
        // the page's forward pass, so that case must be as fast as the tiled one).
        let tile = if batch - b0 >= TILE { TILE } else { 1 };
        if tile == TILE {
            tile_rows::<T, TILE>(y, x, rows, n, m, b0);
        } else {
            tile_rows::<T, 1>(y, x, rows, n, m, b0);
        }
        b0 += tile;
    }
}

/// Rows `b0 .. b0 + R` of [`add_rows_batch`]: BLOCK entries at a time, R × BLOCK running sums
/// in registers, each row of `rows` loaded once for all R.
#[inline(always)]
fn tile_rows<T: Float, const R: usize>(y: &mut [T], x: &[T], rows: &[T], n: usize, m: usize, b0: usize) {
    const BLOCK: usize = 16;
    let mut start = 0;
    while start < n {
        let width = BLOCK.min(n - start);
        if width == BLOCK {
            let mut acc = [[T::zero(); BLOCK]; R];
            for (bb, a) in acc.iter_mut().enumerate() {
                a.copy_from_slice(&y[(b0 + bb) * n + start..][..BLOCK]);
            }
            for j in 0..m {
                let row: &[T; BLOCK] = rows[j * n + start..][..BLOCK].try_into().expect("BLOCK long");
                for (bb, a) in acc.iter_mut().enumerate() {
                    let xj = x[(b0 + bb) * m + j];
                    if xj == T::zero() {
                        continue;
                    }
                    for k in 0..BLOCK {
                        a[k] = a[k] + row[k] * xj;
                    }
                }
            }
            for (bb, a) in acc.iter().enumerate() {
                y[(b0 + bb) * n + start..][..BLOCK].copy_from_slice(a);
            }
        } else {
            for bb in 0..R {
                let yb = &mut y[(b0 + bb) * n + start..][..width];
                for j in 0..m {
                    let xj = x[(b0 + bb) * m + j];
                    if xj == T::zero() {
                        continue;
                    }
                    for (yk, w) in yb.iter_mut().zip(&rows[j * n + start..][..width]) {
                        *yk = *yk + *w * xj;
                    }
                }
            }
        }
        start += width;
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

    /// Runs the cell over `symbols` from a zero state: the one forward pass (a batch of one).
    /// What is kept of each step is up to `recorder` (the page's trace keeps every value; the
    /// trainer also keeps the slopes and scores h through its read-out).
    pub fn run<R: Recorder<T>>(&self, acts: &Activations, symbols: &[Symbol], state: &mut State<T>, recorder: &mut R) {
        self.run_batch(acts, &[symbols], state, recorder);
    }

    /// Runs the cell over several sequences at once, each from a zero state. Step t's
    /// pre-activations of the whole batch are one product (see [`add_rows_batch`]); a sequence
    /// that has ended keeps its last state and is not recorded.
    pub fn run_batch<R: Recorder<T>>(
        &self,
        acts: &Activations,
        sequences: &[&[Symbol]],
        state: &mut State<T>,
        recorder: &mut R,
    ) {
        state.reset(self.hidden_size, sequences.len());
        self.resume_batch(acts, sequences, 0, state, recorder);
    }

    /// Continues a run of one sequence from step `from`, `state` holding h and c after step
    /// `from − 1` (as the run that reached it left them): typing at the end of a text runs only
    /// the new steps, since an LSTM's prefix does not depend on what follows.
    pub fn resume<R: Recorder<T>>(
        &self,
        acts: &Activations,
        symbols: &[Symbol],
        from: usize,
        state: &mut State<T>,
        recorder: &mut R,
    ) {
        if state.h.len() != self.hidden_size {
            state.reset(self.hidden_size, 1);
            self.resume_batch(acts, &[symbols], 0, state, recorder);
        } else {
            self.resume_batch(acts, &[symbols], from, state, recorder);
        }
    }

    fn resume_batch<R: Recorder<T>>(
        &self,
        acts: &Activations,
        sequences: &[&[Symbol]],
        from: usize,
        state: &mut State<T>,
        recorder: &mut R,
    ) {
        let (hidden, rows) = (self.hidden_size, 4 * self.hidden_size);
        let steps = sequences.iter().map(|s| s.len()).max().unwrap_or(0);
        for t in from..steps {
            for (b, z) in state.z.chunks_exact_mut(rows).enumerate().filter(|(b, _)| t < sequences[*b].len()) {
                z.copy_from_slice(self.bias);
                if let Some(s) = sequences[b].get(t).copied().flatten().filter(|&s| s < self.input_size) {
                    for (zk, w) in z.iter_mut().zip(&self.input[s * rows..(s + 1) * rows]) {
                        *zk = *zk + *w;
                    }
                }
            }
            // Only up to the last sequence still running (all of them, sorted longest first).
            let active = sequences.iter().rposition(|s| t < s.len()).map_or(0, |b| b + 1);
            add_rows_batch(&mut state.z[..active * rows], &state.h[..active * hidden], self.recurrent, rows, hidden);
            for (b, sequence) in sequences.iter().enumerate() {
                if t >= sequence.len() {
                    continue;
                }
                self.step_units::<R>(acts, state, t, b, recorder);
            }
        }
    }

    /// One step of sequence `b`'s units, once its pre-activations are in `state.z`: each
    /// activation over its whole block (one loop per function, so it vectorises), then c, act(c)
    /// over the block, and h.
    fn step_units<R: Recorder<T>>(
        &self,
        acts: &Activations,
        state: &mut State<T>,
        t: usize,
        b: usize,
        recorder: &mut R,
    ) {
        let (hidden, rows) = (self.hidden_size, 4 * self.hidden_size);
        let State { z, h, c, values, slopes, cells, cell_out, cell_slopes } = state;
        let z = &z[b * rows..(b + 1) * rows];
        // A recorder that wants no slopes (the page's trace) calls only `values`, so the page's
        // module does not carry the slope loops.
        for gate in Gate::ALL {
            let block = gate as usize * hidden..(gate as usize + 1) * hidden;
            let act = gate.activation(acts);
            if R::SLOPES {
                act.values_and_slopes(&z[block.clone()], &mut values[block.clone()], Some(&mut slopes[block]), R::FAST);
            } else {
                act.values(&z[block.clone()], &mut values[block]);
            }
        }
        let c_prev = &mut c[b * hidden..(b + 1) * hidden];
        let keep = |_| (T::zero(), T::zero());
        for (u, cell) in cells.iter_mut().enumerate() {
            *cell = CellValues::combine(c_prev[u], Gates::from_blocks(values, hidden, u), keep).0.c;
        }
        if R::SLOPES {
            acts.cell_output.values_and_slopes(cells, cell_out, Some(&mut cell_slopes[..]), R::FAST);
        } else {
            acts.cell_output.values(cells, cell_out);
        }
        let h_b = &mut h[b * hidden..(b + 1) * hidden];
        for ((h, out), o) in h_b.iter_mut().zip(cell_out.iter()).zip(&values[3 * hidden..4 * hidden]) {
            *h = *o * *out;
        }
        recorder.step(
            t,
            b,
            &StepBlock {
                z,
                c_prev,
                gates: values,
                slopes: R::SLOPES.then_some(&slopes[..]),
                c: cells,
                cell_out,
                cell_slope: R::SLOPES.then_some(&cell_slopes[..]),
                h: h_b,
            },
        );
        c_prev.copy_from_slice(cells);
    }
}

/// One sequence's step, whole: every unit's values, gate blocks in PyTorch's order (i, f, g, o).
#[derive(Clone, Copy, Debug)]
pub struct StepBlock<'a, T> {
    /// Pre-activations (4H).
    pub z: &'a [T],
    pub c_prev: &'a [T],
    /// Gate values i, f, g, o (4H).
    pub gates: &'a [T],
    /// Each gate activation's slope (4H), when the recorder asked for slopes.
    pub slopes: Option<&'a [T]>,
    pub c: &'a [T],
    /// act_cell_output(c).
    pub cell_out: &'a [T],
    pub cell_slope: Option<&'a [T]>,
    pub h: &'a [T],
}

/// What a forward pass keeps of each step.
pub trait Recorder<T> {
    /// Whether [`Recorder::unit`] needs the activations' slopes (computed with the same `exp`).
    const SLOPES: bool;
    /// Whether f32 sigmoid and tanh may use the fast vectorised exp (training) rather than the
    /// exact one (the page, whose traced values are checked to the last bit).
    const FAST: bool = false;
    /// Sequence `b`'s step `t`, every unit at once.
    fn step(&mut self, t: usize, b: usize, block: &StepBlock<T>);
}

/// The running state of a forward pass: z, h and c of every sequence in the batch, kept
/// between runs so nothing is allocated.
#[derive(Clone, Debug)]
pub struct State<T> {
    z: Vec<T>,
    h: Vec<T>,
    c: Vec<T>,
    /// One unit block's scratch: gate values and slopes (4H), new c, act(c) and its slope (H).
    values: Vec<T>,
    slopes: Vec<T>,
    cells: Vec<T>,
    cell_out: Vec<T>,
    cell_slopes: Vec<T>,
}

impl<T> Default for State<T> {
    fn default() -> Self {
        State {
            z: Vec::new(),
            h: Vec::new(),
            c: Vec::new(),
            values: Vec::new(),
            slopes: Vec::new(),
            cells: Vec::new(),
            cell_out: Vec::new(),
            cell_slopes: Vec::new(),
        }
    }
}

impl<T: Float> State<T> {
    fn reset(&mut self, hidden: usize, batch: usize) {
        for (buffer, len) in [
            (&mut self.z, 4 * hidden * batch),
            (&mut self.h, hidden * batch),
            (&mut self.c, hidden * batch),
            (&mut self.values, 4 * hidden),
            (&mut self.slopes, 4 * hidden),
            (&mut self.cells, hidden),
            (&mut self.cell_out, hidden),
            (&mut self.cell_slopes, hidden),
        ] {
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
        self.run_keeping(symbols, acts, trace, &mut State::default());
    }

    /// [`Lstm::run`], leaving the final h and c in `state` so that [`Lstm::extend`] can go on.
    pub fn run_keeping(&self, symbols: &[Symbol], acts: &Activations, trace: &mut Trace<T>, state: &mut State<T>) {
        trace.reset(symbols, self.hidden_size());
        self.columns().run(acts, symbols, state, trace);
        trace.count_nonfinite();
    }

    /// Starts a run over: no steps traced, a zero state.
    pub fn restart(&self, trace: &mut Trace<T>, state: &mut State<T>) {
        trace.reset(&[], self.hidden_size());
        state.reset(self.hidden_size(), 1);
    }

    /// Keeps the longest prefix of `trace` (a run of this cell, under the activations it will
    /// go on with) that `symbols` starts with, and sets `state` to h and c after it, so that
    /// [`Lstm::extend`] reruns only from the first step that changed: an LSTM's prefix does not
    /// depend on what follows, and the trace holds h and c of every step.
    pub fn rewind(&self, symbols: &[Symbol], trace: &mut Trace<T>, state: &mut State<T>) {
        let hidden = self.hidden_size();
        if trace.hidden() != hidden {
            self.restart(trace, state);
            return;
        }
        let kept = trace.symbols().iter().zip(symbols).take_while(|(a, b)| a == b).count();
        trace.truncate(kept);
        state.reset(hidden, 1);
        if let Some(last) = kept.checked_sub(1) {
            state.h.copy_from_slice(trace.at(Quantity::Hidden, last));
            state.c.copy_from_slice(trace.at(Quantity::Cell, last));
        }
    }

    /// Extends `trace`, a run of this cell under `acts` whose last state is `state`, by the
    /// symbols of `symbols` past its end (`symbols` starts with the traced ones).
    pub fn extend(&self, symbols: &[Symbol], acts: &Activations, trace: &mut Trace<T>, state: &mut State<T>) {
        let from = trace.steps();
        trace.grow(symbols, self.hidden_size());
        self.columns().resume(acts, symbols, from, state, trace);
        trace.count_nonfinite();
    }
}
