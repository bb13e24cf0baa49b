//! Golden values worked out independently of this crate.
//!
//! The sequence test follows candle-nn's LSTM test: deterministic weights from a formula, a
//! short input, and expected h and c at every step. The expected numbers were computed by the
//! float64 Python script below, written from PyTorch's documented equations and layout (gate
//! rows in the order i, f, g, o; z = W_ih·x + b_ih + W_hh·h + b_hh; c = f·c_prev + i·g;
//! h = o·tanh(c)), sharing no code with the crate. (torch was not importable on the machine, so
//! there was no cross-check against `torch.nn.LSTM`; loading these same tensors into
//! `nn.LSTM(4, 3)` with `load_state_dict` and feeding one-hot rows should give the same table.)
//!
//! ```python
//! from math import sin, cos, exp, tanh
//! H, I = 3, 4
//! Wih = [cos(k*0.1)*0.5 for k in range(4*H*I)]   # 4H x I, row-major
//! Whh = [sin(k*0.1)*0.5 for k in range(4*H*H)]   # 4H x H, row-major
//! bih = [sin(k*0.2)*0.3 for k in range(4*H)]
//! bhh = [cos(k*0.3)*0.2 for k in range(4*H)]
//! sig = lambda x: 1/(1+exp(-x))
//! seq = [0, 2, 1, 3, None, 0]                    # None: "other", x = 0
//! h, c = [0.0]*H, [0.0]*H
//! for s in seq:
//!     x = [1.0 if k == s else 0.0 for k in range(I)]
//!     z = [sum(Wih[r*I+k]*x[k] for k in range(I)) + bih[r]
//!          + sum(Whh[r*H+j]*h[j] for j in range(H)) + bhh[r] for r in range(4*H)]
//!     i = [sig(v) for v in z[0:H]]; f = [sig(v) for v in z[H:2*H]]
//!     g = [tanh(v) for v in z[2*H:3*H]]; o = [sig(v) for v in z[3*H:4*H]]
//!     c = [f[u]*c[u] + i[u]*g[u] for u in range(H)]
//!     h = [o[u]*tanh(c[u]) for u in range(H)]
//!     print("h", ["%.6f" % v for v in h], "c", ["%.6f" % v for v in c])
//! ```

#![allow(clippy::float_cmp)] // exact comparisons are the point of these tests

use gatelab::{one_step, Activations, Gates, Recurrent, Quantity, Symbol, Trace, Weights};

const H: usize = 3;
const I: usize = 4;

/// The input: symbols 0, 2, 1, 3, then an "other" (all-zero input), then 0 again.
const SEQUENCE: [Symbol; 6] = [Some(0), Some(2), Some(1), Some(3), None, Some(0)];

/// h after each step, from the script above (rounded to 6 decimals).
const EXPECTED_H: [[f64; H]; 6] = [
    [-0.037118, -0.078226, -0.101312],
    [-0.099756, -0.146643, -0.161954],
    [-0.141604, -0.185628, -0.195605],
    [-0.184589, -0.217629, -0.213307],
    [-0.133514, -0.140598, -0.118051],
    [-0.139139, -0.170303, -0.174153],
];

/// c after each step, from the script above (rounded to 6 decimals).
const EXPECTED_C: [[f64; H]; 6] = [
    [-0.089350, -0.180820, -0.217620],
    [-0.241341, -0.332474, -0.332488],
    [-0.363448, -0.443412, -0.414463],
    [-0.475942, -0.505463, -0.429337],
    [-0.272242, -0.279616, -0.226020],
    [-0.362466, -0.413428, -0.375699],
];

fn golden_weights() -> Weights<f64> {
    let rows = 4 * H;
    Weights {
        cell: gatelab::cells::CellKind::Lstm,
        input_size: I,
        hidden_size: H,
        weight_ih: (0..rows * I).map(|k| (k as f64 * 0.1).cos() * 0.5).collect(),
        weight_hh: (0..rows * H).map(|k| (k as f64 * 0.1).sin() * 0.5).collect(),
        bias_ih: (0..rows).map(|k| (k as f64 * 0.2).sin() * 0.3).collect(),
        bias_hh: (0..rows).map(|k| (k as f64 * 0.3).cos() * 0.2).collect(),
        peepholes: Vec::new(),
    }
}

fn check<T: num_traits::Float + std::fmt::Debug>(trace: &Trace<T>, tolerance: f64, label: &str) {
    assert_eq!(trace.steps(), SEQUENCE.len());
    for t in 0..SEQUENCE.len() {
        for (q, expected) in [(Quantity::Hidden, &EXPECTED_H[t]), (Quantity::Cell, &EXPECTED_C[t])] {
            let got = trace.at(q, t);
            for u in 0..H {
                let g = got[u].to_f64().unwrap();
                assert!(
                    (g - expected[u]).abs() < tolerance,
                    "{label}: {}[t = {t}][unit {u}] = {g}, expected {}",
                    q.name(),
                    expected[u]
                );
            }
        }
    }
}

