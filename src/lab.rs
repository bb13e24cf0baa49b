//! The page's state without the page: a model, its five activations, the typed text and the
//! trace, with the plain data each view needs computed from them. Captions, colours and layout
//! are the renderers' business (`render/`); `web/` only wraps this.

use crate::activation::Activation;
use crate::site::Activations;
use crate::calculator;
use crate::limits::{MAX_STEPS, TRACE_SLICE_WORK};
use crate::kernel::State;
use crate::cells::{slstm, CellKind};
use crate::model::{LayerRuns, Model};
use crate::recurrent::Recurrent;
use crate::presets::Preset;
use crate::site::{NamedActivations, Site, SiteInfo, SitesOf};
use crate::quantity::Quantity;
use crate::trace::Trace;
use crate::vocab::Symbol;
use serde::Serialize;
use std::collections::BTreeMap;

/// Saturation thresholds: a gate value below LOW is "shut", above HIGH is "open".
pub const LOW: f64 = 0.05;
pub const HIGH: f64 = 0.95;

pub struct Lab {
    model: Model,
    acts: Activations,
    text: String,
    total_chars: usize,
    chars: Vec<char>,
    run: Run,
    /// With fixed scales, the same model over the same text under the standard activations:
    /// its ranges are a reference that does not move when a site is swapped. None when off.
    reference: Option<Run>,
}

/// A run of the model over the text, computed a slice at a time (see [`TRACE_SLICE_WORK`]):
/// `target` is what it runs over, `trace` the steps done so far and `state` h and c after them.
/// An edit keeps the steps before it, so typing at the end runs only the new steps.
#[derive(Default)]
struct Run {
    trace: Trace<f32>,
    state: State<f32>,
    target: Vec<Symbol>,
    /// The model's other layers, run to the same step.
    layers: LayerRuns,
}

impl Run {
    /// Aims the run at `symbols`. With `keep` (the same model and activations as the steps
    /// already run), those that `symbols` starts with are kept; otherwise it starts over.
    /// Nothing is computed until [`Run::advance`].
    fn aim(&mut self, model: &Model, symbols: &[Symbol], keep: bool) {
        if keep {
            model.cell.rewind(symbols, &mut self.trace, &mut self.state);
        } else {
            model.cell.restart(&mut self.trace, &mut self.state);
        }
        self.layers.rewind(model, self.trace.steps());
        self.target.clear();
        self.target.extend_from_slice(symbols);
    }

    /// Runs one slice more toward the target (see [`slice_steps`]); true once it is reached.
    fn advance(&mut self, model: &Model, acts: &Activations) -> bool {
        let width = model.all_layers().map(Recurrent::hidden_size).max().unwrap_or(1);
        let steps = slice_steps(width, model.layers(), self.target.len() - self.trace.steps());
        let end = self.trace.steps().saturating_add(steps).min(self.target.len());
        if end > self.trace.steps() {
            self.layers.extend(model, &self.target[..end], acts, &mut self.trace, &mut self.state);
        }
        self.complete()
    }

    fn complete(&self) -> bool {
        self.trace.steps() == self.target.len()
    }
}

/// How many steps of `layers` layers of `hidden`-unit cells to run next when `remaining` are
/// left: all of them when that is at most [`TRACE_SLICE_WORK`] (every preset, any text), else a
/// slice a quarter that size, so that a large model's first paint and keystrokes stay quick.
fn slice_steps(hidden: usize, layers: usize, remaining: usize) -> usize {
    let per_step = 4 * hidden.max(1) * (hidden + 8) * layers.max(1);
    if remaining.saturating_mul(per_step) <= TRACE_SLICE_WORK {
        remaining
    } else {
        (TRACE_SLICE_WORK / 4 / per_step).max(1)
    }
}

/// Everything small the page shows about the current run.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct Summary {
    pub model: String,
    /// The steps the run covers once complete (the text's first MAX_STEPS characters).
    pub steps: usize,
    /// The steps computed so far: all of them, except for a large model just after a change.
    pub computed: usize,
    pub total_chars: usize,
    pub truncated: bool,
    pub max_steps: usize,
    pub hidden: usize,
    pub input_size: usize,
    pub vocab: String,
    pub other_count: usize,
    pub parameters: usize,
    /// The cell design's name (its entry in the catalog's `cells`).
    pub cell: &'static str,
    /// Its weight blocks, and how many are live (a gate set to "none" has none).
    pub blocks: usize,
    pub live_blocks: usize,
    /// Parameters per live block: H(I + H + 2), or H(I + 1) for a design without W_hh.
    pub per_block: usize,
    /// That count as a formula in H and I: "H(I + H + 2)".
    pub block_formula: &'static str,
    /// Whether the cell has peepholes (H diagonal weights each, for the gates that keep their
    /// own weights: `live_peepholes` of them).
    pub peepholes: bool,
    pub live_peepholes: usize,
    /// The cell's sites' activations.
    pub activations: NamedActivations,
    pub nonfinite: BTreeMap<&'static str, usize>,
    pub nonfinite_total: usize,
    pub saturation: Vec<Saturation>,
    /// Finite min and max of each traced quantity (absent when it has no finite value).
    pub ranges: BTreeMap<&'static str, (f64, f64)>,
    /// The model's layers, and the one on show (0 is the bottom: it reads the symbols; layer k
    /// reads the h of layer k − 1, and `input_size` is that layer's H).
    pub layers: usize,
    pub layer: usize,
    /// Every layer's parameters under the activations, plus the read-out's (`parameters` is
    /// the layer on show's).
    pub model_parameters: usize,
    /// The width of the `nn.Embedding` folded into layer 0's W_ih, if the file had one.
    pub embedding: Option<usize>,
    /// Whether the model has a read-out (then each step's detail has its predictions).
    pub readout: bool,
    /// On the counter: the largest |c − bracket depth| over the run (how far the cell drifts
    /// from an exact counter). None on other models.
    pub depth_drift: Option<f64>,
}

