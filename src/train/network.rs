//! The trainable network: an LSTM cell (PyTorch's equations and gate order) followed by a linear
//! read-out from h to C classes, scored by softmax cross-entropy, with exact backpropagation
//! through time for any activation at any site.
//!
//! ```text
//! z_t = W_ih·x_t + b_ih + W_hh·h_{t−1} + b_hh           gate blocks i, f, g, o
//! c_t = f ⊙ c_{t−1} + i ⊙ g        h_t = o ⊙ act_cell_output(c_t)
//! logits_t = W_out·h_t + b_out     loss = Σ_{scored t} −log softmax(logits_t)[target_t]
//! ```
//!
//! Everything is generic over the float type: the trainer runs in f32 (what PyTorch trains in,
//! and twice the numbers per SIMD register), the gradient checks in f64 through the same code.
//! All parameters live in one flat vector (so Adam and the gradient norm see one slice), in
//! this order:
//!
//! | part                | shape   | what it is                                              |
//! |---------------------|---------|---------------------------------------------------------|
//! | `input_columns`     | I × 4H  | W_ih transposed: row s is the column a one-hot s selects |
//! | `recurrent_columns` | H × 4H  | W_hh transposed: row j is column j of W_hh               |
//! | `bias_ih`, `bias_hh`| 4H each | PyTorch's two biases (kept separate, as PyTorch trains them) |
//! | `readout_weight`    | C × H   | row-major                                               |
//! | `readout_bias`      | C       |                                                         |
//!
//! The LSTM matrices are stored transposed (the same layout as [`crate::recurrent::Recurrent`]), and a
//! whole minibatch goes through together: the forward is the page's own kernel
//! ([`Columns::run_batch`]), whose step is one product of the batch's h by W_hhᵀ; the backward's
//! W_hhᵀ·δz for the batch is one product with W_hh (copied into PyTorch's layout once per
//! batch), and W_hh's gradient is one product Σ h_{t−1}ᵀ·δz_t over every step and sequence,
//! after the time loop. All three are [`add_rows_batch`], register-tiled.
//! [`Network::lstm_weights`] gives the weights back in PyTorch's layout.

use crate::activation::exp;
use crate::cells::{Backward, CellKind, CellSpec, GruCell, LstmCell, MinGruCell, MinLstmCell, SlstmCell, Trainable};
use crate::kernel::{add_rows_batch, transpose_into, Columns, Recorder, State, StepBlock};
use crate::recurrent::{Recurrent, Weights, WeightsError};
use crate::model::Model;
use crate::numbers::to_f32;
use crate::rng::Rng;
use crate::site::{Activations, Gate, Site};
use crate::vocab::{Symbol, Vocab};
use super::init::Init;
use num_traits::Float;
use serde::Serialize;
use std::ops::Range;

/// One training or test example: a one-hot input per step and, per step, the class to predict
/// from h_t (None: that step is not scored). A target outside the classes is not scored either.
#[derive(Clone, Debug, PartialEq)]
pub struct Sequence {
    pub inputs: Vec<Symbol>,
    pub targets: Vec<Option<usize>>,
    /// The length accuracy-vs-length groups by: the number of characters for most tasks,
    /// n for aⁿbⁿ.
    pub length: usize,
}

impl Sequence {
    /// How many steps are scored.
    #[must_use]
    pub fn scored(&self) -> usize {
        self.targets.iter().filter(|t| t.is_some()).count()
    }
}

/// Sizes of the network: I inputs (one-hot symbols), H hidden units, C output classes, whether
/// the cell has peepholes, and which cell design it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Shape {
    pub input_size: usize,
    pub hidden_size: usize,
    pub classes: usize,
    pub peepholes: bool,
    pub cell: CellKind,
}

impl Shape {
    fn spec(&self) -> &'static CellSpec {
        self.cell.spec()
    }

    fn rows(&self) -> usize {
        self.spec().rows(self.hidden_size)
    }

    /// Rows of W_hh and b_hh: none for a design whose gates see x only.
    fn recurrent_rows(&self) -> usize {
        if self.spec().recurrent {
            self.rows()
        } else {
            0
        }
    }

    /// What the cell's forward writes per step, and the slopes it keeps (H each).
    fn values(&self) -> usize {
        self.spec().values.len() * self.hidden_size
    }

    fn slopes(&self) -> usize {
        self.spec().slopes.len() * self.hidden_size
    }

    /// The states carried besides h (H each).
    fn carried(&self) -> usize {
        (self.spec().states.len() - 1) * self.hidden_size
    }

    /// Whether the cell keeps W_hh·h + b_hh apart (and so has a δ of its own for it).
    fn split(&self) -> bool {
        self.spec().split_recurrent
    }

    /// W_ih transposed, I × 4H: parameter `input_columns().start + s * 4H + r` is `W_ih[r][s]`.
    #[must_use]
    pub fn input_columns(&self) -> Range<usize> {
        0..self.input_size * self.rows()
    }

    /// W_hh transposed, H × 4H: parameter `recurrent_columns().start + j * 4H + r` is `W_hh[r][j]`.
    #[must_use]
    pub fn recurrent_columns(&self) -> Range<usize> {
        let start = self.input_columns().end;
        start..start + self.hidden_size * self.recurrent_rows()
    }

    #[must_use]
    pub fn bias_ih(&self) -> Range<usize> {
        let start = self.recurrent_columns().end;
        start..start + self.rows()
    }

    #[must_use]
    pub fn bias_hh(&self) -> Range<usize> {
        let start = self.bias_ih().end;
        start..start + self.recurrent_rows()
    }

    /// The peepholes w_ci, w_cf, w_co (H each; empty without peepholes).
    #[must_use]
    pub fn peepholes(&self) -> Range<usize> {
        let start = self.bias_hh().end;
        let len = if self.peepholes { self.spec().peepholes.len() * self.hidden_size } else { 0 };
        start..start + len
    }

    /// C × H, row-major.
    #[must_use]
    pub fn readout_weight(&self) -> Range<usize> {
        let start = self.peepholes().end;
        start..start + self.classes * self.hidden_size
    }

    #[must_use]
    pub fn readout_bias(&self) -> Range<usize> {
        let start = self.readout_weight().end;
        start..start + self.classes
    }

    /// The number of parameters (all of them, removed gates included).
    #[must_use]
    pub fn len(&self) -> usize {
        self.readout_bias().end
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Flat index of PyTorch's `weight_ih_l0[row][column]`.
    #[must_use]
    pub fn weight_ih_index(&self, row: usize, column: usize) -> usize {
        self.input_columns().start + column * self.rows() + row
    }

    /// Flat index of PyTorch's `weight_hh_l0[row][column]`.
    #[must_use]
    pub fn weight_hh_index(&self, row: usize, column: usize) -> usize {
        self.recurrent_columns().start + column * self.rows() + row
    }

    /// The site whose weight block (or peephole) a parameter belongs to (None for the read-out).
    #[must_use]
    pub fn site_of(&self, index: usize) -> Option<Site> {
        let rows = self.rows();
        if self.peepholes().contains(&index) {
            return Some(self.spec().peepholes[(index - self.peepholes().start) / self.hidden_size].site);
        }
        let row = if index < self.bias_ih().start {
            index % rows
        } else if index < self.readout_weight().start {
            (index - self.bias_ih().start) % rows
        } else {
            return None;
        };
        Some(self.spec().blocks[row / self.hidden_size].site)
    }

    /// The LSTM gate a parameter feeds (None for the read-out, or another design's parameter).
    #[must_use]
    pub fn gate_of(&self, index: usize) -> Option<Gate> {
        let site = self.site_of(index)?;
        Gate::ALL.into_iter().find(|g| g.site() == site)
    }

    /// Which parameters train under `acts`: false for every weight and bias of a removed gate
    /// ("none" is the constant 1, so its W_ih, W_hh and bias rows no longer affect anything;
    /// their gradient is exactly zero and the optimiser leaves them as they are).
    #[must_use]
    pub fn trainable(&self, acts: &Activations) -> Vec<bool> {
        let spec = self.spec();
        (0..self.len()).map(|k| self.site_of(k).is_none_or(|s| !spec.has_site(s) || acts.get(s).uses_own_weights())).collect()
    }
}

