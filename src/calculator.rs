//! The one-step calculator: one step of any design from numbers typed in, worked by the
//! design's own `forward` in f64, so the calculator and the trace cannot disagree about the
//! equations.
//!
//! What it asks for follows from the design's table entry: the states at t − 1 its step reads
//! (c_prev, norm_prev, m_prev; h_prev where h_{t−1} reaches h_t other than through W_hh), then
//! each block's pre-activation as its activation reads it, or, for a block whose pre-activation
//! the step assembles (the GRU's z_n = xn + r ⊙ hn), its two parts.

use crate::cell::Gates;
use crate::activation::{from_f64, to_f64};
use crate::cells::{block as block_of, CellKind, CellSpec, Forward};
use crate::numbers::parse_numbers;
use crate::quantity::Quantity;
use crate::site::Activations;
use num_traits::Float;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::fmt;

/// One field of the calculator.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Field {
    /// The quantity it holds, by its trace name: `c_prev`, `z_f`, `xn`.
    #[serde(serialize_with = "name")]
    pub quantity: Quantity,
    /// What it is, for its label: "forget gate pre-activation".
    pub meaning: String,
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde hands fields by reference
fn name<S: serde::Serializer>(q: &Quantity, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(q.name())
}

/// The value at t − 1 of each state, as a step's values name it.
fn previous(state: Quantity) -> Quantity {
    match state {
        Quantity::Hidden => Quantity::HiddenPrev,
        Quantity::Cell => Quantity::CellPrev,
        Quantity::Normalizer => Quantity::NormalizerPrev,
        Quantity::Stabilizer => Quantity::StabilizerPrev,
        other => unreachable!("{} is not a state", other.name()),
    }
}

/// The calculator's fields for `spec`. With `peepholes`, the gates' pre-activations include
/// their peephole terms, as the trace records them.
#[must_use]
pub fn fields(spec: &CellSpec, peepholes: bool) -> Vec<Field> {
    let mut out = Vec::new();
    for &state in spec.states {
        let read = state != Quantity::Hidden || spec.direct_hidden;
        if read {
            let what = match state {
                Quantity::Hidden => "previous hidden state",
                Quantity::Cell => "previous cell state",
                Quantity::Normalizer => "previous normaliser",
                _ => "previous stabiliser",
            };
            out.push(Field { quantity: previous(state), meaning: what.to_string() });
        }
    }
    for block in spec.blocks {
        let caption = block.site.info().caption;
        if let Some((input, recurrent)) = block.parts {
            // PyTorch's names for the block's weights: W_in and b_in, W_hn and b_hn.
            let (pre, k) = (block.pre.name(), block.symbol);
            out.push(Field { quantity: input, meaning: format!("W_i{k}·x + b_i{k}, the input part of {pre}") });
            out.push(Field { quantity: recurrent, meaning: format!("W_h{k}·h_prev + b_h{k}, the recurrent part of {pre}") });
        } else {
            let peephole = peepholes && spec.peepholes.iter().any(|p| p.site == block.site);
            let with = if peephole { ", with its peephole term" } else { "" };
            out.push(Field { quantity: block.pre, meaning: format!("{caption} pre-activation{with}") });
        }
    }
    out
}

/// The calculator's result, every value of the step by name (the spec's traced quantities and
/// its products), one number per unit each.
pub type Step = BTreeMap<&'static str, Vec<f64>>;

