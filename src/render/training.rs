//! Training charts: learning curves (one line per variant, with the spread across seeds as a
//! band) and the gradient's size through time on a log scale.

use super::charts::{draw_grid, finite_runs, Area, Chart, DrawResult};
use super::theme::*;
use crate::train::CurvePoint as Point;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use serde::Deserialize;

/// A tick on a log10 axis as the number it stands for: 1e-4, 3e-5, ...
fn log_tick(y: &f64) -> String {
    format!("{:.0e}", 10f64.powf(*y))
}

/// One variant: its runs (one per seed), drawn as a median line and a min–max band.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct Series {
    pub label: String,
    pub runs: Vec<Vec<Point>>,
}

/// Everything the learning-curve chart shows.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct CurveSet {
    pub series: Vec<Series>,
    pub max_step: f64,
    /// The target held-out accuracy, drawn as a dashed line.
    #[serde(default)]
    pub target: Option<f64>,
}

/// (step, median, min, max) at each evaluation index, over the runs that reached it.
pub fn spread(runs: &[Vec<Point>], value: impl Fn(&Point) -> f64) -> Vec<(f64, f64, f64, f64)> {
    let longest = runs.iter().map(Vec::len).max().unwrap_or(0);
    (0..longest)
        .filter_map(|k| {
            let mut values: Vec<f64> =
                runs.iter().filter_map(|r| r.get(k)).map(&value).filter(|v| v.is_finite()).collect();
            #[allow(clippy::cast_precision_loss)] // step counts are far below 2^52
            let step = runs.iter().find_map(|r| r.get(k))?.step as f64;
            if values.is_empty() {
                return None;
            }
            values.sort_by(f64::total_cmp);
            let n = values.len();
            let median = if n % 2 == 1 { values[n / 2] } else { (values[n / 2 - 1] + values[n / 2]) / 2.0 };
            Some((step, median, values[0], values[n - 1]))
        })
        .collect()
}

