//! Keras and TensorFlow.js models, read into PyTorch's layout (then loaded as a PyTorch
//! state_dict is, by [`crate::pytorch`]).
//!
//! - A **TensorFlow.js layers model**: `model.json` (its topology and a manifest of its weights)
//!   and the `.bin` files the manifest names, their bytes in the manifest's order.
//! - **Keras weights** as JSON or `.safetensors`, keyed by Keras's variable paths
//!   (`lstm/lstm_cell/kernel`), optionally with the model's `model.to_json()` under
//!   `keras_config`, which says each layer's activations and order.
//!
//! Keras keeps a recurrent layer's weights transposed against PyTorch's: `kernel` is (I, 4U),
//! `recurrent_kernel` (U, 4U) and `bias` (4U), the gates in the order i, f, c, o, which is
//! PyTorch's i, f, g, o. So `weight_ih` = kernelᵀ, `weight_hh` = recurrent_kernelᵀ,
//! `bias_ih` = bias and `bias_hh` = 0. A GRU's gates are z, r, h in Keras and r, z, n in
//! PyTorch; with `reset_after` (Keras's default since TF 2) its two biases are the rows of a
//! (2, 3U) bias, and r scales the recurrent part with its bias, as in PyTorch.

use crate::activation::Activation;
use crate::json::Json;
use crate::pytorch::{self, LoadError, Loaded, Parts, Tensor};
use crate::site::Site;

fn err<T>(message: impl Into<String>) -> Result<T, LoadError> {
    Err(LoadError(message.into()))
}

/// Where a model's Keras layers came from: the meaning of `hard_sigmoid` depends on it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Source {
    /// A TF.js model.json: its `hard_sigmoid` is TF.js's, clip(0.2x + 0.5), and it is the
    /// default recurrent activation.
    Tfjs,
    /// Keras weights with `keras_config`: Keras 3's `hard_sigmoid` is relu6(x + 3)/6, PyTorch's;
    /// Keras 2's was clip(0.2x + 0.5). Sigmoid is the default.
    Keras { version: Option<u32> },
}

/// One layer of the topology: its class (`LSTM`, `Embedding`, ...), name and config.
struct Layer<'a> {
    class: String,
    name: String,
    config: Option<&'a Json>,
}

/// The layers of a Keras topology (`model.to_json()`, or a TF.js model.json's `modelTopology`),
/// in order. A TimeDistributed layer is read as the layer it wraps, under its own name.
fn topology_layers(topology: &Json) -> Result<Vec<Layer<'_>>, LoadError> {
    // A model.json made by tensorflowjs_converter from a Keras file nests the model under
    // `model_config`.
    let model = topology.get("model_config").unwrap_or(topology);
    let config = model.get("config");
    let list = config.and_then(|c| c.get("layers")).or(config).and_then(Json::as_array);
    let Some(list) = list else { return err("the model's topology has no list of layers (config.layers)") };
    let mut layers = Vec::with_capacity(list.len());
    for (k, entry) in list.iter().enumerate() {
        let class = entry.get("class_name").and_then(Json::as_str).unwrap_or_default();
        let config = entry.get("config");
        let name = config.and_then(|c| c.get("name")).or_else(|| entry.get("name")).and_then(Json::as_str);
        let Some(name) = name else { return err(format!("layer {k} ({class}) of the topology has no name")) };
        if matches!(class, "Sequential" | "Functional" | "Model") {
            return err(format!("layer {name} is a model inside the model: Gate Lab reads a model whose layers are LSTM or GRU, Embedding and Dense"));
        }
        let (class, config) = match class {
            "TimeDistributed" => {
                let inner = config.and_then(|c| c.get("layer"));
                (inner.and_then(|l| l.get("class_name")).and_then(Json::as_str).unwrap_or_default(), inner.and_then(|l| l.get("config")))
            }
            _ => (class, config),
        };
        layers.push(Layer { class: class.to_string(), name: name.to_string(), config });
    }
    Ok(layers)
}

