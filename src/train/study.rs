//! A study: one of the papers' experiments on gates, rerun. Variants (designs, activation
//! changes, a forget-gate bias) × tasks × learning rates × seeds, each a training run that
//! depends on nothing but its own settings and seed. So runs can be shared among workers or
//! threads in any way, and a study gives the same numbers however it was shared out.
//!
//! A study's settings are JSON (`gatelab study --file`, the page's saved studies); the
//! built-in ones are [`BUILT_IN`]. What a study found is [`StudyTable`]: per task, learning rate
//! and variant, the median and range over seeds of the steps to the target, the final held-out
//! accuracy and loss, the long test's accuracy (and, on a task measured in n, the largest n
//! recognised), and Welch's test of the final accuracy against the first variant's.

use super::init::Init;
use super::stats::{welch, Spread, Welch};
use super::tasks::{Task, TaskKind, TaskSummary, COUNTING_LIMIT};
use super::trainer::{Comparison, ComparisonConfig, Design, RunResult};
use crate::cells::CellKind;
use crate::quantity::Quantity;
use crate::trace::Trace;
use crate::limits::{MAX_BATCH, MAX_HIDDEN, MAX_STUDY_RUNS, MAX_STUDY_SEEDS, MAX_STUDY_STEPS};
use crate::site::Activations;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One variant: a design and how its training starts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StudyVariant {
    pub label: String,
    #[serde(default)]
    pub cell: CellKind,
    /// Site name → activation name; missing sites are the design's standard ones.
    #[serde(default)]
    pub activations: BTreeMap<String, String>,
    #[serde(default)]
    pub peepholes: bool,
    /// The forget gate's starting bias (None: PyTorch's random one).
    #[serde(default)]
    pub forget_bias: Option<f64>,
    /// How the cell's weights start (PyTorch's draw unless named).
    #[serde(default)]
    pub init: Init,
}

fn default_first_seed() -> u64 {
    1
}

fn default_eval_every() -> usize {
    super::curve::EVAL_EVERY
}

/// A study's settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Study {
    /// Its name in links and on the command line: `greff`.
    pub name: String,
    pub title: String,
    /// The paper, as a card cites it.
    pub paper: String,
    /// The paper's claim, in one sentence.
    pub claim: String,
    /// The first is the baseline every other is tested against.
    pub variants: Vec<StudyVariant>,
    pub tasks: Vec<TaskKind>,
    /// Runs per variant, task and rate, with seeds `first_seed`, `first_seed + 1`, …
    pub seeds: usize,
    #[serde(default = "default_first_seed")]
    pub first_seed: u64,
    pub hidden: usize,
    pub batch_size: usize,
    /// One or more (a sweep).
    pub learning_rates: Vec<f64>,
    pub max_steps: usize,
    /// Held-out accuracy that counts as learned.
    pub target: f64,
    #[serde(default = "default_eval_every")]
    pub eval_every: usize,
    /// The paper's findings, as comparisons the card checks against the runs.
    #[serde(default)]
    pub findings: Vec<Finding>,
    /// How the paper's experiment was set up, for the card's "where the two differ".
    #[serde(default)]
    pub paper_setup: String,
}

/// What a figure of a run measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    FinalAccuracy,
    LongAccuracy,
    /// On a task measured in n: the largest n of the long test recognised (0 if not its first).
    LargestN,
}

impl Measure {
    fn label(self) -> &'static str {
        match self {
            Measure::FinalAccuracy => "final held-out accuracy",
            Measure::LongAccuracy => "accuracy on longer sequences",
            Measure::LargestN => "largest n recognised",
        }
    }
}

/// How one variant compares with another.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Better,
    Worse,
    /// No significant difference.
    Same,
}

/// One finding of the paper: `variant` is `expected` against `against` (the first variant if
/// None) on `measure`, on the task named `task` (every task if None).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Finding {
    pub variant: String,
    #[serde(default)]
    pub against: Option<String>,
    #[serde(default)]
    pub task: Option<String>,
    pub measure: Measure,
    pub expected: Outcome,
}

/// A difference counts as real below this p (two-sided Welch test).
pub const SIGNIFICANCE: f64 = 0.05;

/// One run of a study: indices into its variants, tasks and rates, and the seed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Job {
    pub variant: usize,
    pub task: usize,
    pub rate: usize,
    pub seed: u64,
}

impl Study {
    /// Checks every setting; the message names the one at fault.
    pub fn validate(&self) -> Result<(), String> {
        if self.variants.is_empty() {
            return Err("the study has no variants: give at least one (the first is the baseline)".into());
        }
        if self.tasks.is_empty() {
            return Err("the study has no tasks: give at least one".into());
        }
        if !(1..=MAX_STUDY_SEEDS).contains(&self.seeds) {
            return Err(format!("seeds must be 1 to {MAX_STUDY_SEEDS}; this study asks for {}", self.seeds));
        }
        if !(1..=MAX_STUDY_STEPS).contains(&self.max_steps) {
            return Err(format!("steps must be 1 to {MAX_STUDY_STEPS}; this study asks for {}", self.max_steps));
        }
        if !(1..=MAX_HIDDEN).contains(&self.hidden) {
            return Err(format!("hidden size must be 1 to {MAX_HIDDEN}"));
        }
        if !(1..=MAX_BATCH).contains(&self.batch_size) {
            return Err(format!("batch size must be 1 to {MAX_BATCH}"));
        }
        if self.learning_rates.is_empty() {
            return Err("the study has no learning rate: give at least one".into());
        }
        if let Some(bad) = self.learning_rates.iter().find(|r| !(r.is_finite() && **r > 0.0 && **r <= 1.0)) {
            return Err(format!("learning rate {bad} is not above 0 and at most 1"));
        }
        if !(self.target.is_finite() && (0.0..=1.0).contains(&self.target)) {
            return Err(format!("the target accuracy must be 0 to 1; this study asks for {}", self.target));
        }
        if self.eval_every == 0 {
            return Err("eval_every must be at least 1".into());
        }
        for task in &self.tasks {
            if let TaskKind::Anbn { max_n, test_to } | TaskKind::Anbncn { max_n, test_to } = task {
                if !(1..COUNTING_LIMIT).contains(max_n) || !(max_n + 1..=COUNTING_LIMIT).contains(test_to) {
                    return Err(format!(
                        "{}: max_n must be 1 to {} and test_to above it, at most {COUNTING_LIMIT}; this study asks for {max_n} and {test_to}",
                        task.name(),
                        COUNTING_LIMIT - 1
                    ));
                }
            }
        }
        if let Some(v) = self.variants.iter().enumerate().find_map(|(k, v)| self.variants[..k].iter().any(|w| w.label == v.label).then_some(v)) {
            return Err(format!("two variants are labelled {:?}: each needs its own label", v.label));
        }
        for v in &self.variants {
            self.design(v)?;
            if v.forget_bias.is_some_and(|b| !b.is_finite()) {
                return Err(format!("{}: the forget bias must be a finite number", v.label));
            }
        }
        for f in &self.findings {
            if f.against.as_ref().unwrap_or(&self.variants[0].label) == &f.variant {
                return Err(format!("a finding compares {:?} with itself", f.variant));
            }
            for label in std::iter::once(&f.variant).chain(&f.against) {
                if !self.variants.iter().any(|v| &v.label == label) {
                    return Err(format!("a finding names the variant {label:?}, which the study does not have"));
                }
            }
            if let Some(task) = &f.task {
                if !self.tasks.iter().any(|t| t.name() == task) {
                    return Err(format!("a finding names the task {task:?}, which the study does not have"));
                }
            }
        }
        let runs = self.jobs().len();
        if runs > MAX_STUDY_RUNS {
            return Err(format!("the study has {runs} runs; at most {MAX_STUDY_RUNS}"));
        }
        Ok(())
    }

