//! Cell designs as table entries. Each design is a [`CellSpec`] (its weight blocks, states,
//! activation sites, traced quantities and equations: everything the kernel, the trace, the
//! controls, the parameter count and the page read about it) plus an implementation of [`Cell`]
//! (one step forward, and the same step backward for training). The kernel
//! ([`crate::kernel::Columns`]) does the work every design shares: the input lookup, the tiled
//! W_hh product, the batch loop and the recorder.
//!
//! A new design costs a spec entry, its `forward` and `backward`, its diagram layout and its tests.

pub mod gru;
pub mod lstm;
pub mod minimal;
pub mod slstm;

use crate::quantity::Quantity;
use crate::site::{Activations, Site};
use num_traits::Float;
use serde::Serialize;

pub use gru::GruCell;
pub use lstm::LstmCell;
pub use minimal::{MinGruCell, MinLstmCell};
pub use slstm::SlstmCell;

/// One block of H rows of `weight_ih_l0`, `weight_hh_l0` and the biases, in the file's row order.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct BlockInfo {
    /// The symbol of the value it gates: `i`, `f`, `g`, `o`.
    pub symbol: &'static str,
    /// The site whose activation its pre-activation goes through.
    #[serde(serialize_with = "site_name")]
    pub site: Site,
    /// Its traced pre-activation.
    #[serde(serialize_with = "quantity_name")]
    pub pre: Quantity,
    /// For a block whose pre-activation the step assembles from W_ih·x + b_ih and W_hh·h + b_hh
    /// kept apart (the GRU's z_n = xn + r ⊙ hn), those two parts as traced; None when the
    /// kernel adds them.
    #[serde(serialize_with = "optional_pair")]
    pub parts: Option<(Quantity, Quantity)>,
}

/// One equation of a step, as the page shows it: `c = f ⊙ c_prev + i ⊙ g`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Equation {
    /// What it computes.
    #[serde(serialize_with = "quantity_name")]
    pub result: Quantity,
    /// The whole equation, in the page's notation.
    pub text: &'static str,
    /// The traced quantities it reads, in the order they appear.
    #[serde(serialize_with = "quantity_names")]
    pub operands: &'static [Quantity],
}

/// A product the diagram and the calculator show on its own: `kept = f ⊙ c_prev`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Product {
    /// Its name in a step's values: `kept`.
    pub name: &'static str,
    /// How it is written: `f ⊙ c_prev`.
    pub text: &'static str,
    /// The two factors.
    #[serde(serialize_with = "quantity_names")]
    pub factors: &'static [Quantity],
}

impl Product {
    /// Its value from its factors' values.
    #[must_use]
    pub fn value<T: Float>(&self, value_of: impl Fn(Quantity) -> T) -> T {
        self.factors.iter().fold(T::one(), |product, &q| product * value_of(q))
    }
}

/// A peephole (Gers, Schraudolph & Schmidhuber 2002): a diagonal weight per unit that lets a
/// gate see the cell state, z += w ⊙ c. An option of the cells that have them.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Peephole {
    /// Its key in a weights file, after PyTorch's `weight_hr_l0`: `weight_ci_l0`.
    pub key: &'static str,
    /// How equations write it: `w_ci`.
    pub symbol: &'static str,
    /// The gate whose pre-activation it adds to.
    #[serde(serialize_with = "site_name")]
    pub site: Site,
    /// The state it reads: c_prev for the input and forget gates, the new c for the output gate.
    #[serde(serialize_with = "quantity_name")]
    pub reads: Quantity,
}

