//! A whole character model's state_dict, as a PyTorch tutorial saves it: an `nn.Embedding`, a
//! 2-layer `nn.LSTM` and an `nn.Linear`, against what PyTorch computed for it (recorded by
//! scripts/fixtures/char_lstm.py in float64 from the same float32 weights).

use gatelab::pytorch::load;
use gatelab::lab::Lab;
use gatelab::Quantity;
use serde_json::Value;

mod parity;
use parity::{assert_close, rows};

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/char_lstm2.json");


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
            assert_close(&lab.next_probabilities(t).unwrap(), p, 2e-6, &format!("layer {layer} shown, step {t}: p"));
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

const SAFETENSORS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/char_lstm2.safetensors");

/// The same model saved as safetensors (the vocab in `__metadata__`) loads to the same weights,
/// bit for bit, and so to the same numbers as PyTorch.
#[test]
fn the_same_model_from_safetensors_is_the_same_model() {
    let from_json = load(&std::fs::read_to_string(FIXTURE).unwrap(), "m.json").unwrap().model;
    let loaded = gatelab::pytorch::load_safetensors(&std::fs::read(SAFETENSORS).unwrap(), "m.safetensors").unwrap();
    assert!(loaded.unused_keys.is_empty(), "{:?}", loaded.unused_keys);
    let model = loaded.model;
    assert_eq!(model.vocab, from_json.vocab);
    for (a, b) in model.all_layers().zip(from_json.all_layers()) {
        assert_eq!(a.weights(), b.weights());
    }
    assert_eq!(model.stack.readout, from_json.stack.readout);
    let fixture: Value = serde_json::from_str(&std::fs::read_to_string(FIXTURE).unwrap()).unwrap();
    let mut lab = Lab::new(model);
    lab.set_text(fixture["expected"]["text"].as_str().unwrap());
    for (t, h) in rows(&fixture["expected"]["layers"][1]["h"]).iter().enumerate() {
        assert_close(lab.trace().at(Quantity::Hidden, t), h, 2e-6, &format!("h at step {t}"));
    }
}