/// Held-out loss (log scale) and held-out accuracy side by side, one colour per series.
pub fn draw_learning_curves<DB: DrawingBackend>(area: &Area<DB>, set: &CurveSet, look: Look) -> DrawResult<DB> {
    area.fill(&look.theme.background)?;
    let (d, p) = (|v| look.size(v), |v| look.at(v));
    // The key, when there are several series: above both panels, across the whole width,
    // wrapped onto as many rows as its labels need.
    let keyed = set.series.len() > 1;
    let widths: Vec<f64> =
        set.series.iter().map(|s| 16.0 + text_width(&s.label, SMALL_FONT_SIZE)).filter(|_| keyed).collect();
    let places = key_layout(&widths, 16.0, (8.0, 8.0), f64::from(area.dim_in_pixel().0) / look.px - 8.0);
    let key_rows = places.iter().map(|p| p.1 + 1).max().unwrap_or(0);
    let (key_area, area) = area.split_vertically(d(KEY_ROW * key_rows as f64 + if keyed { 4.0 } else { 0.0 }));
    let sub = look.font(SMALL_FONT_SIZE).color(&look.theme.muted).pos(Pos::new(HPos::Left, VPos::Top));
    for ((k, series), &(x, row)) in set.series.iter().enumerate().zip(&places) {
        let color = UNIT_COLORS[k % UNIT_COLORS.len()];
        let top = 4.0 + KEY_ROW * row as f64;
        key_area.draw(&Rectangle::new([(p(x), p(top + 4.0)), (p(x + 12.0), p(top + 7.0))], color.filled()))?;
        key_area.draw_text(&series.label, &sub, (p(x + 16.0), p(top)))?;
    }
    let (left, right) = area.split_horizontally(area.dim_in_pixel().0 / 2);
    let max_step = set.max_step.max(1.0);
    // Loss panel: log10 of the loss, labelled as powers of ten.
    let losses =
        set.series.iter().flat_map(|s| s.runs.iter().flatten()).flat_map(|p| [Some(p.heldout_loss), p.train_loss]);
    let logs: Vec<f64> = losses.flatten().filter(|v| *v > 0.0 && v.is_finite()).map(f64::log10).collect();
    let lo = logs.iter().copied().fold(f64::INFINITY, f64::min).min(-1.0).floor();
    let hi = logs.iter().copied().fold(f64::NEG_INFINITY, f64::max).max(0.0).ceil();
    // One run: its batches' losses are drawn faint, and a line under the title says so.
    let faint = set.series.len() == 1 && set.series[0].runs.len() == 1;
    let mut chart = ChartBuilder::on(&left)
        .margin(d(8.0))
        .margin_right(d(8.0 + text_width("10000", SMALL_FONT_SIZE) / 2.0))
        .margin_top(d(if faint { 34.0 } else { 28.0 }))
        .y_label_area_size(d(46.0))
        .x_label_area_size(d(24.0))
        .build_cartesian_2d(0.0..max_step, lo..hi)?;
    draw_grid(&mut chart, look, (6, 5), &|x| format!("{x:.0}"), &log_tick)?;
    for (k, series) in set.series.iter().enumerate() {
        let color = UNIT_COLORS[k % UNIT_COLORS.len()];
        let bands = spread(&series.runs, |p| if p.heldout_loss > 0.0 { p.heldout_loss.log10() } else { f64::NAN });
        draw_band(&mut chart, &bands, color)?;
        if faint {
            let train =
                series.runs[0].iter().filter_map(|p| Some((p.step as f64, p.train_loss.filter(|v| *v > 0.0)?.log10())));
            for run in finite_runs(train) {
                chart.draw_series(LineSeries::new(run, color.mix(0.45).stroke_width(d(1.0).max(1))))?;
            }
        }
    }
    let title = look.font(FONT_SIZE).pos(Pos::new(HPos::Left, VPos::Top));
    left.draw_text("held-out loss (log scale)", &title, (p(8.0), p(2.0)))?;
    if faint {
        left.draw_text("faint: training batches", &sub, (p(8.0), p(17.0)))?;
    }
    // Accuracy panel.
    let mut chart = ChartBuilder::on(&right)
        .margin(d(8.0))
        // Room for half of the last tick's label ("1000") right of the axis.
        .margin_right(d(8.0 + text_width("10000", SMALL_FONT_SIZE) / 2.0))
        .margin_top(d(28.0))
        .y_label_area_size(d(40.0))
        .x_label_area_size(d(24.0))
        .build_cartesian_2d(0.0..max_step, 0.0..1.0)?;
    draw_grid(&mut chart, look, (6, 5), &|x| format!("{x:.0}"), &|y| format!("{:.0}%", y * 100.0))?;
    if let Some(target) = set.target {
        chart.draw_series(DashedLineSeries::new(
            [(0.0, target), (max_step, target)],
            d(4.0),
            d(4.0),
            look.theme.frame.stroke_width(d(1.0).max(1)),
        ))?;
    }
    for (k, series) in set.series.iter().enumerate() {
        let color = UNIT_COLORS[k % UNIT_COLORS.len()];
        draw_band(&mut chart, &spread(&series.runs, |p| p.heldout_accuracy), color)?;
    }
    right.draw_text("held-out accuracy", &title, (p(8.0), p(2.0)))?;
    Ok(())
}

/// The median as a line and, where there are several runs, the min–max range as a band.
fn draw_band<DB: DrawingBackend>(
    chart: &mut Chart<DB>,
    bands: &[(f64, f64, f64, f64)],
    color: RGBColor,
) -> DrawResult<DB> {
    if bands.len() > 1 && bands.iter().any(|b| b.2 < b.3) {
        let mut outline: Vec<(f64, f64)> = bands.iter().map(|b| (b.0, b.3)).collect();
        outline.extend(bands.iter().rev().map(|b| (b.0, b.2)));
        chart.draw_series(std::iter::once(Polygon::new(outline, color.mix(0.18).filled())))?;
    }
    chart.draw_series(LineSeries::new(bands.iter().map(|b| (b.0, b.1)), color.stroke_width(2)))?;
    if let [(x, y, ..)] = bands {
        // A single evaluation (a run that diverged at once) is a dot, not an invisible line.
        chart.draw_series(std::iter::once(Circle::new((*x, *y), 3, color.filled())))?;
    }
    Ok(())
}

