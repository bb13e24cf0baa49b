//! The page's state without the page: a model, its five activations, the typed text and the
//! trace, with what each view needs computed from them. `web.rs` only wraps this.

use crate::activation::{Activation, Activations, Site};
use crate::lstm::{one_step, CellStep, Gate};
use crate::model::Model;
use crate::presets::Preset;
use crate::render::colors::{product_range, Scale};
use crate::render::timeline::RowInfo;
use crate::trace::{Quantity, Trace};
use serde::Serialize;
use std::collections::BTreeMap;

/// The most timesteps traced at once. Longer texts are kept whole but only their beginning is
/// run, so every keystroke stays fast (a visible notice says so).
pub const MAX_STEPS: usize = 2000;

/// The timeline's rows, top to bottom.
pub const TIMELINE_ROWS: [Quantity; 6] =
    [Quantity::Forget, Quantity::Input, Quantity::Candidate, Quantity::Output, Quantity::Cell, Quantity::Hidden];

/// Saturation thresholds: a gate value below LOW is "shut", above HIGH is "open".
pub const LOW: f64 = 0.05;
pub const HIGH: f64 = 0.95;

pub struct Lab {
    model: Model,
    acts: Activations,
    text: String,
    total_chars: usize,
    chars: Vec<char>,
    trace: Trace<f32>,
}

/// Everything small the page shows about the current run.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct Summary {
    pub model: String,
    pub steps: usize,
    pub total_chars: usize,
    pub truncated: bool,
    pub max_steps: usize,
    pub hidden: usize,
    pub input_size: usize,
    pub vocab: String,
    pub other_count: usize,
    pub parameters: usize,
    pub live_blocks: usize,
    pub activations: BTreeMap<&'static str, String>,
    pub nonfinite: BTreeMap<&'static str, usize>,
    pub nonfinite_total: usize,
    pub saturation: Vec<Saturation>,
    /// Finite min and max of each traced quantity (absent when it has no finite value).
    pub ranges: BTreeMap<&'static str, (f64, f64)>,
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
}

/// A list of numbers as typed: separated by commas, spaces or semicolons, optionally in [ ].
pub fn parse_numbers(text: &str, field: &str) -> Result<Vec<f64>, String> {
    let inner = text.trim().trim_start_matches('[').trim_end_matches(']');
    let mut out = Vec::new();
    for token in inner.split(|c: char| c == ',' || c == ';' || c.is_whitespace()).filter(|t| !t.is_empty()) {
        // Accept the Unicode minus sign that copy-pasting from papers brings along.
        let cleaned = token.replace('−', "-");
        match cleaned.parse::<f64>() {
            Ok(v) if v.is_finite() => out.push(v),
            _ => return Err(format!("{field}: {token:?} is not a finite number")),
        }
    }
    if out.is_empty() {
        return Err(format!("{field}: enter at least one number"));
    }
    Ok(out)
}

impl Default for Lab {
    fn default() -> Self {
        Lab::new(Preset::Counter.build())
    }
}

impl Lab {
    pub fn new(model: Model) -> Self {
        let mut lab = Lab {
            model,
            acts: Activations::default(),
            text: String::new(),
            total_chars: 0,
            chars: Vec::new(),
            trace: Trace::new(),
        };
        lab.rerun();
        lab
    }

    /// Swaps in a new model, keeping the text and the activations.
    pub fn set_model(&mut self, model: Model) {
        self.model = model;
        self.rerun();
    }

    pub fn model(&self) -> &Model {
        &self.model
    }

    pub fn activations(&self) -> &Activations {
        &self.acts
    }

    /// Changes one site's activation and re-runs with the same weights.
    pub fn set_activation(&mut self, site: Site, activation: Activation) {
        self.acts.set(site, activation);
        self.rerun();
    }

