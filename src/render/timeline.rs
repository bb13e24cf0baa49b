//! The timeline: one heatmap row per traced quantity (f, i, g, o, c, h), units down, timesteps
//! across, the typed characters along the top. The frame (titles, labels, legends) is drawn
//! through plotters; the cells are painted into a pixel buffer (see `heatmap`) and blitted into
//! the rectangles this layout names.

use super::colors::{Rgb, Scale, NAN_COLOR, NEG_INF_COLOR, POS_INF_COLOR};
use super::heatmap::{self, Clipped, Rect};
use super::theme::*;
use super::{px_i32, px_u32, to_count, to_i32, to_usize};
use crate::lab::Lab;
pub use crate::limits::MAX_SHOWN_UNITS;
use crate::quantity::Quantity;
use crate::trace::Trace;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

/// The LSTM's timeline rows, top to bottom: the four gate blocks in the order a step computes
/// them, then c and h. (Each design lists its own: [`crate::cells::CellSpec::rows`].)
pub const ROWS: &[Quantity] = crate::cells::lstm::SPEC.rows;

/// The rows of the cell that made `trace` (the LSTM's before any run).
#[must_use]
pub fn rows_of<T: num_traits::Float>(trace: &Trace<T>) -> &'static [Quantity] {
    trace.spec().map_or(ROWS, |s| s.rows)
}

/// Where everything goes, in device pixels. Pure arithmetic, so hit-testing is testable.
#[derive(Clone, Debug, PartialEq)]
pub struct TimelineLayout {
    pub width: i32,
    pub height: i32,
    /// Device pixels per CSS pixel.
    pub px: f64,
    pub theme: &'static Theme,
    pub start: usize,
    pub len: usize,
    /// The units shown: `hidden` of them from `unit_start`.
    pub hidden: usize,
    pub unit_start: usize,
    pub rows: Vec<(Quantity, Rect)>,
    pub legends: Vec<Rect>,
}

/// The units the heatmaps and the cell chart show for a `hidden`-unit model with `unit`
/// selected: all of them up to [`MAX_SHOWN_UNITS`], else the block of that many holding `unit`.
#[must_use]
pub fn shown_units(hidden: usize, unit: usize) -> std::ops::Range<usize> {
    let n = hidden.min(MAX_SHOWN_UNITS);
    let start = (unit.min(hidden.saturating_sub(1)) / n.max(1) * n).min(hidden - n);
    start..start + n
}

/// The CSS height of one heatmap row for `hidden` units.
#[must_use]
pub fn row_height(hidden: usize) -> f64 {
    (hidden as f64 * 7.0).clamp(50.0, 110.0)
}

/// The CSS height the timeline canvas wants.
#[must_use]
pub fn timeline_height(rows: usize, hidden: usize) -> f64 {
    AXIS_TOP + rows as f64 * (row_height(hidden) + ROW_GAP) + BOTTOM
}

/// How many timesteps fit across a canvas `css_width` wide.
#[must_use]
pub fn visible_steps(css_width: f64) -> usize {
    to_count(((css_width - LEFT - RIGHT) / MIN_COLUMN).floor()).max(1)
}

impl TimelineLayout {
    #[must_use]
    pub fn new(width: i32, look: Look, quantities: &[Quantity], hidden: usize, start: usize, len: usize) -> Self {
        let px = look.px;
        let d = |v: f64| px_i32((v * px).round());
        let x = d(LEFT);
        let w = (width - x - d(RIGHT)).max(1);
        let row_h = d(row_height(hidden));
        let mut rows = Vec::new();
        let mut legends = Vec::new();
        for (k, &q) in quantities.iter().enumerate() {
            let y = d(AXIS_TOP) + to_i32(k) * (row_h + d(ROW_GAP));
            rows.push((q, Rect { x, y, w, h: row_h }));
            legends.push(Rect { x: x + w + d(10.0), y, w: d(LEGEND_BAR), h: row_h });
        }
        let height = d(timeline_height(quantities.len(), hidden));
        TimelineLayout { width, height, px, theme: look.theme, start, len, hidden, unit_start: 0, rows, legends }
    }

    /// The (row, timestep, unit) under a device-pixel position, if it is on a cell (the unit
    /// counted in the model, not in the block shown).
    #[must_use]
    pub fn locate(&self, x: f64, y: f64) -> Option<(usize, usize, usize)> {
        let (row, (_, rect)) = self.rows.iter().enumerate().find(|(_, (_, r))| r.contains(x, y))?;
        let k = to_count((x - f64::from(rect.x)) * self.len as f64 / f64::from(rect.w));
        let u = to_count((y - f64::from(rect.y)) * self.hidden as f64 / f64::from(rect.h));
        (k < self.len && u < self.hidden).then_some((row, self.start + k, self.unit_start + u))
    }

    /// The timestep under a horizontal position anywhere in the plot's columns.
    #[must_use]
    pub fn step_at(&self, x: f64) -> Option<usize> {
        let (_, rect) = self.rows.first()?;
        if x < f64::from(rect.x) || x >= f64::from(rect.x + rect.w) {
            return None;
        }
        Some(self.start + to_count((x - f64::from(rect.x)) * self.len as f64 / f64::from(rect.w)))
    }

    /// The left and right pixel edges of a visible timestep's column.
    #[must_use]
    pub fn column(&self, t: usize) -> Option<(i32, i32)> {
        let (_, rect) = self.rows.first()?;
        if t < self.start || t >= self.start + self.len {
            return None;
        }
        let k = t - self.start;
        let edge = |k: usize| rect.x + to_i32(k * to_usize(rect.w) / self.len);
        Some((edge(k), edge(k + 1)))
    }

