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
//! All parameters live in one flat `Vec<f64>` (so Adam and the gradient norm see one slice),
//! in this order:
//!
//! | part                | shape   | what it is                                              |
//! |---------------------|---------|---------------------------------------------------------|
//! | `input_columns`     | I × 4H  | W_ih transposed: row s is the column a one-hot s selects |
//! | `recurrent_columns` | H × 4H  | W_hh transposed: row j is column j of W_hh               |
//! | `bias_ih`, `bias_hh`| 4H each | PyTorch's two biases (kept separate, as PyTorch trains them) |
//! | `readout_weight`    | C × H   | row-major                                               |
//! | `readout_bias`      | C       |                                                         |
//!
//! The LSTM matrices are stored transposed (the same trick as [`crate::lstm::Lstm`]) because
//! the hot loops then run over 4H contiguous numbers: the forward's W_ih·x is one row and W_hh·h
//! a sum of rows (register-blocked); in the backward, W_ih's gradient for a one-hot input is
//! added to one row, and W_hh's is a sum of rank-1 updates of its rows, done after the time
//! loop a few rows at a time. Only W_hhᵀ·δz wants the other layout (a sum of W_hh's rows), so
//! the backward copies W_hh into PyTorch's layout once per sequence (4H·H numbers, against
//! 4H·H multiply-adds per step for the product itself).
//! [`Network::lstm_weights`] gives them back in PyTorch's layout.

use crate::activation::Activations;
use crate::cell::{CellValues, Gates, Slopes};
use crate::lstm::{add_rows, transpose_into, Columns, Lstm, Recorder, State, Weights, WeightsError};
use crate::model::Model;
use crate::numbers::to_f32;
use crate::rng::Rng;
use crate::site::Gate;
use crate::vocab::{Symbol, Vocab};
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

/// Sizes of the network: I inputs (one-hot symbols), H hidden units, C output classes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Shape {
    pub input_size: usize,
    pub hidden_size: usize,
    pub classes: usize,
}

impl Shape {
    fn rows(&self) -> usize {
        4 * self.hidden_size
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
        start..start + self.hidden_size * self.rows()
    }

    #[must_use]
    pub fn bias_ih(&self) -> Range<usize> {
        let start = self.recurrent_columns().end;
        start..start + self.rows()
    }

    #[must_use]
    pub fn bias_hh(&self) -> Range<usize> {
        let start = self.bias_ih().end;
        start..start + self.rows()
    }

