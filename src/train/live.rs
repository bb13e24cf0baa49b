//! What the page's training panel drives: settings as they come from the page, a single run
//! that keeps its own learning curve, and exports. Pure Rust; the Web Worker calls it through
//! `web.rs`.

use super::curve::{CurvePoint, CurveRecorder, EVAL_EVERY};
use super::init::Init;
use super::network::Sequence;
use super::study::{Study, StudyVariant};
use super::tasks::{Task, TaskKind};
use super::trainer::{ComparisonConfig, Design, TrainConfig, Trainer};
use crate::cells::CellKind;
use crate::site::Activations;
use crate::json::Json;
use crate::limits::{MAX_BATCH, MAX_COMPARE_SEEDS, MAX_COMPARE_STEPS, MAX_HIDDEN, MIN_TRAINING_TEXT_CHARS};
use crate::pytorch;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A variant the page offers to compare: a label and its changes from the standard LSTM.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct VariantInfo {
    pub label: &'static str,
    /// Site name → activation name, for the sites that differ from the standard.
    #[serde(serialize_with = "pairs_as_map")]
    pub activations: &'static [(&'static str, &'static str)],
    /// Whether the cell has peepholes.
    pub peepholes: bool,
    /// The cell design, by name.
    pub cell: &'static str,
    /// The forget gate's starting bias (None: the initialisation's own).
    pub forget_bias: Option<f64>,
    /// How the cell's weights start.
    pub init: Init,
    /// Ticked when the page opens.
    pub checked: bool,
}

fn pairs_as_map<S: serde::Serializer>(pairs: &&[(&str, &str)], s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(pairs.iter().copied())
}

/// The variants the training lab offers, the first two ticked (the question of the learners'
/// thread: does removing the input gate slow learning down?).
pub const VARIANTS: [VariantInfo; 14] = [
    LSTM,
    VariantInfo { label: "input gate removed", activations: &[("input", "none")], ..LSTM },
    VariantInfo { label: "candidate sigmoid", activations: &[("candidate", "sigmoid")], checked: false, ..LSTM },
    VariantInfo { label: "candidate ReLU", activations: &[("candidate", "relu")], checked: false, ..LSTM },
    VariantInfo {
        label: "hard-sigmoid gates",
        activations: &[("forget", "hard_sigmoid"), ("input", "hard_sigmoid"), ("output", "hard_sigmoid")],
        checked: false,
        ..LSTM
    },
    VariantInfo { label: "cell output identity", activations: &[("cell_output", "identity")], checked: false, ..LSTM },
    VariantInfo { label: "LSTM + peepholes", peepholes: true, checked: false, ..LSTM },
    VariantInfo { label: "CIFG (f = 1 − i)", activations: &[("forget", "coupled")], checked: false, ..LSTM },
    VariantInfo { label: "forget bias 1", forget_bias: Some(1.0), checked: false, ..LSTM },
    VariantInfo { label: "Keras initialisation", init: Init::Keras, checked: false, ..LSTM },
    VariantInfo { label: "GRU", cell: "gru", checked: false, ..LSTM },
    VariantInfo { label: "sLSTM", cell: "slstm", checked: false, ..LSTM },
    VariantInfo { label: "minGRU", cell: "mingru", checked: false, ..LSTM },
    VariantInfo { label: "minLSTM", cell: "minlstm", checked: false, ..LSTM },
];

/// The standard LSTM, ticked: the entry the others change.
const LSTM: VariantInfo = VariantInfo {
    label: "standard",
    activations: &[],
    peepholes: false,
    cell: "lstm",
    forget_bias: None,
    init: Init::Pytorch,
    checked: true,
};

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
    /// Whether the cell has peepholes.
    #[serde(default)]
    pub peepholes: bool,
    /// The cell design (the LSTM unless named).
    #[serde(default)]
    pub cell: CellKind,
}

/// Turns site → name pairs into activations (missing sites are standard), naming the first bad one.
pub fn parse_activations(names: &BTreeMap<String, String>) -> Result<Activations, String> {
    Activations::default().with_names(names.iter().map(|(site, name)| (site.as_str(), name.as_str())))
}

