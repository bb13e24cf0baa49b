//! PyTorch weights as JSON: export then load gives the same weights, and every way a file can
//! be wrong gives a message naming the field.

#![allow(clippy::float_cmp)] // exact comparisons are the point of these tests

use gatelab::pytorch::{export, load};
use gatelab::{Activations, Preset, Trace};
use serde_json::{json, Value};

/// A small valid file: H = 1, vocabulary "ab".
fn valid() -> Value {
    json!({
        "weight_ih_l0": [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6], [0.7, 0.8]],
        "weight_hh_l0": [[0.1], [0.2], [0.3], [0.4]],
        "bias_ih_l0": [0.0, 0.1, 0.2, 0.3],
        "bias_hh_l0": [0.3, 0.2, 0.1, 0.0],
        "vocab": ["a", "b"],
    })
}

fn load_error(value: &Value) -> String {
    match load(&value.to_string(), "test.json") {
        Ok(_) => panic!("loaded a bad file: {value}"),
        Err(e) => e.to_string(),
    }
}

fn assert_mentions(message: &str, parts: &[&str]) {
    for part in parts {
        assert!(message.contains(part), "{message:?} should mention {part:?}");
    }
}

#[test]
fn round_trip_keeps_every_weight() {
    for preset in
        [Preset::Counter, Preset::Latch, Preset::Random { hidden: 5, seed: 3 }, Preset::Random { hidden: 64, seed: 11 }]
    {
        let model = preset.build();
        let text = export(&model).to_string();
        let loaded = load(&text, "exported.json").unwrap().model;
        assert_eq!(loaded.cell.weights(), model.cell.weights(), "{preset}");
        // Bit for bit, not just ==.
        for ((name, a), (_, b)) in model.cell.weights().tensors().into_iter().zip(loaded.cell.weights().tensors()) {
            assert!(a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits()), "{preset}: {name}");
        }
        assert_eq!(loaded.vocab, model.vocab);
        assert_eq!(loaded.name, "exported.json");
        // And it runs the same.
        let (mut t1, mut t2) = (Trace::new(), Trace::new());
        model.run("(()S R~", &Activations::default(), &mut t1);
        loaded.run("(()S R~", &Activations::default(), &mut t2);
        assert_eq!(t1.values(gatelab::Quantity::Hidden), t2.values(gatelab::Quantity::Hidden));
    }
}

#[test]
fn the_valid_example_loads() {
    let model = load(&valid().to_string(), "ok.json").unwrap().model;
    assert_eq!(model.cell.hidden_size(), 1);
    assert_eq!(model.cell.input_size(), 2);
    // PyTorch's layout: weight_ih_l0 row 1 is the forget gate's, column 1 is "b".
    let (row, column, input_size) = (1, 1, 2);
    assert_eq!(model.cell.weights().weight_ih[row * input_size + column], 0.4);
}

#[test]
fn invalid_json() {
    let message = load("{\"weight_ih_l0\": [[1, 2],", "x.json").unwrap_err().to_string();
    assert_mentions(&message, &["not valid JSON", "line 1"]);
    let message = load("[1, 2]", "x.json").unwrap_err().to_string();
    assert_mentions(&message, &["JSON object"]);
}

#[test]
fn missing_weight_hh() {
    let mut v = valid();
    v.as_object_mut().unwrap().remove("weight_hh_l0");
    assert_mentions(&load_error(&v), &["weight_hh_l0", "missing"]);
}

#[test]
fn ragged_rows() {
    let mut v = valid();
    v["weight_ih_l0"][2] = json!([0.5]);
    assert_mentions(&load_error(&v), &["weight_ih_l0[2]", "1 numbers", "row 0 has 2"]);
    let mut v = valid();
    v["weight_hh_l0"][3] = json!([0.4, 0.5]);
    assert_mentions(&load_error(&v), &["weight_hh_l0[3]"]);
}

#[test]
fn wrong_bias_length() {
    let mut v = valid();
    v["bias_hh_l0"] = json!([0.0, 0.1, 0.2]);
    assert_mentions(&load_error(&v), &["bias_hh_l0", "3 numbers", "expected 4"]);
    let mut v = valid();
    v["bias_ih_l0"] = json!([0.0, 0.1, 0.2, 0.3, 0.4]);
    assert_mentions(&load_error(&v), &["bias_ih_l0", "5 numbers"]);
}