/// How much of a gate's output sits at its ends.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct Saturation {
    pub quantity: &'static str,
    pub label: &'static str,
    pub activation: String,
    /// The two ends counted: (0.05, 0.95) for [0, 1] gates, (−0.95, 0.95) for signed ones.
    pub low_threshold: f64,
    pub high_threshold: f64,
    pub low: f64,
    pub high: f64,
}

/// One unit at one timestep.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct UnitStep {
    pub unit: usize,
    pub values: BTreeMap<&'static str, f32>,
}

/// The inspector's data for one timestep.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct StepDetail {
    pub t: usize,
    pub char: String,
    pub symbol: Option<usize>,
    pub other: bool,
    pub units: Vec<UnitStep>,
    /// What the read-out predicts after this step, for a model with one.
    pub predictions: Option<Predictions>,
}

/// Karpathy et al.'s saturation plot for one gate: each unit's share of steps below `left`
/// and above `right` (0.1 and 0.9 for a gate in [0, 1]; −0.9 and 0.9 for a signed one).
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct GateScatter {
    pub quantity: &'static str,
    pub label: &'static str,
    pub activation: String,
    pub left: f64,
    pub right: f64,
    /// (share left-saturated, share right-saturated), one per unit.
    pub units: Vec<(f64, f64)>,
}

/// The thresholds of the saturation scatter (Karpathy, Johnson & Fei-Fei 2015 use 0.1 and 0.9).
pub const SCATTER_LEFT: f64 = 0.1;
pub const SCATTER_RIGHT: f64 = 0.9;

/// How well one unit follows a span of the text (see [`Lab::rank_units`]).
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct UnitMatch {
    pub unit: usize,
    /// (mean inside − mean outside) / (largest − smallest over the run), from −1 to 1.
    pub score: f64,
    /// The unit's mean inside the span and outside it.
    pub inside: f64,
    pub outside: f64,
}

/// How many of the likeliest next characters a step shows.
pub const TOP_PREDICTIONS: usize = 5;

/// A model's guesses at the next character after one step.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct Predictions {
    /// The likeliest, most probable first.
    pub top: Vec<Guess>,
    /// The character that came next (None at the text's end), with its probability.
    pub next: Option<Guess>,
    /// False when h was not finite at this step (an activation overflowed): no guesses.
    pub finite: bool,
}

/// A character and the probability the read-out gave it (None for one outside the vocab).
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct Guess {
    pub char: String,
    pub probability: Option<f64>,
}

impl Default for Lab {
    fn default() -> Self {
        Lab::new(Preset::Counter.build())
    }
}

impl Lab {
    #[must_use]
    pub fn new(model: Model) -> Self {
        let mut lab = Lab {
            model,
            acts: Activations::default(),
            text: String::new(),
            total_chars: 0,
            chars: Vec::new(),
            run: Run::default(),
            reference: None,
        };
        lab.rerun(false);
        lab
    }

    /// Swaps in a new model, keeping the text and the activations.
    pub fn set_model(&mut self, model: Model) {
        self.model = model;
        self.rerun(false);
    }

    /// Puts layer `k` of the model on show (0 is the bottom; past the top, the top): every view
    /// follows, and the activations stay as they are (they apply to every layer).
    pub fn show_layer(&mut self, k: usize) {
        if k.min(self.model.layers() - 1) != self.model.layer() {
            self.model.show_layer(k);
            self.rerun(false);
        }
    }

    /// Computes one more slice of the run (and of the fixed scales' reference); true once both
    /// are complete. A change computes its first slice itself.
    pub fn advance(&mut self) -> bool {
        if !self.run.advance(&self.model, &self.acts) {
            return false;
        }
        self.reference.as_mut().is_none_or(|r| r.advance(&self.model, &Activations::default()))
    }

    /// Computes the rest of the run now.
    pub fn finish(&mut self) {
        while !self.advance() {}
    }

    /// Whether every step of the run is computed.
    #[must_use]
    pub fn complete(&self) -> bool {
        self.run.complete() && self.reference.as_ref().is_none_or(Run::complete)
    }

    /// Fixed scales keep every legend's range across activation swaps (for before/after
    /// comparisons by colour); off, each legend fits what the current run reached.
    pub fn set_fixed_scales(&mut self, fixed: bool) {
        self.reference = None;
        if fixed {
            let mut reference = Run::default();
            reference.aim(&self.model, &self.symbols(), false);
            self.reference = Some(reference);
            self.advance();
        }
    }

    #[must_use]
    pub fn fixed_scales(&self) -> bool {
        self.reference.is_some()
    }

    /// The reference range of `q` when scales are fixed.
    #[must_use]
    pub fn reference_range(&self, q: Quantity) -> Option<(f64, f64)> {
        self.reference.as_ref().and_then(|r| r.trace.finite_range(q))
    }

