//! Training one network on a task ([`Trainer`]), and comparing activation variants over several
//! seeds ([`Comparison`]), a few steps at a time so a Web Worker can post progress in between.

use super::adam::Adam;
use super::curve::{CurvePoint, CurveRecorder};
use super::init::Init;
use super::network::{GradientFlow, Network, Readout, Sequence, SequenceStats, Shape, Workspace};
use super::tasks::{Task, TaskKind, TaskSummary};
use crate::activation::from_f64;
use crate::cells::CellKind;
use crate::model::Model;
use crate::recurrent::WeightsError;
use crate::site::{Activations, NamedActivations, SitesOf};
use crate::rng::Rng;
use num_traits::Float;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Mixed into the seed for the batch-sampling stream, so batches and initial weights are not
/// drawn from the same numbers.
const BATCH_STREAM: u64 = 0xD1B5_4A32_D192_ED03;

/// How to train: network size, optimiser and sampling.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrainConfig {
    pub hidden: usize,
    pub learning_rate: f64,
    /// Sequences per step.
    pub batch_size: usize,
    /// Seeds the initial weights and the order of batches.
    pub seed: u64,
    /// Global gradient-norm clipping (None: off).
    pub max_grad_norm: Option<f64>,
    /// Whether the cell has peepholes (drawn after every other weight, so the rest is the same).
    #[serde(default)]
    pub peepholes: bool,
    /// The cell design.
    #[serde(default)]
    pub cell: CellKind,
    /// The forget gate's bias to start from, in place of PyTorch's random one: b_ih's forget
    /// rows set to it and b_hh's to 0 (Jozefowicz et al. 2015 start it at 1). None: random.
    #[serde(default)]
    pub forget_bias: Option<f64>,
    /// How the cell's weights start.
    #[serde(default)]
    pub init: Init,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            hidden: 16,
            learning_rate: 0.01,
            batch_size: 16,
            seed: 1,
            max_grad_norm: Some(1.0),
            peepholes: false,
            cell: CellKind::Lstm,
            forget_bias: None,
            init: Init::Pytorch,
        }
    }
}

/// A cell design to train: which cell, its activations, whether it has peepholes, the forget
/// gate's starting bias (None: the initialisation's own) and how its weights start.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Design {
    pub cell: CellKind,
    pub acts: Activations,
    pub peepholes: bool,
    pub forget_bias: Option<f64>,
    pub init: Init,
}

impl From<Activations> for Design {
    fn from(acts: Activations) -> Self {
        Design { cell: CellKind::Lstm, acts, peepholes: false, forget_bias: None, init: Init::Pytorch }
    }
}

/// What one training step did.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct StepStats {
    /// Steps taken so far, this one included (unchanged if nothing was done).
    pub step: usize,
    /// Mean cross-entropy per scored step of the batch.
    pub loss: f64,
    pub accuracy: f64,
    /// The gradient's norm before clipping.
    pub grad_norm: f64,
    pub clipped: bool,
    /// True if the run has diverged (now or before): no update was made.
    pub diverged: bool,
}

/// Mean loss and accuracy over a set of sequences.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    pub loss: f64,
    pub accuracy: f64,
    /// How many steps were scored.
    pub scored: usize,
}

impl From<SequenceStats> for Evaluation {
    fn from(s: SequenceStats) -> Self {
        Evaluation { loss: s.mean_loss(), accuracy: s.accuracy(), scored: s.scored }
    }
}

/// Accuracy of the sequences of one length.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct LengthAccuracy {
    pub length: usize,
    /// Share of scored steps right.
    pub accuracy: f64,
    /// Share of sequences with every scored step right.
    pub all_correct: f64,
    pub sequences: usize,
}

/// One network learning one task under one choice of activations, in f32 (as PyTorch trains).
pub type Trainer = TrainerOf<f32>;

