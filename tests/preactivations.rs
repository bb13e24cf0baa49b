//! `Recurrent::preactivations` computes z = W_ih·x + b_ih + W_hh·h_prev + b_hh exactly as written
//! out naively from PyTorch's row-major weights, to the bit, whatever the hidden size (the fast
//! path works on blocks of rows, with a separate path for a last, partial block).

#![allow(clippy::float_cmp)] // exact comparisons are the point of these tests

use gatelab::rng::Rng;
use gatelab::{Recurrent, Preset, Symbol, Weights};

/// The definition, one row at a time, adding terms in the same order the cell does:
/// (b_ih + b_hh), then the input column, then h_0·W_hh[r][0], h_1·W_hh[r][1], ...
fn naive(w: &Weights<f32>, symbol: Symbol, h: &[f32]) -> Vec<f32> {
    let (hidden, input) = (w.hidden_size, w.input_size);
    (0..4 * hidden)
        .map(|r| {
            let mut z = w.bias_ih[r] + w.bias_hh[r];
            if let Some(s) = symbol.filter(|&s| s < input) {
                z += w.weight_ih[r * input + s];
            }
            for (j, &hj) in h.iter().enumerate() {
                if hj != 0.0 {
                    z += w.weight_hh[r * hidden + j] * hj;
                }
            }
            z
        })
        .collect()
}

#[test]
fn preactivations_match_the_definition_bit_for_bit() {
    let mut rng = Rng::new(99);
    for hidden in 1..=70 {
        let model = Preset::Random { hidden: hidden.min(64), seed: hidden as u64 }.build();
        // Sizes over 64 are built by hand (the preset stops at 64).
        let lstm: Recurrent<f32> = if hidden <= 64 {
            model.cell.clone()
        } else {
            let mut w = Weights::zeros(5, hidden);
            for tensor in [&mut w.weight_ih, &mut w.weight_hh, &mut w.bias_ih, &mut w.bias_hh] {
                for v in tensor.iter_mut() {
                    *v = gatelab::numbers::to_f32(rng.uniform(-1.0, 1.0));
                }
            }
            Recurrent::new(w).unwrap()
        };
        let weights = lstm.weights().clone();
        let mut z = vec![0.0f32; 4 * hidden];
        for trial in 0..8 {
            // Some exact zeros in h (skipped), the rest random.
            let h: Vec<f32> = (0..hidden)
                .map(|_| if rng.below(4) == 0 { 0.0 } else { gatelab::numbers::to_f32(rng.uniform(-1.0, 1.0)) })
                .collect();
            let symbol = if trial == 0 { None } else { Some(rng.below(weights.input_size)) };
            lstm.preactivations(symbol, &h, &mut z);
            let want = naive(&weights, symbol, &h);
            for (r, (got, want)) in z.iter().zip(&want).enumerate() {
                assert_eq!(got.to_bits(), want.to_bits(), "H = {hidden}, row {r}: {got} vs {want}");
            }
        }
    }
}
