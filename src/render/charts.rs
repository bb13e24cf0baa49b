//! Line charts: the cell state over time (the counter view) and the activation panel (each
//! site's function and exact derivative, with this timestep's inputs marked on the curve).

use super::theme::*;
use crate::activation::Activation;
use crate::site::Activations;
use crate::cells::lstm;
use crate::site::SiteInfo;
use crate::quantity::Quantity;
use crate::trace::Trace;
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

pub(crate) type Area<DB> = DrawingArea<DB, Shift>;
pub(crate) type DrawResult<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;
pub(crate) type Chart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Grid, axes and tick labels in the style every chart shares.
pub(crate) fn draw_grid<DB: DrawingBackend>(
    chart: &mut Chart<DB>,
    look: Look,
    (x_labels, y_labels): (usize, usize),
    x_format: &dyn Fn(&f64) -> String,
    y_format: &dyn Fn(&f64) -> String,
) -> DrawResult<DB> {
    chart
        .configure_mesh()
        // One faint line between labelled ones: plotters' default of ten is hundreds of separate
        // strokes per chart, which was a large share of a redraw.
        .max_light_lines(1)
        .light_line_style(look.theme.grid.mix(0.5))
        .bold_line_style(look.theme.grid)
        .axis_style(look.theme.frame)
        .label_style(look.font(SMALL_FONT_SIZE))
        .x_labels(x_labels)
        .y_labels(y_labels)
        .x_label_formatter(x_format)
        .y_label_formatter(y_format)
        .draw()
}

/// Splits a series at non-finite values, so a NaN breaks the line instead of breaking the chart.
pub(crate) fn finite_runs(points: impl Iterator<Item = (f64, f64)>) -> Vec<Vec<(f64, f64)>> {
    let mut runs = vec![Vec::new()];
    for (x, y) in points {
        if y.is_finite() {
            runs.last_mut().expect("never empty").push((x, y));
        } else if !runs.last().expect("never empty").is_empty() {
            runs.push(Vec::new());
        }
    }
    runs.retain(|r| !r.is_empty());
    runs
}

/// A y range holding `lo..hi` with some headroom, at least −1..1, whole numbers when wide.
fn padded_range(lo: f64, hi: f64) -> (f64, f64) {
    let (lo, hi) = (lo.min(-1.0), hi.max(1.0));
    let pad = (hi - lo) * 0.08;
    let (lo, hi) = (lo - pad, hi + pad);
    if hi - lo > 4.0 {
        (lo.floor(), hi.ceil())
    } else {
        (lo, hi)
    }
}

/// Cell state of every unit over the visible window, one line per unit, the selected step
/// marked. Shares the timeline's left and right margins so that columns line up.
/// A series the cell state should follow, drawn dashed behind it: the bracket depth on the
/// counter, so a reader sees c track it (and how far it drifts).
#[derive(Clone, Copy, Debug)]
pub struct Reference<'a> {
    pub label: &'a str,
    /// One value per step of the trace.
    pub values: &'a [f64],
}