/// A safetensors file written here: `tensors` as (name, dtype, shape, little-endian bytes).
fn safetensors_file(tensors: &[(&str, &str, &[usize], Vec<u8>)], metadata: &Value) -> Vec<u8> {
    let mut header = serde_json::Map::new();
    let mut offset = 0;
    for (name, dtype, shape, data) in tensors {
        header.insert((*name).into(), serde_json::json!({"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + data.len()]}));
        offset += data.len();
    }
    header.insert("__metadata__".into(), metadata.clone());
    let text = Value::Object(header).to_string();
    let mut bytes = (text.len() as u64).to_le_bytes().to_vec();
    bytes.extend(text.as_bytes());
    for (_, _, _, data) in tensors {
        bytes.extend(data);
    }
    bytes
}

fn f32_bytes(values: &[f32]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}

/// H = 1 over "ab", as `valid()` in tests/pytorch_json.rs, in safetensors.
fn small(metadata: &Value, ih_dtype: (&str, Vec<u8>)) -> Result<gatelab::pytorch::Loaded, String> {
    let tensors: Vec<(&str, &str, &[usize], Vec<u8>)> = vec![
        ("weight_ih_l0", ih_dtype.0, &[4, 2], ih_dtype.1),
        ("weight_hh_l0", "F32", &[4, 1], f32_bytes(&[0.1, 0.2, 0.3, 0.4])),
        ("bias_ih_l0", "F32", &[4], f32_bytes(&[0.0; 4])),
        ("bias_hh_l0", "F32", &[4], f32_bytes(&[0.0; 4])),
    ];
    gatelab::pytorch::load_safetensors(&safetensors_file(&tensors, metadata), "s.safetensors").map_err(|e| e.to_string())
}

#[test]
fn safetensors_problems_are_named() {
    let ih = || ("F32", f32_bytes(&[0.5, 0.25, 1.0, 2.0, -0.5, 0.125, 4.0, 8.0]));
    let ok = small(&serde_json::json!({"vocab": "[\"a\", \"b\"]", "format": "pt", "note": "mine"}), ih()).unwrap();
    assert_eq!(ok.unused_keys, ["__metadata__.note"], "an unknown metadata key is named, format is PyTorch's own");
    assert_eq!(ok.model.cell.weights().weight_ih, [0.5, 0.25, 1.0, 2.0, -0.5, 0.125, 4.0, 8.0]);
    // The same numbers as halves and bfloats: all are exact in both.
    let halves = [0x3800_u16, 0x3400, 0x3c00, 0x4000, 0xb800, 0x3000, 0x4400, 0x4800];
    let f16 = small(&serde_json::json!({"vocab": "[\"a\", \"b\"]"}), ("F16", halves.iter().flat_map(|h| h.to_le_bytes()).collect())).unwrap();
    assert_eq!(f16.model.cell.weights(), ok.model.cell.weights());
    let bf16: Vec<u8> = [0.5f32, 0.25, 1.0, 2.0, -0.5, 0.125, 4.0, 8.0].iter().flat_map(|v| u16::try_from(v.to_bits() >> 16).unwrap().to_le_bytes()).collect();
    assert_eq!(small(&serde_json::json!({"vocab": "[\"a\", \"b\"]"}), ("BF16", bf16)).unwrap().model.cell.weights(), ok.model.cell.weights());
    let message = small(&serde_json::json!({}), ih()).unwrap_err();
    assert!(message.contains("vocab is missing"), "{message}");
    let message = small(&serde_json::json!({"vocab": "a, b"}), ih()).unwrap_err();
    assert!(message.starts_with("__metadata__.vocab is not a JSON list of strings"), "{message}");
    let message = small(&serde_json::json!({"vocab": "[\"a\", \"b\"]"}), ("I32", vec![0; 32])).unwrap_err();
    assert_eq!(message, "weight_ih_l0 is I32: weights must be F32, F64, F16 or BF16");
    let nan = ("F32", f32_bytes(&[0.5, f32::NAN, 1.0, 2.0, -0.5, 0.125, 4.0, 8.0]));
    assert_eq!(small(&serde_json::json!({"vocab": "[\"a\", \"b\"]"}), nan).unwrap_err(), "weight_ih_l0[1] is not a finite number");
    let message = gatelab::pytorch::load_safetensors(b"{\"weight_ih_l0\": []}", "x.safetensors").unwrap_err().to_string();
    assert!(message.starts_with("not a safetensors file"), "{message}");
}

/// The safetensors crate (the format's reference implementation) writes the model; Gate Lab's
/// reader gives the same weights as from JSON. Files the crate refuses, it refuses too.
#[test]
#[allow(clippy::cast_possible_truncation)] // the export's numbers are f32s, written in full
fn the_reader_agrees_with_the_safetensors_crate() {
    use safetensors::tensor::{Dtype, TensorView};
    let model = load(&std::fs::read_to_string(FIXTURE).unwrap(), "m.json").unwrap().model;
    let written: serde_json::Map<String, Value> = serde_json::from_str(&gatelab::pytorch::export(&model).to_string()).unwrap();
    // Every tensor of the export, as f32 bytes, with its shape.
    let mut tensors: Vec<(String, Vec<usize>, Vec<u8>)> = Vec::new();
    for (key, value) in written.iter().filter(|(k, _)| *k != "vocab") {
        let items = value.as_array().unwrap();
        let two = items[0].is_array();
        let flat: Vec<f32> = if two { items.iter().flat_map(|r| r.as_array().unwrap().clone()).collect::<Vec<_>>() } else { items.clone() }
            .iter()
            .map(|x| x.as_f64().unwrap() as f32)
            .collect();
        let shape = if two { vec![items.len(), items[0].as_array().unwrap().len()] } else { vec![items.len()] };
        tensors.push((key.clone(), shape, flat.iter().flat_map(|v| v.to_le_bytes()).collect()));
    }
    let views: Vec<(String, TensorView)> = tensors.iter().map(|(k, shape, data)| (k.clone(), TensorView::new(Dtype::F32, shape.clone(), data).unwrap())).collect();
    let vocab: Vec<String> = model.vocab.chars().iter().map(char::to_string).collect();
    let metadata = [("vocab".to_string(), serde_json::to_string(&vocab).unwrap())].into_iter().collect();
    let bytes = safetensors::serialize(views, Some(metadata)).unwrap();
    let again = gatelab::pytorch::load_safetensors(&bytes, "crate.safetensors").unwrap().model;
    for (a, b) in model.all_layers().zip(again.all_layers()) {
        assert_eq!(a.weights(), b.weights());
    }
    assert_eq!(again.stack.readout, model.stack.readout);
    // Broken files: a header longer than the file, data cut short, two tensors on the same bytes.
    let cut = &bytes[..bytes.len() - 4];
    let long = [&u64::MAX.to_le_bytes()[..], &bytes[8..]].concat();
    let header_len = usize::try_from(u64::from_le_bytes(bytes[..8].try_into().unwrap())).unwrap();
    let header = std::str::from_utf8(&bytes[8..8 + header_len]).unwrap();
    // bias_hh_l0 set on bias_ih_l0's bytes (the same dtype and size).
    let mut overlapping: serde_json::Map<String, Value> = serde_json::from_str(header).unwrap();
    overlapping["bias_hh_l0"]["data_offsets"] = overlapping["bias_ih_l0"]["data_offsets"].clone();
    let text = Value::Object(overlapping).to_string();
    let shared = [&(text.len() as u64).to_le_bytes()[..], text.as_bytes(), &bytes[8 + header_len..]].concat();
    for (what, broken) in [("cut", cut), ("long header", &long[..]), ("overlapping", &shared[..])] {
        assert!(safetensors::SafeTensors::deserialize(broken).is_err(), "the crate refuses the {what} file");
        let message = gatelab::pytorch::load_safetensors(broken, "x.safetensors").unwrap_err().to_string();
        assert!(message.starts_with("not a safetensors file: "), "{what}: {message}");
    }
}

/// Review findings, each a file that once crashed or misread: a read-out bias of the wrong
/// length, a layer number past the limit, an embedding of width 0, and safetensors files with a
/// gap or trailing bytes (which the format's reader refuses too).
#[test]
fn malformed_models_are_errors_or_notes_never_panics() {
    let short_bias = load_with(|o| {
        o.insert("head.bias".into(), serde_json::json!([0.0, 0.0]));
    })
    .unwrap();
    assert!(short_bias.model.stack.readout.is_none(), "a read-out whose bias does not fit its rows is not used");
    assert!(short_bias.unused_keys.contains(&"head.weight".to_string()));
    for key in ["lstm.bias_ih_l3000000000", "lstm.bias_ih_l18446744073709551615"] {
        let message = load_with(|o| {
            o.insert(key.into(), serde_json::json!([0.0]));
        })
        .unwrap_err();
        assert!(message.contains("reads models of up to 64 layers"), "{key}: {message}");
    }
    let zero = load(r#"{"weight_ih_l0": [[], [], [], []], "weight_hh_l0": [[0.1], [0.2], [0.3], [0.4]], "bias_ih_l0": [0, 0, 0, 0], "bias_hh_l0": [0, 0, 0, 0], "embed.weight": [[], []], "vocab": ["a", "b"]}"#, "z.json");
    assert!(zero.unwrap_err().to_string().contains("weight_ih_l0 has 0 input columns"));
    let bytes = std::fs::read(SAFETENSORS).unwrap();
    let trailing = [&bytes[..], &[0, 0, 0, 0]].concat();
    assert!(safetensors::SafeTensors::deserialize(&trailing).is_err());
    let message = gatelab::pytorch::load_safetensors(&trailing, "t.safetensors").unwrap_err().to_string();
    assert!(message.contains("of its") && message.starts_with("not a safetensors file"), "{message}");
    // A gap: the last tensor moved 4 bytes on, the data 4 bytes longer.
    let length = usize::try_from(u64::from_le_bytes(bytes[..8].try_into().unwrap())).unwrap();
    let mut header: serde_json::Map<String, Value> = serde_json::from_str(std::str::from_utf8(&bytes[8..8 + length]).unwrap()).unwrap();
    let data = bytes.len() - 8 - length;
    let last = header.iter().filter(|(k, _)| *k != "__metadata__").max_by_key(|(_, v)| v["data_offsets"][1].as_u64().unwrap()).map(|(k, _)| k.clone()).unwrap();
    let [begin, end] = [0, 1].map(|k| header[&last]["data_offsets"][k].as_u64().unwrap());
    header[&last]["data_offsets"] = serde_json::json!([begin + 4, end + 4]);
    let text = Value::Object(header).to_string();
    let mut gap = (text.len() as u64).to_le_bytes().to_vec();
    gap.extend(text.as_bytes());
    gap.extend(&bytes[8 + length..8 + length + usize::try_from(begin).unwrap()]);
    gap.extend([0; 4]);
    gap.extend(&bytes[8 + length + usize::try_from(begin).unwrap()..]);
    assert_eq!(gap.len(), 8 + text.len() + data + 4);
    assert!(safetensors::SafeTensors::deserialize(&gap).is_err());
    let message = gatelab::pytorch::load_safetensors(&gap, "g.safetensors").unwrap_err().to_string();
    assert!(message.contains("leave a gap between them"), "{message}");
}

/// Two stacked models of the same H but different designs, one after the other in one lab:
/// the second runs as it does fresh (the layer below's h is found where its design puts it).
#[test]
fn a_stacked_gru_after_a_stacked_mingru_runs_as_it_does_fresh() {
    let stacked = |cell: &str, recurrent: bool| {
        let rows: u32 = if cell == "gru" { 3 } else { 2 };
        let mut v = serde_json::json!({ "vocab": ["a", "b"], "cell": cell });
        for layer in 0..2 {
            // Layer 0 reads the 2 symbols, layer 1 the 2 units below: both 2 columns wide.
            let input: u32 = 2;
            v[format!("weight_ih_l{layer}")] = serde_json::json!((0..rows * 2).map(|r| (0..input).map(|c| 0.1 * f64::from(r) - 0.2 * f64::from(c)).collect::<Vec<_>>()).collect::<Vec<_>>());
            v[format!("bias_ih_l{layer}")] = serde_json::json!(vec![0.05; rows as usize * 2]);
            if recurrent {
                v[format!("weight_hh_l{layer}")] = serde_json::json!((0..rows * 2).map(|r| vec![0.3 - 0.1 * f64::from(r), 0.2]).collect::<Vec<_>>());
                v[format!("bias_hh_l{layer}")] = serde_json::json!(vec![0.0; rows as usize * 2]);
            }
        }
        load(&v.to_string(), cell).unwrap().model
    };
    let mut lab = Lab::new(stacked("mingru", false));
    lab.set_text("abba");
    lab.set_model(stacked("gru", true));
    let mut fresh = Lab::new(stacked("gru", true));
    fresh.set_text("abba");
    assert_eq!(lab.trace().values(Quantity::Hidden), fresh.trace().values(Quantity::Hidden));
}
