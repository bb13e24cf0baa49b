//! Training speed: one Adam step (forward, backpropagation through time, clipping, update) on a
//! batch of 16 sequences of 64 one-hot steps over 16 symbols, at H = 32, with the standard
//! activations. The task is delayed recall over the 16 symbols (target: the input 3 steps back),
//! so all but 3 steps of each sequence are scored, through a 16-class read-out.
//!
//! The same for the GRU (`gru`).
//!
//! Run with `cargo bench --bench train`. Steps per second = 1 / (time per iteration).

#![allow(missing_docs)]

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use gatelab::cells::CellKind;
use gatelab::train::Trainer;
use gatelab::{Activation, Activations};
use std::hint::black_box;

const SYMBOLS: usize = 16;
const STEPS: usize = 64;
const BATCH: usize = 16;
const HIDDEN: usize = 32;

fn train(c: &mut Criterion) {
    let mut group = c.benchmark_group("train_step_h32_batch16_len64");
    // Throughput in sequences, so criterion also reports sequences per second.
    group.throughput(Throughput::Elements(BATCH as u64));
    for (name, acts) in
        [("standard", Activations::default()), ("hard_sigmoid_gates", Activations::with_gates(Activation::HardSigmoid))]
    {
        let mut trainer = Trainer::benchmark(acts, HIDDEN, SYMBOLS, STEPS, BATCH);
        group.bench_function(name, |b| b.iter(|| black_box(trainer.step().loss)));
    }
    // The GRU's step, timed beside PyTorch's nn.GRU (scripts/bench-native.mjs), and the minimal
    // cells', beside the GRU's and LSTM's (Feng et al.'s time per step).
    for (name, cell) in [("gru", CellKind::Gru), ("mingru", CellKind::MinGru), ("minlstm", CellKind::MinLstm)] {
        let mut trainer = Trainer::benchmark_cell(cell, Activations::default(), HIDDEN, SYMBOLS, STEPS, BATCH);
        group.bench_function(name, |b| b.iter(|| black_box(trainer.step().loss)));
    }
    group.finish();
}

criterion_group!(benches, train);
criterion_main!(benches);