    /// The rectangle of the `u`-th unit shown at window offset `k` in row `row`.
    #[must_use]
    pub fn cell(&self, row: usize, k: usize, u: usize) -> Option<Rect> {
        let (_, rect) = self.rows.get(row)?;
        let (x0, x1) = self.column(self.start + k)?;
        let edge = |u: usize| rect.y + to_i32(u * to_usize(rect.h) / self.hidden.max(1));
        Some(Rect { x: x0, y: edge(u), w: x1 - x0, h: edge(u + 1) - edge(u) })
    }

    /// A clipped cell's marker: a right triangle in its top-right corner, or None when the
    /// cell is too small to show one.
    #[must_use]
    pub fn clip_marker(&self, row: usize, k: usize, u: usize) -> Option<[(i32, i32); 3]> {
        let cell = self.cell(row, k, u)?;
        let size = (cell.w.min(cell.h) / 2).min(px_i32(8.0 * self.px));
        (size >= 2).then(|| {
            let (right, top) = (cell.x + cell.w, cell.y);
            [(right - size, top), (right, top), (right, top + size)]
        })
    }

    /// A timestep column's width in CSS pixels.
    fn column_css(&self) -> f64 {
        f64::from(self.rows[0].1.w) / self.len.max(1) as f64 / self.px
    }

    fn font(&self, size: f64) -> TextStyle<'static> {
        TextStyle::from((FONT, size * self.px).into_font()).color(&self.theme.text)
    }
}

/// What the frame says about one row.
#[derive(Clone, Debug, PartialEq)]
pub struct RowInfo {
    /// "f", "c", ...
    pub symbol: String,
    /// "forget gate · sigmoid"
    pub caption: String,
    pub scale: Scale,
    /// "range −3.2 … 12.5, clipped beyond ±10" or "3 NaN", in the warning colour.
    pub note: Option<String>,
}

/// A character as it is labelled on the axis: invisible ones get a visible stand-in.
#[must_use]
pub fn axis_label(c: char) -> String {
    match c {
        ' ' => "␣".into(),
        '\n' => "↵".into(),
        '\r' => "␍".into(),
        '\t' => "⇥".into(),
        c if c.is_control() => "·".into(),
        c => c.to_string(),
    }
}

fn format_tick(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v}")
    }
}

/// The parts of the picture around the cells, each drawn only when what it shows changed: the
/// character axis, each row's captions, each row's legend, and the foot (step numbers and the
/// key to the special colours). With the plot strip, which is drawn every time, they tile the
/// canvas, so a part can be cleared and drawn again on its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Part {
    Axis,
    Caption(usize),
    Legend(usize),
    Foot,
}

impl TimelineLayout {
    /// How far a row's frame and the selection outline reach outside its cells.
    fn plot_margin(&self) -> i32 {
        px_i32((2.0 * self.px).round()) + 2
    }

    /// The last row's cells.
    fn last_row(&self) -> Rect {
        self.rows[self.rows.len() - 1].1
    }

    /// Every row's cells with their frames and the selection: redrawn each time.
    fn plot_strip(&self) -> Rect {
        let (first, last) = (self.rows[0].1, self.last_row());
        let m = self.plot_margin();
        Rect { x: first.x - m, y: first.y - m, w: first.w + 2 * m, h: last.y + last.h + 2 * m - first.y }
    }

    /// The plot strip less the rows' cells, which each draw covers: what must be cleared before
    /// the frames and the selection are drawn again.
    fn plot_gaps(&self) -> Vec<Rect> {
        let plot = self.plot_strip();
        let (right, bottom) = (plot.x + plot.w, plot.y + plot.h);
        let span = Rect::spanning;
        let mut gaps = Vec::with_capacity(3 * self.rows.len() + 1);
        let mut top = plot.y;
        for (_, r) in &self.rows {
            gaps.push(span(plot.x, top, right, r.y));
            gaps.push(span(plot.x, r.y, r.x, r.y + r.h));
            gaps.push(span(r.x + r.w, r.y, right, r.y + r.h));
            top = r.y + r.h;
        }
        gaps.push(span(plot.x, top, right, bottom));
        gaps
    }

    /// Where the step numbers and the key start: one row gap below the last row.
    fn foot_top(&self) -> i32 {
        let last = self.last_row();
        last.y + last.h + px_i32((ROW_GAP * self.px).round())
    }

    /// Every part, in a fixed order.
    fn parts(&self) -> Vec<Part> {
        let n = self.rows.len();
        [Part::Axis, Part::Foot].into_iter().chain((0..n).map(Part::Caption)).chain((0..n).map(Part::Legend)).collect()
    }

    /// The one or two rectangles a part covers on a `width` × `height` surface.
    fn part_rects(&self, part: Part, (width, height): (i32, i32)) -> Vec<Rect> {
        let plot = self.plot_strip();
        let (right, bottom) = (plot.x + plot.w, plot.y + plot.h);
        let span = Rect::spanning;
        let m = self.plot_margin();
        let last = self.rows.len() - 1;
        match part {
            Part::Axis => vec![span(0, 0, width, plot.y)],
            // A row's captions and warnings run down to the next row's top (the last row's, to the foot).
            Part::Caption(k) => {
                let top = if k == 0 { plot.y } else { self.rows[k].1.y };
                let end = if k == last { self.foot_top() } else { self.rows[k + 1].1.y };
                vec![span(0, top, plot.x, end)]
            }
            // A legend's top tick reaches a little above its bar, so its part starts higher.
            Part::Legend(k) => {
                let top = if k == 0 { plot.y } else { self.rows[k].1.y - m };
                let end = if k == last { bottom } else { self.rows[k + 1].1.y - m };
                vec![span(right, top, width, end)]
            }
            Part::Foot => {
                let foot = self.foot_top();
                vec![span(plot.x, bottom, width, foot), span(0, foot, width, height.max(foot))]
            }
        }
    }

