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
use crate::json::{Json, Next, Reader};
use crate::kernel::transpose_into;
use crate::pytorch::{self, short, LoadError, Loaded, Parts, Tensor};
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
    let keras2 = matches!(source, Source::Tfjs | Source::Keras { version: Some(..=2) });
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

/// The transpose of a rows × columns matrix (the reader's tensors hold rows × columns values).
fn transpose(values: &[f32], rows: usize, columns: usize) -> Vec<f32> {
    let mut out = vec![0.0; values.len()];
    transpose_into(values, rows, columns, &mut out);
    out
}

/// Reorders `values` by blocks of `block` numbers: block k of the result is block `order[k]`.
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

/// Layers without weights that change nothing at inference.
const NO_OPS: [&str; 6] = ["InputLayer", "Dropout", "SpatialDropout1D", "GaussianNoise", "GaussianDropout", "AlphaDropout"];

fn is_recurrent(class: &str) -> bool {
    matches!(class, "LSTM" | "GRU" | "recurrent")
}

/// A layer's config value.
fn setting<'a>(layer: &Layer<'a>, key: &str) -> Option<&'a Json> {
    layer.config.and_then(|c| c.get(key))
}

/// A layer's activation setting (`activation`, `recurrent_activation`): its name, or `default`
/// when the config has none; a value that is not a name (Keras 3 writes a custom function as an
/// object) is an error naming the layer.
fn activation_setting(layer: &Layer<'_>, key: &str, default: &'static str) -> Result<String, LoadError> {
    match setting(layer, key) {
        None => Ok(default.to_string()),
        Some(Json::String(name)) => Ok(name.clone()),
        Some(other) => err(format!("layer {}'s {key} is {}: Gate Lab reads activations by name", layer.name, short(other))),
    }
}

/// A weight's shape, if it was read whole.
fn shape_of(parts: &Parts, key: &str) -> Option<Vec<usize>> {
    parts.tensors.iter().rev().find(|(k, _)| k == key).and_then(|(_, t)| t.as_ref().ok()).map(|t| t.shape.clone())
}