/// The LSTM plus read-out, every parameter in one flat vector (see the module docs for the order).
#[derive(Clone, Debug, PartialEq)]
pub struct Network<T> {
    shape: Shape,
    params: Vec<T>,
}

/// The read-out layer, in f32 for the page: class scores are `weight · h + bias`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Readout {
    pub classes: usize,
    pub hidden_size: usize,
    /// C × H, row-major.
    pub weight: Vec<f32>,
    pub bias: Vec<f32>,
}

impl Readout {
    /// Softmax probabilities of each class given a hidden state (as traced by the f32 cell).
    pub fn probabilities(&self, h: &[f32]) -> Vec<f32> {
        let logits: Vec<f64> = (0..self.classes)
            .map(|c| {
                let row = &self.weight[c * self.hidden_size..(c + 1) * self.hidden_size];
                f64::from(self.bias[c]) + row.iter().zip(h).map(|(w, x)| f64::from(*w) * f64::from(*x)).sum::<f64>()
            })
            .collect();
        let max = logits.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let exps: Vec<f64> = logits.iter().map(|l| exp(l - max)).collect();
        let sum: f64 = exps.iter().sum();
        exps.iter().map(|e| to_f32(e / sum)).collect()
    }
}

/// Loss and accuracy of one or more sequences: sums, so they add up over a batch.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct SequenceStats {
    /// Sum of the cross-entropy over the scored steps (natural log).
    pub loss_sum: f64,
    /// Steps with a target.
    pub scored: usize,
    /// Scored steps whose largest logit is the target.
    pub correct: usize,
}

impl SequenceStats {
    /// Mean cross-entropy per scored step (0 when nothing was scored).
    #[must_use]
    pub fn mean_loss(&self) -> f64 {
        if self.scored == 0 {
            0.0
        } else {
            self.loss_sum / self.scored as f64
        }
    }

    /// Share of scored steps predicted right (0 when nothing was scored).
    #[must_use]
    pub fn accuracy(&self) -> f64 {
        if self.scored == 0 {
            0.0
        } else {
            self.correct as f64 / self.scored as f64
        }
    }
}

impl std::ops::AddAssign for SequenceStats {
    fn add_assign(&mut self, other: SequenceStats) {
        self.loss_sum += other.loss_sum;
        self.scored += other.scored;
        self.correct += other.correct;
    }
}

/// How large the loss's gradient is with respect to the cell state and the hidden state at each
/// step (L2 norm over the units), for the vanishing/exploding-gradient view. Both are total
/// derivatives of the sequence's whole loss: through the read-out at that step and through
/// every later step.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct GradientFlow {
    /// ‖∂L/∂c_t‖ for each t.
    pub cell: Vec<f64>,
    /// ‖∂L/∂h_t‖ for each t.
    pub hidden: Vec<f64>,
    /// L, the summed cross-entropy of the sequence.
    pub loss: f64,
}

/// Buffers for one forward and backward pass over a batch, kept between calls so that training
/// allocates nothing once the longest batch has been seen. Step-major, then sequence: step t of
/// sequence b of a per-unit quantity is at `(t * B + b) * H`, of a per-gate one at
/// `(t * B + b) * 4H`.
#[derive(Clone, Debug)]
pub struct Workspace<T> {
    /// What the forward pass keeps for the backward.
    kept: Kept<T>,
    /// b_ih + b_hh.
    bias: Vec<T>,
    /// W_hh in PyTorch's layout (4H × H), copied from the parameters for each backward pass, so
    /// that W_hhᵀ·δz is a sum of contiguous rows.
    weight_hh: Vec<T>,
    /// The forward pass's running z, h and c.
    state: State<T>,
    /// δz for every step and sequence, kept so W_hh's gradient is one product after the loop.
    dz: Vec<T>,
    /// δ of W_hh·h + b_hh for every step and sequence, for a cell that keeps it apart (the
    /// GRU's); the other cells' is δz itself.
    dz_recurrent: Vec<T>,
    /// ∂L/∂h_{t−1} along the paths that skip W_hh (the GRU's z ⊙ h).
    dh_direct: Vec<T>,
    /// h_{t−1} of every step t ≥ 1 and sequence, transposed (H × (T − 1)·B), for that product.
    hidden_t: Vec<T>,
    dh: Vec<T>,
    dh_next: Vec<T>,
    dc: Vec<T>,
    /// Per-sequence loss and accuracy of the last forward pass.
    stats: Vec<SequenceStats>,
    /// The read-out's W_outᵀ (H × C), its logits and their gradient for every row (N × C),
    /// and that gradient transposed (C × N).
    readout_t: Vec<T>,
    logits: Vec<T>,
    dlogits: Vec<T>,
    dlogits_t: Vec<T>,
}

