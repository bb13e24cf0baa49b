//! Learning curves: one point per held-out evaluation, recorded the same way for a single live
//! run and for every run of a comparison.

use super::trainer::Evaluation;
use serde::{Deserialize, Serialize};

/// Held-out evaluations every this many steps, unless a comparison says otherwise.
pub const EVAL_EVERY: usize = 25;

/// One point of a learning curve.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct CurvePoint {
    pub step: usize,
    /// Mean training-batch loss over the steps since the previous point (None at step 0).
    #[serde(default)]
    pub train_loss: Option<f64>,
    pub heldout_loss: f64,
    pub heldout_accuracy: f64,
}

/// Records a curve: training-batch losses as they come, and a point per evaluation.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CurveRecorder {
    points: Vec<CurvePoint>,
    /// Training loss summed since the last point, and over how many steps.
    loss_since_point: f64,
    steps_since_point: usize,
}

impl CurveRecorder {
    /// Counts one training step's batch loss towards the next point.
    pub fn add_batch(&mut self, loss: f64) {
        self.loss_since_point += loss;
        self.steps_since_point += 1;
    }

    /// True if the curve already has a point at `step` (evaluating again would repeat it).
    #[must_use]
    pub fn has_point_at(&self, step: usize) -> bool {
        self.points.last().is_some_and(|p| p.step == step)
    }

    /// Adds the point of an evaluation at `step` (a second one at the same step is ignored).
    pub fn add_point(&mut self, step: usize, heldout: Evaluation) -> CurvePoint {
        if let Some(last) = self.points.last().filter(|p| p.step == step) {
            return *last;
        }
        #[allow(clippy::cast_precision_loss)] // step counts are far below 2^52
        let train_loss = (self.steps_since_point > 0).then(|| self.loss_since_point / self.steps_since_point as f64);
        (self.loss_since_point, self.steps_since_point) = (0.0, 0);
        let point = CurvePoint { step, train_loss, heldout_loss: heldout.loss, heldout_accuracy: heldout.accuracy };
        self.points.push(point);
        point
    }

    #[must_use]
    pub fn points(&self) -> &[CurvePoint] {
        &self.points
    }

    #[must_use]
    pub fn last(&self) -> Option<&CurvePoint> {
        self.points.last()
    }
}

#[cfg(test)]
#[allow(clippy::float_cmp)] // tests compare exactly on purpose
mod tests {
    use super::*;

    #[test]
    fn points_average_the_batches_since_the_last_one() {
        let eval = |accuracy| Evaluation { loss: 1.0 - accuracy, accuracy, scored: 10 };
        let mut curve = CurveRecorder::default();
        assert_eq!(curve.add_point(0, eval(0.1)).train_loss, None);
        curve.add_batch(2.0);
        curve.add_batch(4.0);
        let point = curve.add_point(2, eval(0.5));
        assert_eq!((point.step, point.train_loss, point.heldout_accuracy), (2, Some(3.0), 0.5));
        // The same step again keeps the first point.
        assert_eq!(curve.add_point(2, eval(0.9)), point);
        assert_eq!(curve.points().len(), 2);
        assert!(curve.has_point_at(2) && !curve.has_point_at(3));
    }
}
