//! The minimal cells of Feng et al. 2024 ("Were RNNs All We Needed?"), whose gates and
//! candidate see the input only, so a whole sequence could be computed by a parallel scan:
//! ```text
//! minGRU:  z = act_update(W_z x + b_z)       h̃ = act_h̃(W_h x + b_h)   (σ and identity)
//!          h = (1 − z) ⊙ h_prev + z ⊙ h̃
//! minLSTM: f = act_forget(W_f x + b_f)       i = act_input(W_i x + b_i)
//!          h̃ = act_h̃(W_h x + b_h)
//!          f_share = f / (f + i)             i_share = i / (f + i)
//!          h = f_share ⊙ h_prev + i_share ⊙ h̃
//! ```
//! They have no W_hh and no b_hh: a block is H rows of `weight_ih_l0` and `bias_ih_l0`, so
//! H(I + 1) parameters (the paper's O(2·d_h·d_x) and O(3·d_h·d_x)). Blocks in file order: z, h̃
//! for the minGRU; i, f, h̃ for the minLSTM (the LSTM's order). Note the minGRU's z writes the
//! new value, where the GRU's z keeps the old one.

use super::{block, slope_block, Backward, BlockInfo, Cell, CellSpec, Equation, Forward, Product, Trainable};
use crate::activation::{to_f64, Activation};
use crate::quantity::Quantity;
use crate::site::{Activations, Site, MINGRU_SITES, MINLSTM_SITES};
use num_traits::Float;

/// The minGRU's table entry.
pub const MINGRU: CellSpec = CellSpec {
    name: "mingru",
    label: "minGRU",
    blocks: &[
        BlockInfo { symbol: "z", site: Site::Update, pre: Quantity::PreUpdate, parts: None },
        BlockInfo { symbol: "h_tilde", site: Site::HiddenCandidate, pre: Quantity::PreHiddenCandidate, parts: None },
    ],
    states: &[Quantity::Hidden],
    sites: &MINGRU_SITES,
    values: &[Quantity::Update, Quantity::HiddenCandidate, Quantity::HiddenPrev, Quantity::Hidden],
    slopes: &[Site::Update, Site::HiddenCandidate],
    equations: &[Equation {
        result: Quantity::Hidden,
        text: "h = (1 − z) ⊙ h_prev + z ⊙ h_tilde",
        operands: &[Quantity::Update, Quantity::HiddenPrev, Quantity::Update, Quantity::HiddenCandidate],
    }],
    products: &[Product { name: "written", text: "z ⊙ h_tilde", factors: &[Quantity::Update, Quantity::HiddenCandidate] }],
    peepholes: &[],
    recurrent: false,
    split_recurrent: false,
    rows: &[Quantity::Update, Quantity::HiddenCandidate, Quantity::Hidden],
    memory: Quantity::Hidden,
    direct_hidden: true,
};

/// The minLSTM's table entry.
pub const MINLSTM: CellSpec = CellSpec {
    name: "minlstm",
    label: "minLSTM",
    blocks: &[
        BlockInfo { symbol: "i", site: Site::Input, pre: Quantity::PreInput, parts: None },
        BlockInfo { symbol: "f", site: Site::Forget, pre: Quantity::PreForget, parts: None },
        BlockInfo { symbol: "h_tilde", site: Site::HiddenCandidate, pre: Quantity::PreHiddenCandidate, parts: None },
    ],
    states: &[Quantity::Hidden],
    sites: &MINLSTM_SITES,
    values: &[
        Quantity::Input,
        Quantity::Forget,
        Quantity::HiddenCandidate,
        Quantity::ForgetShare,
        Quantity::InputShare,
        Quantity::HiddenPrev,
        Quantity::Hidden,
    ],
    slopes: &[Site::Input, Site::Forget, Site::HiddenCandidate],
    equations: &[
        Equation { result: Quantity::ForgetShare, text: "f_share = f / (f + i)", operands: &[Quantity::Forget, Quantity::Forget, Quantity::Input] },
        Equation { result: Quantity::InputShare, text: "i_share = i / (f + i)", operands: &[Quantity::Input, Quantity::Forget, Quantity::Input] },
        Equation {
            result: Quantity::Hidden,
            text: "h = f_share ⊙ h_prev + i_share ⊙ h_tilde",
            operands: &[Quantity::ForgetShare, Quantity::HiddenPrev, Quantity::InputShare, Quantity::HiddenCandidate],
        },
    ],
    products: &[
        Product { name: "kept", text: "f_share ⊙ h_prev", factors: &[Quantity::ForgetShare, Quantity::HiddenPrev] },
        Product { name: "written", text: "i_share ⊙ h_tilde", factors: &[Quantity::InputShare, Quantity::HiddenCandidate] },
    ],
    peepholes: &[],
    recurrent: false,
    split_recurrent: false,
    rows: &[Quantity::Forget, Quantity::Input, Quantity::HiddenCandidate, Quantity::Hidden],
    memory: Quantity::Hidden,
    direct_hidden: true,
};