    /// A fingerprint of everything that places and colours the frame.
    fn hash_geometry<H: Hasher>(&self, state: &mut H) {
        (self.width, self.height, self.px.to_bits(), self.start, self.len, self.hidden).hash(state);
        let t = self.theme;
        for c in [t.background, t.text, t.muted, t.frame, t.warning] {
            (c.0, c.1, c.2).hash(state);
        }
        for (_, r) in &self.rows {
            (r.x, r.y, r.w, r.h).hash(state);
        }
    }
}

/// What a part shows, as a number that changes when it does.
fn part_key(layout: &TimelineLayout, part: Part, rows: &[RowInfo], chars: &[char]) -> u64 {
    let mut state = DefaultHasher::new();
    layout.hash_geometry(&mut state);
    match part {
        Part::Axis => (0u8, chars).hash(&mut state),
        Part::Caption(k) => (1u8, k, &rows[k].symbol, &rows[k].caption, &rows[k].note).hash(&mut state),
        Part::Legend(k) => {
            let scale = rows[k].scale;
            (2u8, k, matches!(scale, Scale::Diverging { .. }), scale.lo().to_bits(), scale.hi().to_bits()).hash(&mut state);
        }
        Part::Foot => 3u8.hash(&mut state),
    }
    state.finish()
}

/// The typed characters along the top.
fn draw_axis<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    layout: &TimelineLayout,
    chars: &[char],
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let px = layout.px;
    let first = layout.rows[0].1;
    let label_every = to_count((MIN_LABELLED_COLUMN / layout.column_css()).ceil().max(1.0));
    let style = TextStyle::from((MONO, FONT_SIZE * px).into_font())
        .color(&layout.theme.text)
        .pos(Pos::new(HPos::Center, VPos::Bottom));
    for (k, &c) in chars.iter().enumerate().take(layout.len) {
        let t = layout.start + k;
        let Some((x0, x1)) = layout.column(t) else { continue };
        if t.is_multiple_of(label_every) {
            area.draw_text(&axis_label(c), &style, ((x0 + x1) / 2, first.y - px_i32(4.0 * px)))?;
        }
    }
    Ok(())
}

/// Step numbers under the last row, and the key to the special colours.
fn draw_foot<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    layout: &TimelineLayout,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let px = layout.px;
    let style = layout.font(SMALL_FONT_SIZE).color(&layout.theme.muted).pos(Pos::new(HPos::Center, VPos::Top));
    let plot = layout.plot_strip();
    let number_every = to_count((40.0 / layout.column_css()).ceil()).max(1);
    for t in (layout.start..layout.start + layout.len).filter(|t| t.is_multiple_of(number_every)) {
        let Some((x0, x1)) = layout.column(t) else { continue };
        area.draw_text(&t.to_string(), &style, ((x0 + x1) / 2, plot.y + plot.h))?;
    }
    let last = layout.last_row();
    draw_special_key(area, layout, last.y + last.h + px_i32((SMALL_FONT_SIZE + 8.0) * px))
}

/// Row `row`'s symbol, caption and warnings in the left margin, down to `bottom` at most.
fn draw_caption<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    layout: &TimelineLayout,
    row: usize,
    info: &RowInfo,
    bottom: i32,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let px = layout.px;
    let rect = layout.rows[row].1;
    let title = layout.font(FONT_SIZE + 3.0).pos(Pos::new(HPos::Left, VPos::Top));
    let caption = layout.font(SMALL_FONT_SIZE).color(&layout.theme.muted).pos(Pos::new(HPos::Left, VPos::Top));
    let warn = layout.font(SMALL_FONT_SIZE).color(&layout.theme.warning).pos(Pos::new(HPos::Left, VPos::Top));
    let left = px_i32(8.0 * px);
    area.draw_text(&info.symbol, &title, (left, rect.y))?;
    let line = px_i32((SMALL_FONT_SIZE + 3.0) * px);
    let mut y = rect.y + px_i32((FONT_SIZE + 6.0) * px);
    // The caption wraps at its " · " so that long activation names fit the margin.
    for part in info.caption.split(" · ") {
        area.draw_text(part, &caption, (left, y))?;
        y += line;
    }
    for part in info.note.iter().flat_map(|note| note.split(" · ")) {
        if y + line > bottom {
            break;
        }
        area.draw_text(part, &warn, (left, y))?;
        y += line;
    }
    Ok(())
}

/// Row `row`'s legend: the frame around its colour bar (painted as cells) and its three ticks.
fn draw_legend_frame<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    layout: &TimelineLayout,
    row: usize,
    scale: &Scale,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let px = layout.px;
    let legend = layout.legends[row];
    let tick = layout.font(SMALL_FONT_SIZE).pos(Pos::new(HPos::Left, VPos::Center));
    area.draw(&Rectangle::new(
        [(legend.x - 1, legend.y - 1), (legend.x + legend.w, legend.y + legend.h)],
        layout.theme.frame,
    ))?;
    let tx = legend.x + legend.w + px_i32(4.0 * px);
    let (lo, hi) = (scale.lo(), scale.hi());
    area.draw_text(&format_tick(hi), &tick, (tx, legend.y + px_i32(4.0 * px)))?;
    area.draw_text(&format_tick((lo + hi) / 2.0), &tick, (tx, legend.y + legend.h / 2))?;
    area.draw_text(&format_tick(lo), &tick, (tx, legend.y + legend.h - px_i32(4.0 * px)))
}