impl<T> Default for Workspace<T> {
    fn default() -> Self {
        Workspace {
            kept: Kept::default(),
            bias: Vec::new(),
            weight_hh: Vec::new(),
            state: State::default(),
            dz: Vec::new(),
            dz_recurrent: Vec::new(),
            dh_direct: Vec::new(),
            hidden_t: Vec::new(),
            dh: Vec::new(),
            dh_next: Vec::new(),
            dc: Vec::new(),
            stats: Vec::new(),
            readout_t: Vec::new(),
            logits: Vec::new(),
            dlogits: Vec::new(),
            dlogits_t: Vec::new(),
        }
    }
}

/// What the forward pass keeps of every step of every sequence for backpropagation.
#[derive(Clone, Debug)]
struct Kept<T> {
    /// Everything the cell's forward wrote (its spec's `values`).
    values: Vec<T>,
    /// Each site's derivative at its input (0 for a removed gate).
    slopes: Vec<T>,
    /// h_t again, every row contiguous, for the read-out and W_hh's gradient.
    hidden: Vec<T>,
    /// ∂loss_t/∂h_t through the read-out (valid only where `scored`).
    dh_readout: Vec<T>,
    scored: Vec<bool>,
}

impl<T> Default for Kept<T> {
    fn default() -> Self {
        Kept {
            values: Vec::new(),
            slopes: Vec::new(),
            hidden: Vec::new(),
            dh_readout: Vec::new(),
            scored: Vec::new(),
        }
    }
}

fn grow<T: Copy>(buffer: &mut Vec<T>, len: usize, zero: T) {
    if buffer.len() < len {
        buffer.resize(len, zero);
    }
}

impl<T: Float> Workspace<T> {
    #[must_use]
    pub fn new() -> Self {
        Workspace::default()
    }

    /// Makes every buffer large enough for `batch` sequences of up to `steps`; never shrinks.
    fn prepare(&mut self, shape: &Shape, steps: usize, batch: usize) {
        let (h, rows) = (shape.hidden_size, shape.rows());
        let n = steps * batch;
        let zero = T::zero();
        for (buffer, len) in [
            (&mut self.kept.values, n * shape.values()),
            (&mut self.kept.slopes, n * shape.slopes()),
            (&mut self.kept.hidden, n * h),
            (&mut self.kept.dh_readout, n * h),
            (&mut self.readout_t, h * shape.classes),
            (&mut self.logits, n * shape.classes),
            (&mut self.dlogits, n * shape.classes),
            (&mut self.dlogits_t, n * shape.classes),
            (&mut self.bias, rows),
            (&mut self.weight_hh, rows * h),
            (&mut self.dz, n * rows),
            (&mut self.dz_recurrent, if shape.split() { n * rows } else { 0 }),
            (&mut self.dh_direct, batch * h),
            (&mut self.hidden_t, n * h),
            (&mut self.dh, batch * h),
            (&mut self.dh_next, batch * h),
            (&mut self.dc, batch * shape.carried()),
        ] {
            grow(buffer, len, zero);
        }
        grow(&mut self.kept.scored, n, false);
        // A sequence shorter than the batch's longest leaves its later rows unwritten: they must
        // read as zero h (so W_hh's gradient product adds nothing from them) and as unscored.
        self.kept.hidden[..n * h].fill(zero);
        self.kept.scored[..n].fill(false);
        self.stats.clear();
        self.stats.resize(batch, SequenceStats::default());
    }

    /// The hidden states h_t of the last forward pass over one sequence (`steps × H`).
    #[must_use]
    pub fn hidden_states(&self, steps: usize, hidden_size: usize) -> &[T] {
        &self.kept.hidden[..steps * hidden_size]
    }

    /// Each sequence's loss and accuracy in the last forward pass.
    #[must_use]
    pub fn sequence_stats(&self) -> &[SequenceStats] {
        &self.stats
    }
}

/// The parameters (or their gradient) split into their parts: `S` is `&[T]` or `&mut [T]`.
struct Parts<S> {
    input_columns: S,
    recurrent_columns: S,
    bias_ih: S,
    bias_hh: S,
    peepholes: S,
    readout_weight: S,
    readout_bias: S,
}

impl Shape {
    fn parts<'a, T>(&self, p: &'a [T]) -> Parts<&'a [T]> {
        assert_eq!(p.len(), self.len(), "parameter vector of the wrong length");
        Parts {
            input_columns: &p[self.input_columns()],
            recurrent_columns: &p[self.recurrent_columns()],
            bias_ih: &p[self.bias_ih()],
            bias_hh: &p[self.bias_hh()],
            peepholes: &p[self.peepholes()],
            readout_weight: &p[self.readout_weight()],
            readout_bias: &p[self.readout_bias()],
        }
    }

    fn parts_mut<'a, T>(&self, p: &'a mut [T]) -> Parts<&'a mut [T]> {
        assert_eq!(p.len(), self.len(), "gradient vector of the wrong length");
        let (input_columns, rest) = p.split_at_mut(self.input_columns().len());
        let (recurrent_columns, rest) = rest.split_at_mut(self.recurrent_columns().len());
        let (bias_ih, rest) = rest.split_at_mut(self.rows());
        let (bias_hh, rest) = rest.split_at_mut(self.bias_hh().len());
        let (peepholes, rest) = rest.split_at_mut(self.peepholes().len());
        let (readout_weight, readout_bias) = rest.split_at_mut(self.readout_weight().len());
        Parts { input_columns, recurrent_columns, bias_ih, bias_hh, peepholes, readout_weight, readout_bias }
    }
}