/// One step of `cell` under `acts` from `typed` text, one entry per field of [`fields`] by
/// quantity name, computed in `T` (the page uses f32, as its trace does, so that a step taken
/// from the trace is worked again to the last bit). Errors name the field at fault, or every
/// field's length when they differ.
pub fn calculate<T: Float>(cell: CellKind, acts: &Activations, typed: &BTreeMap<String, String>) -> Result<Step, String> {
    let spec = cell.spec();
    let fields = fields(spec, false);
    let mut values = HashMap::new();
    for field in &fields {
        let name = field.quantity.name();
        let text = typed.get(name).ok_or_else(|| format!("{name}: missing (this {} step reads it)", spec.label))?;
        let numbers = parse_numbers(name, text)?;
        if let Some(k) = numbers.iter().position(|&v| from_f64::<T>(v).is_infinite()) {
            return Err(format!("{name}: item {} is {:e}, beyond the largest number the step computes with ({:.1e})", k + 1, numbers[k], to_f64(T::max_value())));
        }
        values.insert(field.quantity, numbers);
    }
    let unknown: Vec<&str> = typed.keys().map(String::as_str).filter(|k| !fields.iter().any(|f| f.quantity.name() == *k)).collect();
    if !unknown.is_empty() {
        return Err(format!("{}: not read by {} step", unknown.join(", "), spec.a_label()));
    }
    let units = values.values().next().map_or(0, Vec::len);
    if units == 0 || values.values().any(|v| v.len() != units) {
        let lengths: Vec<String> = fields.iter().map(|f| format!("{} has {}", f.quantity.name(), values[&f.quantity].len())).collect();
        return Err(format!("the vectors must all have the same, non-zero length: {}", lengths.join(", ")));
    }
    Ok(step::<T>(cell, acts, &values, units))
}

/// The step itself in `T`, from parsed values of equal length `units`.
fn step<T: Float>(cell: CellKind, acts: &Activations, typed: &HashMap<Quantity, Vec<f64>>, units: usize) -> Step {
    let spec = cell.spec();
    let hs = units;
    let typed: HashMap<Quantity, Vec<T>> = typed.iter().map(|(&q, v)| (q, v.iter().map(|&x| from_f64(x)).collect())).collect();
    let zeros = vec![T::zero(); hs];
    let typed_or_zero = |q: Quantity| typed.get(&q).map_or(&zeros[..], Vec::as_slice);
    // Each block's pre-activation, or its input part with its recurrent part apart.
    let mut z = Vec::with_capacity(spec.rows(hs));
    let mut recurrent = Vec::new();
    for block in spec.blocks {
        let (input, rest) = block.parts.map_or((block.pre, None), |(input, rest)| (input, Some(rest)));
        z.extend_from_slice(typed_or_zero(input));
        if spec.split_recurrent {
            recurrent.extend_from_slice(rest.map_or(&zeros[..], typed_or_zero));
        }
    }
    let mut h = typed_or_zero(Quantity::HiddenPrev).to_vec();
    let mut carried: Vec<T> = spec.states[1..].iter().flat_map(|&s| typed_or_zero(previous(s)).iter().copied()).collect();
    let mut values = vec![T::zero(); spec.values.len() * hs];

    let step = Forward { z: &mut z, recurrent: &recurrent, h: &mut h, carried: &mut carried, values: &mut values, slopes: &mut [] };
    // Peepholes are in the typed pre-activations already.
    cell.cell::<T>(None).forward(acts, step, false);

    let mut out = Step::new();
    let wide = |values: &[T]| values.iter().map(|&v| to_f64(v)).collect::<Vec<f64>>();
    for (k, block) in spec.blocks.iter().enumerate() {
        out.insert(block.pre.name(), wide(block_of(&z, hs, k)));
    }
    for (k, &q) in spec.values.iter().enumerate() {
        out.insert(q.name(), wide(block_of(&values, hs, k)));
    }
    // Each product in T, as the trace's step detail computes it.
    for product in spec.products {
        let slot = |q: Quantity| spec.value_slot(q).expect("a product's factors are the step's values");
        let value: Vec<T> = (0..hs).map(|u| product.value(|q| values[slot(q) * hs + u])).collect();
        out.insert(product.name, wide(&value));
    }
    out
}

/// The one-step calculator's result: one entry per unit.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct CellStep {
    pub i: Vec<f64>,
    pub f: Vec<f64>,
    pub g: Vec<f64>,
    pub o: Vec<f64>,
    pub kept: Vec<f64>,
    pub written: Vec<f64>,
    pub c: Vec<f64>,
    pub cell_out: Vec<f64>,
    pub h: Vec<f64>,
}

