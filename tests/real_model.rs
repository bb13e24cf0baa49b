//! The trained character model that ships with the page (www/models/, made by
//! scripts/train-real-model.sh): small enough to ship, what its catalog entry says it is, and a
//! read-out whose probabilities are a distribution over its vocab.

use gatelab::lab::Lab;
use gatelab::presets::REAL_MODELS;

#[test]
fn every_shipped_model_is_at_most_a_megabyte_and_is_what_its_entry_says() {
    for real in REAL_MODELS {
        let path = format!("{}/www/models/{}", env!("CARGO_MANIFEST_DIR"), real.file);
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert!(bytes.len() <= 1 << 20, "{}: {} bytes", real.file, bytes.len());
        let loaded = gatelab::pytorch::load_file(&bytes, real.file).unwrap();
        assert!(loaded.unused_keys.is_empty(), "{:?}", loaded.unused_keys);
        let model = loaded.model;
        assert_eq!(model.cell.kind(), real.cell);
        assert!(model.cell.hidden_size() >= 128, "H = {}", model.cell.hidden_size());
        assert!(real.about.starts_with(&format!("{} units", model.cell.hidden_size())), "{}", real.about);
        assert!(model.stack.readout.is_some());
        let mut lab = Lab::new(model);
        lab.set_text(real.text);
        // Every character of its example text is in its vocab, and each step's read-out is a
        // distribution over it.
        assert_eq!(lab.summary().other_count, 0, "{:?}", real.text);
        for t in 0..real.text.chars().count() {
            let p = lab.next_probabilities(t).unwrap();
            assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-9 && p.iter().all(|&x| x > 0.0), "step {t}");
        }
    }
}