pub fn draw_cell_chart<DB: DrawingBackend>(
    area: &Area<DB>,
    trace: &Trace<f32>,
    (start, len): (usize, usize),
    units: std::ops::Range<usize>,
    selected: Option<usize>,
    reference: Option<Reference>,
    look: Look,
) -> DrawResult<DB> {
    area.fill(&look.theme.background)?;
    // The cell's memory: c for the LSTM, h for the GRU.
    let memory = trace.spec().map_or(Quantity::Cell, |s| s.memory);
    let units = units.start.min(trace.hidden())..units.end.min(trace.hidden());
    let end = (start + len).min(trace.steps());
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for t in start..end {
        for &v in &trace.at(memory, t)[units.clone()] {
            if v.is_finite() {
                lo = lo.min(f64::from(v));
                hi = hi.max(f64::from(v));
            }
        }
    }
    for &v in reference.map_or(&[][..], |r| &r.values[start.min(r.values.len())..end.min(r.values.len())]) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() {
        (lo, hi) = (-1.0, 1.0);
    }
    let (y0, y1) = padded_range(lo, hi);
    let (d, p) = (|v| look.size(v), |v| look.at(v));
    let key = CellKey::new(units.clone(), trace.hidden(), reference.map(|r| r.label), f64::from(area.dim_in_pixel().0) / look.px);
    let mut chart = ChartBuilder::on(area)
        .margin_top(d(26.0 + KEY_ROW * key.extra_rows() as f64))
        .margin_right(d(RIGHT))
        .y_label_area_size(d(LEFT))
        .x_label_area_size(d(26.0))
        .build_cartesian_2d(start as f64..(start + len.max(1)) as f64, y0..y1)?;
    let y_format = |y: &f64| match (y1 - y0).abs() {
        span if span >= 1e5 => format!("{y:.1e}"),
        span if span > 4.0 => format!("{y:.0}"),
        _ => format!("{y:.1}"),
    };
    draw_grid(&mut chart, look, (8, 6), &|x| format!("{}", x.floor()), &y_format)?;
    if y0 < 0.0 && y1 > 0.0 {
        chart.draw_series(LineSeries::new([(start as f64, 0.0), ((start + len) as f64, 0.0)], look.theme.frame))?;
    }
    if let Some(reference) = reference {
        let points: Vec<(f64, f64)> =
            (start..end.min(reference.values.len())).map(|t| (t as f64 + 0.5, reference.values[t])).collect();
        let style = look.theme.text.stroke_width(d(1.5).max(1));
        chart.draw_series(DashedLineSeries::new(points, d(6.0), d(4.0), style))?;
    }
    for u in units.clone() {
        let color = UNIT_COLORS[u % UNIT_COLORS.len()];
        let points = (start..end).map(|t| (t as f64 + 0.5, f64::from(trace.at(memory, t)[u])));
        for run in finite_runs(points) {
            chart.draw_series(LineSeries::new(run, color.stroke_width(d(1.5).max(1))))?;
        }
    }
    if let Some(t) = selected.filter(|t| (start..end).contains(t)) {
        let x = t as f64 + 0.5;
        chart.draw_series(LineSeries::new([(x, y0), (x, y1)], look.theme.selection.stroke_width(d(1.5).max(1))))?;
        for u in units.clone() {
            let v = f64::from(trace.at(memory, t)[u]);
            if v.is_finite() {
                let color = UNIT_COLORS[u % UNIT_COLORS.len()];
                chart.draw_series(std::iter::once(Circle::new((x, v), d(3.5), color.filled())))?;
            }
        }
    }
    let title = look.font(FONT_SIZE + 1.0).pos(Pos::new(HPos::Left, VPos::Top));
    area.draw_text(memory_title(memory), &title, (p(8.0), p(6.0)))?;
    let font = look.font(SMALL_FONT_SIZE).color(&look.theme.muted).pos(Pos::new(HPos::Left, VPos::Top));
    let stroke = look.theme.text.stroke_width(d(1.5).max(1));
    for (item, &(x, row)) in key.items.iter().zip(&key.places) {
        let (x, top) = (x, 5.0 + KEY_ROW * row as f64);
        let y = p(top + 5.0);
        match item.swatch {
            Swatch::Unit(u) => {
                let color = UNIT_COLORS[u % UNIT_COLORS.len()];
                area.draw(&Rectangle::new([(p(x), y - p(1.0)), (p(x + 14.0), y + p(1.0))], color.filled()))?;
            }
            Swatch::Dashed => {
                area.draw(&PathElement::new([(p(x), y), (p(x + 6.0), y)], stroke))?;
                area.draw(&PathElement::new([(p(x + 9.0), y), (p(x + 15.0), y)], stroke))?;
            }
            Swatch::None => {}
        }
        let indent = if matches!(item.swatch, Swatch::None) { 0.0 } else { SWATCH };
        area.draw_text(&item.label, &font, (p(x + indent), p(top)))?;
    }
    Ok(())
}

/// A key item's swatch and the space before its label, CSS px.
const SWATCH: f64 = 19.0;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Swatch {
    Unit(usize),
    Dashed,
    None,
}

#[derive(Clone, Debug, PartialEq)]
struct KeyItem {
    swatch: Swatch,
    label: String,
}

/// The cell chart's key: up to six units by name, how many more there are, and the reference
/// line's name, laid out after the title and wrapped onto more rows when the width runs out.
#[derive(Clone, Debug, PartialEq)]
struct CellKey {
    items: Vec<KeyItem>,
    /// Each item's (x, row), CSS px.
    places: Vec<(f64, usize)>,
}

impl CellKey {
    fn new(units: std::ops::Range<usize>, hidden: usize, reference: Option<&str>, width: f64) -> CellKey {
        let shown = units.len().min(6);
        let mut items: Vec<KeyItem> =
            units.clone().take(shown).map(|u| KeyItem { swatch: Swatch::Unit(u), label: format!("unit {u}") }).collect();
        let others = units.len() - shown;
        if units.len() < hidden {
            let label = format!("(units {}–{} of {})", units.start, units.end.saturating_sub(1), hidden);
            let label = if others > 0 { format!("+{others} {label}") } else { label };
            items.push(KeyItem { swatch: Swatch::None, label });
        } else if others > 0 {
            items.push(KeyItem { swatch: Swatch::None, label: format!("+{others} more unit{}", if others == 1 { "" } else { "s" }) });
        }
        if let Some(label) = reference {
            items.push(KeyItem { swatch: Swatch::Dashed, label: label.to_string() });
        }
        let widths: Vec<f64> = items
            .iter()
            .map(|i| text_width(&i.label, SMALL_FONT_SIZE) + if i.swatch == Swatch::None { 0.0 } else { SWATCH })
            .collect();
        let x0 = 8.0 + text_width(memory_title(Quantity::Hidden), FONT_SIZE + 1.0) + 20.0;
        let places = key_layout(&widths, 14.0, (x0.max(LEFT), LEFT), width - 8.0);
        CellKey { items, places }
    }