    /// C × H, row-major.
    #[must_use]
    pub fn readout_weight(&self) -> Range<usize> {
        let start = self.bias_hh().end;
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

    /// The LSTM gate a parameter feeds (None for the read-out).
    #[must_use]
    pub fn gate_of(&self, index: usize) -> Option<Gate> {
        let rows = self.rows();
        let row = if index < self.bias_ih().start {
            index % rows
        } else if index < self.readout_weight().start {
            (index - self.bias_ih().start) % rows
        } else {
            return None;
        };
        Some(Gate::ALL[row / self.hidden_size])
    }

    /// Which parameters train under `acts`: false for every weight and bias of a removed gate
    /// ("none" is the constant 1, so its W_ih, W_hh and bias rows no longer affect anything;
    /// their gradient is exactly zero and the optimiser leaves them as they are).
    #[must_use]
    pub fn trainable(&self, acts: &Activations) -> Vec<bool> {
        (0..self.len()).map(|k| self.gate_of(k).is_none_or(|g| !g.activation(acts).is_removed())).collect()
    }
}

/// The LSTM plus read-out, every parameter in one flat vector (see the module docs for the order).
#[derive(Clone, Debug, PartialEq)]
pub struct Network {
    shape: Shape,
    params: Vec<f64>,
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
        let exps: Vec<f64> = logits.iter().map(|l| (l - max).exp()).collect();
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

/// Buffers for one forward and backward pass, kept between calls so that training allocates
/// nothing once the longest sequence has been seen. Timestep-major: step t of a per-unit
/// quantity is at `t * H .. (t + 1) * H`, of a per-gate one at `t * 4H .. (t + 1) * 4H`.
#[derive(Clone, Debug, Default)]
pub struct Workspace {
    /// What the forward pass keeps for the backward.
    kept: Kept,
    /// b_ih + b_hh.
    bias: Vec<f64>,
    /// W_hh in PyTorch's layout (4H × H), copied from the parameters for each backward pass, so
    /// that W_hhᵀ·δz is a sum of contiguous rows.
    weight_hh: Vec<f64>,
    /// The forward pass's running z, h and c.
    state: State<f64>,
    /// δz_t = ∂L/∂z_t for every step, kept so the W_hh gradient can be summed after the loop.
    dz: Vec<f64>,
    dbias: Vec<f64>,
    dh: Vec<f64>,
    dh_next: Vec<f64>,
    dc: Vec<f64>,
}

/// What the forward pass keeps of every step for backpropagation, timestep-major.
#[derive(Clone, Debug, Default)]
struct Kept {
    /// Activated gate values i, f, g, o per step.
    gates: Vec<f64>,
    /// Each gate activation's derivative at its pre-activation, per step (0 for a removed gate).
    slopes: Vec<f64>,
    cell: Vec<f64>,
    /// act_cell_output'(c_t).
    cell_slope: Vec<f64>,
    /// act_cell_output(c_t).
    cell_out: Vec<f64>,
    hidden: Vec<f64>,
    /// ∂loss_t/∂h_t through the read-out at step t (valid only where `scored[t]`).
    dh_readout: Vec<f64>,
    scored: Vec<bool>,
    logits: Vec<f64>,
}

fn grow<T: Copy + Default>(buffer: &mut Vec<T>, len: usize) {
    if buffer.len() < len {
        buffer.resize(len, T::default());
    }
}

impl Workspace {
    #[must_use]
    pub fn new() -> Self {
        Workspace::default()
    }

    /// Makes every buffer large enough; never shrinks (so reuse allocates nothing).
    fn prepare(&mut self, shape: &Shape, steps: usize) {
        let (h, rows) = (shape.hidden_size, shape.rows());
        for (buffer, len) in [
            (&mut self.kept.gates, steps * rows),
            (&mut self.kept.slopes, steps * rows),
            (&mut self.kept.cell, steps * h),
            (&mut self.kept.cell_slope, steps * h),
            (&mut self.kept.cell_out, steps * h),
            (&mut self.kept.hidden, steps * h),
            (&mut self.kept.dh_readout, steps * h),
            (&mut self.bias, rows),
            (&mut self.weight_hh, rows * h),
            (&mut self.kept.logits, shape.classes),
            (&mut self.dz, steps * rows),
            (&mut self.dbias, rows),
            (&mut self.dh, h),
            (&mut self.dh_next, h),
            (&mut self.dc, h),
        ] {
            grow(buffer, len);
        }
        grow(&mut self.kept.scored, steps);
    }

    /// The hidden states h_t of the last forward pass, timestep-major (`steps × H`).
    #[must_use]
    pub fn hidden_states(&self, steps: usize, hidden_size: usize) -> &[f64] {
        &self.kept.hidden[..steps * hidden_size]
    }
}

/// The parameters split into their parts.
/// The parameters (or their gradient) split into their parts: `S` is `&[f64]` or `&mut [f64]`.
struct Parts<S> {
    input_columns: S,
    recurrent_columns: S,
    bias_ih: S,
    bias_hh: S,
    readout_weight: S,
    readout_bias: S,
}

impl Shape {
    fn parts<'a>(&self, p: &'a [f64]) -> Parts<&'a [f64]> {
        assert_eq!(p.len(), self.len(), "parameter vector of the wrong length");
        Parts {
            input_columns: &p[self.input_columns()],
            recurrent_columns: &p[self.recurrent_columns()],
            bias_ih: &p[self.bias_ih()],
            bias_hh: &p[self.bias_hh()],
            readout_weight: &p[self.readout_weight()],
            readout_bias: &p[self.readout_bias()],
        }
    }