/// ‖∂L/∂c_t‖ and ‖∂L/∂h_t‖ for each step, on a log scale.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct GradientChart {
    pub cell: Vec<f64>,
    pub hidden: Vec<f64>,
    pub title: String,
}

/// Draws the gradient's size through time; zeros and non-finite values break the lines.
pub fn draw_gradient_flow<DB: DrawingBackend>(
    area: &Area<DB>,
    chart_data: &GradientChart,
    look: Look,
) -> DrawResult<DB> {
    area.fill(&look.theme.background)?;
    let (d, p) = (|v| look.size(v), |v| look.at(v));
    let steps = chart_data.cell.len().max(chart_data.hidden.len()).max(1);
    let logs =
        chart_data.cell.iter().chain(&chart_data.hidden).filter(|v| **v > 0.0 && v.is_finite()).map(|v| v.log10());
    let (lo, hi) = logs.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let (lo, hi) = if lo.is_finite() { (lo.floor().max(-30.0), hi.ceil().max(lo.floor() + 1.0)) } else { (-3.0, 1.0) };
    // The key follows the title, wrapping under it on a narrow chart.
    let labels = ["‖∂L/∂c_t‖", "‖∂L/∂h_t‖"];
    let widths: Vec<f64> = labels.iter().map(|l| 16.0 + text_width(l, SMALL_FONT_SIZE)).collect();
    let x0 = 8.0 + text_width(&chart_data.title, FONT_SIZE) + 20.0;
    let key = key_layout(&widths, 16.0, (x0, 8.0), f64::from(area.dim_in_pixel().0) / look.px - 8.0);
    let key_rows = key.iter().map(|k| k.1).max().unwrap_or(0);
    let mut chart = ChartBuilder::on(area)
        .margin(d(8.0))
        .margin_top(d(28.0 + KEY_ROW * key_rows as f64))
        .y_label_area_size(d(50.0))
        .x_label_area_size(d(24.0))
        .build_cartesian_2d(0.0..steps as f64, lo..hi)?;
    draw_grid(&mut chart, look, (8, 6), &|x| format!("{x:.0}"), &log_tick)?;
    let lines = [(&chart_data.cell, UNIT_COLORS[3], labels[0]), (&chart_data.hidden, UNIT_COLORS[0], labels[1])];
    for (values, color, _) in lines {
        let points =
            values.iter().enumerate().map(|(t, v)| (t as f64 + 0.5, if *v > 0.0 { v.log10() } else { f64::NAN }));
        for run in finite_runs(points) {
            chart.draw_series(LineSeries::new(run, color.stroke_width(d(1.5).max(1))))?;
        }
    }
    let title = look.font(FONT_SIZE).pos(Pos::new(HPos::Left, VPos::Top));
    let sub = look.font(SMALL_FONT_SIZE).pos(Pos::new(HPos::Left, VPos::Top));
    area.draw_text(&chart_data.title, &title, (p(8.0), p(2.0)))?;
    let all = chart_data.cell.iter().chain(&chart_data.hidden);
    if all.clone().any(|v| !v.is_finite()) || (all.clone().count() > 0 && all.clone().all(|v| *v == 0.0)) {
        let warn = look.font(SMALL_FONT_SIZE).color(&look.theme.warning).pos(Pos::new(HPos::Left, VPos::Top));
        let note = if all.clone().any(|v| !v.is_finite()) {
            "some gradients are NaN or ∞ (not drawn): the network has diverged"
        } else {
            "every gradient is exactly 0"
        };
        area.draw_text(note, &warn, (p(60.0), p(34.0)))?;
    }
    for ((_, color, label), &(x, row)) in lines.iter().zip(&key) {
        let top = 4.0 + KEY_ROW * row as f64;
        area.draw(&Rectangle::new([(p(x), p(top + 4.0)), (p(x + 12.0), p(top + 7.0))], color.filled()))?;
        area.draw_text(label, &sub.color(color), (p(x + 16.0), p(top)))?;
    }
    Ok(())
}

