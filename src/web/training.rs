//! The training lab's side of the boundary: the handles the Web Worker drives (`--features
//! trainer`: the worker's module) and the two training charts (`--features charts`: the module
//! the training view loads to draw them).

use wasm_bindgen::prelude::*;
#[cfg(feature = "charts")]
use {super::canvas::draw_chart, super::look, crate::render::training, web_sys::HtmlCanvasElement};

fn from_js<T: serde::de::DeserializeOwned>(value: JsValue, what: &str) -> Result<T, JsError> {
    serde_wasm_bindgen::from_value(value).map_err(|e| JsError::new(&format!("{what}: {e}")))
}

#[cfg(feature = "charts")]
/// Draws learning curves from `{series: [{label, runs: [[curve points]]}], max_step, target}`.
#[wasm_bindgen]
pub fn draw_learning_curves(canvas: &HtmlCanvasElement, data: JsValue, px: f64) -> Result<(), JsError> {
    let set: training::CurveSet = from_js(data, "curve data")?;
    draw_chart(canvas, |area| training::draw_learning_curves(area, &set, look(px)))
}

#[cfg(feature = "charts")]
/// Draws the counting chart from `{panels: [{title, values}], turn}`.
#[wasm_bindgen]
pub fn draw_counter_traces(canvas: &HtmlCanvasElement, data: JsValue, px: f64) -> Result<(), JsError> {
    let chart: training::CounterChart = from_js(data, "counting chart data")?;
    draw_chart(canvas, |area| training::draw_counter_traces(area, &chart, look(px)))
}

#[cfg(feature = "charts")]
/// Draws the gradient's size through time from `{cell, hidden, title}`.
#[wasm_bindgen]
pub fn draw_gradient_flow(canvas: &HtmlCanvasElement, data: JsValue, px: f64) -> Result<(), JsError> {
    let chart: training::GradientChart = from_js(data, "gradient data")?;
    draw_chart(canvas, |area| training::draw_gradient_flow(area, &chart, look(px)))
}

/// The handles live in their own module, compiled only into the worker's wasm.
#[cfg(feature = "trainer")]
mod handles {
    use super::super::to_js;
    use super::from_js;
    use crate::train::live::{ComparisonSetup, LiveRun, RunSetup};
    use crate::train::study::{self, Job, Study};
    use crate::train::{Comparison, RunResult, Trainer};
    use crate::Activations;
    use wasm_bindgen::prelude::*;

    /// A training run, driven a few steps at a time from the page's Web Worker.
    #[wasm_bindgen]
    pub struct TrainingRun {
        run: LiveRun,
    }

    #[wasm_bindgen]
    impl TrainingRun {
        /// Settings: `{task, text, hidden, learning_rate, batch_size, seed, activations}`.
        #[wasm_bindgen(constructor)]
        pub fn new(setup: JsValue) -> Result<TrainingRun, JsError> {
            let setup: RunSetup = from_js(setup, "training settings")?;
            Ok(TrainingRun { run: LiveRun::new(&setup).map_err(|e| JsError::new(&e))? })
        }

        /// Up to `steps` updates, evaluating on the curve's cadence; returns where the run is.
        pub fn train(&mut self, steps: usize) -> Result<JsValue, JsError> {
            to_js(&self.run.train(steps))
        }

        /// Where the run is, without training.
        pub fn progress(&self) -> Result<JsValue, JsError> {
            to_js(&self.run.progress())
        }

        /// Evaluates the held-out set and adds a point to the learning curve.
        pub fn evaluate(&mut self) -> Result<JsValue, JsError> {
            to_js(&self.run.evaluate())
        }

        /// The learning curve so far.
        pub fn curve(&self) -> Result<JsValue, JsError> {
            to_js(&self.run.curve())
        }

        /// The task: its vocabulary, classes and sets.
        pub fn task(&self) -> Result<JsValue, JsError> {
            to_js(&self.run.trainer().task().summary())
        }

        /// The trained network as PyTorch-layout JSON (loadable by the page and by PyTorch).
        pub fn export_weights(&self) -> Result<String, JsError> {
            Ok(self.run.export().map_err(|e| JsError::new(&e))?.to_string())
        }

        /// What the network predicts at each step of `text` (at most `max_steps` of them): the
        /// input, the target by the task's rule, the most likely class and both probabilities.
        pub fn predict(&mut self, text: &str) -> Result<JsValue, JsError> {
            to_js(&self.run.predict(text))
        }

        /// ‖∂L/∂c_t‖ and ‖∂L/∂h_t‖ over `text`, labelled by the task's rule.
        pub fn gradient_flow(&mut self, text: &str) -> Result<JsValue, JsError> {
            let sequence = self.run.labelled(text);
            to_js(&self.run.trainer_mut().gradient_through_time(&sequence))
        }
    }