fn to_f64<T: Float>(v: T) -> f64 {
    v.to_f64().unwrap_or(f64::NAN)
}

fn from_f64<T: Float>(v: f64) -> T {
    T::from(v).unwrap_or_else(T::nan)
}

/// Keeps what backpropagation needs of each step: everything the cell computed, its slopes, h.
struct TrainingRecorder<'a, T> {
    shape: Shape,
    batch: usize,
    /// Where h sits among the cell's values (in blocks of H).
    hidden_slot: usize,
    kept: &'a mut Kept<T>,
}

impl<T: Float> Recorder<T> for TrainingRecorder<'_, T> {
    const SLOPES: bool = true;
    const FAST: bool = true;

    fn step(&mut self, t: usize, b: usize, block: &StepBlock<T>) {
        let (hs, values, slopes) = (self.shape.hidden_size, self.shape.values(), self.shape.slopes());
        let row = t * self.batch + b;
        let kept = &mut *self.kept;
        kept.values[row * values..(row + 1) * values].copy_from_slice(block.values);
        kept.slopes[row * slopes..(row + 1) * slopes].copy_from_slice(block.slopes.unwrap_or(&[]));
        let h = self.hidden_slot;
        kept.hidden[row * hs..(row + 1) * hs].copy_from_slice(&block.values[h * hs..(h + 1) * hs]);
    }
}

/// The `k`-th block of `len` values.
fn block<T>(values: &[T], len: usize, k: usize) -> &[T] {
    &values[k * len..(k + 1) * len]
}

impl<T: Float> Network<T> {
    /// PyTorch's initialisation from a seed: every LSTM weight and bias uniform(−1/√H, 1/√H)
    /// (drawn in PyTorch's order and layout, so the LSTM part equals `presets::random` for the
    /// same seed and sizes), then the read-out's weight and bias uniform(−1/√H, 1/√H) (what
    /// `nn.Linear(H, C)` uses: its bound is 1/√fan_in). Drawn in f64 and rounded once.
    #[must_use]
    pub fn init(shape: Shape, seed: u64) -> Network<T> {
        Network::init_with(shape, seed, Init::Pytorch)
    }

    /// [`Network::init`] with the cell's weights drawn by `init` (the read-out and peepholes
    /// as ever).
    #[must_use]
    pub fn init_with(shape: Shape, seed: u64, init: Init) -> Network<T> {
        let mut rng = Rng::new(seed);
        let w = init.weights(shape.cell, shape.input_size, shape.hidden_size, &mut rng);
        #[allow(clippy::cast_precision_loss)] // hidden sizes are far below 2^52
        let bound = 1.0 / (shape.hidden_size.max(1) as f64).sqrt();
        let readout_weight: Vec<T> =
            (0..shape.classes * shape.hidden_size).map(|_| from_f64(rng.uniform(-bound, bound))).collect();
        let readout_bias: Vec<T> = (0..shape.classes).map(|_| from_f64(rng.uniform(-bound, bound))).collect();
        // Peepholes last, so a cell without them draws exactly what it always drew.
        let w = if shape.peepholes { w.with_random_peepholes(&mut rng) } else { w };
        Network::from_parts(&w.cast(), &readout_weight, &readout_bias).expect("shapes agree by construction")
    }

    /// A network from PyTorch-layout LSTM weights and a C × H read-out (C = `readout_bias.len()`).
    pub fn from_parts(weights: &Weights<T>, readout_weight: &[T], readout_bias: &[T]) -> Result<Self, WeightsError> {
        weights.validate()?;
        let shape = Shape {
            input_size: weights.input_size,
            hidden_size: weights.hidden_size,
            classes: readout_bias.len(),
            peepholes: weights.has_peepholes(),
            cell: weights.cell,
        };
        if readout_weight.len() != shape.classes * shape.hidden_size {
            return Err(WeightsError::Shape {
                name: "readout_weight",
                expected: shape.classes * shape.hidden_size,
                found: readout_weight.len(),
            });
        }
        let rows = shape.rows();
        let mut params = vec![T::zero(); shape.len()];
        transpose_into(&weights.weight_ih, rows, shape.input_size, &mut params[shape.input_columns()]);
        transpose_into(&weights.weight_hh, rows, shape.hidden_size, &mut params[shape.recurrent_columns()]);
        params[shape.bias_ih()].copy_from_slice(&weights.bias_ih);
        params[shape.bias_hh()].copy_from_slice(&weights.bias_hh);
        params[shape.peepholes()].copy_from_slice(&weights.peepholes);
        params[shape.readout_weight()].copy_from_slice(readout_weight);
        params[shape.readout_bias()].copy_from_slice(readout_bias);
        Ok(Network { shape, params })
    }

    /// The same network in another float type.
    #[must_use]
    pub fn cast<U: Float>(&self) -> Network<U> {
        Network { shape: self.shape, params: self.params.iter().map(|&v| U::from(v).unwrap_or_else(U::nan)).collect() }
    }

    #[must_use]
    pub fn shape(&self) -> Shape {
        self.shape
    }

    /// Sets the forget gate's bias: b_ih's forget rows to `bias`, b_hh's to 0. A design
    /// without a forget block is left as it is.
    pub fn set_forget_bias(&mut self, bias: T) {
        let spec = self.shape.cell.spec();
        let Some(k) = spec.blocks.iter().position(|b| b.site == Site::Forget) else { return };
        let hidden = self.shape.hidden_size;
        let rows = k * hidden..(k + 1) * hidden;
        let (ih, hh) = (self.shape.bias_ih(), self.shape.bias_hh());
        self.params[ih][rows.clone()].fill(bias);
        if !hh.is_empty() {
            self.params[hh][rows].fill(T::zero());
        }
    }