/// A [`Trainer`] in any float type: the f64 one checks that f32 training learns as well.
#[derive(Clone, Debug)]
pub struct TrainerOf<T> {
    task: Arc<Task>,
    acts: Activations,
    config: TrainConfig,
    network: Network<T>,
    adam: Adam,
    workspace: Workspace<T>,
    grads: Vec<T>,
    batches: Rng,
    steps: usize,
    diverged_at: Option<usize>,
}

/// Sequences evaluated in one batched pass.
const EVAL_BATCH: usize = 32;

impl<T: Float> TrainerOf<T> {
    /// A fresh network (initialised by `config.init` from `config.seed`) sized for the task. The
    /// parameters of a gate set to "none" are frozen: they cannot affect the output, so they
    /// get no gradient and the optimiser does not touch them.
    pub fn new(task: impl Into<Arc<Task>>, acts: Activations, config: TrainConfig) -> Self {
        let task = task.into();
        // At least one input column, so that a task with an empty vocabulary (an empty text)
        // still makes a valid, if useless, cell instead of a panic.
        let shape = Shape {
            input_size: task.vocab.len().max(1),
            hidden_size: config.hidden.max(1),
            classes: task.classes,
            peepholes: config.peepholes,
            cell: config.cell,
        };
        let mut network = Network::init_with(shape, config.seed, config.init);
        if let Some(bias) = config.forget_bias {
            network.set_forget_bias(from_f64(bias));
        }
        let adam = Adam::new(shape.len(), config.learning_rate)
            .with_mask(shape.trainable(&acts))
            .with_max_grad_norm(config.max_grad_norm);
        TrainerOf {
            task,
            acts,
            config,
            network,
            adam,
            workspace: Workspace::new(),
            grads: vec![T::zero(); shape.len()],
            batches: Rng::new(config.seed ^ BATCH_STREAM),
            steps: 0,
            diverged_at: None,
        }
    }

    /// The benchmark's work, the same natively (`cargo bench --bench train`) and in the browser:
    /// delayed recall (k = 3) over `symbols` one-hot letters, sequences of `length`, `batch` per
    /// step, Adam with clipping at 1, from seed 1.
    #[must_use]
    pub fn benchmark(acts: Activations, hidden: usize, symbols: usize, length: usize, batch: usize) -> Self {
        Self::benchmark_cell(CellKind::Lstm, acts, hidden, symbols, length, batch)
    }

    /// [`Trainer::benchmark`] for any cell design (the GRU's step is timed beside nn.GRU's).
    #[must_use]
    pub fn benchmark_cell(cell: CellKind, acts: Activations, hidden: usize, symbols: usize, length: usize, batch: usize) -> Self {
        let task = Task::recall_benchmark(symbols.max(1), length.max(1), 256, 3, 42);
        let config = TrainConfig {
            hidden: hidden.max(1),
            learning_rate: 0.01,
            batch_size: batch.max(1),
            seed: 1,
            max_grad_norm: Some(1.0),
            peepholes: false,
            cell,
            forget_bias: None,
            init: Init::Pytorch,
        };
        TrainerOf::new(task, acts, config)
    }

    #[must_use]
    pub fn task(&self) -> &Task {
        &self.task
    }

    #[must_use]
    pub fn activations(&self) -> &Activations {
        &self.acts
    }

    #[must_use]
    pub fn config(&self) -> &TrainConfig {
        &self.config
    }

    #[must_use]
    pub fn network(&self) -> &Network<T> {
        &self.network
    }

    /// Updates made so far.
    #[must_use]
    pub fn steps(&self) -> usize {
        self.steps
    }

    /// The step (1-based: the n-th call of `step`) at which the loss, the gradient or a
    /// parameter stopped being finite. From then on `step` changes nothing.
    #[must_use]
    pub fn diverged_at(&self) -> Option<usize> {
        self.diverged_at
    }

    /// Trainable parameters under the activations (what `lstm::parameter_count` counts, plus
    /// the read-out).
    #[must_use]
    pub fn parameter_count(&self) -> usize {
        let s = self.network.shape();
        s.cell.spec().parameter_count(s.input_size, s.hidden_size, &self.acts, s.peepholes) + self.readout_parameter_count()
    }

