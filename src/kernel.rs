//! The forward kernel every cell design runs on: the input lookup, the tiled W_hh product for
//! a whole batch, the loop over steps and sequences, and the recorder that keeps what it wants
//! of each step. What a step computes from its pre-activations is the cell's
//! ([`crate::cells::Cell`]).
//!
//! Layer 0's inputs are one-hot symbols, so its W_ih·x is a column lookup, not a matrix
//! product; a higher layer's input is the h of the layer below ([`Inputs::Dense`]).

use crate::cells::{Cell, CellSpec, Forward};
use crate::site::Activations;
use crate::vocab::Symbol;
use num_traits::Float;

/// `matrix` (`rows` × `cols`, row-major) transposed, into `out` (`cols` × `rows`). No rows: nothing.
pub fn transpose_into<T: Copy>(matrix: &[T], rows: usize, cols: usize, out: &mut [T]) {
    for (c, column) in out.chunks_exact_mut(rows.max(1)).take(cols).enumerate() {
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

/// Where a step's x comes from.
#[derive(Clone, Copy, Debug)]
pub enum Inputs<'a, T> {
    /// One-hot: the symbols' own columns of W_ih (a symbol outside the vocab adds nothing).
    OneHot,
    /// The layer below's h at every step (steps × I, row-major): W_ih·x is a product.
    Dense(&'a [T]),
}

/// The layout both the page's cell and the trainer run on: W_ih and W_hh transposed, so a
/// one-hot input's column and each column of W_hh are contiguous rows (H per weight block).
#[derive(Clone, Copy, Debug)]
pub struct Columns<'a, T> {
    pub input_size: usize,
    pub hidden_size: usize,
    /// W_ih transposed (I × rows).
    pub input: &'a [T],
    /// W_hh transposed (H × rows); empty for a design whose gates see x only.
    pub recurrent: &'a [T],
    /// b_ih + b_hh (rows), or b_ih alone for a cell that splits the recurrent part off.
    pub bias: &'a [T],
    /// b_hh for such a cell (rows); empty otherwise.
    pub bias_recurrent: &'a [T],
}

impl<T: Float> Columns<'_, T> {
    /// Rows of the weight matrices (H per block).
    fn rows(&self) -> usize {
        self.bias.len()
    }

    /// z = W_ih·x + b_ih + W_hh·h_prev + b_hh for a one-hot x, into `z` (one value per row).
    pub fn preactivations(&self, symbol: Symbol, h_prev: &[T], z: &mut [T]) {
        let rows = self.rows();
        z.copy_from_slice(self.bias);
        if let Some(s) = symbol.filter(|&s| s < self.input_size) {
            for (zk, w) in z.iter_mut().zip(&self.input[s * rows..(s + 1) * rows]) {
                *zk = *zk + *w;
            }
        }
        if !self.recurrent.is_empty() {
            add_rows(z, self.recurrent, h_prev);
        }
    }

    /// Runs `cell` over `symbols` from a zero state: the one forward pass (a batch of one).
    /// What is kept of each step is up to `recorder` (the page's trace keeps every value; the
    /// trainer also keeps the slopes and scores h through its read-out).
    pub fn run<C: Cell<T> + ?Sized, R: Recorder<T>>(
        &self,
        cell: &C,
        acts: &Activations,
        symbols: &[Symbol],
        state: &mut State<T>,
        recorder: &mut R,
    ) {
        self.run_batch(cell, acts, &[symbols], state, recorder);
    }

    /// Runs `cell` over several sequences at once, each from a zero state. Step t's
    /// pre-activations of the whole batch are one product (see [`add_rows_batch`]); a sequence
    /// that has ended keeps its last state and is not recorded.
    pub fn run_batch<C: Cell<T> + ?Sized, R: Recorder<T>>(
        &self,
        cell: &C,
        acts: &Activations,
        sequences: &[&[Symbol]],
        state: &mut State<T>,
        recorder: &mut R,
    ) {
        state.reset(cell.spec(), self.hidden_size, sequences.len(), R::SLOPES);
        self.resume_batch(cell, acts, sequences, Inputs::OneHot, 0, state, recorder);
    }

    /// Continues a run of one sequence from step `from`, `state` holding the states after step
    /// `from − 1` (as the run that reached it left them): typing at the end of a text runs only
    /// the new steps, since a recurrent cell's prefix does not depend on what follows.
    /// `inputs` says what x is: the symbols' one-hot columns, or the layer below's h (then
    /// `symbols` only labels the steps and sets how many there are).
    #[allow(clippy::too_many_arguments)] // the run's parts, each needed
    pub fn resume<C: Cell<T> + ?Sized, R: Recorder<T>>(
        &self,
        cell: &C,
        acts: &Activations,
        symbols: &[Symbol],
        inputs: Inputs<'_, T>,
        from: usize,
        state: &mut State<T>,
        recorder: &mut R,
    ) {
        if state.fits(cell.spec(), self.hidden_size, R::SLOPES) {
            self.resume_batch(cell, acts, &[symbols], inputs, from, state, recorder);
        } else {
            state.reset(cell.spec(), self.hidden_size, 1, R::SLOPES);
            self.resume_batch(cell, acts, &[symbols], inputs, 0, state, recorder);
        }
    }

    #[allow(clippy::too_many_arguments)] // as `resume`
    fn resume_batch<C: Cell<T> + ?Sized, R: Recorder<T>>(
        &self,
        cell: &C,
        acts: &Activations,
        sequences: &[&[Symbol]],
        inputs: Inputs<'_, T>,
        from: usize,
        state: &mut State<T>,
        recorder: &mut R,
    ) {
        let (hidden, rows) = (self.hidden_size, self.rows());
        let carried = state.carried_per_sequence;
        let steps = sequences.iter().map(|s| s.len()).max().unwrap_or(0);
        for t in from..steps {
            for (b, z) in state.z.chunks_exact_mut(rows).enumerate().filter(|(b, _)| t < sequences[*b].len()) {
                z.copy_from_slice(self.bias);
                match inputs {
                    Inputs::OneHot => {
                        if let Some(s) = sequences[b].get(t).copied().flatten().filter(|&s| s < self.input_size) {
                            for (zk, w) in z.iter_mut().zip(&self.input[s * rows..(s + 1) * rows]) {
                                *zk = *zk + *w;
                            }
                        }
                    }
                    Inputs::Dense(x) => add_rows(z, self.input, &x[t * self.input_size..(t + 1) * self.input_size]),
                }
            }
            // Only up to the last sequence still running (all of them, sorted longest first).
            let active = sequences.iter().rposition(|s| t < s.len()).map_or(0, |b| b + 1);
            let split = !self.bias_recurrent.is_empty();
            if split {
                // W_hh·h + b_hh apart, for the cell to combine (the GRU's reset gate needs it).
                for zh in state.zh[..active * rows].chunks_exact_mut(rows) {
                    zh.copy_from_slice(self.bias_recurrent);
                }
                add_rows_batch(&mut state.zh[..active * rows], &state.h[..active * hidden], self.recurrent, rows, hidden);
            } else if !self.recurrent.is_empty() {
                add_rows_batch(&mut state.z[..active * rows], &state.h[..active * hidden], self.recurrent, rows, hidden);
            }
            for (b, sequence) in sequences.iter().enumerate() {
                if t >= sequence.len() {
                    continue;
                }
                let State { z, zh, h, carried: carried_states, values, slopes, .. } = state;
                let z = &mut z[b * rows..(b + 1) * rows];
                let recurrent = if split { &zh[b * rows..(b + 1) * rows] } else { &[][..] };
                // A recorder that wants no slopes (the page's trace) gets none computed, so the
                // page's module does not carry the slope loops.
                cell.forward(
                    acts,
                    Forward {
                        z,
                        recurrent,
                        h: &mut h[b * hidden..(b + 1) * hidden],
                        carried: &mut carried_states[b * carried..(b + 1) * carried],
                        values,
                        slopes,
                    },
                    R::FAST,
                );
                let block = StepBlock { spec: cell.spec(), z: &*z, values, slopes: R::SLOPES.then_some(&slopes[..]) };
                recorder.step(t, b, &block);
            }
        }
    }
}

