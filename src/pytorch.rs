//! PyTorch weights as JSON: `nn.LSTM(...).state_dict()` with every tensor turned into nested
//! lists, plus a `vocab` list naming the symbol of each input column.
//!
//! ```python
//! import json
//! state = {k: v.tolist() for k, v in lstm.state_dict().items()}
//! json.dump({**state, "vocab": vocab}, open("weights.json", "w"))
//! ```

use crate::cells::{lstm, CellKind};
use crate::json::{Json, Next, Reader};
use crate::recurrent::{Recurrent, Weights};
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

/// A weights file, read: the model, and the keys it holds that the cell does not use (a trained
/// read-out, notes), which the page and the CLI name rather than drop without a word.
#[derive(Clone, Debug)]
pub struct Loaded {
    pub model: Model,
    pub unused_keys: Vec<String>,
}

/// The keys a single-layer LSTM's file is read from.
const CELL_KEYS: [&str; 6] = ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "vocab", "cell"];

/// Whether `key` is one the loader reads: the cell's tensors, its peepholes, the vocabulary and
/// the cell's name.
fn known_key(key: &str) -> bool {
    CELL_KEYS.contains(&key) || lstm::SPEC.peepholes.iter().any(|p| p.key == key)
}

/// A matrix read straight from the file, row-major.
struct Matrix {
    values: Vec<f32>,
    rows: usize,
    columns: usize,
}

/// A key's contents, or what is wrong with them (reported only once the whole text is known to
/// be JSON, and in a fixed order of keys, whatever their order in the file).
type Part<T> = Option<Result<T, LoadError>>;

/// What the file's keys held. A repeated key's last value counts, as in `json::parse`.
#[derive(Default)]
struct Parts {
    weight_ih: Part<Matrix>,
    weight_hh: Part<Matrix>,
    bias_ih: Part<Vec<f32>>,
    bias_hh: Part<Vec<f32>>,
    /// The peepholes' vectors, by their place in the spec (w_ci, w_cf, w_co).
    peepholes: [Part<Vec<f32>>; 3],
    vocab: Option<Json>,
    cell: Option<Json>,
    keys: Vec<String>,
}

fn short(value: &Json) -> String {
    let text = value.to_string();
    if text.chars().count() > 40 {
        format!("{}…", text.chars().take(40).collect::<String>())
    } else {
        text
    }
}

/// One weight as f32; `place` names it in the message, and is only called for one (a file holds
/// millions of numbers: writing each one's place out took most of the loading time). The outer
/// error is the text's grammar, the inner one the number's.
fn number(reader: &mut Reader, place: impl FnOnce() -> String) -> Result<Result<f32, LoadError>, String> {
    if reader.next() != Next::Number {
        let value = reader.value()?;
        return Ok(err(format!("{} is {}, not a number", place(), short(&value))));
    }
    let v = reader.number()?;
    Ok(if v.is_finite() && v.abs() <= f64::from(f32::MAX) {
        Ok(to_f32(v))
    } else {
        err(format!("{} is too large for a 32-bit float", place()))
    })
}

/// A list of numbers, appended to `out`; the first problem found goes to `problem`, after which
/// the rest is only checked as JSON. Returns how many items the list had.
fn numbers_into(
    reader: &mut Reader,
    out: &mut Vec<f32>,
    problem: &mut Option<LoadError>,
    place: impl Fn(usize) -> String,
) -> Result<usize, String> {
    let mut count = 0;
    reader.array(|r| {
        if problem.is_some() {
            r.skip()?;
        } else {
            match number(r, || place(count))? {
                Ok(v) => out.push(v),
                Err(e) => *problem = Some(e),
            }
        }
        count += 1;
        Ok(())
    })?;
    Ok(count)
}

/// A matrix as a list of rows of equal length, read straight into one f32 array.
fn matrix(reader: &mut Reader, name: &str) -> Result<Result<Matrix, LoadError>, String> {
    if reader.next() != Next::Array {
        reader.skip()?;
        return Ok(err(format!("{name} must be a list of rows")));
    }
    let mut m = Matrix { values: Vec::new(), rows: 0, columns: 0 };
    let mut problem = None;
    reader.array(|r| {
        let row = m.rows;
        m.rows += 1;
        if problem.is_some() {
            return r.skip();
        }
        if r.next() != Next::Array {
            problem = Some(LoadError(format!("{name}[{row}] must be a list of numbers")));
            return r.skip();
        }
        let mut in_row = None;
        let count = numbers_into(r, &mut m.values, &mut in_row, |c| format!("{name}[{row}][{c}]"))?;
        // A row of the wrong length is reported before a bad number in it.
        if row == 0 {
            m.columns = count;
            // weight_hh is 4H × H: room for that at once, rather than doubling up to it.
            m.values.reserve(count.saturating_mul(count).saturating_mul(4).min(1 << 24));
        } else if count != m.columns {
            in_row = Some(LoadError(format!("{name}[{row}] has {count} numbers, but row 0 has {}", m.columns)));
        }
        problem = in_row;
        Ok(())
    })?;
    m.values.shrink_to_fit();
    Ok(problem.map_or(Ok(m), Err))
}

