//! No text and no activation choice makes a run panic; blow-ups are counted, not hidden; and
//! the reports stay valid JSON and CSV whatever the numbers.

#![allow(clippy::float_cmp)] // exact comparisons are the point of these tests

mod common;
use common::parse_csv;
use gatelab::activation::NAMED;
use gatelab::report::{trace_csv, TraceReport};
use gatelab::cells::CellKind;
use gatelab::{Activation, Activations, Model, Preset, Quantity, Trace};
use proptest::prelude::*;

fn activation() -> impl Strategy<Value = Activation> {
    prop_oneof![
        4 => proptest::sample::select(NAMED.to_vec()),
        // Any t at all, in range or not, NaN and infinities included.
        1 => any::<f32>().prop_map(Activation::Morph),
        1 => (0.0f32..=1.0).prop_map(Activation::Morph),
    ]
}

fn activations() -> impl Strategy<Value = Activations> {
    let lstm = (activation(), activation(), activation(), activation(), activation());
    (lstm, activation(), activation(), activation(), activation()).prop_map(
        |((forget, input, output, candidate, cell_output), reset, update, new, hidden_candidate)| Activations {
            forget,
            input,
            output,
            candidate,
            cell_output,
            reset,
            update,
            new,
            hidden_candidate,
        },
    )
}

/// A preset's model: the hand-set LSTMs, or the random one as an LSTM (with or without
/// peepholes) or any other design.
fn preset() -> impl Strategy<Value = Model> {
    prop_oneof![
        Just(Preset::Counter.build()),
        Just(Preset::Latch.build()),
        (1usize..=16, any::<u64>(), 0usize..6).prop_map(|(hidden, seed, design)| {
            let random = Preset::Random { hidden, seed };
            match design {
                0 => random.build(),
                1 => random.build_with(true),
                k => random.build_cell(CellKind::ALL[k - 1], false).unwrap(),
            }
        }),
    ]
}

fn text() -> impl Strategy<Value = String> {
    let edge_cases = vec![
        String::new(),
        "\r\n".to_string(),
        "e\u{301}\u{301}\u{20dd}".to_string(),
        "👍🏽👨‍👩‍👧‍👦🇫🇷".to_string(),
        "\u{0}\u{feff}\u{200d}\u{10ffff}".to_string(),
        "(,\"\r\n)\"".to_string(),
    ];
    prop_oneof![
        3 => any::<String>(),
        3 => proptest::collection::vec(
            prop_oneof![Just('('), Just(')'), Just('S'), Just('R'), Just(','), Just('"'), Just('\n'), any::<char>()],
            0..300
        )
        .prop_map(|chars| chars.into_iter().collect()),
        1 => proptest::sample::select(edge_cases),
    ]
}

/// Counts NaN and infinite values straight from the buffers.
fn count_nonfinite(trace: &Trace<f32>) -> (usize, Vec<usize>) {
    let per: Vec<usize> =
        Quantity::ALL.iter().map(|&q| trace.values(q).iter().filter(|v| !v.is_finite()).count()).collect();
    (per.iter().sum(), per)
}