    /// The design a variant trains, or a message naming what is wrong with it.
    pub fn design(&self, v: &StudyVariant) -> Result<Design, String> {
        let spec = v.cell.spec();
        if let Some(site) = v.activations.keys().find(|s| !spec.sites.iter().any(|x| x.name() == s.as_str())) {
            return Err(format!("{}: {} has no {site} site", v.label, spec.a_label()));
        }
        let acts = Activations::default()
            .with_names(v.activations.iter().map(|(s, a)| (s.as_str(), a.as_str())))
            .map_err(|e| format!("{}: {e}", v.label))?;
        if v.peepholes && spec.peepholes.is_empty() {
            return Err(format!("{}: {} has no peepholes", v.label, spec.a_label()));
        }
        Ok(Design { cell: v.cell, acts, peepholes: v.peepholes, forget_bias: v.forget_bias, init: v.init })
    }

    /// Every run, task-major, then rate, then seed, then variant: a prefix of the list holds
    /// every variant of the first seeds, so a study stopped early can still compare them.
    #[must_use]
    pub fn jobs(&self) -> Vec<Job> {
        let mut jobs = Vec::new();
        for task in 0..self.tasks.len() {
            for rate in 0..self.learning_rates.len() {
                for s in 0..self.seeds as u64 {
                    for variant in 0..self.variants.len() {
                        jobs.push(Job { variant, task, rate, seed: self.first_seed + s });
                    }
                }
            }
        }
        jobs
    }

    /// The comparison settings of one task and rate.
    fn config(&self, task: usize, rate: usize, seed: u64) -> ComparisonConfig {
        ComparisonConfig {
            task: self.tasks[task].clone(),
            seeds: vec![seed],
            hidden: self.hidden,
            learning_rate: self.learning_rates[rate],
            batch_size: self.batch_size,
            max_steps: self.max_steps,
            target_heldout_accuracy: self.target,
            eval_every: self.eval_every,
            ..ComparisonConfig::default()
        }
    }

    /// Runs one job to the end (call [`Study::validate`] first). The same job gives the same
    /// result wherever it runs.
    pub fn run(&self, job: Job) -> Result<RunResult, String> {
        if job.variant >= self.variants.len() || job.task >= self.tasks.len() || job.rate >= self.learning_rates.len() {
            return Err(format!(
                "no such run: variant {}, task {}, rate {} (the study has {} variants, {} tasks, {} rates)",
                job.variant,
                job.task,
                job.rate,
                self.variants.len(),
                self.tasks.len(),
                self.learning_rates.len()
            ));
        }
        let v = &self.variants[job.variant];
        let design = self.design(v)?;
        let mut comparison = Comparison::new(vec![(v.label.clone(), design)], self.config(job.task, job.rate, job.seed));
        while !comparison.advance(1_000) {}
        let mut result = comparison.snapshot().runs.remove(0);
        if matches!(self.tasks[job.task], TaskKind::Anbn { .. }) && result.diverged_at.is_none() {
            result.counter = comparison.trainer(0, 0).and_then(counter_trace);
        }
        Ok(result)
    }

    /// The values of `measure` over the finished runs of one variant, task and rate.
    fn values(&self, results: &[(Job, RunResult)], (task, rate, variant): (usize, usize, usize), measure: Measure) -> Vec<f64> {
        results
            .iter()
            .filter(|(j, _)| j.task == task && j.rate == rate && j.variant == variant)
            .filter_map(|(_, run)| match measure {
                Measure::FinalAccuracy => run.final_heldout.map(|e| e.accuracy),
                Measure::LongAccuracy => run.long_test.map(|e| e.accuracy),
                Measure::LargestN => run.finished.then(|| largest_recognised(run).unwrap_or(0) as f64),
            })
            .collect()
    }

    /// Trainable parameters of each variant on a task (the read-out's included).
    fn parameters(&self, task: usize) -> Vec<usize> {
        let Ok(designs) = self.variants.iter().map(|v| Ok((v.label.clone(), self.design(v)?))).collect::<Result<Vec<_>, String>>() else {
            return vec![0; self.variants.len()];
        };
        Comparison::new(designs, self.config(task, 0, self.first_seed)).snapshot().variants.iter().map(|v| v.parameters).collect()
    }

    /// Each task's summary (its title and what its lengths count), each task generated once.
    fn task_summaries(&self) -> Vec<TaskSummary> {
        self.tasks.iter().map(|t| Task::generate(t.clone(), self.first_seed).summary()).collect()
    }

