//! Adam (Kingma & Ba 2015, in PyTorch's form) with global gradient-norm clipping and a mask of
//! parameters that must not move (the weights of a removed gate). Parameters and gradients may
//! be f32 or f64; the moment estimates are kept in f64 (the update is O(parameters) per step,
//! a small share of a training step either way).

use num_traits::Float;

fn to_f64<T: Float>(v: T) -> f64 {
    v.to_f64().unwrap_or(f64::NAN)
}

/// The optimiser's settings and moment estimates for one parameter vector.
#[derive(Clone, Debug)]
pub struct Adam {
    pub learning_rate: f64,
    pub beta1: f64,
    pub beta2: f64,
    pub epsilon: f64,
    /// Before each update the gradient is scaled down so its L2 norm (over the trainable
    /// parameters) is at most this, as `torch.nn.utils.clip_grad_norm_` does. None: no clipping.
    pub max_grad_norm: Option<f64>,
    /// false: that parameter is frozen (neither counted in the norm nor updated).
    mask: Option<Vec<bool>>,
    m: Vec<f64>,
    v: Vec<f64>,
    steps: u64,
    /// β1^t and β2^t, kept as running products rather than `powi` so every platform computes
    /// the same bits.
    beta1_power: f64,
    beta2_power: f64,
}

/// What one update did.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Update {
    /// The gradient's L2 norm before clipping (over trainable parameters).
    pub grad_norm: f64,
    /// Whether the gradient was scaled down.
    pub clipped: bool,
    /// False when the gradient was not finite: then nothing changed.
    pub applied: bool,
}

impl Adam {
    /// β1 = 0.9, β2 = 0.999, ε = 1e-8 (PyTorch's defaults), clipping at norm 1.
    #[must_use]
    pub fn new(len: usize, learning_rate: f64) -> Self {
        Adam {
            learning_rate,
            beta1: 0.9,
            beta2: 0.999,
            epsilon: 1e-8,
            max_grad_norm: Some(1.0),
            mask: None,
            m: vec![0.0; len],
            v: vec![0.0; len],
            steps: 0,
            beta1_power: 1.0,
            beta2_power: 1.0,
        }
    }

    /// Freezes every parameter whose mask entry is false.
    #[must_use]
    pub fn with_mask(mut self, mask: Vec<bool>) -> Self {
        assert_eq!(mask.len(), self.m.len(), "mask of the wrong length");
        self.mask = Some(mask);
        self
    }

    #[must_use]
    pub fn with_max_grad_norm(mut self, max: Option<f64>) -> Self {
        self.max_grad_norm = max;
        self
    }

    /// Updates taken so far.
    #[must_use]
    pub fn steps(&self) -> u64 {
        self.steps
    }

    fn trainable(&self, k: usize) -> bool {
        self.mask.as_ref().is_none_or(|m| m[k])
    }

    /// The L2 norm of `grads` over the trainable parameters.
    #[must_use]
    pub fn grad_norm<T: Float>(&self, grads: &[T]) -> f64 {
        let mut sum = 0.0;
        for (k, &g) in grads.iter().enumerate() {
            if self.trainable(k) {
                sum += to_f64(g) * to_f64(g);
            }
        }
        sum.sqrt()
    }

    /// One update of `params` from `grads` (clipped in place first). If the gradient's norm is
    /// not finite nothing changes, and the returned `applied` is false: the caller decides that
    /// training has diverged.
    pub fn step<T: Float>(&mut self, params: &mut [T], grads: &mut [T]) -> Update {
        assert_eq!(params.len(), self.m.len(), "parameter vector of the wrong length");
        assert_eq!(grads.len(), self.m.len(), "gradient vector of the wrong length");
        let grad_norm = self.grad_norm(grads);
        if !grad_norm.is_finite() {
            return Update { grad_norm, clipped: false, applied: false };
        }
        let clipped = self.max_grad_norm.is_some_and(|max| grad_norm > max);
        if let (true, Some(max)) = (clipped, self.max_grad_norm) {
            let scale = T::from(max / grad_norm).unwrap_or_else(T::one);
            for g in grads.iter_mut() {
                *g = *g * scale;
            }
        }
        self.steps += 1;
        self.beta1_power *= self.beta1;
        self.beta2_power *= self.beta2;
        // PyTorch's arrangement: θ −= (lr / (1 − β1^t)) · m / (√v / √(1 − β2^t) + ε).
        let step_size = self.learning_rate / (1.0 - self.beta1_power);
        let correction2 = (1.0 - self.beta2_power).sqrt();
        let (b1, b2, eps) = (self.beta1, self.beta2, self.epsilon);
        let mask = self.mask.as_deref();
        for (k, ((p, g), (m, v))) in
            params.iter_mut().zip(grads.iter()).zip(self.m.iter_mut().zip(&mut self.v)).enumerate()
        {
            if mask.is_some_and(|mask| !mask[k]) {
                continue;
            }
            let g = to_f64(*g);
            *m = b1 * *m + (1.0 - b1) * g;
            *v = b2 * *v + (1.0 - b2) * g * g;
            let moved = to_f64(*p) - step_size * *m / (v.sqrt() / correction2 + eps);
            *p = T::from(moved).unwrap_or_else(T::nan);
        }
        Update { grad_norm, clipped, applied: true }
    }
}

