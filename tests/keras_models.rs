//! Keras and TensorFlow.js models against what Keras's equations compute for them (and, where
//! the activations are PyTorch's too, torch.nn.LSTM and torch.nn.GRU), recorded in float64 by
//! scripts/fixtures/keras_models.py from the same float32 weights.

use gatelab::activation::Activation;
use gatelab::keras::{load_tfjs, tfjs_weight_files};
use gatelab::lab::Lab;
use gatelab::pytorch::{load, load_file, Loaded};
use gatelab::site::Site;
use gatelab::Quantity;
use serde_json::Value;

mod parity;
use parity::{assert_close, rows};

fn fixture(path: &str) -> String {
    format!("{}/tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"))
}


/// model.json and the bytes of the files its manifest names, in order.
fn tfjs_files() -> (String, Vec<u8>) {
    let json = std::fs::read_to_string(fixture("tfjs_char/model.json")).unwrap();
    let files = tfjs_weight_files(&json).unwrap();
    assert_eq!(files, ["group1-shard1of2.bin", "group1-shard2of2.bin"]);
    let bytes = files.iter().flat_map(|f| std::fs::read(fixture(&format!("tfjs_char/{f}"))).unwrap()).collect();
    (json, bytes)
}

/// A lab on the loaded model, under the activations the file asks for.
fn lab_for(loaded: Loaded, text: &str) -> Lab {
    let mut lab = Lab::new(loaded.model);
    for (site, activation) in loaded.activations {
        lab.set_activation(site, activation);
    }
    lab.set_text(text);
    lab
}

#[test]
fn a_tfjs_layers_model_runs_as_keras_computes_it_with_tfjs_hard_sigmoid() {
    let (json, bytes) = tfjs_files();
    let expected: Value = serde_json::from_str(&std::fs::read_to_string(fixture("tfjs_char/expected.json")).unwrap()).unwrap();
    let loaded = load_tfjs(&json, &bytes, "model.json").unwrap();
    assert!(loaded.unused_keys.is_empty(), "{:?}", loaded.unused_keys);
    // TF.js's hard sigmoid at the gates, as the layers' config says; tanh elsewhere.
    let gates = [Site::Forget, Site::Input, Site::Output].map(|s| (s, Activation::HardSigmoidTfjs));
    let others = [Site::Candidate, Site::CellOutput].map(|s| (s, Activation::Tanh));
    assert_eq!(loaded.activations, [gates.as_slice(), others.as_slice()].concat());
    let model = &loaded.model;
    assert_eq!((model.layers(), model.stack.embedding), (2, Some(3)));
    assert!(model.stack.readout.is_some());
    let text = expected["text"].as_str().unwrap();
    let mut lab = lab_for(loaded, text);
    for layer in 0..2 {
        lab.show_layer(layer);
        let want = &expected["layers"][layer];
        for (t, (h, c)) in rows(&want["h"]).iter().zip(rows(&want["c"])).enumerate() {
            assert_close(lab.trace().at(Quantity::Hidden, t), h, 2e-6, &format!("layer {layer} h at step {t}"));
            assert_close(lab.trace().at(Quantity::Cell, t), &c, 2e-6, &format!("layer {layer} c at step {t}"));
        }
    }
    for (t, p) in rows(&expected["probabilities"]).iter().enumerate() {
        assert_close(&lab.next_probabilities(t).unwrap(), p, 2e-6, &format!("step {t}: p"));
    }
    // Under PyTorch's hard sigmoid (slope 1/6, not 0.2) the same weights give other numbers: the
    // activation the import selects is what makes them Keras's.
    lab.show_layer(1);
    for site in [Site::Forget, Site::Input, Site::Output] {
        lab.set_activation(site, Activation::HardSigmoid);
    }
    let h: Vec<f32> = lab.trace().at(Quantity::Hidden, 3).to_vec();
    let want = &rows(&expected["layers"][1]["h"])[3];
    assert!(h.iter().zip(want).any(|(g, w)| (f64::from(*g) - w).abs() > 1e-3), "{h:?} vs {want:?}");
}

