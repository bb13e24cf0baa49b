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
        let got = lab.next_probabilities(t).unwrap();
        assert_eq!(got.len(), p.len());
        for (k, (g, w)) in got.iter().zip(p).enumerate() {
            assert!((g - w).abs() <= 2e-6, "p[{k}] at step {t}: {g} against {w}");
        }
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
        let got = lab.next_probabilities(t).unwrap();
        assert_eq!(got.len(), p.len());
        for (k, (g, w)) in got.iter().zip(p).enumerate() {
            assert!((g - w).abs() <= 2e-6, "p[{k}] at step {t}: {g} against {w}");
        }
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