/// Each block's activation over its block, in block order.
fn activate<T: Float>(spec: &CellSpec, acts: &Activations, z: &[T], values: &mut [T], slopes: &mut [T], fast: bool) {
    let hs = z.len() / spec.blocks.len();
    for (k, info) in spec.blocks.iter().enumerate() {
        let range = k * hs..(k + 1) * hs;
        acts.get(info.site).values_and_slopes(&z[range.clone()], &mut values[range], slope_block(slopes, hs, k), fast);
    }
}

/// The minGRU cell (its weights are the kernel's).
#[derive(Clone, Copy, Debug, Default)]
pub struct MinGruCell;

/// Where each of [`MINGRU`]'s values sits, in blocks of H.
mod mingru_slot {
    pub const Z: usize = 0;
    pub const CANDIDATE: usize = 1;
    pub const H_PREV: usize = 2;
    pub const H: usize = 3;
}

impl<T: Float> Cell<T> for MinGruCell {
    fn spec(&self) -> &'static CellSpec {
        &MINGRU
    }

    fn forward(&self, acts: &Activations, step: Forward<'_, T>, fast: bool) {
        use mingru_slot::{CANDIDATE, H, H_PREV, Z};
        let Forward { z, h, values, slopes, .. } = step;
        let hs = h.len();
        activate(&MINGRU, acts, z, values, slopes, fast);
        values[H_PREV * hs..(H_PREV + 1) * hs].copy_from_slice(h);
        let one = T::one();
        for u in 0..hs {
            let (gate, candidate, h_prev) = (values[Z * hs + u], values[CANDIDATE * hs + u], values[H_PREV * hs + u]);
            let out = (one - gate) * h_prev + gate * candidate;
            values[H * hs + u] = out;
            h[u] = out;
        }
    }
}

impl<T: Float> Trainable<T> for MinGruCell {
    /// h = (1 − z)·h_prev + z·h̃: ∂L/∂z = δ·(h̃ − h_prev), ∂L/∂h̃ = δ·z, and h_prev gets δ·(1 − z)
    /// directly (there is no W_hh path).
    #[inline(always)]
    fn backward<const TRACK: bool>(&self, _acts: &Activations, step: Backward<'_, T>) -> (f64, f64) {
        use mingru_slot::{CANDIDATE, H_PREV, Z};
        let Backward { values, slopes, dh, dz, dh_prev, .. } = step;
        let hs = dh.len();
        let (gate, candidate, h_prev) = (block(values, hs, Z), block(values, hs, CANDIDATE), block(values, hs, H_PREV));
        let (gate_slope, candidate_slope) = (block(slopes, hs, 0), block(slopes, hs, 1));
        let one = T::one();
        let mut norm = 0.0;
        for u in 0..hs {
            let d = dh[u];
            dz[u] = d * (candidate[u] - h_prev[u]) * gate_slope[u];
            dz[hs + u] = d * gate[u] * candidate_slope[u];
            dh_prev[u] = dh_prev[u] + d * (one - gate[u]);
            if TRACK {
                let d = to_f64(d);
                norm += d * d;
            }
        }
        // Its memory is h itself.
        (norm, norm)
    }
}

/// The minLSTM cell (its weights are the kernel's). A coupled forget gate (1 − i) is allowed:
/// then f + i = 1 and the shares are f and i themselves.
#[derive(Clone, Copy, Debug, Default)]
pub struct MinLstmCell;

/// Where each of [`MINLSTM`]'s values sits, in blocks of H.
mod minlstm_slot {
    pub const I: usize = 0;
    pub const F: usize = 1;
    pub const CANDIDATE: usize = 2;
    pub const F_SHARE: usize = 3;
    pub const I_SHARE: usize = 4;
    pub const H_PREV: usize = 5;
    pub const H: usize = 6;
}