/// The layer a weight belongs to: the first of `layers` whose name is one of the weight's path
/// segments before its own name (`sequential/lstm/lstm_cell/kernel` is layer `lstm`'s).
fn owner(weight: &str, layers: &[String]) -> Option<usize> {
    let segments: Vec<&str> = weight.split('/').collect();
    let scopes = &segments[..segments.len().saturating_sub(1)];
    layers.iter().position(|l| scopes.contains(&l.as_str()))
}

/// The variable's own name: the path's last segment, without TF's `:0`.
fn variable(weight: &str) -> &str {
    let last = weight.rsplit('/').next().unwrap_or(weight);
    last.split(':').next().unwrap_or(last)
}

/// Whether a file's keys are Keras's: a variable path ending in `kernel` or `recurrent_kernel`.
pub(crate) fn is_keras(keys: &[String]) -> bool {
    keys.iter().any(|k| k.contains('/') && matches!(variable(k), "kernel" | "recurrent_kernel"))
}

/// The layers, named from the weights alone (no topology): a weight's layer is its path without
/// its own name and without a trailing `*_cell` scope, in the order first seen; the variables
/// say the class.
fn layers_from_weights(parts: &Parts) -> Vec<(String, String)> {
    let mut layers: Vec<(String, Vec<&str>)> = Vec::new();
    for (key, _) in &parts.tensors {
        let mut scopes: Vec<&str> = key.split('/').collect();
        let own = scopes.pop().map(|v| v.split(':').next().unwrap_or(v)).unwrap_or_default();
        if scopes.last().is_some_and(|s| s.ends_with("_cell")) {
            scopes.pop();
        }
        let Some(name) = scopes.last() else { continue };
        match layers.iter_mut().find(|(n, _)| n == name) {
            Some((_, vars)) => vars.push(own),
            None => layers.push(((*name).to_string(), vec![own])),
        }
    }
    layers
        .into_iter()
        .map(|(name, vars)| {
            let class = if vars.contains(&"recurrent_kernel") {
                "recurrent"
            } else if vars.contains(&"embeddings") {
                "Embedding"
            } else if vars.contains(&"kernel") {
                "Dense"
            } else {
                ""
            };
            (name, class.to_string())
        })
        .collect()
}

/// A Keras activation's name as one of Gate Lab's. `hard_sigmoid` is TF.js's (and Keras 2's)
/// clip(0.2x + 0.5) or Keras 3's relu6(x + 3)/6, which is PyTorch's.
fn activation(name: &str, source: Source, place: &str) -> Result<Activation, LoadError> {
    // TF.js writes some in camel case (hardSigmoid).
    let snake: String = name.chars().flat_map(|c| if c.is_ascii_uppercase() { vec!['_', c.to_ascii_lowercase()] } else { vec![c] }).collect();
    let keras2 = matches!(source, Source::Tfjs | Source::Keras { version: Some(2) });
    Ok(match snake.as_str() {
        "sigmoid" => Activation::Sigmoid,
        "tanh" => Activation::Tanh,
        "hard_sigmoid" if keras2 => Activation::HardSigmoidTfjs,
        "hard_sigmoid" => Activation::HardSigmoid,
        "relu" => Activation::Relu,
        "linear" => Activation::Identity,
        "softsign" => Activation::Softsign,
        "exponential" => Activation::Exp,
        _ => return err(format!("{place} is {name:?}: Gate Lab runs sigmoid, tanh, hard_sigmoid, relu, linear, softsign and exponential")),
    })
}

/// The transpose of a rows × columns matrix.
fn transpose(values: &[f32], rows: usize, columns: usize) -> Vec<f32> {
    let mut out = vec![0.0; values.len()];
    for (r, row) in values.chunks_exact(columns.max(1)).enumerate().take(rows) {
        for (c, v) in row.iter().enumerate() {
            out[c * rows + r] = *v;
        }
    }
    out
}