impl CellStep {
    /// Every field with its name, in the order a step computes them.
    #[must_use]
    pub fn fields(&self) -> [(&'static str, &Vec<f64>); 9] {
        [
            ("f", &self.f),
            ("i", &self.i),
            ("g", &self.g),
            ("o", &self.o),
            ("kept", &self.kept),
            ("written", &self.written),
            ("c", &self.c),
            ("cell_out", &self.cell_out),
            ("h", &self.h),
        ]
    }

    /// The LSTM's fields of a [`Step`].
    fn from_step(mut s: Step) -> Self {
        let mut take = |name: &str| s.remove(name).expect("an LSTM step has every field");
        CellStep {
            i: take("i"),
            f: take("f"),
            g: take("g"),
            o: take("o"),
            kept: take("kept"),
            written: take("written"),
            c: take("c"),
            cell_out: take("cell_out"),
            h: take("h"),
        }
    }
}

/// The calculator's vectors disagree in length (or are empty).
#[derive(Clone, Debug, PartialEq)]
pub struct LengthMismatch {
    pub lengths: [(&'static str, usize); 5],
}

impl fmt::Display for LengthMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.lengths.iter().map(|(n, l)| format!("{n} has {l}")).collect();
        write!(f, "the vectors must all have the same, non-zero length: {}", parts.join(", "))
    }
}

impl std::error::Error for LengthMismatch {}

/// One LSTM step from numbers typed in directly: c_prev and the four pre-activation vectors
/// (any common length), under `acts`. For checking a worked example line by line (the CLI's
/// `gatelab cell`).
pub fn one_step(acts: &Activations, c_prev: &[f64], z: Gates<&[f64]>) -> Result<CellStep, LengthMismatch> {
    let lengths = [("c_prev", c_prev.len()), ("f", z.f.len()), ("i", z.i.len()), ("g", z.g.len()), ("o", z.o.len())];
    let n = c_prev.len();
    if n == 0 || lengths.iter().any(|(_, l)| *l != n) {
        return Err(LengthMismatch { lengths });
    }
    let typed = HashMap::from([
        (Quantity::CellPrev, c_prev.to_vec()),
        (Quantity::PreInput, z.i.to_vec()),
        (Quantity::PreForget, z.f.to_vec()),
        (Quantity::PreCandidate, z.g.to_vec()),
        (Quantity::PreOutput, z.o.to_vec()),
    ]);
    Ok(CellStep::from_step(step::<f64>(CellKind::Lstm, acts, &typed, n)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cells::{gru, lstm, minimal, slstm};

    fn names(spec: &CellSpec) -> Vec<&'static str> {
        fields(spec, false).iter().map(|f| f.quantity.name()).collect()
    }

    #[test]
    fn each_design_asks_for_what_its_step_reads() {
        assert_eq!(names(&lstm::SPEC), ["c_prev", "z_i", "z_f", "z_g", "z_o"]);
        assert_eq!(names(&gru::SPEC), ["h_prev", "z_r", "z_z", "xn", "hn"]);
        assert_eq!(names(&slstm::SPEC), ["c_prev", "norm_prev", "m_prev", "z_i", "z_f", "z_g", "z_o"]);
        assert_eq!(names(&minimal::MINGRU), ["h_prev", "z_z", "z_h"]);
        assert_eq!(names(&minimal::MINLSTM), ["h_prev", "z_i", "z_f", "z_h"]);
        let with = fields(&lstm::SPEC, true);
        assert!(with[1].meaning.ends_with("with its peephole term") && !with[3].meaning.contains("peephole"));
    }

    fn typed(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_string(), (*v).to_string())).collect()
    }

    /// A GRU unit worked by hand from PyTorch's definitions:
    /// r = σ(0) = 0.5, z = σ(ln 3) = 0.75, z_n = xn + r·hn = 0.2 + 0.5 × 0.6 = 0.5,
    /// n = tanh(0.5) = 0.46211716, h = (1 − z)·n + z·h_prev = 0.25 × 0.46211716 + 0.75 × (−0.4)
    /// = −0.18447071.
    #[test]
    fn a_gru_step_worked_by_hand() {
        let fields = typed(&[("h_prev", "-0.4"), ("z_r", "0"), ("z_z", &3f64.ln().to_string()), ("xn", "0.2"), ("hn", "0.6")]);
        let s = calculate::<f64>(CellKind::Gru, &Activations::default(), &fields).unwrap();
        for (q, want) in [("r", 0.5), ("z", 0.75), ("z_n", 0.5), ("n", 0.462_117_16), ("reset_recurrent", 0.3), ("h", -0.184_470_71)] {
            assert!((s[q][0] - want).abs() < 1e-8, "{q} = {} against {want}", s[q][0]);
        }
    }