    fn symbols(&self) -> Vec<Symbol> {
        self.chars.iter().map(|&c| self.model.vocab.symbol(c)).collect()
    }

    #[must_use]
    pub fn model(&self) -> &Model {
        &self.model
    }

    #[must_use]
    pub fn activations(&self) -> &Activations {
        &self.acts
    }

    /// Changes one site's activation and re-runs with the same weights.
    pub fn set_activation(&mut self, site: Site, activation: Activation) {
        self.acts.set(site, activation);
        let symbols = self.symbols();
        self.run.aim(&self.model, &symbols, false);
        self.advance();
    }

    pub fn set_text(&mut self, text: &str) {
        self.text.clear();
        self.text.push_str(text);
        self.total_chars = text.chars().count();
        self.chars.clear();
        self.chars.extend(text.chars().take(MAX_STEPS));
        // The steps before the first changed character are kept: typing at the end runs only the new ones.
        self.rerun(true);
    }

    #[must_use]
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The characters that were run (at most MAX_STEPS).
    #[must_use]
    pub fn chars(&self) -> &[char] {
        &self.chars
    }

    #[must_use]
    pub fn trace(&self) -> &Trace<f32> {
        &self.run.trace
    }

    /// Aims the run, and the reference of fixed scales, at the text and computes a first slice.
    /// `keep`: the model and activations are unchanged, so the steps before an edit are kept.
    fn rerun(&mut self, keep: bool) {
        let symbols = self.symbols();
        self.run.aim(&self.model, &symbols, keep);
        if let Some(reference) = &mut self.reference {
            reference.aim(&self.model, &symbols, keep);
        }
        self.advance();
    }

    /// The range of values a quantity can take under the current activations: a site's
    /// output range, o·act(c) for h, and unbounded for the rest.
    #[must_use]
    pub fn possible_range(&self, q: Quantity) -> (f64, f64) {
        let spec = self.model.cell.spec();
        if spec.name == slstm::SPEC.name {
            return match q {
                // Stabilised, both gates are e to a power ≤ 0.
                Quantity::Input | Quantity::Forget => (0.0, 1.0),
                // c / norm is an average of the candidates written, weighted by i and f.
                Quantity::Hidden => product_range(self.acts.output.range(), self.acts.candidate.range()),
                _ => (f64::NEG_INFINITY, f64::INFINITY),
            };
        }
        if q == Quantity::Forget && spec.has_site(Site::Forget) && self.acts.forget == Activation::Coupled {
            // f = 1 − i.
            let (low, high) = self.acts.input.range();
            return (1.0 - high, 1.0 - low);
        }
        if let Some(site) = spec.site_producing(q) {
            return self.acts.get(site).range();
        }
        if matches!(self.model.cell.kind(), CellKind::MinGru | CellKind::MinLstm) {
            // h mixes h_prev and h̃ with weights in [0, 1] while the gates are never negative
            // (minGRU: 1 − z and z, z ≤ 1; minLSTM: f/(f + i) and i/(f + i)): within h̃'s range and 0.
            let gates = if self.model.cell.kind() == CellKind::MinGru { vec![self.acts.update] } else { vec![self.acts.forget, self.acts.input] };
            let mixing = gates.iter().all(|a| a.range().0 >= 0.0 && (a.range().1 <= 1.0 || self.model.cell.kind() == CellKind::MinLstm));
            let (lo, hi) = self.acts.hidden_candidate.range();
            return match q {
                Quantity::ForgetShare | Quantity::InputShare if mixing => (0.0, 1.0),
                Quantity::Hidden if mixing => (lo.min(0.0), hi.max(0.0)),
                _ => (f64::NEG_INFINITY, f64::INFINITY),
            };
        }
        if q == Quantity::Hidden && self.model.cell.kind() == CellKind::Gru {
            // h′ = (1 − z)·n + z·h, from h = 0: within n's range and 0 while z stays in [0, 1].
            let (z_lo, z_hi) = self.acts.update.range();
            let (n_lo, n_hi) = self.acts.new.range();
            return if z_lo >= 0.0 && z_hi <= 1.0 { (n_lo.min(0.0), n_hi.max(0.0)) } else { (f64::NEG_INFINITY, f64::INFINITY) };
        }
        if q == Quantity::Hidden && self.model.cell.kind() == CellKind::Lstm {
            return product_range(self.acts.output.range(), self.acts.cell_output.range());
        }
        // A design without a rule here gets a scale from its values.
        (f64::NEG_INFINITY, f64::INFINITY)
    }

