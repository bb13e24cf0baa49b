//! What the page's training panel drives: settings as they come from the page, a single run
//! that keeps its own learning curve, and exports. Pure Rust; the Web Worker calls it through
//! `web.rs`.

use super::network::Sequence;
use super::tasks::{Task, TaskKind};
use super::trainer::{ComparisonConfig, TrainConfig, Trainer};
use crate::activation::{Activation, Activations, Site};
use crate::pytorch;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Largest hidden size the page trains (a bigger one would not train live).
pub const MAX_TRAIN_HIDDEN: usize = 64;

/// Training settings as the page sends them.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct RunSetup {
    /// brackets, anbn, recall or text.
    pub task: String,
    /// The text for the "text" task.
    #[serde(default)]
    pub text: String,
    pub hidden: usize,
    pub learning_rate: f64,
    pub batch_size: usize,
    pub seed: u64,
    /// Site name → activation name; missing sites are standard.
    #[serde(default)]
    pub activations: BTreeMap<String, String>,
}

/// Turns site → name pairs into activations, naming the first bad one.
pub fn parse_activations(names: &BTreeMap<String, String>) -> Result<Activations, String> {
    let mut acts = Activations::default();
    for (site, name) in names {
        let site = Site::from_name(site).ok_or_else(|| format!("unknown site {site:?}"))?;
        let act: Activation = name.parse().map_err(|e: crate::activation::UnknownActivation| e.to_string())?;
        acts.set(site, act);
    }
    Ok(acts)
}

impl RunSetup {
    /// Checks every number and name; the message says which one is wrong.
    pub fn validate(&self) -> Result<(TaskKind, Activations), String> {
        let kind = match TaskKind::from_name(&self.task) {
            Some(TaskKind::Text { .. }) if self.text.chars().count() < 2 => {
                return Err("the text task needs at least two characters of text to learn from".into())
            }
            Some(TaskKind::Text { .. }) => TaskKind::Text { text: self.text.clone() },
            Some(kind) => kind,
            None => return Err(format!("unknown task {:?}: expected brackets, anbn, recall or text", self.task)),
        };
        if !(1..=MAX_TRAIN_HIDDEN).contains(&self.hidden) {
            return Err(format!("hidden size must be 1 to {MAX_TRAIN_HIDDEN}"));
        }
        if !(self.learning_rate.is_finite() && self.learning_rate > 0.0 && self.learning_rate <= 1.0) {
            return Err("learning rate must be above 0 and at most 1".into());
        }
        if !(1..=256).contains(&self.batch_size) {
            return Err("batch size must be 1 to 256".into());
        }
        Ok((kind, parse_activations(&self.activations)?))
    }

    pub fn train_config(&self) -> TrainConfig {
        TrainConfig {
            hidden: self.hidden,
            learning_rate: self.learning_rate,
            batch_size: self.batch_size,
            seed: self.seed,
            ..TrainConfig::default()
        }
    }
}

/// One point of a learning curve, in the shape the chart reads.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct LivePoint {
    pub step: usize,
    /// Held-out loss and accuracy.
    pub loss: f64,
    pub accuracy: f64,
    /// Mean training-batch loss since the previous point.
    pub train_loss: Option<f64>,
}

/// Where a run is.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Progress {
    pub step: usize,
    /// Mean loss and accuracy of the batches since the last report.
    pub train_loss: Option<f64>,
    pub train_accuracy: Option<f64>,
    pub heldout: Option<LivePoint>,
    pub diverged_at: Option<usize>,
    pub parameters: usize,
}

/// A single training run that records its own curve.
pub struct LiveRun {
    trainer: Trainer,
    curve: Vec<LivePoint>,
    /// Batch loss, accuracy and count since the last held-out evaluation.
    pending: (f64, f64, usize),
}

impl LiveRun {
    pub fn new(setup: &RunSetup) -> Result<LiveRun, String> {
        let (kind, acts) = setup.validate()?;
        let task = Task::generate(kind, setup.seed);
        let mut run = LiveRun {
            trainer: Trainer::new(task, acts, setup.train_config()),
            curve: Vec::new(),
            pending: (0.0, 0.0, 0),
        };
        run.evaluate();
        Ok(run)
    }