/// One sequence's step, whole: its pre-activations and every value the cell computed from them.
#[derive(Clone, Copy, Debug)]
pub struct StepBlock<'a, T> {
    pub spec: &'static CellSpec,
    /// Pre-activations, one block of H per weight block.
    pub z: &'a [T],
    /// [`CellSpec::values`], H each.
    pub values: &'a [T],
    /// [`CellSpec::slopes`], H each, when the recorder asked for slopes.
    pub slopes: Option<&'a [T]>,
}

/// What a forward pass keeps of each step.
pub trait Recorder<T> {
    /// Whether [`Recorder::step`] needs the activations' slopes (computed with the same `exp`).
    const SLOPES: bool;
    /// Whether f32 sigmoid and tanh may use the fast vectorised exp (training) rather than the
    /// exact one (the page, whose traced values are checked to the last bit).
    const FAST: bool = false;
    /// Sequence `b`'s step `t`, every unit at once.
    fn step(&mut self, t: usize, b: usize, block: &StepBlock<T>);
}

/// The running state of a forward pass: z and the states of every sequence in the batch, kept
/// between runs so nothing is allocated.
#[derive(Clone, Debug)]
pub struct State<T> {
    spec: Option<&'static CellSpec>,
    hidden: usize,
    z: Vec<T>,
    /// W_hh·h + b_hh of every sequence, for a cell that keeps it apart (else empty).
    zh: Vec<T>,
    /// h of every sequence (B × H, so the batch's W_hh product reads it as it is).
    h: Vec<T>,
    /// The other states of every sequence (B × (states − 1)·H).
    carried: Vec<T>,
    carried_per_sequence: usize,
    /// One sequence's step scratch: the cell's values and slopes.
    values: Vec<T>,
    slopes: Vec<T>,
}