impl RunSetup {
    /// Checks every number and name; the message says which one is wrong.
    pub fn validate(&self) -> Result<(TaskKind, Activations), String> {
        let kind = match TaskKind::from_name(&self.task) {
            Some(TaskKind::Text { .. }) if self.text.chars().count() < MIN_TRAINING_TEXT_CHARS => {
                return Err(format!(
                    "the text task needs at least {MIN_TRAINING_TEXT_CHARS} characters of text (a tenth is held out to test on); this text has {}",
                    self.text.chars().count()
                ))
            }
            Some(TaskKind::Text { .. }) => TaskKind::Text { text: self.text.clone() },
            Some(kind) => kind,
            None => return Err(format!("unknown task {:?}: expected {}", self.task, TaskKind::names())),
        };
        if !(1..=MAX_HIDDEN).contains(&self.hidden) {
            return Err(format!("hidden size must be 1 to {MAX_HIDDEN}"));
        }
        if !(self.learning_rate.is_finite() && self.learning_rate > 0.0 && self.learning_rate <= 1.0) {
            return Err("learning rate must be above 0 and at most 1".into());
        }
        if !(1..=MAX_BATCH).contains(&self.batch_size) {
            return Err(format!("batch size must be 1 to {MAX_BATCH}"));
        }
        Ok((kind, parse_activations(&self.activations)?))
    }

    #[must_use]
    pub fn train_config(&self) -> TrainConfig {
        TrainConfig {
            hidden: self.hidden,
            learning_rate: self.learning_rate,
            batch_size: self.batch_size,
            seed: self.seed,
            peepholes: self.peepholes,
            cell: self.cell,
            ..TrainConfig::default()
        }
    }
}

/// Where a run is.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Progress {
    pub step: usize,
    /// Mean loss and accuracy of the batches since the last report.
    pub train_loss: Option<f64>,
    pub train_accuracy: Option<f64>,
    pub heldout: Option<CurvePoint>,
    pub diverged_at: Option<usize>,
    /// Trainable parameters, the read-out's included.
    pub parameters: usize,
    /// Of which the read-out's.
    pub readout_parameters: usize,
}

/// What a trained network predicts at one step of a text.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Prediction {
    pub input: String,
    /// The most likely class, and its probability.
    pub predicted: String,
    pub probability: f64,
    /// The target by the task's rule (None where the step is not scored), and the probability
    /// the network gives it.
    pub target: Option<String>,
    pub target_probability: Option<f64>,
}

/// A single training run that records its own curve, evaluating the held-out set every
/// [`EVAL_EVERY`] steps and when it diverges.
pub struct LiveRun {
    trainer: Trainer,
    curve: CurveRecorder,
}

impl LiveRun {
    pub fn new(setup: &RunSetup) -> Result<LiveRun, String> {
        let (kind, acts) = setup.validate()?;
        let task = Task::generate(kind, setup.seed);
        let mut run =
            LiveRun { trainer: Trainer::new(task, acts, setup.train_config()), curve: CurveRecorder::default() };
        run.evaluate();
        Ok(run)
    }

    #[must_use]
    pub fn trainer(&self) -> &Trainer {
        &self.trainer
    }

    pub fn trainer_mut(&mut self) -> &mut Trainer {
        &mut self.trainer
    }

    /// Up to `steps` updates (fewer if the run diverges), with a held-out evaluation at every
    /// multiple of [`EVAL_EVERY`] and at divergence.
    pub fn train(&mut self, steps: usize) -> Progress {
        let (mut loss, mut accuracy, mut done) = (0.0, 0.0, 0usize);
        let mut heldout = None;
        for _ in 0..steps {
            let stats = self.trainer.step();
            if stats.diverged {
                heldout = Some(self.evaluate());
                break;
            }
            self.curve.add_batch(stats.loss);
            (loss, accuracy, done) = (loss + stats.loss, accuracy + stats.accuracy, done + 1);
            if stats.step.is_multiple_of(EVAL_EVERY) {
                heldout = Some(self.evaluate());
            }
        }
        #[allow(clippy::cast_precision_loss)] // step counts are far below 2^52
        let mean = |sum: f64| (done > 0).then(|| sum / done as f64);
        Progress { train_loss: mean(loss), train_accuracy: mean(accuracy), heldout, ..self.progress() }
    }

    /// Where the run is, without training.
    #[must_use]
    pub fn progress(&self) -> Progress {
        Progress {
            step: self.trainer.steps(),
            train_loss: None,
            train_accuracy: None,
            heldout: None,
            diverged_at: self.trainer.diverged_at(),
            parameters: self.trainer.parameter_count(),
            readout_parameters: self.trainer.readout_parameter_count(),
        }
    }

