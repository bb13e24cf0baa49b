//! Reading recorded reference values (PyTorch's, Keras's) and comparing the model's against them.

use serde_json::Value;

/// A JSON list of rows of numbers.
pub fn rows(value: &Value) -> Vec<Vec<f64>> {
    value.as_array().unwrap().iter().map(|r| r.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect()).collect()
}

/// Each of `got` (f32 traces or f64 probabilities) within `tolerance` of the reference value at
/// its place; `what` names the row.
pub fn assert_close<T: Copy + Into<f64> + std::fmt::Display>(got: &[T], want: &[f64], tolerance: f64, what: &str) {
    assert_eq!(got.len(), want.len(), "{what}");
    for (k, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(((*g).into() - w).abs() <= tolerance, "{what}[{k}]: {g} against the reference's {w}");
    }
}