#[test]
fn wrong_matrix_shapes() {
    let mut v = valid();
    v["weight_ih_l0"] = json!([[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]]);
    assert_mentions(&load_error(&v), &["weight_ih_l0", "3 rows", "4 × hidden size"]);
    let mut v = valid();
    v["weight_hh_l0"] = json!([[0.1, 0.0], [0.2, 0.0], [0.3, 0.0], [0.4, 0.0]]);
    assert_mentions(&load_error(&v), &["weight_hh_l0", "4 × 2", "expected 4 × 1"]);
}

#[test]
fn vocab_length_mismatch() {
    let mut v = valid();
    v["vocab"] = json!(["a", "b", "c"]);
    assert_mentions(&load_error(&v), &["vocab", "3 entries", "2 input columns"]);
    let mut v = valid();
    v.as_object_mut().unwrap().remove("vocab");
    assert_mentions(&load_error(&v), &["vocab is missing", "2 one-character strings"]);
}

#[test]
fn multi_character_vocab_entry() {
    let mut v = valid();
    v["vocab"] = json!(["a", "bc"]);
    assert_mentions(&load_error(&v), &["vocab[1]", "\"bc\"", "one character"]);
    let mut v = valid();
    v["vocab"] = json!(["a", 7]);
    assert_mentions(&load_error(&v), &["vocab[1]", "not a string"]);
    let mut v = valid();
    v["vocab"] = json!(["a", "a"]);
    assert_mentions(&load_error(&v), &["vocab[1]", "repeats"]);
}

#[test]
fn numbers_too_big_for_f32_or_not_numbers() {
    // Written as text, so that 1e39 is the first bad number the loader meets.
    let text = r#"{"weight_ih_l0": [[0.1, 0.2], [1e39, 0.4], [0.5, 0.6], [0.7, 0.8]],
        "weight_hh_l0": [[0.1], [0.2], [0.3], [0.4]], "bias_ih_l0": [0, 0, 0, 0],
        "bias_hh_l0": [0, 0, 0, 0], "vocab": ["a", "b"]}"#;
    let message = load(text, "big.json").unwrap_err().to_string();
    assert_mentions(&message, &["weight_ih_l0[1][0]", "too large", "32-bit"]);
    let mut v = valid();
    v["bias_ih_l0"][2] = json!("NaN");
    assert_mentions(&load_error(&v), &["bias_ih_l0[2]", "not a number"]);
    let mut v = valid();
    v["weight_hh_l0"][1][0] = Value::Null;
    assert_mentions(&load_error(&v), &["weight_hh_l0[1][0]", "null", "not a number"]);
}

#[test]
fn a_second_layer_loads_and_its_parts_are_checked() {
    // Layer 1 reads layer 0's h (H = 1): its W_ih is 4 × 1.
    let mut v = valid();
    v["weight_ih_l1"] = json!([[0.5], [-0.5], [0.25], [1.0]]);
    v["weight_hh_l1"] = json!([[0.1], [0.2], [0.3], [0.4]]);
    v["bias_ih_l1"] = json!([0.0, 0.0, 0.0, 0.0]);
    v["bias_hh_l1"] = json!([0.0, 0.0, 0.0, 0.0]);
    let model = load(&v.to_string(), "two.json").unwrap().model;
    assert_eq!((model.layers(), model.layer()), (2, 1), "the top layer is on show");
    assert_eq!(model.cell.input_size(), 1);
    let mut missing = v.clone();
    missing.as_object_mut().unwrap().remove("bias_hh_l1");
    assert_mentions(&load_error(&missing), &["bias_hh_l1 is missing"]);
    let mut wide = v.clone();
    wide["weight_ih_l1"] = json!([[0.5, 0.0], [-0.5, 0.0], [0.25, 0.0], [1.0, 0.0]]);
    assert_mentions(&load_error(&wide), &["weight_ih_l1 has 2 input columns", "layer 1 reads the h of layer 0, which has 1 units"]);
    let mut v = valid();
    v["weight_ih_l0_reverse"] = v["weight_ih_l0"].clone();
    assert_mentions(&load_error(&v), &["weight_ih_l0_reverse", "bidirectional"]);
    let mut v = valid();
    v["weight_hr_l0"] = json!([[0.5]]);
    assert_mentions(&load_error(&v), &["weight_hr_l0", "proj_size"]);
}