    pub fn set_text(&mut self, text: &str) {
        self.text.clear();
        self.text.push_str(text);
        self.total_chars = text.chars().count();
        self.chars.clear();
        self.chars.extend(text.chars().take(MAX_STEPS));
        self.rerun();
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The characters that were run (at most MAX_STEPS).
    pub fn chars(&self) -> &[char] {
        &self.chars
    }

    pub fn trace(&self) -> &Trace<f32> {
        &self.trace
    }

    fn rerun(&mut self) {
        let symbols: Vec<_> = self.chars.iter().map(|&c| self.model.vocab.symbol(c)).collect();
        self.model.run_symbols(&symbols, &self.acts, &mut self.trace);
    }

    /// The range of values a quantity can take under the current activations.
    pub fn possible_range(&self, q: Quantity) -> (f64, f64) {
        let a = &self.acts;
        let unbounded = (f64::NEG_INFINITY, f64::INFINITY);
        match q {
            Quantity::Forget => a.forget.range(),
            Quantity::Input => a.input.range(),
            Quantity::Candidate => a.candidate.range(),
            Quantity::Output => a.output.range(),
            Quantity::CellOut => a.cell_output.range(),
            Quantity::Hidden => product_range(a.output.range(), a.cell_output.range()),
            _ => unbounded,
        }
    }

    /// The colour scale a quantity is drawn with.
    pub fn scale(&self, q: Quantity) -> Scale {
        Scale::for_quantity(self.possible_range(q), self.trace.finite_range(q))
    }

    /// Titles, scales and warnings for the timeline's rows.
    pub fn row_infos(&self) -> Vec<RowInfo> {
        TIMELINE_ROWS
            .iter()
            .map(|&q| {
                let (caption, site) = match q {
                    Quantity::Forget => ("forget gate", Some(Site::Forget)),
                    Quantity::Input => ("input gate", Some(Site::Input)),
                    Quantity::Candidate => ("candidate", Some(Site::Candidate)),
                    Quantity::Output => ("output gate", Some(Site::Output)),
                    Quantity::Cell => ("cell state", None),
                    _ => ("hidden state", Some(Site::CellOutput)),
                };
                let caption = match site {
                    Some(Site::CellOutput) => format!("{caption} · o × {}(c)", self.acts.cell_output),
                    Some(site) => format!("{caption} · {}", self.acts.get(site)),
                    None => format!("{caption} · f × c_prev + i × g"),
                };
                let scale = self.scale(q);
                let mut notes = Vec::new();
                if let Some((lo, hi)) = self.trace.finite_range(q) {
                    if lo < scale.lo() - 1e-6 || hi > scale.hi() + 1e-6 {
                        notes.push(format!("range {} … {}", short(lo), short(hi)));
                        notes.push("clipped ◥".to_string());
                    }
                }
                let bad = self.trace.nonfinite(q);
                if bad > 0 {
                    notes.push(format!("{bad} NaN/∞"));
                }
                RowInfo {
                    symbol: q.name().to_string(),
                    caption,
                    scale,
                    note: (!notes.is_empty()).then(|| notes.join(" · ")),
                }
            })
            .collect()
    }

    pub fn summary(&self) -> Summary {
        let trace = &self.trace;
        let lstm = &self.model.lstm;
        let mut nonfinite = BTreeMap::new();
        let mut ranges = BTreeMap::new();
        for q in Quantity::ALL {
            nonfinite.insert(q.name(), trace.nonfinite(q));
            if let Some(r) = trace.finite_range(q) {
                ranges.insert(q.name(), r);
            }
        }
        let saturation = [
            (Quantity::Forget, "forget gate", Site::Forget),
            (Quantity::Input, "input gate", Site::Input),
            (Quantity::Output, "output gate", Site::Output),
            (Quantity::Candidate, "candidate", Site::Candidate),
            (Quantity::CellOut, "cell output", Site::CellOutput),
        ]
        .into_iter()
        .map(|(q, label, site)| {
            // Gates that can go negative are asked the tanh question: how much sits near ±1.
            let signed = self.acts.get(site).range().0 < 0.0;
            let (lo, hi) = if signed { (-HIGH, HIGH) } else { (LOW, HIGH) };
            let (low, high) = trace.saturation(q, lo, hi);
            Saturation {
                quantity: q.name(),
                label,
                activation: self.acts.get(site).name(),
                low_threshold: lo,
                high_threshold: hi,
                low,
                high,
            }
        })
        .collect();
        Summary {
            model: self.model.name.clone(),
            steps: trace.steps(),
            total_chars: self.total_chars,
            truncated: self.total_chars > self.chars.len(),
            max_steps: MAX_STEPS,
            hidden: lstm.hidden_size(),
            input_size: lstm.input_size(),
            vocab: self.model.vocab.chars().iter().collect(),
            other_count: trace.symbols().iter().filter(|s| s.is_none()).count(),
            parameters: self.model.parameter_count(&self.acts),
            live_blocks: Gate::ALL.iter().filter(|g| !g.activation(&self.acts).is_removed()).count(),
            activations: Site::ALL.iter().map(|&s| (s.name(), self.acts.get(s).name())).collect(),
            nonfinite,
            nonfinite_total: trace.nonfinite_total(),
            saturation,
            ranges,
        }
    }

    /// Every traced value of one timestep, per unit (None past the end).
    pub fn step_detail(&self, t: usize) -> Option<StepDetail> {
        if t >= self.trace.steps() {
            return None;
        }
        let symbol = self.trace.symbols()[t];
        let units = (0..self.trace.hidden())
            .map(|u| UnitStep {
                unit: u,
                values: Quantity::ALL.iter().map(|&q| (q.name(), self.trace.at(q, t)[u])).collect(),
            })
            .collect();
        Some(StepDetail { t, char: self.chars[t].to_string(), symbol, other: symbol.is_none(), units })
    }

    /// The one-step calculator on typed lists, under the current activations.
    pub fn calculate(&self, c_prev: &str, f: &str, i: &str, g: &str, o: &str) -> Result<CellStep, String> {
        let c_prev = parse_numbers(c_prev, "c_prev")?;
        let zf = parse_numbers(f, "forget pre-activation")?;
        let zi = parse_numbers(i, "input pre-activation")?;
        let zg = parse_numbers(g, "candidate pre-activation")?;
        let zo = parse_numbers(o, "output pre-activation")?;
        one_step(&self.acts, &c_prev, &zf, &zi, &zg, &zo).map_err(|e| e.to_string())
    }
}

/// A number in at most 4 significant figures, for notes.
fn short(v: f64) -> String {
    if v.abs() >= 1e4 || (v != 0.0 && v.abs() < 1e-3) {
        format!("{v:.2e}")
    } else {
        format!("{}", (v * 1000.0).round() / 1000.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_typed_lists() {
        assert_eq!(parse_numbers("[-0.7, -0.11 ,-0.07; 1.06]", "x"), Ok(vec![-0.7, -0.11, -0.07, 1.06]));
        assert_eq!(parse_numbers("−20 15", "x"), Ok(vec![-20.0, 15.0]));
        assert!(parse_numbers("1, two", "f").unwrap_err().contains("f: \"two\""));
        assert!(parse_numbers("NaN", "f").is_err());
        assert!(parse_numbers("  ", "f").is_err());
    }

    #[test]
    fn counter_summary_tracks_depth_parameters_and_truncation() {
        let mut lab = Lab::default();
        lab.set_text("(()x");
        let s = lab.summary();
        assert_eq!((s.steps, s.hidden, s.parameters, s.live_blocks, s.other_count), (4, 1, 20, 4, 1));
        let c = lab.trace().values(Quantity::Cell);
        assert!((c[3] - 1.0).abs() < 1e-3, "{c:?}");
        lab.set_activation(Site::Input, Activation::None);
        assert_eq!(lab.summary().parameters, 15);
        // With the input gate gone, the 'x' writes tanh(1) ≈ 0.76.
        assert!((lab.trace().values(Quantity::Cell)[3] - 1.7616).abs() < 1e-3);
        lab.set_text(&"(".repeat(MAX_STEPS + 5));
        let s = lab.summary();
        assert!(s.truncated);
        assert_eq!((s.steps, s.total_chars), (MAX_STEPS, MAX_STEPS + 5));
    }

    #[test]
    fn rows_flag_clipping_and_non_finite_values() {
        let mut lab = Lab::default();
        lab.set_text(&"(".repeat(30));
        let rows = lab.row_infos();
        let cell = &rows[4];
        assert_eq!(cell.scale, Scale::Diverging { limit: 10.0 });
        assert!(cell.note.as_deref().unwrap_or("").contains("clipped"), "{cell:?}");
        // An identity forget gate multiplies the memory by 10 each step: it overflows.
        lab.set_text(&"(".repeat(60));
        lab.set_activation(Site::Forget, Activation::Identity);
        let s = lab.summary();
        assert!(s.nonfinite_total > 0);
        assert!(lab.row_infos()[4].note.as_deref().unwrap_or("").contains("NaN/∞"));
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
    fn step_detail_reports_other_symbols() {
        let mut lab = Lab::default();
        lab.set_text("(é");
        let d = lab.step_detail(1).unwrap();
        assert!(d.other && d.char == "é");
        assert_eq!(d.units.len(), 1);
        assert!(lab.step_detail(2).is_none());
    }
}
