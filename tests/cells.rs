//! Each cell design's trace against a float64 reference of its equations, written here from
//! the papers' definitions and sharing no code with the crate (no activation, kernel or cell
//! code: `f64::exp` and `f64::tanh` from the standard library).
//!
//! - LSTM with peepholes (Gers, Schraudolph & Schmidhuber 2002; Greff et al. 2017's "vanilla"):
//!   i = σ(z_i + w_ci ⊙ c_{t−1}), f = σ(z_f + w_cf ⊙ c_{t−1}), c_t = f ⊙ c_{t−1} + i ⊙ g,
//!   o = σ(z_o + w_co ⊙ c_t), h = o ⊙ tanh(c_t).
//! - The coupled input-forget gate (CIFG, Greff et al.): f = 1 − i.
//! - The GRU (Cho et al. 2014, as PyTorch's `nn.GRU`), also against values recorded from PyTorch.
//! - The sLSTM (Beck et al. 2024), stabilised and not.

use gatelab::recurrent::Weights;
use gatelab::rng::Rng;
use gatelab::{Activation, Activations, Quantity, Recurrent, Trace};

const INPUT: usize = 5;
const HIDDEN: usize = 4;

/// Inputs with an "other" (all-zero) step and a symbol out of range (also all-zero).
const SEQUENCE: [Option<usize>; 9] = [Some(0), Some(3), None, Some(4), Some(1), Some(1), Some(9), Some(2), Some(0)];

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// Weights drawn from a seed, scaled so that the gates move over their range, with peepholes.
fn weights(seed: u64) -> Weights<f64> {
    let mut rng = Rng::new(seed);
    let mut w = Weights::<f64>::pytorch_init(INPUT, HIDDEN, &mut rng).with_random_peepholes(&mut rng);
    for tensor in [&mut w.weight_ih, &mut w.weight_hh, &mut w.bias_ih, &mut w.bias_hh, &mut w.peepholes] {
        for v in tensor.iter_mut() {
            *v *= 3.0;
        }
    }
    w
}

/// Every quantity of every step, by the equations, in f64: (z_i, z_f, z_g, z_o, i, f, g, o,
/// c_prev, c, cell_out, h) per step, H each.
fn reference(w: &Weights<f64>, peepholes: bool, coupled: bool) -> Vec<[Vec<f64>; 12]> {
    let rows = 4 * HIDDEN;
    let (mut h, mut c) = (vec![0.0; HIDDEN], vec![0.0; HIDDEN]);
    let peephole = |k: usize, u: usize| if peepholes { w.peepholes[k * HIDDEN + u] } else { 0.0 };
    let mut steps = Vec::new();
    for symbol in SEQUENCE {
        let x: Vec<f64> = (0..INPUT).map(|k| if Some(k) == symbol { 1.0 } else { 0.0 }).collect();
        let z: Vec<f64> = (0..rows)
            .map(|r| {
                let wx: f64 = (0..INPUT).map(|k| w.weight_ih[r * INPUT + k] * x[k]).sum();
                let wh: f64 = (0..HIDDEN).map(|j| w.weight_hh[r * HIDDEN + j] * h[j]).sum();
                wx + w.bias_ih[r] + wh + w.bias_hh[r]
            })
            .collect();
        let mut out: [Vec<f64>; 12] = Default::default();
        for u in 0..HIDDEN {
            let c_prev = c[u];
            let z_i = z[u] + peephole(0, u) * c_prev;
            let z_f = if coupled { z[HIDDEN + u] } else { z[HIDDEN + u] + peephole(1, u) * c_prev };
            let z_g = z[2 * HIDDEN + u];
            let i = sigmoid(z_i);
            let f = if coupled { 1.0 - i } else { sigmoid(z_f) };
            let g = z_g.tanh();
            let c_new = f * c_prev + i * g;
            let z_o = z[3 * HIDDEN + u] + peephole(2, u) * c_new;
            let o = sigmoid(z_o);
            let cell_out = c_new.tanh();
            let h_new = o * cell_out;
            for (slot, v) in out.iter_mut().zip([z_i, z_f, z_g, z_o, i, f, g, o, c_prev, c_new, cell_out, h_new]) {
                slot.push(v);
            }
            c[u] = c_new;
            h[u] = h_new;
        }
        steps.push(out);
    }
    steps
}

/// The reference's quantities, in its order: the LSTM's twelve, as the quantity table lists them.
const ORDER: &[Quantity] = Quantity::ALL.split_at(12).0;