    /// The read-out's share of [`Self::parameter_count`]: a weight per hidden unit and a bias, per
    /// class.
    #[must_use]
    pub fn readout_parameter_count(&self) -> usize {
        let s = self.network.shape();
        s.classes * (s.hidden_size + 1)
    }

    /// One minibatch: `batch_size` training sequences drawn (with replacement) from the seeded
    /// stream, the gradient of their mean loss per scored step, then one Adam update.
    pub fn step(&mut self) -> StepStats {
        let mut out = StepStats {
            step: self.steps,
            loss: f64::NAN,
            accuracy: 0.0,
            grad_norm: f64::NAN,
            clipped: false,
            diverged: self.diverged_at.is_some(),
        };
        if out.diverged || self.task.train.is_empty() {
            return out;
        }
        self.grads.fill(T::zero());
        let train = &self.task.train;
        let mut batch: Vec<&Sequence> =
            (0..self.config.batch_size.max(1)).map(|_| &train[self.batches.below(train.len())]).collect();
        // Longest first, so each step of the batched pass runs only the sequences still going.
        batch.sort_by_key(|s| std::cmp::Reverse(s.inputs.len()));
        let stats = self.network.forward_backward_batch(&self.acts, &batch, &mut self.workspace, &mut self.grads);
        // The gradient of the mean, as PyTorch's CrossEntropyLoss(reduction="mean") gives.
        #[allow(clippy::cast_precision_loss)] // counts far below 2^52
        let scale = T::from(1.0 / stats.scored.max(1) as f64).unwrap_or_else(T::one);
        for g in &mut self.grads {
            *g = *g * scale;
        }
        out.loss = stats.mean_loss();
        out.accuracy = stats.accuracy();
        let mut diverged = !out.loss.is_finite();
        if !diverged {
            let update = self.adam.step(self.network.params_mut(), &mut self.grads);
            out.grad_norm = update.grad_norm;
            out.clipped = update.clipped;
            diverged = !update.applied || self.network.params().iter().any(|p| !p.is_finite());
        }
        if diverged {
            self.diverged_at = Some(self.steps + 1);
            out.diverged = true;
        } else {
            self.steps += 1;
            out.step = self.steps;
        }
        out
    }

