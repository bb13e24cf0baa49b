//! Everything a run computes, per timestep and unit, in flat timestep-major buffers.
//!
//! Each quantity is one `Vec` of `steps × hidden` values; the value of unit `u` at step `t`
//! is at `t * hidden + u`. The buffers are kept between runs, so re-running after an activation
//! swap allocates nothing new.

use crate::kernel::{Recorder, StepBlock};
use crate::cells::CellSpec;
use crate::quantity::Quantity;
use crate::vocab::Symbol;
use num_traits::Float;

/// The per-timestep record of one run.
#[derive(Clone, Debug, Default)]
pub struct Trace<T> {
    /// The cell design that made it: which quantities it holds.
    spec: Option<&'static CellSpec>,
    steps: usize,
    hidden: usize,
    symbols: Vec<Symbol>,
    buffers: [Vec<T>; Quantity::COUNT],
    nonfinite: [usize; Quantity::COUNT],
    /// Smallest and largest finite value of each buffer, found in the same pass as `nonfinite`.
    ranges: [Option<(f64, f64)>; Quantity::COUNT],
    /// How many steps `nonfinite` and `ranges` cover: a run that grows counts only its new steps.
    counted: usize,
}

/// How many of `values` are NaN or infinite, and the smallest and largest of the others (∞ and
/// −∞ when there are none). It runs over every traced value after each change, so the common
/// case, all finite, is one loop of eight independent lanes that vectorises: min, max, and a
/// sum of v·0, which stays 0 unless some v is NaN or infinite.
fn finite_range<T: Float>(values: &[T]) -> (usize, (T, T)) {
    const LANES: usize = 8;
    let (mut lo, mut hi, mut poison) = ([T::infinity(); LANES], [T::neg_infinity(); LANES], [T::zero(); LANES]);
    let chunks = values.chunks_exact(LANES);
    let rest = chunks.remainder();
    for chunk in chunks {
        for k in 0..LANES {
            lo[k] = smaller(lo[k], chunk[k]);
            hi[k] = larger(hi[k], chunk[k]);
            poison[k] = poison[k] + chunk[k] * T::zero();
        }
    }
    let clean = poison.iter().all(|p| *p == T::zero()) && rest.iter().all(|v| v.is_finite());
    if !clean {
        // Rare (an activation that overflowed): count and range the finite ones one by one.
        let finite = || values.iter().copied().filter(|v| v.is_finite());
        let low = finite().fold(T::infinity(), T::min);
        let high = finite().fold(T::neg_infinity(), T::max);
        return (values.len() - finite().count(), (low, high));
    }
    let low = lo.iter().chain(rest).fold(T::infinity(), |a, &b| smaller(a, b));
    let high = hi.iter().chain(rest).fold(T::neg_infinity(), |a, &b| larger(a, b));
    (0, (low, high))
}

/// The smaller of two numbers, whichever way is fastest where it runs (the two ways differ only
/// for NaN, and [`finite_range`] ranges a buffer holding one again, one value at a time): x86's
/// min instruction, where a select compiles badly; a select in WebAssembly, where `min` must
/// treat NaN specially and is a call per value.
#[inline(always)]
fn smaller<T: Float>(a: T, b: T) -> T {
    if cfg!(target_arch = "wasm32") {
        if b < a {
            b
        } else {
            a
        }
    } else {
        a.min(b)
    }
}

/// The larger of two numbers, as [`smaller`].
#[inline(always)]
fn larger<T: Float>(a: T, b: T) -> T {
    if cfg!(target_arch = "wasm32") {
        if b > a {
            b
        } else {
            a
        }
    } else {
        a.max(b)
    }
}

/// The page's trace keeps every value of every step (and no slopes).
impl<T: Float> Recorder<T> for Trace<T> {
    const SLOPES: bool = false;

    fn step(&mut self, t: usize, _: usize, block: &StepBlock<T>) {
        let h = self.hidden;
        let parts = block.z.chunks_exact(h).chain(block.values.chunks_exact(h));
        for (q, part) in block.spec.traced().zip(parts) {
            self.buffers[q.index()][t * h..(t + 1) * h].copy_from_slice(part);
        }
    }
}

impl<T: Float> Trace<T> {
    #[must_use]
    pub fn new() -> Self {
        Trace {
            spec: None,
            steps: 0,
            hidden: 0,
            symbols: Vec::new(),
            buffers: Default::default(),
            nonfinite: [0; Quantity::COUNT],
            ranges: [None; Quantity::COUNT],
            counted: 0,
        }
    }

    /// Sizes the buffers for a new run, keeping their allocations.
    pub(crate) fn reset(&mut self, spec: &'static CellSpec, symbols: &[Symbol], hidden: usize) {
        self.spec = Some(spec);
        self.steps = symbols.len();
        self.hidden = hidden;
        self.symbols.clear();
        self.symbols.extend_from_slice(symbols);
        let len = self.steps * hidden;
        for buffer in &mut self.buffers {
            buffer.clear();
        }
        for q in spec.traced() {
            self.buffers[q.index()].resize(len, T::zero());
        }
        self.nonfinite = [0; Quantity::COUNT];
        self.ranges = [None; Quantity::COUNT];
        self.counted = 0;
    }