    /// Every parameter, flat (see the module docs for the order).
    #[must_use]
    pub fn params(&self) -> &[T] {
        &self.params
    }

    pub fn params_mut(&mut self) -> &mut [T] {
        &mut self.params
    }

    /// The cell's part in PyTorch's layout.
    #[must_use]
    pub fn cell_weights(&self) -> Weights<T> {
        let s = self.shape;
        let mut w = Weights::<T>::zeros_for(s.cell, s.input_size, s.hidden_size);
        // The stored columns are the transposes: transposing back gives PyTorch's layout.
        transpose_into(&self.params[s.input_columns()], s.input_size, s.rows(), &mut w.weight_ih);
        transpose_into(&self.params[s.recurrent_columns()], s.hidden_size, s.rows(), &mut w.weight_hh);
        w.bias_ih.copy_from_slice(&self.params[s.bias_ih()]);
        w.bias_hh.copy_from_slice(&self.params[s.bias_hh()]);
        w.peepholes = self.params[s.peepholes()].to_vec();
        w
    }

    /// The LSTM part as the page's f32 model, with the task's vocabulary. Fails if a weight is
    /// not finite in f32 (a diverged run).
    pub fn to_model(&self, name: impl Into<String>, vocab: Vocab) -> Result<Model, WeightsError> {
        let cell = Recurrent::new(self.cell_weights().cast::<f32>())?;
        Ok(Model::new(name, cell, vocab))
    }

    /// The read-out layer in f32.
    #[must_use]
    pub fn readout(&self) -> Readout {
        let s = self.shape;
        let f32s = |range: Range<usize>| self.params[range].iter().map(|&v| to_f32(to_f64(v))).collect();
        Readout {
            classes: s.classes,
            hidden_size: s.hidden_size,
            weight: f32s(s.readout_weight()),
            bias: f32s(s.readout_bias()),
        }
    }

    /// Loss and accuracy of one sequence, forward only (no gradients).
    pub fn evaluate(&self, acts: &Activations, sequence: &Sequence, ws: &mut Workspace<T>) -> SequenceStats {
        self.forward(acts, &[sequence], ws, None)
    }

    /// Loss and accuracy of several sequences in one batched pass; each sequence's own are in
    /// `ws.sequence_stats()` afterwards.
    pub fn evaluate_batch(&self, acts: &Activations, sequences: &[&Sequence], ws: &mut Workspace<T>) -> SequenceStats {
        self.forward(acts, sequences, ws, None)
    }

    /// Forward and full backpropagation through time over one sequence: **adds** the gradient of
    /// its summed loss to `grads`. Exact for every activation: each site's derivative is
    /// `Activation::derivative`; a removed gate ("none", constant 1) passes no gradient into its
    /// pre-activation, so its weights' gradient is exactly zero.
    pub fn forward_backward(
        &self,
        acts: &Activations,
        sequence: &Sequence,
        ws: &mut Workspace<T>,
        grads: &mut [T],
    ) -> SequenceStats {
        self.forward_backward_batch(acts, &[sequence], ws, grads)
    }

    /// [`Network::forward_backward`] for a minibatch at once: adds the gradient of the summed
    /// loss of every sequence to `grads` (so an optimiser step can follow).
    pub fn forward_backward_batch(
        &self,
        acts: &Activations,
        sequences: &[&Sequence],
        ws: &mut Workspace<T>,
        grads: &mut [T],
    ) -> SequenceStats {
        let stats = self.forward(acts, sequences, ws, Some(grads));
        self.backward(acts, sequences, ws, grads, None);
        stats
    }

    /// ‖∂L/∂c_t‖ and ‖∂L/∂h_t‖ at every step, L being the sequence's summed loss.
    pub fn gradient_through_time(
        &self,
        acts: &Activations,
        sequence: &Sequence,
        ws: &mut Workspace<T>,
    ) -> GradientFlow {
        let mut grads = vec![T::zero(); self.shape.len()];
        let stats = self.forward(acts, &[sequence], ws, Some(&mut grads));
        let steps = sequence.inputs.len();
        let mut flow = GradientFlow { cell: vec![0.0; steps], hidden: vec![0.0; steps], loss: stats.loss_sum };
        self.backward(acts, &[sequence], ws, &mut grads, Some(&mut flow));
        flow
    }

    /// Runs the cell (the one forward kernel, [`Columns::run_batch`]) and the read-out, keeping
    /// in `ws` what the backward pass needs. With `grads`, also adds the read-out's gradient and
    /// stores ∂loss_t/∂h_t for the backward.
    fn forward(
        &self,
        acts: &Activations,
        sequences: &[&Sequence],
        ws: &mut Workspace<T>,
        grads: Option<&mut [T]>,
    ) -> SequenceStats {
        let shape = self.shape;
        let (hs, rows) = (shape.hidden_size, shape.rows());
        let batch = sequences.len();
        let steps = sequences.iter().map(|s| s.inputs.len()).max().unwrap_or(0);
        ws.prepare(&shape, steps, batch);
        let p = shape.parts(&self.params);
        let bias = &mut ws.bias[..rows];
        if shape.split() || !shape.spec().recurrent {
            bias.copy_from_slice(p.bias_ih);
        } else {
            for ((b, x), y) in bias.iter_mut().zip(p.bias_ih).zip(p.bias_hh) {
                *b = *x + *y;
            }
        }
        let columns = Columns {
            input_size: shape.input_size,
            hidden_size: hs,
            input: p.input_columns,
            recurrent: p.recurrent_columns,
            bias: &ws.bias[..rows],
            bias_recurrent: if shape.split() { p.bias_hh } else { &[] },
        };
        let inputs: Vec<&[Symbol]> = sequences.iter().map(|s| s.inputs.as_slice()).collect();
        let hidden_slot = shape.spec().value_slot(crate::quantity::Quantity::Hidden).expect("every cell computes h");
        let mut recorder = TrainingRecorder { shape, batch, hidden_slot, kept: &mut ws.kept };
        match shape.cell {
            CellKind::Lstm => {
                let cell = LstmCell { peepholes: shape.peepholes.then_some(p.peepholes) };
                columns.run_batch(&cell, acts, &inputs, &mut ws.state, &mut recorder);
            }
            CellKind::Gru => columns.run_batch(&GruCell, acts, &inputs, &mut ws.state, &mut recorder),
            CellKind::Slstm => columns.run_batch(&SlstmCell, acts, &inputs, &mut ws.state, &mut recorder),
            CellKind::MinGru => columns.run_batch(&MinGruCell, acts, &inputs, &mut ws.state, &mut recorder),
            CellKind::MinLstm => columns.run_batch(&MinLstmCell, acts, &inputs, &mut ws.state, &mut recorder),
        }
        self.readout_pass(sequences, steps, ws, grads);
        let mut total = SequenceStats::default();
        for s in &ws.stats {
            total += *s;
        }
        total
    }

