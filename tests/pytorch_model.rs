//! A whole character model's state_dict, as a PyTorch tutorial saves it: an `nn.Embedding`, a
//! 2-layer `nn.LSTM` and an `nn.Linear`, against what PyTorch computed for it (recorded by
//! scripts/fixtures/char_lstm.py in float64 from the same float32 weights).

use gatelab::pytorch::load;
use gatelab::lab::Lab;
use gatelab::Quantity;
use serde_json::Value;

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/char_lstm2.json");

fn rows(value: &Value) -> Vec<Vec<f64>> {
    value.as_array().unwrap().iter().map(|r| r.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect()).collect()
}

fn assert_close(got: &[f32], want: &[f64], tolerance: f64, what: &str) {
    assert_eq!(got.len(), want.len(), "{what}");
    for (k, (g, w)) in got.iter().zip(want).enumerate() {
        assert!((f64::from(*g) - w).abs() <= tolerance, "{what}[{k}]: {g} against PyTorch's {w}");
    }
}

#[test]
fn every_layer_of_an_embedded_two_layer_lstm_matches_pytorch() {
    let text = std::fs::read_to_string(FIXTURE).unwrap();
    let fixture: Value = serde_json::from_str(&text).unwrap();
    let expected = &fixture["expected"];
    let loaded = load(&text, "char_lstm2.json").unwrap();
    // Only the recorded answers are left over; the module prefixes, the embedding and the
    // read-out are all read.
    assert_eq!(loaded.unused_keys, ["expected"]);
    let model = loaded.model;
    assert_eq!((model.layers(), model.layer()), (2, 1));
    assert_eq!(model.stack.embedding, Some(3), "the embedding's width");
    assert_eq!(model.cell.input_size(), 4, "layer 1 reads layer 0's h");
    assert!(model.stack.readout.is_some());
    let sample = expected["text"].as_str().unwrap();
    let mut lab = Lab::new(model);
    lab.set_text(sample);
    for layer in 0..2 {
        lab.show_layer(layer);
        assert_eq!(lab.model().layer(), layer);
        let want = &expected["layers"][layer];
        for (t, (h, c)) in rows(&want["h"]).iter().zip(rows(&want["c"])).enumerate() {
            assert_close(lab.trace().at(Quantity::Hidden, t), h, 2e-6, &format!("layer {layer} h at step {t}"));
            assert_close(lab.trace().at(Quantity::Cell, t), &c, 2e-6, &format!("layer {layer} c at step {t}"));
        }
        // The read-out reads the top layer whichever layer is on show.
        for (t, p) in rows(&expected["probabilities"]).iter().enumerate() {
            let got = lab.next_probabilities(t).unwrap();
            for (k, (g, w)) in got.iter().zip(p).enumerate() {
                assert!((g - w).abs() <= 2e-6, "layer {layer} shown: p[{k}] at step {t}: {g} against {w}");
            }
        }
    }
    // Layer 0's first W_ih column is the embedding's row for "a" through PyTorch's W_ih:
    // folding is exact up to f32 rounding, checked above through every value it feeds.
    let detail = lab.step_detail(0).unwrap();
    let predictions = detail.predictions.unwrap();
    assert_eq!(predictions.top.len(), 5);
    assert!(predictions.top.windows(2).all(|w| w[0].probability >= w[1].probability));
    // Step 0 reads "a"; "b" came next, and its probability is the read-out's.
    let next = predictions.next.unwrap();
    assert_eq!(next.char, "b");
    let p1 = lab.next_probabilities(0).unwrap()[1];
    assert_eq!(next.probability, Some(p1));
    // "?" is outside the vocab: after step 4 ("c"), the read-out gave it nothing.
    let after_c = lab.step_detail(4).unwrap().predictions.unwrap().next.unwrap();
    assert_eq!((after_c.char.as_str(), after_c.probability), ("?", None));
}

