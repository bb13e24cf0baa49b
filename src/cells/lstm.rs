//! The LSTM, as PyTorch's `nn.LSTM` computes it, with one activation per site:
//! ```text
//! z = W_ih·x + b_ih + W_hh·h_prev + b_hh          (4H values, gate blocks in the order i, f, g, o)
//! i = act_input(z_i)   f = act_forget(z_f)   g = act_candidate(z_g)   o = act_output(z_o)
//! c = f ⊙ c_prev + i ⊙ g
//! h = o ⊙ act_cell_output(c)
//! ```
//! Two variants from Greff et al. 2017 are options of the same cell:
//! - peepholes (Gers et al. 2002): z_i += w_ci ⊙ c_prev, z_f += w_cf ⊙ c_prev, and
//!   z_o += w_co ⊙ c (the new c), so the output gate is computed after c;
//! - the coupled input-forget gate (CIFG): f = 1 − i, chosen at the forget site ("coupled").

use super::{block, slope_block, Backward, BlockInfo, Cell, CellSpec, Equation, Forward, Peephole, Product, Trainable};
use crate::activation::{to_f64, Activation};
use crate::cell::{CellValues, Gates};
use crate::quantity::Quantity;
use crate::site::{Activations, Site, LSTM_SITES};
use num_traits::Float;

/// The LSTM's table entry.
pub const SPEC: CellSpec = CellSpec {
    name: "lstm",
    label: "LSTM",
    blocks: &[
        BlockInfo { symbol: "i", site: Site::Input, pre: Quantity::PreInput, parts: None },
        BlockInfo { symbol: "f", site: Site::Forget, pre: Quantity::PreForget, parts: None },
        BlockInfo { symbol: "g", site: Site::Candidate, pre: Quantity::PreCandidate, parts: None },
        BlockInfo { symbol: "o", site: Site::Output, pre: Quantity::PreOutput, parts: None },
    ],
    states: &[Quantity::Hidden, Quantity::Cell],
    sites: &LSTM_SITES,
    values: &[
        Quantity::Input,
        Quantity::Forget,
        Quantity::Candidate,
        Quantity::Output,
        Quantity::CellPrev,
        Quantity::Cell,
        Quantity::CellOutput,
        Quantity::Hidden,
    ],
    slopes: &[Site::Input, Site::Forget, Site::Candidate, Site::Output, Site::CellOutput],
    equations: &[
        Equation {
            result: Quantity::Cell,
            text: "c = f ⊙ c_prev + i ⊙ g",
            operands: &[Quantity::Forget, Quantity::CellPrev, Quantity::Input, Quantity::Candidate],
        },
        Equation { result: Quantity::Hidden, text: "h = o ⊙ cell_out", operands: &[Quantity::Output, Quantity::CellOutput] },
    ],
    products: &[
        Product { name: "kept", text: "f ⊙ c_prev", factors: &[Quantity::Forget, Quantity::CellPrev] },
        Product { name: "written", text: "i ⊙ g", factors: &[Quantity::Input, Quantity::Candidate] },
    ],
    peepholes: &[
        Peephole { key: "weight_ci_l0", symbol: "w_ci", site: Site::Input, reads: Quantity::CellPrev },
        Peephole { key: "weight_cf_l0", symbol: "w_cf", site: Site::Forget, reads: Quantity::CellPrev },
        Peephole { key: "weight_co_l0", symbol: "w_co", site: Site::Output, reads: Quantity::Cell },
    ],
    recurrent: true,
    split_recurrent: false,
    rows: &[Quantity::Forget, Quantity::Input, Quantity::Candidate, Quantity::Output, Quantity::Cell, Quantity::Hidden],
    memory: Quantity::Cell,
    direct_hidden: false,
};

/// Where each of [`SPEC`]'s values sits, in blocks of H.
const GATES: usize = 0;
const C_PREV: usize = 4;
const CELL_OUT: usize = 6;

