//! Colours, fonts and sizes shared by every chart (CSS pixels; multiplied by the device pixel
//! ratio when drawn), in a light and a dark theme. A [`Look`] is what a draw call is given: the
//! device pixel ratio and the theme.

use plotters::style::{IntoFont, RGBColor, TextStyle};

pub const FONT: &str = "system-ui, sans-serif";
pub const MONO: &str = "ui-monospace, monospace";

/// The colours of one theme.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Theme {
    pub background: RGBColor,
    pub text: RGBColor,
    pub muted: RGBColor,
    pub grid: RGBColor,
    pub frame: RGBColor,
    pub selection: RGBColor,
    pub warning: RGBColor,
}

pub const LIGHT: Theme = Theme {
    background: RGBColor(255, 255, 255),
    text: RGBColor(34, 34, 34),
    muted: RGBColor(110, 110, 110),
    grid: RGBColor(225, 225, 225),
    frame: RGBColor(160, 160, 160),
    selection: RGBColor(228, 87, 46),
    warning: RGBColor(180, 40, 0),
};

pub const DARK: Theme = Theme {
    background: RGBColor(24, 26, 30),
    text: RGBColor(230, 230, 230),
    muted: RGBColor(165, 168, 175),
    grid: RGBColor(55, 58, 64),
    frame: RGBColor(110, 114, 122),
    selection: RGBColor(255, 130, 80),
    warning: RGBColor(255, 140, 100),
};

/// How a chart is drawn: device pixels per CSS pixel, and the theme.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Look {
    pub px: f64,
    pub theme: &'static Theme,
}

impl Look {
    /// The light theme at `px` device pixels per CSS pixel.
    #[must_use]
    pub fn light(px: f64) -> Look {
        Look { px, theme: &LIGHT }
    }

    /// The theme named by `dark`.
    #[must_use]
    pub fn new(px: f64, dark: bool) -> Look {
        Look { px, theme: if dark { &DARK } else { &LIGHT } }
    }

    /// A length of `v` CSS pixels in device pixels, rounded.
    #[must_use]
    pub fn size(&self, v: f64) -> u32 {
        super::px_u32((v * self.px).round())
    }

    /// A coordinate of `v` CSS pixels in device pixels, rounded.
    #[must_use]
    pub fn at(&self, v: f64) -> i32 {
        super::px_i32((v * self.px).round())
    }

    /// Text of `size` CSS pixels in the theme's text colour.
    #[must_use]
    pub fn font(&self, size: f64) -> TextStyle<'static> {
        TextStyle::from((FONT, size * self.px).into_font()).color(&self.theme.text)
    }
}

/// One colour per hidden unit in line charts (Tableau 10), reused cyclically.
pub const UNIT_COLORS: [RGBColor; 10] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];

pub const FONT_SIZE: f64 = 12.0;
pub const SMALL_FONT_SIZE: f64 = 10.5;

/// Margins of the timeline and the cell-state chart, which share their x layout so that a
/// timestep's column lines up in both.
pub const LEFT: f64 = 132.0;
pub const RIGHT: f64 = 96.0;
pub const AXIS_TOP: f64 = 22.0;
pub const ROW_GAP: f64 = 10.0;
pub const BOTTOM: f64 = 40.0;
pub const LEGEND_BAR: f64 = 12.0;

/// A column narrower than this (CSS px) gets its character label only every few columns.
pub const MIN_LABELLED_COLUMN: f64 = 9.0;
/// The narrowest column the timeline draws; the window of visible steps follows from it.
pub const MIN_COLUMN: f64 = 6.0;

/// Height of one row of a chart's key, CSS px.
pub const KEY_ROW: f64 = 16.0;

/// A generous estimate of the width of `text` at `size` CSS px in the charts' sans-serif font
/// (its widest common letters are about 0.6 em), so that what is laid out by it is not cut.
#[must_use]
pub fn text_width(text: &str, size: f64) -> f64 {
    text.chars().count() as f64 * size * 0.6
}

/// Where each item of a chart's key goes, in CSS px: items of the given widths, `gap` apart, in
/// rows from `x0` up to `right`, wrapping to a new row (which starts at `wrap_x`) when the next
/// one would cross it. Returns each item's (x, row).
#[must_use]
pub fn key_layout(widths: &[f64], gap: f64, (x0, wrap_x): (f64, f64), right: f64) -> Vec<(f64, usize)> {
    let mut row = 0;
    let mut x = x0;
    widths
        .iter()
        .map(|&w| {
            let row_start = if row == 0 { x0 } else { wrap_x };
            if x > row_start && x + w > right {
                row += 1;
                x = wrap_x;
            }
            let at = (x, row);
            x += w + gap;
            at
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::float_cmp)] // the layout's numbers are exact sums of small integers
mod key_tests {
    use super::*;

    #[test]
    fn a_key_wraps_before_the_right_edge_and_never_drops_an_item() {
        // 40 + 10 + 40 = 90 ≤ 100: two on the first row; the third starts the second row at 5.
        assert_eq!(key_layout(&[40.0, 40.0, 40.0], 10.0, (0.0, 5.0), 100.0), vec![(0.0, 0), (50.0, 0), (5.0, 1)]);
        // An item wider than the whole row still gets a row of its own.
        assert_eq!(key_layout(&[300.0, 10.0], 10.0, (20.0, 20.0), 100.0), vec![(20.0, 0), (20.0, 1)]);
        assert_eq!(text_width("unit 0", 10.0), 36.0);
    }
}
