//! Gate Lab: an LSTM cell with a swappable activation at each of its five sites, traced step by
//! step. Everything here is pure Rust and tested natively; the browser boundary is `web/`.

pub mod activation;
pub mod calculator;
pub mod catalog;
pub mod cell;
pub mod cells;
pub mod json;
pub mod kernel;
pub mod lab;
pub mod limits;
pub mod model;
pub mod numbers;
pub mod presets;
pub mod pytorch;
pub mod quantity;
pub mod recurrent;
pub mod render;
pub mod report;
pub mod rng;
pub mod site;
pub mod trace;
pub mod train;
pub mod vocab;

#[cfg(target_arch = "wasm32")]
mod web;

pub use activation::Activation;
pub use calculator::{one_step, CellStep};
pub use cell::{CellValues, Gates};
pub use recurrent::{Recurrent, Weights};
pub use model::Model;
pub use presets::Preset;
pub use pytorch::keras;
pub use quantity::Quantity;
pub use site::{Activations, Gate, Site, SITES};
pub use trace::Trace;
pub use vocab::{Symbol, Vocab};