    /// What the runs found, per task, rate and variant (runs not in `results` are not counted).
    #[must_use]
    pub fn table(&self, results: &[(Job, RunResult)]) -> StudyTable {
        let mut groups = Vec::new();
        for ((t, task), generated) in self.tasks.iter().enumerate().zip(self.task_summaries()) {
            let measured_in_n = generated.length_label == "n";
            let parameters = self.parameters(t);
            for (r, &rate) in self.learning_rates.iter().enumerate() {
                let runs_of = |variant: usize| -> Vec<&RunResult> {
                    results.iter().filter(|(j, _)| j.task == t && j.rate == r && j.variant == variant).map(|(_, run)| run).collect()
                };
                let baseline = self.values(results, (t, r, 0), Measure::FinalAccuracy);
                let rows = self
                    .variants
                    .iter()
                    .enumerate()
                    .map(|(k, v)| {
                        let runs = runs_of(k);
                        let accuracy = self.values(results, (t, r, k), Measure::FinalAccuracy);
                        let steps: Vec<f64> = runs.iter().filter_map(|run| run.steps_to_target.map(|s| s as f64)).collect();
                        let loss: Vec<f64> = runs.iter().filter_map(|run| run.final_heldout.map(|e| e.loss)).collect();
                        #[allow(clippy::cast_precision_loss)] // step counts are far below 2^52
                        let ms_per_step: Vec<f64> = runs
                            .iter()
                            .filter(|run| run.steps > 0)
                            .filter_map(|run| run.seconds.map(|s| s * 1000.0 / run.steps as f64))
                            .collect();
                        VariantRow {
                            label: v.label.clone(),
                            parameters: parameters[k],
                            runs: runs.len(),
                            reached_target: steps.len(),
                            diverged: runs.iter().filter(|run| run.diverged_at.is_some()).count(),
                            steps_to_target: Spread::of(&steps),
                            final_accuracy: Spread::of(&accuracy),
                            final_loss: Spread::of(&loss),
                            ms_per_step: Spread::of(&ms_per_step),
                            long_accuracy: Spread::of(&self.values(results, (t, r, k), Measure::LongAccuracy)),
                            largest_n: if measured_in_n { Spread::of(&self.values(results, (t, r, k), Measure::LargestN)) } else { None },
                            against_baseline: if k == 0 { None } else { welch(&accuracy, &baseline) },
                        }
                    })
                    .collect();
                groups.push(StudyGroup { task: task.name().to_string(), task_title: generated.title.clone(), learning_rate: rate, rows });
            }
        }
        StudyTable { study: self.name.clone(), target: self.target, max_steps: self.max_steps, groups }
    }

    /// The card: the paper's claim, each of its findings beside what the runs measured (with
    /// the spread over seeds and Welch's test), and how the two setups differ. Every sentence
    /// about an outcome is made from `results`.
    #[must_use]
    pub fn card(&self, results: &[(Job, RunResult)]) -> Card {
        let index = |label: &str| self.variants.iter().position(|v| v.label == label);
        let summaries = self.task_summaries();
        let mut lines = Vec::new();
        for f in &self.findings {
            let (Some(v), Some(b)) = (index(&f.variant), f.against.as_deref().map_or(Some(0), index)) else { continue };
            for ((t, task), generated) in self.tasks.iter().enumerate().zip(&summaries) {
                if f.task.as_deref().is_some_and(|name| name != task.name()) {
                    continue;
                }
                if f.measure == Measure::LargestN && generated.length_label != "n" {
                    continue;
                }
                for (r, &rate) in self.learning_rates.iter().enumerate() {
                    let (mine, theirs) = (self.values(results, (t, r, v), f.measure), self.values(results, (t, r, b), f.measure));
                    let (measured, test, how) = compare(&mine, &theirs);
                    let spread = |x: &[f64]| Spread::of(x).map_or_else(|| "no finished run".to_string(), |s| format_spread(s, f.measure));
                    let rate_note = if self.learning_rates.len() > 1 { format!(", rate {rate}") } else { String::new() };
                    let verdict = match measured {
                        None => Verdict::Untested,
                        Some(m) if m == f.expected => Verdict::Agrees,
                        // The paper found a difference and these seeds show none: not shown, which
                        // is weaker than the opposite (more seeds may show it).
                        Some(Outcome::Same) => Verdict::NotShown,
                        Some(_) => Verdict::Differs,
                    };
                    let text = format!(
                        "{} against {} on {}{rate_note}, {}: {} against {}; {}. The paper: {}. {}",
                        self.variants[v].label,
                        self.variants[b].label,
                        generated.title,
                        f.measure.label(),
                        spread(&mine),
                        spread(&theirs),
                        how,
                        match f.expected {
                            Outcome::Better => "better",
                            Outcome::Worse => "worse",
                            Outcome::Same => "no significant difference",
                        },
                        match verdict {
                            // No difference found is consistent with "no difference", not proof of it.
                            Verdict::Agrees if f.expected == Outcome::Same => "Consistent: no difference found.",
                            Verdict::Agrees => "Agrees.",
                            Verdict::Differs => "Differs.",
                            Verdict::NotShown => "Not shown with these seeds.",
                            Verdict::Untested => "Too few finished runs to test.",
                        }
                    );
                    lines.push(CardLine {
                        variant: self.variants[v].label.clone(),
                        against: self.variants[b].label.clone(),
                        task: task.name().to_string(),
                        learning_rate: rate,
                        measure: f.measure,
                        expected: f.expected,
                        measured,
                        verdict,
                        welch: test,
                        text,
                    });
                }
            }
        }
        let count = |v: Verdict| lines.iter().filter(|l| l.verdict == v).count();
        let summary = if lines.is_empty() {
            "This study names no paper's finding to check: the table gives what was measured.".to_string()
        } else {
            let mut parts = vec![format!("{} agree", count(Verdict::Agrees)), format!("{} differ", count(Verdict::Differs))];
            let (shown, untested) = (count(Verdict::NotShown), count(Verdict::Untested));
            if shown > 0 {
                parts.push(format!("{shown} {} not shown with the seeds run", if shown == 1 { "is" } else { "are" }));
            }
            if untested > 0 {
                parts.push(format!("{untested} {} too few finished runs to test", if untested == 1 { "has" } else { "have" }));
            }
            format!(
                "Of {} comparison{} with the paper, {} (a difference counts as real at p < {SIGNIFICANCE}, Welch's t-test over seeds).",
                lines.len(),
                if lines.len() == 1 { "" } else { "s" },
                parts.join(", ")
            )
        };
        let titles: Vec<String> = summaries
            .iter()
            .map(|summary| match (summary.train_lengths, summary.long_lengths) {
                (Some((a, b)), Some((c, d))) => {
                    let label = &summary.length_label;
                    let trained = match (a == b, label.as_str()) {
                        (true, "characters") => format!("{a} characters"),
                        (true, _) => format!("{label} = {a}"),
                        (false, _) => format!("{label} {a}–{b}"),
                    };
                    format!("{}, trained on {trained} and tested on {c}–{d}", summary.title)
                }
                _ => summary.title.clone(),
            })
            .collect();
        let rates: Vec<String> = self.learning_rates.iter().map(f64::to_string).collect();
        let mut setup = format!(
            "Gate Lab trains one layer of {} units with batch {}, learning rate {}, for at most {} steps, {} seed{} per variant, on: {}.",
            self.hidden,
            self.batch_size,
            rates.join(" / "),
            self.max_steps,
            self.seeds,
            if self.seeds == 1 { "" } else { "s" },
            titles.join("; "),
        );
        if !self.paper_setup.is_empty() {
            setup += &format!(" The paper: {}", self.paper_setup);
        }
        let runs = self.jobs().len();
        Card { title: self.title.clone(), paper: self.paper.clone(), claim: self.claim.clone(), lines, summary, setup, runs_done: results.len(), runs }
    }
}