    fn parts_mut<'a>(&self, p: &'a mut [f64]) -> Parts<&'a mut [f64]> {
        assert_eq!(p.len(), self.len(), "gradient vector of the wrong length");
        let (input_columns, rest) = p.split_at_mut(self.input_columns().len());
        let (recurrent_columns, rest) = rest.split_at_mut(self.recurrent_columns().len());
        let (bias_ih, rest) = rest.split_at_mut(self.rows());
        let (bias_hh, rest) = rest.split_at_mut(self.rows());
        let (readout_weight, readout_bias) = rest.split_at_mut(self.readout_weight().len());
        Parts { input_columns, recurrent_columns, bias_ih, bias_hh, readout_weight, readout_bias }
    }
}

/// Σ a_k·b_k with eight running sums (so the loop vectorises and the additions do not wait on
/// each other; the order is fixed, so the result is deterministic).
#[inline]
fn dot(a: &[f64], b: &[f64]) -> f64 {
    const LANES: usize = 8;
    let n = a.len().min(b.len()) / LANES * LANES;
    let mut acc = [0.0f64; LANES];
    for (x, y) in a[..n].chunks_exact(LANES).zip(b[..n].chunks_exact(LANES)) {
        for k in 0..LANES {
            acc[k] += x[k] * y[k];
        }
    }
    let mut sum = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
    for (x, y) in a[n..].iter().zip(&b[n..]) {
        sum += x * y;
    }
    sum
}

/// y += a·x.
#[inline]
fn axpy(y: &mut [f64], a: f64, x: &[f64]) {
    for (yk, xk) in y.iter_mut().zip(x) {
        *yk += a * xk;
    }
}

/// Keeps what backpropagation needs of each step (gate values, slopes, c, act(c), h) and
/// scores h_t through the read-out as soon as the step is done.
struct TrainingRecorder<'a> {
    shape: Shape,
    kept: &'a mut Kept,
    targets: &'a [Option<usize>],
    readout_weight: &'a [f64],
    readout_bias: &'a [f64],
    /// The read-out's gradient (weight, bias), when training.
    grads: Option<(&'a mut [f64], &'a mut [f64])>,
    stats: SequenceStats,
}

impl Recorder<f64> for TrainingRecorder<'_> {
    const SLOPES: bool = true;

    fn unit(&mut self, t: usize, u: usize, _: Gates<f64>, _: f64, v: &CellValues<f64>, s: &Slopes<f64>) {
        let hs = self.shape.hidden_size;
        let base = t * self.shape.rows() + u;
        for gate in Gate::ALL {
            let k = base + gate as usize * hs;
            self.kept.gates[k] = v.gates.get(gate);
            self.kept.slopes[k] = s.gates.get(gate);
        }
        let k = t * hs + u;
        let kept = &mut *self.kept;
        kept.cell[k] = v.c;
        kept.cell_out[k] = v.cell_out;
        kept.cell_slope[k] = s.cell_output;
        kept.hidden[k] = v.h;
    }

    fn end_step(&mut self, t: usize, h: &[f64]) {
        let (hs, classes) = (self.shape.hidden_size, self.shape.classes);
        let target = self.targets.get(t).copied().flatten().filter(|&k| k < classes);
        self.kept.scored[t] = target.is_some();
        let Some(target) = target else { return };
        let logits = &mut self.kept.logits[..classes];
        for (c, l) in logits.iter_mut().enumerate() {
            *l = self.readout_bias[c] + dot(&self.readout_weight[c * hs..(c + 1) * hs], h);
        }
        // log-sum-exp shifted by the largest logit, so exp never overflows.
        let max = logits.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let sum: f64 = logits.iter().map(|l| (l - max).exp()).sum();
        let log_sum = max + sum.ln();
        let loss = log_sum - logits[target];
        self.stats.loss_sum += loss;
        self.stats.scored += 1;
        // The first largest logit is the prediction (a NaN anywhere makes the loss NaN, and
        // such a step never counts as right).
        let predicted = logits.iter().enumerate().fold(0, |best, (c, &l)| if l > logits[best] { c } else { best });
        if predicted == target && loss.is_finite() {
            self.stats.correct += 1;
        }
        if let Some((weight_grad, bias_grad)) = self.grads.as_mut() {
            // ∂loss/∂logit_c = softmax_c − [c = target].
            let dh = &mut self.kept.dh_readout[t * hs..(t + 1) * hs];
            dh.fill(0.0);
            for (c, &l) in logits.iter().enumerate() {
                let dl = (l - log_sum).exp() - if c == target { 1.0 } else { 0.0 };
                bias_grad[c] += dl;
                axpy(&mut weight_grad[c * hs..(c + 1) * hs], dl, h);
                axpy(dh, dl, &self.readout_weight[c * hs..(c + 1) * hs]);
            }
        }
    }
}