/// Reorders the blocks of `rows`-long rows: block k of the result is block `order[k]` of `values`.
fn reorder_blocks(values: &[f32], block: usize, order: &[usize]) -> Vec<f32> {
    order.iter().flat_map(|&k| values[k * block..(k + 1) * block].iter().copied()).collect()
}

/// A layer's weight by its variable name, taken out of `parts` (and marked used).
fn take_variable(parts: &mut Parts, keys: &[String], name: &str) -> Option<(String, Result<Tensor, LoadError>)> {
    let key = keys.iter().find(|k| variable(k) == name)?.clone();
    let tensor = parts.take(&key)?;
    Some((key, tensor))
}

/// What a Keras model became: its activations by site, and notes for the reader.
pub(crate) struct Converted {
    pub activations: Vec<(Site, Activation)>,
    pub notes: Vec<String>,
}

/// Renames a Keras model's weights in `parts` to PyTorch's (`rnn.weight_ih_l{k}`, ...,
/// `embedding.weight`, `readout.weight`), transposed and reordered; weights of other layers
/// keep their names (and are named as unused). Returns the activations the layers' configs ask
/// for, which every recurrent layer must share (the page sets one per site).
pub(crate) fn convert(parts: &mut Parts, topology: Option<&Json>, source: Source) -> Result<Converted, LoadError> {
    let mut notes = Vec::new();
    let layers: Vec<Layer<'_>> = match topology {
        Some(t) => topology_layers(t)?,
        None => {
            notes.push("the file has no keras_config (model.to_json()), so its layers are read in the file's order with Keras's default activations (sigmoid at the gates, tanh elsewhere)".to_string());
            layers_from_weights(parts).into_iter().map(|(name, class)| Layer { class, name, config: None }).collect()
        }
    };
    let names: Vec<String> = layers.iter().map(|l| l.name.clone()).collect();
    let mut keys_of: Vec<Vec<String>> = vec![Vec::new(); layers.len()];
    for (key, _) in &parts.tensors {
        if let Some(k) = owner(key, &names) {
            keys_of[k].push(key.clone());
        }
    }
    fn setting<'a>(layer: &Layer<'a>, key: &str) -> Option<&'a Json> {
        layer.config.and_then(|c| c.get(key))
    }
    let flag = |layer: &Layer<'_>, key: &str| setting(layer, key).is_some_and(|v| matches!(v, Json::Bool(true)));
    let mut design: Option<(&str, Option<String>, Option<String>)> = None;
    let (mut recurrent, mut width) = (0usize, None::<usize>);
    let mut renamed: Vec<(String, Tensor)> = Vec::new();
    let mut readout_seen = false;
    for (layer, keys) in layers.iter().zip(&keys_of) {
        let class = layer.class.as_str();
        let name = &layer.name;
        match class {
            "Bidirectional" => return err(format!("layer {name} is Bidirectional, which Gate Lab does not run: save one direction")),
            "LSTM" | "GRU" | "recurrent" => {}
            "Embedding" => {
                if let Some((key, t)) = take_variable(parts, keys, "embeddings") {
                    let t = t?;
                    if t.shape.len() != 2 {
                        return err(format!("{key} has shape {:?}: an embedding is (vocab, width)", t.shape));
                    }
                    renamed.push(("embedding.weight".into(), t));
                }
                continue;
            }
            "Dense" => {
                let readout_activation = setting(layer, "activation").and_then(Json::as_str).unwrap_or("linear");
                if recurrent == 0 || readout_seen || !matches!(readout_activation, "softmax" | "linear") {
                    continue;
                }
                let Some(top) = width else { continue };
                let Some((key, kernel)) = take_variable(parts, keys, "kernel") else { continue };
                let kernel = kernel?;
                if kernel.shape.len() != 2 || kernel.shape[0] != top {
                    return err(format!("{key} has shape {:?}: a read-out of the top layer's {top} units is ({top}, outputs)", kernel.shape));
                }
                let outputs = kernel.shape[1];
                let bias = match take_variable(parts, keys, "bias") {
                    Some((bias_key, b)) => {
                        let b = b?;
                        if b.shape != [outputs] {
                            return err(format!("{bias_key} has shape {:?}: expected ({outputs},)", b.shape));
                        }
                        b.values
                    }
                    None => vec![0.0; outputs],
                };
                renamed.push(("readout.weight".into(), Tensor { values: transpose(&kernel.values, top, outputs), shape: vec![outputs, top] }));
                renamed.push(("readout.bias".into(), Tensor { values: bias, shape: vec![outputs] }));
                readout_seen = true;
                continue;
            }
            _ => continue,
        }
        // A recurrent layer.
        if flag(layer, "go_backwards") {
            return err(format!("layer {name} has go_backwards: true, which Gate Lab does not run"));
        }
        let activations = (
            setting(layer, "activation").and_then(Json::as_str).map(str::to_string),
            setting(layer, "recurrent_activation").and_then(Json::as_str).map(str::to_string),
        );
        let Some((kernel_key, kernel)) = take_variable(parts, keys, "kernel") else { return err(format!("layer {name} has no kernel")) };
        let kernel = kernel?;
        if kernel.shape.len() != 2 {
            return err(format!("{kernel_key} has shape {:?}: a kernel is (inputs, blocks × units)", kernel.shape));
        }
        let (inputs, columns) = (kernel.shape[0], kernel.shape[1]);
        let (recurrent_key, recurrent_kernel) = {
            let Some((key, t)) = take_variable(parts, keys, "recurrent_kernel") else { return err(format!("layer {name} has no recurrent_kernel")) };
            let t = t?;
            if t.shape.len() != 2 || t.shape[1] != columns || t.shape[0] == 0 {
                return err(format!("{key} has shape {:?}: expected (units, {columns}) to match {kernel_key}", t.shape));
            }
            (key, t)
        };
        let units = recurrent_kernel.shape[0];
        let gru = match class {
            "LSTM" => false,
            "GRU" => true,
            _ => columns == 3 * units,
        };
        let blocks = if gru { 3 } else { 4 };
        if columns != blocks * units {
            let what = if gru { "a GRU's 3" } else { "an LSTM's 4" };
            return err(format!("{recurrent_key} has shape {:?}: {what} × units columns for {units} units would be {}", recurrent_kernel.shape, blocks * units));
        }
        if let Some(below) = width.filter(|w| *w != inputs) {
            return err(format!("{kernel_key} has {inputs} input rows: layer {name} reads the h of the layer below, which has {below} units"));
        }
        let kind = if gru { "GRU" } else { "LSTM" };
        match &design {
            Some((first, ..)) if *first != kind => return err(format!("the model has both LSTM and GRU layers ({name} is a {kind}): Gate Lab runs one design per model")),
            Some((_, a, r)) if (a, r) != (&activations.0, &activations.1) => {
                return err(format!("layer {name}'s activations differ from the first recurrent layer's: the page sets one activation per site for every layer"))
            }
            _ => design = Some((kind, activations.0.clone(), activations.1.clone())),
        }
        let bias = take_variable(parts, keys, "bias").map(|(key, b)| b.map(|b| (key, b))).transpose()?;
        let rows = blocks * units;
        // PyTorch's block order from Keras's: the LSTM's is the same; the GRU's z, r, h is r, z, n.
        let order: &[usize] = if gru { &[1, 0, 2] } else { &[0, 1, 2, 3] };
        let weight_ih = reorder_blocks(&transpose(&kernel.values, inputs, rows), units * inputs, order);
        let weight_hh = reorder_blocks(&transpose(&recurrent_kernel.values, units, rows), units * units, order);
        let (bias_ih, bias_hh) = match bias {
            None => (vec![0.0; rows], vec![0.0; rows]),
            Some((_, b)) if !gru && b.shape == [rows] => (b.values, vec![0.0; rows]),
            Some((_, b)) if gru && b.shape == [2, rows] => (reorder_blocks(&b.values[..rows], units, order), reorder_blocks(&b.values[rows..], units, order)),
            Some((key, b)) if gru && b.shape == [rows] => {
                return err(format!("{key} has shape {:?}: a GRU with reset_after: false (r applied before the recurrent weights) is not PyTorch's GRU, which Gate Lab runs; Keras's default reset_after: true is", b.shape));
            }
            Some((key, b)) => {
                let want = if gru { format!("(2, {rows})") } else { format!("({rows},)") };
                return err(format!("{key} has shape {:?}: expected {want}", b.shape));
            }
        };
        if gru && setting(layer, "reset_after").is_some_and(|v| matches!(v, Json::Bool(false))) {
            return err(format!("layer {name} has reset_after: false (r applied before the recurrent weights), which is not PyTorch's GRU, which Gate Lab runs"));
        }
        let k = recurrent;
        renamed.push((format!("rnn.weight_ih_l{k}"), Tensor { values: weight_ih, shape: vec![rows, inputs] }));
        renamed.push((format!("rnn.weight_hh_l{k}"), Tensor { values: weight_hh, shape: vec![rows, units] }));
        renamed.push((format!("rnn.bias_ih_l{k}"), Tensor { values: bias_ih, shape: vec![rows] }));
        renamed.push((format!("rnn.bias_hh_l{k}"), Tensor { values: bias_hh, shape: vec![rows] }));
        recurrent += 1;
        width = Some(units);
    }
    let Some((kind, candidate, gates)) = design else {
        let classes: Vec<String> = layers.iter().map(|l| format!("{} ({})", l.name, if l.class.is_empty() { "?" } else { &l.class })).collect();
        return err(format!("the model has no LSTM or GRU layer (its layers: {})", classes.join(", ")));
    };
    if kind == "GRU" {
        parts.cell = Some(Json::String("gru".into()));
    }
    let gate_default = if source == Source::Tfjs { "hard_sigmoid" } else { "sigmoid" };
    let gate = activation(gates.as_deref().unwrap_or(gate_default), source, "recurrent_activation")?;
    let other = activation(candidate.as_deref().unwrap_or("tanh"), source, "activation")?;
    let (gate_sites, other_sites): (&[Site], &[Site]) = if kind == "GRU" {
        (&[Site::Reset, Site::Update], &[Site::New])
    } else {
        (&[Site::Forget, Site::Input, Site::Output], &[Site::Candidate, Site::CellOutput])
    };
    let activations = gate_sites.iter().map(|s| (*s, gate)).chain(other_sites.iter().map(|s| (*s, other))).collect();
    for (key, tensor) in renamed {
        parts.keys.push(key.clone());
        parts.tensors.push((key, Ok(tensor)));
    }
    Ok(Converted { activations, notes })
}