/// How `mine` compares with `theirs` (higher is better), the test, and the words for it.
fn compare(mine: &[f64], theirs: &[f64]) -> (Option<Outcome>, Option<Welch>, String) {
    if mine.len() < 2 || theirs.len() < 2 {
        return (None, None, "too few finished runs to test (two a side are needed)".into());
    }
    let direction = |d: f64| if d > 0.0 { Outcome::Better } else { Outcome::Worse };
    match welch(mine, theirs) {
        Some(w) if w.p < SIGNIFICANCE => (Some(direction(w.difference)), Some(w), format!("{} ({})", if w.difference > 0.0 { "higher" } else { "lower" }, format_p(w.p))),
        Some(w) => (Some(Outcome::Same), Some(w), format!("no significant difference ({})", format_p(w.p))),
        // No spread on either side: every seed gave the one value, on each side (compared
        // exactly: the same bits mean the same outcome).
        #[allow(clippy::float_cmp)]
        None if mine[0] == theirs[0] => (Some(Outcome::Same), None, "the same in every seed".into()),
        None => (Some(direction(mine[0] - theirs[0])), None, format!("{} in every seed", if mine[0] > theirs[0] { "higher" } else { "lower" })),
    }
}

fn format_p(p: f64) -> String {
    if p < 0.001 {
        "p < 0.001".into()
    } else {
        format!("p = {p:.3}")
    }
}

/// "0.97 [0.91–1.00]", or "1.00 (all 5)" when every seed gave the one value. Where two digits
/// would show different values as one ("1.00 [1.00–1.00]"), more are shown, up to four.
fn format_spread(s: Spread, measure: Measure) -> String {
    let same = s.min.total_cmp(&s.max).is_eq();
    let digits = if same { 2 } else { (2..=4).find(|&d| format!("{:.d$}", s.min) != format!("{:.d$}", s.max)).unwrap_or(4) };
    let f = |x: f64| if measure == Measure::LargestN { format!("{}", (x * 2.0).round() / 2.0) } else { format!("{x:.digits$}") };
    if same {
        format!("{} (all {})", f(s.median), s.count)
    } else {
        format!("{} [{}–{}]", f(s.median), f(s.min), f(s.max))
    }
}

/// How a measured outcome stands to the paper's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Agrees,
    /// The opposite difference, or a difference where the paper found none.
    Differs,
    /// The paper found a difference; these runs show none at p < 0.05.
    NotShown,
    /// Too few finished runs to test.
    Untested,
}

/// One of the paper's findings beside what the runs measured.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CardLine {
    pub variant: String,
    pub against: String,
    pub task: String,
    pub learning_rate: f64,
    pub measure: Measure,
    pub expected: Outcome,
    /// None with too few finished runs.
    pub measured: Option<Outcome>,
    pub verdict: Verdict,
    pub welch: Option<Welch>,
    /// The sentence the card shows.
    pub text: String,
}

/// A study's card.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Card {
    pub title: String,
    pub paper: String,
    pub claim: String,
    pub lines: Vec<CardLine>,
    /// How many comparisons agree and differ.
    pub summary: String,
    /// Gate Lab's setup beside the paper's.
    pub setup: String,
    pub runs_done: usize,
    pub runs: usize,
}

/// What a trained cell keeps on aⁿbⁿ's longest test string: the unit whose state follows the
/// count (a's so far minus b's) most closely, read from c where the design carries one (the
/// LSTM's counter, in Weiss et al.'s terms) and from h otherwise (the GRU's bounded state).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CounterTrace {
    pub n: usize,
    /// "c" or "h".
    pub state: String,
    pub unit: usize,
    /// Pearson's correlation of the unit's values with the count.
    pub correlation: f64,
    /// The unit's value after each symbol of ^aⁿbⁿ (2n + 1 of them).
    pub values: Vec<f64>,
}

/// The [`CounterTrace`] of a trained run, or None if its cell cannot be run (or has no unit
/// that varies).
fn counter_trace(trainer: &super::trainer::Trainer) -> Option<CounterTrace> {
    let n = trainer.task().long_test.iter().map(|s| s.length).max()?;
    let text: String = std::iter::once('^').chain(std::iter::repeat_n('a', n)).chain(std::iter::repeat_n('b', n)).collect();
    let model = trainer.model("study run").ok()?;
    let mut trace = Trace::new();
    model.run(&text, trainer.activations(), &mut trace);
    let (quantity, state) = if trace.quantities().contains(&Quantity::Cell) { (Quantity::Cell, "c") } else { (Quantity::Hidden, "h") };
    let count: Vec<f64> = text
        .chars()
        .scan(0.0, |k, ch| {
            *k += match ch {
                'a' => 1.0,
                'b' => -1.0,
                _ => 0.0,
            };
            Some(*k)
        })
        .collect();
    (0..trace.hidden())
        .filter_map(|unit| {
            let values: Vec<f64> = trace.unit_series(quantity, unit).map(f64::from).collect();
            let r = correlation(&values, &count)?;
            Some(CounterTrace { n, state: state.into(), unit, correlation: r, values })
        })
        .max_by(|a, b| a.correlation.abs().total_cmp(&b.correlation.abs()))
}

/// Pearson's correlation of two equally long series, or None if either is constant or not finite.
fn correlation(x: &[f64], y: &[f64]) -> Option<f64> {
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx) * (a - mx);
        syy += (b - my) * (b - my);
    }
    let r = sxy / (sxx * syy).sqrt();
    r.is_finite().then_some(r)
}

/// On a task measured in n (aⁿbⁿ, aⁿbⁿcⁿ): the largest n of the long test up to which every n
/// is predicted right at every scored step, or None if the first is not.
#[must_use]
pub fn largest_recognised(run: &RunResult) -> Option<usize> {
    let mut by_length: Vec<_> = run.accuracy_by_length.iter().collect();
    by_length.sort_by_key(|l| l.length);
    by_length.iter().take_while(|l| l.all_correct >= 1.0).last().map(|l| l.length)
}