impl Network {
    /// PyTorch's initialisation from a seed: every LSTM weight and bias uniform(−1/√H, 1/√H)
    /// (drawn in PyTorch's order and layout, so the LSTM part equals `presets::random` for the
    /// same seed and sizes), then the read-out's weight and bias uniform(−1/√H, 1/√H) (what
    /// `nn.Linear(H, C)` uses: its bound is 1/√fan_in).
    #[must_use]
    pub fn init(shape: Shape, seed: u64) -> Network {
        let mut rng = Rng::new(seed);
        let w = Weights::<f64>::pytorch_init(shape.input_size, shape.hidden_size, &mut rng);
        #[allow(clippy::cast_precision_loss)] // hidden sizes are far below 2^52
        let bound = 1.0 / (shape.hidden_size.max(1) as f64).sqrt();
        let readout_weight: Vec<f64> =
            (0..shape.classes * shape.hidden_size).map(|_| rng.uniform(-bound, bound)).collect();
        let readout_bias: Vec<f64> = (0..shape.classes).map(|_| rng.uniform(-bound, bound)).collect();
        Network::from_parts(&w, &readout_weight, &readout_bias).expect("shapes agree by construction")
    }

    /// A network from PyTorch-layout LSTM weights and a C × H read-out (C = `readout_bias.len()`).
    pub fn from_parts(
        weights: &Weights<f64>,
        readout_weight: &[f64],
        readout_bias: &[f64],
    ) -> Result<Self, WeightsError> {
        weights.validate()?;
        let shape =
            Shape { input_size: weights.input_size, hidden_size: weights.hidden_size, classes: readout_bias.len() };
        if readout_weight.len() != shape.classes * shape.hidden_size {
            return Err(WeightsError::Shape {
                name: "readout_weight",
                expected: shape.classes * shape.hidden_size,
                found: readout_weight.len(),
            });
        }
        let rows = shape.rows();
        let mut params = vec![0.0; shape.len()];
        transpose_into(&weights.weight_ih, rows, shape.input_size, &mut params[shape.input_columns()]);
        transpose_into(&weights.weight_hh, rows, shape.hidden_size, &mut params[shape.recurrent_columns()]);
        params[shape.bias_ih()].copy_from_slice(&weights.bias_ih);
        params[shape.bias_hh()].copy_from_slice(&weights.bias_hh);
        params[shape.readout_weight()].copy_from_slice(readout_weight);
        params[shape.readout_bias()].copy_from_slice(readout_bias);
        Ok(Network { shape, params })
    }

    #[must_use]
    pub fn shape(&self) -> Shape {
        self.shape
    }

    /// Every parameter, flat (see the module docs for the order).
    #[must_use]
    pub fn params(&self) -> &[f64] {
        &self.params
    }

    pub fn params_mut(&mut self) -> &mut [f64] {
        &mut self.params
    }

