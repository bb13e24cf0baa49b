//! The GRU (Cho et al. 2014), exactly as PyTorch's `nn.GRU` computes it, with one activation
//! per site (σ, σ and tanh in the standard cell):
//! ```text
//! r = act_reset(W_ir x + b_ir + W_hr h + b_hr)
//! z = act_update(W_iz x + b_iz + W_hz h + b_hz)
//! n = act_new(W_in x + b_in + r ⊙ (W_hn h + b_hn))
//! h′ = (1 − z) ⊙ n + z ⊙ h
//! ```
//! Weight blocks r, z, n (3H rows of `weight_ih_l0` and `weight_hh_l0`). The reset gate
//! multiplies the recurrent part of n alone, so the kernel keeps W_hh·h + b_hh apart.

use super::{block, slope_block, Backward, BlockInfo, Cell, CellSpec, Equation, Forward, Product, Trainable};
use crate::activation::to_f64;
use crate::quantity::Quantity;
use crate::site::{Activations, Site, GRU_SITES};
use num_traits::Float;

/// The GRU's table entry.
pub const SPEC: CellSpec = CellSpec {
    name: "gru",
    label: "GRU",
    blocks: &[
        BlockInfo { symbol: "r", site: Site::Reset, pre: Quantity::PreReset, parts: None },
        BlockInfo { symbol: "z", site: Site::Update, pre: Quantity::PreUpdate, parts: None },
        BlockInfo { symbol: "n", site: Site::New, pre: Quantity::PreNew, parts: Some((Quantity::InputNew, Quantity::RecurrentNew)) },
    ],
    states: &[Quantity::Hidden],
    sites: &GRU_SITES,
    values: &[
        Quantity::Reset,
        Quantity::Update,
        Quantity::New,
        Quantity::InputNew,
        Quantity::RecurrentNew,
        Quantity::HiddenPrev,
        Quantity::Hidden,
    ],
    slopes: &[Site::Reset, Site::Update, Site::New],
    equations: &[
        Equation {
            result: Quantity::PreNew,
            text: "z_n = xn + r ⊙ hn",
            operands: &[Quantity::InputNew, Quantity::Reset, Quantity::RecurrentNew],
        },
        Equation {
            result: Quantity::Hidden,
            text: "h = (1 − z) ⊙ n + z ⊙ h_prev",
            operands: &[Quantity::Update, Quantity::New, Quantity::Update, Quantity::HiddenPrev],
        },
    ],
    products: &[
        Product { name: "reset_recurrent", text: "r ⊙ hn", factors: &[Quantity::Reset, Quantity::RecurrentNew] },
        Product { name: "kept", text: "z ⊙ h_prev", factors: &[Quantity::Update, Quantity::HiddenPrev] },
    ],
    peepholes: &[],
    recurrent: true,
    split_recurrent: true,
    rows: &[Quantity::Reset, Quantity::Update, Quantity::New, Quantity::Hidden],
    memory: Quantity::Hidden,
    direct_hidden: true,
};

/// Where each of [`SPEC`]'s values sits, in blocks of H.
const RESET: usize = 0;
const UPDATE: usize = 1;
const NEW: usize = 2;
const XN: usize = 3;
const HN: usize = 4;

/// The GRU cell (its weights are the kernel's).
#[derive(Clone, Copy, Debug, Default)]
pub struct GruCell;