/// The key to colours that are not on any scale.
fn draw_special_key<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    layout: &TimelineLayout,
    y: i32,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let px = layout.px;
    let size = px_i32(10.0 * px);
    let text = layout.font(SMALL_FONT_SIZE).color(&layout.theme.muted).pos(Pos::new(HPos::Left, VPos::Center));
    // From the left edge, with short labels, so the key fits a phone-wide canvas (280 px).
    let mut x = px_i32(8.0 * px);
    let items: [(&str, Option<[u8; 3]>); 4] = [
        ("NaN", Some(NAN_COLOR)),
        ("+∞", Some(POS_INF_COLOR)),
        ("−∞", Some(NEG_INF_COLOR)),
        ("clipped to the legend", None),
    ];
    for (label, color) in items {
        match color {
            Some(rgb) => {
                let c = RGBColor(rgb[0], rgb[1], rgb[2]);
                area.draw(&Rectangle::new([(x, y), (x + size, y + size)], c.filled()))?;
            }
            None => {
                area.draw(&Rectangle::new([(x, y), (x + size, y + size)], layout.theme.frame))?;
                area.draw(&Polygon::new(
                    vec![(x + size / 2, y), (x + size, y), (x + size, y + size / 2)],
                    layout.theme.text.filled(),
                ))?;
            }
        }
        area.draw_text(label, &text, (x + size + px_i32(4.0 * px), y + size / 2))?;
        x += size + px_i32((label.chars().count() as f64 * 6.5 + 16.0) * px);
    }
    Ok(())
}

/// Outlines the selected timestep's column across every row.
pub fn draw_selection<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    layout: &TimelineLayout,
    selected: usize,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let Some((x0, x1)) = layout.column(selected) else { return Ok(()) };
    let width = px_u32((2.0 * layout.px).round().max(1.0));
    let style = layout.theme.selection.stroke_width(width);
    for (_, rect) in &layout.rows {
        area.draw(&Rectangle::new([(x0 - 1, rect.y - 1), (x1, rect.y + rect.h)], style))?;
    }
    Ok(())
}

/// The colour scale a quantity is drawn with: its possible range under the current
/// activations, or where that is unbounded, what it reached: in this run, or with fixed scales,
/// in the standard cell's run (so the legend holds across swaps).
#[must_use]
pub fn scale(lab: &Lab, q: Quantity) -> Scale {
    let reached = if lab.fixed_scales() { lab.reference_range(q) } else { lab.trace().finite_range(q) };
    Scale::for_quantity(lab.possible_range(q), reached)
}

/// A state row's caption: its name and its equation, with × for ⊙ and a state site's output
/// written as its activation of its input: "hidden state · o × tanh(c)".
fn state_caption(spec: &crate::cells::CellSpec, acts: &crate::site::Activations, q: Quantity) -> String {
    let name = match q {
        Quantity::Cell => "cell state",
        Quantity::Input => "input gate",
        Quantity::Forget => "forget gate",
        Quantity::Normalizer => "normaliser",
        Quantity::Stabilizer => "stabiliser",
        _ => "hidden state",
    };
    let Some(equation) = spec.equations.iter().find(|e| e.result == q) else { return name.to_string() };
    let right = equation.text.split(" = ").nth(1).unwrap_or_default();
    let words: Vec<String> = right
        .split(' ')
        .map(|word| match word {
            "⊙" => "×".to_string(),
            _ => spec
                .sites
                .iter()
                .map(|s| s.info())
                .find(|info| info.gate.is_none() && info.output.name() == word && info.input.name() != word)
                .filter(|info| !spec.blocks.iter().any(|b| b.site == info.site))
                .map_or_else(|| word.to_string(), |info| format!("{}({})", acts.get(info.site), info.input.name())),
        })
        .collect();
    let equation = words.join(" ");
    // Tighter where it would not fit the margin: "(1−z)×n + z×h_prev"; the name alone where
    // even that would not (the sLSTM's stabiliser: the inspector writes it out).
    let tight = equation.replace(" × ", "×").replace(" − ", "−");
    match (equation.chars().count(), tight.chars().count()) {
        (0..=20, _) => format!("{name} · {equation}"),
        (_, 0..=22) => format!("{name} · {tight}"),
        _ => name.to_string(),
    }
}

/// A number in at most 4 significant figures, for notes.
fn short_number(v: f64) -> String {
    if v.abs() >= 1e4 || (v != 0.0 && v.abs() < 1e-3) {
        format!("{v:.2e}")
    } else {
        format!("{}", (v * 1000.0).round() / 1000.0)
    }
}

/// Titles, scales and warnings for the timeline's rows.
#[must_use]
pub fn row_infos(lab: &Lab) -> Vec<RowInfo> {
    let acts = lab.activations();
    let trace = lab.trace();
    let spec = trace.spec().unwrap_or(&crate::cells::lstm::SPEC);
    rows_of(trace)
        .iter()
        .map(|&q| {
            let caption = match (q, spec.site_producing(q)) {
                (_, Some(site)) => format!("{} · {}", site.info().caption, acts.get(site)),
                _ => state_caption(spec, acts, q),
            };
            let scale = scale(lab, q);
            let mut notes = Vec::new();
            if let Some((lo, hi)) = trace.finite_range(q) {
                if lo < scale.lo() - 1e-6 || hi > scale.hi() + 1e-6 {
                    notes.push(format!("range {} … {}", short_number(lo), short_number(hi)));
                    notes.push("clipped ◥".to_string());
                }
            }
            let bad = trace.nonfinite(q);
            if bad > 0 {
                notes.push(format!("{bad} NaN/∞"));
            }
            RowInfo {
                symbol: q.name().to_string(),
                caption,
                scale,
                note: (!notes.is_empty()).then(|| notes.join(" · ")),
            }
        })
        .collect()
}