/// One panel of the counting chart: a unit's state after each symbol of ^aⁿbⁿ.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct CounterPanel {
    /// "LSTM, seed 1: c of unit 3".
    pub title: String,
    pub values: Vec<f64>,
}

/// The counting chart: one panel per variant, side by side, each on its own scale, with the
/// step where the b's begin marked (`turn`).
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct CounterChart {
    pub panels: Vec<CounterPanel>,
    pub turn: f64,
}

/// Draws each panel's values against the step; non-finite values break the line.
pub fn draw_counter_traces<DB: DrawingBackend>(area: &Area<DB>, data: &CounterChart, look: Look) -> DrawResult<DB> {
    area.fill(&look.theme.background)?;
    let (d, p) = (|v| look.size(v), |v| look.at(v));
    let count = data.panels.len().max(1);
    let panels = area.split_evenly((1, count));
    let title = look.font(SMALL_FONT_SIZE).pos(Pos::new(HPos::Left, VPos::Top));
    for (k, (panel, region)) in data.panels.iter().zip(&panels).enumerate() {
        let steps = panel.values.len().max(2) as f64 - 1.0;
        let finite = panel.values.iter().copied().filter(|v| v.is_finite());
        let (lo, hi) = finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
        let (lo, hi) = if lo.is_finite() { (lo, if hi > lo { hi } else { lo + 1.0 }) } else { (0.0, 1.0) };
        let pad = (hi - lo) * 0.05;
        let mut chart = ChartBuilder::on(region)
            .margin(d(8.0))
            .margin_right(d(8.0 + text_width("600", SMALL_FONT_SIZE) / 2.0))
            .margin_top(d(24.0))
            .y_label_area_size(d(46.0))
            .x_label_area_size(d(24.0))
            .build_cartesian_2d(0.0..steps, (lo - pad)..(hi + pad))?;
        // Whole numbers for a count in the tens or hundreds, two decimals for a bounded state.
        let decimals = if hi - lo >= 10.0 { 0 } else { 2 };
        draw_grid(&mut chart, look, (5, 5), &|x| format!("{x:.0}"), &|y| format!("{y:.decimals$}"))?;
        chart.draw_series(DashedLineSeries::new(
            [(data.turn, lo - pad), (data.turn, hi + pad)],
            d(4.0),
            d(4.0),
            look.theme.frame.stroke_width(d(1.0).max(1)),
        ))?;
        let color = UNIT_COLORS[k % UNIT_COLORS.len()];
        let points = panel.values.iter().enumerate().map(|(t, v)| (t as f64, *v));
        for run in finite_runs(points) {
            chart.draw_series(LineSeries::new(run, color.stroke_width(d(1.5).max(1))))?;
        }
        region.draw_text(&panel.title, &title.color(&color), (p(8.0), p(4.0)))?;
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::float_cmp)] // tests compare exactly on purpose
mod tests {
    use super::*;

    fn point(step: usize, accuracy: f64) -> Point {
        Point { step, heldout_loss: 1.0 - accuracy, heldout_accuracy: accuracy, train_loss: None }
    }

    #[test]
    fn spread_takes_median_and_range_over_runs() {
        let runs = vec![vec![point(0, 0.1), point(10, 0.5)], vec![point(0, 0.3), point(10, 0.9)], vec![point(0, 0.2)]];
        let s = spread(&runs, |p| p.heldout_accuracy);
        assert_eq!(s.len(), 2);
        assert_eq!(s[0], (0.0, 0.2, 0.1, 0.3));
        // Only two runs reached step 10: the median is their mean.
        assert_eq!(s[1], (10.0, 0.7, 0.5, 0.9));
    }

    #[test]
    fn spread_skips_non_finite_values() {
        let runs = vec![vec![point(0, f64::NAN)], vec![point(0, 0.4)]];
        assert_eq!(spread(&runs, |p| p.heldout_accuracy), vec![(0.0, 0.4, 0.4, 0.4)]);
        assert!(spread(&[vec![point(0, f64::NAN)]], |p| p.heldout_accuracy).is_empty());
    }