    /// Several variants × seeds trained on the same data, advanced a budget of steps at a time.
    #[wasm_bindgen]
    pub struct ComparisonRun {
        comparison: Comparison,
    }

    #[wasm_bindgen]
    impl ComparisonRun {
        /// Settings: the training settings plus `{variants: [[label, activations]], seeds,
        /// max_steps, target, eval_every}`.
        #[wasm_bindgen(constructor)]
        pub fn new(setup: JsValue) -> Result<ComparisonRun, JsError> {
            let setup: ComparisonSetup = from_js(setup, "comparison settings")?;
            let (variants, config) = setup.build().map_err(|e| JsError::new(&e))?;
            Ok(ComparisonRun { comparison: Comparison::new(variants, config) })
        }

        /// Trains up to `budget` steps in all; true when every run has finished.
        pub fn advance(&mut self, budget: usize) -> bool {
            self.comparison.advance(budget)
        }

        /// Curves, steps to target, final and long-test accuracy of every run so far.
        pub fn snapshot(&self) -> Result<JsValue, JsError> {
            to_js(&self.comparison.snapshot())
        }
    }

    /// The built-in studies' settings.
    #[wasm_bindgen]
    pub fn built_in_studies() -> Result<JsValue, JsError> {
        to_js(&study::built_in())
    }

    /// A study's settings as the module reads them, checked: the page compares them with what
    /// it was given, to name any key the study does not have (serde-wasm-bindgen reads only the
    /// keys it knows, and serde_json's reader would add ~30 KB gzipped to this module).
    #[wasm_bindgen]
    pub fn read_study(settings: JsValue) -> Result<JsValue, JsError> {
        let study: Study = from_js(settings, "study settings")?;
        study.validate().map_err(|e| JsError::new(&e))?;
        to_js(&study)
    }

    /// A study's runs, in the order to hand them out, or a message naming the bad setting.
    #[wasm_bindgen]
    pub fn study_jobs(settings: JsValue) -> Result<JsValue, JsError> {
        let study: Study = from_js(settings, "study settings")?;
        study.validate().map_err(|e| JsError::new(&e))?;
        to_js(&study.jobs())
    }

    /// One run of a study, to the end: the same numbers `gatelab study` gives for it.
    #[wasm_bindgen]
    pub fn run_study_job(settings: JsValue, job: JsValue) -> Result<JsValue, JsError> {
        let study: Study = from_js(settings, "study settings")?;
        study.validate().map_err(|e| JsError::new(&e))?;
        let job: Job = from_js(job, "study run")?;
        to_js(&study.run(job).map_err(|e| JsError::new(&e))?)
    }

    /// The comparison set up in the training lab, as a study with `seeds` seeds and `steps`
    /// steps per run, or a message naming the bad setting.
    #[wasm_bindgen]
    pub fn custom_study(setup: JsValue, seeds: usize, steps: usize) -> Result<JsValue, JsError> {
        let setup: ComparisonSetup = from_js(setup, "comparison settings")?;
        to_js(&setup.study(seeds, steps).map_err(|e| JsError::new(&e))?)
    }

    /// A finished run, as the page keeps it.
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct FinishedRun {
        job: Job,
        result: RunResult,
    }

    /// What a study's finished runs found: {table, card, csv}, as `gatelab study` reports them.
    #[wasm_bindgen]
    pub fn study_report(settings: JsValue, runs: JsValue) -> Result<JsValue, JsError> {
        let study: Study = from_js(settings, "study settings")?;
        study.validate().map_err(|e| JsError::new(&e))?;
        let runs: Vec<FinishedRun> = from_js(runs, "study runs")?;
        let results: Vec<(Job, RunResult)> = runs.into_iter().map(|r| (r.job, r.result)).collect();
        #[derive(serde::Serialize)]
        struct Report {
            csv: String,
            table: study::StudyTable,
            card: study::Card,
        }
        let table = study.table(&results);
        to_js(&Report { csv: table.csv(), card: study.card(&results), table })
    }

    /// The training benchmark's work (see `Trainer::benchmark`), stepped from JS, which times it.
    #[wasm_bindgen]
    pub struct TrainingBenchmark {
        trainer: Trainer,
    }

    #[wasm_bindgen]
    impl TrainingBenchmark {
        #[wasm_bindgen(constructor)]
        pub fn new(hidden: usize, symbols: usize, length: usize, batch: usize) -> TrainingBenchmark {
            TrainingBenchmark { trainer: Trainer::benchmark(Activations::default(), hidden, symbols, length, batch) }
        }

        /// `steps` training steps; returns the last batch loss (so the work cannot be skipped).
        pub fn steps(&mut self, steps: usize) -> f64 {
            (0..steps).map(|_| self.trainer.step().loss).last().unwrap_or(f64::NAN)
        }
    }
}
