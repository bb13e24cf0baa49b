//! Colours, fonts and sizes shared by every chart (CSS pixels; multiplied by the device pixel
//! ratio when drawn). The page's own colours live in www/config.js and match these.

use plotters::style::RGBColor;

pub const FONT: &str = "system-ui, sans-serif";
pub const MONO: &str = "ui-monospace, monospace";
pub const TEXT: RGBColor = RGBColor(34, 34, 34);
pub const MUTED: RGBColor = RGBColor(110, 110, 110);
pub const GRID: RGBColor = RGBColor(225, 225, 225);
pub const FRAME: RGBColor = RGBColor(160, 160, 160);
pub const SELECTION: RGBColor = RGBColor(228, 87, 46);
pub const WARNING: RGBColor = RGBColor(180, 40, 0);

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