fn vector(reader: &mut Reader, name: &str) -> Result<Result<Vec<f32>, LoadError>, String> {
    if reader.next() != Next::Array {
        reader.skip()?;
        return Ok(err(format!("{name} must be a list of numbers")));
    }
    let (mut values, mut problem) = (Vec::new(), None);
    numbers_into(reader, &mut values, &mut problem, |k| format!("{name}[{k}]"))?;
    Ok(problem.map_or(Ok(values), Err))
}

/// Reads the whole text: each known key's numbers go straight into f32 arrays (a 1,024-unit
/// model is 5 million numbers), every other key is only checked as JSON.
fn read_parts(text: &str) -> Result<Result<Parts, LoadError>, String> {
    let mut reader = Reader::new(text);
    if reader.next() != Next::Object {
        reader.skip()?;
        reader.finish()?;
        return Ok(err("the file must hold a JSON object"));
    }
    let mut parts = Parts::default();
    reader.object(|r, key| {
        match key.as_str() {
            "weight_ih_l0" => parts.weight_ih = Some(matrix(r, &key)?),
            "weight_hh_l0" => parts.weight_hh = Some(matrix(r, &key)?),
            "bias_ih_l0" => parts.bias_ih = Some(vector(r, &key)?),
            "bias_hh_l0" => parts.bias_hh = Some(vector(r, &key)?),
            "vocab" => parts.vocab = Some(r.value()?),
            "cell" => parts.cell = Some(r.value()?),
            other => match lstm::SPEC.peepholes.iter().position(|p| p.key == other) {
                Some(k) => parts.peepholes[k] = Some(vector(r, &key)?),
                None => r.skip()?,
            },
        }
        parts.keys.push(key);
        Ok(())
    })?;
    reader.finish()?;
    Ok(Ok(parts))
}

fn present<T>(part: Part<T>, name: &str) -> Result<T, LoadError> {
    part.unwrap_or_else(|| err(format!("{name} is missing")))
}

/// The `"cell"` key, when there is one, must name a cell design this loader reads.
fn named_cell(cell: Option<&Json>) -> Result<Option<CellKind>, LoadError> {
    let Some(cell) = cell else { return Ok(None) };
    match cell.as_str().and_then(CellKind::from_name) {
        Some(kind) => Ok(Some(kind)),
        None => {
            let names: Vec<String> = CellKind::ALL.iter().map(|k| format!("{:?}", k.spec().name)).collect();
            err(format!("cell is {}: expected one of {}", short(cell), names.join(", ")))
        }
    }
}

/// The peepholes: all three keys (H numbers each) or none.
fn read_peepholes(parts: [Part<Vec<f32>>; 3], hidden: usize) -> Result<Vec<f32>, LoadError> {
    let specs = lstm::SPEC.peepholes;
    if parts.iter().all(Option::is_none) {
        return Ok(Vec::new());
    }
    let mut all = Vec::with_capacity(3 * hidden);
    for (part, peephole) in parts.into_iter().zip(specs) {
        let Some(part) = part else {
            let given: Vec<&str> = specs.iter().map(|p| p.key).collect();
            return err(format!("{} is missing: peepholes need all of {}", peephole.key, given.join(", ")));
        };
        let values = part?;
        if values.len() != hidden {
            return err(format!("{} has {} numbers, expected {hidden} (one per unit)", peephole.key, values.len()));
        }
        all.extend(values);
    }
    Ok(all)
}