/// One variant's figures over its seeds, for one task and rate.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct VariantRow {
    pub label: String,
    /// Trainable parameters, the read-out's included.
    pub parameters: usize,
    pub runs: usize,
    pub reached_target: usize,
    pub diverged: usize,
    /// Over the runs that reached the target.
    pub steps_to_target: Option<Spread>,
    pub final_accuracy: Option<Spread>,
    pub final_loss: Option<Spread>,
    /// Milliseconds per training step (a run's wall time, its evaluations included, over its
    /// steps), over the runs that were timed. Measured, so not the same twice.
    pub ms_per_step: Option<Spread>,
    pub long_accuracy: Option<Spread>,
    /// On a task measured in n only.
    pub largest_n: Option<Spread>,
    /// Welch's test of the final held-out accuracy against the first variant's (None for the
    /// first, or with fewer than two runs on a side, or no spread at all).
    pub against_baseline: Option<Welch>,
}

/// One task and rate.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StudyGroup {
    pub task: String,
    pub task_title: String,
    pub learning_rate: f64,
    pub rows: Vec<VariantRow>,
}

/// What a study found.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StudyTable {
    pub study: String,
    pub target: f64,
    pub max_steps: usize,
    pub groups: Vec<StudyGroup>,
}

impl StudyTable {
    /// The table as CSV: one row per task, rate and variant.
    #[must_use]
    pub fn csv(&self) -> String {
        let spread = |s: Option<Spread>| s.map_or_else(|| ",,".to_string(), |s| format!("{},{},{}", s.median, s.min, s.max));
        let mut out = String::from(
            "study,task,task_title,learning_rate,variant,parameters,runs,reached_target,diverged,steps_to_target_median,steps_to_target_min,steps_to_target_max,\
    final_accuracy_median,final_accuracy_min,final_accuracy_max,final_loss_median,final_loss_min,final_loss_max,\
    ms_per_step_median,ms_per_step_min,ms_per_step_max,long_accuracy_median,long_accuracy_min,long_accuracy_max,largest_n_median,largest_n_min,largest_n_max,\
    accuracy_difference_from_baseline,welch_t,welch_df,welch_p\n",
        );
        for group in &self.groups {
            for row in &group.rows {
                let welch = row.against_baseline.map_or_else(|| ",,,".to_string(), |w| format!("{},{},{},{}", w.difference, w.t, w.df, w.p));
                out += &format!(
                    "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
                    crate::report::csv_field(&self.study),
                    group.task,
                    crate::report::csv_field(&group.task_title),
                    group.learning_rate,
                    crate::report::csv_field(&row.label),
                    row.parameters,
                    row.runs,
                    row.reached_target,
                    row.diverged,
                    spread(row.steps_to_target),
                    spread(row.final_accuracy),
                    spread(row.final_loss),
                    spread(row.ms_per_step),
                    spread(row.long_accuracy),
                    spread(row.largest_n),
                    welch
                );
            }
        }
        out
    }
}

fn variant(label: &str, cell: CellKind, activations: &[(&str, &str)], peepholes: bool, forget_bias: Option<f64>) -> StudyVariant {
    StudyVariant {
        label: label.to_string(),
        cell,
        activations: activations.iter().map(|(s, a)| ((*s).to_string(), (*a).to_string())).collect(),
        peepholes,
        forget_bias,
        init: Init::Pytorch,
    }
}

fn finding(variant: &str, against: Option<&str>, task: Option<&str>, measure: Measure, expected: Outcome) -> Finding {
    Finding { variant: variant.into(), against: against.map(Into::into), task: task.map(Into::into), measure, expected }
}

