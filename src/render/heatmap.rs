//! Heatmap cells as a pixel buffer: one RGBA image per heatmap, blitted in one call, because
//! drawing thousands of rectangles one by one through a canvas is far too slow.

use super::colors::{Rgb, Scale};

/// A rectangle in device pixels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rect {
    pub x: i32,
    pub y: i32,
    pub w: i32,
    pub h: i32,
}

impl Rect {
    pub fn contains(&self, x: f64, y: f64) -> bool {
        x >= self.x as f64 && y >= self.y as f64 && x < (self.x + self.w) as f64 && y < (self.y + self.h) as f64
    }
}

/// The boundaries of `n` equal bands over `pixels` pixels: band k covers [edge(k), edge(k+1)).
fn edge(k: usize, n: usize, pixels: usize) -> usize {
    k * pixels / n.max(1)
}

fn fill(out: &mut [u8], width: usize, x0: usize, x1: usize, y0: usize, y1: usize, rgb: Rgb) {
    for y in y0..y1 {
        for px in out[(y * width + x0) * 4..(y * width + x1) * 4].chunks_exact_mut(4) {
            px.copy_from_slice(&[rgb[0], rgb[1], rgb[2], 255]);
        }
    }
}

/// Black or white, whichever stands out on `rgb`.
fn contrast(rgb: Rgb) -> Rgb {
    let luminance = 0.299 * rgb[0] as f64 + 0.587 * rgb[1] as f64 + 0.114 * rgb[2] as f64;
    if luminance > 140.0 {
        [0, 0, 0]
    } else {
        [255, 255, 255]
    }
}

/// Paints a timesteps × units grid of `values` (timestep-major, `hidden` per step, steps
/// `start .. start + len`) into `out` as a `width` × `height` RGBA image: time runs left to right,
/// unit 0 at the top. A clipped value gets a triangle in its cell's top-right corner when the
/// cell is big enough to show one.
pub fn paint_cells(
    out: &mut Vec<u8>,
    width: usize,
    height: usize,
    values: &[f32],
    hidden: usize,
    start: usize,
    len: usize,
    scale: &Scale,
) {
    out.clear();
    out.resize(width * height * 4, 255);
    if hidden == 0 || len == 0 {
        return;
    }
    for k in 0..len {
        let (x0, x1) = (edge(k, len, width), edge(k + 1, len, width));
        for u in 0..hidden {
            let (y0, y1) = (edge(u, hidden, height), edge(u + 1, hidden, height));
            let Some(&v) = values.get((start + k) * hidden + u) else { continue };
            let swatch = scale.swatch(v);
            fill(out, width, x0, x1, y0, y1, swatch.rgb);
            let marker = ((x1 - x0).min(y1 - y0) / 2).min(8);
            if swatch.clipped && marker >= 2 {
                let ink = contrast(swatch.rgb);
                // Upper-right triangle: the pixels with (x1 − 1 − x) + (y − y0) < marker.
                for dy in 0..marker {
                    let y = y0 + dy;
                    fill(out, width, x1 - (marker - dy), x1, y, y + 1, ink);
                }
            }
        }
    }
}

/// Paints a vertical colour bar for `scale`, high values at the top.
pub fn paint_legend(out: &mut Vec<u8>, width: usize, height: usize, scale: &Scale) {
    out.clear();
    out.resize(width * height * 4, 255);
    for y in 0..height {
        let t = 1.0 - y as f64 / (height.max(2) - 1) as f64;
        let v = scale.lo() + t * (scale.hi() - scale.lo());
        fill(out, width, 0, width, y, y + 1, scale.swatch(v as f32).rgb);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pixel(out: &[u8], width: usize, x: usize, y: usize) -> [u8; 4] {
        let k = (y * width + x) * 4;
        [out[k], out[k + 1], out[k + 2], out[k + 3]]
    }

    #[test]
    fn cells_land_where_the_layout_says() {
        // 2 steps × 2 units into 4 × 4 pixels: each cell is 2 × 2.
        let values = [0.0, 1.0, 1.0, 0.0];
        let scale = Scale::Sequential { lo: 0.0, hi: 1.0 };
        let mut out = Vec::new();
        paint_cells(&mut out, 4, 4, &values, 2, 0, 2, &scale);
        let low = scale.swatch(0.0).rgb;
        let high = scale.swatch(1.0).rgb;
        assert_eq!(pixel(&out, 4, 0, 0)[..3], low); // t0 u0
        assert_eq!(pixel(&out, 4, 1, 3)[..3], high); // t0 u1
        assert_eq!(pixel(&out, 4, 3, 0)[..3], high); // t1 u0
        assert_eq!(pixel(&out, 4, 2, 2)[..3], low); // t1 u1
        assert_eq!(pixel(&out, 4, 2, 2)[3], 255);
    }

    #[test]
    fn window_start_selects_steps_and_clipped_cells_are_marked() {
        let values = [0.0, 0.5, 3.0];
        let scale = Scale::Sequential { lo: 0.0, hi: 1.0 };
        let mut out = Vec::new();
        paint_cells(&mut out, 20, 10, &values, 1, 2, 1, &scale);
        let high = scale.swatch(1.0).rgb;
        assert_eq!(pixel(&out, 20, 0, 9)[..3], high);
        // Top-right corner carries the marker in the contrasting ink.
        assert_eq!(pixel(&out, 20, 19, 0)[..3], contrast(high));
        assert_ne!(pixel(&out, 20, 19, 0)[..3], high);
    }

    #[test]
    fn legend_runs_from_high_to_low() {
        let scale = Scale::Diverging { limit: 1.0 };
        let mut out = Vec::new();
        paint_legend(&mut out, 3, 50, &scale);
        assert_eq!(pixel(&out, 3, 1, 0)[..3], scale.swatch(1.0).rgb);
        assert_eq!(pixel(&out, 3, 1, 49)[..3], scale.swatch(-1.0).rgb);
    }
}