    pub fn trainer(&self) -> &Trainer {
        &self.trainer
    }

    pub fn trainer_mut(&mut self) -> &mut Trainer {
        &mut self.trainer
    }

    /// Up to `steps` updates (fewer if the run diverges).
    pub fn train(&mut self, steps: usize) -> Progress {
        let (mut loss, mut accuracy, mut n) = (0.0, 0.0, 0usize);
        for _ in 0..steps {
            let stats = self.trainer.step();
            if stats.diverged {
                break;
            }
            loss += stats.loss;
            accuracy += stats.accuracy;
            n += 1;
        }
        self.pending = (self.pending.0 + loss, self.pending.1 + accuracy, self.pending.2 + n);
        Progress {
            step: self.trainer.steps(),
            train_loss: (n > 0).then(|| loss / n as f64),
            train_accuracy: (n > 0).then(|| accuracy / n as f64),
            heldout: None,
            diverged_at: self.trainer.diverged_at(),
            parameters: self.trainer.parameter_count(),
        }
    }

    /// Evaluates the held-out set now and adds a point to the curve.
    pub fn evaluate(&mut self) -> LivePoint {
        let heldout = self.trainer.task().heldout.clone();
        let eval = self.trainer.evaluate(&heldout);
        let (loss, _, n) = self.pending;
        let point = LivePoint {
            step: self.trainer.steps(),
            loss: eval.loss,
            accuracy: eval.accuracy,
            train_loss: (n > 0).then(|| loss / n as f64),
        };
        self.pending = (0.0, 0.0, 0);
        if self.curve.last().map(|p| p.step) == Some(point.step) {
            self.curve.pop();
        }
        self.curve.push(point);
        point
    }

    pub fn curve(&self) -> &[LivePoint] {
        &self.curve
    }

    /// The typed text labelled by the task's rule, for the gradient view.
    pub fn labelled(&self, text: &str) -> Sequence {
        self.trainer.task().label(text)
    }

    /// The trained network as PyTorch-layout JSON: the LSTM (loadable by the page and by
    /// `nn.LSTM.load_state_dict`), the read-out as `readout.weight`/`readout.bias` (an
    /// `nn.Linear` named `readout`), and what it was trained on.
    pub fn export(&self) -> Result<Value, String> {
        let task = self.trainer.task();
        let model = self.trainer.model(format!("trained on {}", task.title)).map_err(|e| e.to_string())?;
        let mut value = pytorch::export(&model);
        let readout = self.trainer.readout();
        let rows: Vec<&[f32]> = readout.weight.chunks(readout.hidden_size.max(1)).collect();
        let acts = self.trainer.activations();
        let names: BTreeMap<&str, String> = Site::ALL.iter().map(|&s| (s.name(), acts.get(s).name())).collect();
        if let Value::Object(map) = &mut value {
            map.insert("readout.weight".into(), json!(rows));
            map.insert("readout.bias".into(), json!(readout.bias));
            map.insert("activations".into(), json!(names));
            map.insert("task".into(), json!(task.title));
            map.insert("classes".into(), json!(task.class_labels));
            map.insert("steps".into(), json!(self.trainer.steps()));
        }
        Ok(value)
    }
}

/// A comparison's settings as the page sends them: the shared settings plus the variants.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct ComparisonSetup {
    #[serde(flatten)]
    pub run: RunSetup,
    /// (label, site → activation name).
    pub variants: Vec<(String, BTreeMap<String, String>)>,
    pub seeds: Vec<u64>,
    pub max_steps: usize,
    pub target: f64,
    pub eval_every: usize,
}