    /// An sLSTM unit by hand: z_i = 1, z_f = 0 from m_prev = 0, c_prev = 2, norm_prev = 1:
    /// log σ(0) + 0 = −0.69314718 < 1, so m = 1, i = e⁰ = 1, f = e^{−0.69314718 − 1} = 0.18393972;
    /// g = tanh(0) = 0, o = σ(0) = 0.5; c = 0.18393972 × 2 = 0.36787944,
    /// norm = 0.18393972 + 1 = 1.18393972, h = 0.5 × 0.36787944 / 1.18393972 = 0.15536240.
    #[test]
    fn an_slstm_step_worked_by_hand() {
        let fields = typed(&[("c_prev", "2"), ("norm_prev", "1"), ("m_prev", "0"), ("z_i", "1"), ("z_f", "0"), ("z_g", "0"), ("z_o", "0")]);
        let s = calculate::<f64>(CellKind::Slstm, &Activations::default(), &fields).unwrap();
        for (q, want) in [("m", 1.0), ("i", 1.0), ("f", 0.183_939_72), ("c", 0.367_879_44), ("norm", 1.183_939_72), ("h", 0.155_362_40)] {
            assert!((s[q][0] - want).abs() < 1e-8, "{q} = {} against {want}", s[q][0]);
        }
    }

    #[test]
    fn every_design_steps_from_zeros_in_f32_and_f64() {
        for kind in CellKind::ALL {
            let spec = kind.spec();
            let typed: BTreeMap<String, String> = fields(spec, false).iter().map(|f| (f.quantity.name().to_string(), "0, 0.5".to_string())).collect();
            let narrow = calculate::<f32>(kind, &Activations::default(), &typed).unwrap();
            let wide = calculate::<f64>(kind, &Activations::default(), &typed).unwrap();
            assert!(narrow.contains_key("h") && spec.products.iter().all(|p| narrow.contains_key(p.name)), "{}", spec.name);
            for (name, values) in &wide {
                let close = values.iter().zip(&narrow[name]).all(|(a, b)| (a - b).abs() <= 1e-6 * a.abs().max(1.0));
                assert!(close, "{} {name}: {values:?} in f64, {:?} in f32", spec.name, narrow[name]);
            }
        }
        let typed: BTreeMap<String, String> = fields(&lstm::SPEC, false).iter().map(|f| (f.quantity.name().to_string(), "1e39".to_string())).collect();
        let err = calculate::<f32>(CellKind::Lstm, &Activations::default(), &typed).unwrap_err();
        assert_eq!(err, "c_prev: item 1 is 1e39, beyond the largest number the step computes with (3.4e38)");
    }

    #[test]
    fn bad_fields_are_named() {
        let acts = Activations::default();
        let mut fields = typed(&[("h_prev", "0, 1"), ("z_z", "1, 2"), ("z_h", "1, x")]);
        assert_eq!(calculate::<f64>(CellKind::MinGru, &acts, &fields).unwrap_err(), "z_h: item 2 is \"x\", not a number");
        fields.insert("z_h".into(), "1".into());
        assert_eq!(
            calculate::<f64>(CellKind::MinGru, &acts, &fields).unwrap_err(),
            "the vectors must all have the same, non-zero length: h_prev has 2, z_z has 2, z_h has 1"
        );
        fields.insert("c_prev".into(), "1".into());
        assert_eq!(calculate::<f64>(CellKind::MinGru, &acts, &fields).unwrap_err(), "c_prev: not read by a minGRU step");
        fields.remove("h_prev");
        assert!(calculate::<f64>(CellKind::MinGru, &acts, &fields).unwrap_err().starts_with("h_prev: missing"));
    }
}