    /// The LSTM part in PyTorch's layout.
    #[must_use]
    pub fn lstm_weights(&self) -> Weights<f64> {
        let s = self.shape;
        let mut w = Weights::<f64>::zeros(s.input_size, s.hidden_size);
        // The stored columns are the transposes: transposing back gives PyTorch's layout.
        transpose_into(&self.params[s.input_columns()], s.input_size, s.rows(), &mut w.weight_ih);
        transpose_into(&self.params[s.recurrent_columns()], s.hidden_size, s.rows(), &mut w.weight_hh);
        w.bias_ih.copy_from_slice(&self.params[s.bias_ih()]);
        w.bias_hh.copy_from_slice(&self.params[s.bias_hh()]);
        w
    }

    /// The LSTM part as the page's f32 model, with the task's vocabulary. Fails if a weight is
    /// not finite in f32 (a diverged run).
    pub fn to_model(&self, name: impl Into<String>, vocab: Vocab) -> Result<Model, WeightsError> {
        let lstm = Lstm::new(self.lstm_weights().cast::<f32>())?;
        Ok(Model { name: name.into(), lstm, vocab })
    }

    /// The read-out layer in f32.
    #[must_use]
    pub fn readout(&self) -> Readout {
        let s = self.shape;
        Readout {
            classes: s.classes,
            hidden_size: s.hidden_size,
            weight: self.params[s.readout_weight()].iter().map(|&v| to_f32(v)).collect(),
            bias: self.params[s.readout_bias()].iter().map(|&v| to_f32(v)).collect(),
        }
    }

    /// Loss and accuracy of one sequence, forward only (no gradients).
    pub fn evaluate(&self, acts: &Activations, sequence: &Sequence, ws: &mut Workspace) -> SequenceStats {
        self.forward(acts, sequence, ws, None)
    }

    /// Forward and full backpropagation through time over one sequence: **adds** the gradient of
    /// the sequence's summed loss to `grads` (so a batch is several calls, then an optimiser
    /// step). Exact for every activation: each site's derivative is `Activation::derivative`; a
    /// removed gate ("none", constant 1) passes no gradient into its pre-activation, so its
    /// weights' gradient is exactly zero.
    pub fn forward_backward(
        &self,
        acts: &Activations,
        sequence: &Sequence,
        ws: &mut Workspace,
        grads: &mut [f64],
    ) -> SequenceStats {
        let stats = self.forward(acts, sequence, ws, Some(grads));
        self.backward(acts, sequence, ws, grads, None);
        stats
    }

    /// ‖∂L/∂c_t‖ and ‖∂L/∂h_t‖ at every step, L being the sequence's summed loss.
    pub fn gradient_through_time(&self, acts: &Activations, sequence: &Sequence, ws: &mut Workspace) -> GradientFlow {
        let mut grads = vec![0.0; self.shape.len()];
        let stats = self.forward(acts, sequence, ws, Some(&mut grads));
        let steps = sequence.inputs.len();
        let mut flow = GradientFlow { cell: vec![0.0; steps], hidden: vec![0.0; steps], loss: stats.loss_sum };
        self.backward(acts, sequence, ws, &mut grads, Some(&mut flow));
        flow
    }

    /// Runs the cell (the one forward pass, [`Columns::run`]) and the read-out, keeping in `ws`
    /// what the backward pass needs. With `grads`, also adds the read-out's gradient and stores
    /// ∂loss_t/∂h_t for the backward.
    fn forward(
        &self,
        acts: &Activations,
        sequence: &Sequence,
        ws: &mut Workspace,
        grads: Option<&mut [f64]>,
    ) -> SequenceStats {
        let shape = self.shape;
        let (hs, rows) = (shape.hidden_size, shape.rows());
        let steps = sequence.inputs.len();
        ws.prepare(&shape, steps);
        let p = shape.parts(&self.params);
        let bias = &mut ws.bias[..rows];
        for ((b, x), y) in bias.iter_mut().zip(p.bias_ih).zip(p.bias_hh) {
            *b = x + y;
        }
        let columns = Columns {
            input_size: shape.input_size,
            hidden_size: hs,
            input: p.input_columns,
            recurrent: p.recurrent_columns,
            bias: &ws.bias[..rows],
        };
        let mut recorder = TrainingRecorder {
            shape,
            kept: &mut ws.kept,
            targets: &sequence.targets,
            readout_weight: p.readout_weight,
            readout_bias: p.readout_bias,
            grads: grads.map(|g| {
                let g = shape.parts_mut(g);
                (g.readout_weight, g.readout_bias)
            }),
            stats: SequenceStats::default(),
        };
        columns.run(acts, &sequence.inputs, &mut ws.state, &mut recorder);
        recorder.stats
    }