    #[test]
    fn chart_data_reads_from_json() {
        let set: CurveSet = serde_json::from_str(
            r#"{"series":[{"label":"standard","runs":[[{"step":0,"heldout_loss":2.0,"heldout_accuracy":0.1,"train_loss":null}]]}],"max_step":100,"target":0.99}"#,
        )
        .unwrap();
        assert_eq!(set.series[0].runs[0][0].heldout_loss, 2.0);
        assert_eq!(set.target, Some(0.99));
    }

    /// The comparison's key names every variant, in full, inside the canvas, at the lab's width
    /// at 1400 px and at a phone's; the last step's tick is drawn (the chart leaves it room).
    #[test]
    fn the_learning_curves_key_names_every_series_inside_the_chart() {
        let labels = ["standard", "input gate removed", "candidate sigmoid", "candidate ReLU", "hard-sigmoid gates", "cell output identity"];
        let set = CurveSet {
            series: labels
                .iter()
                .map(|l| Series { label: (*l).to_string(), runs: vec![vec![point(0, 0.1), point(1000, 0.9)]] })
                .collect(),
            max_step: 1000.0,
            target: Some(0.99),
        };
        for width in [340u32, 700, 1000] {
            let picture = super::super::picture::Picture::new(width, 300);
            let area = plotters::drawing::IntoDrawingArea::into_drawing_area(picture.clone());
            draw_learning_curves(&area, &set, Look::light(1.0)).expect("draws");
            let texts = picture.texts();
            for label in labels {
                let text = texts.iter().find(|t| t.text == label).unwrap_or_else(|| panic!("{label} at {width}"));
                let right = f64::from(text.at.0) + text_width(label, SMALL_FONT_SIZE);
                assert!(right <= f64::from(width), "{label} ends at {right} of {width}");
            }
            // The last tick's label, centred on the axis's end, fits inside its panel.
            let ticks: Vec<f64> = texts.iter().filter(|t| t.text == "1000").map(|t| f64::from(t.at.0)).collect();
            assert_eq!(ticks.len(), 2, "both panels label step 1000 at {width}");
            let half = text_width("1000", SMALL_FONT_SIZE) / 2.0;
            assert!(ticks[0] + half <= f64::from(width) / 2.0 && ticks[1] + half <= f64::from(width), "{ticks:?} at {width}");
        }
    }

    /// The counting chart: a panel per variant with its title, whole-number ticks for a count
    /// in the hundreds and two decimals for a state in (−1, 1); a NaN breaks the line, no crash.
    #[test]
    fn the_counting_chart_draws_a_panel_per_variant_on_its_own_scale() {
        let count: Vec<f64> = (0..=300).chain((0..300).rev()).map(f64::from).collect();
        let bounded: Vec<f64> = count.iter().map(|k| (k / 10.0).tanh()).collect();
        let mut broken = bounded.clone();
        broken[7] = f64::NAN;
        let data = CounterChart {
            panels: vec![
                CounterPanel { title: "LSTM, seed 1: c of unit 6".into(), values: count },
                CounterPanel { title: "GRU, seed 1: h of unit 2".into(), values: broken },
            ],
            turn: 301.0,
        };
        let picture = super::super::picture::Picture::new(900, 220);
        let area = plotters::drawing::IntoDrawingArea::into_drawing_area(picture.clone());
        draw_counter_traces(&area, &data, Look::light(1.0)).expect("draws");
        let texts: Vec<String> = picture.texts().into_iter().map(|t| t.text).collect();
        assert!(texts.iter().any(|t| t == "LSTM, seed 1: c of unit 6") && texts.iter().any(|t| t == "GRU, seed 1: h of unit 2"));
        assert!(texts.iter().any(|t| t == "300") && texts.iter().any(|t| t == "0.50"), "{texts:?}");
        assert!(!texts.iter().any(|t| t.ends_with(".00") && t.len() > 5), "no 300.00: {texts:?}");
    }
}