impl<T: Float> Cell<T> for GruCell {
    fn spec(&self) -> &'static CellSpec {
        &SPEC
    }

    /// r and z over their blocks, then n from the reset recurrent part, then h′. The z this
    /// writes back is what each gate read: z_r and z_z with the recurrent part added, and
    /// z_n = W_in·x + b_in + r ⊙ hn.
    fn forward(&self, acts: &Activations, step: Forward<'_, T>, fast: bool) {
        let Forward { z, recurrent, h, values, slopes, .. } = step;
        let hs = h.len();
        for (pre, part) in z[..NEW * hs].iter_mut().zip(&recurrent[..NEW * hs]) {
            *pre = *pre + *part;
        }
        let (gates, rest) = values.split_at_mut(XN * hs);
        for k in [RESET, UPDATE] {
            let range = k * hs..(k + 1) * hs;
            acts.get(SPEC.blocks[k].site).values_and_slopes(&z[range.clone()], &mut gates[range], slope_block(slopes, hs, k), fast);
        }
        let (xn, rest) = rest.split_at_mut(hs);
        let (hn, rest) = rest.split_at_mut(hs);
        let (h_prev, h_out) = rest.split_at_mut(hs);
        xn.copy_from_slice(&z[NEW * hs..]);
        hn.copy_from_slice(&recurrent[NEW * hs..]);
        h_prev.copy_from_slice(h);
        for ((pre, r), part) in z[NEW * hs..].iter_mut().zip(&gates[..hs]).zip(hn.iter()) {
            *pre = *pre + *r * *part;
        }
        acts.new.values_and_slopes(&z[NEW * hs..], &mut gates[NEW * hs..], slope_block(slopes, hs, NEW), fast);
        let one = T::one();
        for (u, out) in h_out.iter_mut().enumerate() {
            let (update, new) = (gates[UPDATE * hs + u], gates[NEW * hs + u]);
            *out = (one - update) * new + update * h_prev[u];
        }
        h.copy_from_slice(h_out);
    }
}

impl<T: Float> Trainable<T> for GruCell {
    /// From ∂L/∂h′: h′ = (1 − z)·n + z·h gives ∂L/∂n, ∂L/∂z and the direct ∂L/∂h; n = act(a)
    /// with a = W_in·x + b_in + r ⊙ hn gives ∂L/∂a, which reaches W_in and b_in whole, W_hn and
    /// b_hn times r, and r times hn. r and z reach both halves of their blocks alike.
    #[inline(always)]
    fn backward<const TRACK: bool>(&self, _acts: &Activations, step: Backward<'_, T>) -> (f64, f64) {
        let Backward { values, slopes, dh, dz, dz_recurrent, dh_prev, .. } = step;
        let hs = dh.len();
        let [r, z, n, hn, h_prev] = [RESET, UPDATE, NEW, HN, HN + 1].map(|k| block(values, hs, k));
        let [r_slope, z_slope, n_slope] = [RESET, UPDATE, NEW].map(|k| block(slopes, hs, k));
        let one = T::one();
        let mut norm = 0.0;
        for u in 0..hs {
            let d = dh[u];
            let da_n = d * (one - z[u]) * n_slope[u];
            let da_z = d * (h_prev[u] - n[u]) * z_slope[u];
            let da_r = da_n * hn[u] * r_slope[u];
            dz[u] = da_r;
            dz[hs + u] = da_z;
            dz[NEW * hs + u] = da_n;
            dz_recurrent[u] = da_r;
            dz_recurrent[hs + u] = da_z;
            dz_recurrent[NEW * hs + u] = da_n * r[u];
            dh_prev[u] = dh_prev[u] + d * z[u];
            if TRACK {
                norm += to_f64(d) * to_f64(d);
            }
        }
        // A GRU's memory is h itself.
        (norm, norm)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_slots_match_the_spec() {
        const H_PREV: usize = 5;
        const H: usize = 6;
        for (slot, q) in [
            (RESET, Quantity::Reset),
            (UPDATE, Quantity::Update),
            (NEW, Quantity::New),
            (XN, Quantity::InputNew),
            (HN, Quantity::RecurrentNew),
            (H_PREV, Quantity::HiddenPrev),
            (H, Quantity::Hidden),
        ] {
            assert_eq!(SPEC.value_slot(q), Some(slot), "{}", q.name());
        }
        for (k, b) in SPEC.blocks.iter().enumerate() {
            assert_eq!(SPEC.values[k].name(), b.symbol);
            assert_eq!(SPEC.slopes[k], b.site);
        }
    }
}