/// What the timeline needs from a surface besides a plotters backend: a small pixel image
/// scaled up without smoothing into a rectangle, and filled triangles. The browser's canvas
/// does both natively (see `web/canvas.rs`); tests record them.
pub trait Raster {
    type Error: std::fmt::Debug;
    /// Draws the `w` × `h` RGBA image in `pixels` scaled to fill `target`.
    fn blit(&mut self, pixels: &[u8], w: usize, h: usize, target: &Rect) -> Result<(), Self::Error>;
    /// Fills every triangle in one colour.
    fn fill_triangles(&mut self, triangles: &[[(i32, i32); 3]], rgb: Rgb) -> Result<(), Self::Error>;
    /// Keeps everything drawn, through plotters too, inside `rects` until [`Raster::unclip`], so
    /// a part redrawn alone cannot spill into its neighbours. A surface that is always drawn
    /// whole (an SVG document) may ignore it.
    fn clip(&mut self, _rects: &[Rect]) -> Result<(), Self::Error> {
        Ok(())
    }
    /// Ends [`Raster::clip`].
    fn unclip(&mut self) -> Result<(), Self::Error> {
        Ok(())
    }
}

/// A raster that draws through plotters itself: each run of equal cells in a row of the image
/// is one filled rectangle, each marker one polygon. It suits vector backends (SVG), where the
/// cells then stay sharp at any zoom, and works on any other backend too.
pub struct AreaRaster<'a, DB: DrawingBackend> {
    pub area: &'a DrawingArea<DB, plotters::coord::Shift>,
}

impl<DB: DrawingBackend> Raster for AreaRaster<'_, DB> {
    type Error = String;

    fn blit(&mut self, pixels: &[u8], w: usize, h: usize, target: &Rect) -> Result<(), String> {
        if w == 0 || h == 0 {
            return Ok(());
        }
        let error = |e: DrawingAreaErrorKind<DB::ErrorType>| format!("drawing failed: {e:?}");
        // Image pixel (x, y) covers target columns x·w_t/w .. (x+1)·w_t/w (and likewise down),
        // so neighbouring cells share their edges with no gaps.
        let edge = |k: usize, n: usize, start: i32, span: i32| start + to_i32(k * to_usize(span) / n);
        for y in 0..h {
            let (y0, y1) = (edge(y, h, target.y, target.h), edge(y + 1, h, target.y, target.h));
            let mut x = 0;
            while x < w {
                let at = (y * w + x) * 4;
                let colour = &pixels[at..at + 4];
                let mut end = x + 1;
                while end < w && &pixels[(y * w + end) * 4..(y * w + end) * 4 + 4] == colour {
                    end += 1;
                }
                if colour[3] > 0 {
                    let fill = RGBColor(colour[0], colour[1], colour[2]).mix(f64::from(colour[3]) / 255.0).filled();
                    let (x0, x1) = (edge(x, w, target.x, target.w), edge(end, w, target.x, target.w));
                    self.area.draw(&Rectangle::new([(x0, y0), (x1, y1)], fill)).map_err(error)?;
                }
                x = end;
            }
        }
        Ok(())
    }

    fn fill_triangles(&mut self, triangles: &[[(i32, i32); 3]], rgb: Rgb) -> Result<(), String> {
        let fill = RGBColor(rgb[0], rgb[1], rgb[2]).filled();
        for t in triangles {
            self.area
                .draw(&Polygon::new(t.to_vec(), fill))
                .map_err(|e| format!("drawing failed: {e:?}"))?;
        }
        Ok(())
    }
}

/// Draws the timeline, keeping its pixel buffers between frames, and what each part of the
/// frame showed, so that a surface that still holds the last picture gets only what changed.
#[derive(Debug, Default)]
pub struct TimelinePainter {
    pixels: Vec<u8>,
    clipped: Vec<Clipped>,
    triangles: Vec<[(i32, i32); 3]>,
    /// What each of the layout's parts showed when last drawn (see `part_key`).
    shown: Vec<u64>,
}