#[cfg(test)]
#[allow(clippy::float_cmp)] // tests compare exactly on purpose
mod tests {
    use super::*;

    /// f(θ) = ½ Σ a_k (θ_k − t_k)²: the first Adam step moves every coordinate toward its target
    /// by lr (m̂ = g and √v̂ = |g|, so the step is lr·g/(|g| + ε)), whatever the curvature.
    #[test]
    fn first_step_moves_each_coordinate_by_the_learning_rate() {
        let target = [1.0, -2.0, 0.5, 3.0];
        let curvature = [1.0, 10.0, 0.1, 100.0];
        let mut theta = vec![0.0; 4];
        let mut adam = Adam::new(4, 0.01).with_max_grad_norm(None);
        let mut grads: Vec<f64> = (0..4).map(|k| curvature[k] * (theta[k] - target[k])).collect();
        let update = adam.step(&mut theta, &mut grads);
        assert!(update.applied && !update.clipped);
        for k in 0..4 {
            let moved = theta[k];
            assert!((moved.abs() - 0.01).abs() < 1e-8, "coordinate {k} moved {moved}");
            assert_eq!(moved.signum(), target[k].signum(), "toward the minimum");
        }
        // And it keeps going downhill to the minimum.
        for _ in 0..3000 {
            let mut grads: Vec<f64> = (0..4).map(|k| curvature[k] * (theta[k] - target[k])).collect();
            adam.step(&mut theta, &mut grads);
        }
        for k in 0..4 {
            assert!((theta[k] - target[k]).abs() < 1e-2, "{k}: {} vs {}", theta[k], target[k]);
        }
    }

    #[test]
    fn clipping_scales_the_global_norm_to_the_maximum() {
        let mut adam = Adam::new(3, 0.1);
        let mut params = vec![0.0; 3];
        let mut grads = vec![3.0, 4.0, 12.0]; // norm 13
        let update = adam.step(&mut params, &mut grads);
        assert!(update.clipped);
        assert_eq!(update.grad_norm, 13.0);
        let norm = grads.iter().map(|g| g * g).sum::<f64>().sqrt();
        assert!((norm - 1.0).abs() < 1e-15, "{norm}");
        assert!((grads[0] - 3.0 / 13.0).abs() < 1e-15);
        // Below the maximum nothing is scaled.
        let mut small = vec![0.3, 0.4, 0.0];
        assert!(!adam.step(&mut params, &mut small).clipped);
        assert_eq!(small, vec![0.3, 0.4, 0.0]);
    }

    #[test]
    fn masked_parameters_do_not_move_or_count() {
        let mut adam = Adam::new(3, 0.1).with_mask(vec![true, false, true]);
        let mut params = vec![1.0, 1.0, 1.0];
        let mut grads = vec![0.0, 100.0, 0.5];
        let update = adam.step(&mut params, &mut grads);
        assert_eq!(update.grad_norm, 0.5);
        assert_eq!(params[1], 1.0);
        assert_eq!(params[0], 1.0, "zero gradient, zero step");
        assert!(params[2] < 1.0);
    }

    #[test]
    fn a_non_finite_gradient_changes_nothing() {
        let mut adam = Adam::new(2, 0.1);
        let mut params = vec![1.0, 2.0];
        let update = adam.step(&mut params, &mut [f64::NAN, 1.0]);
        assert!(!update.applied);
        let mut single = vec![1.0f32, 2.0];
        let update = adam.step(&mut single, &mut [f32::NAN, 1.0]);
        assert!(!update.applied);
        assert_eq!(params, vec![1.0, 2.0]);
        assert_eq!(adam.steps(), 0);
        assert!(!adam.step(&mut params, &mut [f64::INFINITY, 1.0]).applied);
    }
}