/// The built-in studies, one published finding each. Their settings are sized to run in about
/// a minute on two cores; the page and `gatelab study` can change the seeds and the steps.
#[must_use]
pub fn built_in() -> Vec<Study> {
    use CellKind::{Gru, Lstm, MinGru, MinLstm, Slstm};
    use Measure::{FinalAccuracy, LargestN, LongAccuracy};
    use Outcome::{Better, Same, Worse};
    let base = |name: &str, title: &str, paper: &str, claim: &str| Study {
        name: name.into(),
        title: title.into(),
        paper: paper.into(),
        claim: claim.into(),
        variants: Vec::new(),
        tasks: Vec::new(),
        seeds: 5,
        first_seed: 1,
        hidden: 16,
        batch_size: 16,
        learning_rates: vec![0.01],
        max_steps: 2000,
        target: 0.95,
        eval_every: default_eval_every(),
        findings: Vec::new(),
        paper_setup: String::new(),
    };
    vec![
        Study {
            variants: vec![
                variant("vanilla (peepholes)", Lstm, &[], true, None),
                variant("NIG: no input gate", Lstm, &[("input", "none")], true, None),
                variant("NFG: no forget gate", Lstm, &[("forget", "none")], true, None),
                variant("NOG: no output gate", Lstm, &[("output", "none")], true, None),
                variant("NIAF: no input activation", Lstm, &[("candidate", "identity")], true, None),
                variant("NOAF: no output activation", Lstm, &[("cell_output", "identity")], true, None),
                variant("NP: no peepholes", Lstm, &[], false, None),
                variant("CIFG: f = 1 − i", Lstm, &[("forget", "coupled")], true, None),
            ],
            // Tasks where the gates matter: the adding problem, built to need an input gate that
            // shuts out unmarked digits, and a letter kept over a lag, which every variant
            // learns at the trained lags but not all keep over longer ones. (On bracket depth
            // among distractors every variant reached the same accuracy.)
            tasks: vec![TaskKind::Adding { length: super::tasks::ADDING_LENGTH }, TaskKind::Lag { lag: 20 }],
            // Each finding on each task's telling measure: held-out accuracy on the adding
            // problem, accuracy over longer lags on the lag task.
            findings: [
                ("NFG: no forget gate", Worse),
                ("NOAF: no output activation", Worse),
                ("CIFG: f = 1 − i", Same),
                ("NP: no peepholes", Same),
            ]
            .into_iter()
            .flat_map(|(v, expected)| {
                [finding(v, None, Some("adding"), FinalAccuracy, expected), finding(v, None, Some("lag"), LongAccuracy, expected)]
            })
            .collect(),
            paper_setup: "each variant was tuned by 200 trials of random hyperparameter search on each of three real datasets \
                (TIMIT speech, IAM Online handwriting, JSB Chorales music), with larger networks trained far longer; NIG, NOG \
                and NIAF hurt on two of the three, so no one finding stands for them."
                .into(),
            ..base(
                "greff",
                "Which LSTM gates matter?",
                "Greff et al. 2017, \"LSTM: A Search Space Odyssey\"",
                "Removing the forget gate (NFG) or the output activation (NOAF) hurts significantly on all three of the paper's datasets; coupling the gates (CIFG) or dropping the peepholes (NP) does not; NIG, NOG and NIAF hurt on speech and handwriting but not on music.",
            )
        },
        Study {
            variants: vec![variant("LSTM", Lstm, &[], false, None), variant("GRU", Gru, &[], false, None)],
            // Trained on n ≤ N = 30 and tested up to 10N, as the paper's setup suggests.
            tasks: vec![TaskKind::Anbn { max_n: 30, test_to: 300 }, TaskKind::Anbncn { max_n: 30, test_to: 300 }],
            max_steps: 3000,
            target: 0.99,
            findings: vec![finding("GRU", None, None, LargestN, Worse), finding("GRU", None, None, LongAccuracy, Worse)],
            paper_setup: "the networks were trained on larger n and tested far beyond it, and the authors read the counting \
                unit's value directly."
                .into(),
            ..base(
                "weiss",
                "Can an LSTM count, and a GRU?",
                "Weiss, Goldberg & Yahav 2018, \"On the Practical Computational Power of Finite Precision RNNs\"",
                "The LSTM can count and the GRU cannot: the GRU's update is a convex mix that keeps h in (−1, 1), so it recognises aⁿbⁿ and aⁿbⁿcⁿ only up to the n it was trained on.",
            )
        },
        Study {
            variants: vec![
                variant("LSTM, forget bias 0", Lstm, &[], false, Some(0.0)),
                variant("LSTM, forget bias 1", Lstm, &[], false, Some(1.0)),
                variant("GRU", Gru, &[], false, None),
            ],
            tasks: vec![TaskKind::Lag { lag: 20 }, TaskKind::Lag { lag: 50 }, TaskKind::Lag { lag: 100 }],
            findings: vec![
                finding("LSTM, forget bias 1", None, None, FinalAccuracy, Better),
                finding("LSTM, forget bias 1", Some("GRU"), None, FinalAccuracy, Same),
            ],
            paper_setup: "thousands of architectures with random hyperparameters were searched on arithmetic, XML \
                modelling, Penn Treebank and music, and each compared at its best setting."
                .into(),
            ..base(
                "jozefowicz",
                "Does a forget-gate bias of 1 close the gap to the GRU?",
                "Jozefowicz, Zaremba & Sutskever 2015, \"An Empirical Exploration of Recurrent Network Architectures\"",
                "Starting the LSTM's forget-gate bias at 1 rather than 0 closes most of its gap to the GRU on long-range tasks.",
            )
        },
        Study {
            variants: vec![
                variant("LSTM", Lstm, &[], false, None),
                variant("sLSTM", Slstm, &[], false, None),
                variant("minGRU", MinGru, &[], false, None),
                variant("minLSTM", MinLstm, &[], false, None),
            ],
            tasks: vec![TaskKind::Largest, TaskKind::Parity],
            findings: vec![
                finding("sLSTM", None, Some("largest"), FinalAccuracy, Better),
                finding("minGRU", None, Some("parity"), LongAccuracy, Worse),
                finding("minLSTM", None, Some("parity"), LongAccuracy, Worse),
            ],
            paper_setup: "stacked xLSTM blocks (sLSTM and mLSTM layers with normalisation and projections), many times \
                larger, were trained on formal-language tasks such as parity and tested on longer sequences."
                .into(),
            ..base(
                "xlstm",
                "Revising a stored value, and tracking state",
                "Beck et al. 2024, \"xLSTM: Extended Long Short-Term Memory\"",
                "The sLSTM's exponential gate revises a stored value better than the LSTM's, and cells whose gates see only x (minGRU, minLSTM) fail at state tracking such as parity.",
            )
        },
        Study {
            variants: vec![
                variant("LSTM", Lstm, &[], false, None),
                variant("GRU", Gru, &[], false, None),
                variant("minLSTM", MinLstm, &[], false, None),
                variant("minGRU", MinGru, &[], false, None),
            ],
            tasks: vec![TaskKind::Brackets, TaskKind::Recall { delay: super::tasks::RECALL_DELAY }],
            findings: vec![
                finding("minLSTM", None, None, FinalAccuracy, Same),
                finding("minGRU", Some("GRU"), None, FinalAccuracy, Same),
            ],
            paper_setup: "minGRU and minLSTM were stacked in several layers, with normalisation, and trained with a \
                parallel scan on selective copying, reinforcement learning and language modelling."
                .into(),
            ..base(
                "feng",
                "Were RNNs all we needed?",
                "Feng et al. 2024, \"Were RNNs All We Needed?\"",
                "minGRU and minLSTM, whose gates see only x, use fewer parameters and match the GRU and LSTM on the paper's tasks.",
            )
        },
    ]
}

#[cfg(test)]
#[allow(clippy::float_cmp)] // results are compared exactly: the same job gives the same bits
mod tests {
    use super::*;

    fn tiny(mut study: Study) -> Study {
        study.seeds = 2;
        study.max_steps = 6;
        study.eval_every = 3;
        study.hidden = 4;
        study
    }