    /// The read-out over every step of every sequence at once, after the cell has run (nothing
    /// feeds back from it): logits = h·W_outᵀ + b_out as one product, softmax cross-entropy per
    /// scored row, and with `grads`, W_out's and b_out's gradient and ∂loss/∂h_t as two more.
    fn readout_pass(&self, sequences: &[&Sequence], steps: usize, ws: &mut Workspace<T>, grads: Option<&mut [T]>) {
        let shape = self.shape;
        let (hs, classes, batch) = (shape.hidden_size, shape.classes, sequences.len());
        let n = steps * batch;
        let p = shape.parts(&self.params);
        let zero = T::zero();
        let kept = &mut ws.kept;
        let readout_t = &mut ws.readout_t[..hs * classes];
        transpose_into(p.readout_weight, classes, hs, readout_t);
        let logits = &mut ws.logits[..n * classes];
        for row in logits.chunks_exact_mut(classes.max(1)) {
            row.copy_from_slice(p.readout_bias);
        }
        add_rows_batch(logits, &kept.hidden[..n * hs], readout_t, classes, hs);
        let dlogits = &mut ws.dlogits[..n * classes];
        dlogits.fill(zero);
        let mut exps = vec![0.0; classes];
        for t in 0..steps {
            for (b, sequence) in sequences.iter().enumerate() {
                let row = t * batch + b;
                let target = sequence.targets.get(t).copied().flatten().filter(|&k| k < classes);
                kept.scored[row] = target.is_some() && t < sequence.inputs.len();
                let Some(target) = target.filter(|_| kept.scored[row]) else { continue };
                let l = &logits[row * classes..(row + 1) * classes];
                // log-sum-exp in f64, shifted by the largest logit, so exp never overflows. The
                // page's own exp (within an ulp of libm's, and branch-free, so this loop
                // vectorises) and a select for the largest: in WebAssembly, libm's exp and
                // f64::max are a call per value. (A NaN logit makes the loss NaN either way.)
                let max = l.iter().map(|&v| to_f64(v)).fold(f64::NEG_INFINITY, |a, v| if v > a { v } else { a });
                for (e, &v) in exps.iter_mut().zip(l) {
                    *e = exp(to_f64(v) - max);
                }
                let sum: f64 = exps.iter().sum();
                let log_sum = max + libm::log(sum);
                let loss = log_sum - to_f64(l[target]);
                let stats = &mut ws.stats[b];
                stats.loss_sum += loss;
                stats.scored += 1;
                // The first largest logit is the prediction (a NaN anywhere makes the loss NaN,
                // and such a step never counts as right).
                let predicted = l.iter().enumerate().fold(0, |best, (c, &v)| if v > l[best] { c } else { best });
                if predicted == target && loss.is_finite() {
                    stats.correct += 1;
                }
                // ∂loss/∂logit_c = softmax_c − [c = target].
                for (c, (d, e)) in dlogits[row * classes..(row + 1) * classes].iter_mut().zip(&exps).enumerate() {
                    *d = from_f64(e / sum - if c == target { 1.0 } else { 0.0 });
                }
            }
        }
        let Some(grads) = grads else { return };
        let g = shape.parts_mut(grads);
        for row in dlogits.chunks_exact(classes.max(1)) {
            for (gb, d) in g.readout_bias.iter_mut().zip(row) {
                *gb = *gb + *d;
            }
        }
        // ∂L/∂W_out = Σ_rows δlogitsᵀ·h: (C × N) by (N × H).
        let dlogits_t = &mut ws.dlogits_t[..classes * n];
        transpose_into(dlogits, n, classes, dlogits_t);
        add_rows_batch(g.readout_weight, dlogits_t, &kept.hidden[..n * hs], hs, n);
        // ∂loss_t/∂h_t = δlogits·W_out: (N × C) by (C × H).
        let dh = &mut kept.dh_readout[..n * hs];
        dh.fill(zero);
        add_rows_batch(dh, dlogits, p.readout_weight, hs, classes);
    }