    /// Each sequence of `set` with its loss and accuracy, from batched forward passes over
    /// sequences of similar length.
    fn evaluate_each<'a>(&mut self, set: &'a [Sequence]) -> Vec<(&'a Sequence, SequenceStats)> {
        let mut order: Vec<&Sequence> = set.iter().collect();
        order.sort_by_key(|s| std::cmp::Reverse(s.inputs.len()));
        let mut out = Vec::with_capacity(set.len());
        for chunk in order.chunks(EVAL_BATCH) {
            self.network.evaluate_batch(&self.acts, chunk, &mut self.workspace);
            out.extend(chunk.iter().copied().zip(self.workspace.sequence_stats().iter().copied()));
        }
        out
    }

    /// Mean loss and accuracy over `set`, forward only.
    pub fn evaluate(&mut self, set: &[Sequence]) -> Evaluation {
        let mut stats = SequenceStats::default();
        for (_, s) in self.evaluate_each(set) {
            stats += s;
        }
        stats.into()
    }

    /// Accuracy per `Sequence::length`, shortest first.
    pub fn accuracy_by_length(&mut self, set: &[Sequence]) -> Vec<LengthAccuracy> {
        // length → (stats, sequences, sequences all right)
        let mut groups: BTreeMap<usize, (SequenceStats, usize, usize)> = BTreeMap::new();
        for (sequence, stats) in self.evaluate_each(set) {
            let group = groups.entry(sequence.length).or_default();
            group.0 += stats;
            group.1 += 1;
            group.2 += usize::from(stats.correct == stats.scored);
        }
        groups
            .into_iter()
            .map(|(length, (stats, sequences, perfect))| LengthAccuracy {
                length,
                accuracy: stats.accuracy(),
                all_correct: perfect as f64 / sequences as f64,
                sequences,
            })
            .collect()
    }

    /// Evaluates the held-out set and adds the point to `curve` (unless it has one at this step).
    pub fn record_point(&mut self, curve: &mut CurveRecorder) -> CurvePoint {
        let step = self.steps;
        if let Some(last) = curve.last().filter(|_| curve.has_point_at(step)) {
            return *last;
        }
        let task = Arc::clone(&self.task);
        let heldout = self.evaluate(&task.heldout);
        curve.add_point(step, heldout)
    }

    /// ‖∂L/∂c_t‖ and ‖∂L/∂h_t‖ along one sequence, under the current weights.
    pub fn gradient_through_time(&mut self, sequence: &Sequence) -> GradientFlow {
        self.network.gradient_through_time(&self.acts, sequence, &mut self.workspace)
    }

    /// What the network predicts at each step of `sequence`: each class's probability, from the
    /// hidden state of a forward pass (the read-out's softmax).
    pub fn predictions(&mut self, sequence: &Sequence) -> Vec<Vec<f32>> {
        self.network.evaluate(&self.acts, sequence, &mut self.workspace);
        let hidden = self.network.shape().hidden_size;
        let readout = self.network.readout();
        let states = self.workspace.hidden_states(sequence.inputs.len(), hidden);
        states
            .chunks(hidden.max(1))
            .map(|h| readout.probabilities(&h.iter().map(|x| x.to_f32().unwrap_or(f32::NAN)).collect::<Vec<_>>()))
            .collect()
    }

    /// The trained cell as the page's f32 model, with the task's vocabulary.
    pub fn model(&self, name: impl Into<String>) -> Result<Model, WeightsError> {
        self.network.to_model(name, self.task.vocab.clone())
    }

    /// The trained read-out in f32.
    #[must_use]
    pub fn readout(&self) -> Readout {
        self.network.readout()
    }
}

/// Settings of a comparison: the task, the seeds, and how every run trains and is measured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ComparisonConfig {
    pub task: TaskKind,
    /// One run per seed per variant. A seed fixes the data, the initial weights and the batch
    /// order, so every variant sees the same ones.
    pub seeds: Vec<u64>,
    pub hidden: usize,
    pub learning_rate: f64,
    pub batch_size: usize,
    pub max_grad_norm: Option<f64>,
    pub max_steps: usize,
    /// Held-out accuracy that counts as learned.
    pub target_heldout_accuracy: f64,
    /// Held-out evaluation every this many steps (and at the first and last step).
    pub eval_every: usize,
    /// Stop a run as soon as it reaches the target (otherwise it runs to `max_steps`).
    pub stop_at_target: bool,
}

impl Default for ComparisonConfig {
    fn default() -> Self {
        let train = TrainConfig::default();
        ComparisonConfig {
            task: TaskKind::Brackets,
            seeds: vec![1, 2, 3],
            hidden: train.hidden,
            learning_rate: train.learning_rate,
            batch_size: train.batch_size,
            max_grad_norm: train.max_grad_norm,
            max_steps: 1000,
            target_heldout_accuracy: 0.99,
            eval_every: super::curve::EVAL_EVERY,
            stop_at_target: false,
        }
    }
}

/// One variant × seed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunResult {
    pub variant: String,
    pub seed: u64,
    /// Updates made.
    pub steps: usize,
    pub curve: Vec<CurvePoint>,
    /// The first evaluated step whose held-out accuracy reached the target (so it is known to
    /// within `eval_every` steps). None if it never did.
    pub steps_to_target: Option<usize>,
    pub diverged_at: Option<usize>,
    pub finished: bool,
    /// Held-out loss and accuracy at the end (None until finished).
    pub final_heldout: Option<Evaluation>,
    /// The long test, overall and per length (filled in when finished).
    pub long_test: Option<Evaluation>,
    pub accuracy_by_length: Vec<LengthAccuracy>,
    /// A study's run on aⁿbⁿ: the unit that follows the count best (see `study::CounterTrace`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counter: Option<super::study::CounterTrace>,
    /// The run's wall-clock time in seconds, training and evaluations, where its runner timed
    /// it (`gatelab study` and the page's workers do). Measured, so not the same twice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seconds: Option<f64>,
}

