//! A model: a stack of cells (one, for every preset) plus the vocabulary that turns typed text
//! into the first layer's inputs, and, for a trained character model, the read-out that turns
//! the top layer's h into a guess at the next character.

use crate::kernel::{Inputs, State};
use crate::recurrent::{Outputs, Recurrent};
use crate::site::Activations;
use crate::trace::Trace;
use crate::vocab::{Symbol, Vocab};

#[derive(Clone, Debug)]
pub struct Model {
    /// What the model is: "counter", "random (H = 8, seed 1)", a file name, ...
    pub name: String,
    /// The layer on show: every view draws this one.
    pub cell: Recurrent<f32>,
    pub vocab: Vocab,
    /// The other layers, and the read-out.
    pub stack: Stack,
}

/// What a model has besides the layer on show. PyTorch's `nn.LSTM(num_layers = L)`: layer k's
/// x is layer k − 1's h (layer 0's is the one-hot symbol, an embedding folded in).
#[derive(Clone, Debug, Default)]
pub struct Stack {
    /// The layers under the one on show, bottom first.
    pub below: Vec<Recurrent<f32>>,
    /// The layers over it, bottom first.
    pub above: Vec<Recurrent<f32>>,
    /// The top layer's read-out, when the file had one whose outputs are the vocab.
    pub readout: Option<Readout>,
    /// The width of the `nn.Embedding` folded into layer 0's W_ih at load, if there was one.
    pub embedding: Option<usize>,
}

/// An `nn.Linear` from the top layer's h to one score per character of the vocab.
#[derive(Clone, Debug, PartialEq)]
pub struct Readout {
    /// outputs × H, row-major (PyTorch's `weight`).
    pub weight: Vec<f32>,
    pub bias: Vec<f32>,
}

impl Readout {
    /// softmax(W·h + b), computed in f64: the probability of each output.
    #[must_use]
    pub fn probabilities(&self, h: &[f32]) -> Vec<f64> {
        let scores: Vec<f64> = self
            .weight
            .chunks_exact(h.len().max(1))
            .zip(&self.bias)
            .map(|(row, b)| f64::from(*b) + row.iter().zip(h).map(|(w, x)| f64::from(*w) * f64::from(*x)).sum::<f64>())
            .collect();
        // Shifted by the largest score, so that exp cannot overflow.
        let top = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let exps: Vec<f64> = scores.iter().map(|s| (s - top).exp()).collect();
        let total: f64 = exps.iter().sum();
        exps.into_iter().map(|e| e / total).collect()
    }
}

impl Model {
    /// A model of one layer and no read-out (every preset).
    #[must_use]
    pub fn new(name: impl Into<String>, cell: Recurrent<f32>, vocab: Vocab) -> Self {
        Model { name: name.into(), cell, vocab, stack: Stack::default() }
    }

    /// How many layers the model has.
    #[must_use]
    pub fn layers(&self) -> usize {
        self.stack.below.len() + 1 + self.stack.above.len()
    }

    /// The layer on show, 0-based from the bottom.
    #[must_use]
    pub fn layer(&self) -> usize {
        self.stack.below.len()
    }

    /// Every layer, bottom first.
    pub fn all_layers(&self) -> impl Iterator<Item = &Recurrent<f32>> {
        self.stack.below.iter().chain(std::iter::once(&self.cell)).chain(&self.stack.above)
    }

    /// Puts layer `k` on show (clamped to the top layer).
    pub fn show_layer(&mut self, k: usize) {
        let k = k.min(self.layers() - 1);
        while self.layer() > k {
            let below = self.stack.below.pop().expect("a layer below");
            self.stack.above.insert(0, std::mem::replace(&mut self.cell, below));
        }
        while self.layer() < k {
            let above = self.stack.above.remove(0);
            self.stack.below.push(std::mem::replace(&mut self.cell, above));
        }
    }

    /// Runs every layer over `text` under `acts`, reusing `trace`'s buffers for the one on show.
    pub fn run(&self, text: &str, acts: &Activations, trace: &mut Trace<f32>) {
        self.run_symbols(&self.vocab.encode(text), acts, trace);
    }

    pub fn run_symbols(&self, symbols: &[Symbol], acts: &Activations, trace: &mut Trace<f32>) {
        let mut state = State::default();
        self.cell.restart(trace, &mut state);
        LayerRuns::default().extend(self, symbols, acts, trace, &mut state);
    }

    /// The parameters of the layer on show.
    #[must_use]
    pub fn parameter_count(&self, acts: &Activations) -> usize {
        self.cell.spec().parameter_count(self.cell.input_size(), self.cell.hidden_size(), acts, self.cell.has_peepholes())
    }
}

/// The layers not on show, as run so far: their states at every step.
#[derive(Clone, Debug, Default)]
pub struct LayerRuns {
    below: Vec<(Outputs<f32>, State<f32>)>,
    above: Vec<(Outputs<f32>, State<f32>)>,
}

impl LayerRuns {
    /// Keeps the first `steps` steps of every layer not on show (the one on show has rewound
    /// its trace to them), ready to go on from there.
    pub fn rewind(&mut self, model: &Model, steps: usize) {
        let fit = |runs: &mut Vec<(Outputs<f32>, State<f32>)>, layers: &[Recurrent<f32>]| {
            runs.resize_with(layers.len(), Default::default);
            for ((outputs, state), layer) in runs.iter_mut().zip(layers) {
                outputs.rewind(layer.spec(), layer.hidden_size(), steps, state);
            }
        };
        fit(&mut self.below, &model.stack.below);
        fit(&mut self.above, &model.stack.above);
    }

    /// Runs every layer to `symbols.len()` steps: those below, the one on show into `trace`
    /// (from `state`), then those above, each reading the h of the one before.
    pub fn extend(&mut self, model: &Model, symbols: &[Symbol], acts: &Activations, trace: &mut Trace<f32>, state: &mut State<f32>) {
        // The other layers stand where the trace does (a zero state for a fresh one).
        self.rewind(model, trace.steps());
        for k in 0..self.below.len() {
            let (done, rest) = self.below.split_at_mut(k);
            let inputs = done.last().map_or(Inputs::OneHot, |(o, _)| Inputs::Dense(o.hidden_states()));
            let (outputs, layer_state) = &mut rest[0];
            model.stack.below[k].extend_outputs(symbols, inputs, acts, outputs, layer_state);
        }
        let inputs = self.below.last().map_or(Inputs::OneHot, |(o, _)| Inputs::Dense(o.hidden_states()));
        model.cell.extend_from(symbols, inputs, acts, trace, state);
        for k in 0..self.above.len() {
            let (done, rest) = self.above.split_at_mut(k);
            let inputs = done.last().map_or(Inputs::Dense(trace.values(crate::quantity::Quantity::Hidden)), |(o, _)| Inputs::Dense(o.hidden_states()));
            let (outputs, layer_state) = &mut rest[0];
            model.stack.above[k].extend_outputs(symbols, inputs, acts, outputs, layer_state);
        }
    }

    /// The top layer's h at step `t`, when a layer above the one on show is the top.
    #[must_use]
    pub fn top_hidden(&self, t: usize) -> Option<&[f32]> {
        self.above.last()?.0.hidden_at(t)
    }
}