#[test]
fn a_tfjs_model_json_alone_or_short_of_bytes_is_refused_with_the_reason() {
    let (json, bytes) = tfjs_files();
    let alone = load_file(json.as_bytes(), "model.json").unwrap_err().to_string();
    assert!(alone.contains("TensorFlow.js model.json") && alone.contains("group1-shard1of2.bin, group1-shard2of2.bin"), "{alone}");
    let short = load_tfjs(&json, &bytes[..101], "model.json").unwrap_err().to_string();
    assert!(short.contains("the weights files end inside lstm_LSTM1/kernel"), "{short}");
    let long = load_tfjs(&json, &[bytes.as_slice(), &[0; 4]].concat(), "model.json").unwrap_err().to_string();
    assert_eq!(long, format!("the manifest's weights take {} bytes, and the weights files hold {}", bytes.len(), bytes.len() + 4));
    // A bidirectional layer is named.
    let bidirectional = json.replacen("\"class_name\": \"LSTM\"", "\"class_name\": \"Bidirectional\"", 1);
    let message = load_tfjs(&bidirectional, &bytes, "model.json").unwrap_err().to_string();
    assert!(message.contains("layer lstm_LSTM1 is Bidirectional"), "{message}");
    // The two LSTMs must share their activations: the page sets one per site.
    let mixed = json.replacen("\"recurrent_activation\": \"hard_sigmoid\"", "\"recurrent_activation\": \"sigmoid\"", 1);
    let message = load_tfjs(&mixed, &bytes, "model.json").unwrap_err().to_string();
    assert!(message.contains("layer lstm_LSTM2's activations differ"), "{message}");
    let unknown = json.replacen("\"activation\": \"tanh\"", "\"activation\": \"selu\"", 2);
    let message = load_tfjs(&unknown, &bytes, "model.json").unwrap_err().to_string();
    assert!(message.contains("activation is \"selu\""), "{message}");
}

/// A quantized weight (TF.js's uint8: min + scale·q) reads back as its numbers, worked by hand.
#[test]
fn quantized_tfjs_weights_are_dequantized() {
    let (json, bytes) = tfjs_files();
    let mut v: Value = serde_json::from_str(&json).unwrap();
    let weights = v["weightsManifest"][0]["weights"].as_array_mut().unwrap();
    // The last weight, the read-out's bias (6 floats = 24 bytes), as 6 bytes of uint8.
    let last = weights.last_mut().unwrap();
    assert_eq!(last["name"], "dense_Dense1/bias");
    last["quantization"] = serde_json::json!({"dtype": "uint8", "scale": 0.5, "min": -1.0});
    let mut quantized = bytes[..bytes.len() - 24].to_vec();
    quantized.extend([0u8, 1, 2, 3, 4, 255]);
    let loaded = load_tfjs(&v.to_string(), &quantized, "model.json").unwrap();
    // −1 + 0.5·q for q = 0, 1, 2, 3, 4, 255.
    assert_eq!(loaded.model.stack.readout.unwrap().bias, [-1.0, -0.5, 0.0, 0.5, 1.0, 126.5]);
}

#[test]
fn keras_gru_weights_from_safetensors_match_keras_and_pytorch() {
    let expected: Value = serde_json::from_str(&std::fs::read_to_string(fixture("keras_gru.expected.json")).unwrap()).unwrap();
    let loaded = load_file(&std::fs::read(fixture("keras_gru.safetensors")).unwrap(), "keras_gru.safetensors").unwrap();
    assert!(loaded.unused_keys.is_empty() && loaded.notes.is_empty(), "{:?} {:?}", loaded.unused_keys, loaded.notes);
    assert_eq!(loaded.model.cell.spec().name, "gru");
    assert_eq!(loaded.activations, [(Site::Reset, Activation::Sigmoid), (Site::Update, Activation::Sigmoid), (Site::New, Activation::Tanh)]);
    let lab = lab_for(loaded, expected["text"].as_str().unwrap());
    for (t, h) in rows(&expected["h"]).iter().enumerate() {
        assert_close(lab.trace().at(Quantity::Hidden, t), h, 2e-6, &format!("h at step {t}"));
    }
    for (t, p) in rows(&expected["probabilities"]).iter().enumerate() {
        assert_close(&lab.next_probabilities(t).unwrap(), p, 2e-6, &format!("step {t}: p"));
    }
}

#[test]
fn keras_lstm_weights_without_a_config_use_kerass_defaults_and_say_so() {
    let text = std::fs::read_to_string(fixture("keras_lstm.json")).unwrap();
    let expected: Value = serde_json::from_str::<Value>(&text).unwrap()["expected"].clone();
    let loaded = load(&text, "keras_lstm.json").unwrap();
    assert_eq!(loaded.unused_keys, ["seed_generator/seed_generator_state", "expected"]);
    assert_eq!(loaded.notes.len(), 1);
    assert!(loaded.notes[0].contains("no keras_config"), "{:?}", loaded.notes);
    let gates = [Site::Forget, Site::Input, Site::Output].map(|s| (s, Activation::Sigmoid));
    let others = [Site::Candidate, Site::CellOutput].map(|s| (s, Activation::Tanh));
    assert_eq!(loaded.activations, [gates.as_slice(), others.as_slice()].concat());
    let lab = lab_for(loaded, expected["text"].as_str().unwrap());
    for (t, (h, c)) in rows(&expected["h"]).iter().zip(rows(&expected["c"])).enumerate() {
        assert_close(lab.trace().at(Quantity::Hidden, t), h, 2e-6, &format!("h at step {t}"));
        assert_close(lab.trace().at(Quantity::Cell, t), &c, 2e-6, &format!("c at step {t}"));
    }
}