/// The counts and finite ranges the trace keeps (in vectorised lanes) agree with a plain count
/// and a plain fold over the buffers.
fn check_counts(trace: &Trace<f32>) {
    let (total, per) = count_nonfinite(trace);
    assert_eq!(trace.nonfinite_total(), total);
    for (q, n) in Quantity::ALL.iter().zip(per) {
        assert_eq!(trace.nonfinite(*q), n, "{}", q.name());
        let finite: Vec<f64> = trace.values(*q).iter().filter(|v| v.is_finite()).map(|&v| f64::from(v)).collect();
        let expected = (!finite.is_empty())
            .then(|| (finite.iter().copied().fold(f64::INFINITY, f64::min), finite.iter().copied().fold(f64::NEG_INFINITY, f64::max)));
        assert_eq!(trace.finite_range(*q), expected, "{}", q.name());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn any_text_and_any_activations_run(model in preset(), acts in activations(), text in text()) {
        let mut trace = Trace::new();
        model.run(&text, &acts, &mut trace);
        prop_assert_eq!(trace.steps(), text.chars().count());
        prop_assert_eq!(trace.hidden(), model.cell.hidden_size());
        for q in trace.quantities() {
            prop_assert_eq!(trace.values(q).len(), trace.steps() * trace.hidden());
        }
        check_counts(&trace);
        // The summaries the page draws from don't panic either.
        for q in Quantity::ALL {
            let _ = trace.saturation(q, 0.1, 0.9);
            let _ = trace.finite_range(q);
        }
    }

    /// Whatever the numbers (NaN, ±inf), the JSON report parses and the CSV has one record per
    /// step and unit, with the characters coming back intact.
    #[test]
    fn reports_stay_well_formed(model in preset(), acts in activations(), text in text()) {
        let mut trace = Trace::new();
        model.run(&text, &acts, &mut trace);

        let json = serde_json::to_string(&TraceReport::new(&model, &acts, &text, &trace)).unwrap();
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        let steps = value["steps"].as_array().unwrap();
        prop_assert_eq!(steps.len(), trace.steps());
        for (step, c) in steps.iter().zip(text.chars()) {
            prop_assert_eq!(step["char"].as_str().unwrap(), c.to_string());
        }

        let records = parse_csv(&trace_csv(&trace, &text));
        prop_assert_eq!(records.len(), trace.steps() * trace.hidden() + 1);
        for record in &records {
            prop_assert_eq!(record.len(), 4 + trace.quantities().len());
        }
        for (t, c) in text.chars().enumerate() {
            let record = &records[1 + t * trace.hidden()];
            prop_assert_eq!(&record[1], &c.to_string());
        }
    }
}

/// Forget = identity makes the counter multiply its memory by z_f = 10 every step, so 200 '('
/// overflow f32 within 40 steps; with an identity cell output h becomes infinite too, and then
/// W_hh (all zeros) · inf is NaN in every pre-activation.
#[test]
fn explosions_are_counted() {
    let model = Preset::Counter.build();
    let acts =
        Activations { forget: Activation::Identity, cell_output: Activation::Identity, ..Activations::default() };
    let mut trace = Trace::new();
    model.run(&"(".repeat(200), &acts, &mut trace);
    assert!(trace.nonfinite_total() > 0);
    check_counts(&trace);
    assert!(trace.values(Quantity::Cell).iter().any(|v| v.is_infinite()));
    assert!(trace.values(Quantity::Cell).iter().any(|v| v.is_nan()));
    assert!(trace.nonfinite(Quantity::PreForget) > 0);
    // The first steps are still finite: 10·c + 1 ...
    assert!(trace.at(Quantity::Cell, 0)[0].is_finite());

    // Identity everywhere on a random model: whatever happens, the count matches.
    let model = Preset::Random { hidden: 32, seed: 9 }.build();
    let all_identity = Activations {
        forget: Activation::Identity,
        input: Activation::Identity,
        output: Activation::Identity,
        candidate: Activation::Identity,
        cell_output: Activation::Identity,
        ..Activations::default()
    };
    model.run(&"~".repeat(500), &all_identity, &mut trace);
    check_counts(&trace);

    // And a re-run under sane activations clears the count.
    model.run(&"~".repeat(500), &Activations::default(), &mut trace);
    assert_eq!(trace.nonfinite_total(), 0);
}

#[test]
fn a_hundred_thousand_characters() {
    let model = Preset::Counter.build();
    let text = format!("{}{}", "(".repeat(50_000), ")".repeat(50_000));
    let mut trace = Trace::new();
    model.run(&text, &Activations::with_gates(Activation::HardSigmoid), &mut trace);
    assert_eq!(trace.steps(), 100_000);
    assert_eq!(trace.at(Quantity::Cell, 49_999)[0], 50_000.0);
    assert_eq!(trace.at(Quantity::Cell, 99_999)[0], 0.0);
    // With sigmoid gates too (the count leaks, but it runs).
    model.run(&text, &Activations::default(), &mut trace);
    assert_eq!(trace.steps(), 100_000);
    assert_eq!(trace.nonfinite_total(), 0);
}