/// A variant's runs summed up.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct VariantSummary {
    pub variant: String,
    pub cell: CellKind,
    /// Site name → activation name, for the cell's sites.
    pub activations: NamedActivations,
    pub peepholes: bool,
    /// Trainable parameters (a removed gate's do not count), the read-out's included.
    pub parameters: usize,
    /// Of which the read-out's.
    pub readout_parameters: usize,
    pub runs: usize,
    pub finished: usize,
    pub reached_target: usize,
    pub diverged: usize,
    /// Median of `steps_to_target` over the runs that reached it.
    pub median_steps_to_target: Option<f64>,
    /// Means over finished runs.
    pub mean_final_accuracy: Option<f64>,
    pub mean_long_test_accuracy: Option<f64>,
}

/// Everything a comparison has found so far.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ComparisonResult {
    pub task: TaskSummary,
    pub max_steps: usize,
    pub target_heldout_accuracy: f64,
    pub eval_every: usize,
    pub variants: Vec<VariantSummary>,
    /// Variant-major: all seeds of the first variant, then the second, ...
    pub runs: Vec<RunResult>,
    /// Updates made over all runs, and the most there can be.
    pub steps_done: usize,
    pub steps_total: usize,
    pub finished: bool,
}

#[derive(Clone, Debug)]
struct Run {
    trainer: Trainer,
    curve: CurveRecorder,
    result: RunResult,
}

impl Run {
    fn evaluate_point(&mut self) {
        self.trainer.record_point(&mut self.curve);
    }

    /// The result so far, with the curve.
    fn result(&self) -> RunResult {
        RunResult { curve: self.curve.points().to_vec(), ..self.result.clone() }
    }

    fn reached(&self, target: f64) -> bool {
        self.curve.last().is_some_and(|p| p.heldout_accuracy >= target)
    }

    fn finish(&mut self) {
        self.evaluate_point();
        let task = Arc::clone(&self.trainer.task);
        self.result.final_heldout = self.curve.last().map(|p| Evaluation {
            loss: p.heldout_loss,
            accuracy: p.heldout_accuracy,
            scored: task.heldout.iter().map(Sequence::scored).sum(),
        });
        self.result.long_test = Some(self.trainer.evaluate(&task.long_test));
        self.result.accuracy_by_length = self.trainer.accuracy_by_length(&task.long_test);
        self.result.finished = true;
    }

    /// One step (or, if the run is due to end, the final evaluation instead).
    fn advance(&mut self, config: &ComparisonConfig) {
        if self.curve.points().is_empty() {
            self.evaluate_point();
        }
        let done = |run: &Run| {
            run.trainer.steps() >= config.max_steps
                || run.trainer.diverged_at().is_some()
                || run.trainer.task().train.is_empty()
                || (config.stop_at_target && run.result.steps_to_target.is_some())
        };
        if !done(self) {
            let stats = self.trainer.step();
            if !stats.diverged {
                self.curve.add_batch(stats.loss);
                if stats.step.is_multiple_of(config.eval_every.max(1)) {
                    self.evaluate_point();
                    if self.result.steps_to_target.is_none() && self.reached(config.target_heldout_accuracy) {
                        self.result.steps_to_target = Some(stats.step);
                    }
                }
            }
            self.result.steps = self.trainer.steps();
            self.result.diverged_at = self.trainer.diverged_at();
        }
        if done(self) {
            self.finish();
        }
    }
}