impl<T> Default for State<T> {
    fn default() -> Self {
        State {
            spec: None,
            hidden: 0,
            z: Vec::new(),
            zh: Vec::new(),
            h: Vec::new(),
            carried: Vec::new(),
            carried_per_sequence: 0,
            values: Vec::new(),
            slopes: Vec::new(),
        }
    }
}

impl<T: Float> State<T> {
    /// A zero state for `batch` sequences of `spec`'s cell with `hidden` units.
    pub fn reset(&mut self, spec: &'static CellSpec, hidden: usize, batch: usize, slopes: bool) {
        self.spec = Some(spec);
        self.hidden = hidden;
        self.carried_per_sequence = (spec.states.len() - 1) * hidden;
        for (buffer, len) in [
            (&mut self.z, spec.rows(hidden) * batch),
            (&mut self.zh, if spec.split_recurrent { spec.rows(hidden) * batch } else { 0 }),
            (&mut self.h, hidden * batch),
            (&mut self.carried, self.carried_per_sequence * batch),
            (&mut self.values, spec.values.len() * hidden),
            (&mut self.slopes, if slopes { spec.slopes.len() * hidden } else { 0 }),
        ] {
            buffer.clear();
            buffer.resize(len, T::zero());
        }
    }

    /// Whether this is a state of one sequence of `spec`'s cell with `hidden` units.
    fn fits(&self, spec: &'static CellSpec, hidden: usize, slopes: bool) -> bool {
        self.spec.is_some_and(|s| s.name == spec.name)
            && self.hidden == hidden
            && self.h.len() == hidden
            && self.slopes.len() == if slopes { spec.slopes.len() * hidden } else { 0 }
    }

    /// One sequence's states, h first, to set (after [`State::reset`] with a batch of one).
    pub fn states_mut(&mut self) -> (&mut [T], &mut [T]) {
        (&mut self.h, &mut self.carried)
    }
}