/// The `.bin` files a TF.js model.json's manifest names, in the order their bytes are read.
pub fn tfjs_weight_files(model_json: &str) -> Result<Vec<String>, LoadError> {
    let json = crate::json::parse(model_json).map_err(|e| LoadError(format!("not valid JSON: {e}")))?;
    let manifest = json.get("weightsManifest").and_then(Json::as_array).ok_or_else(|| LoadError("model.json has no weightsManifest: it is not a TensorFlow.js layers model".into()))?;
    let mut files = Vec::new();
    for group in manifest {
        for path in group.get("paths").and_then(Json::as_array).unwrap_or_default() {
            let Some(path) = path.as_str() else { return err("a weightsManifest path is not a string") };
            files.push(path.to_string());
        }
    }
    Ok(files)
}

/// Whether `text` is a TF.js layers model's model.json.
#[must_use]
pub fn is_tfjs(text: &str) -> bool {
    crate::json::parse(text).is_ok_and(|j| j.get("weightsManifest").is_some() && j.get("modelTopology").is_some())
}

/// One manifest entry's numbers from `bytes` (the rest of the data from its start): float32,
/// or quantized (uint8 and uint16 as min + scale·q, float16). Returns the numbers and how many
/// bytes they took.
fn manifest_tensor(entry: &Json, bytes: &[u8], name: &str) -> Result<(Result<Tensor, LoadError>, usize), LoadError> {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let shape: Option<Vec<usize>> = entry
        .get("shape")
        .and_then(Json::as_array)
        .map(|d| d.iter().map(|v| v.as_f64().filter(|x| x.fract() == 0.0 && *x >= 0.0 && *x < 9.0e15).map(|x| x as usize)).collect())
        .and_then(|d: Option<Vec<usize>>| d);
    let Some(shape) = shape else { return err(format!("{name}'s shape is not a list of sizes")) };
    let count = shape.iter().try_fold(1_usize, |n, d| n.checked_mul(*d)).ok_or_else(|| LoadError(format!("{name}'s shape is too large")))?;
    let dtype = entry.get("dtype").and_then(Json::as_str).unwrap_or("float32");
    let quantization = entry.get("quantization");
    let stored = quantization.and_then(|q| q.get("dtype")).and_then(Json::as_str).unwrap_or(dtype);
    let width = match stored {
        "float32" | "int32" => 4,
        "uint16" | "float16" => 2,
        "uint8" | "bool" => 1,
        other => return err(format!("{name} is stored as {other}, which Gate Lab cannot read")),
    };
    let size = count.checked_mul(width).ok_or_else(|| LoadError(format!("{name}'s shape is too large")))?;
    let Some(data) = bytes.get(..size) else {
        return err(format!("the weights files end inside {name}: the manifest needs {size} more bytes, and {} are left", bytes.len()));
    };
    if dtype != "float32" {
        return Ok((err(format!("{name} is {dtype}: weights must be float32")), size));
    }
    let number = |key: &str| quantization.and_then(|q| q.get(key)).and_then(Json::as_f64);
    let values: Vec<f32> = match stored {
        "float32" => data.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect(),
        "float16" => data.chunks_exact(2).map(|b| pytorch::f16_to_f32(u16::from_le_bytes([b[0], b[1]]))).collect(),
        _ => {
            let (Some(scale), Some(min)) = (number("scale"), number("min")) else {
                return err(format!("{name} is quantized to {stored} without a scale and a min"));
            };
            let q = |v: f64| crate::numbers::to_f32(min + scale * v);
            if width == 1 {
                data.iter().map(|b| q(f64::from(*b))).collect()
            } else {
                data.chunks_exact(2).map(|b| q(f64::from(u16::from_le_bytes([b[0], b[1]])))).collect()
            }
        }
    };
    let tensor = if shape.is_empty() || shape.len() > 2 {
        err(format!("{name} has {} dimensions: a weight has 1 or 2", shape.len()))
    } else if let Some(k) = values.iter().position(|v| !v.is_finite()) {
        err(format!("{name}[{k}] is not a finite number"))
    } else {
        Ok(Tensor { values, shape })
    };
    Ok((tensor, size))
}

