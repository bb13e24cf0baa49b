//! The one-step calculator on the worked example from a learner's thread: which memories a
//! forget gate keeps, and what an output gate lets through.

#![allow(clippy::float_cmp)] // exact comparisons are the point of these tests

use gatelab::{one_step, Activation, Activations, Gates};

const C_PREV: [f64; 4] = [-0.7, -0.11, -0.07, 1.06];
const FORGET_PRE: [f64; 4] = [-20.0, -15.0, 10.0, 20.0];

fn assert_close(got: &[f64], want: &[f64], tolerance: f64, what: &str) {
    assert_eq!(got.len(), want.len(), "{what}");
    for (k, (g, w)) in got.iter().zip(want).enumerate() {
        assert!((g - w).abs() < tolerance, "{what}[{k}] = {g}, expected ≈ {w} (got {got:?})");
    }
}

/// z_f = [−20, −15, 10, 20] on c_prev = [−0.7, −0.11, −0.07, 1.06]: the first two memories are
/// forgotten and the last two kept. The input gate is closed (z_i = −30) so c is just what is kept.
#[test]
fn forget_gate_keeps_the_last_two_memories() {
    let acts = Activations::default();
    let zeros = [0.0; 4];
    let s = one_step(&acts, &C_PREV, Gates { f: &FORGET_PRE, i: &[-30.0; 4], g: &zeros, o: &zeros }).unwrap();
    assert_close(&s.f, &[0.0, 0.0, 1.0, 1.0], 1e-4, "f");
    assert_close(&s.kept, &[0.0, 0.0, -0.07, 1.06], 1e-4, "f ⊙ c_prev");
    assert_close(&s.c, &[0.0, 0.0, -0.07, 1.06], 1e-4, "c");
    assert_close(&s.written, &[0.0; 4], 1e-12, "i ⊙ g");
    // f = σ(10) = 0.9999546 is not quite 1: the third memory leaks a little.
    assert!(s.kept[2] > -0.07 && s.kept[2] < -0.0699);
}

/// Output gate values [0, 1, 0, 1] (typed directly: output activation = identity) on
/// c = [−35, −48, −35, 12]. c is put there unchanged by removing the forget gate (f = 1) and
/// zeroing the input gate (identity of z_i = 0). Then h = o ⊙ tanh(c) = [0, −1, 0, 1]; with a
/// sigmoid cell output, σ(−48) ≈ 0 and h = [0, 0, 0, 1].
#[test]
fn output_gate_selects_what_is_shown() {
    let c = [-35.0, -48.0, -35.0, 12.0];
    let o = [0.0, 1.0, 0.0, 1.0];
    let zeros = [0.0; 4];
    let acts = Activations {
        forget: Activation::Removed,
        input: Activation::Identity,
        output: Activation::Identity,
        ..Activations::default()
    };
    let s = one_step(&acts, &c, Gates { f: &zeros, i: &zeros, g: &zeros, o: &o }).unwrap();
    assert_eq!(s.c, c.to_vec());
    assert_eq!(s.o, o.to_vec());
    assert_close(&s.h, &[0.0, -1.0, 0.0, 1.0], 1e-4, "h (tanh cell output)");

    let acts = Activations { cell_output: Activation::Sigmoid, ..acts };
    let s = one_step(&acts, &c, Gates { f: &zeros, i: &zeros, g: &zeros, o: &o }).unwrap();
    assert_close(&s.h, &[0.0, 0.0, 0.0, 1.0], 1e-4, "h (sigmoid cell output)");
}

/// The same c reached the other way the brief suggests: the forget gate at +30 (σ ≈ 1).
#[test]
fn saturated_forget_gate_also_carries_c() {
    let c = [-35.0, -48.0, -35.0, 12.0];
    let acts = Activations { input: Activation::Identity, output: Activation::Identity, ..Activations::default() };
    let s = one_step(&acts, &c, Gates { f: &[30.0; 4], i: &[0.0; 4], g: &[0.0; 4], o: &[0.0, 1.0, 0.0, 1.0] }).unwrap();
    assert_close(&s.c, &c, 1e-9, "c");
    assert_close(&s.h, &[0.0, -1.0, 0.0, 1.0], 1e-4, "h");
}

#[test]
fn mismatched_lengths_are_an_error_naming_them() {
    let acts = Activations::default();
    let err =
        one_step(&acts, &C_PREV, Gates { f: &[1.0, 2.0, 3.0], i: &[0.0; 4], g: &[0.0; 4], o: &[0.0; 4] }).unwrap_err();
    let message = err.to_string();
    assert!(message.contains("c_prev has 4") && message.contains("f has 3"), "{message}");

    let err = one_step(&acts, &[], Gates { f: &[], i: &[], g: &[], o: &[] }).unwrap_err();
    assert!(err.to_string().contains("non-zero"), "{err}");
    let err = one_step(&acts, &[1.0], Gates { f: &[1.0], i: &[1.0], g: &[1.0], o: &[1.0, 2.0] }).unwrap_err();
    assert!(err.to_string().contains("o has 2"), "{err}");
}