    /// Backpropagation through time over the last forward pass, adding the LSTM's gradient to
    /// `grads` (the read-out's was added by the forward). With `flow` (a batch of one), records
    /// ‖∂L/∂c_t‖ and ‖∂L/∂h_t‖.
    fn backward(
        &self,
        acts: &Activations,
        sequences: &[&Sequence],
        ws: &mut Workspace<T>,
        grads: &mut [T],
        mut flow: Option<&mut GradientFlow>,
    ) {
        let shape = self.shape;
        let (hs, rows) = (shape.hidden_size, shape.rows());
        let batch = sequences.len();
        let steps = sequences.iter().map(|s| s.inputs.len()).max().unwrap_or(0);
        let p = shape.parts(&self.params);
        let g = shape.parts_mut(grads);
        // The blocks whose gate has no weights of its own (removed, or coupled).
        let dead: Vec<bool> = (0..shape.spec().blocks.len()).map(|k| !shape.spec().block_live(k, acts)).collect();
        let lstm = LstmCell { peepholes: shape.peepholes.then_some(p.peepholes) };
        let (split, direct) = (shape.split(), shape.spec().direct_hidden);
        let zero = T::zero();
        let recurrent = shape.spec().recurrent;
        let weight_hh = &mut ws.weight_hh[..rows * hs];
        if recurrent {
            transpose_into(p.recurrent_columns, hs, rows, weight_hh);
        }
        let weight_hh = &*weight_hh;
        let dh = &mut ws.dh[..batch * hs];
        let dh_next = &mut ws.dh_next[..batch * hs];
        let dh_direct = &mut ws.dh_direct[..batch * hs];
        // ∂L/∂(the carried states at t) arriving from step t + 1 (through c_{t+1} = f·c_t + ...).
        let carried = shape.carried();
        let dc = &mut ws.dc[..batch * carried];
        dh_next.fill(zero);
        dc.fill(zero);
        let kept = &ws.kept;
        let tracking = flow.is_some();

        for t in (0..steps).rev() {
            let dz_t = &mut ws.dz[t * batch * rows..(t + 1) * batch * rows];
            let dzh_t = if split { &mut ws.dz_recurrent[t * batch * rows..(t + 1) * batch * rows] } else { &mut [][..] };
            dh_direct.fill(zero);
            let (mut cell_norm, mut hidden_norm) = (0.0, 0.0);
            for (b, sequence) in sequences.iter().enumerate() {
                let dz = &mut dz_t[b * rows..(b + 1) * rows];
                let dzh = if split { &mut dzh_t[b * rows..(b + 1) * rows] } else { &mut [][..] };
                if t >= sequence.inputs.len() {
                    // Past this sequence's end: nothing flows back from here.
                    dz.fill(zero);
                    dzh.fill(zero);
                    continue;
                }
                let row = t * batch + b;
                // ∂L/∂h_t: from the read-out at t and from step t + 1.
                let dh_b = &mut dh[b * hs..(b + 1) * hs];
                let next = &dh_next[b * hs..(b + 1) * hs];
                if kept.scored[row] {
                    for ((d, n), r) in dh_b.iter_mut().zip(next).zip(&kept.dh_readout[row * hs..(row + 1) * hs]) {
                        *d = *n + *r;
                    }
                } else {
                    dh_b.copy_from_slice(next);
                }
                let step = Backward {
                    values: block(&kept.values, shape.values(), row),
                    slopes: block(&kept.slopes, shape.slopes(), row),
                    dh: dh_b,
                    dcarried: &mut dc[b * carried..(b + 1) * carried],
                    dz: &mut *dz,
                    dz_recurrent: &mut *dzh,
                    dh_prev: &mut dh_direct[b * hs..(b + 1) * hs],
                    dparams: &mut *g.peepholes,
                };
                // Only when asked: the running sums would keep the loop from vectorising.
                let (cell, hidden) = match (shape.cell, tracking) {
                    (CellKind::Lstm, true) => lstm.backward::<true>(acts, step),
                    (CellKind::Lstm, false) => lstm.backward::<false>(acts, step),
                    (CellKind::Gru, true) => GruCell.backward::<true>(acts, step),
                    (CellKind::Gru, false) => GruCell.backward::<false>(acts, step),
                    (CellKind::Slstm, true) => SlstmCell.backward::<true>(acts, step),
                    (CellKind::Slstm, false) => SlstmCell.backward::<false>(acts, step),
                    (CellKind::MinGru, true) => MinGruCell.backward::<true>(acts, step),
                    (CellKind::MinGru, false) => MinGruCell.backward::<false>(acts, step),
                    (CellKind::MinLstm, true) => MinLstmCell.backward::<true>(acts, step),
                    (CellKind::MinLstm, false) => MinLstmCell.backward::<false>(acts, step),
                };
                cell_norm += cell;
                hidden_norm += hidden;
                // A removed gate's slope is 0 already; writing exact zeros as well means an
                // infinite δc (0·∞ = NaN) cannot put a NaN into that gate's gradient. (The
                // optimiser's mask keeps those weights fixed regardless.)
                for (block, &gone) in dead.iter().enumerate() {
                    if gone {
                        dz[block * hs..(block + 1) * hs].fill(zero);
                        if split {
                            dzh[block * hs..(block + 1) * hs].fill(zero);
                        }
                    }
                }
                // b_ih takes δ of the input part, b_hh of the recurrent part (the same δz for
                // a cell that adds them as it goes).
                let recurrent: &[T] = if split { dzh } else { dz };
                for (a, d) in g.bias_ih.iter_mut().zip(dz.iter()) {
                    *a = *a + *d;
                }
                for (c, d) in g.bias_hh.iter_mut().zip(recurrent) {
                    *c = *c + *d;
                }
                // ∂/∂W_ih: a one-hot input touches one column of W_ih, a contiguous row here.
                if let Some(s) = sequence.inputs[t].filter(|&s| s < shape.input_size) {
                    for (gk, d) in g.input_columns[s * rows..(s + 1) * rows].iter_mut().zip(dz.iter()) {
                        *gk = *gk + *d;
                    }
                }
            }
            if let Some(flow) = flow.as_deref_mut() {
                flow.cell[t] = cell_norm.sqrt();
                flow.hidden[t] = hidden_norm.sqrt();
            }
            // ∂L/∂h_{t−1} = W_hhᵀ·δ(recurrent part) for the whole batch: one product with
            // W_hh's rows, plus any direct path.
            dh_next.fill(zero);
            if t > 0 {
                if recurrent {
                    add_rows_batch(dh_next, if split { &*dzh_t } else { &*dz_t }, weight_hh, hs, rows);
                }
                if direct {
                    for (n, d) in dh_next.iter_mut().zip(dh_direct.iter()) {
                        *n = *n + *d;
                    }
                }
            }
        }
        // ∂L/∂W_hh[r][j] = Σ_{t ≥ 1, b} δ_{t,b}[r]·h_{t−1,b}[j]: one product of the transposed
        // h's (H × N) with the δ's of the recurrent part (N × rows), N = (T − 1)·B, into W_hhᵀ's
        // gradient (H × rows).
        let n = steps.saturating_sub(1) * batch;
        if n > 0 && recurrent {
            let hidden_t = &mut ws.hidden_t[..hs * n];
            transpose_into(&kept.hidden[..n * hs], n, hs, hidden_t);
            let deltas = if split { &ws.dz_recurrent } else { &ws.dz };
            add_rows_batch(g.recurrent_columns, hidden_t, &deltas[batch * rows..(batch + n) * rows], rows, n);
        }
    }
}