/// Everything the rest of Gate Lab knows about one cell design.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct CellSpec {
    /// The name in URLs, on the command line and in weights files: `lstm`.
    pub name: &'static str,
    /// The control's label.
    pub label: &'static str,
    /// The weight blocks in file row order.
    pub blocks: &'static [BlockInfo],
    /// The states carried from step to step, h first (the kernel multiplies it by W_hh).
    #[serde(serialize_with = "quantity_names")]
    pub states: &'static [Quantity],
    /// The activation sites, in the order the controls list them.
    #[serde(serialize_with = "site_names")]
    pub sites: &'static [Site],
    /// What `forward` writes besides the pre-activations, H values each, in this order.
    #[serde(serialize_with = "quantity_names")]
    pub values: &'static [Quantity],
    /// The sites whose slopes `forward` writes when asked, H values each, in this order.
    #[serde(skip)]
    pub slopes: &'static [Site],
    /// The step's equations after the gates', in the order they are computed.
    pub equations: &'static [Equation],
    /// The products inside those equations that the diagram labels.
    pub products: &'static [Product],
    /// The peepholes it can have (none for most designs), in file order; each is H numbers.
    pub peepholes: &'static [Peephole],
    /// Whether its step needs W_hh·h + b_hh apart from W_ih·x + b_ih (the GRU's reset gate
    /// multiplies the recurrent part of n alone); otherwise the kernel adds them as it goes.
    pub split_recurrent: bool,
    /// Whether its blocks see h_{t−1} through W_hh and b_hh. The minimal cells' gates see x
    /// only (Feng et al. 2024), so they have neither, and h_{t−1} reaches h_t directly.
    pub recurrent: bool,
    /// The timeline's rows, top to bottom: the gates in the order a step computes them, then the
    /// states.
    #[serde(serialize_with = "quantity_names")]
    pub rows: &'static [Quantity],
    /// The state that is the cell's memory, which the memory chart plots: c for the LSTM, h
    /// for the GRU.
    #[serde(serialize_with = "quantity_name")]
    pub memory: Quantity,
    /// Whether h_{t−1} reaches h_t other than through W_hh (the GRU's z ⊙ h_{t−1}), so its
    /// backward adds to `Backward::dh_prev`.
    pub direct_hidden: bool,
}

impl CellSpec {
    /// Its label with its article, for messages: "an LSTM", "a GRU".
    #[must_use]
    pub fn a_label(&self) -> String {
        // Initials read as a vowel sound take "an".
        let an = self.label.starts_with(['A', 'E', 'F', 'H', 'I', 'L', 'M', 'N', 'O', 'R', 'S', 'X', 's']);
        format!("{} {}", if an { "an" } else { "a" }, self.label)
    }

    /// Rows of the weight matrices: H per block.
    #[must_use]
    pub fn rows(&self, hidden: usize) -> usize {
        self.blocks.len() * hidden
    }

    /// Every traced quantity: the blocks' pre-activations, then the values `forward` writes.
    pub fn traced(&self) -> impl Iterator<Item = Quantity> + '_ {
        self.blocks.iter().map(|b| b.pre).chain(self.values.iter().copied())
    }

    /// Whether block `k` has weights that matter under `acts`: a gate set to "none" is the
    /// constant 1 and a coupled one is 1 − i, so its rows of W_ih, W_hh and both biases change
    /// nothing. A block whose function is fixed (not one of this design's sites), or whose
    /// pre-activation an equation reads besides its site (the sLSTM's m reads z_i and z_f), is
    /// live whatever its site's activation.
    #[must_use]
    pub fn block_live(&self, k: usize, acts: &Activations) -> bool {
        let BlockInfo { site, pre, .. } = self.blocks[k];
        !self.sites.contains(&site) || acts.get(site).uses_own_weights() || self.equations.iter().any(|e| e.operands.contains(&pre))
    }

    /// Whether this design's activation at `site` is the one in `acts` (not a fixed function).
    #[must_use]
    pub fn has_site(&self, site: Site) -> bool {
        self.sites.contains(&site)
    }

    /// The site of this design whose activation produces `q`, if one does (the sLSTM's i and f
    /// are computed by fixed functions, so none produces them).
    #[must_use]
    pub fn site_producing(&self, q: Quantity) -> Option<Site> {
        self.sites.iter().copied().find(|s| s.info().output == q)
    }

    /// How many peepholes count under `acts`: those of gates that use their own weights.
    #[must_use]
    pub fn live_peepholes(&self, acts: &Activations) -> usize {
        self.peepholes.iter().filter(|p| acts.get(p.site).uses_own_weights()).count()
    }

    /// How many weight blocks are live under `acts`.
    #[must_use]
    pub fn live_blocks(&self, acts: &Activations) -> usize {
        (0..self.blocks.len()).filter(|&k| self.block_live(k, acts)).count()
    }

    /// Trainable parameters per live block: H rows of W_ih (I columns) and b_ih, and of W_hh
    /// (H columns) and b_hh for a recurrent design: H(I + H + 2), or H(I + 1).
    #[must_use]
    pub fn parameters_per_block(&self, input_size: usize, hidden_size: usize) -> usize {
        let recurrent = if self.recurrent { hidden_size + 1 } else { 0 };
        hidden_size * (input_size + 1 + recurrent)
    }

    /// The per-block count as a formula in H and I: "H(I + H + 2)" or "H(I + 1)".
    #[must_use]
    pub fn block_formula(&self) -> &'static str {
        if self.recurrent {
            "H(I + H + 2)"
        } else {
            "H(I + 1)"
        }
    }

    /// The number of trainable parameters under `acts`, with or without the peepholes (H
    /// each, for the gates that use their own weights).
    #[must_use]
    pub fn parameter_count(&self, input_size: usize, hidden_size: usize, acts: &Activations, peepholes: bool) -> usize {
        let peepholes = if peepholes { self.live_peepholes(acts) * hidden_size } else { 0 };
        self.live_blocks(acts) * self.parameters_per_block(input_size, hidden_size) + peepholes
    }

    /// The slot of `q` among `values` (what `forward` writes), if it writes it.
    #[must_use]
    pub fn value_slot(&self, q: Quantity) -> Option<usize> {
        self.values.iter().position(|&v| v == q)
    }
}

