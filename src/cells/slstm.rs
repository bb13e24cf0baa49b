//! The sLSTM (Beck et al. 2024, xLSTM), one head, with its exponential input gate, its
//! normaliser n (`norm`) and its stabiliser m:
//! ```text
//! z = W_ih·x + b_ih + W_hh·h_prev + b_hh          (4H values, blocks i, f, g, o as the LSTM's)
//! m = max(log σ(z_f) + m_prev, z_i)
//! i = exp(z_i − m)        f = exp(log σ(z_f) + m_prev − m)
//! g = act_candidate(z_g)  o = act_output(z_o)     (tanh and σ; the paper calls g "z")
//! c = f ⊙ c_prev + i ⊙ g
//! norm = f ⊙ norm_prev + i
//! h = o ⊙ c / norm
//! ```
//! h, c, norm and m start at 0. Without m, i = e^{z_i} and f = σ(z_f): c and norm would grow
//! without bound while their ratio stays the same. m rescales both by e^{−m}, so i and f stay
//! in (0, 1] and h is unchanged (the tests check this against an unstabilised run). Since h
//! does not depend on m at all, the backward pass holds m fixed.
//!
//! The gates i and f have fixed functions (the normaliser needs their logarithms); the
//! candidate and output sites are swappable, and shared with the LSTM's.

use super::{block, slope_block, Backward, BlockInfo, Cell, CellSpec, Equation, Forward, Product, Trainable};
use crate::activation::{exp, from_f64, to_f64, Activation};
use crate::quantity::Quantity;
use crate::site::{Activations, Site, SLSTM_SITES};
use num_traits::Float;

/// The sLSTM's table entry.
pub const SPEC: CellSpec = CellSpec {
    name: "slstm",
    label: "sLSTM",
    blocks: &[
        BlockInfo { symbol: "i", site: Site::Input, pre: Quantity::PreInput, parts: None },
        BlockInfo { symbol: "f", site: Site::Forget, pre: Quantity::PreForget, parts: None },
        BlockInfo { symbol: "g", site: Site::Candidate, pre: Quantity::PreCandidate, parts: None },
        BlockInfo { symbol: "o", site: Site::Output, pre: Quantity::PreOutput, parts: None },
    ],
    states: &[Quantity::Hidden, Quantity::Cell, Quantity::Normalizer, Quantity::Stabilizer],
    sites: &SLSTM_SITES,
    values: &[
        Quantity::Input,
        Quantity::Forget,
        Quantity::Candidate,
        Quantity::Output,
        Quantity::CellPrev,
        Quantity::Cell,
        Quantity::NormalizerPrev,
        Quantity::Normalizer,
        Quantity::StabilizerPrev,
        Quantity::Stabilizer,
        Quantity::Hidden,
    ],
    // ∂(each block's value)/∂(its pre-activation), m held fixed: i, f·σ(−z_f), and the sites'.
    slopes: &[Site::Input, Site::Forget, Site::Candidate, Site::Output],
    equations: &[
        Equation {
            result: Quantity::Stabilizer,
            text: "m = max(log σ(z_f) + m_prev, z_i)",
            operands: &[Quantity::PreForget, Quantity::StabilizerPrev, Quantity::PreInput],
        },
        Equation { result: Quantity::Input, text: "i = exp(z_i − m)", operands: &[Quantity::PreInput, Quantity::Stabilizer] },
        Equation {
            result: Quantity::Forget,
            text: "f = exp(log σ(z_f) + m_prev − m)",
            operands: &[Quantity::PreForget, Quantity::StabilizerPrev, Quantity::Stabilizer],
        },
        Equation {
            result: Quantity::Cell,
            text: "c = f ⊙ c_prev + i ⊙ g",
            operands: &[Quantity::Forget, Quantity::CellPrev, Quantity::Input, Quantity::Candidate],
        },
        Equation {
            result: Quantity::Normalizer,
            text: "norm = f ⊙ norm_prev + i",
            operands: &[Quantity::Forget, Quantity::NormalizerPrev, Quantity::Input],
        },
        Equation {
            result: Quantity::Hidden,
            text: "h = o ⊙ c / norm",
            operands: &[Quantity::Output, Quantity::Cell, Quantity::Normalizer],
        },
    ],
    products: &[
        Product { name: "kept", text: "f ⊙ c_prev", factors: &[Quantity::Forget, Quantity::CellPrev] },
        Product { name: "written", text: "i ⊙ g", factors: &[Quantity::Input, Quantity::Candidate] },
    ],
    peepholes: &[],
    recurrent: true,
    split_recurrent: false,
    rows: &[
        Quantity::Forget,
        Quantity::Input,
        Quantity::Candidate,
        Quantity::Output,
        Quantity::Stabilizer,
        Quantity::Cell,
        Quantity::Normalizer,
        Quantity::Hidden,
    ],
    memory: Quantity::Cell,
    direct_hidden: false,
};