/// The largest |traced − reference| / max(1, |reference|) over every quantity of every step.
fn worst_error<T: num_traits::Float>(trace: &Trace<T>, expected: &[[Vec<f64>; 12]]) -> f64 {
    let mut worst: f64 = 0.0;
    for (t, step) in expected.iter().enumerate() {
        for (q, values) in ORDER.iter().zip(step) {
            for (u, want) in values.iter().enumerate() {
                let got = trace.at(*q, t)[u].to_f64().unwrap();
                worst = worst.max((got - want).abs() / want.abs().max(1.0));
            }
        }
    }
    worst
}

#[test]
fn peepholes_and_the_coupled_gate_follow_their_equations() {
    for seed in [1, 2, 3] {
        let with = weights(seed);
        let without = Weights { peepholes: Vec::new(), ..with.clone() };
        for (w, peepholes) in [(&with, true), (&without, false)] {
            for coupled in [false, true] {
                let acts = if coupled {
                    Activations { forget: Activation::Coupled, ..Activations::default() }
                } else {
                    Activations::default()
                };
                let expected = reference(w, peepholes, coupled);
                let mut trace = Trace::new();
                Recurrent::new(w.clone()).unwrap().run(&SEQUENCE, &acts, &mut trace);
                let error = worst_error(&trace, &expected);
                assert!(error < 1e-12, "seed {seed}, peepholes {peepholes}, coupled {coupled}: f64 off by {error:e}");
                let mut trace = Trace::new();
                Recurrent::new(w.cast::<f32>()).unwrap().run(&SEQUENCE, &acts, &mut trace);
                let error = worst_error(&trace, &expected);
                assert!(error < 1e-5, "seed {seed}, peepholes {peepholes}, coupled {coupled}: f32 off by {error:e}");
            }
        }
    }
}

/// The peepholes change the run (the test above would pass for a cell that ignored them if the
/// weights were small), and zero peepholes change nothing at all.
#[test]
fn peepholes_matter_and_zero_peepholes_are_the_plain_cell() {
    let w = weights(4);
    let plain = Weights { peepholes: Vec::new(), ..w.clone() };
    let run = |w: &Weights<f64>| {
        let mut trace = Trace::new();
        Recurrent::new(w.clone()).unwrap().run(&SEQUENCE, &Activations::default(), &mut trace);
        trace.values(Quantity::Hidden).to_vec()
    };
    let (with, without) = (run(&w), run(&plain));
    let moved = with.iter().zip(&without).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
    assert!(moved > 0.05, "peepholes moved h by only {moved}");
    assert_eq!(run(&plain.clone().with_zero_peepholes()), without);
}

// ---------------------------------------------------------------------------------------------
// GRU (Cho et al. 2014), as PyTorch's nn.GRU computes it:
// r = σ(W_ir x + b_ir + W_hr h + b_hr), z = σ(W_iz x + b_iz + W_hz h + b_hz),
// n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)), h′ = (1 − z) ⊙ n + z ⊙ h.
// ---------------------------------------------------------------------------------------------

use gatelab::cells::CellKind;

/// The golden file's weights, inputs and h at every step (recorded from PyTorch by
/// scripts/fixtures/gru_golden.py).
type Golden = (Weights<f64>, Vec<Option<usize>>, Vec<Vec<f64>>);

fn golden_gru() -> Golden {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/gru_golden.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let flat = |key: &str| -> Vec<f64> {
        let value = &v[key];
        let rows: Vec<&serde_json::Value> = match value.as_array().unwrap().first() {
            Some(serde_json::Value::Array(_)) => value.as_array().unwrap().iter().flat_map(|r| r.as_array().unwrap()).collect(),
            _ => value.as_array().unwrap().iter().collect(),
        };
        rows.iter().map(|x| x.as_f64().unwrap()).collect()
    };
    let size = |key: &str| usize::try_from(v[key].as_u64().unwrap()).unwrap();
    let (input_size, hidden_size) = (size("input_size"), size("hidden_size"));
    let weights = Weights {
        cell: CellKind::Gru,
        input_size,
        hidden_size,
        weight_ih: flat("weight_ih_l0"),
        weight_hh: flat("weight_hh_l0"),
        bias_ih: flat("bias_ih_l0"),
        bias_hh: flat("bias_hh_l0"),
        peepholes: Vec::new(),
    };
    let sequence = v["sequence"].as_array().unwrap().iter().map(|s| s.as_u64().map(|s| usize::try_from(s).unwrap())).collect();
    let h = v["h"].as_array().unwrap().iter().map(|row| row.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect()).collect();
    (weights, sequence, h)
}