    /// Backpropagation through time over the last forward pass, adding the LSTM's gradient to
    /// `grads` (the read-out's was added by the forward). With `flow`, records ‖∂L/∂c_t‖ and
    /// ‖∂L/∂h_t‖.
    fn backward(
        &self,
        acts: &Activations,
        sequence: &Sequence,
        ws: &mut Workspace,
        grads: &mut [f64],
        mut flow: Option<&mut GradientFlow>,
    ) {
        let shape = self.shape;
        let (hs, rows) = (shape.hidden_size, shape.rows());
        let steps = sequence.inputs.len();
        let p = shape.parts(&self.params);
        let g = shape.parts_mut(grads);
        let removed = Gate::ALL.map(|gate| gate.activation(acts).is_removed());
        let weight_hh = &mut ws.weight_hh[..rows * hs];
        transpose_into(p.recurrent_columns, hs, rows, weight_hh);
        let weight_hh = &*weight_hh;
        let dbias = &mut ws.dbias[..rows];
        let dh = &mut ws.dh[..hs];
        let dh_next = &mut ws.dh_next[..hs];
        // ∂L/∂c_t arriving from step t + 1 (through c_{t+1} = f·c_t + ...).
        let dc = &mut ws.dc[..hs];
        dbias.fill(0.0);
        dh_next.fill(0.0);
        dc.fill(0.0);

        for t in (0..steps).rev() {
            // ∂L/∂h_t: from the read-out at t and from z_{t+1} (W_hhᵀ·δz_{t+1}).
            if ws.kept.scored[t] {
                for ((d, n), r) in dh.iter_mut().zip(dh_next.iter()).zip(&ws.kept.dh_readout[t * hs..(t + 1) * hs]) {
                    *d = n + r;
                }
            } else {
                dh.copy_from_slice(dh_next);
            }
            let gates = &ws.kept.gates[t * rows..(t + 1) * rows];
            let slopes = &ws.kept.slopes[t * rows..(t + 1) * rows];
            let dz = &mut ws.dz[t * rows..(t + 1) * rows];
            let (mut cell_norm, mut hidden_norm) = (0.0, 0.0);
            for u in 0..hs {
                let k = t * hs + u;
                let (i, f, cand, o) = (gates[u], gates[hs + u], gates[2 * hs + u], gates[3 * hs + u]);
                let c_prev = if t > 0 { ws.kept.cell[k - hs] } else { 0.0 };
                // h = o·act(c): ∂L/∂c_t gains ∂L/∂h_t · o · act'(c_t).
                let dc_total = dc[u] + dh[u] * o * ws.kept.cell_slope[k];
                dz[u] = dc_total * cand * slopes[u];
                dz[hs + u] = dc_total * c_prev * slopes[hs + u];
                dz[2 * hs + u] = dc_total * i * slopes[2 * hs + u];
                dz[3 * hs + u] = dh[u] * ws.kept.cell_out[k] * slopes[3 * hs + u];
                dc[u] = dc_total * f;
                cell_norm += dc_total * dc_total;
                hidden_norm += dh[u] * dh[u];
            }
            if let Some(flow) = flow.as_deref_mut() {
                flow.cell[t] = cell_norm.sqrt();
                flow.hidden[t] = hidden_norm.sqrt();
            }
            // A removed gate's slope is 0 already; writing exact zeros as well means an infinite
            // δc (0·∞ = NaN) cannot put a NaN into that gate's gradient. (The optimiser's mask
            // keeps those weights fixed regardless.)
            for (block, &gone) in removed.iter().enumerate() {
                if gone {
                    dz[block * hs..(block + 1) * hs].fill(0.0);
                }
            }
            for (b, d) in dbias.iter_mut().zip(dz.iter()) {
                *b += d;
            }
            // ∂/∂W_ih: a one-hot input touches one column of W_ih, a contiguous row here.
            if let Some(s) = sequence.inputs[t].filter(|&s| s < shape.input_size) {
                for (gk, d) in g.input_columns[s * rows..(s + 1) * rows].iter_mut().zip(dz.iter()) {
                    *gk += d;
                }
            }
            if t == 0 {
                break; // h_{−1} = 0: nothing further back.
            }
            // ∂L/∂h_{t−1} = W_hhᵀ·δz, a sum of W_hh's rows.
            dh_next.fill(0.0);
            add_rows(dh_next, weight_hh, dz);
        }
        // ∂L/∂W_hh[r][j] = Σ_t δz_t[r]·h_{t−1,j}: summed after the loop, four rows of W_hhᵀ at a
        // time, so those rows stay in cache while every step's δz goes past (added per step, the
        // whole gradient matrix would go through the cache once per step).
        for j0 in (0..hs).step_by(4) {
            let j1 = (j0 + 4).min(hs);
            for t in 1..steps {
                let dz = &ws.dz[t * rows..(t + 1) * rows];
                let h_prev = &ws.kept.hidden[(t - 1) * hs..t * hs];
                for (j, &hj) in h_prev.iter().enumerate().take(j1).skip(j0) {
                    axpy(&mut g.recurrent_columns[j * rows..(j + 1) * rows], hj, dz);
                }
            }
        }
        for ((a, b), d) in g.bias_ih.iter_mut().zip(g.bias_hh.iter_mut()).zip(dbias.iter()) {
            *a += d;
            *b += d;
        }
    }
}