/// Where each of [`SPEC`]'s values sits, in blocks of H.
const INPUT: usize = 0;
const FORGET: usize = 1;
const CANDIDATE: usize = 2;
const OUTPUT: usize = 3;
const C_PREV: usize = 4;
const C: usize = 5;
const NORM_PREV: usize = 6;
const NORM: usize = 7;
const M_PREV: usize = 8;
const M: usize = 9;
const HIDDEN: usize = 10;

/// The sLSTM cell (its weights are the kernel's).
#[derive(Clone, Copy, Debug, Default)]
pub struct SlstmCell;

/// log σ(x) = −log(1 + e^−x), without overflow on either side.
fn log_sigmoid(x: f64) -> f64 {
    x.min(0.0) - libm::log1p(exp(-x.abs()))
}

/// The stabilised gates of one unit from its pre-activations and m_prev: (i, f, m, ∂f/∂z_f).
/// (∂i/∂z_i is i itself.) A NaN anywhere stays a NaN.
#[must_use]
pub fn gates(z_i: f64, z_f: f64, m_prev: f64) -> (f64, f64, f64, f64) {
    let kept = log_sigmoid(z_f) + m_prev;
    let m = if z_i > kept { z_i } else { kept };
    let (i, f) = (exp(z_i - m), exp(kept - m));
    (i, f, m, f * Activation::Sigmoid.apply(-z_f))
}

impl<T: Float> Cell<T> for SlstmCell {
    fn spec(&self) -> &'static CellSpec {
        &SPEC
    }

    /// The candidate and output over their blocks; then per unit m, i and f (in f64, rounded
    /// once), c, norm and h.
    fn forward(&self, acts: &Activations, step: Forward<'_, T>, fast: bool) {
        let Forward { z, h, carried, values, slopes, .. } = step;
        let hs = h.len();
        for (k, site) in [(CANDIDATE, Site::Candidate), (OUTPUT, Site::Output)] {
            acts.get(site).values_and_slopes(block(z, hs, k), &mut values[k * hs..(k + 1) * hs], slope_block(slopes, hs, k), fast);
        }
        for (k, state) in [C_PREV, NORM_PREV, M_PREV].into_iter().enumerate() {
            values[state * hs..(state + 1) * hs].copy_from_slice(&carried[k * hs..(k + 1) * hs]);
        }
        let at = |k: usize, u: usize| k * hs + u;
        for u in 0..hs {
            let (i, f, m, f_slope) = gates(to_f64(z[u]), to_f64(z[hs + u]), to_f64(values[at(M_PREV, u)]));
            let (i, f): (T, T) = (from_f64(i), from_f64(f));
            if !slopes.is_empty() {
                slopes[at(INPUT, u)] = i;
                slopes[at(FORGET, u)] = from_f64(f_slope);
            }
            let c = f * values[at(C_PREV, u)] + i * values[at(CANDIDATE, u)];
            let norm = f * values[at(NORM_PREV, u)] + i;
            let hidden = values[at(OUTPUT, u)] * c / norm;
            for (k, v) in [(INPUT, i), (FORGET, f), (M, from_f64(m)), (C, c), (NORM, norm), (HIDDEN, hidden)] {
                values[at(k, u)] = v;
            }
            h[u] = hidden;
            carried[u] = c;
            carried[hs + u] = norm;
            carried[2 * hs + u] = values[at(M, u)];
        }
    }
}