/// The LSTM cell. Its weight blocks are the kernel's; the peepholes, when it has them, are its
/// own: w_ci, w_cf and w_co, H each, in that order.
#[derive(Clone, Copy, Debug, Default)]
pub struct LstmCell<'a, T> {
    pub peepholes: Option<&'a [T]>,
}

/// z += w ⊙ state: a peephole's term.
fn add_peephole<T: Float>(z: &mut [T], w: &[T], state: &[T]) {
    for ((z, w), s) in z.iter_mut().zip(w).zip(state) {
        *z = *z + *w * *s;
    }
}

impl<T: Float> Cell<T> for LstmCell<'_, T> {
    fn spec(&self) -> &'static CellSpec {
        &SPEC
    }

    /// Each activation over its whole block (one loop per function, so it vectorises), then c,
    /// act(c) over the block, and h. With peepholes, z_i and z_f first gain w ⊙ c_prev, and the
    /// output gate waits for c (z_o gains w_co ⊙ c). A coupled forget gate is 1 − i.
    fn forward(&self, acts: &Activations, step: Forward<'_, T>, fast: bool) {
        let Forward { z, h, carried, values, slopes, .. } = step;
        let hs = h.len();
        let (gates, rest) = values.split_at_mut(C_PREV * hs);
        let (c_prev, rest) = rest.split_at_mut(hs);
        let (c, rest) = rest.split_at_mut(hs);
        let (cell_out, h_out) = rest.split_at_mut(hs);
        c_prev.copy_from_slice(carried);
        let coupled = acts.forget == Activation::Coupled;
        if let Some(w) = self.peepholes {
            add_peephole(&mut z[..hs], &w[..hs], c_prev);
            if !coupled {
                add_peephole(&mut z[hs..2 * hs], &w[hs..2 * hs], c_prev);
            }
        }
        for (k, info) in SPEC.blocks.iter().enumerate() {
            if k == 3 && self.peepholes.is_some() {
                continue; // the output gate, once c is known
            }
            let range = k * hs..(k + 1) * hs;
            if k == 1 && coupled {
                let (i, rest) = gates.split_at_mut(hs);
                Activation::Coupled.values_and_slopes(i, &mut rest[..hs], slope_block(slopes, hs, 1), fast);
                continue;
            }
            acts.get(info.site).values_and_slopes(&z[range.clone()], &mut gates[range], slope_block(slopes, hs, k), fast);
        }
        let keep = |_| (T::zero(), T::zero());
        for (u, cell) in c.iter_mut().enumerate() {
            *cell = CellValues::combine(c_prev[u], Gates::from_blocks(gates, hs, u), keep).0.c;
        }
        if let Some(w) = self.peepholes {
            add_peephole(&mut z[3 * hs..], &w[2 * hs..], c);
            acts.output.values_and_slopes(&z[3 * hs..], &mut gates[3 * hs..], slope_block(slopes, hs, 3), fast);
        }
        acts.cell_output.values_and_slopes(c, cell_out, slope_block(slopes, hs, 4), fast);
        for ((h, out), o) in h_out.iter_mut().zip(cell_out.iter()).zip(&gates[3 * hs..4 * hs]) {
            *h = *o * *out;
        }
        h.copy_from_slice(h_out);
        carried.copy_from_slice(c);
    }

}