#[cfg(test)]
#[allow(clippy::float_cmp)] // tests compare exactly on purpose
mod tests {
    use super::*;
    use crate::activation::Activation;
    use crate::trace::{Quantity, Trace};

    #[test]
    fn layout_round_trips_pytorch_weights() {
        let shape = Shape { input_size: 3, hidden_size: 2, classes: 4 };
        let net = Network::init(shape, 9);
        let w = net.lstm_weights();
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
        let mut big = Network::init(Shape { input_size: 95, hidden_size: 2, classes: 1 }, 9).lstm_weights();
        assert_eq!(big.cast::<f32>().weight_ih, preset.weight_ih);
        big.weight_ih.clear();
        assert!(Network::from_parts(&big, &[0.0; 2], &[0.0]).is_err());
    }

    #[test]
    fn trainable_masks_exactly_the_removed_gate() {
        let shape = Shape { input_size: 3, hidden_size: 2, classes: 2 };
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

    /// The training forward computes the same cell as `Lstm::run` (the page's forward), bit for
    /// bit in f64: same additions in the same order.
    #[test]
    fn forward_matches_the_lstm_module() {
        let shape = Shape { input_size: 4, hidden_size: 5, classes: 3 };
        let net = Network::init(shape, 3);
        let inputs = vec![Some(0), Some(3), None, Some(1), Some(2), Some(2), Some(9)];
        let seq = Sequence { targets: vec![Some(1); inputs.len()], length: inputs.len(), inputs };
        let lstm = Lstm::new(net.lstm_weights()).unwrap();
        for acts in [Activations::default(), Activations::with_gates(Activation::HardSigmoid)] {
            let mut ws = Workspace::new();
            net.evaluate(&acts, &seq, &mut ws);
            let mut trace = Trace::new();
            lstm.run(&seq.inputs, &acts, &mut trace);
            assert_eq!(ws.hidden_states(seq.inputs.len(), 5), trace.values(Quantity::Hidden));
        }
    }

    #[test]
    fn readout_probabilities_sum_to_one() {
        let net = Network::init(Shape { input_size: 2, hidden_size: 3, classes: 4 }, 1);
        let p = net.readout().probabilities(&[0.5, -0.2, 0.9]);
        assert_eq!(p.len(), 4);
        assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-6);
    }
}