    #[must_use]
    pub fn summary(&self) -> Summary {
        let trace = &self.run.trace;
        let lstm = &self.model.cell;
        let spec = lstm.spec();
        let mut nonfinite = BTreeMap::new();
        let mut ranges = BTreeMap::new();
        for q in trace.quantities() {
            nonfinite.insert(q.name(), trace.nonfinite(q));
            if let Some(r) = trace.finite_range(q) {
                ranges.insert(q.name(), r);
            }
        }
        // The share of a gate's values below `lo` and above `hi`, over the whole run.
        let counted = |info: &SiteInfo, activation: String, (lo, hi): (f64, f64)| {
            let (low, high) = trace.saturation(info.output, lo, hi);
            Saturation { quantity: info.output.name(), label: info.caption, activation, low_threshold: lo, high_threshold: hi, low, high }
        };
        let saturation = spec
            .sites
            .iter()
            .map(|site| {
                // Gates that can go negative are asked the tanh question: how much sits near ±1.
                let act = self.acts.get(*site);
                counted(site.info(), act.name(), if act.range().0 < 0.0 { (-HIGH, HIGH) } else { (LOW, HIGH) })
            })
            // A gate whose function is fixed (the sLSTM's stabilised exponentials, in (0, 1])
            // is counted too, named by its function.
            .chain(spec.blocks.iter().filter(|b| !spec.has_site(b.site)).map(|block| {
                let info = block.site.info();
                let function = spec.equations.iter().find(|e| e.result == info.output).map_or(block.symbol, |e| e.text);
                counted(info, function.split_once(" = ").map_or(function, |(_, right)| right).to_string(), (LOW, HIGH))
            }))
            .collect();
        Summary {
            model: self.model.name.clone(),
            steps: self.run.target.len(),
            computed: trace.steps(),
            total_chars: self.total_chars,
            truncated: self.total_chars > self.chars.len(),
            max_steps: MAX_STEPS,
            hidden: lstm.hidden_size(),
            input_size: lstm.input_size(),
            vocab: self.model.vocab.chars().iter().collect(),
            other_count: self.run.target.iter().filter(|s| s.is_none()).count(),
            parameters: self.model.parameter_count(&self.acts),
            cell: spec.name,
            blocks: spec.blocks.len(),
            live_blocks: spec.live_blocks(&self.acts),
            per_block: spec.parameters_per_block(lstm.input_size(), lstm.hidden_size()),
            block_formula: spec.block_formula(),
            peepholes: lstm.has_peepholes(),
            live_peepholes: if lstm.has_peepholes() { spec.live_peepholes(&self.acts) } else { 0 },
            activations: SitesOf { acts: &self.acts, sites: spec.sites }.named(),
            nonfinite,
            nonfinite_total: trace.nonfinite_total(),
            saturation,
            ranges,
            model_parameters: self.model.all_layers().map(|l| l.spec().parameter_count(l.input_size(), l.hidden_size(), &self.acts, l.has_peepholes())).sum::<usize>()
                + self.model.stack.readout.as_ref().map_or(0, |r| r.weight.len() + r.bias.len()),
            layers: self.model.layers(),
            layer: self.model.layer(),
            embedding: self.model.stack.embedding,
            readout: self.model.stack.readout.is_some(),
            depth_drift: self.bracket_depth().map(|depth| {
                let cell = trace.values(Quantity::Cell);
                depth.iter().zip(cell).map(|(d, &c)| (f64::from(c) - d).abs()).fold(0.0, f64::max)
            }),
        }
    }

    /// Every traced value of one timestep, per unit (None past the end).
    #[must_use]
    pub fn step_detail(&self, t: usize) -> Option<StepDetail> {
        let trace = &self.run.trace;
        if t >= trace.steps() {
            return None;
        }
        let symbol = trace.symbols()[t];
        let quantities = trace.quantities();
        let products = self.model.cell.spec().products;
        let units = (0..trace.hidden())
            .map(|u| {
                let mut values: BTreeMap<&'static str, f32> =
                    quantities.iter().map(|&q| (q.name(), trace.at(q, t)[u])).collect();
                // The products the diagram labels (f ⊙ c_prev, ...), in f32 as the cell computed them.
                for product in products {
                    values.insert(product.name, product.value(|q| trace.at(q, t)[u]));
                }
                // h_{t−1}, which fed this step (0 at the start), so a view needs no second call.
                values.insert("h_prev", t.checked_sub(1).map_or(0.0, |p| trace.at(Quantity::Hidden, p)[u]));
                UnitStep { unit: u, values }
            })
            .collect();
        let predictions = self.next_probabilities(t).map(|p| self.predictions(t, &p));
        Some(StepDetail { t, char: self.chars[t].to_string(), symbol, other: symbol.is_none(), units, predictions })
    }

    /// The saturation scatter of the layer on show: for each of its sigmoid gates (the design's
    /// sites whose standard activation is the sigmoid), each unit's share of steps below 0.1 and
    /// above 0.9 (for a gate swapped to a signed activation, below −0.9 and above 0.9). Shares
    /// are of all steps; a NaN counts at neither end.
    #[must_use]
    pub fn saturation_scatter(&self) -> Vec<GateScatter> {
        let trace = &self.run.trace;
        let steps = trace.steps();
        self.model
            .cell
            .spec()
            .sites
            .iter()
            .filter(|site| site.info().standard == Activation::Sigmoid)
            .map(|&site| {
                let info = site.info();
                let act = self.acts.get(site);
                let (left, right) = if act.range().0 < 0.0 { (-SCATTER_RIGHT, SCATTER_RIGHT) } else { (SCATTER_LEFT, SCATTER_RIGHT) };
                #[allow(clippy::cast_precision_loss)] // step counts are far below 2^52
                let share = |n: usize| if steps == 0 { 0.0 } else { n as f64 / steps as f64 };
                let units = (0..trace.hidden())
                    .map(|unit| {
                        let (mut low, mut high) = (0, 0);
                        for v in trace.unit_series(info.output, unit).map(f64::from) {
                            low += usize::from(v < left);
                            high += usize::from(v > right);
                        }
                        (share(low), share(high))
                    })
                    .collect();
                GateScatter { quantity: info.output.name(), label: info.caption, activation: act.name(), left, right, units }
            })
            .collect()
    }

