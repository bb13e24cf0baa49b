//! PyTorch weights as JSON: `nn.LSTM(...).state_dict()` with every tensor turned into nested
//! lists, plus a `vocab` list naming the symbol of each input column.
//!
//! ```python
//! import json
//! state = {k: v.tolist() for k, v in lstm.state_dict().items()}
//! json.dump({**state, "vocab": vocab}, open("weights.json", "w"))
//! ```

use crate::activation::Activation;
use crate::cells::{lstm, CellKind};
use crate::site::Site;
use crate::json::{Json, Next, Reader};
use crate::recurrent::{Recurrent, Weights};
use crate::model::{Model, Readout, Stack};
use crate::limits::MAX_LAYERS;
use crate::numbers::to_f32;
use crate::vocab::Vocab;
use std::fmt;

pub mod keras;

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

/// A weights file, read: the model, and the keys it holds that the model does not use (an
/// optimiser's state, notes), which the page and the CLI name rather than drop without a word.
#[derive(Clone, Debug)]
pub struct Loaded {
    pub model: Model,
    pub unused_keys: Vec<String>,
    /// The activations the file's model runs with, per site, when it says (a Keras or TF.js
    /// model's config does; a PyTorch state_dict does not, and leaves the page's as they are).
    pub activations: Vec<(Site, Activation)>,
    /// What the reader should know about how the file was read.
    pub notes: Vec<String>,
}

/// The names of a recurrent layer's tensors, before `_l{k}`: PyTorch's, then the peepholes',
/// then `weight_hr` (an LSTM with `proj_size`, which is refused by name).
const LAYER_TENSORS: [&str; 8] = ["weight_ih", "weight_hh", "bias_ih", "bias_hh", "weight_ci", "weight_cf", "weight_co", "weight_hr"];

/// A recurrent module's key, taken apart: `lstm.weight_ih_l1` is module prefix `lstm.`, tensor
/// `weight_ih`, layer 1; `_reverse` marks the second direction of a bidirectional module.
#[derive(Clone, Debug, PartialEq)]
struct LayerKey<'a> {
    prefix: &'a str,
    tensor: &'static str,
    layer: usize,
    reverse: bool,
}

fn layer_key(key: &str) -> Option<LayerKey<'_>> {
    let (prefix, name) = key.rfind('.').map_or(("", key), |dot| key.split_at(dot + 1));
    let (name, reverse) = name.strip_suffix("_reverse").map_or((name, false), |n| (n, true));
    let (tensor, layer) = name.rsplit_once("_l")?;
    let tensor = LAYER_TENSORS.into_iter().find(|t| *t == tensor)?;
    if layer.is_empty() || !layer.bytes().all(|b| b.is_ascii_digit()) || (layer.len() > 1 && layer.starts_with('0')) {
        return None;
    }
    Some(LayerKey { prefix, tensor, layer: layer.parse().ok()?, reverse })
}

/// A tensor read straight from the file: its numbers row-major, and its shape (one size for a
/// list of numbers, two for a list of rows).
pub(crate) struct Tensor {
    pub(crate) values: Vec<f32>,
    pub(crate) shape: Vec<usize>,
}

/// A key's contents, or what is wrong with them (reported only once the whole text is known to
/// be JSON, and only for a key the model is read from).
pub(crate) type Part<T> = Result<T, LoadError>;

/// What the file's keys held. A repeated key's last value counts, as in `json::parse`.
#[derive(Default)]
pub(crate) struct Parts {
    pub(crate) tensors: Vec<(String, Part<Tensor>)>,
    pub(crate) vocab: Option<Json>,
    pub(crate) cell: Option<Json>,
    /// A Keras model's `model.to_json()` (as JSON, or as the string Keras returns).
    keras_config: Option<Json>,
    /// A training export's task title: its read-out predicts the next character only on the
    /// "next character" task (a recall task's read-out scores the same characters, but not as
    /// what comes next).
    task: Option<Json>,
    /// Every key, in the file's order.
    pub(crate) keys: Vec<String>,
    /// The keys the model was read from.
    used: Vec<String>,
}

impl Parts {
    fn get(&self, key: &str) -> Option<&Part<Tensor>> {
        self.tensors.iter().rev().find(|(k, _)| k == key).map(|(_, t)| t)
    }

    /// Takes a tensor out (a repeated key's last value), marking the key as used.
    pub(crate) fn take(&mut self, key: &str) -> Option<Part<Tensor>> {
        let at = self.tensors.iter().rposition(|(k, _)| k == key)?;
        let (key, tensor) = self.tensors.remove(at);
        self.tensors.retain(|(k, _)| *k != key);
        self.used.push(key);
        Some(tensor)
    }

