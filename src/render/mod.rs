//! Drawing, generic over plotters' `DrawingBackend` (a canvas in the browser, anything in
//! tests), plus heatmap cells painted straight into pixel buffers.

pub mod charts;
pub mod colors;
pub mod heatmap;
#[cfg(test)]
pub mod picture;
pub mod theme;
pub mod timeline;
pub mod training;

// Pixel arithmetic. Float-to-integer `as` truncates toward zero and saturates at the target's
// range (NaN gives 0), which is what drawing wants on a canvas of any size; these name that
// choice once instead of at every coordinate.

/// A device-pixel coordinate from a float: truncated toward zero, saturated.
#[allow(clippy::cast_possible_truncation)]
#[must_use]
pub fn px_i32(v: f64) -> i32 {
    v as i32
}

/// A device-pixel length from a float: truncated toward zero, negative and NaN give 0.
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
#[must_use]
pub fn px_u32(v: f64) -> u32 {
    v as u32
}

/// A count or index from a float: truncated toward zero, negative and NaN give 0.
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
#[must_use]
pub fn to_count(v: f64) -> usize {
    v as usize
}

/// A count or index as a coordinate, saturated at `i32::MAX`.
#[must_use]
pub fn to_i32(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// A non-negative coordinate as a count (a negative one gives 0).
#[must_use]
pub fn to_usize(n: i32) -> usize {
    usize::try_from(n).unwrap_or(0)
}
