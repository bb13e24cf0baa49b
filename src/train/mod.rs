//! The training lab: a trainable LSTM with a read-out ([`network`]), Adam ([`adam`]), small
//! tasks generated from a seed ([`tasks`]), and training runs and comparisons of activation
//! variants ([`trainer`]). Pure Rust in f64, deterministic from seeds, tested natively; the
//! browser drives it from a Web Worker a few steps at a time through [`Comparison::advance`].

pub mod adam;
pub mod live;
pub mod network;
pub mod tasks;
pub mod trainer;

pub use adam::{Adam, Update};
pub use network::{GradientFlow, Network, Readout, Sequence, SequenceStats, Shape, Workspace};
pub use tasks::{Task, TaskKind, TaskSummary, DEFAULT_TEXT};
pub use trainer::{
    compare, ActivationNames, Comparison, ComparisonConfig, ComparisonResult, CurvePoint, Evaluation, LengthAccuracy,
    RunResult, StepStats, TrainConfig, Trainer, VariantSummary,
};