    /// Evaluates the held-out set now and adds a point to the curve (once per step).
    pub fn evaluate(&mut self) -> CurvePoint {
        self.trainer.record_point(&mut self.curve)
    }

    #[must_use]
    pub fn curve(&self) -> &[CurvePoint] {
        self.curve.points()
    }

    /// The typed text labelled by the task's rule, for the gradient view.
    #[must_use]
    pub fn labelled(&self, text: &str) -> Sequence {
        self.trainer.task().label(text)
    }

    /// What the network predicts over `text`, labelled by the task's rule: per step, the input,
    /// the target (if scored), the most likely class and the probabilities of both.
    pub fn predict(&mut self, text: &str) -> Vec<Prediction> {
        let sequence = self.labelled(text);
        let probabilities = self.trainer.predictions(&sequence);
        let task = self.trainer.task();
        let label = |k: usize| task.class_labels.get(k).cloned().unwrap_or_default();
        text.chars()
            .zip(probabilities)
            .zip(&sequence.targets)
            .map(|((input, p), target)| {
                let best = (0..p.len()).max_by(|&a, &b| p[a].total_cmp(&p[b])).unwrap_or(0);
                Prediction {
                    input: input.to_string(),
                    predicted: label(best),
                    probability: f64::from(p.get(best).copied().unwrap_or(f32::NAN)),
                    target: target.map(label),
                    target_probability: target.and_then(|k| p.get(k)).map(|&v| f64::from(v)),
                }
            })
            .collect()
    }

    /// The trained network as PyTorch-layout JSON: the LSTM (loadable by the page and by
    /// `nn.LSTM.load_state_dict`), the read-out as `readout.weight`/`readout.bias` (an
    /// `nn.Linear` named `readout`), and what it was trained on.
    pub fn export(&self) -> Result<Json, String> {
        let task = self.trainer.task();
        let model = self.trainer.model(format!("trained on {}", task.title)).map_err(|e| e.to_string())?;
        let mut value = pytorch::export(&model);
        let readout = self.trainer.readout();
        let rows = readout.weight.chunks(readout.hidden_size.max(1)).map(Json::floats).collect();
        // The activations of the cell's own sites.
        let acts = model.cell.spec().sites.iter().map(|&s| (s.name().to_string(), Json::String(self.trainer.activations().get(s).name())));
        #[allow(clippy::cast_precision_loss)] // step counts are far below 2^52
        let steps = self.trainer.steps() as f64;
        if let Json::Object(members) = &mut value {
            members.extend([
                ("readout.weight".to_string(), Json::Array(rows)),
                ("readout.bias".to_string(), Json::floats(&readout.bias)),
                ("activations".to_string(), Json::Object(acts.collect())),
                ("task".to_string(), Json::String(task.title.clone())),
                ("classes".to_string(), Json::strings(&task.class_labels)),
                ("steps".to_string(), Json::Number(steps)),
            ]);
        }
        Ok(value)
    }
}

/// A comparison's settings as the page sends them: the shared settings plus the variants.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct ComparisonSetup {
    #[serde(flatten)]
    pub run: RunSetup,
    /// (label, site → activation name), or (label, site → activation name, options).
    pub variants: Vec<VariantSetup>,
    pub seeds: Vec<u64>,
    pub max_steps: usize,
    pub target: f64,
    pub eval_every: usize,
}

/// One variant as the page sends it: `[label, activations]` or `[label, activations, options]`.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum VariantSetup {
    Plain(String, BTreeMap<String, String>),
    WithOptions(String, BTreeMap<String, String>, DesignOptions),
}

/// A variant's options besides its activations.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DesignOptions {
    #[serde(default)]
    pub peepholes: bool,
    #[serde(default)]
    pub cell: CellKind,
    /// The forget gate's starting bias (None: the initialisation's own).
    #[serde(default)]
    pub forget_bias: Option<f64>,
    #[serde(default)]
    pub init: Init,
}

