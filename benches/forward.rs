//! Forward time of the cell: 256 timesteps of one-hot input (printable ASCII) through the random
//! preset at H = 32 and H = 64, reusing one `Trace` across iterations as the page does after an
//! activation swap. Aim: under 0.5 ms for 256 steps at H = 32.
//!
//! Run with `cargo bench --bench forward`.

#![allow(missing_docs)]

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use gatelab::rng::Rng;
use gatelab::{Activations, Preset, Trace};
use std::hint::black_box;

const STEPS: usize = 256;

/// 256 printable ASCII characters from a fixed seed.
fn text() -> String {
    let mut rng = Rng::new(42);
    (0..STEPS).map(|_| char::from(b' ' + u8::try_from(rng.below(95)).expect("below 95"))).collect()
}

fn forward(c: &mut Criterion) {
    let text = text();
    let acts = Activations::default();
    let mut group = c.benchmark_group("forward_256_steps");
    group.throughput(Throughput::Elements(STEPS as u64));
    for hidden in [32, 64] {
        let model = Preset::Random { hidden, seed: 1 }.build();
        let symbols = model.vocab.encode(&text);
        assert!(symbols.iter().all(Option::is_some), "printable ASCII is all in the vocabulary");
        let mut trace = Trace::new();
        group.bench_with_input(BenchmarkId::new("random", hidden), &symbols, |b, symbols| {
            b.iter(|| {
                model.run_symbols(black_box(symbols), &acts, &mut trace);
                black_box(trace.steps())
            })
        });
        // The same, including turning the text into symbols (what a keystroke on the page costs).
        let mut trace = Trace::new();
        group.bench_with_input(BenchmarkId::new("random_with_encode", hidden), &text, |b, text| {
            b.iter(|| {
                model.run(black_box(text), &acts, &mut trace);
                black_box(trace.steps())
            })
        });
    }
    group.finish();
}

criterion_group!(benches, forward);
criterion_main!(benches);