/// A GRU saved with reset_after: false applies r before the recurrent weights, which is not
/// PyTorch's GRU: refused, by its bias's shape or its config.
#[test]
fn a_keras_gru_without_reset_after_is_refused() {
    let mut v: Value = serde_json::json!({
        "gru/gru_cell/kernel": [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]],
        "gru/gru_cell/recurrent_kernel": [[0.1, 0.2, 0.3]],
        "gru/gru_cell/bias": [0.0, 0.0, 0.0],
        "vocab": ["a", "b"],
    });
    let message = load(&v.to_string(), "g.json").unwrap_err().to_string();
    assert!(message.contains("gru/gru_cell/bias has shape [3]") && message.contains("reset_after: false"), "{message}");
    v["gru/gru_cell/bias"] = serde_json::json!([[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]);
    let loaded = load(&v.to_string(), "g.json").unwrap();
    assert_eq!(loaded.model.cell.spec().name, "gru");
}

/// The TF.js fixture with its layer list changed by `edit`, loaded.
fn tfjs_with(edit: impl FnOnce(&mut Vec<Value>)) -> Result<Loaded, String> {
    let (json, bytes) = tfjs_files();
    let mut v: Value = serde_json::from_str(&json).unwrap();
    edit(v["modelTopology"]["config"]["layers"].as_array_mut().unwrap());
    load_tfjs(&v.to_string(), &bytes, "model.json").map_err(|e| e.to_string())
}

/// Only an Embedding, LSTM or GRU layers and one softmax or linear Dense on top are read; every
/// other layer is refused by name (none is skipped without a word, but Dropout and the like).
#[test]
fn layers_gate_lab_does_not_run_are_refused_by_name() {
    // The layers are: embedding, LSTM 1, LSTM 2, dropout, dense.
    let between = tfjs_with(|layers| layers.swap(2, 4)).unwrap_err();
    assert!(between.starts_with("layer dense_Dense1 is a Dense before or between the recurrent layers"), "{between}");
    let relu = tfjs_with(|layers| layers[4]["config"]["activation"] = "relu".into()).unwrap_err();
    assert!(relu.starts_with("layer dense_Dense1's activation is relu"), "{relu}");
    let norm = tfjs_with(|layers| layers[3] = serde_json::json!({"class_name": "LayerNormalization", "config": {"name": "norm"}})).unwrap_err();
    assert!(norm.starts_with("layer norm is a LayerNormalization on top"), "{norm}");
    let masking = tfjs_with(|layers| layers.insert(1, serde_json::json!({"class_name": "Masking", "config": {"name": "mask"}}))).unwrap_err();
    assert!(masking.starts_with("layer mask is a Masking before or between the recurrent layers"), "{masking}");
    // A softmax after the read-out is what the page computes anyway; a note for mask_zero.
    let softmax = tfjs_with(|layers| {
        layers.push(serde_json::json!({"class_name": "Activation", "config": {"name": "probabilities", "activation": "softmax"}}));
        layers[0]["config"]["mask_zero"] = true.into();
    })
    .unwrap();
    assert!(softmax.model.stack.readout.is_some());
    assert!(softmax.notes.iter().any(|n| n.contains("mask_zero")), "{:?}", softmax.notes);
    // An activation written as an object (Keras 3's custom functions) is not a name.
    let custom = tfjs_with(|layers| layers[1]["config"]["activation"] = serde_json::json!({"class_name": "MyTanh"})).unwrap_err();
    assert!(custom.starts_with("layer lstm_LSTM1's activation is {"), "{custom}");
    // A graph model has no layers.
    let (json, bytes) = tfjs_files();
    let graph = json.replacen("\"layers-model\"", "\"graph-model\"", 1);
    assert!(load_tfjs(&graph, &bytes, "model.json").unwrap_err().to_string().contains("graph model"));
    assert!(gatelab::keras::is_tfjs(&json) && !gatelab::keras::is_tfjs("{\"modelTopology\": {}}") && !gatelab::keras::is_tfjs("[1, 2]"));
}