    /// LSTMVis's hypothesis search: the `count` units whose `q` is most high inside steps
    /// `start..end` and low outside them, best first. A unit's score is its mean inside minus
    /// its mean outside, over its range across the run (so 1 is "at its top exactly inside,
    /// at its bottom everywhere else"); non-finite values are left out; a unit that never
    /// changes scores 0.
    pub fn rank_units(&self, q: Quantity, start: usize, end: usize, count: usize) -> Result<Vec<UnitMatch>, String> {
        let trace = &self.run.trace;
        let steps = trace.steps();
        if !trace.quantities().contains(&q) {
            return Err(format!("{} is not a quantity of {}", q.name(), self.model.cell.spec().a_label()));
        }
        if start >= end || end > steps {
            return Err(format!("pick a span of steps within 0 to {steps}: {start} to {end} is not one"));
        }
        if end - start == steps {
            return Err("the span is the whole text: leave some steps outside it to compare with".into());
        }
        let hidden = trace.hidden();
        let mut matches: Vec<UnitMatch> = (0..hidden)
            .map(|unit| {
                let (mut sums, mut counts) = ([0.0_f64; 2], [0_u32; 2]);
                let (mut low, mut high) = (f64::INFINITY, f64::NEG_INFINITY);
                for (t, v) in trace.unit_series(q, unit).enumerate() {
                    let v = f64::from(v);
                    if !v.is_finite() {
                        continue;
                    }
                    let side = usize::from(!(start..end).contains(&t));
                    sums[side] += v;
                    counts[side] += 1;
                    low = low.min(v);
                    high = high.max(v);
                }
                let mean = |k: usize| if counts[k] == 0 { 0.0 } else { sums[k] / f64::from(counts[k]) };
                let (inside, outside) = (mean(0), mean(1));
                let range = high - low;
                let score = if range > 0.0 && counts[0] > 0 && counts[1] > 0 { (inside - outside) / range } else { 0.0 };
                UnitMatch { unit, score, inside, outside }
            })
            .collect();
        // Best first; ties by unit number.
        matches.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.unit.cmp(&b.unit)));
        matches.truncate(count);
        Ok(matches)
    }

    /// The read-out's softmax after step `t`: the probability of each of the vocab's characters
    /// coming next. None without a read-out, or before step `t` is computed.
    #[must_use]
    pub fn next_probabilities(&self, t: usize) -> Option<Vec<f64>> {
        let readout = self.model.stack.readout.as_ref()?;
        if t >= self.run.trace.steps() {
            return None;
        }
        let h = if self.model.stack.above.is_empty() { self.run.trace.at(Quantity::Hidden, t) } else { self.run.layers.top_hidden(t)? };
        Some(readout.probabilities(h))
    }

    /// The character after step `t` in the whole text (past the steps run, too), if any.
    fn next_char(&self, t: usize) -> Option<char> {
        match self.chars.get(t + 1) {
            Some(&c) => Some(c),
            // The run stopped at MAX_STEPS; the text goes on.
            None if t + 1 == self.chars.len() && self.total_chars > self.chars.len() => self.text.chars().nth(t + 1),
            None => None,
        }
    }

    /// The five likeliest next characters after step `t`, and the one that came.
    fn predictions(&self, t: usize, probabilities: &[f64]) -> Predictions {
        let vocab = self.model.vocab.chars();
        // h overflowed (under a swapped activation): the scores are not numbers, so no guesses.
        if probabilities.iter().any(|p| !p.is_finite()) {
            return Predictions { top: Vec::new(), next: None, finite: false };
        }
        let mut order: Vec<usize> = (0..probabilities.len()).collect();
        // Likeliest first; ties in the vocab's order.
        order.sort_by(|&a, &b| probabilities[b].total_cmp(&probabilities[a]).then(a.cmp(&b)));
        let guess = |k: usize| Guess { char: vocab[k].to_string(), probability: Some(probabilities[k]) };
        let top = order.into_iter().take(TOP_PREDICTIONS).map(guess).collect();
        let next = self.next_char(t).map(|c| match self.model.vocab.symbol(c) {
            Some(k) => guess(k),
            // A character outside the vocab: the read-out gives it no probability at all.
            None => Guess { char: c.to_string(), probability: None },
        });
        Predictions { top, next, finite: true }
    }

    /// On the counter preset, the bracket depth after each step (what its cell state should
    /// equal); None on every other model.
    #[must_use]
    pub fn bracket_depth(&self) -> Option<Vec<f64>> {
        (self.model.name == Preset::Counter.to_string()).then(|| {
            let mut depth = 0.0;
            self.chars
                .iter()
                .map(|&c| {
                    depth += match c {
                        '(' => 1.0,
                        ')' => -1.0,
                        _ => 0.0,
                    };
                    depth
                })
                .collect()
        })
    }

    /// The one-step calculator's fields for the model's design.
    #[must_use]
    pub fn calculator_fields(&self) -> Vec<calculator::Field> {
        calculator::fields(self.model.cell.spec(), self.model.cell.has_peepholes())
    }

    /// The one-step calculator on typed lists (by field name), under the current activations,
    /// in f32 as the trace is computed.
    pub fn calculate(&self, typed: &BTreeMap<String, String>) -> Result<calculator::Step, String> {
        calculator::calculate::<f32>(self.model.cell.kind(), &self.acts, typed)
    }
}