    #[test]
    fn the_built_in_studies_are_valid() {
        let studies = built_in();
        assert_eq!(studies.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), ["greff", "weiss", "jozefowicz", "xlstm", "feng"]);
        for s in &studies {
            assert_eq!(s.validate(), Ok(()), "{}", s.name);
            // Settings round-trip through JSON, as a saved study does.
            let json = serde_json::to_string(s).unwrap();
            assert_eq!(&serde_json::from_str::<Study>(&json).unwrap(), s);
        }
    }

    #[test]
    fn bad_settings_are_named() {
        let good = tiny(built_in().remove(1));
        let with = |f: &dyn Fn(&mut Study)| {
            let mut s = good.clone();
            f(&mut s);
            s.validate().unwrap_err()
        };
        assert_eq!(with(&|s| s.seeds = 0), "seeds must be 1 to 20; this study asks for 0");
        assert_eq!(with(&|s| s.max_steps = 1_000_000_000), "steps must be 1 to 20000; this study asks for 1000000000");
        assert_eq!(with(&|s| s.variants.clear()), "the study has no variants: give at least one (the first is the baseline)");
        assert_eq!(with(&|s| s.learning_rates = vec![0.0]), "learning rate 0 is not above 0 and at most 1");
        assert_eq!(with(&|s| s.variants[1].activations.insert("forget".into(), "tanh".into()).map_or((), |_| ())), "GRU: a GRU has no forget site");
        assert_eq!(with(&|s| s.variants[1].peepholes = true), "GRU: a GRU has no peepholes");
        assert_eq!(
            with(&|s| s.findings[0].against = Some("RNN".into())),
            "a finding names the variant \"RNN\", which the study does not have"
        );
        assert_eq!(with(&|s| s.findings[0].task = Some("parity".into())), "a finding names the task \"parity\", which the study does not have");
        assert_eq!(with(&|s| s.findings[0].against = Some("GRU".into())), "a finding compares \"GRU\" with itself");
        assert_eq!(with(&|s| s.variants[1].label = "LSTM".into()), "two variants are labelled \"LSTM\": each needs its own label");
        assert_eq!(
            with(&|s| s.tasks[0] = TaskKind::Anbn { max_n: 30, test_to: 5000 }),
            "anbn: max_n must be 1 to 999 and test_to above it, at most 1000; this study asks for 30 and 5000"
        );
        let unknown = serde_json::from_str::<Study>(r#"{"name":"x","title":"x","paper":"x","claim":"x","variants":[],"tasks":[],"seeds":1,"hidden":4,"batch_size":4,"learning_rates":[0.01],"max_steps":5,"target":0.9,"colour":"red"}"#);
        assert!(unknown.unwrap_err().to_string().contains("unknown field `colour`"));
    }

    #[test]
    fn jobs_cover_every_run_once_with_every_variant_of_a_seed_together() {
        let study = tiny(built_in().remove(0));
        let jobs = study.jobs();
        assert_eq!(jobs.len(), 8 * 2 * 2);
        let variants = study.variants.len();
        for chunk in jobs.chunks(variants) {
            assert!(chunk.iter().enumerate().all(|(k, j)| j.variant == k && j.seed == chunk[0].seed && j.task == chunk[0].task));
        }
        let mut seen = jobs.clone();
        seen.sort_by_key(|j| (j.task, j.rate, j.seed, j.variant));
        seen.dedup();
        assert_eq!(seen.len(), jobs.len());
    }

    /// A job's result depends on the job alone: run in another order (as another worker would),
    /// it gives the same bits, and so the same table.
    #[test]
    fn a_study_gives_the_same_numbers_however_its_runs_are_shared_out() {
        let study = tiny(built_in().remove(2));
        let jobs = study.jobs();
        let forward: Vec<(Job, RunResult)> = jobs.iter().map(|&j| (j, study.run(j).unwrap())).collect();
        let mut backward: Vec<(Job, RunResult)> = jobs.iter().rev().map(|&j| (j, study.run(j).unwrap())).collect();
        backward.reverse();
        assert_eq!(forward, backward);
        let table = study.table(&forward);
        assert_eq!(table.groups.len(), 3);
        for group in &table.groups {
            assert_eq!(group.rows.len(), 3);
            assert!(group.rows.iter().all(|r| r.runs == 2 && r.final_accuracy.is_some_and(|s| s.count == 2)));
            assert!(group.rows[0].against_baseline.is_none());
        }
        assert!(study.run(Job { variant: 3, ..jobs[0] }).unwrap_err().starts_with("no such run: variant 3"));
        // The two forget biases start from different weights, so their runs differ.
        assert_ne!(forward[0].1.curve, forward[1].1.curve);
    }

    /// The card's verdicts from made-up runs: the table test's accuracies (baseline 0.9, 0.8,
    /// 0.7; the other 0.5, 0.6, 0.4: lower, p between 0.02 and 0.05), and runs with no spread.
    #[test]
    fn the_card_says_what_was_measured_and_whether_it_agrees() {
        let mut study = tiny(built_in().remove(1));
        study.tasks.truncate(1);
        study.seeds = 3;
        let with = |accuracies: [[f64; 3]; 2], expected: Outcome, seeds: u64| {
            let mut study = study.clone();
            study.findings = vec![finding("GRU", None, None, Measure::FinalAccuracy, expected)];
            let results: Vec<(Job, RunResult)> = study
                .jobs()
                .into_iter()
                .filter(|j| j.seed <= seeds)
                .map(|j| (j, result(accuracies[j.variant][usize::try_from(j.seed - 1).unwrap()], None)))
                .collect();
            study.card(&results)
        };
        let lower = [[0.9, 0.8, 0.7], [0.5, 0.6, 0.4]];
        let card = with(lower, Outcome::Worse, 3);
        let line = &card.lines[0];
        assert_eq!((line.measured, line.verdict), (Some(Outcome::Worse), Verdict::Agrees));
        assert!(line.text.starts_with("GRU against LSTM on aⁿbⁿ"), "{}", line.text);
        assert!(line.text.contains(": 0.50 [0.40–0.60] against 0.80 [0.70–0.90]; lower (p = 0.0"), "{}", line.text);
        assert!(line.text.ends_with("The paper: worse. Agrees."), "{}", line.text);
        assert!(card.summary.starts_with("Of 1 comparison with the paper, 1 agree, 0 differ (a difference"), "{}", card.summary);
        assert_eq!((card.runs_done, card.runs), (6, 6));
        // The same runs against a paper that found no difference.
        let card = with(lower, Outcome::Same, 3);
        assert_eq!(card.lines[0].verdict, Verdict::Differs);
        assert!(card.lines[0].text.ends_with("The paper: no significant difference. Differs."));
        // And what no difference is, where the paper found none: consistent, not proof.
        let card = with([[0.9, 0.8, 0.7], [0.85, 0.75, 0.8]], Outcome::Same, 3);
        assert_eq!(card.lines[0].verdict, Verdict::Agrees);
        assert!(card.lines[0].text.ends_with("The paper: no significant difference. Consistent: no difference found."), "{}", card.lines[0].text);
        // No spread on either side: every seed agrees, so no test is needed.
        let card = with([[1.0; 3], [1.0; 3]], Outcome::Worse, 3);
        assert_eq!((card.lines[0].measured, card.lines[0].verdict), (Some(Outcome::Same), Verdict::NotShown));
        assert!(card.lines[0].text.ends_with("The paper: worse. Not shown with these seeds."), "{}", card.lines[0].text);
        assert!(card.summary.starts_with("Of 1 comparison with the paper, 0 agree, 0 differ, 1 is not shown with the seeds run"), "{}", card.summary);
        assert!(card.lines[0].text.contains("1.00 (all 3) against 1.00 (all 3); the same in every seed"), "{}", card.lines[0].text);
        let card = with([[1.0; 3], [0.5; 3]], Outcome::Worse, 3);
        assert_eq!((card.lines[0].measured, card.lines[0].verdict), (Some(Outcome::Worse), Verdict::Agrees));
        // One seed a side cannot be tested.
        let card = with(lower, Outcome::Worse, 1);
        assert_eq!((card.lines[0].measured, card.lines[0].verdict), (None, Verdict::Untested));
        assert!(card.lines[0].text.ends_with("Too few finished runs to test."), "{}", card.lines[0].text);
        assert!(card.summary.contains("1 has too few finished runs to test"), "{}", card.summary);
        assert!(card.setup.starts_with("Gate Lab trains one layer of 4 units with batch 16"), "{}", card.setup);
    }

    /// The setup names each task's trained and tested lengths, one length once.
    #[test]
    fn the_setup_names_each_tasks_lengths() {
        let greff = built_in().remove(0);
        let setup = greff.card(&[]).setup;
        assert!(setup.contains("the adding problem (T = 20), trained on 20 characters and tested on"), "{setup}");
        assert!(setup.contains("keep a letter over a lag (up to 20), trained on lag 10–20 and tested on"), "{setup}");
    }

    /// Pearson's r worked by hand: x = 1, 2, 3 and y = 2, 4, 7 have means 2 and 13/3,
    /// Σ dx·dy = 5, Σ dx² = 2, Σ dy² = 114/9, so r = 5 / √(228/9) = 0.993399.
    #[test]
    fn a_run_on_anbn_keeps_the_unit_that_follows_the_count() {
        assert!((correlation(&[1.0, 2.0, 3.0], &[2.0, 4.0, 7.0]).unwrap() - 0.993_399).abs() < 1e-6);
        assert_eq!(correlation(&[1.0, 1.0], &[1.0, 2.0]), None);
        let mut study = tiny(built_in().remove(1));
        study.tasks = vec![TaskKind::Anbn { max_n: 3, test_to: 8 }, TaskKind::Anbncn { max_n: 3, test_to: 8 }];
        let job = Job { variant: 0, task: 0, rate: 0, seed: 1 };
        let lstm = study.run(job).unwrap().counter.expect("the LSTM's counting unit");
        // ^ a⁸ b⁸: 17 symbols; the count after each is 0, 1, …, 8, 7, …, 0.
        assert_eq!((lstm.n, lstm.values.len(), lstm.state.as_str()), (8, 17, "c"));
        let count: Vec<f64> = (0..=8).chain((0..8).rev()).map(f64::from).collect();
        assert_eq!(correlation(&lstm.values, &count), Some(lstm.correlation));
        assert_eq!(study.run(Job { variant: 1, ..job }).unwrap().counter.expect("the GRU's").state, "h");
        assert!(study.run(Job { task: 1, ..job }).unwrap().counter.is_none());
    }

    fn result(accuracy: f64, steps_to_target: Option<usize>) -> RunResult {
        RunResult {
            variant: String::new(),
            seed: 0,
            steps: 10,
            curve: Vec::new(),
            steps_to_target,
            diverged_at: None,
            finished: true,
            final_heldout: Some(super::super::trainer::Evaluation { loss: 1.0 - accuracy, accuracy, scored: 10 }),
            long_test: None,
            accuracy_by_length: Vec::new(),
            counter: None,
            seconds: None,
        }
    }

    #[test]
    fn a_spread_shows_enough_digits_to_tell_its_ends_apart() {
        let spread = |median, min, max| format_spread(Spread { median, min, max, count: 5 }, Measure::FinalAccuracy);
        assert_eq!(spread(0.97, 0.912, 1.0), "0.97 [0.91–1.00]");
        assert_eq!(spread(1.0, 0.9987, 1.0), "1.000 [0.999–1.000]");
        assert_eq!(spread(1.0, 0.99996, 1.0), "1.0000 [1.0000–1.0000]");
        assert_eq!(spread(1.0, 1.0, 1.0), "1.00 (all 5)");
        assert_eq!(format_spread(Spread { median: 35.0, min: 34.0, max: 36.0, count: 5 }, Measure::LargestN), "35 [34–36]");
    }

    /// The table's figures from made-up runs, worked by hand: baseline accuracies 0.9, 0.8, 0.7,
    /// the other variant 0.5, 0.6, 0.4 (means 0.8 and 0.5, variances 0.01 each):
    /// t = 0.3 / √(0.02/3) = 3.674 on 4 degrees of freedom.
    #[test]
    fn the_table_reports_spreads_and_the_test_against_the_baseline() {
        let mut study = tiny(built_in().remove(1));
        study.tasks.truncate(1);
        study.seeds = 3;
        let accuracies = [[0.9, 0.8, 0.7], [0.5, 0.6, 0.4]];
        let steps = [[Some(300), Some(100), None], [None, None, Some(900)]];
        let results: Vec<(Job, RunResult)> = study
            .jobs()
            .into_iter()
            .map(|j| {
                let s = usize::try_from(j.seed - 1).unwrap();
                let mut run = result(accuracies[j.variant][s], steps[j.variant][s]);
                // The baseline's runs took 0.1, 0.2 and 0.3 s for their 10 steps: 10, 20 and
                // 30 ms a step. The other variant's were not timed.
                if j.variant == 0 {
                    run.seconds = Some([0.1, 0.2, 0.3][s]);
                }
                (j, run)
            })
            .collect();
        let table = study.table(&results);
        let [base, other] = &table.groups[0].rows[..] else { panic!() };
        assert_eq!((base.reached_target, base.steps_to_target.unwrap().median), (2, 200.0));
        assert_eq!((other.reached_target, other.steps_to_target.unwrap().median), (1, 900.0));
        let ms = base.ms_per_step.unwrap();
        assert!((ms.median - 20.0).abs() < 1e-9 && (ms.min - 10.0).abs() < 1e-9 && (ms.max - 30.0).abs() < 1e-9, "{ms:?}");
        assert_eq!(other.ms_per_step, None);
        let a = other.final_accuracy.unwrap();
        assert_eq!((a.median, a.min, a.max), (0.5, 0.4, 0.6));
        let w = other.against_baseline.unwrap();
        assert!((w.difference + 0.3).abs() < 1e-12 && (w.t + 3.674).abs() < 1e-3 && (w.df - 4.0).abs() < 1e-9, "{w:?}");
        // Two-sided p on 4 degrees of freedom: between the table's 5% (2.776) and 2% (3.747) points.
        assert!(w.p > 0.02 && w.p < 0.05, "{}", w.p);
    }
}
