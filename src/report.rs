//! Plain-data views of a run, for the command line (and for the page to reuse): JSON with
//! non-finite numbers written as the strings `"NaN"`, `"inf"` and `"-inf"` (so the output stays
//! valid JSON however the cell blows up), and CSV with properly quoted fields.
//!
//! The JSON views implement `Serialize` and keep their keys in a fixed, readable order when
//! written straight to text (`serde_json::to_string`) or handed to another serializer;
//! `to_value` gives a `serde_json::Value` for code that wants to inspect it.

use crate::calculator::CellStep;
use crate::cells::{lstm, CellSpec};
use crate::model::Model;
use crate::quantity::Quantity;
use crate::site::{Activations, SitesOf};
use crate::trace::Trace;
use crate::vocab::Vocab;
use num_traits::Float;
use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use serde::Serialize;
use serde_json::Value;
use std::borrow::Cow;
use std::fmt::{self, Write as _};

/// One number: a JSON number when finite, else `"NaN"`, `"inf"` or `"-inf"`. An `f32` is
/// written with the shortest digits that read back as the same `f32`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Num<T>(pub T);

impl<T: Float + Serialize> Serialize for Num<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let v = self.0;
        if v.is_nan() {
            serializer.serialize_str("NaN")
        } else if v.is_infinite() {
            serializer.serialize_str(if v > T::zero() { "inf" } else { "-inf" })
        } else {
            v.serialize(serializer)
        }
    }
}

/// A slice of numbers as a JSON array of [`Num`].
#[derive(Clone, Copy, Debug)]
pub struct Nums<'a, T>(pub &'a [T]);

impl<T: Float + Serialize> Serialize for Nums<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for &v in self.0 {
            seq.serialize_element(&Num(v))?;
        }
        seq.end()
    }
}

/// A whole run: what the model is, under which activations, and every traced quantity at every
/// step.
///
/// ```json
/// {"model": "counter", "activations": {"forget": "sigmoid", ...}, "parameters": 20,
///  "hidden_size": 1, "input_size": 2, "vocab": ["(", ")"], "nonfinite": 0,
///  "steps": [{"t": 0, "char": "(", "symbol": 0, "other": false, "z_i": [10.0], ..., "h": [0.76]}, ...]}
/// ```
#[derive(Clone, Copy, Debug)]
pub struct TraceReport<'a, T> {
    /// The model's name.
    pub model: &'a str,
    pub vocab: &'a Vocab,
    pub acts: &'a Activations,
    pub parameters: usize,
    /// Whether the cell has peepholes (the report says so only when it has).
    pub peepholes: bool,
    /// The text that was run: step `t` shows its `t`-th character (`null` past its end).
    pub text: &'a str,
    pub trace: &'a Trace<T>,
    /// The layer traced and the model's layers, for a model with several (else None).
    pub layer: Option<(usize, usize)>,
}

impl<'a> TraceReport<'a, f32> {
    /// The report of `model` run over `text` under `acts` (the run is already in `trace`).
    #[must_use]
    pub fn new(model: &'a Model, acts: &'a Activations, text: &'a str, trace: &'a Trace<f32>) -> Self {
        TraceReport {
            model: &model.name,
            vocab: &model.vocab,
            acts,
            parameters: model.parameter_count(acts),
            peepholes: model.cell.has_peepholes(),
            text,
            trace,
            layer: (model.layers() > 1).then(|| (model.layer(), model.layers())),
        }
    }
}

impl<T: Float + Serialize> TraceReport<'_, T> {
    /// The report as a `serde_json::Value` (its objects' keys then come out sorted).
    #[must_use]
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).expect("a trace report has string keys only")
    }
}

impl<T: Float + Serialize> Serialize for TraceReport<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let vocab: Vec<String> = self.vocab.chars().iter().map(|c| c.to_string()).collect();
        // The LSTM's report is as it always was; another design's says which it is.
        let spec = self.trace.spec().unwrap_or(&lstm::SPEC);
        let named = spec.name != lstm::SPEC.name;
        let entries = 8 + usize::from(self.peepholes) + usize::from(named) + 2 * usize::from(self.layer.is_some());
        let mut map = serializer.serialize_map(Some(entries))?;
        map.serialize_entry("model", self.model)?;
        if let Some((layer, layers)) = self.layer {
            map.serialize_entry("layer", &layer)?;
            map.serialize_entry("layers", &layers)?;
        }
        if named {
            map.serialize_entry("cell", spec.name)?;
        }
        map.serialize_entry("activations", &SitesOf { acts: self.acts, sites: spec.sites })?;
        if self.peepholes {
            map.serialize_entry("peepholes", &true)?;
        }
        map.serialize_entry("parameters", &self.parameters)?;
        map.serialize_entry("hidden_size", &self.trace.hidden())?;
        map.serialize_entry("input_size", &self.vocab.len())?;
        map.serialize_entry("vocab", &vocab)?;
        map.serialize_entry("nonfinite", &self.trace.nonfinite_total())?;
        map.serialize_entry("steps", &Steps { trace: self.trace, text: self.text })?;
        map.end()
    }
}

