//! The training lab: a trainable LSTM with a read-out ([`network`]), Adam ([`adam`]), small
//! tasks generated from a seed ([`tasks`]), learning curves ([`curve`]), and training runs and
//! comparisons of activation variants ([`trainer`]), the starting weights ([`init`]), and the statistics of a study's table
//! ([`stats`]). Pure Rust in f64, deterministic from
//! seeds, tested natively; the page's Web Worker drives a [`live::LiveRun`] or a
//! [`Comparison`] a few steps at a time.

pub mod adam;
pub mod curve;
pub mod init;
pub mod live;
pub mod network;
pub mod stats;
pub mod study;
pub mod tasks;
pub mod trainer;

pub use adam::{Adam, Update};
pub use curve::{CurvePoint, CurveRecorder, EVAL_EVERY};
pub use init::Init;
pub use network::{GradientFlow, Network, Readout, Sequence, SequenceStats, Shape, Workspace};
pub use tasks::{Task, TaskKind, TaskSummary, DEFAULT_TEXT, TASKS};
pub use trainer::{
    compare, Comparison, ComparisonConfig, ComparisonResult, Evaluation, LengthAccuracy, RunResult, StepStats,
    TrainConfig, Trainer, TrainerOf, VariantSummary,
};