/// The product of two intervals: the range of a·b for a in `a`, b in `b`.
#[must_use]
pub fn product_range(a: (f64, f64), b: (f64, f64)) -> (f64, f64) {
    let corners = [a.0 * b.0, a.0 * b.1, a.1 * b.0, a.1 * b.1];
    // 0 × ∞ is NaN; such a corner means the product is unbounded on that side or 0, so skip it.
    let finite_or_inf = corners.iter().copied().filter(|c| !c.is_nan());
    let lo = finite_or_inf.clone().fold(f64::INFINITY, f64::min);
    let hi = finite_or_inf.fold(f64::NEG_INFINITY, f64::max);
    if corners.iter().any(|c| c.is_nan()) {
        (lo.min(0.0), hi.max(0.0))
    } else {
        (lo, hi)
    }
}

#[cfg(test)]
#[allow(clippy::float_cmp)] // tests compare exactly on purpose
mod tests {

    #[test]
    fn the_saturation_scatter_counts_each_units_steps_past_0_1_and_0_9() {
        // The counter over "((x))": i = σ(10 + …) ≈ 1 at the brackets and σ(−10) ≈ 0 at x
        // (its input gate opens for brackets only), so its one unit has i < 0.1 at 1 of 5
        // steps and i > 0.9 at 4; f ≈ 1 throughout: 0 and 5 of 5.
        let mut lab = Lab::new(Preset::Counter.build());
        lab.set_text("((x))");
        let scatter = lab.saturation_scatter();
        let names: Vec<&str> = scatter.iter().map(|g| g.quantity).collect();
        assert_eq!(names, ["f", "i", "o"], "the LSTM's sigmoid gates");
        let of = |q: &str| scatter.iter().find(|g| g.quantity == q).unwrap().units[0];
        let i = lab.trace().values(Quantity::Input).to_vec();
        let expected_i = (i.iter().filter(|v| **v < 0.1).count(), i.iter().filter(|v| **v > 0.9).count());
        assert_eq!(expected_i, (1, 4), "{i:?}");
        assert_eq!(of("i"), (0.2, 0.8));
        assert_eq!(of("f"), (0.0, 1.0));
        // The forget gate swapped to tanh: its thresholds become −0.9 and 0.9.
        lab.set_activation(crate::site::Site::Forget, Activation::Tanh);
        let forget = lab.saturation_scatter().into_iter().find(|g| g.quantity == "f").unwrap();
        assert_eq!((forget.left, forget.right, forget.activation.as_str()), (-0.9, 0.9, "tanh"));
        // A GRU's sigmoid gates are r and z.
        let gru = Lab::new(Preset::GruCounter.build());
        assert_eq!(gru.saturation_scatter().iter().map(|g| g.quantity).collect::<Vec<_>>(), ["r", "z"]);
    }

    #[test]
    fn the_unit_search_scores_a_span_by_its_means_over_the_units_range() {
        // The counter's c is the bracket depth: "((x))" gives 1, 2, 2, 1, 0 (to within 1e-3,
        // its gates being σ(±10) rather than 0 and 1). Steps 1 and 2 inside: mean 2; outside:
        // (1 + 1 + 0) / 3 = 2/3; range 2 − 0 = 2; score (2 − 2/3) / 2 = 2/3.
        let mut lab = Lab::new(Preset::Counter.build());
        lab.set_text("((x))");
        let best = lab.rank_units(Quantity::Cell, 1, 3, 5).unwrap();
        assert_eq!(best.len(), 1, "one unit");
        assert!((best[0].score - 2.0 / 3.0).abs() < 1e-3, "{best:?}");
        assert!((best[0].inside - 2.0).abs() < 1e-3 && (best[0].outside - 2.0 / 3.0).abs() < 1e-3);
        // The closing brackets: low inside (1, 0), high outside (1, 2, 2): a negative score.
        assert!(lab.rank_units(Quantity::Cell, 3, 5, 5).unwrap()[0].score < 0.0);
        assert!(lab.rank_units(Quantity::Cell, 0, 5, 5).unwrap_err().contains("whole text"));
        assert!(lab.rank_units(Quantity::Cell, 3, 3, 5).unwrap_err().contains("3 to 3 is not one"));
        assert!(lab.rank_units(Quantity::Reset, 0, 2, 5).unwrap_err().contains("not a quantity of an LSTM"));
        // Many units: the best `count`, best first.
        let mut lab = Lab::new(Preset::Random { hidden: 16, seed: 4 }.build());
        lab.set_text("say \"hi\" and go");
        let ranked = lab.rank_units(Quantity::Hidden, 4, 8, 5).unwrap();
        assert_eq!(ranked.len(), 5);
        assert!(ranked.windows(2).all(|w| w[0].score >= w[1].score));
        assert!(ranked.iter().all(|m| (-1.0..=1.0).contains(&m.score)));
    }

    use super::*;

    /// A 256-unit cell over a few symbols, PyTorch-initialised: 147 steps are a whole run at
    /// once, and a slice of a longer one is 36.
    fn large_model() -> Model {
        let weights = crate::recurrent::Weights::<f32>::pytorch_init(4, 256, &mut crate::rng::Rng::new(3));
        Model::new("large", crate::recurrent::Recurrent::new(weights).unwrap(), crate::vocab::Vocab::from_chars("abc(".chars()).unwrap())
    }

