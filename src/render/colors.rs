//! Colour scales: sequential for quantities in [0, 1] (gates), diverging for signed ones, and
//! colours of their own for NaN and the infinities so that they never pass for data.

use super::to_count;
use crate::numbers::to_f32;

/// An RGB colour.
pub type Rgb = [u8; 3];

pub const NAN_COLOR: Rgb = [255, 0, 200];
pub const POS_INF_COLOR: Rgb = [0, 0, 0];
pub const NEG_INF_COLOR: Rgb = [90, 90, 90];

/// Viridis at nine evenly spaced stops (from matplotlib's table).
const VIRIDIS: [Rgb; 9] = [
    [68, 1, 84],
    [71, 44, 122],
    [59, 81, 139],
    [44, 113, 142],
    [33, 144, 141],
    [39, 173, 129],
    [92, 200, 99],
    [170, 220, 50],
    [253, 231, 37],
];

/// Blue for negative, near-white at zero, orange for positive. The two ends differ in
/// lightness as well as hue (dark navy against a mid orange), so +1 and −1 stay apart in
/// greyscale: on a washed-out projector or a printout a sign flip is still visible.
const BLUE_ORANGE: [Rgb; 9] = [
    [8, 48, 107],
    [33, 102, 172],
    [107, 162, 209],
    [198, 222, 240],
    [247, 247, 247],
    [254, 227, 170],
    [253, 196, 105],
    [238, 152, 40],
    [214, 120, 0],
];

/// Perceived lightness on a 0–255 scale (the Rec. 601 luma a greyscale conversion uses).
#[must_use]
pub fn luma(rgb: Rgb) -> f64 {
    0.299 * f64::from(rgb[0]) + 0.587 * f64::from(rgb[1]) + 0.114 * f64::from(rgb[2])
}

fn interpolate(stops: &[Rgb], t: f64) -> Rgb {
    let t = t.clamp(0.0, 1.0) * (stops.len() - 1) as f64;
    let k = to_count(t.floor()).min(stops.len() - 2);
    let frac = t - k as f64;
    let (a, b) = (stops[k], stops[k + 1]);
    // Between two u8 values, so within 0..=255.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    [0, 1, 2].map(|c| (f64::from(a[c]) + (f64::from(b[c]) - f64::from(a[c])) * frac).round() as u8)
}

/// How values map to colours.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Scale {
    /// lo → dark purple, hi → yellow (viridis).
    Sequential { lo: f64, hi: f64 },
    /// −limit → dark blue, 0 → white, +limit → orange.
    Diverging { limit: f64 },
}

/// A value's colour, and whether it lies outside the scale (drawn at the nearest end, marked).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Swatch {
    pub rgb: Rgb,
    pub clipped: bool,
}

impl Scale {
    #[must_use]
    pub fn lo(&self) -> f64 {
        match *self {
            Scale::Sequential { lo, .. } => lo,
            Scale::Diverging { limit } => -limit,
        }
    }

    #[must_use]
    pub fn hi(&self) -> f64 {
        match *self {
            Scale::Sequential { hi, .. } => hi,
            Scale::Diverging { limit } => limit,
        }
    }

    /// The colour of a value.
    #[must_use]
    pub fn swatch(&self, v: f32) -> Swatch {
        let v = f64::from(v);
        if v.is_nan() {
            return Swatch { rgb: NAN_COLOR, clipped: false };
        }
        if v.is_infinite() {
            let rgb = if v > 0.0 { POS_INF_COLOR } else { NEG_INF_COLOR };
            return Swatch { rgb, clipped: false };
        }
        let (lo, hi) = (self.lo(), self.hi());
        // A tolerance so that a gate at exactly 1.0000001 from rounding is not flagged.
        let slack = (hi - lo) * 1e-6;
        let clipped = v < lo - slack || v > hi + slack;
        let t = (v - lo) / (hi - lo);
        let stops = match self {
            Scale::Sequential { .. } => &VIRIDIS,
            Scale::Diverging { .. } => &BLUE_ORANGE,
        };
        Swatch { rgb: interpolate(stops, t), clipped }
    }