/// A comparison of activation variants, run a budget of steps at a time:
///
/// ```
/// use gatelab::train::{Comparison, ComparisonConfig};
/// use gatelab::Activations;
/// let config = ComparisonConfig { max_steps: 4, eval_every: 2, seeds: vec![1], ..Default::default() };
/// let mut comparison = Comparison::new(vec![("standard".into(), Activations::default().into())], config);
/// while !comparison.advance(3) {
///     let progress = comparison.snapshot(); // post this to the page
///     assert!(progress.steps_done <= progress.steps_total);
/// }
/// assert_eq!(comparison.snapshot().runs[0].steps, 4);
/// ```
///
/// Runs take turns one step at a time, so every curve grows together; each run depends only on
/// its own seed, so the results do not depend on how the budget is split.
#[derive(Clone, Debug)]
pub struct Comparison {
    config: ComparisonConfig,
    variants: Vec<(String, Design)>,
    runs: Vec<Run>,
    cursor: usize,
}

impl Comparison {
    /// Generates the task once per seed and sets up every run (no training yet).
    #[must_use]
    pub fn new(variants: Vec<(String, Design)>, config: ComparisonConfig) -> Comparison {
        let tasks: Vec<Arc<Task>> =
            config.seeds.iter().map(|&seed| Arc::new(Task::generate(config.task.clone(), seed))).collect();
        let mut runs = Vec::with_capacity(variants.len() * tasks.len());
        for (name, design) in &variants {
            for (task, &seed) in tasks.iter().zip(&config.seeds) {
                let train = TrainConfig {
                    hidden: config.hidden,
                    learning_rate: config.learning_rate,
                    batch_size: config.batch_size,
                    seed,
                    max_grad_norm: config.max_grad_norm,
                    peepholes: design.peepholes,
                    cell: design.cell,
                    forget_bias: design.forget_bias,
                    init: design.init,
                };
                runs.push(Run {
                    trainer: Trainer::new(Arc::clone(task), design.acts, train),
                    curve: CurveRecorder::default(),
                    result: RunResult {
                        variant: name.clone(),
                        seed,
                        steps: 0,
                        curve: Vec::new(),
                        steps_to_target: None,
                        diverged_at: None,
                        finished: false,
                        final_heldout: None,
                        long_test: None,
                        accuracy_by_length: Vec::new(),
                        counter: None,
                        seconds: None,
                    },
                });
            }
        }
        Comparison { config, variants, runs, cursor: 0 }
    }

    #[must_use]
    pub fn config(&self) -> &ComparisonConfig {
        &self.config
    }

    /// Whether every run is done.
    #[must_use]
    pub fn finished(&self) -> bool {
        self.runs.iter().all(|r| r.result.finished)
    }

    /// Does up to `budget_steps` training steps, spread over the unfinished runs in turn (plus
    /// the evaluations they fall due for). Returns true when every run is finished.
    pub fn advance(&mut self, budget_steps: usize) -> bool {
        let mut spent = 0;
        while spent < budget_steps {
            let n = self.runs.len();
            let Some(offset) = (0..n).find(|k| !self.runs[(self.cursor + k) % n].result.finished) else {
                return true;
            };
            let index = (self.cursor + offset) % n;
            let before = self.runs[index].trainer.steps();
            self.runs[index].advance(&self.config);
            spent += usize::from(self.runs[index].trainer.steps() > before);
            self.cursor = (index + 1) % n;
        }
        self.finished()
    }

    /// The trainer of one run (to show its trained cell on the page).
    #[must_use]
    pub fn trainer(&self, variant: usize, seed_index: usize) -> Option<&Trainer> {
        let seeds = self.config.seeds.len();
        (seed_index < seeds).then(|| self.runs.get(variant * seeds + seed_index)).flatten().map(|r| &r.trainer)
    }

