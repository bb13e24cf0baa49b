//! Gate Lab: an LSTM cell with a swappable activation at each of its five sites, traced step by
//! step. Everything here is pure Rust and tested natively; the browser boundary is `web.rs`.

pub mod activation;
pub mod lab;
pub mod lstm;
pub mod model;
pub mod presets;
pub mod pytorch;
pub mod render;
pub mod report;
pub mod rng;
pub mod trace;
pub mod train;
pub mod vocab;

#[cfg(target_arch = "wasm32")]
mod web;

pub use activation::{Activation, Activations, Site};
pub use lstm::{one_step, parameter_count, CellStep, Gate, Lstm, Symbol, Weights};
pub use model::Model;
pub use presets::Preset;
pub use trace::{Quantity, Trace};
pub use vocab::Vocab;