/// The `k`-th block of `hs` values (a cell's values and slopes come in blocks of H).
pub(crate) fn block<T>(values: &[T], hs: usize, k: usize) -> &[T] {
    &values[k * hs..(k + 1) * hs]
}

/// The `k`-th block of `hs` slopes to write, if the recorder wants slopes (else `slopes` is empty).
pub(crate) fn slope_block<T>(slopes: &mut [T], hs: usize, k: usize) -> Option<&mut [T]> {
    (!slopes.is_empty()).then(|| &mut slopes[k * hs..(k + 1) * hs])
}

/// One sequence's step going forward: the cell reads `z` and the states, and writes `values`
/// (and `slopes`, when not empty) and the new states.
pub struct Forward<'a, T> {
    /// Pre-activations, one block of H per [`CellSpec::blocks`] entry: W_ih·x + b_ih + W_hh·h +
    /// b_hh, or only W_ih·x + b_ih for a cell that splits them. A cell may add to them before
    /// its gates read them (a peephole does, the GRU adds its recurrent part), and the trace
    /// records what the gates read.
    pub z: &'a mut [T],
    /// W_hh·h + b_hh, for a cell that splits it off ([`CellSpec::split_recurrent`]); else empty.
    pub recurrent: &'a [T],
    /// h_{t−1} in, h_t out (H).
    pub h: &'a mut [T],
    /// The other states ([`CellSpec::states`] after h), H each: in at t − 1, out at t.
    pub carried: &'a mut [T],
    /// [`CellSpec::values`], H each.
    pub values: &'a mut [T],
    /// [`CellSpec::slopes`], H each, or empty when the recorder wants none.
    pub slopes: &'a mut [T],
}

/// One sequence's step going backward.
pub struct Backward<'a, T> {
    /// What `forward` wrote at this step: [`CellSpec::values`] and [`CellSpec::slopes`].
    pub values: &'a [T],
    pub slopes: &'a [T],
    /// ∂L/∂h_t, all of it (through the read-out and through step t + 1).
    pub dh: &'a [T],
    /// ∂L/∂(each carried state at t) from step t + 1 in; ∂L/∂(its value at t − 1) out.
    pub dcarried: &'a mut [T],
    /// ∂L/∂z_t, out: of W_ih·x + b_ih, and (for a cell that does not split them) of the
    /// recurrent part too.
    pub dz: &'a mut [T],
    /// ∂L/∂(W_hh·h + b_hh), out, for a cell that splits it off; empty otherwise.
    pub dz_recurrent: &'a mut [T],
    /// ∂L/∂h_{t−1} along any path that does not go through W_hh (the GRU's z ⊙ h), added to.
    pub dh_prev: &'a mut [T],
    /// The gradient of the cell's own parameters (its peepholes), added to; empty when it has none.
    pub dparams: &'a mut [T],
}

/// One cell design's arithmetic for one sequence and one step, over all H units at once.
pub trait Cell<T: Float> {
    /// Its table entry.
    fn spec(&self) -> &'static CellSpec;

    /// One step forward. `fast` lets f32 sigmoid and tanh use the fast vectorised exp
    /// (training) rather than the exact one (the page, whose traced values are checked to the
    /// last bit).
    fn forward(&self, acts: &Activations, step: Forward<'_, T>, fast: bool);
}

/// A cell the trainer can train: the same step backward.
pub trait Trainable<T: Float>: Cell<T> {
    /// The same step backward. With TRACK, returns ‖∂L/∂c_t‖² (of the memory state) and
    /// ‖∂L/∂h_t‖²; (0, 0) otherwise.
    fn backward<const TRACK: bool>(&self, acts: &Activations, step: Backward<'_, T>) -> (f64, f64);
}

// serde's `serialize_with` hands fields by reference.
#[allow(clippy::trivially_copy_pass_by_ref)]
fn quantity_name<S: serde::Serializer>(q: &Quantity, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(q.name())
}

#[allow(clippy::trivially_copy_pass_by_ref)]
fn site_name<S: serde::Serializer>(site: &Site, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(site.name())
}

#[allow(clippy::ref_option)]
fn optional_pair<S: serde::Serializer>(parts: &Option<(Quantity, Quantity)>, s: S) -> Result<S::Ok, S::Error> {
    match parts {
        Some((a, b)) => s.collect_seq([a.name(), b.name()]),
        None => s.serialize_none(),
    }
}

fn quantity_names<S: serde::Serializer>(qs: &&[Quantity], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(qs.iter().map(|q| q.name()))
}

fn site_names<S: serde::Serializer>(sites: &&[Site], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(sites.iter().map(|site| site.name()))
}

/// Every cell design, the default first.
pub const CELLS: [&CellSpec; 5] = [&lstm::SPEC, &gru::SPEC, &slstm::SPEC, &minimal::MINGRU, &minimal::MINLSTM];

/// Which cell design a model runs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CellKind {
    #[default]
    Lstm,
    Gru,
    Slstm,
    MinGru,
    MinLstm,
}

/// A cell design serialises as its name.
impl Serialize for CellKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.spec().name)
    }
}