    /// The scale for a quantity whose possible values are `possible` (from the activations) and
    /// whose finite values this run are `observed`. Bounded quantities keep a fixed scale, so
    /// colours mean the same thing from run to run; unbounded ones (a cell state, a ReLU) get
    /// the smallest of ±1, ±2, ±5, ±10 that holds what was seen, and anything beyond ±10 is
    /// clipped and marked.
    #[must_use]
    pub fn for_quantity(possible: (f64, f64), observed: Option<(f64, f64)>) -> Scale {
        let (lo, hi) = possible;
        if lo >= 0.0 && hi <= 1.0 {
            return Scale::Sequential { lo: 0.0, hi: 1.0 };
        }
        if lo >= -1.0 && hi <= 1.0 {
            return Scale::Diverging { limit: 1.0 };
        }
        let extent = observed.map_or(1.0, |(a, b)| a.abs().max(b.abs()));
        let limit = [1.0, 2.0, 5.0, 10.0].into_iter().find(|&l| extent <= l).unwrap_or(10.0);
        if lo >= 0.0 {
            Scale::Sequential { lo: 0.0, hi: limit }
        } else {
            Scale::Diverging { limit }
        }
    }
}

/// A scale with its colours tabulated at 256 levels, for painting many cells: a lookup instead
/// of an interpolation per cell. Level steps are far below what the eye can tell apart.
#[derive(Clone, Debug)]
pub struct Palette {
    pub scale: Scale,
    table: Vec<Rgb>,
    /// The scale's low end, table levels per unit, and the ends beyond which a value is
    /// clipped, worked out once: painting the timeline asks for tens of thousands of colours.
    lo: f32,
    levels_per_unit: f32,
    clip_below: f32,
    clip_above: f32,
}

impl Palette {
    const LEVELS: usize = 256;

    #[must_use]
    pub fn new(scale: Scale) -> Self {
        let (lo, hi) = (scale.lo(), scale.hi());
        let table = (0..Self::LEVELS)
            .map(|k| scale.swatch(to_f32(lo + (hi - lo) * k as f64 / (Self::LEVELS - 1) as f64)).rgb)
            .collect();
        let (lo, hi) = (to_f32(lo), to_f32(hi));
        // A tolerance so that a gate at exactly 1.0000001 from rounding is not flagged.
        let slack = (hi - lo) * 1e-6;
        #[allow(clippy::cast_precision_loss)] // 255 is exact
        let levels_per_unit = (Self::LEVELS - 1) as f32 / (hi - lo);
        Palette { scale, table, lo, levels_per_unit, clip_below: lo - slack, clip_above: hi + slack }
    }

    /// The colour of a value, as [`Scale::swatch`] gives it to within one table step.
    #[must_use]
    pub fn swatch(&self, v: f32) -> Swatch {
        if !v.is_finite() {
            return self.scale.swatch(v);
        }
        let clipped = v < self.clip_below || v > self.clip_above;
        #[allow(clippy::cast_precision_loss)] // 255 is exact
        let level = ((v - self.lo) * self.levels_per_unit).clamp(0.0, (Self::LEVELS - 1) as f32);
        // Rounded by adding a half and truncating (level is not negative): `round` is a library
        // call in WebAssembly, and this runs once per cell.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let index = (level + 0.5) as usize;
        Swatch { rgb: self.table[index.min(Self::LEVELS - 1)], clipped }
    }
}

/// A CSS colour string, for plotters and the page.
#[must_use]
pub fn css(rgb: Rgb) -> String {
    format!("#{:02x}{:02x}{:02x}", rgb[0], rgb[1], rgb[2])
}

#[cfg(test)]
#[allow(clippy::float_cmp)] // tests compare exactly on purpose
mod tests {
    use super::*;

