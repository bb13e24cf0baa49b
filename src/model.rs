//! A model: a cell plus the vocabulary that turns typed text into its inputs.

use crate::site::Activations;
use crate::recurrent::Recurrent;
use crate::trace::Trace;
use crate::vocab::{Symbol, Vocab};

#[derive(Clone, Debug)]
pub struct Model {
    /// What the model is: "counter", "random (H = 8, seed 1)", a file name, ...
    pub name: String,
    pub cell: Recurrent<f32>,
    pub vocab: Vocab,
}

impl Model {
    /// Runs the cell over `text` under `acts`, reusing `trace`'s buffers.
    pub fn run(&self, text: &str, acts: &Activations, trace: &mut Trace<f32>) {
        self.run_symbols(&self.vocab.encode(text), acts, trace);
    }

    pub fn run_symbols(&self, symbols: &[Symbol], acts: &Activations, trace: &mut Trace<f32>) {
        self.cell.run(symbols, acts, trace);
    }

    #[must_use]
    pub fn parameter_count(&self, acts: &Activations) -> usize {
        self.cell.spec().parameter_count(self.cell.input_size(), self.cell.hidden_size(), acts, self.cell.has_peepholes())
    }
}