/// Reads a TensorFlow.js layers model: `model_json` and `weights`, the bytes of the files
/// [`tfjs_weight_files`] names, one after another in that order. The vocab is the list of
/// one-character strings under `userDefinedMetadata.vocab` (TF.js's `setUserDefinedMetadata`)
/// or a top-level `vocab`.
pub fn load_tfjs(model_json: &str, weights: &[u8], name: &str) -> Result<Loaded, LoadError> {
    let json = crate::json::parse(model_json).map_err(|e| LoadError(format!("not valid JSON: {e}")))?;
    let topology = json.get("modelTopology").ok_or_else(|| LoadError("model.json has no modelTopology: it is not a TensorFlow.js layers model".into()))?;
    let manifest = json.get("weightsManifest").and_then(Json::as_array).ok_or_else(|| LoadError("model.json has no weightsManifest".into()))?;
    let mut parts = Parts::default();
    let mut offset = 0;
    for group in manifest {
        for entry in group.get("weights").and_then(Json::as_array).unwrap_or_default() {
            let Some(key) = entry.get("name").and_then(Json::as_str) else { return err("a weightsManifest entry has no name") };
            let (tensor, size) = manifest_tensor(entry, &weights[offset..], key)?;
            offset += size;
            parts.keys.push(key.to_string());
            parts.tensors.push((key.to_string(), tensor));
        }
    }
    if offset != weights.len() {
        return err(format!("the manifest's weights take {offset} bytes, and the weights files hold {}", weights.len()));
    }
    parts.vocab = json.get("userDefinedMetadata").and_then(|m| m.get("vocab")).or_else(|| json.get("vocab")).cloned();
    let converted = convert(&mut parts, Some(topology), Source::Tfjs)?;
    pytorch::assemble_converted(parts, name, Some(converted))
}