/// Reads a weights file. `name` labels the model (say, the file name).
pub fn load(text: &str, name: &str) -> Result<Loaded, LoadError> {
    let parts = match read_parts(text) {
        Ok(parts) => parts?,
        Err(e) => return err(format!("not valid JSON: {e}")),
    };
    if parts.keys.iter().any(|k| k.ends_with("_l1")) {
        return err("only a single-layer LSTM is supported (found *_l1 weights)");
    }
    if parts.keys.iter().any(|k| k.ends_with("_reverse")) {
        return err("a bidirectional LSTM is not supported (found *_reverse weights)");
    }
    let named = named_cell(parts.cell.as_ref())?;
    let Matrix { values: weight_ih, rows: rows_ih, columns: input_size } = present(parts.weight_ih, "weight_ih_l0")?;
    if let Some(cell) = named.filter(|k| !k.spec().recurrent) {
        // The minimal cells' gates see x only: W_ih and b_ih, nothing recurrent.
        for (key, given) in [("weight_hh_l0", parts.weight_hh.is_some()), ("bias_hh_l0", parts.bias_hh.is_some())] {
            if given {
                return err(format!("{key} is given, but {} has no recurrent weights (its gates see x only)", cell.spec().a_label()));
            }
        }
    }
    let cell_is_recurrent = named.is_none_or(|k| k.spec().recurrent);
    let (weight_hh, rows_hh, hidden_size) = if cell_is_recurrent {
        let Matrix { values, rows, columns } = present(parts.weight_hh, "weight_hh_l0")?;
        (values, rows, columns)
    } else {
        (Vec::new(), 0, 0)
    };
    // The design: the one the file names, or else what the shapes say: a GRU has 3H rows for H
    // columns, an LSTM 4H.
    let is_gru = hidden_size > 0 && rows_hh == 3 * hidden_size && rows_ih == rows_hh;
    let cell = named.unwrap_or(if is_gru { CellKind::Gru } else { CellKind::Lstm });
    let blocks = cell.spec().blocks.len();
    if rows_ih % blocks != 0 || rows_ih == 0 {
        let other = if cell == CellKind::Lstm { " (a GRU's has 3 × hidden size)" } else { "" };
        let named = cell.spec().a_label();
        return err(format!("weight_ih_l0 has {rows_ih} rows: expected {blocks} × hidden size for {named}{other}"));
    }
    let hidden = rows_ih / blocks;
    if cell_is_recurrent && (hidden_size != hidden || rows_hh != rows_ih) {
        return err(format!(
            "weight_hh_l0 is {rows_hh} × {hidden_size}: expected {rows_ih} × {hidden} to match weight_ih_l0"
        ));
    }
    let bias_ih = present(parts.bias_ih, "bias_ih_l0")?;
    let bias_hh = if cell_is_recurrent { present(parts.bias_hh, "bias_hh_l0")? } else { Vec::new() };
    for (bias_name, bias) in [("bias_ih_l0", &bias_ih), ("bias_hh_l0", &bias_hh)].into_iter().take(if cell_is_recurrent { 2 } else { 1 }) {
        if bias.len() != rows_ih {
            return err(format!("{bias_name} has {} numbers, expected {rows_ih}", bias.len()));
        }
    }
    let Some(vocab) = parts.vocab else {
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
    if cell.spec().peepholes.is_empty() {
        if let Some(peephole) = lstm::SPEC.peepholes.iter().zip(&parts.peepholes).find(|(_, p)| p.is_some()) {
            return err(format!("{} is a peephole, and {} has none", peephole.0.key, cell.spec().a_label()));
        }
    }
    let peepholes = read_peepholes(parts.peepholes, hidden)?;
    let weights = Weights { cell, input_size, hidden_size: hidden, weight_ih, weight_hh, bias_ih, bias_hh, peepholes };
    let cell = Recurrent::new(weights).map_err(|e| LoadError(e.to_string()))?;
    let mut unused_keys: Vec<String> = Vec::new();
    for key in parts.keys {
        if !known_key(&key) && !unused_keys.contains(&key) {
            unused_keys.push(key);
        }
    }
    Ok(Loaded { model: Model { name: name.to_string(), cell, vocab }, unused_keys })
}

/// A one-line note naming the keys a file holds that its cell (an `LSTM`, a `GRU`: the
/// design's label) does not use, or None.
#[must_use]
pub fn unused_note(keys: &[String], cell: &str) -> Option<String> {
    const SHOWN: usize = 8;
    if keys.is_empty() {
        return None;
    }
    let mut listed = keys.iter().take(SHOWN).map(String::as_str).collect::<Vec<_>>().join(", ");
    if keys.len() > SHOWN {
        listed.push_str(&format!(" and {} more", keys.len() - SHOWN));
    }
    let (noun, verb) = if keys.len() == 1 { ("key", "is") } else { ("keys", "are") };
    Some(format!("the file's {noun} {listed} {verb} not part of a single-layer {cell} cell, and {verb} not used"))
}

/// Writes a model in the same format `load` reads (and PyTorch's `load_state_dict` accepts,
/// after `torch.tensor` on each list).
#[must_use]
pub fn export(model: &Model) -> Json {
    let w = model.cell.weights();
    let rows = |values: &[f32], columns: usize| Json::Array(values.chunks(columns).map(Json::floats).collect());
    let vocab: Vec<String> = model.vocab.chars().iter().map(char::to_string).collect();
    // PyTorch's order: W_ih, W_hh, b_ih, b_hh (the recurrent two only for a design with them),
    // then any peepholes.
    let mut object: Vec<(String, Json)> = w
        .tensors()
        .into_iter()
        .map(|(key, values)| {
            let json = match key {
                "weight_ih_l0" => rows(values, w.input_size),
                "weight_hh_l0" => rows(values, w.hidden_size),
                _ => Json::floats(values),
            };
            (key.into(), json)
        })
        .collect();
    object.push(("vocab".into(), Json::strings(&vocab)));
    // An LSTM's file is PyTorch's state_dict as it is; another design says which it is.
    if w.cell != CellKind::Lstm {
        object.push(("cell".into(), Json::String(w.cell.spec().name.into())));
    }
    Json::Object(object)
}