impl TimelinePainter {
    /// Draws the six heatmaps of steps `start .. start + len` (clamped to the trace) and of the
    /// units [`shown_units`] picks for `unit`, their frame and legends, with step `selected`
    /// outlined, onto a canvas `width` device pixels wide.
    ///
    /// With `kept`, the surface still holds this painter's last picture: the cells and the
    /// selection are drawn again, and of the frame only the parts whose content changed (a swap
    /// changes one row's caption and legend; a step change, none). Otherwise all of it is drawn.
    /// Returns the layout, which maps pixels back to (row, step, unit).
    #[allow(clippy::too_many_arguments)]
    pub fn draw<DB: DrawingBackend, R: Raster>(
        &mut self,
        area: &DrawingArea<DB, plotters::coord::Shift>,
        raster: &mut R,
        lab: &Lab,
        width: i32,
        look: Look,
        (start, len): (usize, usize),
        (selected, unit): (usize, usize),
        kept: bool,
    ) -> Result<TimelineLayout, String> {
        let trace = lab.trace();
        let start = start.min(trace.steps());
        let len = len.min(trace.steps() - start);
        let units = shown_units(trace.hidden().max(1), unit);
        let mut layout = TimelineLayout::new(width, look, rows_of(trace), units.len(), start, len.max(1));
        layout.unit_start = units.start;
        let rows = row_infos(lab);
        let chars = &lab.chars()[start..start + len];
        let draw_error = |e: DrawingAreaErrorKind<DB::ErrorType>| format!("drawing failed: {e:?}");
        let raster_error = |e: R::Error| format!("drawing failed: {e:?}");
        let (w, h) = area.dim_in_pixel();
        let size = (i32::try_from(w).unwrap_or(i32::MAX), i32::try_from(h).unwrap_or(i32::MAX));
        let parts = layout.parts();
        if !kept || self.shown.len() != parts.len() {
            self.shown = vec![0; parts.len()];
            area.fill(&layout.theme.background).map_err(draw_error)?;
        }
        let background = layout.theme.background.filled();
        let clear = |rects: &[Rect]| -> Result<(), String> {
            for r in rects.iter().filter(|r| r.w > 0 && r.h > 0) {
                area.draw(&Rectangle::new([(r.x, r.y), (r.x + r.w - 1, r.y + r.h - 1)], background)).map_err(draw_error)?;
            }
            Ok(())
        };
        for (k, &part) in parts.iter().enumerate() {
            let key = part_key(&layout, part, &rows, chars);
            if self.shown[k] == key {
                continue;
            }
            self.shown[k] = key;
            let rects = layout.part_rects(part, size);
            raster.clip(&rects).map_err(raster_error)?;
            clear(&rects)?;
            match part {
                Part::Axis => draw_axis(area, &layout, chars).map_err(draw_error)?,
                Part::Foot => draw_foot(area, &layout).map_err(draw_error)?,
                Part::Caption(row) => {
                    let bottom = rects[0].y + rects[0].h;
                    draw_caption(area, &layout, row, &rows[row], bottom).map_err(draw_error)?;
                }
                Part::Legend(row) => {
                    let legend = layout.legends[row];
                    let height = to_usize(legend.h);
                    heatmap::paint_legend(&mut self.pixels, height, &rows[row].scale);
                    raster.blit(&self.pixels, 1, height, &legend).map_err(raster_error)?;
                    draw_legend_frame(area, &layout, row, &rows[row].scale).map_err(draw_error)?;
                }
            }
            raster.unclip().map_err(raster_error)?;
        }
        let plot = [layout.plot_strip()];
        raster.clip(&plot).map_err(raster_error)?;
        // The cells cover their rectangles whole, so only the space around them is cleared.
        if len > 0 {
            clear(&layout.plot_gaps())?;
        } else {
            clear(&plot)?;
        }
        self.draw_cells(area, raster, lab, &layout, &rows, (start, len))?;
        if len > 0 {
            draw_selection(area, &layout, selected).map_err(draw_error)?;
        }
        raster.unclip().map_err(raster_error)?;
        area.present().map_err(draw_error)?;
        Ok(layout)
    }