#[test]
fn the_gru_matches_pytorch() {
    let (weights, sequence, expected) = golden_gru();
    assert_eq!(weights.weight_hh.len(), 3 * 3 * 3, "3H rows of H");
    let mut trace = Trace::new();
    Recurrent::new(weights.clone()).unwrap().run(&sequence, &Activations::default(), &mut trace);
    for (t, want) in expected.iter().enumerate() {
        for (got, want) in trace.at(Quantity::Hidden, t).iter().zip(want) {
            assert!((got - want).abs() < 1e-12, "h at step {t}: {got} against PyTorch's {want}");
        }
    }
    // In f32, as the page runs it.
    let mut trace = Trace::new();
    Recurrent::new(weights.cast::<f32>()).unwrap().run(&sequence, &Activations::default(), &mut trace);
    for (t, want) in expected.iter().enumerate() {
        for (got, want) in trace.at(Quantity::Hidden, t).iter().zip(want) {
            assert!((f64::from(*got) - want).abs() < 1e-6, "f32 h at step {t}: {got} against {want}");
        }
    }
}

/// Every traced quantity of the GRU against the equations in f64, under the standard
/// activations and under swapped ones.
#[test]
fn the_gru_follows_its_equations_under_any_activations() {
    let mut rng = Rng::new(11);
    let mut w = Weights::<f64>::pytorch_init_for(CellKind::Gru, INPUT, HIDDEN, &mut rng);
    for tensor in [&mut w.weight_ih, &mut w.weight_hh, &mut w.bias_ih, &mut w.bias_hh] {
        for v in tensor.iter_mut() {
            *v *= 3.0;
        }
    }
    let relu = |x: f64| x.max(0.0);
    type Functions = [fn(f64) -> f64; 3];
    let cases: [(Activations, Functions); 2] = [
        (Activations::default(), [sigmoid, sigmoid, f64::tanh]),
        (
            Activations { reset: Activation::Tanh, update: Activation::HardSigmoid, new: Activation::Relu, ..Activations::default() },
            [f64::tanh, |x| (x / 6.0 + 0.5).clamp(0.0, 1.0), relu],
        ),
    ];
    for (acts, [act_r, act_z, act_n]) in cases {
        let mut trace = Trace::new();
        Recurrent::new(w.clone()).unwrap().run(&SEQUENCE, &acts, &mut trace);
        let mut h = vec![0.0; HIDDEN];
        for (t, symbol) in SEQUENCE.iter().enumerate() {
            let x: Vec<f64> = (0..INPUT).map(|k| if Some(k) == *symbol { 1.0 } else { 0.0 }).collect();
            let part = |matrix: &[f64], cols: usize, v: &[f64], bias: &[f64], r: usize| {
                (0..cols).map(|k| matrix[r * cols + k] * v[k]).sum::<f64>() + bias[r]
            };
            let mut next = vec![0.0; HIDDEN];
            for u in 0..HIDDEN {
                let gi = |block: usize| part(&w.weight_ih, INPUT, &x, &w.bias_ih, block * HIDDEN + u);
                let gh = |block: usize| part(&w.weight_hh, HIDDEN, &h, &w.bias_hh, block * HIDDEN + u);
                let (z_r, z_z) = (gi(0) + gh(0), gi(1) + gh(1));
                let (r, z) = (act_r(z_r), act_z(z_z));
                let (xn, hn) = (gi(2), gh(2));
                let z_n = xn + r * hn;
                let n = act_n(z_n);
                next[u] = (1.0 - z) * n + z * h[u];
                let expected = [
                    (Quantity::PreReset, z_r),
                    (Quantity::PreUpdate, z_z),
                    (Quantity::PreNew, z_n),
                    (Quantity::Reset, r),
                    (Quantity::Update, z),
                    (Quantity::New, n),
                    (Quantity::InputNew, xn),
                    (Quantity::RecurrentNew, hn),
                    (Quantity::HiddenPrev, h[u]),
                    (Quantity::Hidden, next[u]),
                ];
                for (q, want) in expected {
                    let got = trace.at(q, t)[u];
                    assert!((got - want).abs() <= 1e-12 * want.abs().max(1.0), "{acts:?}: {} at step {t}, unit {u}: {got} against {want}", q.name());
                }
            }
            h = next;
        }
    }
}