    /// The trace a single uninterrupted run gives.
    fn fresh(model: &Model, text: &str, acts: &Activations) -> Trace<f32> {
        let mut trace = Trace::new();
        model.run(text, acts, &mut trace);
        trace
    }

    fn assert_same(a: &Trace<f32>, b: &Trace<f32>) {
        assert_eq!(a.steps(), b.steps());
        for q in Quantity::ALL {
            let (x, y) = (a.values(q), b.values(q));
            assert!(x.iter().zip(y).all(|(p, q)| p.to_bits() == q.to_bits()), "{q:?} differs");
            assert_eq!(a.finite_range(q), b.finite_range(q), "{q:?} range");
            assert_eq!(a.nonfinite(q), b.nonfinite(q), "{q:?} count");
        }
    }

    #[test]
    fn a_large_run_is_computed_in_slices_that_add_up_to_one_run() {
        assert_eq!(slice_steps(256, 1, 147), 147);
        assert_eq!(slice_steps(256, 1, 148), 36);
        assert_eq!(slice_steps(64, 1, 2000), 2000, "a 64-unit cell runs all 2,000 steps at once");
        let text: String = "abc(ab(c".repeat(50);
        let mut lab = Lab::new(large_model());
        lab.set_text(&text);
        let s = lab.summary();
        assert_eq!((s.steps, s.computed), (400, 36));
        assert!(!lab.complete());
        // The first slice came with the change; slices of 36 steps follow until 147 or fewer
        // are left, which run at once: 36 × 8 = 288, then the last 112.
        let mut slices = 1;
        loop {
            slices += 1;
            if lab.advance() {
                break;
            }
        }
        assert_eq!((slices, lab.summary().computed), (9, 400));
        assert_same(lab.trace(), &fresh(lab.model(), &text, &Activations::default()));
    }

    #[test]
    fn an_edit_reruns_from_the_changed_step_only_and_gives_the_same_values() {
        let mut lab = Lab::new(large_model());
        let text: String = "abc(ab(c".repeat(50);
        lab.set_text(&text);
        lab.finish();
        // Typing at the end: one new step, computed at once.
        lab.set_text(&format!("{text}a"));
        assert_eq!(lab.summary().computed, 401);
        // An edit at step 300 keeps 300 steps; the 100 after it are few enough to run at once.
        let edited = format!("{}c{}", &text[..300], &text[301..]);
        lab.set_text(&edited);
        assert_eq!(lab.summary().computed, 400);
        assert_same(lab.trace(), &fresh(lab.model(), &edited, &Activations::default()));
        // A swapped activation starts over; fixed scales' reference follows in its own slices.
        lab.set_fixed_scales(true);
        lab.set_activation(Site::Candidate, Activation::Relu);
        assert_eq!(lab.summary().computed, 36);
        lab.finish();
        let mut acts = Activations::default();
        acts.set(Site::Candidate, Activation::Relu);
        assert_same(lab.trace(), &fresh(lab.model(), &edited, &acts));
        assert!(lab.complete() && lab.reference_range(Quantity::Cell).is_some());
    }

    #[test]
    fn counter_summary_tracks_depth_parameters_and_truncation() {
        let mut lab = Lab::default();
        lab.set_text("(()x");
        let s = lab.summary();
        assert_eq!((s.steps, s.hidden, s.parameters, s.live_blocks, s.other_count), (4, 1, 20, 4, 1));
        let c = lab.trace().values(Quantity::Cell);
        assert!((c[3] - 1.0).abs() < 1e-3, "{c:?}");
        lab.set_activation(Site::Input, Activation::Removed);
        assert_eq!(lab.summary().parameters, 15);
        // With the input gate gone, the 'x' writes tanh(1) ≈ 0.76.
        assert!((lab.trace().values(Quantity::Cell)[3] - 1.7616).abs() < 1e-3);
        lab.set_text(&"(".repeat(MAX_STEPS + 5));
        let s = lab.summary();
        assert!(s.truncated);
        assert_eq!((s.steps, s.total_chars), (MAX_STEPS, MAX_STEPS + 5));
    }

    #[test]
    fn an_slstm_counts_its_fixed_exp_gates_too() {
        let mut lab = Lab::new(Preset::SlstmMax.build());
        lab.set_text(Preset::SlstmMax.info().text);
        lab.finish();
        let s = lab.summary();
        let names: Vec<&str> = s.saturation.iter().map(|g| g.quantity).collect();
        assert_eq!(names, ["o", "g", "i", "f"]);
        for gate in &s.saturation[2..] {
            assert_eq!((gate.low_threshold, gate.high_threshold), (LOW, HIGH));
            // Counted here again from the trace: the share below 0.05 and above 0.95.
            let values = lab.trace().values(Quantity::from_name(gate.quantity).unwrap());
            let share = |f: &dyn Fn(f32) -> bool| values.iter().filter(|&&v| f(v)).count() as f64 / values.len() as f64;
            assert_eq!((gate.low, gate.high), (share(&|v| v < 0.05), share(&|v| v > 0.95)), "{}", gate.quantity);
        }
        assert_eq!(s.saturation[2].activation, "exp(z_i − m)");
        assert_eq!(s.saturation[3].activation, "exp(log σ(z_f) + m_prev − m)");
    }