    /// The results so far.
    pub fn snapshot(&self) -> ComparisonResult {
        let seeds = self.config.seeds.len();
        let variants = self
            .variants
            .iter()
            .enumerate()
            .map(|(v, (name, design))| {
                let runs: Vec<&RunResult> = self.runs[v * seeds..(v + 1) * seeds].iter().map(|r| &r.result).collect();
                let finished: Vec<&&RunResult> = runs.iter().filter(|r| r.finished).collect();
                let mut to_target: Vec<f64> = runs.iter().filter_map(|r| r.steps_to_target).map(|s| s as f64).collect();
                to_target.sort_by(f64::total_cmp);
                let mean =
                    |values: Vec<f64>| (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64);
                VariantSummary {
                    variant: name.clone(),
                    cell: design.cell,
                    activations: SitesOf { acts: &design.acts, sites: design.cell.spec().sites }.named(),
                    peepholes: design.peepholes,
                    parameters: self.runs.get(v * seeds).map_or(0, |r| r.trainer.parameter_count()),
                    readout_parameters: self.runs.get(v * seeds).map_or(0, |r| r.trainer.readout_parameter_count()),
                    runs: runs.len(),
                    finished: finished.len(),
                    reached_target: to_target.len(),
                    diverged: runs.iter().filter(|r| r.diverged_at.is_some()).count(),
                    median_steps_to_target: median(&to_target),
                    mean_final_accuracy: mean(
                        finished.iter().filter_map(|r| r.final_heldout).map(|e| e.accuracy).collect(),
                    ),
                    mean_long_test_accuracy: mean(
                        finished.iter().filter_map(|r| r.long_test).map(|e| e.accuracy).collect(),
                    ),
                }
            })
            .collect();
        let task = self.runs.first().map(|r| r.trainer.task().summary()).unwrap_or_else(|| {
            // No variants or no seeds: describe the task anyway.
            Task::generate(self.config.task.clone(), 0).summary()
        });
        ComparisonResult {
            task,
            max_steps: self.config.max_steps,
            target_heldout_accuracy: self.config.target_heldout_accuracy,
            eval_every: self.config.eval_every,
            variants,
            runs: self.runs.iter().map(Run::result).collect(),
            steps_done: self.runs.iter().map(|r| r.trainer.steps()).sum(),
            steps_total: self.runs.len() * self.config.max_steps,
            finished: self.finished(),
        }
    }
}

fn median(sorted: &[f64]) -> Option<f64> {
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2.0),
    }
}

/// Runs a whole comparison to the end.
#[must_use]
pub fn compare(variants: &[(String, Design)], config: &ComparisonConfig) -> ComparisonResult {
    let mut comparison = Comparison::new(variants.to_vec(), config.clone());
    while !comparison.advance(usize::MAX) {}
    comparison.snapshot()
}

#[cfg(test)]
#[allow(clippy::float_cmp)] // tests compare exactly on purpose
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[3.0]), Some(3.0));
        assert_eq!(median(&[1.0, 2.0, 10.0]), Some(2.0));
        assert_eq!(median(&[1.0, 2.0, 4.0, 10.0]), Some(3.0));
    }

    #[test]
    fn results_do_not_depend_on_how_the_budget_is_split() {
        let variants = vec![("standard".to_string(), Design::from(Activations::default()))];
        let config = ComparisonConfig {
            task: TaskKind::Recall { delay: 2 },
            seeds: vec![4, 5],
            hidden: 4,
            max_steps: 7,
            eval_every: 3,
            batch_size: 2,
            ..Default::default()
        };
        let whole = compare(&variants, &config);
        let mut pieces = Comparison::new(variants.clone(), config.clone());
        let mut calls = 0;
        while !pieces.advance(1) {
            calls += 1;
            let snapshot = pieces.snapshot();
            assert!(!snapshot.finished);
        }
        assert!(calls >= 13, "{calls}");
        assert_eq!(pieces.snapshot(), whole);
        let run = &whole.runs[0];
        // Points at 0, 3, 6 and the last step, 7.
        assert_eq!(run.curve.iter().map(|p| p.step).collect::<Vec<_>>(), vec![0, 3, 6, 7]);
        assert_eq!(run.curve[0].train_loss, None);
        assert!(run.finished && run.final_heldout.is_some() && !run.accuracy_by_length.is_empty());
        assert_eq!(whole.steps_done, 14);
        assert!(pieces.trainer(0, 1).is_some() && pieces.trainer(0, 2).is_none());
        // serde_json can write it (non-finite numbers become null).
        assert!(serde_json::to_string(&whole).unwrap().contains("\"variants\""));
    }
}