#[test]
fn empty_sizes_are_refused() {
    let v = json!({
        "weight_ih_l0": [[], [], [], []],
        "weight_hh_l0": [[0.1], [0.2], [0.3], [0.4]],
        "bias_ih_l0": [0.0, 0.1, 0.2, 0.3],
        "bias_hh_l0": [0.3, 0.2, 0.1, 0.0],
        "vocab": [],
    });
    assert_mentions(&load_error(&v), &["at least 1"]);
}

#[test]
fn keys_the_cell_does_not_use_are_named() {
    let loaded = load(&valid().to_string(), "ok.json").unwrap();
    assert!(loaded.unused_keys.is_empty());
    assert_eq!(gatelab::pytorch::unused_note(&loaded.unused_keys, "LSTM"), None);
    let mut v = valid();
    // A 1 × 1 weight with no bias is neither an embedding (2 × 2 here) nor a read-out.
    v["readout.weight"] = json!([[1.0]]);
    v["step"] = json!(3);
    let loaded = load(&v.to_string(), "extra.json").unwrap();
    // serde_json writes keys sorted.
    assert_eq!(loaded.unused_keys, ["readout.weight", "step"]);
    let note = gatelab::pytorch::unused_note(&loaded.unused_keys, "LSTM").unwrap();
    assert_eq!(note, "the file's keys readout.weight, step are not used: the page reads the LSTM's layers, an embedding, and a read-out that predicts the next character");
    let one = gatelab::pytorch::unused_note(&["optimizer".to_string()], "GRU").unwrap();
    assert!(one.ends_with("is not used: the page reads the GRU's layers, an embedding, and a read-out that predicts the next character"), "{one}");
    assert!(one.starts_with("the file's key optimizer is not used"), "{one}");
}

/// A file with all three peepholes (H numbers each) loads as an LSTM with peepholes, and writes
/// them back; one or two of them, the wrong length, or a cell this loader does not read, is an
/// error that names the key and what was expected.
#[test]
fn peepholes_and_the_cell_key() {
    let mut v = valid();
    let hidden = v["weight_hh_l0"][0].as_array().unwrap().len();
    let eye = |x: f64| json!(vec![x; hidden]);
    v["weight_ci_l0"] = eye(0.25);
    v["weight_cf_l0"] = eye(-0.5);
    v["weight_co_l0"] = eye(1.5);
    v["cell"] = json!("lstm");
    let loaded = load(&v.to_string(), "eyes.json").unwrap();
    assert!(loaded.unused_keys.is_empty(), "{:?}", loaded.unused_keys);
    let w = loaded.model.cell.weights();
    assert_eq!(w.peephole(0), vec![0.25; hidden]);
    assert_eq!(w.peephole(2), vec![1.5; hidden]);
    let again = load(&gatelab::pytorch::export(&loaded.model).to_string(), "again.json").unwrap();
    assert_eq!(again.model.cell.weights(), w);
    // 4 blocks of H(I + H + 2) and 3 peepholes of H.
    let input = v["weight_ih_l0"][0].as_array().unwrap().len();
    assert_eq!(loaded.model.parameter_count(&Activations::default()), 4 * hidden * (input + hidden + 2) + 3 * hidden);

    let mut partial = v.clone();
    partial.as_object_mut().unwrap().remove("weight_cf_l0");
    assert_mentions(&load_error(&partial), &["weight_cf_l0 is missing", "weight_ci_l0, weight_cf_l0, weight_co_l0"]);
    let mut short = v.clone();
    short["weight_co_l0"] = json!([]);
    assert_mentions(&load_error(&short), &["weight_co_l0 has 0 numbers", &format!("expected {hidden}")]);
    let mut other = v.clone();
    other["cell"] = json!("peephole");
    assert_mentions(&load_error(&other), &["cell is \"peephole\"", "\"lstm\""]);
    other["cell"] = json!(3);
    assert_mentions(&load_error(&other), &["cell is 3"]);
}