/// Typing runs only the new steps, in every layer: each edit below gives, to the last bit, what
/// a fresh run over the whole text gives, for either layer on show.
#[test]
fn edits_resume_every_layer_where_they_left_off() {
    let text = std::fs::read_to_string(FIXTURE).unwrap();
    for layer in 0..2 {
        let mut typing = Lab::new(load(&text, "m.json").unwrap().model);
        typing.show_layer(layer);
        for sample in ["a", "ab", "ab (", "ab (c?\nba", "ab (x?\nba", "ab"] {
            typing.set_text(sample);
            let mut fresh = Lab::new(load(&text, "m.json").unwrap().model);
            fresh.show_layer(layer);
            fresh.set_text(sample);
            for q in [Quantity::Hidden, Quantity::Cell, Quantity::Forget] {
                let bits = |lab: &Lab| lab.trace().values(q).iter().map(|v| v.to_bits()).collect::<Vec<_>>();
                assert_eq!(bits(&typing), bits(&fresh), "layer {layer}, {q:?} after typing {sample:?}");
            }
            let steps = sample.chars().count();
            let p = |lab: &Lab| (0..steps).map(|t| lab.next_probabilities(t).unwrap()).collect::<Vec<_>>();
            assert_eq!(p(&typing), p(&fresh), "layer {layer}: predictions after typing {sample:?}");
        }
    }
}

/// Exported, the whole model comes back: both layers, the embedding folded in, the read-out.
#[test]
fn an_exported_model_loads_back_whole() {
    let text = std::fs::read_to_string(FIXTURE).unwrap();
    let model = load(&text, "m.json").unwrap().model;
    let written = gatelab::pytorch::export(&model).to_string();
    let again = load(&written, "again.json").unwrap();
    assert!(again.unused_keys.is_empty(), "{:?}", again.unused_keys);
    let again = again.model;
    assert_eq!(again.layers(), 2);
    for (a, b) in model.all_layers().zip(again.all_layers()) {
        assert_eq!(a.weights(), b.weights());
    }
    assert_eq!(again.stack.readout, model.stack.readout);
    assert_eq!(again.stack.embedding, None, "written folded: layer 0 reads one-hot symbols");
}

fn load_with(change: impl FnOnce(&mut serde_json::Map<String, Value>)) -> Result<gatelab::pytorch::Loaded, String> {
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(FIXTURE).unwrap()).unwrap();
    let object = v.as_object_mut().unwrap();
    object.remove("expected");
    change(object);
    load(&v.to_string(), "m.json").map_err(|e| e.to_string())
}

/// What is ambiguous is an error naming the keys; what is not the model's is named and left.
#[test]
fn ambiguous_modules_are_errors_that_name_the_keys() {
    let two_rnns = load_with(|o| {
        let copy: Vec<(String, Value)> = o.iter().filter(|(k, _)| k.starts_with("lstm.")).map(|(k, v)| (k.replacen("lstm.", "rnn.", 1), v.clone())).collect();
        o.extend(copy);
    });
    let message = two_rnns.unwrap_err();
    assert!(message.contains("more than one recurrent module") && message.contains("lstm.weight_ih_l0") && message.contains("rnn.weight_ih_l0"), "{message}");
    let two_embeddings = load_with(|o| {
        let table = o["embed.weight"].clone();
        o.insert("other.weight".into(), table);
    });
    let message = two_embeddings.unwrap_err();
    assert!(message.contains("embed.weight and other.weight could each be the embedding (6 × 3)"), "{message}");
    let two_heads = load_with(|o| {
        let (w, b) = (o["head.weight"].clone(), o["head.bias"].clone());
        o.insert("decoder.weight".into(), w);
        o.insert("decoder.bias".into(), b);
    });
    let message = two_heads.unwrap_err();
    assert!(message.contains("decoder.weight and head.weight could each be the read-out"), "{message}");
    // A read-out that does not score the vocab's characters is not used, and is named.
    let narrow = load_with(|o| {
        o.insert("head.weight".into(), serde_json::json!([[0.1, 0.2, 0.3, 0.4]]));
        o.insert("head.bias".into(), serde_json::json!([0.0]));
    })
    .unwrap();
    assert!(narrow.model.stack.readout.is_none());
    assert_eq!(narrow.unused_keys, ["head.bias", "head.weight"]);
    // Without the embedding, the vocab does not fit layer 0's 3 input columns.
    let message = load_with(|o| {
        o.remove("embed.weight");
    })
    .unwrap_err();
    assert!(message.contains("vocab has 6 entries but lstm.weight_ih_l0 has 3 input columns (and no nn.Embedding of 6 × 3 is in the file)"), "{message}");
    // A layer missing from the middle is named.
    let message = load_with(|o| {
        for k in ["weight_ih", "weight_hh", "bias_ih", "bias_hh"] {
            let v = o[&format!("lstm.{k}_l1")].clone();
            o.insert(format!("lstm.{k}_l2"), v);
            o.remove(&format!("lstm.{k}_l1"));
        }
    })
    .unwrap_err();
    assert_eq!(message, "lstm.weight_ih_l1 is missing");
}
