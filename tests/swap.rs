//! A swap changes only the activations: swapping one site and swapping it back gives a trace
//! identical to the bit, and re-running into the same `Trace` reuses its buffers.

#![allow(clippy::float_cmp)] // exact comparisons are the point of these tests

use gatelab::activation::NAMED;
use gatelab::{Activation, Activations, Model, Preset, Quantity, Site, Trace};

/// Every buffer as bits, so NaNs and signed zeros compare exactly too.
fn bits(trace: &Trace<f32>) -> Vec<Vec<u32>> {
    Quantity::ALL.iter().map(|&q| trace.values(q).iter().map(|v| v.to_bits()).collect()).collect()
}

/// Where each buffer lives: unchanged addresses mean nothing was reallocated.
fn addresses(trace: &Trace<f32>) -> Vec<*const f32> {
    Quantity::ALL.iter().map(|&q| trace.values(q).as_ptr()).collect()
}

fn check_model(model: &Model, text: &str) {
    let base = Activations::default();
    let mut trace = Trace::new();
    model.run(text, &base, &mut trace);
    let before = bits(&trace);
    let places = addresses(&trace);
    let symbols_place = trace.symbols().as_ptr();
    let mut changed_any = false;
    let alternatives =
        NAMED.iter().copied().chain([Activation::Morph(0.0), Activation::Morph(0.5), Activation::Morph(1.0)]);
    for site in Site::ALL {
        for alt in alternatives.clone() {
            let mut acts = base;
            acts.set(site, alt);
            model.run(text, &acts, &mut trace);
            changed_any |= bits(&trace) != before;
            assert_eq!(addresses(&trace), places, "{}: swapping {} to {alt} reallocated", model.name, site.name());
            acts.set(site, base.get(site));
            model.run(text, &acts, &mut trace);
            assert_eq!(trace.steps(), text.chars().count());
            let after = bits(&trace);
            for (q, (a, b)) in Quantity::ALL.iter().zip(before.iter().zip(&after)) {
                assert!(
                    a == b,
                    "{}: {} differs after swapping {} to {alt} and back",
                    model.name,
                    q.name(),
                    site.name()
                );
            }
            assert_eq!(addresses(&trace), places, "{}: swapping back reallocated", model.name);
            assert_eq!(trace.symbols().as_ptr(), symbols_place);
        }
    }
    assert!(changed_any, "{}: no swap changed anything", model.name);
}

#[test]
fn swap_and_back_is_bit_identical_counter() {
    check_model(&Preset::Counter.build(), "(()(()))x)(");
}

#[test]
fn swap_and_back_is_bit_identical_latch() {
    check_model(&Preset::Latch.build(), "S..R....SS..RR");
}

#[test]
fn swap_and_back_is_bit_identical_random() {
    check_model(&Preset::Random { hidden: 8, seed: 5 }.build(), "The quick brown fox (jumps) over 13 lazy dogs! é");
}

/// A shorter run after a longer one fits in the old buffers, and the longer one again too.
#[test]
fn shorter_and_longer_reruns_reuse_buffers() {
    let model = Preset::Random { hidden: 16, seed: 2 }.build();
    let acts = Activations::default();
    let long = "a".repeat(300);
    let mut trace = Trace::new();
    model.run(&long, &acts, &mut trace);
    let first = bits(&trace);
    let places = addresses(&trace);
    model.run("abc", &acts, &mut trace);
    assert_eq!(trace.steps(), 3);
    assert_eq!(addresses(&trace), places);
    model.run(&long, &acts, &mut trace);
    assert_eq!(addresses(&trace), places);
    assert_eq!(bits(&trace), first);
}