    /// Each row's frame, cells and clip markers.
    fn draw_cells<DB: DrawingBackend, R: Raster>(
        &mut self,
        area: &DrawingArea<DB, plotters::coord::Shift>,
        raster: &mut R,
        lab: &Lab,
        layout: &TimelineLayout,
        rows: &[RowInfo],
        (start, len): (usize, usize),
    ) -> Result<(), String> {
        let trace = lab.trace();
        let units = layout.unit_start..layout.unit_start + layout.hidden;
        for (row, (&(q, rect), info)) in layout.rows.iter().zip(rows).enumerate() {
            area.draw(&Rectangle::new([(rect.x - 1, rect.y - 1), (rect.x + rect.w, rect.y + rect.h)], layout.theme.frame))
                .map_err(|e| format!("drawing failed: {e:?}"))?;
            if len == 0 {
                continue;
            }
            let raster_error = |e: R::Error| format!("drawing failed: {e:?}");
            heatmap::paint_cells(&mut self.pixels, &mut self.clipped, trace.values(q), trace.hidden(), units.clone(), (start, len), &info.scale);
            raster.blit(&self.pixels, len, units.len(), &rect).map_err(raster_error)?;
            // One fill per ink: marker triangles in black, then in white.
            for ink in [[0, 0, 0], [255, 255, 255]] {
                self.triangles.clear();
                let markers = self.clipped.iter().filter(|c| c.2 == ink);
                self.triangles.extend(markers.filter_map(|&(k, u, _)| layout.clip_marker(row, k, u)));
                if !self.triangles.is_empty() {
                    raster.fill_triangles(&self.triangles, ink).map_err(raster_error)?;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::float_cmp)] // tests compare exactly on purpose
mod tests {
    use super::*;

    #[test]
    fn locate_inverts_column_and_row() {
        let q = [Quantity::Forget, Quantity::Cell];
        let layout = TimelineLayout::new(1000, Look::light(2.0), &q, 4, 10, 50);
        let (_, cells) = layout.rows[1];
        // The centre of step 10 + 7, unit 2 in the second row.
        let (x0, x1) = layout.column(17).unwrap();
        let y = f64::from(cells.y) + f64::from(cells.h) * 2.5 / 4.0;
        assert_eq!(layout.locate(f64::from(x0 + x1) / 2.0, y), Some((1, 17, 2)));
        assert_eq!(layout.step_at(f64::from(x0 + x1) / 2.0), Some(17));
        assert_eq!(layout.locate(1.0, 1.0), None);
        assert_eq!(layout.column(9), None);
        assert_eq!(layout.column(60), None);
        let cell = layout.cell(1, 7, 2).unwrap();
        assert_eq!((cell.x, cell.x + cell.w), (x0, x1));
        assert_eq!(layout.locate(f64::from(cell.x) + 0.5, f64::from(cell.y) + 0.5), Some((1, 17, 2)));
        let [a, b, c] = layout.clip_marker(1, 7, 2).unwrap();
        assert_eq!(b, (x1, cell.y));
        assert!(a.0 < b.0 && c.1 > b.1);
        // Columns tile the plot without gaps.
        assert_eq!(layout.column(10).unwrap().0, cells.x);
        assert_eq!(layout.column(59).unwrap().1, cells.x + cells.w);
    }

    /// Draws the counter's timeline into an in-memory picture and checks what it shows.
    #[test]
    fn the_picture_shows_the_cells_legends_selection_and_clip_markers() {
        use super::super::colors::Palette;
        use super::super::picture::Picture;
        use crate::{Activation, Site};
        let mut lab = Lab::default();
        for site in [Site::Forget, Site::Input, Site::Output] {
            lab.set_activation(site, Activation::HardSigmoid);
        }
        // With hard-sigmoid gates the cell state is exactly the depth: 1, 2, ..., 12, then 11.
        // Step 4 is selected.
        lab.set_text("(((((((((((()");
        let (width, look) = (900, Look::light(1.0));
        let hidden = lab.trace().hidden();
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let height = timeline_height(ROWS.len(), hidden).ceil() as u32;
        // One picture, as on a canvas: the frame through plotters, the cells through the raster.
        let picture = Picture::new(width, height);
        let area = plotters::drawing::IntoDrawingArea::into_drawing_area(picture.clone());
        let layout =
            TimelinePainter::default().draw(&area, &mut picture.clone(), &lab, 900, look, (0, 13), (4, 0), false).expect("draws");
        let c_row = ROWS.iter().position(|&q| q == Quantity::Cell).unwrap();
        let scale = scale(&lab, Quantity::Cell);
        assert_eq!(scale, Scale::Diverging { limit: 10.0 });
        // Step 2's cell holds c = 3: the middle of its cell has the palette's colour for 3.
        let cell = layout.cell(c_row, 2, 0).unwrap();
        let middle = picture.at(cell.x + cell.w / 2, cell.y + cell.h / 2).unwrap();
        assert_eq!(middle, Palette::new(scale).swatch(3.0).rgb);
        // The legend is labelled with its range, beside its bar.
        let legend = layout.legends[c_row];
        let ticks: Vec<String> = picture
            .texts()
            .into_iter()
            .filter(|t| t.at.0 > legend.x + legend.w && (legend.y..=legend.y + legend.h).contains(&t.at.1))
            .map(|t| t.text)
            .collect();
        assert_eq!(ticks, ["10", "0", "-10"]);
        // Steps 10, 11 and 12 hold 11, 12 and 11, beyond ±10: a marker in each one's top-right
        // corner, in an ink that stands out on the clipped colour.
        let row = layout.rows[c_row].1;
        let markers: Vec<_> =
            picture.triangles().into_iter().filter(|(t, _)| (row.y..row.y + row.h).contains(&t[1].1)).collect();
        assert_eq!(markers.len(), 3, "{markers:?}");
        for (k, (triangle, ink)) in [10, 11, 12].iter().zip(&markers) {
            let cell = layout.cell(c_row, *k, 0).unwrap();
            assert_eq!(triangle[1], (cell.x + cell.w, cell.y), "step {k}");
            assert_eq!(*ink, super::super::heatmap::contrast(Palette::new(scale).swatch(10.0).rgb));
        }
        // The selected step 4 is outlined in the selection colour on every row.
        let (x0, _) = layout.column(4).unwrap();
        for (_, rect) in &layout.rows {
            let edge = picture.at(x0 - 1, rect.y + rect.h / 2).unwrap();
            let selection = look.theme.selection;
            assert_eq!(edge, [selection.0, selection.1, selection.2]);
        }
    }

    /// The raster that draws through plotters (used for SVG) paints the same cells as a canvas
    /// blit, and an SVG drawn with it is a picture of the text, with the text escaped.
    #[test]
    fn cells_drawn_as_rectangles_match_the_blit_and_make_escaped_svg() {
        use super::super::picture::Picture;
        let mut lab = Lab::default();
        lab.set_text("(<(&)\">)");
        let look = Look::light(1.0);
        let height = px_u32(timeline_height(ROWS.len(), lab.trace().hidden()).ceil());
        let blitted = Picture::new(700, height);
        let area = plotters::drawing::IntoDrawingArea::into_drawing_area(blitted.clone());
        let layout = TimelinePainter::default().draw(&area, &mut blitted.clone(), &lab, 700, look, (0, 8), (2, 0), false).unwrap();
        let drawn = Picture::new(700, height);
        let area = plotters::drawing::IntoDrawingArea::into_drawing_area(drawn.clone());
        TimelinePainter::default().draw(&area, &mut AreaRaster { area: &area }, &lab, 700, look, (0, 8), (2, 0), false).unwrap();
        for (row, _) in ROWS.iter().enumerate() {
            for k in 0..8 {
                let cell = layout.cell(row, k, 0).unwrap();
                let (x, y) = (cell.x + cell.w / 2, cell.y + cell.h / 2);
                assert_eq!(drawn.at(x, y), blitted.at(x, y), "row {row}, step {k}");
            }
        }
        let mut svg = String::new();
        {
            let area = SVGBackend::with_string(&mut svg, (700, height)).into_drawing_area();
            TimelinePainter::default().draw(&area, &mut AreaRaster { area: &area }, &lab, 700, look, (0, 8), (2, 0), false).unwrap();
        }
        assert!(svg.starts_with("<svg"), "{}", &svg[..40]);
        // Six rows of eight cells (equal neighbours merge), a rectangle per pixel of each legend bar, frames.
        let rects = svg.matches("<rect").count();
        assert!(rects > 6 * 8 && rects < 600, "{rects} rectangles");
        // Each text's content is on its own line: the typed characters come out escaped.
        let lines: Vec<&str> = svg.lines().collect();
        for escaped in ["&lt;", "&amp;", "&quot;", "&gt;"] {
            assert!(lines.contains(&escaped), "{escaped}");
        }
        assert!(!lines.iter().any(|l| ["<", "&", "\""].contains(l)));
        assert!(svg.contains("clipped to the legend"));
    }

    #[test]
    fn a_large_model_shows_the_block_of_units_holding_the_selected_one() {
        use super::super::colors::Palette;
        use super::super::picture::Picture;
        assert_eq!(shown_units(8, 5), 0..8);
        assert_eq!(shown_units(1024, 0), 0..64);
        assert_eq!(shown_units(1024, 130), 128..192);
        assert_eq!(shown_units(100, 99), 36..100, "the last block is full, ending at the last unit");
        let weights = crate::recurrent::Weights::<f32>::pytorch_init(2, 100, &mut crate::rng::Rng::new(5));
        let model = crate::model::Model::new("wide", crate::recurrent::Recurrent::new(weights).unwrap(), crate::vocab::Vocab::from_chars("ab".chars()).unwrap());
        let mut lab = Lab::new(model);
        lab.set_text("abba");
        let look = Look::light(1.0);
        let height = px_u32(timeline_height(ROWS.len(), MAX_SHOWN_UNITS).ceil());
        let picture = Picture::new(800, height);
        let area = plotters::drawing::IntoDrawingArea::into_drawing_area(picture.clone());
        let layout = TimelinePainter::default().draw(&area, &mut picture.clone(), &lab, 800, look, (0, 4), (1, 70), false).unwrap();
        assert_eq!((layout.unit_start, layout.hidden), (36, 64));
        // The first unit shown is unit 36 of the model: hit-testing says so, and its colour is its value's.
        let row = ROWS.iter().position(|&q| q == Quantity::Cell).unwrap();
        let cell = layout.cell(row, 2, 0).unwrap();
        let (x, y) = (cell.x + cell.w / 2, cell.y + cell.h / 2);
        assert_eq!(layout.locate(f64::from(x), f64::from(y)), Some((row, 2, 36)));
        let value = lab.trace().at(Quantity::Cell, 2)[36];
        assert_eq!(picture.at(x, y).unwrap(), Palette::new(scale(&lab, Quantity::Cell)).swatch(value).rgb);
    }

    /// Redrawing onto a picture that still holds the last one draws only the parts of the frame
    /// that changed, and gives exactly the picture a whole draw gives: every pixel, every text.
    #[test]
    fn a_redraw_of_what_changed_matches_a_whole_draw() {
        use super::super::picture::Picture;
        use crate::{Activation, Site};
        let look = Look::light(1.0);
        let mut lab = Lab::default();
        lab.set_text("(()((()))(");
        let height = px_u32(timeline_height(ROWS.len(), lab.trace().hidden()).ceil());
        let kept = Picture::new(800, height);
        let kept_area = plotters::drawing::IntoDrawingArea::into_drawing_area(kept.clone());
        let mut painter = TimelinePainter::default();
        painter.draw(&kept_area, &mut kept.clone(), &lab, 800, look, (0, 10), (2, 0), false).unwrap();
        let texts_before = kept.texts().len();
        let whole = |lab: &Lab, selected: usize| {
            let picture = Picture::new(800, height);
            let area = plotters::drawing::IntoDrawingArea::into_drawing_area(picture.clone());
            TimelinePainter::default().draw(&area, &mut picture.clone(), lab, 800, look, (0, 10), (selected, 0), false).unwrap();
            picture
        };
        let same = |a: &Picture, b: &Picture, what: &str| {
            for y in 0..to_i32(height as usize) {
                for x in 0..800 {
                    assert_eq!(a.at(x, y), b.at(x, y), "{what}: pixel ({x}, {y})");
                }
            }
            let sorted = |p: &Picture| {
                let mut t: Vec<_> = p.texts().into_iter().map(|t| (t.at, t.text)).collect();
                t.sort();
                t
            };
            assert_eq!(sorted(a), sorted(b), "{what}: texts");
            assert_eq!(a.triangles().len(), b.triangles().len(), "{what}: clip markers");
        };
        // A step change: the selection moves, no text is drawn again.
        painter.draw(&kept_area, &mut kept.clone(), &lab, 800, look, (0, 10), (7, 0), true).unwrap();
        same(&kept, &whole(&lab, 7), "step change");
        assert_eq!(kept.texts().len(), texts_before, "nothing was cleared, so no text was drawn twice");
        // A swap of the forget gate: its caption and the rows whose values changed are redrawn.
        lab.set_activation(Site::Forget, Activation::Identity);
        painter.draw(&kept_area, &mut kept.clone(), &lab, 800, look, (0, 10), (7, 0), true).unwrap();
        same(&kept, &whole(&lab, 7), "swap");
        // A ReLU input gate over a longer text: the cell state outgrows its legend, so warnings
        // and clip markers appear.
        lab.set_activation(Site::Input, Activation::Relu);
        lab.set_text("((((((((((((((((((((");
        painter.draw(&kept_area, &mut kept.clone(), &lab, 800, look, (0, 10), (7, 0), true).unwrap();
        let expected = whole(&lab, 7);
        assert!(!expected.triangles().is_empty() && expected.texts().iter().any(|t| t.text.starts_with("range")));
        same(&kept, &expected, "new text");
    }

    #[test]
    fn invisible_characters_get_labels() {
        assert_eq!(axis_label(' '), "␣");
        assert_eq!(axis_label('\n'), "↵");
        assert_eq!(axis_label('\u{7}'), "·");
        assert_eq!(axis_label('('), "(");
    }
}
