//! How a trained cell's weights start: PyTorch's uniform draw (the default), or the scheme
//! Keras uses for its LSTM and GRU layers. A study can compare the two as variants.

use serde::{Deserialize, Serialize};

use crate::cells::CellKind;
use crate::recurrent::Weights;
use crate::rng::Rng;

/// A starting scheme for the cell's weights (the read-out is drawn by PyTorch's rule either way).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Init {
    /// `nn.LSTM`'s: every weight and bias uniform(−1/√H, 1/√H).
    #[default]
    Pytorch,
    /// Keras's `glorot_uniform` kernel and `orthogonal` recurrent kernel, with zero biases.
    /// (Keras also starts the forget bias at 1; a variant's forget bias does that.)
    Keras,
}

impl Init {
    /// The cell's weights (no peepholes), drawn from `rng` in f64.
    #[must_use]
    pub fn weights(self, cell: CellKind, input_size: usize, hidden_size: usize, rng: &mut Rng) -> Weights<f64> {
        match self {
            Init::Pytorch => Weights::pytorch_init_for(cell, input_size, hidden_size, rng),
            Init::Keras => keras_weights(cell, input_size, hidden_size, rng),
        }
    }
}

/// Keras's defaults in PyTorch's layout. Keras's kernel is (I, rows) and Glorot's bound is
/// √(6 / (fan_in + fan_out)) = √(6 / (I + rows)). Its recurrent kernel is (H, rows) with
/// orthonormal rows (`Orthogonal` takes the QR of a normal (rows, H) matrix and transposes it);
/// PyTorch's W_hh is its transpose, so W_hh's H columns are orthonormal: W_hhᵀ W_hh = I.
fn keras_weights(cell: CellKind, input_size: usize, hidden_size: usize, rng: &mut Rng) -> Weights<f64> {
    let mut w = Weights::zeros_for(cell, input_size, hidden_size);
    let rows = cell.spec().rows(hidden_size);
    #[allow(clippy::cast_precision_loss)] // sizes are far below 2^52
    let bound = (6.0 / (input_size + rows).max(1) as f64).sqrt();
    for v in &mut w.weight_ih {
        *v = rng.uniform(-bound, bound);
    }
    if !w.weight_hh.is_empty() {
        for v in &mut w.weight_hh {
            *v = standard_normal(rng);
        }
        orthonormalise_columns(&mut w.weight_hh, hidden_size);
    }
    w
}

/// A standard normal draw (Box–Muller, with libm's log and cos so that WebAssembly and native
/// builds give the same bits).
fn standard_normal(rng: &mut Rng) -> f64 {
    // 1 − u is in (0, 1], so the log is finite.
    let u = 1.0 - rng.next_f64();
    let v = rng.next_f64();
    (-2.0 * libm::log(u)).sqrt() * libm::cos(std::f64::consts::TAU * v)
}

/// Gram–Schmidt on the columns of a row-major matrix with `cols` columns, twice over (the
/// second pass removes what rounding left of the earlier columns). Each column keeps its
/// direction's sign, as Keras's sign correction of the QR does. A column that vanishes (with
/// probability 0 for normal draws) starts again from a unit vector the others do not span.
fn orthonormalise_columns(m: &mut [f64], cols: usize) {
    let rows = m.len() / cols;
    let dot = |m: &[f64], a: usize, b: usize| (0..rows).map(|r| m[r * cols + a] * m[r * cols + b]).sum::<f64>();
    for c in 0..cols {
        loop {
            for _ in 0..2 {
                for p in 0..c {
                    let along = dot(m, c, p);
                    for r in 0..rows {
                        m[r * cols + c] -= along * m[r * cols + p];
                    }
                }
            }
            let norm = dot(m, c, c).sqrt();
            if norm > 1e-12 {
                for r in 0..rows {
                    m[r * cols + c] /= norm;
                }
                break;
            }
            // The c earlier columns' squares sum to c < rows, so some row holds less than 1 of
            // them: that row's basis vector lies outside their span.
            let free = (0..rows).min_by(|&a, &b| {
                let weight = |r: usize| (0..c).map(|p| m[r * cols + p].powi(2)).sum::<f64>();
                weight(a).total_cmp(&weight(b))
            });
            for r in 0..rows {
                m[r * cols + c] = if Some(r) == free { 1.0 } else { 0.0 };
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::float_cmp)] // zeros and unit vectors are exact
mod tests {
    use super::*;

    #[test]
    fn keras_weights_are_glorot_and_orthogonal_with_zero_biases() {
        for cell in CellKind::ALL {
            let (input, hidden) = (5, 6);
            let w = Init::Keras.weights(cell, input, hidden, &mut Rng::new(7));
            let rows = cell.spec().rows(hidden);
            // Glorot's bound for a (5, rows) kernel: √(6 / (5 + rows)); e.g. the LSTM's
            // rows = 24, so √(6/29) ≈ 0.4549.
            let bound = (6.0 / (input + rows) as f64).sqrt();
            assert!(w.weight_ih.iter().all(|v| v.abs() <= bound), "{cell:?}");
            // Not a constant: the draw fills the range.
            assert!(w.weight_ih.iter().any(|v| v.abs() > bound / 2.0), "{cell:?}");
            assert!(w.bias_ih.iter().chain(&w.bias_hh).all(|&v| v == 0.0), "{cell:?}");
            if w.weight_hh.is_empty() {
                continue;
            }
            // W_hhᵀ W_hh = I (H × H), to rounding.
            for a in 0..hidden {
                for b in 0..hidden {
                    let dot: f64 = (0..rows).map(|r| w.weight_hh[r * hidden + a] * w.weight_hh[r * hidden + b]).sum();
                    let expected = if a == b { 1.0 } else { 0.0 };
                    assert!((dot - expected).abs() < 1e-12, "{cell:?} columns {a}, {b}: {dot}");
                }
            }
        }
    }

    #[test]
    fn keras_weights_follow_the_seed_only() {
        let draw = |seed| Init::Keras.weights(CellKind::Gru, 3, 4, &mut Rng::new(seed));
        assert_eq!(draw(3), draw(3));
        assert_ne!(draw(3).weight_hh, draw(4).weight_hh);
    }

    #[test]
    fn normal_draws_have_the_standard_moments() {
        let mut rng = Rng::new(11);
        let n = 20_000;
        let draws: Vec<f64> = (0..n).map(|_| standard_normal(&mut rng)).collect();
        let mean = draws.iter().sum::<f64>() / f64::from(n);
        let var = draws.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / f64::from(n);
        // The standard errors at n = 20,000: 0.007 for the mean, 0.01 for the variance.
        assert!(mean.abs() < 0.03 && (var - 1.0).abs() < 0.05, "{mean} {var}");
    }

    #[test]
    fn a_vanished_column_is_replaced_by_an_orthogonal_unit_vector() {
        // The second column is a multiple of the first.
        let mut m = vec![1.0, 2.0, 0.0, 0.0, 0.0, 0.0];
        orthonormalise_columns(&mut m, 2);
        let col = |c: usize| [m[c], m[2 + c], m[4 + c]];
        let (a, b) = (col(0), col(1));
        assert_eq!(a, [1.0, 0.0, 0.0]);
        assert!((b.iter().map(|x| x * x).sum::<f64>() - 1.0).abs() < 1e-12);
        assert!(a.iter().zip(&b).map(|(x, y)| x * y).sum::<f64>().abs() < 1e-12);
    }
}