#[test]
fn problems_are_reported_in_the_same_order_whatever_the_order_of_keys() {
    // weight_hh_l0 (ragged) comes first in the text, but weight_ih_l0's problem is named: the
    // keys are checked in a fixed order once the whole text is read.
    let text = r#"{"weight_hh_l0": [[0.1], [0.2, 0.3], [0.3], [0.4]],
        "weight_ih_l0": [[0.1, 0.2], [0.3, "x"], [0.5, 0.6], [0.7, 0.8]],
        "bias_ih_l0": [0, 0, 0, 0], "bias_hh_l0": [0, 0, 0, 0], "vocab": ["a", "b"]}"#;
    assert_mentions(&load(text, "x.json").unwrap_err().to_string(), &["weight_ih_l0[1][1]", "\"x\"", "not a number"]);
    // A row of the wrong length is named before a bad number in it.
    let text = r#"{"weight_ih_l0": [[0.1, 0.2], [null, 0.4, 0.5], [0.5, 0.6], [0.7, 0.8]]}"#;
    assert_mentions(&load(text, "x.json").unwrap_err().to_string(), &["weight_ih_l0[1]", "3 numbers", "row 0 has 2"]);
    // A bad weight before broken JSON: the JSON is what is wrong.
    let text = r#"{"weight_ih_l0": [["a"]], "vocab": ["a" "b"]}"#;
    assert_mentions(&load(text, "x.json").unwrap_err().to_string(), &["not valid JSON", "line 1 column 41"]);
    // A repeated key: the last one counts, as in a JSON object.
    let mut text = valid().to_string();
    text.insert_str(1, r#""weight_ih_l0": "not a matrix", "#);
    assert!(load(&text, "x.json").is_ok());
}

#[test]
fn every_weight_is_the_f32_nearest_the_number_written() {
    // Numbers in every form JSON allows, checked against serde_json's f64 rounded to f32.
    let forms = ["0", "-0", "1", "-0.5", "1e-7", "-2.5E+3", "0.1", "3.4028234e38", "1.00000011920928955078125",
        "123456789012345678901234567890", "7e-46", "-1.4e-45", "0.333333333333333314829616256247390992939472198486328125"];
    let (hidden, inputs) = (3, forms.len());
    let rows = 4 * hidden;
    let pick = |k: usize| forms[k % forms.len()];
    let matrix = |columns: usize, offset: usize| {
        let rows: Vec<String> = (0..rows)
            .map(|r| format!("[{}]", (0..columns).map(|c| pick(r * columns + c + offset)).collect::<Vec<_>>().join(", ")))
            .collect();
        format!("[{}]", rows.join(",\n "))
    };
    let vector = |offset: usize| format!("[{}]", (0..rows).map(|k| pick(k + offset)).collect::<Vec<_>>().join(","));
    let vocab: Vec<String> = (0..inputs).map(|k| format!("\"{}\"", char::from(b'a' + u8::try_from(k).unwrap()))).collect();
    let text = format!(
        "{{\"weight_ih_l0\": {}, \"weight_hh_l0\": {}, \"bias_ih_l0\": {}, \"bias_hh_l0\": {}, \"vocab\": [{}]}}",
        matrix(inputs, 0),
        matrix(hidden, 5),
        vector(2),
        vector(7),
        vocab.join(",")
    );
    let model = load(&text, "forms.json").unwrap().model;
    let reference: Value = serde_json::from_str(&text).unwrap();
    let flat = |key: &str| -> Vec<f32> {
        let value = &reference[key];
        let numbers: Vec<&Value> = match value.as_array().unwrap().first() {
            Some(Value::Array(_)) => value.as_array().unwrap().iter().flat_map(|row| row.as_array().unwrap()).collect(),
            _ => value.as_array().unwrap().iter().collect(),
        };
        #[allow(clippy::cast_possible_truncation)] // rounding to the nearest f32 is what is checked
        numbers.iter().map(|v| v.as_f64().unwrap() as f32).collect()
    };
    let w = model.cell.weights();
    for (key, loaded) in
        [("weight_ih_l0", &w.weight_ih), ("weight_hh_l0", &w.weight_hh), ("bias_ih_l0", &w.bias_ih), ("bias_hh_l0", &w.bias_hh)]
    {
        let expected = flat(key);
        assert_eq!(loaded.len(), expected.len(), "{key}");
        for (k, (a, b)) in loaded.iter().zip(&expected).enumerate() {
            assert_eq!(a.to_bits(), b.to_bits(), "{key}[{k}]: {a} against {b}");
        }
    }
}