/// Every step of a trace as a JSON array.
struct Steps<'a, T> {
    trace: &'a Trace<T>,
    text: &'a str,
}

impl<T: Float + Serialize> Serialize for Steps<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.trace.steps()))?;
        let mut chars = self.text.chars();
        for t in 0..self.trace.steps() {
            seq.serialize_element(&Step { trace: self.trace, t, ch: chars.next() })?;
        }
        seq.end()
    }
}

struct Step<'a, T> {
    trace: &'a Trace<T>,
    t: usize,
    ch: Option<char>,
}

impl<T: Float + Serialize> Serialize for Step<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let symbol = self.trace.symbols()[self.t];
        let quantities = self.trace.quantities();
        let mut map = serializer.serialize_map(Some(4 + quantities.len()))?;
        map.serialize_entry("t", &self.t)?;
        map.serialize_entry("char", &self.ch.map(String::from))?;
        map.serialize_entry("symbol", &symbol)?;
        map.serialize_entry("other", &symbol.is_none())?;
        for q in quantities {
            map.serialize_entry(q.name(), &Nums(self.trace.at(q, self.t)))?;
        }
        map.end()
    }
}

/// The one-step calculator's result: the activations used, then f, i, g, o, kept (f ⊙ c_prev),
/// written (i ⊙ g), c, cell_out and h, one number per unit each.
#[derive(Clone, Copy, Debug)]
pub struct CellReport<'a> {
    pub acts: &'a Activations,
    pub step: &'a CellStep,
}

impl CellReport<'_> {
    #[must_use]
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).expect("a cell report has string keys only")
    }
}

impl Serialize for CellReport<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let s = self.step;
        let mut map = serializer.serialize_map(Some(10))?;
        // The calculator works the LSTM's step.
        map.serialize_entry("activations", &SitesOf { acts: self.acts, sites: lstm::SPEC.sites })?;
        for (name, values) in s.fields() {
            map.serialize_entry(name, &Nums(values))?;
        }
        map.end()
    }
}

/// One CSV field, quoted when it has to be (RFC 4180): a comma, a double quote, CR or LF, or
/// leading or trailing whitespace (which some readers would trim). Quotes inside are doubled.
pub fn csv_field(text: &str) -> Cow<'_, str> {
    let needs_quotes = text.contains([',', '"', '\r', '\n'])
        || text.starts_with(char::is_whitespace)
        || text.ends_with(char::is_whitespace);
    if needs_quotes {
        Cow::Owned(format!("\"{}\"", text.replace('"', "\"\"")))
    } else {
        Cow::Borrowed(text)
    }
}

/// A number as CSV text: the shortest digits that read back as the same value (`1.0`, `0.25`,
/// `1e-30`), or `NaN`, `inf`, `-inf`.
fn csv_number<T: Float + fmt::Debug>(out: &mut String, v: T) {
    if v.is_nan() {
        out.push_str("NaN");
    } else if v.is_infinite() {
        out.push_str(if v > T::zero() { "inf" } else { "-inf" });
    } else {
        let _ = write!(out, "{v:?}");
    }
}

/// The CSV header: `t,char,symbol,unit,` and the traced quantities (`z_i,...,h` for the LSTM).
#[must_use]
pub fn csv_header(quantities: &[Quantity]) -> String {
    let names: Vec<&str> = quantities.iter().map(|q| q.name()).collect();
    format!("t,char,symbol,unit,{}", names.join(","))
}

/// A trace as CSV: the header, then one row per (timestep, unit), each with every quantity.
/// `symbol` is empty for "other"; `char` is step `t`'s character of `text` (empty past its end).
/// Lines end with `\n`.
#[must_use]
pub fn trace_csv<T: Float + fmt::Debug>(trace: &Trace<T>, text: &str) -> String {
    let mut out = Vec::with_capacity(64 + trace.steps() * trace.hidden() * 16 * trace.quantities().len());
    write_trace_csv(&mut out, trace, text).expect("writing to memory cannot fail");
    String::from_utf8(out).expect("CSV is written as UTF-8")
}