    /// Rows of the key below the title's.
    fn extra_rows(&self) -> usize {
        self.places.iter().map(|p| p.1).max().unwrap_or(0)
    }
}

/// The memory chart's title: the LSTM's cell state, the GRU's hidden state.
fn memory_title(memory: Quantity) -> &'static str {
    if memory == Quantity::Cell {
        "cell state c over time"
    } else {
        "hidden state h over time"
    }
}

/// The x span an activation plot covers: at least −6..6, widened to show every marked input.
fn x_span(inputs: &[f32]) -> (f64, f64) {
    let mut lo: f64 = -6.0;
    let mut hi: f64 = 6.0;
    for &z in inputs.iter().filter(|z| z.is_finite()) {
        lo = lo.min(f64::from(z) * 1.1 - 0.5);
        hi = hi.max(f64::from(z) * 1.1 + 0.5);
    }
    (lo.max(-60.0), hi.min(60.0))
}

/// Points of a curve.
type Curve = Vec<(f64, f64)>;

/// Samples the function and its derivative over the span; returns (curve, derivative, y range).
fn sample(act: Activation, (x0, x1): (f64, f64)) -> (Curve, Curve, (f64, f64)) {
    let n = 240;
    let xs = (0..=n).map(|k| x0 + (x1 - x0) * f64::from(k) / f64::from(n));
    let curve: Vec<(f64, f64)> = xs.clone().map(|x| (x, act.apply(x))).collect();
    let slope: Vec<(f64, f64)> = xs.map(|x| (x, act.derivative(x))).collect();
    let (mut lo, mut hi) = (-0.1f64, 1.1f64);
    for &(_, y) in curve.iter().chain(&slope) {
        lo = lo.min(y);
        hi = hi.max(y);
    }
    let pad = (hi - lo) * 0.06;
    (curve, slope, (lo - pad, hi + pad))
}

/// How the activation panel's charts are arranged on a panel `css_width` wide: (rows,
/// columns). All in one row when each gets about 170 px; three or two per row on narrower
/// screens, so that titles, keys and ticks never overlap.
#[must_use]
pub fn activation_panel_grid(css_width: f64, sites: usize) -> (usize, usize) {
    let columns = if css_width >= 860.0 {
        sites
    } else if css_width >= 540.0 {
        3
    } else {
        2
    };
    (sites.div_ceil(columns), columns)
}