#[cfg(test)]
#[allow(clippy::float_cmp)] // tests compare exactly on purpose
mod tests {
    use super::*;
    use crate::activation::Activation;
    use crate::quantity::Quantity;
use crate::trace::Trace;

    #[test]
    fn layout_round_trips_pytorch_weights() {
        let shape = Shape { input_size: 3, hidden_size: 2, classes: 4, peepholes: false, cell: CellKind::Lstm };
        let net = Network::<f64>::init(shape, 9);
        let w = net.cell_weights();
        let again = Network::from_parts(&w, &net.params[shape.readout_weight()], &net.params[shape.readout_bias()]);
        assert_eq!(again.unwrap(), net);
        assert_eq!(shape.len(), 4 * 2 * (3 + 2 + 2) + 4 * 2 + 4);
        // The LSTM part draws exactly what presets::random draws (in f64 before the f32 cast).
        let (preset, _) = crate::presets::random(2, 9);
        let mut rng = Rng::new(9);
        let bound = 1.0 / 2f64.sqrt();
        let first: Vec<f32> =
            (0..preset.weight_ih.len()).map(|_| crate::numbers::to_f32(rng.uniform(-bound, bound))).collect();
        assert_eq!(first, preset.weight_ih);
        let mut big = Network::<f64>::init(Shape { input_size: 95, hidden_size: 2, classes: 1, peepholes: false, cell: CellKind::Lstm }, 9).cell_weights();
        assert_eq!(big.cast::<f32>().weight_ih, preset.weight_ih);
        big.weight_ih.clear();
        assert!(Network::from_parts(&big, &[0.0; 2], &[0.0]).is_err());
    }

    #[test]
    fn trainable_masks_exactly_the_removed_gate() {
        let shape = Shape { input_size: 3, hidden_size: 2, classes: 2, peepholes: false, cell: CellKind::Lstm };
        let acts = Activations { output: Activation::Removed, ..Activations::default() };
        let mask = shape.trainable(&acts);
        let frozen = mask.iter().filter(|m| !**m).count();
        // One gate block: H rows of W_ih (I columns), W_hh (H columns) and both biases.
        assert_eq!(frozen, 2 * (3 + 2 + 2));
        for (k, &trainable) in mask.iter().enumerate() {
            assert_eq!(trainable, shape.gate_of(k) != Some(Gate::Output), "{k}");
        }
        assert_eq!(shape.gate_of(shape.weight_ih_index(3 * 2 + 1, 2)), Some(Gate::Output));
        assert_eq!(shape.gate_of(shape.weight_hh_index(2, 1)), Some(Gate::Forget));
        assert_eq!(shape.gate_of(shape.bias_hh().start + 5), Some(Gate::Candidate));
    }

    /// The training forward computes the same cell as `Recurrent::run` (the page's forward), bit for
    /// bit in f64: same additions in the same order.
    #[test]
    fn forward_matches_the_lstm_module() {
        let coupled = Activations { forget: Activation::Coupled, ..Activations::default() };
        for (peepholes, cell) in [(false, CellKind::Lstm), (true, CellKind::Lstm), (false, CellKind::Gru)] {
            let shape = Shape { input_size: 4, hidden_size: 5, classes: 3, peepholes, cell };
            let net = Network::<f64>::init(shape, 3);
            let inputs = vec![Some(0), Some(3), None, Some(1), Some(2), Some(2), Some(9)];
            let seq = Sequence { targets: vec![Some(1); inputs.len()], length: inputs.len(), inputs };
            let lstm = Recurrent::new(net.cell_weights()).unwrap();
            assert_eq!(lstm.has_peepholes(), peepholes);
            for acts in [Activations::default(), Activations::with_gates(Activation::HardSigmoid), coupled] {
                let mut ws = Workspace::new();
                net.evaluate(&acts, &seq, &mut ws);
                let mut trace = Trace::new();
                lstm.run(&seq.inputs, &acts, &mut trace);
                assert_eq!(ws.hidden_states(seq.inputs.len(), 5), trace.values(Quantity::Hidden));
            }
        }
    }

    #[test]
    fn the_coupled_gate_and_peepholes_train_exactly_their_parameters() {
        let shape = Shape { input_size: 3, hidden_size: 2, classes: 2, peepholes: true, cell: CellKind::Lstm };
        assert_eq!(shape.peepholes().len(), 3 * 2);
        // CIFG: the forget block (H rows of W_ih, W_hh and both biases) and w_cf are frozen.
        let acts = Activations { forget: Activation::Coupled, ..Activations::default() };
        let mask = shape.trainable(&acts);
        assert_eq!(mask.iter().filter(|m| !**m).count(), 2 * (3 + 2 + 2) + 2);
        let w_cf = shape.peepholes().start + 2;
        assert_eq!(shape.gate_of(w_cf), Some(Gate::Forget));
        assert!(!mask[w_cf] && mask[w_cf - 1] && mask[w_cf + 2]);
        assert_eq!(shape.gate_of(shape.peepholes().end - 1), Some(Gate::Output));
        // The peepholes go back into the page's weights.
        let net = Network::<f64>::init(shape, 4);
        let w = net.cell_weights();
        assert_eq!(w.peepholes, net.params()[shape.peepholes()]);
        assert_eq!(Network::from_parts(&w, &net.params()[shape.readout_weight()], &net.params()[shape.readout_bias()]).unwrap(), net);
    }

    #[test]
    fn readout_probabilities_sum_to_one() {
        let net = Network::<f64>::init(Shape { input_size: 2, hidden_size: 3, classes: 4, peepholes: false, cell: CellKind::Lstm }, 1);
        let p = net.readout().probabilities(&[0.5, -0.2, 0.9]);
        assert_eq!(p.len(), 4);
        assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-6);
    }
}