/// The sLSTM (Beck et al. 2024) by its equations in f64, from h = c = norm = m = 0:
/// m = max(log σ(z_f) + m_prev, z_i), i = exp(z_i − m), f = exp(log σ(z_f) + m_prev − m),
/// c = f·c_prev + i·g, norm = f·norm_prev + i, h = o·c/norm; with `stabilised` false, the
/// same cell without m: i = e^{z_i}, f = σ(z_f). Returns each step's (quantity, H values).
fn slstm_reference(w: &Weights<f64>, act_g: fn(f64) -> f64, act_o: fn(f64) -> f64, stabilised: bool) -> Vec<Vec<(Quantity, Vec<f64>)>> {
    let mut h = vec![0.0; HIDDEN];
    let (mut c, mut norm, mut m) = (vec![0.0; HIDDEN], vec![0.0; HIDDEN], vec![0.0; HIDDEN]);
    let mut steps = Vec::new();
    for symbol in SEQUENCE {
        let x: Vec<f64> = (0..INPUT).map(|k| if Some(k) == symbol { 1.0 } else { 0.0 }).collect();
        let z = |r: usize| {
            let wx: f64 = (0..INPUT).map(|k| w.weight_ih[r * INPUT + k] * x[k]).sum();
            let wh: f64 = (0..HIDDEN).map(|j| w.weight_hh[r * HIDDEN + j] * h[j]).sum();
            wx + w.bias_ih[r] + wh + w.bias_hh[r]
        };
        let mut out: Vec<(Quantity, Vec<f64>)> = Vec::new();
        let mut push = |q: Quantity, v: f64| match out.iter_mut().find(|(k, _)| *k == q) {
            Some((_, values)) => values.push(v),
            None => out.push((q, vec![v])),
        };
        let mut next = vec![0.0; HIDDEN];
        for u in 0..HIDDEN {
            let (z_i, z_f, z_g, z_o) = (z(u), z(HIDDEN + u), z(2 * HIDDEN + u), z(3 * HIDDEN + u));
            let log_f = sigmoid(z_f).ln();
            let m_new = if stabilised { (log_f + m[u]).max(z_i) } else { 0.0 };
            let (i, f) = if stabilised { ((z_i - m_new).exp(), (log_f + m[u] - m_new).exp()) } else { (z_i.exp(), sigmoid(z_f)) };
            let (g, o) = (act_g(z_g), act_o(z_o));
            let c_new = f * c[u] + i * g;
            let norm_new = f * norm[u] + i;
            next[u] = o * c_new / norm_new;
            for (q, v) in [
                (Quantity::PreInput, z_i),
                (Quantity::PreForget, z_f),
                (Quantity::PreCandidate, z_g),
                (Quantity::PreOutput, z_o),
                (Quantity::Input, i),
                (Quantity::Forget, f),
                (Quantity::Candidate, g),
                (Quantity::Output, o),
                (Quantity::StabilizerPrev, m[u]),
                (Quantity::Stabilizer, m_new),
                (Quantity::CellPrev, c[u]),
                (Quantity::Cell, c_new),
                (Quantity::NormalizerPrev, norm[u]),
                (Quantity::Normalizer, norm_new),
                (Quantity::Hidden, next[u]),
            ] {
                push(q, v);
            }
            (c[u], norm[u], m[u]) = (c_new, norm_new, m_new);
        }
        h = next;
        steps.push(out);
    }
    steps
}

fn slstm_weights() -> Weights<f64> {
    let mut rng = Rng::new(17);
    let mut w = Weights::<f64>::pytorch_init_for(CellKind::Slstm, INPUT, HIDDEN, &mut rng);
    for tensor in [&mut w.weight_ih, &mut w.weight_hh, &mut w.bias_ih, &mut w.bias_hh] {
        for v in tensor.iter_mut() {
            *v *= 3.0;
        }
    }
    w
}