/// Small charts, one per site: the activation (solid), its derivative (thin), and the selected
/// timestep's inputs as dots on the curve, so saturation is visible at a glance. They are laid
/// out by [`activation_panel_grid`] for the area's width.
pub fn draw_activation_panel<DB: DrawingBackend>(
    area: &Area<DB>,
    acts: &Activations,
    trace: &Trace<f32>,
    selected: Option<usize>,
    look: Look,
) -> DrawResult<DB> {
    area.fill(&look.theme.background)?;
    let (d, p) = (|v| look.size(v), |v| look.at(v));
    // The sites of the cell that made the trace (the LSTM's before any run).
    let sites: Vec<&SiteInfo> = trace.spec().unwrap_or(&lstm::SPEC).sites.iter().map(|s| s.info()).collect();
    let panels = area.split_evenly(activation_panel_grid(f64::from(area.dim_in_pixel().0) / look.px, sites.len()));
    for (panel, site) in panels.iter().zip(sites) {
        let act = acts.get(site.site);
        let inputs: &[f32] = match selected.filter(|&t| t < trace.steps()) {
            Some(t) => trace.at(site.input, t),
            None => &[],
        };
        let span = x_span(inputs);
        let (curve, slope, (y0, y1)) = sample(act, span);
        let mut chart = ChartBuilder::on(panel)
            .margin(d(6.0))
            .margin_top(d(34.0))
            .y_label_area_size(d(30.0))
            .x_label_area_size(d(20.0))
            .build_cartesian_2d(span.0..span.1, y0..y1)?;
        draw_grid(&mut chart, look, (5, 5), &|x| format!("{x:.0}"), &|y| format!("{y:.1}"))?;
        chart.draw_series(LineSeries::new(slope, UNIT_COLORS[1].stroke_width(d(1.2).max(1))))?;
        chart.draw_series(LineSeries::new(curve, UNIT_COLORS[0].stroke_width(d(2.0).max(1))))?;
        // Inputs beyond the plotted span are drawn at its edge as open circles.
        let mut inside = Vec::new();
        let mut beyond = Vec::new();
        for &z in inputs.iter().filter(|z| z.is_finite()) {
            let x = f64::from(z).clamp(span.0, span.1);
            let y = act.apply(x);
            if y.is_finite() && y >= y0 && y <= y1 {
                if (span.0..=span.1).contains(&f64::from(z)) {
                    inside.push((x, y))
                } else {
                    beyond.push((x, y))
                }
            }
        }
        chart.draw_series(inside.into_iter().map(|p| Circle::new(p, d(3.5), look.theme.selection.filled())))?;
        chart.draw_series(
            beyond.into_iter().map(|p| Circle::new(p, d(4.0), look.theme.selection.stroke_width(d(1.5).max(1)))),
        )?;
        let title = look.font(FONT_SIZE).pos(Pos::new(HPos::Left, VPos::Top));
        let sub = look.font(SMALL_FONT_SIZE).color(&look.theme.muted).pos(Pos::new(HPos::Left, VPos::Top));
        // The control's label in sentence case: "forget gate f", "cell output (of c)".
        let mut label = site.label.to_string();
        label[..1].make_ascii_lowercase();
        panel.draw_text(&label, &title, (p(8.0), p(3.0)))?;
        // The key: the activation's name, then "value" and "slope" in their curves' colours.
        let name = act.to_string();
        panel.draw_text(&name, &sub, (p(8.0), p(18.0)))?;
        let x = p(8.0 + name.chars().count() as f64 * 6.2 + 10.0);
        panel.draw_text("value", &sub.color(&UNIT_COLORS[0]), (x, p(18.0)))?;
        panel.draw_text("slope", &sub.color(&UNIT_COLORS[1]), (x + p(38.0), p(18.0)))?;
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::float_cmp)] // tests compare exactly on purpose
mod tests {
    use super::*;

    #[test]
    fn non_finite_values_split_lines() {
        let points = [(0.0, 1.0), (1.0, f64::NAN), (2.0, 2.0), (3.0, 3.0), (4.0, f64::INFINITY)];
        let runs = finite_runs(points.into_iter());
        assert_eq!(runs, vec![vec![(0.0, 1.0)], vec![(2.0, 2.0), (3.0, 3.0)]]);
    }

    #[test]
    fn spans_cover_the_marked_inputs() {
        assert_eq!(x_span(&[]), (-6.0, 6.0));
        let (lo, hi) = x_span(&[-10.0, 20.0, f32::NAN]);
        assert!(lo < -10.0 && hi > 20.0);
        assert_eq!(x_span(&[1e9]).1, 60.0);
    }

    #[test]
    fn sampled_range_holds_function_and_slope() {
        let (curve, slope, (lo, hi)) = sample(Activation::Identity, (-6.0, 6.0));
        assert!(lo < -6.0 && hi > 6.0);
        assert_eq!(curve.len(), slope.len());
        let (_, _, (lo, hi)) = sample(Activation::Sigmoid, (-6.0, 6.0));
        assert!(lo < 0.0 && hi > 1.0 && hi < 1.5);
    }

    #[test]
    fn the_cell_key_names_every_unit_it_counts_and_the_whole_reference() {
        let labels = |key: &CellKey| key.items.iter().map(|i| i.label.clone()).collect::<Vec<_>>();
        // One unit, the counter's reference, at a phone's width and at a projector's (where
        // presenter mode's scale leaves about 440 CSS px): everything is named, nothing is "more".
        for width in [340.0, 440.0, 1200.0] {
            let key = CellKey::new(0..1, 1, Some("bracket depth"), width);
            assert_eq!(labels(&key), ["unit 0", "bracket depth"], "at {width}");
            for (item, &(x, _)) in key.items.iter().zip(&key.places) {
                let w = text_width(&item.label, SMALL_FONT_SIZE) + SWATCH;
                assert!(x + w <= width - 8.0, "{} ends at {} of {width}", item.label, x + w);
            }
        }
        assert_eq!(CellKey::new(0..1, 1, Some("bracket depth"), 1200.0).extra_rows(), 0);
        assert!(CellKey::new(0..1, 1, Some("bracket depth"), 340.0).extra_rows() > 0);
        // Seven units: six named, one more (singular); a block of a larger model says which.
        assert_eq!(labels(&CellKey::new(0..7, 7, None, 2000.0)).last().unwrap(), "+1 more unit");
        assert_eq!(labels(&CellKey::new(64..128, 1024, None, 2000.0)).last().unwrap(), "+58 (units 64–127 of 1024)");
    }
}