    /// A matrix (rows × columns) by key.
    fn matrix(&mut self, key: &str) -> Option<Part<Tensor>> {
        self.take(key).map(|t| match t {
            Ok(t) if t.shape.len() == 2 => Ok(t),
            Ok(_) => err(format!("{key} must be a list of rows")),
            Err(e) => Err(e),
        })
    }

    /// A vector by key.
    fn vector(&mut self, key: &str) -> Option<Part<Vec<f32>>> {
        self.take(key).map(|t| match t {
            Ok(t) if t.shape.len() == 1 => Ok(t.values),
            Ok(_) => err(format!("{key} must be a list of numbers")),
            Err(e) => Err(e),
        })
    }
}

/// A JSON value as a message quotes it: its first 40 characters.
pub(crate) fn short(value: &Json) -> String {
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

/// A list of numbers or a list of rows of equal length, read straight into one f32 array.
fn tensor(reader: &mut Reader, name: &str) -> Result<Part<Tensor>, String> {
    let mut t = Tensor { values: Vec::new(), shape: vec![0] };
    let mut problem = None;
    let mut columns = 0;
    reader.array(|r| {
        let row = t.shape[0];
        t.shape[0] += 1;
        if problem.is_some() {
            return r.skip();
        }
        // The first item says which: numbers, or rows.
        if row == 0 && r.next() == Next::Array {
            t.shape.push(0);
        }
        if t.shape.len() == 1 {
            match number(r, || format!("{name}[{row}]"))? {
                Ok(v) => t.values.push(v),
                Err(e) => problem = Some(e),
            }
            return Ok(());
        }
        if r.next() != Next::Array {
            problem = Some(LoadError(format!("{name}[{row}] must be a list of numbers")));
            return r.skip();
        }
        let mut in_row = None;
        let count = numbers_into(r, &mut t.values, &mut in_row, |c| format!("{name}[{row}][{c}]"))?;
        // A row of the wrong length is reported before a bad number in it.
        if row == 0 {
            columns = count;
            // weight_hh is 4H × H: room for that at once, rather than doubling up to it.
            t.values.reserve(count.saturating_mul(count).saturating_mul(4).min(1 << 24));
        } else if count != columns {
            in_row = Some(LoadError(format!("{name}[{row}] has {count} numbers, but row 0 has {columns}")));
        }
        problem = in_row;
        Ok(())
    })?;
    if t.shape.len() == 2 {
        t.shape[1] = columns;
    }
    t.values.shrink_to_fit();
    Ok(problem.map_or(Ok(t), Err))
}

/// Reads the whole text: every list goes straight into f32 arrays (a 1,024-unit model is
/// 5 million numbers), `vocab` and `cell` are kept as JSON, anything else is only checked.
fn read_parts(text: &str) -> Result<Part<Parts>, String> {
    let mut reader = Reader::new(text);
    if reader.next() != Next::Object {
        reader.skip()?;
        reader.finish()?;
        return Ok(err("the file must hold a JSON object"));
    }
    let mut parts = Parts::default();
    reader.object(|r, key| {
        match key.as_str() {
            "vocab" => parts.vocab = Some(r.value()?),
            "cell" => parts.cell = Some(r.value()?),
            "task" => parts.task = Some(r.value()?),
            "keras_config" => parts.keras_config = Some(r.value()?),
            _ if r.next() == Next::Array => {
                let t = tensor(r, &key)?;
                parts.tensors.push((key.clone(), t));
            }
            // A layer's tensor that is not a list is kept as the error it is.
            _ if layer_key(&key).is_some() => {
                r.skip()?;
                let matrix = layer_key(&key).is_some_and(|l| ["weight_ih", "weight_hh", "weight_hr"].contains(&l.tensor));
                let what = if matrix { "a list of rows" } else { "a list of numbers" };
                parts.tensors.push((key.clone(), err(format!("{key} must be {what}"))));
            }
            _ => r.skip()?,
        }
        parts.keys.push(key);
        Ok(())
    })?;
    reader.finish()?;
    Ok(Ok(parts))
}

fn present<T>(part: Option<Part<T>>, name: &str) -> Result<T, LoadError> {
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
fn read_peepholes(parts: &mut Parts, key: impl Fn(&str) -> String, hidden: usize) -> Result<Vec<f32>, LoadError> {
    let specs = lstm::SPEC.peepholes;
    let given: Vec<String> = specs.iter().map(|p| key(p.key.trim_end_matches("_l0"))).collect();
    if given.iter().all(|k| parts.get(k).is_none()) {
        return Ok(Vec::new());
    }
    let mut all = Vec::with_capacity(3 * hidden);
    for name in &given {
        let Some(part) = parts.vector(name) else {
            return err(format!("{name} is missing: peepholes need all of {}", given.join(", ")));
        };
        let values = part?;
        if values.len() != hidden {
            return err(format!("{name} has {} numbers, expected {hidden} (one per unit)", values.len()));
        }
        all.extend(values);
    }
    Ok(all)
}

/// One layer's weights, read from the keys `{prefix}{tensor}_l{layer}`. `named` is the file's
/// `"cell"`; else the first layer's shapes decide, and `design` is what they decided (every
/// layer of a PyTorch module is the same design). `input` is the size the layer must read (the
/// h of the layer below), or None for layer 0, whose input columns are the file's to say.
fn read_layer(parts: &mut Parts, prefix: &str, layer: usize, named: Option<CellKind>, design: Option<CellKind>, input: Option<usize>) -> Result<Weights<f32>, LoadError> {
    let key = |tensor: &str| format!("{prefix}{tensor}_l{layer}");
    let (ih, hh, b_ih, b_hh) = (key("weight_ih"), key("weight_hh"), key("bias_ih"), key("bias_hh"));
    let Tensor { values: weight_ih, shape } = present(parts.matrix(&ih), &ih)?;
    let (rows_ih, input_size) = (shape[0], shape[1]);
    if input_size == 0 {
        return err(format!("{ih} has 0 input columns: the hidden size and the input size must be at least 1"));
    }
    let declared = named.or(design);
    if let Some(cell) = declared.filter(|k| !k.spec().recurrent) {
        // The minimal cells' gates see x only: W_ih and b_ih, nothing recurrent.
        for name in [&hh, &b_hh] {
            if parts.get(name).is_some() {
                return err(format!("{name} is given, but {} has no recurrent weights (its gates see x only)", cell.spec().a_label()));
            }
        }
    }
    let cell_is_recurrent = declared.is_none_or(|k| k.spec().recurrent);
    let (weight_hh, rows_hh, hidden_size) = if cell_is_recurrent {
        let Tensor { values, shape } = present(parts.matrix(&hh), &hh)?;
        (values, shape[0], shape[1])
    } else {
        (Vec::new(), 0, 0)
    };
    // The design: the one the file names, or else what the shapes say: a GRU has 3H rows for H
    // columns, an LSTM 4H.
    let is_gru = hidden_size > 0 && rows_hh == 3 * hidden_size && rows_ih == rows_hh;
    let cell = declared.unwrap_or(if is_gru { CellKind::Gru } else { CellKind::Lstm });
    let blocks = cell.spec().blocks.len();
    if rows_ih % blocks != 0 || rows_ih == 0 {
        let other = if cell == CellKind::Lstm { " (a GRU's has 3 × hidden size)" } else { "" };
        let named = cell.spec().a_label();
        return err(format!("{ih} has {rows_ih} rows: expected {blocks} × hidden size for {named}{other}"));
    }
    let hidden = rows_ih / blocks;
    if cell_is_recurrent && (hidden_size != hidden || rows_hh != rows_ih) {
        return err(format!("{hh} is {rows_hh} × {hidden_size}: expected {rows_ih} × {hidden} to match {ih}"));
    }
    if let Some(below) = input.filter(|i| *i != input_size) {
        return err(format!("{ih} has {input_size} input columns: layer {layer} reads the h of layer {}, which has {below} units", layer - 1));
    }
    let bias_ih = present(parts.vector(&b_ih), &b_ih)?;
    let bias_hh = if cell_is_recurrent { present(parts.vector(&b_hh), &b_hh)? } else { Vec::new() };
    for (bias_name, bias) in [(&b_ih, &bias_ih), (&b_hh, &bias_hh)].into_iter().take(if cell_is_recurrent { 2 } else { 1 }) {
        if bias.len() != rows_ih {
            return err(format!("{bias_name} has {} numbers, expected {rows_ih}", bias.len()));
        }
    }
    if cell.spec().peepholes.is_empty() {
        if let Some(name) = lstm::SPEC.peepholes.iter().map(|p| key(p.key.trim_end_matches("_l0"))).find(|k| parts.get(k).is_some()) {
            return err(format!("{name} is a peephole, and {} has none", cell.spec().a_label()));
        }
    }
    let peepholes = read_peepholes(parts, key, hidden)?;
    Ok(Weights { cell, input_size, hidden_size: hidden, weight_ih, weight_hh, bias_ih, bias_hh, peepholes })
}

/// The `vocab` key: a list of one-character strings.
fn read_vocab(vocab: Option<Json>, columns: usize) -> Result<Vocab, LoadError> {
    let Some(vocab) = vocab else {
        return err(format!("vocab is missing: add a list of {columns} one-character strings"));
    };
    let Some(entries) = vocab.as_array() else { return err("vocab must be a list of strings") };
    let mut strings = Vec::with_capacity(entries.len());
    for (k, entry) in entries.iter().enumerate() {
        match entry.as_str() {
            Some(s) => strings.push(s.to_string()),
            None => return err(format!("vocab[{k}] is {}, not a string", short(entry))),
        }
    }
    Vocab::from_strings(&strings).map_err(|e| LoadError(e.to_string()))
}

/// The modules that are not the recurrent one: `name.weight` with or without `name.bias`.
/// Returns (embeddings, linears) whose shapes fit: an embedding is vocab × layer 0's input
/// columns and has no bias; a read-out is outputs × the top layer's H, with a bias.
fn other_modules(parts: &Parts, vocab: usize, input: usize, top: usize) -> (Vec<String>, Vec<String>) {
    let (mut embeddings, mut linears) = (Vec::new(), Vec::new());
    for (key, tensor) in &parts.tensors {
        let Some(module) = key.strip_suffix("weight") else { continue };
        if !(module.is_empty() || module.ends_with('.')) || layer_key(key).is_some() {
            continue;
        }
        let Ok(Tensor { shape, .. }) = tensor else { continue };
        let bias = parts.get(&format!("{module}bias"));
        match (shape.as_slice(), bias) {
            ([rows, columns], None) if *rows == vocab && *columns == input => embeddings.push(key.clone()),
            ([rows, columns], Some(Ok(b))) if *columns == top && b.shape == [*rows] => linears.push(key.clone()),
            _ => {}
        }
    }
    (embeddings, linears)
}

/// W_ih · Eᵀ: layer 0's weights for a one-hot input, from its weights for the embedding's
/// vectors (`weight_ih` is rows × E, `embedding` V × E; the result is rows × V). Summed in f64.
fn fold_embedding(weight_ih: &[f32], rows: usize, embedding: &[f32], width: usize) -> Vec<f32> {
    let vocab = embedding.len() / width.max(1);
    let mut folded = Vec::with_capacity(rows * vocab);
    for row in weight_ih.chunks_exact(width) {
        for e in embedding.chunks_exact(width) {
            let dot: f64 = row.iter().zip(e).map(|(w, x)| f64::from(*w) * f64::from(*x)).sum();
            folded.push(to_f32(dot));
        }
    }
    debug_assert_eq!(folded.len(), rows * vocab);
    folded
}

/// Reads a weights file. `name` labels the model (say, the file name).
///
/// It takes a whole model's `state_dict`: one recurrent module of any number of layers (its keys
/// may carry a module prefix, `lstm.weight_ih_l0`), at most one `nn.Embedding` (folded into
/// layer 0's weights) and at most one `nn.Linear` read-out, plus the `vocab` key.
pub fn load(text: &str, name: &str) -> Result<Loaded, LoadError> {
    let parts = match read_parts(text) {
        Ok(parts) => parts?,
        Err(e) => return err(format!("not valid JSON: {e}")),
    };
    if parts.keys.iter().any(|k| k == "weightsManifest") && parts.keys.iter().any(|k| k == "modelTopology") {
        let files = keras::tfjs_weight_files(text).unwrap_or_default();
        return err(format!("it is a TensorFlow.js model.json, whose weights are in {}: pick or drop them together with it (gatelab reads them from beside it)", files.join(", ")));
    }
    assemble(parts, name)
}

/// Reads a `.safetensors` file: the same tensors as [`load`] takes, with the vocab as a JSON
/// list of strings under `vocab` in the header's `__metadata__` (and `cell` there, if it is not
/// an LSTM). F32, F64, F16 and BF16 tensors are read; each number goes straight into an f32.
///
/// The format (huggingface/safetensors): an 8-byte little-endian header length, a JSON header
/// naming each tensor's dtype, shape and byte range, then the data. It is read here rather than
/// with the `safetensors` crate, whose JSON reader made the page's module 40 KB larger gzipped;
/// the tests check this reader against that crate's writer and reader.
pub fn load_safetensors(bytes: &[u8], name: &str) -> Result<Loaded, LoadError> {
    let bad = |why: String| LoadError(format!("not a safetensors file: {why}"));
    let length = bytes.get(..8).map(|b| u64::from_le_bytes(b.try_into().expect("8 bytes"))).ok_or_else(|| bad("it is under 8 bytes long".into()))?;
    let start = usize::try_from(length).ok().and_then(|n| n.checked_add(8)).filter(|end| *end <= bytes.len());
    let Some(start) = start else {
        return Err(bad(format!("its header is {length} bytes long, and the file holds {}", bytes.len().saturating_sub(8))));
    };
    let header = std::str::from_utf8(&bytes[8..start]).map_err(|e| bad(format!("its header is not UTF-8 (byte {})", e.valid_up_to())))?;
    let header = crate::json::parse(header).map_err(|e| bad(format!("its header is not JSON: {e}")))?;
    let Some(entries) = header.as_object() else { return Err(bad("its header is not a JSON object".into())) };
    let data = &bytes[start..];
    let mut parts = Parts::default();
    let mut ranges: Vec<(usize, usize, &str)> = Vec::new();
    for (key, entry) in entries {
        if key == "__metadata__" {
            read_metadata(entry, &mut parts)?;
            continue;
        }
        let (tensor, range) = safetensor(key, entry, data).map_err(bad)?;
        ranges.push((range.0, range.1, key));
        parts.tensors.push((key.clone(), tensor));
        parts.keys.push(key.clone());
    }
    // The byte ranges tile the data from its first byte to its last, as the format requires
    // and its own reader checks: no overlap, no gap, nothing after.
    ranges.sort_unstable();
    if let Some(w) = ranges.windows(2).find(|w| w[1].0 != w[0].1) {
        let how = if w[1].0 < w[0].1 { "share bytes" } else { "leave a gap between them" };
        return Err(bad(format!("{} and {} {how}", w[0].2, w[1].2)));
    }
    let (first, last) = (ranges.first().map_or(0, |r| r.0), ranges.last().map_or(0, |r| r.1));
    if first != 0 || last != data.len() {
        return Err(bad(format!("its tensors cover bytes {first} to {last} of its {} bytes of data", data.len())));
    }
    assemble(parts, name)
}

/// A model as `.safetensors` (written by the safetensors crate, natively): the tensors
/// [`export`] writes, as F32, with the vocab (and a design other than the LSTM, and `task` for
/// a training export whose read-out does not predict the next character) in the metadata.
#[cfg(not(target_arch = "wasm32"))]
pub fn export_safetensors(model: &Model, extra: &[(&str, Vec<usize>, Vec<f32>)], metadata: &[(&str, String)]) -> Result<Vec<u8>, String> {
    use safetensors::tensor::{Dtype, TensorView};
    let mut tensors: Vec<(String, Vec<usize>, Vec<u8>)> = Vec::new();
    let bytes = |values: &[f32]| values.iter().flat_map(|v| v.to_le_bytes()).collect::<Vec<u8>>();
    for (layer, cell) in model.all_layers().enumerate() {
        let w = cell.weights();
        for (key, values) in w.tensors() {
            let shape = match key {
                "weight_ih_l0" => vec![values.len() / w.input_size, w.input_size],
                "weight_hh_l0" => vec![values.len() / w.hidden_size, w.hidden_size],
                _ => vec![values.len()],
            };
            tensors.push((format!("{}{layer}", key.trim_end_matches('0')), shape, bytes(values)));
        }
    }
    if let Some(readout) = &model.stack.readout {
        tensors.push(("readout.weight".into(), vec![readout.bias.len(), readout.weight.len() / readout.bias.len().max(1)], bytes(&readout.weight)));
        tensors.push(("readout.bias".into(), vec![readout.bias.len()], bytes(&readout.bias)));
    }
    tensors.extend(extra.iter().map(|(k, shape, values)| ((*k).to_string(), shape.clone(), bytes(values))));
    let views: Vec<(String, TensorView<'_>)> = tensors
        .iter()
        .map(|(k, shape, data)| TensorView::new(Dtype::F32, shape.clone(), data).map(|v| (k.clone(), v)))
        .collect::<Result<_, _>>()
        .map_err(|e| e.to_string())?;
    let vocab: Vec<String> = model.vocab.chars().iter().map(char::to_string).collect();
    let mut info = vec![("vocab".to_string(), Json::strings(&vocab).to_string())];
    if model.cell.kind() != CellKind::Lstm {
        info.push(("cell".into(), model.cell.spec().name.into()));
    }
    info.extend(metadata.iter().map(|(k, v)| ((*k).to_string(), v.clone())));
    safetensors::serialize(views, Some(info.into_iter().collect())).map_err(|e| e.to_string())
}

/// The header's `__metadata__`: string values; `vocab` and `cell` are read, `format` is
/// PyTorch's own ("pt"), any other key is named as unused.
fn read_metadata(metadata: &Json, parts: &mut Parts) -> Result<(), LoadError> {
    let Some(entries) = metadata.as_object() else { return err("__metadata__ must be a JSON object of strings") };
    for (key, value) in entries {
        let place = format!("__metadata__.{key}");
        let Some(value) = value.as_str() else { return err(format!("{place} must be a string")) };
        match key.as_str() {
            "vocab" => parts.vocab = Some(crate::json::parse(value).map_err(|e| LoadError(format!("{place} is not a JSON list of strings: {e}")))?),
            "cell" => parts.cell = Some(Json::String(value.to_string())),
            "task" => parts.task = Some(Json::String(value.to_string())),
            "keras_config" => parts.keras_config = Some(Json::String(value.to_string())),
            "format" => {}
            _ => parts.keys.push(place),
        }
    }
    Ok(())
}

/// One tensor's header entry and its bytes: the tensor (or what is wrong with its numbers),
/// and its byte range. A header that does not describe its data is an error of the whole file.
fn safetensor(key: &str, entry: &Json, data: &[u8]) -> Result<(Part<Tensor>, (usize, usize)), String> {
    // A whole number of bytes or elements, below 2^53 (so exact in the f64 JSON gives).
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let whole = |v: &Json| v.as_f64().filter(|x| x.fract() == 0.0 && *x >= 0.0 && *x < 9.0e15).map(|x| x as usize);
    let dtype = entry.get("dtype").and_then(Json::as_str).ok_or_else(|| format!("{key} has no dtype"))?;
    let shape: Option<Vec<usize>> = entry.get("shape").and_then(Json::as_array).map(|dims| dims.iter().map(whole).collect()).and_then(|d: Option<Vec<usize>>| d);
    let shape = shape.ok_or_else(|| format!("{key}'s shape is not a list of sizes"))?;
    let offsets: Option<Vec<usize>> = entry.get("data_offsets").and_then(Json::as_array).map(|o| o.iter().map(whole).collect()).and_then(|o: Option<Vec<usize>>| o);
    let (begin, end) = match offsets.as_deref() {
        Some(&[begin, end]) if begin <= end && end <= data.len() => (begin, end),
        _ => return Err(format!("{key}'s data_offsets are not two byte positions within the data")),
    };
    let width = match dtype {
        "F64" => 8,
        "F32" => 4,
        "F16" | "BF16" => 2,
        _ => return Ok((err(format!("{key} is {dtype}: weights must be F32, F64, F16 or BF16")), (begin, end))),
    };
    let count = shape.iter().try_fold(1_usize, |n, d| n.checked_mul(*d));
    if count.and_then(|n| n.checked_mul(width)) != Some(end - begin) {
        return Err(format!("{key} is {dtype} of shape {shape:?}, but has {} bytes", end - begin));
    }
    if shape.is_empty() || shape.len() > 2 {
        return Ok((err(format!("{key} has {} dimensions: a weight has 1 or 2", shape.len())), (begin, end)));
    }
    let bytes = &data[begin..end];
    let values: Vec<f32> = match width {
        8 => bytes.chunks_exact(8).map(|b| to_f32(f64::from_le_bytes(b.try_into().expect("8 bytes")))).collect(),
        4 => bytes.chunks_exact(4).map(|b| f32::from_le_bytes(b.try_into().expect("4 bytes"))).collect(),
        // bfloat16 is the top half of an f32.
        _ if dtype == "BF16" => bytes.chunks_exact(2).map(|b| f32::from_bits(u32::from(u16::from_le_bytes([b[0], b[1]])) << 16)).collect(),
        _ => bytes.chunks_exact(2).map(|b| f16_to_f32(u16::from_le_bytes([b[0], b[1]]))).collect(),
    };
    let tensor = match values.iter().position(|v| !v.is_finite()) {
        Some(k) => err(format!("{key}[{k}] is not a finite number")),
        None => Ok(Tensor { values, shape }),
    };
    Ok((tensor, (begin, end)))
}

/// An IEEE half-precision number's bits as f32 (exactly: every half is an f32).
pub(crate) fn f16_to_f32(bits: u16) -> f32 {
    let sign = u32::from(bits >> 15) << 31;
    let exponent = u32::from((bits >> 10) & 0x1f);
    let mantissa = u32::from(bits & 0x3ff);
    let magnitude = match (exponent, mantissa) {
        (0, 0) => 0,
        // Subnormal: mantissa · 2^−24, normalised for f32.
        (0, m) => {
            let shift = m.leading_zeros() - 21;
            ((127 - 15 + 1 - shift) << 23) | ((m << shift) & 0x3ff) << 13
        }
        (0x1f, m) => 0x7f80_0000 | (m << 13),
        (e, m) => ((e + 127 - 15) << 23) | (m << 13),
    };
    f32::from_bits(sign | magnitude)
}

/// Reads a weights file of either format: safetensors when its name ends `.safetensors` or it
/// does not start as a JSON object does, else JSON.
pub fn load_file(bytes: &[u8], name: &str) -> Result<Loaded, LoadError> {
    let json_like = bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
    if name.ends_with(".safetensors") || !json_like {
        return load_safetensors(bytes, name);
    }
    let as_json = match std::str::from_utf8(bytes) {
        Ok(text) => load(text, name),
        Err(e) => err(format!("not valid JSON: it is not UTF-8 text (byte {})", e.valid_up_to())),
    };
    // A safetensors file whose header length happens to start with the byte of "{", under a
    // name without the extension: read as one if it is one, else the JSON error stands.
    match as_json {
        Err(json_error) if json_error.0.starts_with("not valid JSON") => load_safetensors(bytes, name).map_err(|_| json_error),
        other => other,
    }
}

/// Builds the model from the tensors read (from JSON or safetensors): PyTorch's keys, or
/// Keras's (converted to PyTorch's first).
fn assemble(mut parts: Parts, name: &str) -> Result<Loaded, LoadError> {
    let pytorch_keys = parts.keys.iter().any(|k| layer_key(k).is_some());
    if pytorch_keys || !keras::is_keras(&parts.keys) {
        return assemble_converted(parts, name, None);
    }
    let config = match parts.keras_config.take() {
        Some(Json::String(text)) => Some(crate::json::parse(&text).map_err(|e| LoadError(format!("keras_config is not JSON: {e}")))?),
        other => other,
    };
    let version = config.as_ref().and_then(keras::keras_version);
    let converted = keras::convert(&mut parts, config.as_ref(), keras::Source::Keras { version })?;
    assemble_converted(parts, name, Some(converted))
}

/// Builds the model from PyTorch's keys, with the activations and notes of a conversion.
pub(crate) fn assemble_converted(mut parts: Parts, name: &str, converted: Option<keras::Converted>) -> Result<Loaded, LoadError> {
    let layer_keys: Vec<(String, LayerKey)> =
        parts.tensors.iter().filter_map(|(k, _)| layer_key(k).map(|l| (k.clone(), l))).collect();
    if let Some((key, _)) = layer_keys.iter().find(|(_, l)| l.reverse) {
        return err(format!("{key}: a bidirectional module (bidirectional=True, found *_reverse weights) is not supported; save one direction"));
    }
    if let Some((key, _)) = layer_keys.iter().find(|(_, l)| l.tensor == "weight_hr") {
        return err(format!("{key}: an LSTM with proj_size (h projected to a smaller size) is not supported"));
    }
    let mut prefixes: Vec<&str> = layer_keys.iter().filter(|(_, l)| l.tensor == "weight_ih").map(|(_, l)| l.prefix).collect();
    prefixes.dedup();
    prefixes.sort_unstable();
    prefixes.dedup();
    if prefixes.len() > 1 {
        let keys: Vec<String> = prefixes.iter().map(|p| format!("{p}weight_ih_l0")).collect();
        return err(format!("the file holds more than one recurrent module ({}): save one model's state_dict", keys.join(", ")));
    }
    let prefix = prefixes.first().map_or(String::new(), |p| (*p).to_string());
    if let Some((key, _)) = layer_keys.iter().find(|(_, l)| l.layer >= MAX_LAYERS) {
        return err(format!("{key}: Gate Lab reads models of up to {MAX_LAYERS} layers"));
    }
    let layers = layer_keys.iter().filter(|(_, l)| l.prefix == prefix).map(|(_, l)| l.layer + 1).max().unwrap_or(1);
    let named = named_cell(parts.cell.as_ref())?;
    let mut stack: Vec<Weights<f32>> = Vec::with_capacity(layers);
    for layer in 0..layers {
        let input = stack.last().map(|w| w.hidden_size);
        let design = stack.first().map(|w| w.cell);
        stack.push(read_layer(&mut parts, &prefix, layer, named, design, input)?);
    }
    let (input_size, top) = (stack[0].input_size, stack[layers - 1].hidden_size);
    let vocab = read_vocab(parts.vocab.take(), input_size)?;
    let (embeddings, linears) = other_modules(&parts, vocab.len(), input_size, top);
    if embeddings.len() > 1 {
        return err(format!("{} could each be the embedding ({} × {input_size}): keep one", embeddings.join(" and "), vocab.len()));
    }
    if linears.len() > 1 {
        return err(format!("{} could each be the read-out (× {top} columns, with a bias): keep one", linears.join(" and ")));
    }
    let mut embedding = None;
    if let Some(key) = embeddings.first() {
        let Ok(table) = parts.matrix(key).expect("listed") else { unreachable!("only a tensor read whole is listed") };
        let w = &mut stack[0];
        w.weight_ih = fold_embedding(&w.weight_ih, w.weight_ih.len() / input_size, &table.values, input_size);
        w.input_size = vocab.len();
        embedding = Some(input_size);
    } else if vocab.len() != input_size {
        return err(format!("vocab has {} entries but {prefix}weight_ih_l0 has {input_size} input columns (and no nn.Embedding of {} × {input_size} is in the file)", vocab.len(), vocab.len()));
    }
    let mut readout = None;
    if let Some(key) = linears.first() {
        let bias_key = format!("{}bias", key.trim_end_matches("weight"));
        let rows = parts.get(key).and_then(|t| t.as_ref().ok()).map_or(0, |t| t.shape[0]);
        // A read-out is used only when it scores the vocab's characters as the next one; else it
        // is named unused.
        let next_character = parts.task.as_ref().is_none_or(|t| t.as_str() == Some("next character"));
        if rows == vocab.len() && next_character {
            let Some(Ok(weight)) = parts.matrix(key) else { unreachable!("listed") };
            let bias = parts.vector(&bias_key).expect("listed")?;
            readout = Some(Readout { weight: weight.values, bias });
        }
    }
    let mut cells = Vec::with_capacity(layers);
    for weights in stack {
        cells.push(Recurrent::new(weights).map_err(|e| LoadError(e.to_string()))?);
    }
    let mut unused_keys: Vec<String> = Vec::new();
    for key in &parts.keys {
        // `task` says what a training export's read-out predicts: it is read, as vocab and cell are.
        if !["vocab", "cell", "task", "keras_config"].contains(&key.as_str()) && !parts.used.contains(key) && !unused_keys.contains(key) {
            unused_keys.push(key.clone());
        }
    }
    let top_cell = cells.pop().expect("at least one layer");
    let mut model = Model::new(name, top_cell, vocab);
    model.stack = Stack { below: cells, above: Vec::new(), readout, embedding };
    let (activations, notes) = converted.map(|c| (c.activations, c.notes)).unwrap_or_default();
    Ok(Loaded { model, unused_keys, activations, notes })
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
    Some(format!("the file's {noun} {listed} {verb} not used: the page reads the {cell}'s layers, an embedding, and a read-out that predicts the next character"))
}

/// Writes a model in the same format `load` reads (and PyTorch's `load_state_dict` accepts,
/// after `torch.tensor` on each list): every layer, `_l0` up; an embedding is written folded
/// into layer 0's W_ih, and a read-out as `readout.weight` and `readout.bias`.
#[must_use]
pub fn export(model: &Model) -> Json {
    let rows = |values: &[f32], columns: usize| Json::Array(values.chunks(columns).map(Json::floats).collect());
    let mut object: Vec<(String, Json)> = Vec::new();
    for (layer, cell) in model.all_layers().enumerate() {
        let w = cell.weights();
        // PyTorch's order: W_ih, W_hh, b_ih, b_hh (the recurrent two only for a design with
        // them), then any peepholes.
        for (key, values) in w.tensors() {
            let json = match key {
                "weight_ih_l0" => rows(values, w.input_size),
                "weight_hh_l0" => rows(values, w.hidden_size),
                _ => Json::floats(values),
            };
            object.push((format!("{}{layer}", key.trim_end_matches('0')), json));
        }
    }
    if let Some(readout) = &model.stack.readout {
        object.push(("readout.weight".into(), rows(&readout.weight, model.all_layers().last().map_or(1, Recurrent::hidden_size))));
        object.push(("readout.bias".into(), Json::floats(&readout.bias)));
    }
    let vocab: Vec<String> = model.vocab.chars().iter().map(char::to_string).collect();
    object.push(("vocab".into(), Json::strings(&vocab)));
    // An LSTM's file is PyTorch's state_dict as it is; another design says which it is.
    if model.cell.kind() != CellKind::Lstm {
        object.push(("cell".into(), Json::String(model.cell.spec().name.into())));
    }
    Json::Object(object)
}

#[cfg(test)]
#[allow(clippy::float_cmp)] // exact: every half is an f32
mod tests {
    use super::f16_to_f32;

    #[test]
    fn halves_are_read_exactly() {
        // Worked from IEEE 754's binary16: sign, 5 exponent bits (bias 15), 10 mantissa bits.
        assert_eq!(f16_to_f32(0x3c00), 1.0);
        assert_eq!(f16_to_f32(0xc000), -2.0);
        assert_eq!(f16_to_f32(0x3555), 0.333_251_95); // 1.0101010101b × 2^−2 = 1365/4096
        assert_eq!(f16_to_f32(0x7bff), 65504.0, "the largest half");
        assert_eq!(f16_to_f32(0x0001), 2f32.powi(-24), "the smallest subnormal");
        assert_eq!(f16_to_f32(0x03ff), 1023.0 * 2f32.powi(-24), "the largest subnormal");
        assert_eq!(f16_to_f32(0x0400), 2f32.powi(-14), "the smallest normal");
        assert_eq!(f16_to_f32(0x8000).to_bits(), (-0.0f32).to_bits());
        assert_eq!(f16_to_f32(0x7c00), f32::INFINITY);
        assert!(f16_to_f32(0x7e00).is_nan());
    }
}