impl ComparisonSetup {
    /// The variants and the comparison's configuration, or what is wrong.
    pub fn build(&self) -> Result<(Vec<(String, Design)>, ComparisonConfig), String> {
        let (task, _) = self.run.validate()?;
        if !(2..=6).contains(&self.variants.len()) {
            return Err(format!("pick 2 to 6 variants to compare (got {})", self.variants.len()));
        }
        if !(1..=MAX_COMPARE_SEEDS).contains(&self.seeds.len()) {
            return Err(format!("use 1 to {MAX_COMPARE_SEEDS} seeds"));
        }
        if !(1..=MAX_COMPARE_STEPS).contains(&self.max_steps) || self.eval_every == 0 {
            return Err(format!("the step budget must be 1 to {MAX_COMPARE_STEPS}"));
        }
        let variants = self
            .variants
            .iter()
            .map(|variant| {
                let (label, names, options) = match variant {
                    VariantSetup::Plain(label, names) => (label, names, DesignOptions::default()),
                    VariantSetup::WithOptions(label, names, options) => (label, names, *options),
                };
                let acts = parse_activations(names).map_err(|e| format!("{label}: {e}"))?;
                if options.forget_bias.is_some_and(|b| !b.is_finite()) {
                    return Err(format!("{label}: the forget bias must be a finite number"));
                }
                Ok((label.clone(), Design { cell: options.cell, acts, peepholes: options.peepholes, forget_bias: options.forget_bias, init: options.init }))
            })
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

    /// The comparison as a study (the page's "your comparison"): its task, variants and
    /// settings, with `seeds` seeds from the comparison's first and `max_steps` steps. A
    /// variant's activations list only the sites of its design set away from the standard.
    pub fn study(&self, seeds: usize, max_steps: usize) -> Result<Study, String> {
        let (variants, config) = self.build()?;
        let standard = Activations::default();
        let variants = variants
            .into_iter()
            .map(|(label, design)| StudyVariant {
                label,
                cell: design.cell,
                activations: design
                    .cell
                    .spec()
                    .sites
                    .iter()
                    .filter(|&&site| design.acts.get(site) != standard.get(site))
                    .map(|&site| (site.name().to_string(), design.acts.get(site).name()))
                    .collect(),
                peepholes: design.peepholes,
                forget_bias: design.forget_bias,
                init: design.init,
            })
            .collect();
        let study = Study {
            name: "custom".into(),
            title: format!("Your comparison: {}", Task::generate(config.task.clone(), config.seeds[0]).title),
            paper: String::new(),
            claim: String::new(),
            variants,
            tasks: vec![config.task],
            seeds,
            first_seed: config.seeds[0],
            hidden: config.hidden,
            batch_size: config.batch_size,
            learning_rates: vec![config.learning_rate],
            max_steps,
            target: config.target_heldout_accuracy,
            eval_every: config.eval_every,
            findings: Vec::new(),
            paper_setup: String::new(),
        };
        study.validate()?;
        Ok(study)
    }
}

#[cfg(test)]
#[allow(clippy::float_cmp)] // tests compare exactly on purpose
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
            peepholes: false,
            cell: CellKind::Lstm,
        }
    }

    /// The predictions agree with the loss path: the steps whose top class is the target are the
    /// ones the evaluation counts correct, and the top class is at least as likely as the target.
    #[test]
    fn predictions_are_the_read_outs_softmax_and_agree_with_the_evaluation() {
        let mut run = LiveRun::new(&setup("brackets")).unwrap();
        run.train(60);
        let text = "(()x)(q))";
        let predictions = run.predict(text);
        assert_eq!(predictions.len(), text.chars().count());
        let sequence = run.labelled(text);
        let evaluation = run.trainer_mut().evaluate(std::slice::from_ref(&sequence));
        let correct = predictions.iter().filter(|p| p.target.is_some() && p.target.as_ref() == Some(&p.predicted)).count();
        #[allow(clippy::cast_precision_loss)] // a handful of steps
        let expected = evaluation.accuracy * evaluation.scored as f64;
        assert!((correct as f64 - expected).abs() < 1e-9, "{correct} correct, evaluation {evaluation:?}");
        for (k, p) in predictions.iter().enumerate() {
            assert!((0.0..=1.0).contains(&p.probability), "{p:?}");
            let target = p.target_probability.unwrap();
            assert!(target <= p.probability + 1e-12, "the top class is at least as likely as the target: {p:?}");
            if p.target.as_ref() == Some(&p.predicted) {
                assert_eq!(target, p.probability);
            }
            assert_eq!(p.input, text.chars().nth(k).unwrap().to_string());
        }
        // The depth after "(()x)(q))" is 1, 2, 1, 1, 0, 1, 1, 0, 0 (it stays at 0).
        let targets: Vec<String> = predictions.iter().map(|p| p.target.clone().unwrap()).collect();
        assert_eq!(targets, ["1", "2", "1", "1", "0", "1", "1", "0", "0"]);
    }

    #[test]
    fn bad_settings_are_named() {
        assert!(LiveRun::new(&RunSetup { task: "chess".into(), ..setup("brackets") }).err().unwrap().contains("chess"));
        assert!(LiveRun::new(&RunSetup { hidden: 0, ..setup("brackets") }).err().unwrap().contains("hidden"));
        assert!(LiveRun::new(&RunSetup { learning_rate: f64::NAN, ..setup("brackets") })
            .err()
            .unwrap()
            .contains("learning rate"));
        // The text task: too short a text is refused with its length; from the minimum on,
        // every set has sequences (a shorter one used to give empty sets and do nothing).
        assert!(LiveRun::new(&setup("text")).err().unwrap().contains("at least 40 characters of text"));
        let short = RunSetup { text: "ab(".repeat(13), ..setup("text") };
        assert!(LiveRun::new(&short).err().unwrap().contains("this text has 39"));
        let enough = RunSetup { text: "ab(c".repeat(10), ..setup("text") };
        let (kind, _) = enough.validate().unwrap();
        let task = Task::generate(kind, 1);
        assert!(!task.train.is_empty() && !task.heldout.is_empty() && !task.long_test.is_empty());
        assert!(LiveRun::new(&enough).is_ok());
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
            // 50 is a multiple of the cadence, so each call ends on an evaluation.
            assert_eq!(progress.heldout.map(|p| p.step), Some(progress.step));
            run.evaluate();
        }
        let last = *run.curve().last().unwrap();
        // A point every 25 steps from 0 to 300; evaluating again at a step adds nothing.
        assert_eq!((run.curve().len(), last.step), (13, 300));
        assert!(last.heldout_loss < first.heldout_loss * 0.7, "{first:?} → {last:?}");
        assert!(last.train_loss.is_some());
        assert_eq!(run.progress().step, 300);
    }

    #[test]
    fn export_loads_back_with_the_readout_alongside() {
        let mut run = LiveRun::new(&setup("brackets")).unwrap();
        run.train(5);
        let json = run.export().unwrap();
        let text = json.to_string();
        let loaded = pytorch::load(&text, "trained.json").unwrap();
        // The read-out and the notes are named as unused, not dropped without a word.
        assert_eq!(loaded.unused_keys, ["readout.weight", "readout.bias", "activations", "classes", "steps"]);
        let model = loaded.model;
        assert_eq!(model.cell.hidden_size(), 8);
        assert_eq!(model.vocab.chars(), &['(', ')', 'x']);
        assert_eq!(json.get("readout.weight").and_then(Json::as_array).unwrap().len(), 9);
        assert_eq!(json.get("activations").and_then(|a| a.get("candidate")).and_then(Json::as_str), Some("tanh"));
        assert_eq!(json.get("activations").and_then(Json::as_object).map(<[_]>::len), Some(5));
        // The exported LSTM is the trained one: the same weights as the trainer's f32 model.
        assert_eq!(model.cell.weights(), run.trainer().model("m").unwrap().cell.weights());
        assert!(model.stack.readout.is_none());
    }

    /// A text model's read-out predicts the next character: loaded, it is the model's read-out.
    /// A recall model's scores the same characters, but as the one `delay` steps back: unused.
    #[test]
    fn a_text_models_readout_predicts_and_a_recall_models_does_not() {
        let mut text = setup("text");
        text.text = "abcabcabd".repeat(8);
        let mut run = LiveRun::new(&text).unwrap();
        run.train(3);
        let loaded = pytorch::load(&run.export().unwrap().to_string(), "text.json").unwrap();
        assert_eq!(loaded.unused_keys, ["activations", "classes", "steps"]);
        let readout = loaded.model.stack.readout.unwrap();
        assert_eq!(readout.bias, run.trainer().readout().bias);
        let mut run = LiveRun::new(&setup("recall")).unwrap();
        run.train(3);
        let loaded = pytorch::load(&run.export().unwrap().to_string(), "recall.json").unwrap();
        let task = run.trainer().task();
        assert_eq!(task.classes, loaded.model.vocab.len(), "the same count, so only the task tells them apart");
        assert!(loaded.model.stack.readout.is_none());
        assert!(loaded.unused_keys.contains(&"readout.weight".to_string()));
    }

    #[test]
    fn offered_variants_parse() {
        for v in VARIANTS {
            let acts = Activations::default().with_names(v.activations.iter().copied()).unwrap();
            let standard = acts == Activations::default() && !v.peepholes && v.cell == "lstm" && v.forget_bias.is_none() && v.init == Init::Pytorch;
            assert_eq!(standard, v.label == "standard", "{}", v.label);
            assert!(CellKind::from_name(v.cell).is_some(), "{}", v.label);
        }
    }

    #[test]
    fn comparison_setup_checks_its_variants() {
        let variants = vec![VariantSetup::Plain("standard".to_string(), BTreeMap::new())];
        let mut c = ComparisonSetup {
            run: setup("brackets"),
            variants,
            seeds: vec![1, 2, 3],
            max_steps: 100,
            target: 0.99,
            eval_every: 25,
        };
        assert!(c.build().err().unwrap().contains("2 to 6"));
        c.variants.push(VariantSetup::Plain("no input gate".into(), BTreeMap::from([("input".to_string(), "none".to_string())])));
        let (variants, config) = c.build().unwrap();
        assert_eq!(variants[1].1.acts.input, crate::Activation::Removed);
        assert_eq!((config.seeds.len(), config.max_steps), (3, 100));
        // As the page sends them: [label, activations] or [label, activations, options].
        let sent = r#"[["standard", {}], ["peepholes", {}, {"peepholes": true}], ["CIFG", {"forget": "coupled"}]]"#;
        c.variants = serde_json::from_str(sent).unwrap();
        let (variants, _) = c.build().unwrap();
        assert_eq!(variants.iter().map(|v| v.1.peepholes).collect::<Vec<_>>(), [false, true, false]);
        assert_eq!(variants[2].1.acts.forget, crate::Activation::Coupled);
        // A coupled input gate is refused, by name; so is an option the page does not know.
        c.variants = serde_json::from_str(r#"[["a", {}], ["b", {"input": "coupled"}]]"#).unwrap();
        assert!(c.build().unwrap_err().contains("coupled is only for the forget site"));
        assert!(serde_json::from_str::<Vec<VariantSetup>>(r#"[["a", {}, {"peephole": true}]]"#).is_err());
        assert!(serde_json::from_str::<Vec<VariantSetup>>(r#"[["a", {}, {"init": "xavier"}]]"#).is_err());
    }

    #[test]
    fn a_comparison_becomes_a_study_with_only_the_changed_sites() {
        let sent = r#"[["LSTM", {"input": "sigmoid", "forget": "sigmoid", "candidate": "tanh"}],
            ["tanh gates", {"input": "tanh", "forget": "tanh", "output": "tanh"}], ["GRU", {}, {"cell": "gru"}],
            ["bias 1, Keras", {}, {"forget_bias": 1.0, "init": "keras"}]]"#;
        let c = ComparisonSetup {
            run: setup("parity"),
            variants: serde_json::from_str(sent).unwrap(),
            seeds: vec![7, 8],
            max_steps: 100,
            target: 0.9,
            eval_every: 25,
        };
        let study = c.study(4, 300).unwrap();
        let tanh = || "tanh".to_string();
        assert_eq!(study.variants[0].activations, BTreeMap::new());
        assert_eq!(study.variants[1].activations, BTreeMap::from([("forget".into(), tanh()), ("input".into(), tanh()), ("output".into(), tanh())]));
        assert_eq!((study.variants[2].cell, study.variants[2].activations.len()), (CellKind::Gru, 0));
        // The forget bias and the starting scheme travel into the study.
        assert_eq!((study.variants[3].forget_bias, study.variants[3].init), (Some(1.0), Init::Keras));
        assert_eq!((study.variants[0].forget_bias, study.variants[0].init), (None, Init::Pytorch));
        assert_eq!((study.seeds, study.first_seed, study.max_steps, study.tasks.clone()), (4, 7, 300, vec![TaskKind::Parity]));
        assert_eq!(study.title, "Your comparison: parity");
        assert_eq!(c.study(0, 300).unwrap_err(), "seeds must be 1 to 20; this study asks for 0");
    }
}