/// The major version of Keras that wrote a `model.to_json()` (its `keras_version`).
pub(crate) fn keras_version(config: &Json) -> Option<u32> {
    config.get("keras_version").and_then(Json::as_str).and_then(|v| v.split('.').next()).and_then(|m| m.parse().ok())
}

#[cfg(test)]
#[allow(clippy::float_cmp)]
mod tests {
    use super::*;

    #[test]
    fn a_transpose_and_a_block_reorder_worked_by_hand() {
        // [[1, 2, 3], [4, 5, 6]]ᵀ = [[1, 4], [2, 5], [3, 6]]
        assert_eq!(transpose(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], 2, 3), [1.0, 4.0, 2.0, 5.0, 3.0, 6.0]);
        // Blocks of 2: [a a | b b | c c] → [b b | a a | c c]
        assert_eq!(reorder_blocks(&[1.0, 1.0, 2.0, 2.0, 3.0, 3.0], 2, &[1, 0, 2]), [2.0, 2.0, 1.0, 1.0, 3.0, 3.0]);
    }

    #[test]
    fn a_weight_belongs_to_the_layer_named_in_its_path() {
        let layers = ["lstm".to_string(), "lstm_1".to_string(), "dense".to_string()];
        assert_eq!(owner("lstm/lstm_cell/kernel", &layers), Some(0));
        assert_eq!(owner("sequential/lstm_1/lstm_cell_1/recurrent_kernel", &layers), Some(1));
        assert_eq!(owner("dense/bias", &layers), Some(2));
        assert_eq!(owner("lstm_10/kernel", &layers), None);
        assert_eq!(variable("lstm/lstm_cell/kernel:0"), "kernel");
    }

    #[test]
    fn keras_activation_names() {
        let tfjs = Source::Tfjs;
        assert_eq!(activation("hardSigmoid", tfjs, "x").unwrap(), Activation::HardSigmoidTfjs);
        assert_eq!(activation("hard_sigmoid", tfjs, "x").unwrap(), Activation::HardSigmoidTfjs);
        assert_eq!(activation("hard_sigmoid", Source::Keras { version: Some(3) }, "x").unwrap(), Activation::HardSigmoid);
        assert_eq!(activation("hard_sigmoid", Source::Keras { version: Some(2) }, "x").unwrap(), Activation::HardSigmoidTfjs);
        assert_eq!(activation("linear", tfjs, "x").unwrap(), Activation::Identity);
        assert!(activation("selu", tfjs, "layer lstm's activation").unwrap_err().0.contains("\"selu\""));
    }
}