/// The page's f32 cell agrees with the float64 reference to 4 decimals.
#[test]
fn sequence_matches_reference_in_f32() {
    let lstm = Recurrent::new(golden_weights().cast::<f32>()).unwrap();
    let mut trace = Trace::new();
    lstm.run(&SEQUENCE, &Activations::default(), &mut trace);
    check(&trace, 1e-4, "f32");
}

/// The same code in f64 agrees to the 6 decimals printed.
#[test]
fn sequence_matches_reference_in_f64() {
    let lstm = Recurrent::new(golden_weights()).unwrap();
    let mut trace = Trace::new();
    lstm.run(&SEQUENCE, &Activations::default(), &mut trace);
    check(&trace, 1e-6, "f64");
    // c_prev at each step is the previous step's c (and zero at the start).
    for t in 0..SEQUENCE.len() {
        let c_prev = trace.at(Quantity::CellPrev, t);
        let want: &[f64] = if t == 0 { &[0.0; H] } else { trace.at(Quantity::Cell, t - 1) };
        assert_eq!(c_prev, want);
    }
}

/// One unit, one step, worked out by hand:
///
/// ```text
/// c_prev = 0.5, z_f = 0.5, z_i = 1.0, z_g = 0.5, z_o = 2.0, standard activations
/// f       = sigmoid(0.5) = 1 / (1 + e^-0.5) = 1 / 1.6065307 = 0.6224593
/// i       = sigmoid(1.0) = 1 / (1 + e^-1)   = 1 / 1.3678794 = 0.7310586
/// g       = tanh(0.5)    = (e^1 − 1)/(e^1 + 1) = 1.7182818 / 3.7182818 = 0.4621172
/// o       = sigmoid(2.0) = 1 / (1 + e^-2)   = 1 / 1.1353353 = 0.8807971
/// kept    = f · c_prev = 0.6224593 × 0.5       = 0.3112297
/// written = i · g      = 0.7310586 × 0.4621172 = 0.3378347
/// c       = kept + written = 0.3112297 + 0.3378347 = 0.6490644
/// tanh(c) = (e^{2c} − 1)/(e^{2c} + 1) = (3.6653918 − 1)/(3.6653918 + 1) = 0.5710398
/// h       = o · tanh(c) = 0.8807971 × 0.5710398 = 0.5029702
/// ```
#[test]
fn one_step_worked_by_hand() {
    let acts = Activations::default();
    let s = one_step(&acts, &[0.5], Gates { f: &[0.5], i: &[1.0], g: &[0.5], o: &[2.0] }).unwrap();
    let close = |got: f64, want: f64, name: &str| {
        assert!((got - want).abs() < 1e-7, "{name} = {got}, worked out by hand as {want}");
    };
    close(s.f[0], 0.622_459_3, "f");
    close(s.i[0], 0.731_058_6, "i");
    close(s.g[0], 0.462_117_2, "g");
    close(s.o[0], 0.880_797_1, "o");
    close(s.kept[0], 0.311_229_7, "kept");
    close(s.written[0], 0.337_834_7, "written");
    close(s.c[0], 0.649_064_4, "c");
    close(s.cell_out[0], 0.571_039_8, "cell_out");
    close(s.h[0], 0.502_970_2, "h");
}

/// The same hand-worked step through the sequence code: a 1-unit cell whose biases are the
/// pre-activations and whose first step starts from c = 0, then a second step from c_prev = c.
#[test]
fn one_step_agrees_with_the_sequence_code() {
    let mut w = Weights::<f64>::zeros(1, 1);
    // Rows i, f, g, o.
    w.bias_ih = vec![1.0, 0.5, 0.5, 2.0];
    let lstm = Recurrent::new(w).unwrap();
    let mut trace = Trace::new();
    lstm.run(&[None, None], &Activations::default(), &mut trace);
    // W_hh = 0, so both steps see the same pre-activations; step 2 starts from step 1's c.
    let c1 = trace.at(Quantity::Cell, 0)[0];
    let s = one_step(&Activations::default(), &[c1], Gates { f: &[0.5], i: &[1.0], g: &[0.5], o: &[2.0] }).unwrap();
    assert_eq!(trace.at(Quantity::Cell, 1)[0], s.c[0]);
    assert_eq!(trace.at(Quantity::Hidden, 1)[0], s.h[0]);
}