    /// In greyscale, −limit and +limit must not look alike (the sign of a value must survive a
    /// washed-out projector), and both must stand apart from zero.
    #[test]
    fn diverging_ends_differ_in_greyscale() {
        let scale = Scale::Diverging { limit: 1.0 };
        let (neg, zero, pos) = (scale.swatch(-1.0).rgb, scale.swatch(0.0).rgb, scale.swatch(1.0).rgb);
        assert!(luma(pos) - luma(neg) > 60.0, "{} vs {}", luma(pos), luma(neg));
        assert!(luma(zero) - luma(pos) > 60.0 && luma(zero) - luma(neg) > 60.0);
        // Lightness falls steadily from zero towards each end, so larger magnitudes look stronger.
        for k in 1..10 {
            let (a, b) = (f32::from(u8::try_from(k).unwrap()) / 10.0, f32::from(u8::try_from(k + 1).unwrap()) / 10.0);
            assert!(luma(scale.swatch(b).rgb) <= luma(scale.swatch(a).rgb) + 1.0, "+{a} → +{b}");
            assert!(luma(scale.swatch(-b).rgb) <= luma(scale.swatch(-a).rgb) + 1.0, "−{a} → −{b}");
        }
    }

    #[test]
    fn scales_map_ends_and_flag_clipping() {
        let seq = Scale::Sequential { lo: 0.0, hi: 1.0 };
        assert_eq!(seq.swatch(0.0).rgb, VIRIDIS[0]);
        assert_eq!(seq.swatch(1.0).rgb, VIRIDIS[8]);
        assert!(!seq.swatch(1.0).clipped);
        assert!(seq.swatch(1.5).clipped);
        assert_eq!(seq.swatch(1.5).rgb, VIRIDIS[8]);
        let div = Scale::Diverging { limit: 2.0 };
        assert_eq!(div.swatch(0.0).rgb, BLUE_ORANGE[4]);
        assert_eq!(div.swatch(-2.0).rgb, BLUE_ORANGE[0]);
        assert!(div.swatch(-2.5).clipped);
        assert_eq!(div.swatch(f32::NAN).rgb, NAN_COLOR);
        assert_eq!(div.swatch(f32::INFINITY).rgb, POS_INF_COLOR);
        assert_eq!(div.swatch(f32::NEG_INFINITY).rgb, NEG_INF_COLOR);
    }

    #[test]
    fn special_colours_are_not_on_any_scale() {
        for k in 0..=100 {
            let t = k as f32 / 100.0;
            for scale in [Scale::Sequential { lo: 0.0, hi: 1.0 }, Scale::Diverging { limit: 0.5 }] {
                let rgb = scale.swatch(t).rgb;
                assert!(rgb != NAN_COLOR && rgb != POS_INF_COLOR && rgb != NEG_INF_COLOR);
            }
        }
    }

    #[test]
    fn scale_choice_follows_the_activation_range() {
        assert_eq!(Scale::for_quantity((0.0, 1.0), Some((0.2, 0.3))), Scale::Sequential { lo: 0.0, hi: 1.0 });
        assert_eq!(Scale::for_quantity((-1.0, 1.0), None), Scale::Diverging { limit: 1.0 });
        let unbounded = (f64::NEG_INFINITY, f64::INFINITY);
        assert_eq!(Scale::for_quantity(unbounded, Some((-3.0, 4.0))), Scale::Diverging { limit: 5.0 });
        assert_eq!(Scale::for_quantity(unbounded, Some((-300.0, 4.0))), Scale::Diverging { limit: 10.0 });
        assert_eq!(Scale::for_quantity((0.0, f64::INFINITY), Some((0.0, 1.5))), Scale::Sequential { lo: 0.0, hi: 2.0 });
    }

    #[test]
    fn palette_matches_the_scale_to_within_a_step() {
        for scale in [Scale::Sequential { lo: 0.0, hi: 1.0 }, Scale::Diverging { limit: 5.0 }] {
            let palette = Palette::new(scale);
            for k in -120..=120 {
                let v = k as f32 * to_f32(scale.hi()) / 100.0;
                let (a, b) = (palette.swatch(v), scale.swatch(v));
                assert_eq!(a.clipped, b.clipped, "{v}");
                for c in 0..3 {
                    assert!((i32::from(a.rgb[c]) - i32::from(b.rgb[c])).abs() <= 3, "{v}: {:?} vs {:?}", a.rgb, b.rgb);
                }
            }
            for special in [f32::NAN, f32::INFINITY, f32::NEG_INFINITY] {
                assert_eq!(palette.swatch(special), scale.swatch(special));
            }
        }
    }
}