/// Every traced quantity of the sLSTM against its equations, in f64 (1e-12) and f32 (1e-5,
/// relative beyond 1), under the standard functions and a ReLU candidate with a tanh output.
#[test]
fn the_slstm_follows_its_equations() {
    let w = slstm_weights();
    let relu = |x: f64| x.max(0.0);
    type Functions = [fn(f64) -> f64; 2];
    let cases: [(Activations, Functions); 2] = [
        (Activations::default(), [f64::tanh, sigmoid]),
        (Activations { candidate: Activation::Relu, output: Activation::Tanh, ..Activations::default() }, [relu, f64::tanh]),
    ];
    for (acts, [act_g, act_o]) in cases {
        let expected = slstm_reference(&w, act_g, act_o, true);
        let mut trace64 = Trace::new();
        Recurrent::new(w.clone()).unwrap().run(&SEQUENCE, &acts, &mut trace64);
        let mut trace32 = Trace::new();
        Recurrent::new(w.cast::<f32>()).unwrap().run(&SEQUENCE, &acts, &mut trace32);
        let mut checked = 0;
        for (t, step) in expected.iter().enumerate() {
            for (q, values) in step {
                for (u, want) in values.iter().enumerate() {
                    let scale = want.abs().max(1.0);
                    let got = trace64.at(*q, t)[u];
                    assert!((got - want).abs() <= 1e-12 * scale, "f64 {} at step {t}, unit {u}: {got} against {want}", q.name());
                    let got = f64::from(trace32.at(*q, t)[u]);
                    assert!((got - want).abs() <= 1e-5 * scale, "f32 {} at step {t}, unit {u}: {got} against {want}", q.name());
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 15 * HIDDEN * SEQUENCE.len());
        // Stabilised, both gates stay in (0, 1].
        for q in [Quantity::Input, Quantity::Forget] {
            assert!(trace64.values(q).iter().all(|&v| v > 0.0 && v <= 1.0), "{}", q.name());
        }
    }
}

/// The stabiliser does not change h: the same weights without m (i = e^{z_i}, f = σ(z_f)),
/// where every number stays finite, give the same h to 1e-12, though c and norm differ by e^m.
#[test]
fn the_slstm_stabiliser_leaves_h_unchanged() {
    let w = slstm_weights();
    let stabilised = slstm_reference(&w, f64::tanh, sigmoid, true);
    let plain = slstm_reference(&w, f64::tanh, sigmoid, false);
    let mut trace = Trace::new();
    Recurrent::new(w.clone()).unwrap().run(&SEQUENCE, &Activations::default(), &mut trace);
    let value = |step: &[(Quantity, Vec<f64>)], q: Quantity| step.iter().find(|(k, _)| *k == q).unwrap().1.clone();
    let mut c_differs = false;
    for (t, (with, without)) in stabilised.iter().zip(&plain).enumerate() {
        let h_plain = value(without, Quantity::Hidden);
        assert!(h_plain.iter().all(|v| v.is_finite()));
        for (u, want) in h_plain.iter().enumerate() {
            let got = trace.at(Quantity::Hidden, t)[u];
            assert!((got - want).abs() <= 1e-12 * want.abs().max(1.0), "h at step {t}, unit {u}: {got} against unstabilised {want}");
        }
        let (c_with, c_without, m) = (value(with, Quantity::Cell), value(without, Quantity::Cell), value(with, Quantity::Stabilizer));
        for u in 0..HIDDEN {
            // c_stabilised = c_plain · e^{−m}.
            assert!((c_with[u] - c_without[u] * (-m[u]).exp()).abs() <= 1e-12 * c_with[u].abs().max(1.0));
            c_differs |= (c_with[u] - c_without[u]).abs() > 1e-3;
        }
    }
    assert!(c_differs, "the stabiliser rescaled c somewhere (else this test shows nothing)");
}

/// The minimal cells (Feng et al. 2024) by their equations in f64: their gates and candidate
/// read x only (W_ih·x + b_ih; there is no W_hh). minGRU: h = (1 − z)·h_prev + z·h̃;
/// minLSTM: h = f/(f + i)·h_prev + i/(f + i)·h̃. Checked under the standard functions (σ gates,
/// identity candidate) and swapped ones, in f64 (1e-12) and f32 (1e-5, relative beyond 1).
#[test]
fn the_minimal_cells_follow_their_equations() {
    type Functions = [fn(f64) -> f64; 3];
    let identity = |x: f64| x;
    let hard_sigmoid = |x: f64| (x / 6.0 + 0.5).clamp(0.0, 1.0);
    let cases: [(Activations, Functions); 2] = [
        (Activations::default(), [sigmoid, sigmoid, identity]),
        (
            Activations { update: Activation::HardSigmoid, forget: Activation::HardSigmoid, hidden_candidate: Activation::Tanh, ..Activations::default() },
            [hard_sigmoid, sigmoid, f64::tanh],
        ),
    ];
    for cell in [CellKind::MinGru, CellKind::MinLstm] {
        let mut rng = Rng::new(23);
        let mut w = Weights::<f64>::pytorch_init_for(cell, INPUT, HIDDEN, &mut rng);
        assert!(w.weight_hh.is_empty() && w.bias_hh.is_empty());
        for tensor in [&mut w.weight_ih, &mut w.bias_ih] {
            for v in tensor.iter_mut() {
                *v *= 3.0;
            }
        }
        for (acts, [act_first, act_input, act_candidate]) in cases {
            let mut trace64 = Trace::new();
            Recurrent::new(w.clone()).unwrap().run(&SEQUENCE, &acts, &mut trace64);
            let mut trace32 = Trace::new();
            Recurrent::new(w.cast::<f32>()).unwrap().run(&SEQUENCE, &acts, &mut trace32);
            let mut h = vec![0.0; HIDDEN];
            for (t, symbol) in SEQUENCE.iter().enumerate() {
                let lin = |r: usize| {
                    let wx: f64 = (0..INPUT).map(|k| if Some(k) == *symbol { w.weight_ih[r * INPUT + k] } else { 0.0 }).sum();
                    wx + w.bias_ih[r]
                };
                let mut next = vec![0.0; HIDDEN];
                for u in 0..HIDDEN {
                    let expected: Vec<(Quantity, f64)> = if cell == CellKind::MinGru {
                        // Blocks z, h̃; act_first is the update gate's function.
                        let (a_z, a_h) = (lin(u), lin(HIDDEN + u));
                        let (z, candidate) = (act_first(a_z), act_candidate(a_h));
                        next[u] = (1.0 - z) * h[u] + z * candidate;
                        vec![
                            (Quantity::PreUpdate, a_z),
                            (Quantity::PreHiddenCandidate, a_h),
                            (Quantity::Update, z),
                            (Quantity::HiddenCandidate, candidate),
                            (Quantity::HiddenPrev, h[u]),
                            (Quantity::Hidden, next[u]),
                        ]
                    } else {
                        // Blocks i, f, h̃; act_first is the forget gate's function.
                        let (a_i, a_f, a_h) = (lin(u), lin(HIDDEN + u), lin(2 * HIDDEN + u));
                        let (i, f, candidate) = (act_input(a_i), act_first(a_f), act_candidate(a_h));
                        let (f_share, i_share) = (f / (f + i), i / (f + i));
                        next[u] = f_share * h[u] + i_share * candidate;
                        vec![
                            (Quantity::PreInput, a_i),
                            (Quantity::PreForget, a_f),
                            (Quantity::PreHiddenCandidate, a_h),
                            (Quantity::Input, i),
                            (Quantity::Forget, f),
                            (Quantity::HiddenCandidate, candidate),
                            (Quantity::ForgetShare, f_share),
                            (Quantity::InputShare, i_share),
                            (Quantity::HiddenPrev, h[u]),
                            (Quantity::Hidden, next[u]),
                        ]
                    };
                    for (q, want) in expected {
                        let scale = want.abs().max(1.0);
                        let got = trace64.at(q, t)[u];
                        assert!((got - want).abs() <= 1e-12 * scale, "{cell:?} f64 {} at step {t}, unit {u}: {got} against {want}", q.name());
                        let got = f64::from(trace32.at(q, t)[u]);
                        assert!((got - want).abs() <= 1e-5 * scale, "{cell:?} f32 {} at step {t}, unit {u}: {got} against {want}", q.name());
                    }
                }
                h = next;
            }
        }
    }
}

/// Their parameter counts follow the paper: H(I + 1) per block, 2 blocks for the minGRU
/// (O(2·d_h·d_x)) and 3 for the minLSTM (O(3·d_h·d_x)).
#[test]
fn the_minimal_cells_count_only_input_weights() {
    let acts = Activations::default();
    assert_eq!(CellKind::MinGru.spec().parameter_count(95, 8, &acts, false), 2 * 8 * (95 + 1));
    assert_eq!(CellKind::MinLstm.spec().parameter_count(95, 8, &acts, false), 3 * 8 * (95 + 1));
    let coupled = Activations { forget: Activation::Coupled, ..acts };
    assert_eq!(CellKind::MinLstm.spec().parameter_count(95, 8, &coupled, false), 2 * 8 * (95 + 1));
}