impl<T: Float> Trainable<T> for LstmCell<'_, T> {
    /// δz from ∂L/∂h_t and the ∂L/∂c_t arriving from step t + 1 (which becomes what flows on
    /// to c_{t−1}). Every slice is cut to its block first, so the loops have no bounds checks
    /// and vectorise; the plain LSTM keeps a loop of its own.
    #[inline(always)]
    fn backward<const TRACK: bool>(&self, acts: &Activations, step: Backward<'_, T>) -> (f64, f64) {
        let Backward { values, slopes, dh, dcarried, dz, dparams, .. } = step;
        let hs = dh.len();
        let [i, f, cand, o] = [0, 1, 2, 3].map(|k| block(values, hs, GATES + k));
        let gate_slopes = [0, 1, 2, 3].map(|k| block(slopes, hs, k));
        let (c_prev, cell_out, cell_slope) = (block(values, hs, C_PREV), block(values, hs, CELL_OUT), block(slopes, hs, 4));
        let dc = &mut dcarried[..hs];
        let (dz_i, rest) = dz[..4 * hs].split_at_mut(hs);
        let (dz_f, rest) = rest.split_at_mut(hs);
        let (dz_g, dz_o) = rest.split_at_mut(hs);
        let mut norms = (0.0, 0.0);
        let coupled = acts.forget == Activation::Coupled;
        if self.peepholes.is_none() && !coupled {
            for u in 0..hs {
                // h = o·act(c): ∂L/∂c_t gains ∂L/∂h_t · o · act'(c_t).
                let dc_total = dc[u] + dh[u] * o[u] * cell_slope[u];
                dz_i[u] = dc_total * cand[u] * gate_slopes[0][u];
                dz_f[u] = dc_total * c_prev[u] * gate_slopes[1][u];
                dz_g[u] = dc_total * i[u] * gate_slopes[2][u];
                dz_o[u] = dh[u] * cell_out[u] * gate_slopes[3][u];
                dc[u] = dc_total * f[u];
                if TRACK {
                    norms.0 += to_f64(dc_total) * to_f64(dc_total);
                    norms.1 += to_f64(dh[u]) * to_f64(dh[u]);
                }
            }
            return norms;
        }
        let zero = T::zero();
        let c = block(values, hs, SPEC.value_slot(Quantity::Cell).expect("the LSTM computes c"));
        let weight = |k: usize, u: usize| self.peepholes.map_or(zero, |w| w[k * hs + u]);
        for u in 0..hs {
            dz_o[u] = dh[u] * cell_out[u] * gate_slopes[3][u];
            // c_t reaches the loss through h (o·act(c)) and, with peepholes, through z_o.
            let dc_total = dc[u] + dh[u] * o[u] * cell_slope[u] + dz_o[u] * weight(2, u);
            let df = dc_total * c_prev[u];
            dz_g[u] = dc_total * i[u] * gate_slopes[2][u];
            if coupled {
                // f = 1 − i: what reaches f reaches i with the opposite sign (the slope is −1);
                // the forget block's own weights are not used.
                dz_i[u] = (dc_total * cand[u] + df * gate_slopes[1][u]) * gate_slopes[0][u];
                dz_f[u] = zero;
            } else {
                dz_i[u] = dc_total * cand[u] * gate_slopes[0][u];
                dz_f[u] = df * gate_slopes[1][u];
            }
            // c_{t−1} feeds c_t through f, and z_i and z_f through their peepholes.
            dc[u] = dc_total * f[u] + dz_i[u] * weight(0, u) + dz_f[u] * weight(1, u);
            if !dparams.is_empty() {
                dparams[u] = dparams[u] + dz_i[u] * c_prev[u];
                dparams[hs + u] = dparams[hs + u] + dz_f[u] * c_prev[u];
                dparams[2 * hs + u] = dparams[2 * hs + u] + dz_o[u] * c[u];
            }
            if TRACK {
                norms.0 += to_f64(dc_total) * to_f64(dc_total);
                norms.1 += to_f64(dh[u]) * to_f64(dh[u]);
            }
        }
        norms
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_slots_match_the_spec() {
        for (slot, q) in [(C_PREV, Quantity::CellPrev), (CELL_OUT, Quantity::CellOutput)] {
            assert_eq!(SPEC.value_slot(q), Some(slot), "{}", q.name());
        }
        for (k, b) in SPEC.blocks.iter().enumerate() {
            assert_eq!(SPEC.values[GATES + k].name(), b.symbol);
            assert_eq!(SPEC.slopes[k], b.site);
        }
        assert_eq!(SPEC.slopes[4], Site::CellOutput);
    }
}