impl<T: Float> Cell<T> for MinLstmCell {
    fn spec(&self) -> &'static CellSpec {
        &MINLSTM
    }

    fn forward(&self, acts: &Activations, step: Forward<'_, T>, fast: bool) {
        use minlstm_slot::{CANDIDATE, F, F_SHARE, H, H_PREV, I, I_SHARE};
        let Forward { z, h, values, slopes, .. } = step;
        let hs = h.len();
        activate(&MINLSTM, acts, z, values, slopes, fast);
        if acts.forget == Activation::Coupled {
            let (i, rest) = values.split_at_mut(hs);
            Activation::Coupled.values_and_slopes(i, &mut rest[..hs], slope_block(slopes, hs, F), fast);
        }
        values[H_PREV * hs..(H_PREV + 1) * hs].copy_from_slice(h);
        for u in 0..hs {
            let at = |k: usize| values[k * hs + u];
            let (f, i) = (at(F), at(I));
            let sum = f + i;
            let (f_share, i_share) = (f / sum, i / sum);
            let out = f_share * at(H_PREV) + i_share * at(CANDIDATE);
            for (k, v) in [(F_SHARE, f_share), (I_SHARE, i_share), (H, out)] {
                values[k * hs + u] = v;
            }
            h[u] = out;
        }
    }
}

impl<T: Float> Trainable<T> for MinLstmCell {
    /// h = f′·h_prev + i′·h̃ with f′ = f/s, i′ = i/s, s = f + i: ∂f′/∂f = i/s², ∂f′/∂i = −f/s²,
    /// ∂i′/∂i = f/s², ∂i′/∂f = −i/s², so ∂L/∂f = (δf′ − δi′)·i/s² and ∂L/∂i = (δi′ − δf′)·f/s².
    /// Coupled (f = 1 − i), i also gets −∂L/∂f and the forget block none.
    #[inline(always)]
    fn backward<const TRACK: bool>(&self, acts: &Activations, step: Backward<'_, T>) -> (f64, f64) {
        use minlstm_slot::{CANDIDATE, F, F_SHARE, H_PREV, I, I_SHARE};
        let Backward { values, slopes, dh, dz, dh_prev, .. } = step;
        let hs = dh.len();
        let [i, f, candidate, f_share, i_share, h_prev] = [I, F, CANDIDATE, F_SHARE, I_SHARE, H_PREV].map(|k| block(values, hs, k));
        let [i_slope, f_slope, candidate_slope] = [0, 1, 2].map(|k| block(slopes, hs, k));
        let coupled = acts.forget == Activation::Coupled;
        let mut norm = 0.0;
        for u in 0..hs {
            let d = dh[u];
            let sum = f[u] + i[u];
            let (d_f_share, d_i_share) = (d * h_prev[u], d * candidate[u]);
            let squared = sum * sum;
            let df = (d_f_share - d_i_share) * i[u] / squared;
            let di = (d_i_share - d_f_share) * f[u] / squared;
            if coupled {
                // f = 1 − i: the forget value's slope in i is −1 (f_slope holds it).
                dz[u] = (di + df * f_slope[u]) * i_slope[u];
                dz[hs + u] = T::zero();
            } else {
                dz[u] = di * i_slope[u];
                dz[hs + u] = df * f_slope[u];
            }
            dz[2 * hs + u] = d * i_share[u] * candidate_slope[u];
            dh_prev[u] = dh_prev[u] + d * f_share[u];
            if TRACK {
                let d = to_f64(d);
                norm += d * d;
            }
        }
        (norm, norm)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_slots_match_the_specs() {
        for (slot, q) in [(mingru_slot::Z, Quantity::Update), (mingru_slot::CANDIDATE, Quantity::HiddenCandidate), (mingru_slot::H_PREV, Quantity::HiddenPrev), (mingru_slot::H, Quantity::Hidden)] {
            assert_eq!(MINGRU.value_slot(q), Some(slot), "{}", q.name());
        }
        for (slot, q) in [
            (minlstm_slot::I, Quantity::Input),
            (minlstm_slot::F, Quantity::Forget),
            (minlstm_slot::CANDIDATE, Quantity::HiddenCandidate),
            (minlstm_slot::F_SHARE, Quantity::ForgetShare),
            (minlstm_slot::I_SHARE, Quantity::InputShare),
            (minlstm_slot::H_PREV, Quantity::HiddenPrev),
            (minlstm_slot::H, Quantity::Hidden),
        ] {
            assert_eq!(MINLSTM.value_slot(q), Some(slot), "{}", q.name());
        }
        for spec in [&MINGRU, &MINLSTM] {
            for (k, b) in spec.blocks.iter().enumerate() {
                assert_eq!(spec.values[k].name(), b.symbol);
                assert_eq!(spec.slopes[k], b.site);
            }
        }
    }
}