/// Without keras_config, the layers are ordered by their shapes, not by the file's order (a
/// safetensors writer sorts its tensors by name: `dense` before `gru`).
#[test]
fn without_a_config_the_layers_are_ordered_by_their_shapes() {
    let loaded = load_file(&std::fs::read(fixture("keras_gru.safetensors")).unwrap(), "g.safetensors").unwrap();
    let expected: Value = serde_json::from_str(&std::fs::read_to_string(fixture("keras_gru.expected.json")).unwrap()).unwrap();
    let mut sorted = serde_json::Map::new();
    // The same Keras tensors as JSON, the read-out's first.
    let header_bytes = std::fs::read(fixture("keras_gru.safetensors")).unwrap();
    let length = usize::try_from(u64::from_le_bytes(header_bytes[..8].try_into().unwrap())).unwrap();
    let header: Value = serde_json::from_slice(&header_bytes[8..8 + length]).unwrap();
    let data = &header_bytes[8 + length..];
    let mut names: Vec<&String> = header.as_object().unwrap().keys().filter(|k| *k != "__metadata__").collect();
    names.sort();
    assert!(names[0].contains("dense"), "{names:?}");
    for name in names {
        let entry = &header[name];
        let [begin, end] = [0, 1].map(|k| usize::try_from(entry["data_offsets"][k].as_u64().unwrap()).unwrap());
        let values: Vec<f64> = data[begin..end].chunks_exact(4).map(|b| f64::from(f32::from_le_bytes(b.try_into().unwrap()))).collect();
        let shape: Vec<usize> = entry["shape"].as_array().unwrap().iter().map(|d| usize::try_from(d.as_u64().unwrap()).unwrap()).collect();
        let value = if shape.len() == 2 { serde_json::json!(values.chunks(shape[1]).collect::<Vec<_>>()) } else { serde_json::json!(values) };
        sorted.insert(name.clone(), value);
    }
    sorted.insert("vocab".into(), serde_json::from_str(header["__metadata__"]["vocab"].as_str().unwrap()).unwrap());
    let again = load(&Value::Object(sorted).to_string(), "g.json").unwrap();
    assert!(again.unused_keys.is_empty(), "{:?}", again.unused_keys);
    assert!(again.notes[0].contains("ordered by their shapes"), "{:?}", again.notes);
    assert_eq!(again.model.stack.readout, loaded.model.stack.readout);
    let lab = lab_for(again, expected["text"].as_str().unwrap());
    for (t, h) in rows(&expected["h"]).iter().enumerate() {
        assert_close(lab.trace().at(Quantity::Hidden, t), h, 2e-6, &format!("h at step {t}"));
    }
}

/// Keras's use_bias is true by default: a missing bias is an error unless the config says so;
/// hard_sigmoid is TF.js's for Keras 1 and 2, PyTorch's for Keras 3, and said to be assumed
/// when the config gives no version.
#[test]
fn biases_and_hard_sigmoid_follow_the_config() {
    let text = std::fs::read_to_string(fixture("keras_lstm.json")).unwrap();
    let mut v: Value = serde_json::from_str(&text).unwrap();
    v.as_object_mut().unwrap().remove("lstm/lstm_cell/bias");
    let message = load(&v.to_string(), "l.json").unwrap_err().to_string();
    assert!(message.starts_with("layer lstm has no bias"), "{message}");
    let config = |version: Option<&str>, use_bias: bool| {
        let mut c = serde_json::json!({"class_name": "Sequential", "config": {"layers": [
            {"class_name": "LSTM", "config": {"name": "lstm", "units": 3, "recurrent_activation": "hard_sigmoid", "use_bias": use_bias}}]}});
        if let Some(version) = version {
            c["keras_version"] = version.into();
        }
        c
    };
    v["keras_config"] = config(Some("3.6.0"), false);
    let keras3 = load(&v.to_string(), "l.json").unwrap();
    assert_eq!(keras3.activations[0], (Site::Forget, Activation::HardSigmoid));
    assert!(keras3.notes.is_empty(), "{:?}", keras3.notes);
    for old in ["2.15.0", "1.2.2"] {
        v["keras_config"] = config(Some(old), false);
        assert_eq!(load(&v.to_string(), "l.json").unwrap().activations[0], (Site::Forget, Activation::HardSigmoidTfjs), "Keras {old}");
    }
    v["keras_config"] = config(None, false);
    let unknown = load(&v.to_string(), "l.json").unwrap();
    assert_eq!(unknown.activations[0], (Site::Forget, Activation::HardSigmoid));
    assert!(unknown.notes.iter().any(|n| n.contains("no keras_version")), "{:?}", unknown.notes);
}