impl<T: Float> Trainable<T> for SlstmCell {
    /// From ∂L/∂h_t and the ∂L/∂c_t and ∂L/∂norm_t arriving from step t + 1 (h = o·c/norm),
    /// through c = f·c_prev + i·g and norm = f·norm_prev + i, to the four pre-activations and
    /// on to c_{t−1} and norm_{t−1}. m is held fixed: h does not depend on it.
    #[inline(always)]
    fn backward<const TRACK: bool>(&self, _acts: &Activations, step: Backward<'_, T>) -> (f64, f64) {
        let Backward { values, slopes, dh, dcarried, dz, .. } = step;
        let hs = dh.len();
        let [i, f, g, o, c_prev, c, norm_prev, norm] = [INPUT, FORGET, CANDIDATE, OUTPUT, C_PREV, C, NORM_PREV, NORM].map(|k| block(values, hs, k));
        let [i_slope, f_slope, g_slope, o_slope] = [INPUT, FORGET, CANDIDATE, OUTPUT].map(|k| block(slopes, hs, k));
        let (dc, rest) = dcarried.split_at_mut(hs);
        let dnorm = &mut rest[..hs];
        let mut norms = (0.0, 0.0);
        for u in 0..hs {
            let d = dh[u];
            let inverse = T::one() / norm[u];
            let dc_total = dc[u] + d * o[u] * inverse;
            let dnorm_total = dnorm[u] - d * o[u] * c[u] * inverse * inverse;
            let di = dc_total * g[u] + dnorm_total;
            let df = dc_total * c_prev[u] + dnorm_total * norm_prev[u];
            dz[u] = di * i_slope[u];
            dz[hs + u] = df * f_slope[u];
            dz[2 * hs + u] = dc_total * i[u] * g_slope[u];
            dz[3 * hs + u] = d * c[u] * inverse * o_slope[u];
            dc[u] = dc_total * f[u];
            dnorm[u] = dnorm_total * f[u];
            if TRACK {
                norms.0 += to_f64(dc_total) * to_f64(dc_total);
                norms.1 += to_f64(d) * to_f64(d);
            }
        }
        norms
    }
}

#[cfg(test)]
#[allow(clippy::float_cmp)] // exact on purpose
mod tests {
    use super::*;

    #[test]
    fn value_slots_match_the_spec() {
        for (slot, q) in [
            (INPUT, Quantity::Input),
            (FORGET, Quantity::Forget),
            (CANDIDATE, Quantity::Candidate),
            (OUTPUT, Quantity::Output),
            (C_PREV, Quantity::CellPrev),
            (C, Quantity::Cell),
            (NORM_PREV, Quantity::NormalizerPrev),
            (NORM, Quantity::Normalizer),
            (M_PREV, Quantity::StabilizerPrev),
            (M, Quantity::Stabilizer),
            (HIDDEN, Quantity::Hidden),
        ] {
            assert_eq!(SPEC.value_slot(q), Some(slot), "{}", q.name());
        }
        for (k, b) in SPEC.blocks.iter().enumerate() {
            assert_eq!(SPEC.values[k].name(), b.symbol);
            assert_eq!(SPEC.slopes[k], b.site);
        }
    }

    /// Worked by hand: z_i = 0, z_f = 0, m_prev = 0. log σ(0) = −ln 2 = −0.693147, so
    /// m = max(−0.693147, 0) = 0, i = e^0 = 1, f = e^−0.693147 = 0.5, ∂f/∂z_f = 0.5·σ(0) = 0.25.
    /// With z_i = −3: m = −0.693147, i = e^(−3 + 0.693147) = 0.099574, f = 1.
    #[test]
    fn stabilised_gates_by_hand() {
        let (i, f, m, slope) = gates(0.0, 0.0, 0.0);
        assert_eq!((i, m), (1.0, 0.0));
        assert!((f - 0.5).abs() < 1e-15 && (slope - 0.25).abs() < 1e-15, "{f} {slope}");
        let (i, f, m, _) = gates(-3.0, 0.0, 0.0);
        assert!((m + std::f64::consts::LN_2).abs() < 1e-15);
        assert!((i - 0.099_574_136_735_727_9).abs() < 1e-12, "{i}");
        assert_eq!(f, 1.0);
        // Far out, log σ and the gates stay finite.
        let (i, f, m, _) = gates(-900.0, -900.0, 0.0);
        assert!(i.is_finite() && f == 1.0 && (m + 900.0).abs() < 1e-9, "{i} {f} {m}");
        assert!(gates(f64::NAN, 0.0, 0.0).0.is_nan());
    }
}