    #[test]
    fn saturation_counts_gate_ends() {
        let mut lab = Lab::default();
        lab.set_text("((x))");
        let s = lab.summary();
        let forget = &s.saturation[0];
        assert_eq!((forget.low, forget.high), (0.0, 1.0));
        let input = &s.saturation[1];
        assert!((input.low - 0.2).abs() < 1e-9 && (input.high - 0.8).abs() < 1e-9);
        lab.set_activation(Site::Input, Activation::Tanh);
        let input = &lab.summary().saturation[1];
        assert_eq!(input.low_threshold, -HIGH);
    }

    #[test]
    fn fixed_scales_keep_the_reference_of_the_standard_cell() {
        let mut lab = Lab::default();
        lab.set_text("((x)(y(z)))");
        assert_eq!(lab.reference_range(Quantity::Cell), None);
        lab.set_fixed_scales(true);
        let reference = lab.reference_range(Quantity::Cell).unwrap();
        // The standard counter's depth reaches 3 (sigmoid gates leak a little).
        assert!((reference.1 - 3.0).abs() < 1e-2 && reference.0.abs() < 1e-2, "{reference:?}");
        // Removing the input gate makes c grow further, but the reference stays.
        lab.set_activation(Site::Input, Activation::Removed);
        assert!(lab.trace().finite_range(Quantity::Cell).unwrap().1 > 5.0);
        assert_eq!(lab.reference_range(Quantity::Cell), Some(reference));
        lab.set_text("((((");
        assert!((lab.reference_range(Quantity::Cell).unwrap().1 - 4.0).abs() < 1e-2);
        lab.set_fixed_scales(false);
        assert!(!lab.fixed_scales());
    }

    #[test]
    fn the_counter_reports_its_depth_and_drift() {
        let mut lab = Lab::default();
        lab.set_text("(()x))");
        assert_eq!(lab.bracket_depth().unwrap(), vec![1.0, 2.0, 1.0, 1.0, 0.0, -1.0]);
        // Sigmoid gates leak about 4.5e-5 of the count per step: a small drift, not zero.
        let drift = lab.summary().depth_drift.unwrap();
        assert!(drift > 1e-6 && drift < 1e-3, "{drift}");
        for site in [Site::Forget, Site::Input, Site::Output] {
            lab.set_activation(site, Activation::HardSigmoid);
        }
        assert_eq!(lab.summary().depth_drift, Some(0.0));
        lab.set_model(Preset::Latch.build());
        assert_eq!((lab.bracket_depth(), lab.summary().depth_drift), (None, None));
    }

    /// Typing at the end runs only the new steps, and gives exactly what a full run gives.
    #[test]
    fn typing_at_the_end_extends_the_trace_exactly() {
        let mut lab = Lab::new(Preset::Random { hidden: 7, seed: 3 }.build());
        lab.set_activation(Site::Candidate, Activation::Relu);
        lab.set_fixed_scales(true);
        let mut typed = String::new();
        for c in "hello, (gates)!".chars() {
            typed.push(c);
            lab.set_text(&typed);
        }
        let mut fresh = Lab::new(Preset::Random { hidden: 7, seed: 3 }.build());
        fresh.set_activation(Site::Candidate, Activation::Relu);
        fresh.set_text(&typed);
        fresh.set_fixed_scales(true);
        for q in Quantity::ALL {
            assert_eq!(lab.trace().values(q), fresh.trace().values(q), "{}", q.name());
            // The fixed scales' reference run grew along with it.
            assert_eq!(lab.reference_range(q), fresh.reference_range(q), "{}", q.name());
        }
        assert_eq!(lab.summary(), fresh.summary());
        // An edit in the middle, a deletion and a swap all run from the start again.
        lab.set_text("hellO, (gates)!");
        fresh.set_text("hellO, (gates)!");
        assert_eq!(lab.trace().values(Quantity::Hidden), fresh.trace().values(Quantity::Hidden));
        lab.set_text("hel");
        lab.set_activation(Site::Forget, Activation::Tanh);
        lab.set_text("hello");
        fresh.set_activation(Site::Forget, Activation::Tanh);
        fresh.set_text("hello");
        assert_eq!(lab.trace().values(Quantity::Cell), fresh.trace().values(Quantity::Cell));
    }

    #[test]
    fn step_detail_reports_other_symbols() {
        let mut lab = Lab::default();
        lab.set_text("(é");
        let d = lab.step_detail(1).unwrap();
        assert!(d.other && d.char == "é");
        assert_eq!(d.units[0].values["h_prev"], lab.trace().at(Quantity::Hidden, 0)[0]);
        assert_eq!(lab.step_detail(0).unwrap().units[0].values["h_prev"], 0.0);
        // The diagram's products, as the cell computed them (c = kept + written, in f32).
        for unit in &d.units {
            let v = &unit.values;
            assert_eq!(v["kept"], v["f"] * v["c_prev"]);
            assert_eq!(v["written"], v["i"] * v["g"]);
            assert_eq!(v["c"], v["kept"] + v["written"]);
        }
        assert_eq!(d.units.len(), 1);
        assert!(lab.step_detail(2).is_none());
    }

    #[test]
    fn product_of_ranges() {
        assert_eq!(product_range((0.0, 1.0), (-1.0, 1.0)), (-1.0, 1.0));
        assert_eq!(product_range((-1.0, 1.0), (-1.0, 1.0)), (-1.0, 1.0));
        assert_eq!(product_range((0.0, 1.0), (0.0, f64::INFINITY)), (0.0, f64::INFINITY));
        assert_eq!(product_range((1.0, 1.0), (0.0, 1.0)), (0.0, 1.0));
    }
}