    /// Keeps only the first `steps` steps (their values, symbols and counts).
    pub(crate) fn truncate(&mut self, steps: usize) {
        if steps >= self.steps {
            return;
        }
        self.steps = steps;
        self.symbols.truncate(steps);
        for buffer in &mut self.buffers {
            buffer.truncate(steps * self.hidden);
        }
        // The counts covered steps that are gone: count the kept ones again.
        self.nonfinite = [0; Quantity::COUNT];
        self.ranges = [None; Quantity::COUNT];
        self.counted = 0;
        self.count_nonfinite();
    }

    /// Sizes the buffers for `symbols`, which start with the symbols already traced: their
    /// values are kept and the new steps' slots added.
    pub(crate) fn grow(&mut self, symbols: &[Symbol], hidden: usize) {
        debug_assert_eq!(self.hidden, hidden);
        debug_assert!(symbols.starts_with(&self.symbols));
        self.steps = symbols.len();
        self.symbols.extend_from_slice(&symbols[self.symbols.len()..]);
        for q in self.quantities() {
            self.buffers[q.index()].resize(self.steps * hidden, T::zero());
        }
    }

    /// Counts NaN and infinite values and finds each buffer's finite range, in one pass over
    /// the steps not counted yet (so a run that grows pays only for its new steps).
    pub(crate) fn count_nonfinite(&mut self) {
        let from = self.counted.min(self.steps) * self.hidden;
        self.counted = self.steps;
        for ((count, range), buffer) in self.nonfinite.iter_mut().zip(&mut self.ranges).zip(&self.buffers) {
            let (mut lo, mut hi) = (T::infinity(), T::neg_infinity());
            if let Some((l, h)) = *range {
                lo = T::from(l).unwrap_or(lo);
                hi = T::from(h).unwrap_or(hi);
            }
            // A quantity this cell does not trace has an empty buffer.
            let (bad, (l, h)) = finite_range(buffer.get(from..).unwrap_or(&[]));
            *count += bad;
            (lo, hi) = (smaller(lo, l), larger(hi, h));
            *range = (lo <= hi).then(|| (lo.to_f64().unwrap_or(f64::NAN), hi.to_f64().unwrap_or(f64::NAN)));
        }
    }

    /// The quantities it holds, in the order its cell design lists them (none before a run).
    #[must_use]
    pub fn quantities(&self) -> Vec<Quantity> {
        self.spec.map(|s| s.traced().collect()).unwrap_or_default()
    }

    /// The cell design that made it (None before a run).
    #[must_use]
    pub fn spec(&self) -> Option<&'static CellSpec> {
        self.spec
    }

    #[must_use]
    pub fn steps(&self) -> usize {
        self.steps
    }

    #[must_use]
    pub fn hidden(&self) -> usize {
        self.hidden
    }

    /// The input symbol of every step (`None` for "other").
    #[must_use]
    pub fn symbols(&self) -> &[Symbol] {
        &self.symbols
    }

    /// The whole buffer of one quantity, timestep-major.
    #[must_use]
    pub fn values(&self, q: Quantity) -> &[T] {
        &self.buffers[q.index()]
    }

    /// One quantity at one step: `hidden` values.
    #[must_use]
    pub fn at(&self, q: Quantity, t: usize) -> &[T] {
        &self.values(q)[t * self.hidden..(t + 1) * self.hidden]
    }

    /// One unit of one quantity across all steps.
    pub fn unit_series(&self, q: Quantity, unit: usize) -> impl Iterator<Item = T> + '_ {
        self.values(q).iter().skip(unit).step_by(self.hidden.max(1)).copied()
    }

    /// How many values of a quantity are NaN or infinite.
    #[must_use]
    pub fn nonfinite(&self, q: Quantity) -> usize {
        self.nonfinite[q.index()]
    }

    /// NaN and infinite values over every quantity.
    #[must_use]
    pub fn nonfinite_total(&self) -> usize {
        self.nonfinite.iter().sum()
    }

    /// The share of a gate's finite values below `low` and above `high` (for the saturation
    /// view). Returns (0, 0) for an empty trace.
    pub fn saturation(&self, q: Quantity, low: f64, high: f64) -> (f64, f64) {
        let values = self.values(q);
        if values.is_empty() {
            return (0.0, 0.0);
        }
        let (mut below, mut above) = (0usize, 0usize);
        // Compared in T: a conversion per value would cost more than the count itself.
        let (low, high) = (T::from(low).unwrap_or_else(T::nan), T::from(high).unwrap_or_else(T::nan));
        for &v in values {
            if v < low {
                below += 1;
            } else if v > high {
                above += 1;
            }
        }
        let n = values.len() as f64;
        (below as f64 / n, above as f64 / n)
    }

    /// The smallest and largest finite value of a quantity, or None if it has none.
    #[must_use]
    pub fn finite_range(&self, q: Quantity) -> Option<(f64, f64)> {
        self.ranges[q.index()]
    }
}
