//! One unit of the cell for one step, the arithmetic every other module reuses:
//! ```text
//! i = act_input(z.i)   f = act_forget(z.f)   g = act_candidate(z.g)   o = act_output(z.o)
//! c = f·c_prev + i·g        h = o·act_cell_output(c)
//! ```
//! Values that travel in fours travel as [`Gates`], named, so a swap of two cannot compile into
//! wrong numbers.

use crate::activation::Activation;
use crate::site::{Activations, Gate};
use num_traits::Float;

/// One value per gate block: pre-activations, gate values or their slopes.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Gates<T> {
    pub i: T,
    pub f: T,
    pub g: T,
    pub o: T,
}

impl<T: Copy> Gates<T> {
    /// The value of one PyTorch block.
    #[must_use]
    pub fn get(&self, gate: Gate) -> T {
        match gate {
            Gate::Input => self.i,
            Gate::Forget => self.f,
            Gate::Candidate => self.g,
            Gate::Output => self.o,
        }
    }

    /// Unit `u`'s four values from a 4H vector in PyTorch's block order (i, f, g, o).
    #[must_use]
    pub fn from_blocks(blocks: &[T], hidden: usize, u: usize) -> Self {
        Gates { i: blocks[u], f: blocks[hidden + u], g: blocks[2 * hidden + u], o: blocks[3 * hidden + u] }
    }

    /// Applies `f` to each of the four.
    pub fn map<U>(self, mut f: impl FnMut(Gate, T) -> U) -> Gates<U> {
        Gates {
            i: f(Gate::Input, self.i),
            f: f(Gate::Forget, self.f),
            g: f(Gate::Candidate, self.g),
            o: f(Gate::Output, self.o),
        }
    }
}

/// Everything one unit computes in one step.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CellValues<T> {
    /// The gate values i, f, o and the candidate g, after their activations.
    pub gates: Gates<T>,
    /// f·c_prev: what survives of the memory.
    pub kept: T,
    /// i·g: what is written.
    pub written: T,
    pub c: T,
    /// act_cell_output(c).
    pub cell_out: T,
    pub h: T,
}

impl<T: Float> CellValues<T> {
    /// One unit's step from its previous cell state and its four pre-activations.
    #[must_use]
    pub fn compute(acts: &Activations, c_prev: T, z: Gates<T>) -> Self {
        let mut gates = z.map(|gate, x| gate.activation(acts).apply(x));
        if acts.forget == Activation::Coupled {
            // The coupled forget gate follows the input gate: f = 1 − i.
            gates.f = Activation::Coupled.apply(gates.i);
        }
        Self::combine(c_prev, gates, |c| (acts.cell_output.apply(c), T::zero())).0
    }

    /// The rest of the step once the gates are activated: c = f·c_prev + i·g and
    /// h = o·act(c), with `cell_output` giving act(c) and its slope.
    #[inline]
    pub fn combine(c_prev: T, gates: Gates<T>, cell_output: impl Fn(T) -> (T, T)) -> (Self, T) {
        let kept = gates.f * c_prev;
        let written = gates.i * gates.g;
        let c = kept + written;
        let (cell_out, cell_slope) = cell_output(c);
        (CellValues { gates, kept, written, c, cell_out, h: gates.o * cell_out }, cell_slope)
    }
}
