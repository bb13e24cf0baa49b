//! Heatmap cells as a pixel buffer with one pixel per cell, which the page scales up without
//! smoothing: drawing thousands of rectangles one by one through a canvas is far too slow.

use super::colors::{Palette, Rgb, Scale};
use crate::numbers::to_f32;

/// A rectangle in device pixels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rect {
    pub x: i32,
    pub y: i32,
    pub w: i32,
    pub h: i32,
}

impl Rect {
    /// The rectangle from corner (x0, y0) to corner (x1, y1), empty where they cross.
    #[must_use]
    pub fn spanning(x0: i32, y0: i32, x1: i32, y1: i32) -> Rect {
        Rect { x: x0, y: y0, w: (x1 - x0).max(0), h: (y1 - y0).max(0) }
    }

    #[must_use]
    pub fn contains(&self, x: f64, y: f64) -> bool {
        x >= f64::from(self.x)
            && y >= f64::from(self.y)
            && x < f64::from(self.x + self.w)
            && y < f64::from(self.y + self.h)
    }
}

/// Black or white, whichever stands out on `rgb`.
#[must_use]
pub fn contrast(rgb: Rgb) -> Rgb {
    if super::colors::luma(rgb) > 140.0 {
        [0, 0, 0]
    } else {
        [255, 255, 255]
    }
}

/// A cell whose value lies beyond the scale: (step offset in the window, unit, an ink that
/// stands out on the cell's colour), so the page can mark it.
pub type Clipped = (usize, usize, Rgb);

/// Paints steps `start .. start + len` of `values` (timestep-major, `hidden` per step), units
/// `units` of each, into `out` as a `len` × `units.len()` RGBA image, one pixel per cell: time
/// runs left to right, the first unit shown at the top. The page scales it up without
/// smoothing. Clipped cells are listed in `clipped` (units counted from the first shown).
pub fn paint_cells(
    out: &mut Vec<u8>,
    clipped: &mut Vec<Clipped>,
    values: &[f32],
    hidden: usize,
    units: std::ops::Range<usize>,
    (start, len): (usize, usize),
    scale: &Scale,
) {
    let shown = units.len();
    out.clear();
    out.resize(len * shown * 4, 255);
    clipped.clear();
    let palette = Palette::new(*scale);
    for k in 0..len {
        let at_step = (start + k) * hidden;
        let Some(step) = values.get(at_step + units.start..at_step + units.end) else { continue };
        for (u, &v) in step.iter().enumerate() {
            let swatch = palette.swatch(v);
            let at = (u * len + k) * 4;
            out[at..at + 3].copy_from_slice(&swatch.rgb);
            if swatch.clipped {
                clipped.push((k, u, contrast(swatch.rgb)));
            }
        }
    }
}

/// Paints a 1 × `height` colour bar for `scale`, high values at the top.
pub fn paint_legend(out: &mut Vec<u8>, height: usize, scale: &Scale) {
    out.clear();
    out.resize(height * 4, 255);
    for y in 0..height {
        let t = 1.0 - y as f64 / (height.max(2) - 1) as f64;
        let v = scale.lo() + t * (scale.hi() - scale.lo());
        out[y * 4..y * 4 + 3].copy_from_slice(&scale.swatch(to_f32(v)).rgb);
    }
}

#[cfg(test)]
#[allow(clippy::float_cmp)] // tests compare exactly on purpose
mod tests {
    use super::*;

    fn pixel(out: &[u8], width: usize, x: usize, y: usize) -> [u8; 4] {
        let k = (y * width + x) * 4;
        [out[k], out[k + 1], out[k + 2], out[k + 3]]
    }

    #[test]
    fn one_pixel_per_cell_time_across_units_down() {
        // 2 steps × 2 units: values[t * 2 + u].
        let values = [0.0, 1.0, 1.0, 0.0];
        let scale = Scale::Sequential { lo: 0.0, hi: 1.0 };
        let (mut out, mut clipped) = (Vec::new(), Vec::new());
        paint_cells(&mut out, &mut clipped, &values, 2, 0..2, (0, 2), &scale);
        assert!(clipped.is_empty());
        let low = scale.swatch(0.0).rgb;
        let high = scale.swatch(1.0).rgb;
        assert_eq!(pixel(&out, 2, 0, 0)[..3], low); // t0 u0
        assert_eq!(pixel(&out, 2, 0, 1)[..3], high); // t0 u1
        assert_eq!(pixel(&out, 2, 1, 0)[..3], high); // t1 u0
        assert_eq!(pixel(&out, 2, 1, 1)[..3], low); // t1 u1
        assert_eq!(pixel(&out, 2, 1, 1)[3], 255);
    }

    #[test]
    fn window_start_selects_steps_and_clipped_cells_are_listed() {
        let values = [0.0, 0.5, 3.0, -1.0];
        let scale = Scale::Sequential { lo: 0.0, hi: 1.0 };
        let (mut out, mut clipped) = (Vec::new(), Vec::new());
        paint_cells(&mut out, &mut clipped, &values, 1, 0..1, (2, 2), &scale);
        assert_eq!(pixel(&out, 2, 0, 0)[..3], scale.swatch(1.0).rgb);
        assert_eq!(pixel(&out, 2, 1, 0)[..3], scale.swatch(0.0).rgb);
        paint_cells(&mut out, &mut clipped, &values, 1, 0..1, (1, 3), &scale);
        assert_eq!(clipped, vec![(1, 0, contrast(scale.swatch(1.0).rgb)), (2, 0, contrast(scale.swatch(0.0).rgb))]);
        // Viridis' bright yellow end takes black ink, its dark purple end white.
        assert_eq!(contrast(scale.swatch(1.0).rgb), [0, 0, 0]);
        assert_eq!(contrast(scale.swatch(0.0).rgb), [255, 255, 255]);
    }

    #[test]
    fn legend_runs_from_high_to_low() {
        let scale = Scale::Diverging { limit: 1.0 };
        let mut out = Vec::new();
        paint_legend(&mut out, 50, &scale);
        assert_eq!(pixel(&out, 1, 0, 0)[..3], scale.swatch(1.0).rgb);
        assert_eq!(pixel(&out, 1, 0, 49)[..3], scale.swatch(-1.0).rgb);
    }
}