impl ComparisonSetup {
    /// The variants and the comparison's configuration, or what is wrong.
    pub fn build(&self) -> Result<(Vec<(String, Activations)>, ComparisonConfig), String> {
        let (task, _) = self.run.validate()?;
        if !(2..=6).contains(&self.variants.len()) {
            return Err(format!("pick 2 to 6 variants to compare (got {})", self.variants.len()));
        }
        if !(1..=10).contains(&self.seeds.len()) {
            return Err("use 1 to 10 seeds".into());
        }
        if !(1..=100_000).contains(&self.max_steps) || self.eval_every == 0 {
            return Err("the step budget must be 1 to 100,000".into());
        }
        let variants = self
            .variants
            .iter()
            .map(|(label, names)| Ok((label.clone(), parse_activations(names).map_err(|e| format!("{label}: {e}"))?)))
            .collect::<Result<Vec<_>, String>>()?;
        let config = ComparisonConfig {
            task,
            seeds: self.seeds.clone(),
            hidden: self.run.hidden,
            learning_rate: self.run.learning_rate,
            batch_size: self.run.batch_size,
            max_steps: self.max_steps,
            target_heldout_accuracy: self.target.clamp(0.0, 1.0),
            eval_every: self.eval_every,
            ..ComparisonConfig::default()
        };
        Ok((variants, config))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup(task: &str) -> RunSetup {
        RunSetup {
            task: task.into(),
            text: String::new(),
            hidden: 8,
            learning_rate: 0.02,
            batch_size: 8,
            seed: 1,
            activations: BTreeMap::new(),
        }
    }

    #[test]
    fn bad_settings_are_named() {
        assert!(LiveRun::new(&RunSetup { task: "chess".into(), ..setup("brackets") }).err().unwrap().contains("chess"));
        assert!(LiveRun::new(&RunSetup { hidden: 0, ..setup("brackets") }).err().unwrap().contains("hidden"));
        assert!(LiveRun::new(&RunSetup { learning_rate: f64::NAN, ..setup("brackets") })
            .err()
            .unwrap()
            .contains("learning rate"));
        assert!(LiveRun::new(&setup("text")).err().unwrap().contains("two characters"));
        let mut bad = setup("brackets");
        bad.activations.insert("forget".into(), "swish".into());
        assert!(LiveRun::new(&bad).err().unwrap().contains("swish"));
    }

    #[test]
    fn a_run_records_its_curve_and_learns() {
        let mut run = LiveRun::new(&setup("brackets")).unwrap();
        let first = run.curve()[0];
        assert_eq!(first.step, 0);
        for _ in 0..6 {
            let progress = run.train(50);
            assert!(progress.train_loss.unwrap().is_finite());
            run.evaluate();
        }
        let last = *run.curve().last().unwrap();
        assert_eq!((run.curve().len(), last.step), (7, 300));
        assert!(last.loss < first.loss * 0.7, "{first:?} → {last:?}");
        assert!(last.train_loss.is_some());
    }

    #[test]
    fn export_loads_back_with_the_readout_alongside() {
        let mut run = LiveRun::new(&setup("brackets")).unwrap();
        run.train(5);
        let json = run.export().unwrap();
        let text = json.to_string();
        let model = pytorch::load(&text, "trained.json").unwrap();
        assert_eq!(model.lstm.hidden_size(), 8);
        assert_eq!(model.vocab.chars(), &['(', ')', 'x']);
        assert_eq!(json["readout.weight"].as_array().unwrap().len(), 9);
        assert_eq!(json["activations"]["candidate"], "tanh");
        // The exported LSTM is the trained one: the same weights as the trainer's f32 model.
        assert_eq!(model.lstm.weights(), run.trainer().model("m").unwrap().lstm.weights());
    }

    #[test]
    fn comparison_setup_checks_its_variants() {
        let variants = vec![("standard".to_string(), BTreeMap::new())];
        let mut c = ComparisonSetup {
            run: setup("brackets"),
            variants,
            seeds: vec![1, 2, 3],
            max_steps: 100,
            target: 0.99,
            eval_every: 25,
        };
        assert!(c.build().err().unwrap().contains("2 to 6"));
        c.variants.push(("no input gate".into(), BTreeMap::from([("input".to_string(), "none".to_string())])));
        let (variants, config) = c.build().unwrap();
        assert_eq!(variants[1].1.input, Activation::None);
        assert_eq!((config.seeds.len(), config.max_steps), (3, 100));
    }
}