impl<'de> serde::Deserialize<'de> for CellKind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        CellKind::from_name(&name)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown cell {name:?}: expected {}", CellKind::names())))
    }
}

impl CellKind {
    /// This design's cell: the LSTM's with `peepholes` (w_ci, w_cf and w_co, H each) when
    /// given. The one place that maps a design to its step. Called through its vtable, one copy
    /// of the kernel serves every design (a call per step is nothing beside the step's
    /// product); the trainer instead keeps a copy per design, with the step inlined.
    #[must_use]
    pub fn cell<'a, T: Float + 'a>(self, peepholes: Option<&'a [T]>) -> Box<dyn Cell<T> + 'a> {
        match self {
            CellKind::Lstm => Box::new(LstmCell { peepholes }),
            CellKind::Gru => Box::new(GruCell),
            CellKind::Slstm => Box::new(SlstmCell),
            CellKind::MinGru => Box::new(MinGruCell),
            CellKind::MinLstm => Box::new(MinLstmCell),
        }
    }

    pub const ALL: [CellKind; 5] = [CellKind::Lstm, CellKind::Gru, CellKind::Slstm, CellKind::MinGru, CellKind::MinLstm];

    /// Its table entry.
    #[must_use]
    pub fn spec(self) -> &'static CellSpec {
        match self {
            CellKind::Lstm => &lstm::SPEC,
            CellKind::Gru => &gru::SPEC,
            CellKind::Slstm => &slstm::SPEC,
            CellKind::MinGru => &minimal::MINGRU,
            CellKind::MinLstm => &minimal::MINLSTM,
        }
    }

    /// The design named `name` (`lstm`, `gru`).
    #[must_use]
    pub fn from_name(name: &str) -> Option<CellKind> {
        CellKind::ALL.into_iter().find(|k| k.spec().name == name)
    }

    /// The names, for messages: `lstm or gru`.
    #[must_use]
    pub fn names() -> String {
        let names: Vec<&str> = CellKind::ALL.iter().map(|k| k.spec().name).collect();
        let (last, rest) = names.split_last().expect("there are cells");
        format!("{} or {last}", rest.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::activation::Activation;

    /// A design whose forget block also feeds a fixed function, as JANET's i = 1 − σ(z_f − 1)
    /// does: its weights still matter with the forget gate set to "none".
    const FEEDS_A_FIXED_FUNCTION: CellSpec = CellSpec {
        name: "janet-like",
        label: "JANET-like",
        blocks: &[
            BlockInfo { symbol: "f", site: Site::Forget, pre: Quantity::PreForget, parts: None },
            BlockInfo { symbol: "g", site: Site::Candidate, pre: Quantity::PreCandidate, parts: None },
        ],
        sites: &[Site::Forget, Site::Candidate],
        equations: &[Equation { result: Quantity::Input, text: "i = 1 − σ(z_f − 1)", operands: &[Quantity::PreForget] }],
        ..lstm::SPEC
    };

    #[test]
    fn a_removed_gate_drops_its_block_unless_an_equation_reads_its_pre_activation() {
        let acts = Activations { forget: Activation::Removed, candidate: Activation::Removed, ..Activations::default() };
        assert_eq!((lstm::SPEC.block_live(1, &acts), lstm::SPEC.block_live(2, &acts)), (false, false));
        assert_eq!((FEEDS_A_FIXED_FUNCTION.block_live(0, &acts), FEEDS_A_FIXED_FUNCTION.block_live(1, &acts)), (true, false));
        // The sLSTM's i and f are fixed functions: live whatever the (unused) sites say.
        assert_eq!(slstm::SPEC.live_blocks(&acts), 3);
    }
}