/// [`trace_csv`] written to `out` as it is produced, one timestep at a time (so a long trace
/// never sits in memory twice).
pub fn write_trace_csv<T: Float + fmt::Debug, W: std::io::Write>(
    out: &mut W,
    trace: &Trace<T>,
    text: &str,
) -> std::io::Result<()> {
    let quantities = trace.quantities();
    writeln!(out, "{}", csv_header(&quantities))?;
    let mut chars = text.chars();
    let mut buf = [0u8; 4];
    let mut line = String::new();
    for t in 0..trace.steps() {
        let ch = chars.next().map(|c| csv_field(c.encode_utf8(&mut buf)).into_owned()).unwrap_or_default();
        let symbol = trace.symbols()[t].map(|s| s.to_string()).unwrap_or_default();
        line.clear();
        for u in 0..trace.hidden() {
            let _ = write!(line, "{t},{ch},{symbol},{u}");
            for &q in &quantities {
                line.push(',');
                csv_number(&mut line, trace.at(q, t)[u]);
            }
            line.push('\n');
        }
        out.write_all(line.as_bytes())?;
    }
    Ok(())
}

/// The parameter count with its working: `"15 = 3 blocks × 1 × (2 + 1 + 2)"`, that is
/// live gate blocks × H × (I + H + 2). A gate set to "none" is a constant, so its block (its
/// rows of W_ih and W_hh and of both biases) no longer counts, and neither does a coupled one.
/// Peepholes add `+ 3 peepholes × H` (those of gates that keep their own weights).
#[must_use]
pub fn parameter_formula(input_size: usize, hidden_size: usize, acts: &Activations, peepholes: bool) -> String {
    cell_parameter_formula(&lstm::SPEC, input_size, hidden_size, acts, peepholes)
}

/// [`parameter_formula`] for any cell design: `"2520 = 3 blocks × 8 × (95 + 8 + 2)"` for a GRU.
#[must_use]
pub fn cell_parameter_formula(
    spec: &CellSpec,
    input_size: usize,
    hidden_size: usize,
    acts: &Activations,
    peepholes: bool,
) -> String {
    let blocks = spec.live_blocks(acts);
    let count = spec.parameter_count(input_size, hidden_size, acts, peepholes);
    let plural = if blocks == 1 { "block" } else { "blocks" };
    let per_block = if spec.recurrent { format!("({input_size} + {hidden_size} + 2)") } else { format!("({input_size} + 1)") };
    let mut formula = format!("{count} = {blocks} {plural} × {hidden_size} × {per_block}");
    if peepholes {
        let live = spec.live_peepholes(acts);
        formula.push_str(&format!(" + {live} peephole{} × {hidden_size}", if live == 1 { "" } else { "s" }));
    }
    formula
}

#[cfg(test)]
#[allow(clippy::float_cmp)] // tests compare exactly on purpose
mod tests {
    use super::*;
    use crate::activation::Activation;

    #[test]
    fn non_finite_numbers_become_strings() {
        let text = serde_json::to_string(&Nums(&[1.5f32, f32::NAN, f32::INFINITY, f32::NEG_INFINITY])).unwrap();
        assert_eq!(text, r#"[1.5,"NaN","inf","-inf"]"#);
        // f32 values keep their short form.
        assert_eq!(serde_json::to_string(&Num(0.1f32)).unwrap(), "0.1");
    }

    #[test]
    fn csv_fields_are_quoted_when_needed() {
        assert_eq!(csv_field("a"), "a");
        assert_eq!(csv_field(","), "\",\"");
        assert_eq!(csv_field("\""), "\"\"\"\"");
        assert_eq!(csv_field("\n"), "\"\n\"");
        assert_eq!(csv_field("\r"), "\"\r\"");
        assert_eq!(csv_field(" "), "\" \"");
    }

    #[test]
    fn formula_matches_the_count() {
        let mut acts = Activations::default();
        assert_eq!(parameter_formula(2, 1, &acts, false), "20 = 4 blocks × 1 × (2 + 1 + 2)");
        // 4 blocks of H(I + H + 2) = 8 × (3 + 8 + 2) = 104, plus 3 peepholes of 8: 416 + 24.
        assert_eq!(parameter_formula(3, 8, &acts, true), "440 = 4 blocks × 8 × (3 + 8 + 2) + 3 peepholes × 8");
        acts.input = Activation::Removed;
        assert_eq!(parameter_formula(2, 1, &acts, false), "15 = 3 blocks × 1 × (2 + 1 + 2)");
        // CIFG: the forget block goes, and with it w_cf; the removed input gate's w_ci too.
        acts.forget = Activation::Coupled;
        assert_eq!(parameter_formula(3, 8, &acts, true), "216 = 2 blocks × 8 × (3 + 8 + 2) + 1 peephole × 8");
        for gate in [Activation::Removed, Activation::Sigmoid] {
            let acts = Activations::with_gates(gate);
            let formula = parameter_formula(95, 8, &acts, false);
            let count: usize = formula.split(' ').next().unwrap().parse().unwrap();
            assert_eq!(count, lstm::SPEC.parameter_count(95, 8, &acts, false));
        }
    }
}
