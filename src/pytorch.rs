//! PyTorch weights as JSON: `nn.LSTM(...).state_dict()` with every tensor turned into nested
//! lists, plus a `vocab` list naming the symbol of each input column.
//!
//! ```python
//! import json
//! state = {k: v.tolist() for k, v in lstm.state_dict().items()}
//! json.dump({**state, "vocab": vocab}, open("weights.json", "w"))
//! ```

use crate::json::{self, Json};
use crate::lstm::{Lstm, Weights};
use crate::model::Model;
use crate::numbers::to_f32;
use crate::vocab::Vocab;
use std::fmt;

/// What is wrong with a weights file, in one line that names the place.
#[derive(Clone, Debug, PartialEq)]
pub struct LoadError(pub String);

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for LoadError {}

fn err<T>(message: impl Into<String>) -> Result<T, LoadError> {
    Err(LoadError(message.into()))
}

/// One weight as f32; `place` names it in the message, and is only called for one (a file holds
/// millions of numbers: writing each one's place out took most of the loading time).
fn number(value: &Json, place: impl FnOnce() -> String) -> Result<f32, LoadError> {
    match value.as_f64() {
        Some(v) if v.is_finite() && v.abs() <= f64::from(f32::MAX) => Ok(to_f32(v)),
        Some(_) => err(format!("{} is too large for a 32-bit float", place())),
        None => err(format!("{} is {}, not a number", place(), short(value))),
    }
}

fn short(value: &Json) -> String {
    let text = value.to_string();
    if text.chars().count() > 40 {
        format!("{}…", text.chars().take(40).collect::<String>())
    } else {
        text
    }
}

/// A matrix as a list of rows of equal length: (values row-major, rows, columns).
fn matrix(root: &Json, name: &str) -> Result<(Vec<f32>, usize, usize), LoadError> {
    let Some(rows) = root.get(name) else { return err(format!("{name} is missing")) };
    let Some(rows) = rows.as_array() else { return err(format!("{name} must be a list of rows")) };
    let mut values = Vec::new();
    let mut columns = None;
    for (r, row) in rows.iter().enumerate() {
        let Some(row) = row.as_array() else { return err(format!("{name}[{r}] must be a list of numbers")) };
        match columns {
            None => columns = Some(row.len()),
            Some(c) if c != row.len() => {
                return err(format!("{name}[{r}] has {} numbers, but row 0 has {c}", row.len()))
            }
            _ => {}
        }
        for (c, v) in row.iter().enumerate() {
            values.push(number(v, || format!("{name}[{r}][{c}]"))?);
        }
    }
    Ok((values, rows.len(), columns.unwrap_or(0)))
}

fn vector(root: &Json, name: &str) -> Result<Vec<f32>, LoadError> {
    let Some(items) = root.get(name) else { return err(format!("{name} is missing")) };
    let Some(items) = items.as_array() else { return err(format!("{name} must be a list of numbers")) };
    items.iter().enumerate().map(|(k, v)| number(v, || format!("{name}[{k}]"))).collect()
}

/// Reads a weights file. `name` labels the model (say, the file name).
pub fn load(text: &str, name: &str) -> Result<Model, LoadError> {
    let root = match json::parse(text) {
        Ok(v) => v,
        Err(e) => return err(format!("not valid JSON: {e}")),
    };
    let Some(members) = root.as_object() else { return err("the file must hold a JSON object") };
    let root = &root;
    if members.iter().any(|(k, _)| k.ends_with("_l1")) {
        return err("only a single-layer LSTM is supported (found *_l1 weights)");
    }
    if members.iter().any(|(k, _)| k.ends_with("_reverse")) {
        return err("a bidirectional LSTM is not supported (found *_reverse weights)");
    }
    let (weight_ih, rows_ih, input_size) = matrix(root, "weight_ih_l0")?;
    let (weight_hh, rows_hh, hidden_size) = matrix(root, "weight_hh_l0")?;
    if rows_ih % 4 != 0 || rows_ih == 0 {
        return err(format!("weight_ih_l0 has {rows_ih} rows: expected 4 × hidden size"));
    }
    let hidden = rows_ih / 4;
    if hidden_size != hidden || rows_hh != rows_ih {
        return err(format!(
            "weight_hh_l0 is {rows_hh} × {hidden_size}: expected {rows_ih} × {hidden} to match weight_ih_l0"
        ));
    }
    let bias_ih = vector(root, "bias_ih_l0")?;
    let bias_hh = vector(root, "bias_hh_l0")?;
    for (bias_name, bias) in [("bias_ih_l0", &bias_ih), ("bias_hh_l0", &bias_hh)] {
        if bias.len() != rows_ih {
            return err(format!("{bias_name} has {} numbers, expected {rows_ih}", bias.len()));
        }
    }
    let Some(vocab) = root.get("vocab") else {
        return err(format!("vocab is missing: add a list of {input_size} one-character strings"));
    };
    let Some(entries) = vocab.as_array() else { return err("vocab must be a list of strings") };
    let mut strings = Vec::with_capacity(entries.len());
    for (k, entry) in entries.iter().enumerate() {
        match entry.as_str() {
            Some(s) => strings.push(s.to_string()),
            None => return err(format!("vocab[{k}] is {}, not a string", short(entry))),
        }
    }
    let vocab = Vocab::from_strings(&strings).map_err(|e| LoadError(e.to_string()))?;
    if vocab.len() != input_size {
        return err(format!("vocab has {} entries but weight_ih_l0 has {input_size} input columns", vocab.len()));
    }
    let weights = Weights { input_size, hidden_size: hidden, weight_ih, weight_hh, bias_ih, bias_hh };
    let lstm = Lstm::new(weights).map_err(|e| LoadError(e.to_string()))?;
    Ok(Model { name: name.to_string(), lstm, vocab })
}

/// Writes a model in the same format `load` reads (and PyTorch's `load_state_dict` accepts,
/// after `torch.tensor` on each list).
#[must_use]
pub fn export(model: &Model) -> Json {
    let w = model.lstm.weights();
    let rows = |values: &[f32], columns: usize| Json::Array(values.chunks(columns).map(Json::floats).collect());
    let vocab: Vec<String> = model.vocab.chars().iter().map(char::to_string).collect();
    Json::Object(vec![
        ("weight_ih_l0".into(), rows(&w.weight_ih, w.input_size)),
        ("weight_hh_l0".into(), rows(&w.weight_hh, w.hidden_size)),
        ("bias_ih_l0".into(), Json::floats(&w.bias_ih)),
        ("bias_hh_l0".into(), Json::floats(&w.bias_hh)),
        ("vocab".into(), Json::strings(&vocab)),
    ])
}