/// A GRU's state_dict (3H rows for H columns) loads as a GRU, as PyTorch's `nn.GRU` writes it,
/// and is written back with `"cell": "gru"`; keys that fit no cell are one message naming them.
#[test]
fn a_gru_file_is_a_gru() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/gru_golden.json")).unwrap();
    let mut v: Value = serde_json::from_str(&text).unwrap();
    let object = v.as_object_mut().unwrap();
    for key in ["source", "input_size", "hidden_size", "sequence", "h"] {
        object.remove(key);
    }
    v["vocab"] = json!(["a", "b", "c", "d"]);
    let loaded = load(&v.to_string(), "gru.json").unwrap();
    assert!(loaded.unused_keys.is_empty(), "{:?}", loaded.unused_keys);
    assert_eq!(loaded.model.cell.kind(), gatelab::cells::CellKind::Gru);
    assert_eq!(loaded.model.cell.hidden_size(), 3);
    // 3 blocks of H(I + H + 2) = 3 × (4 + 3 + 2).
    assert_eq!(loaded.model.parameter_count(&Activations::default()), 3 * 3 * (4 + 3 + 2));
    let written = export(&loaded.model);
    assert_eq!(written.get("cell").and_then(|c| c.as_str()), Some("gru"));
    let again = load(&written.to_string(), "again.json").unwrap();
    assert_eq!(again.model.cell.weights(), loaded.model.cell.weights());
    // Saying so changes nothing; saying otherwise is checked against the shapes.
    v["cell"] = json!("gru");
    assert!(load(&v.to_string(), "gru.json").is_ok());
    v["cell"] = json!("lstm");
    assert_mentions(&load_error(&v), &["weight_ih_l0 has 9 rows", "4 × hidden size for an LSTM", "3 × hidden size"]);
    v["cell"] = json!("gru");
    v["weight_co_l0"] = json!([0.0, 0.0, 0.0]);
    assert_mentions(&load_error(&v), &["weight_co_l0 is a peephole, and a GRU has none"]);
    let mut lstm = valid();
    lstm["cell"] = json!("gru");
    assert_mentions(&load_error(&lstm), &["weight_ih_l0 has 4 rows", "3 × hidden size for a GRU"]);
}

/// A minimal cell's file (Feng et al. 2024) has W_ih and b_ih only, and says `"cell"`; it loads,
/// is written back the same, and a recurrent key in it is an error naming the key.
#[test]
fn a_minimal_cell_file_has_no_recurrent_weights() {
    // minGRU, H = 1, I = 2: blocks z and h̃. Step 0 on "a": z = σ(0.5) = 0.622459,
    // h̃ = −0.8 (identity), h = (1 − z)·0 + z·h̃ = −0.497967.
    let mut v = json!({
        "weight_ih_l0": [[0.5, 0.1], [-0.8, 0.3]],
        "bias_ih_l0": [0.0, 0.0],
        "vocab": ["a", "b"],
        "cell": "mingru",
    });
    let loaded = load(&v.to_string(), "min.json").unwrap();
    assert_eq!(loaded.model.cell.kind(), gatelab::cells::CellKind::MinGru);
    assert_eq!(loaded.model.parameter_count(&Activations::default()), 2 * (2 + 1));
    let mut trace = gatelab::Trace::new();
    loaded.model.cell.run(&[Some(0)], &Activations::default(), &mut trace);
    assert!((f64::from(trace.at(gatelab::Quantity::Hidden, 0)[0]) + 0.497_967).abs() < 1e-6);
    let written = export(&loaded.model);
    assert!(written.get("weight_hh_l0").is_none() && written.get("bias_hh_l0").is_none());
    assert_eq!(load(&written.to_string(), "again.json").unwrap().model.cell.weights(), loaded.model.cell.weights());
    v["weight_hh_l0"] = json!([[0.0], [0.0]]);
    assert_mentions(&load_error(&v), &["weight_hh_l0 is given, but a minGRU has no recurrent weights"]);
    v.as_object_mut().unwrap().remove("weight_hh_l0");
    v["cell"] = json!("minlstm");
    assert_mentions(&load_error(&v), &["weight_ih_l0 has 2 rows", "3 × hidden size for a minLSTM"]);
}

#[test]
fn a_layer_tensor_that_is_not_a_list_says_so() {
    let mut v = valid();
    v["weight_ih_l0"] = json!(3);
    assert_mentions(&load_error(&v), &["weight_ih_l0 must be a list of rows"]);
    let mut v = valid();
    v["bias_hh_l0"] = json!({"a": 1});
    assert_mentions(&load_error(&v), &["bias_hh_l0 must be a list of numbers"]);
}