/// Without a topology, the order of the layers comes from their shapes: the embedding first,
/// then the recurrent layer whose kernel reads the embedding's width (or the vocab's size), then
/// the one reading its units, and so on; the Dense layers last. The file's order is no guide
/// (safetensors writers sort the tensors by name). Two layers that could each come next are an
/// error naming both.
fn order_by_shapes<'a>(layers: Vec<Layer<'a>>, keys_of: Vec<Vec<String>>, parts: &Parts) -> Result<(Vec<Layer<'a>>, Vec<Vec<String>>), LoadError> {
    let kernel_shape = |keys: &[String], name: &str| keys.iter().find(|k| variable(k) == name).and_then(|k| shape_of(parts, k));
    let mut pending: Vec<(Layer<'_>, Vec<String>)> = layers.into_iter().zip(keys_of).collect();
    let mut ordered: Vec<(Layer<'_>, Vec<String>)> = Vec::new();
    let (embeddings, rest): (Vec<_>, Vec<_>) = pending.into_iter().partition(|(l, _)| l.class == "Embedding");
    pending = rest;
    let mut width = match embeddings.first() {
        Some((_, keys)) => kernel_shape(keys, "embeddings").and_then(|s| s.get(1).copied()),
        None => parts.vocab.as_ref().and_then(Json::as_array).map(<[Json]>::len),
    };
    ordered.extend(embeddings);
    loop {
        let next: Vec<usize> = pending
            .iter()
            .enumerate()
            .filter(|(_, (l, keys))| is_recurrent(&l.class) && kernel_shape(keys, "kernel").and_then(|s| s.first().copied()) == width)
            .map(|(k, _)| k)
            .collect();
        match next.as_slice() {
            [] => break,
            [k] => {
                let (layer, keys) = pending.remove(*k);
                width = kernel_shape(&keys, "recurrent_kernel").and_then(|s| s.first().copied());
                ordered.push((layer, keys));
            }
            [a, b, ..] => {
                let (a, b) = (&pending[*a].0.name, &pending[*b].0.name);
                return err(format!("without keras_config, the layers are ordered by their shapes, and {a} and {b} could each come next: add keras_config (model.to_json())"));
            }
        }
    }
    if let Some((layer, _)) = pending.iter().find(|(l, _)| is_recurrent(&l.class)) {
        return err(format!("without keras_config, the layers are ordered by their shapes, and layer {} reads nothing the others give: add keras_config (model.to_json())", layer.name));
    }
    ordered.extend(pending);
    Ok(ordered.into_iter().unzip())
}

/// A recurrent layer's weights in PyTorch's layout, checked against `below` (the units of the
/// layer it reads, or None for the first).
struct RecurrentLayer {
    gru: bool,
    inputs: usize,
    units: usize,
    tensors: [Vec<f32>; 4],
}

fn read_recurrent(parts: &mut Parts, layer: &Layer<'_>, keys: &[String], below: Option<usize>) -> Result<RecurrentLayer, LoadError> {
    let name = &layer.name;
    let Some((kernel_key, kernel)) = take_variable(parts, keys, "kernel") else { return err(format!("layer {name} has no kernel")) };
    let kernel = kernel?;
    if kernel.shape.len() != 2 {
        return err(format!("{kernel_key} has shape {:?}: a kernel is (inputs, blocks × units)", kernel.shape));
    }
    let (inputs, columns) = (kernel.shape[0], kernel.shape[1]);
    let Some((recurrent_key, recurrent_kernel)) = take_variable(parts, keys, "recurrent_kernel") else {
        return err(format!("layer {name} has no recurrent_kernel"));
    };
    let recurrent_kernel = recurrent_kernel?;
    if recurrent_kernel.shape.len() != 2 || recurrent_kernel.shape[1] != columns || recurrent_kernel.shape[0] == 0 {
        return err(format!("{recurrent_key} has shape {:?}: expected (units, {columns}) to match {kernel_key}", recurrent_kernel.shape));
    }
    let units = recurrent_kernel.shape[0];
    let gru = match layer.class.as_str() {
        "LSTM" => false,
        "GRU" => true,
        _ => columns == 3 * units,
    };
    let blocks = if gru { 3 } else { 4 };
    if columns != blocks * units {
        let what = if gru { "a GRU's 3" } else { "an LSTM's 4" };
        return err(format!("{recurrent_key} has shape {:?}: {what} × units columns for {units} units would be {}", recurrent_kernel.shape, blocks * units));
    }
    if let Some(below) = below.filter(|w| *w != inputs) {
        return err(format!("{kernel_key} has {inputs} input rows: layer {name} reads the h of the layer below, which has {below} units"));
    }
    if gru && matches!(setting(layer, "reset_after"), Some(Json::Bool(false))) {
        return err(format!("layer {name} has reset_after: false (r applied before the recurrent weights), which is not PyTorch's GRU, which Gate Lab runs (TF.js writes its GRUs so)"));
    }
    let rows = blocks * units;
    // PyTorch's block order from Keras's: the LSTM's is the same; the GRU's z, r, h is r, z, n.
    let order: &[usize] = if gru { &[1, 0, 2] } else { &[0, 1, 2, 3] };
    let weight_ih = reorder_blocks(&transpose(&kernel.values, inputs, rows), units * inputs, order);
    let weight_hh = reorder_blocks(&transpose(&recurrent_kernel.values, units, rows), units * units, order);
    let (bias_ih, bias_hh) = match take_variable(parts, keys, "bias") {
        None if matches!(setting(layer, "use_bias"), Some(Json::Bool(false))) => (vec![0.0; rows], vec![0.0; rows]),
        None => return err(format!("layer {name} has no bias (Keras's use_bias is true unless keras_config says use_bias: false)")),
        Some((key, b)) => match b? {
            b if !gru && b.shape == [rows] => (b.values, vec![0.0; rows]),
            b if gru && b.shape == [2, rows] => (reorder_blocks(&b.values[..rows], units, order), reorder_blocks(&b.values[rows..], units, order)),
            b if gru && b.shape == [rows] => {
                return err(format!("{key} has shape {:?}: a GRU with reset_after: false (r applied before the recurrent weights) is not PyTorch's GRU, which Gate Lab runs; Keras's default reset_after: true is", b.shape));
            }
            b => {
                let want = if gru { format!("(2, {rows})") } else { format!("({rows},)") };
                return err(format!("{key} has shape {:?}: expected {want}", b.shape));
            }
        },
    };
    Ok(RecurrentLayer { gru, inputs, units, tensors: [weight_ih, weight_hh, bias_ih, bias_hh] })
}

/// A Dense read-out on top of `top` units: PyTorch's (outputs × top) weight and its bias.
fn read_dense(parts: &mut Parts, layer: &Layer<'_>, keys: &[String], top: usize) -> Result<(Tensor, Tensor), LoadError> {
    let name = &layer.name;
    let Some((key, kernel)) = take_variable(parts, keys, "kernel") else { return err(format!("layer {name} has no kernel")) };
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
        None if matches!(setting(layer, "use_bias"), Some(Json::Bool(false))) => vec![0.0; outputs],
        None => return err(format!("layer {name} has no bias (Keras's use_bias is true unless keras_config says use_bias: false)")),
    };
    Ok((Tensor { values: transpose(&kernel.values, top, outputs), shape: vec![outputs, top] }, Tensor { values: bias, shape: vec![outputs] }))
}

/// Renames a Keras model's weights in `parts` to PyTorch's (`rnn.weight_ih_l{k}`, ...,
/// `embedding.weight`, `readout.weight`), transposed and reordered. The model must be an
/// optional Embedding, LSTM or GRU layers, and optionally one Dense read-out (softmax or
/// linear) on top; layers that do nothing at inference (Dropout, ...) are skipped, and any other
/// layer is refused by name. Returns the activations the layers' configs ask for, which every
/// recurrent layer must share (the page sets one per site).
pub(crate) fn convert(parts: &mut Parts, topology: Option<&Json>, source: Source) -> Result<Converted, LoadError> {
    let mut notes = Vec::new();
    let layers: Vec<Layer<'_>> = match topology {
        Some(t) => topology_layers(t)?,
        None => {
            notes.push("the file has no keras_config (model.to_json()), so its layers are ordered by their shapes, with Keras's default activations (sigmoid at the gates, tanh elsewhere)".to_string());
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
    let (layers, keys_of) = if topology.is_none() { order_by_shapes(layers, keys_of, parts)? } else { (layers, keys_of) };
    let Some(last_recurrent) = layers.iter().rposition(|l| is_recurrent(&l.class)) else {
        let classes: Vec<String> = layers.iter().map(|l| format!("{} ({})", l.name, if l.class.is_empty() { "?" } else { &l.class })).collect();
        return err(format!("the model has no LSTM or GRU layer (its layers: {})", classes.join(", ")));
    };
    // Keras 2 and TF.js's hard_sigmoid is clip(0.2x + 0.5); Keras 3's is PyTorch's.
    let version_unknown = source == Source::Keras { version: None };
    let mut design: Option<(bool, Activation, Activation)> = None;
    let mut width = None::<usize>;
    let mut renamed: Vec<(String, Tensor)> = Vec::new();
    let mut readout = false;
    for (k, (layer, keys)) in layers.iter().zip(&keys_of).enumerate() {
        let (class, name) = (layer.class.as_str(), &layer.name);
        match class {
            "Bidirectional" => return err(format!("layer {name} is Bidirectional, which Gate Lab does not run: save one direction")),
            _ if is_recurrent(class) => {
                if matches!(setting(layer, "go_backwards"), Some(Json::Bool(true))) {
                    return err(format!("layer {name} has go_backwards: true, which Gate Lab does not run"));
                }
                let gate_default = if source == Source::Tfjs { "hard_sigmoid" } else { "sigmoid" };
                let gate_name = activation_setting(layer, "recurrent_activation", gate_default)?;
                let other_name = activation_setting(layer, "activation", "tanh")?;
                let gate = activation(&gate_name, source, &format!("layer {name}'s recurrent_activation"))?;
                let other = activation(&other_name, source, &format!("layer {name}'s activation"))?;
                if version_unknown && (gate == Activation::HardSigmoid || other == Activation::HardSigmoid) {
                    notes.push(format!("keras_config gives no keras_version, so layer {name}'s hard_sigmoid is read as Keras 3's, clamp(x/6 + 1/2, 0, 1) (Keras 2's was clip(0.2x + 0.5, 0, 1): hard sigmoid (TF.js) on the page)"));
                }
                let read = read_recurrent(parts, layer, keys, width)?;
                match design {
                    Some((gru, ..)) if gru != read.gru => return err(format!("the model has both LSTM and GRU layers ({name} is another): Gate Lab runs one design per model")),
                    Some((_, g, o)) if (g, o) != (gate, other) => {
                        return err(format!("layer {name}'s activations differ from the first recurrent layer's: the page sets one activation per site for every layer"))
                    }
                    _ => design = Some((read.gru, gate, other)),
                }
                let layer_index = renamed.iter().filter(|(key, _)| key.starts_with("rnn.weight_ih_l")).count();
                let [weight_ih, weight_hh, bias_ih, bias_hh] = read.tensors;
                let rows = bias_ih.len();
                renamed.push((format!("rnn.weight_ih_l{layer_index}"), Tensor { values: weight_ih, shape: vec![rows, read.inputs] }));
                renamed.push((format!("rnn.weight_hh_l{layer_index}"), Tensor { values: weight_hh, shape: vec![rows, read.units] }));
                renamed.push((format!("rnn.bias_ih_l{layer_index}"), Tensor { values: bias_ih, shape: vec![rows] }));
                renamed.push((format!("rnn.bias_hh_l{layer_index}"), Tensor { values: bias_hh, shape: vec![rows] }));
                width = Some(read.units);
            }
            "Embedding" if width.is_none() => {
                if matches!(setting(layer, "mask_zero"), Some(Json::Bool(true))) {
                    notes.push(format!("layer {name} has mask_zero: true, which Gate Lab does not apply: the vocab's first character steps the cell as any other does"));
                }
                if let Some((key, t)) = take_variable(parts, keys, "embeddings") {
                    let t = t?;
                    if t.shape.len() != 2 {
                        return err(format!("{key} has shape {:?}: an embedding is (vocab, width)", t.shape));
                    }
                    renamed.push(("embedding.weight".into(), t));
                }
            }
            "Dense" if k > last_recurrent && !readout => {
                let act = activation_setting(layer, "activation", "linear")?;
                if !matches!(act.as_str(), "softmax" | "linear") {
                    return err(format!("layer {name}'s activation is {act}: Gate Lab reads a Dense read-out with softmax or linear (its probabilities are the softmax of its outputs)"));
                }
                let (weight, bias) = read_dense(parts, layer, keys, width.expect("a recurrent layer came before"))?;
                renamed.push(("readout.weight".into(), weight));
                renamed.push(("readout.bias".into(), bias));
                readout = true;
            }
            // A softmax after a linear read-out is what Gate Lab's probabilities are.
            "Softmax" if readout => {}
            "Activation" if readout && matches!(setting(layer, "activation").and_then(Json::as_str), Some("softmax" | "linear")) => {}
            _ if NO_OPS.contains(&class) => {}
            // Without a topology, a group of weights of no known layer is left to be named unused.
            "" if topology.is_none() => {}
            _ => {
                let place = if k < last_recurrent || width.is_none() { "before or between the recurrent layers" } else if readout { "after the read-out" } else { "on top" };
                let class = if class.is_empty() { "layer of unknown class" } else { class };
                return err(format!("layer {name} is a {class} {place}, which Gate Lab does not run: it reads an Embedding, LSTM or GRU layers, and one Dense read-out on top (Dropout and the like are skipped)"));
            }
        }
    }
    let (gru, gate, other) = design.expect("the last recurrent layer was read");
    if gru {
        parts.cell = Some(Json::String("gru".into()));
    }
    let (gate_sites, other_sites): (&[Site], &[Site]) = if gru {
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

/// Whether `text` is a TF.js model.json: a JSON object with `modelTopology` and
/// `weightsManifest`. Read as a stream, values skipped (a PyTorch file of 100 MB is asked too).
#[must_use]
pub fn is_tfjs(text: &str) -> bool {
    let mut reader = Reader::new(text);
    if reader.next() != Next::Object {
        return false;
    }
    let (mut manifest, mut topology) = (false, false);
    let read = reader.object(|r, key| {
        manifest |= key == "weightsManifest";
        topology |= key == "modelTopology";
        r.skip()
    });
    read.is_ok() && manifest && topology
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
    if json.get("format").and_then(Json::as_str) == Some("graph-model") {
        return err("it is a TensorFlow.js graph model (format: graph-model), which has no layers to read: Gate Lab reads layers models (format: layers-model)");
    }
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
        // A kernel with no input rows (a file may say so) is empty, not a panic.
        assert!(transpose(&[], 0, 8).is_empty());
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
