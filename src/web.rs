//! The only module that knows about the browser: a handle JS holds, with thin methods over
//! [`Lab`] and the renderers. Small things cross the boundary (settings, one timestep's
//! numbers); the trace stays in Rust and is drawn from here.

use crate::activation::{Activation, Site, NAMED};
use crate::lab::{Lab, TIMELINE_ROWS};
use crate::presets::Preset;
use crate::pytorch;
#[cfg(feature = "trainer")]
use crate::render::training;
use crate::render::{charts, heatmap, timeline};
use crate::trace::Quantity;
#[cfg(feature = "trainer")]
use crate::train::live::{ComparisonSetup, LiveRun, RunSetup};
#[cfg(feature = "trainer")]
use crate::train::Comparison;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use serde::Serialize;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::Clamped;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};

thread_local! {
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Keeps the message of a panic, so the page can show it after the call fails.
#[wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        let message = info.to_string();
        LAST_PANIC.with(|p| *p.borrow_mut() = Some(message));
    }));
}

/// The message of the last panic, once (None if there was none).
#[wasm_bindgen]
pub fn take_panic_message() -> Option<String> {
    LAST_PANIC.with(|p| p.borrow_mut().take())
}

/// The activation names the controls offer (the morph is `morph:T`).
#[wasm_bindgen]
pub fn activation_names() -> Vec<String> {
    NAMED.iter().map(|a| a.name()).collect()
}

/// How many timesteps fit across a timeline `css_width` CSS pixels wide.
#[wasm_bindgen]
pub fn visible_steps(css_width: f64) -> usize {
    timeline::visible_steps(css_width)
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    let serializer = serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true);
    value.serialize(&serializer).map_err(|e| JsError::new(&e.to_string()))
}

fn draw_error<E: std::fmt::Debug>(e: E) -> JsError {
    JsError::new(&format!("drawing failed: {e:?}"))
}

fn context(canvas: &HtmlCanvasElement) -> Result<CanvasRenderingContext2d, JsError> {
    canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
        .ok_or_else(|| JsError::new("this browser gave no 2D canvas"))
}

fn backend(canvas: &HtmlCanvasElement) -> Result<CanvasBackend, JsError> {
    CanvasBackend::with_canvas_object(canvas.clone()).ok_or_else(|| JsError::new("canvas unavailable"))
}

/// Maps a pixel of the last drawn timeline back to (row, timestep, unit).
#[wasm_bindgen]
pub struct TimelineView {
    layout: timeline::TimelineLayout,
}

#[wasm_bindgen]
impl TimelineView {
    /// `[row, timestep, unit]` under device pixel (x, y), or undefined off the cells.
    pub fn locate(&self, x: f64, y: f64) -> Option<Vec<u32>> {
        self.layout.locate(x, y).map(|(r, t, u)| vec![r as u32, t as u32, u as u32])
    }

    /// The timestep whose column holds device x, anywhere down the canvas.
    pub fn step_at(&self, x: f64) -> Option<usize> {
        self.layout.step_at(x)
    }

    /// The quantity name of a row.
    pub fn row_name(&self, row: usize) -> Option<String> {
        self.layout.rows.get(row).map(|(q, _)| q.name().to_string())
    }
}

/// The handle the page holds: one model, its activations, the text and everything drawn.
#[wasm_bindgen]
pub struct GateLab {
    lab: Lab,
    pixels: Vec<u8>,
    scratch: Option<HtmlCanvasElement>,
    clipped: Vec<heatmap::Clipped>,
}

impl Default for GateLab {
    fn default() -> Self {
        GateLab { lab: Lab::default(), pixels: Vec::new(), scratch: None, clipped: Vec::new() }
    }
}

/// Scales the `w` × `h` image in `pixels` up onto `target`, without smoothing, through
/// a small scratch canvas (putImageData itself cannot scale).
fn blit(
    scratch: &mut Option<HtmlCanvasElement>,
    pixels: &[u8],
    ctx: &CanvasRenderingContext2d,
    w: usize,
    h: usize,
    target: &heatmap::Rect,
) -> Result<(), JsError> {
    if w == 0 || h == 0 {
        return Ok(());
    }
    let scratch = match scratch {
        Some(canvas) => canvas.clone(),
        None => {
            let canvas = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.create_element("canvas").ok())
                .and_then(|e| e.dyn_into::<HtmlCanvasElement>().ok())
                .ok_or_else(|| JsError::new("could not make a scratch canvas"))?;
            *scratch = Some(canvas.clone());
            canvas
        }
    };
    if scratch.width() < w as u32 || scratch.height() < h as u32 {
        scratch.set_width(scratch.width().max(w as u32));
        scratch.set_height(scratch.height().max(h as u32));
    }
    let image = ImageData::new_with_u8_clamped_array_and_sh(Clamped(&pixels[..w * h * 4]), w as u32, h as u32)
        .map_err(|_| JsError::new("could not make an image"))?;
    context(&scratch)?.put_image_data(&image, 0.0, 0.0).map_err(|_| JsError::new("could not draw an image"))?;
    ctx.draw_image_with_html_canvas_element_and_sw_and_sh_and_dx_and_dy_and_dw_and_dh(
        &scratch,
        0.0,
        0.0,
        w as f64,
        h as f64,
        target.x as f64,
        target.y as f64,
        target.w as f64,
        target.h as f64,
    )
    .map_err(|_| JsError::new("could not draw an image"))
}

/// Fills every marker triangle of one ink in a single path: one fill call per colour.
fn draw_markers(ctx: &CanvasRenderingContext2d, markers: impl Iterator<Item = ([(i32, i32); 3], [u8; 3])>) {
    let (mut dark, mut light): (Vec<_>, Vec<_>) = (Vec::new(), Vec::new());
    for (triangle, ink) in markers {
        if ink == [0, 0, 0] {
            dark.push(triangle)
        } else {
            light.push(triangle)
        }
    }
    for (triangles, color) in [(dark, "#000"), (light, "#fff")] {
        if triangles.is_empty() {
            continue;
        }
        ctx.begin_path();
        for [a, b, c] in triangles {
            ctx.move_to(a.0 as f64, a.1 as f64);
            ctx.line_to(b.0 as f64, b.1 as f64);
            ctx.line_to(c.0 as f64, c.1 as f64);
            ctx.close_path();
        }
        ctx.set_fill_style_str(color);
        ctx.fill();
    }
}

#[wasm_bindgen]
impl GateLab {
    /// Starts on the counter preset with the standard activations.
    #[wasm_bindgen(constructor)]
    pub fn new() -> GateLab {
        GateLab::default()
    }

    /// Switches to a preset by name: counter, latch or random (with hidden size and seed).
    pub fn use_preset(&mut self, name: &str, hidden: usize, seed: f64) -> Result<(), JsError> {
        let seed = if seed.is_finite() && seed >= 0.0 { seed as u64 } else { 0 };
        let preset = Preset::from_name(name, hidden, seed)
            .ok_or_else(|| JsError::new(&format!("unknown preset {name:?}: expected counter, latch or random")))?;
        self.lab.set_model(preset.build());
        Ok(())
    }

    /// Loads PyTorch JSON weights; on error the current model stays and the message says why.
    pub fn load_weights(&mut self, json: &str, name: &str) -> Result<(), JsError> {
        let model = pytorch::load(json, name).map_err(|e| JsError::new(&e.to_string()))?;
        self.lab.set_model(model);
        Ok(())
    }

    /// The current model as PyTorch JSON.
    pub fn export_weights(&self) -> String {
        pytorch::export(self.lab.model()).to_string()
    }

    /// Sets one site's activation by name (`tanh`, `none`, `morph:0.3`, ...).
    pub fn set_activation(&mut self, site: &str, name: &str) -> Result<(), JsError> {
        let site = Site::from_name(site).ok_or_else(|| JsError::new(&format!("unknown site {site:?}")))?;
        let activation: Activation =
            name.parse().map_err(|e: crate::activation::UnknownActivation| JsError::new(&e.to_string()))?;
        self.lab.set_activation(site, activation);
        Ok(())
    }

    pub fn set_text(&mut self, text: &str) {
        self.lab.set_text(text);
    }

    /// Counts, ranges, saturation and parameters of the current run.
    pub fn summary(&self) -> Result<JsValue, JsError> {
        to_js(&self.lab.summary())
    }

    /// Every traced value at timestep `t`, per unit.
    pub fn step(&self, t: usize) -> Result<JsValue, JsError> {
        to_js(&self.lab.step_detail(t))
    }

    /// A copy of one quantity's whole buffer (timestep-major), for tests and export.
    pub fn values(&self, quantity: &str) -> Result<Vec<f32>, JsError> {
        let q = Quantity::from_name(quantity).ok_or_else(|| JsError::new(&format!("unknown quantity {quantity:?}")))?;
        Ok(self.lab.trace().values(q).to_vec())
    }

    /// The one-step calculator under the current activations.
    pub fn calculate(&self, c_prev: &str, f: &str, i: &str, g: &str, o: &str) -> Result<JsValue, JsError> {
        let step = self.lab.calculate(c_prev, f, i, g, o).map_err(|e| JsError::new(&e))?;
        let map: std::collections::BTreeMap<&str, &Vec<f64>> = step.fields().into_iter().collect();
        to_js(&map)
    }

    /// The CSS height the timeline wants for the current hidden size.
    pub fn timeline_height(&self) -> f64 {
        timeline::timeline_height(TIMELINE_ROWS.len(), self.lab.trace().hidden().max(1))
    }

    /// Draws the six heatmaps for steps `start .. start + len` with `selected` outlined.
    /// `px` is the device pixel ratio; the canvas is already sized in device pixels.
    pub fn draw_timeline(
        &mut self,
        canvas: &HtmlCanvasElement,
        start: usize,
        len: usize,
        selected: usize,
        px: f64,
    ) -> Result<TimelineView, JsError> {
        let trace = self.lab.trace();
        let start = start.min(trace.steps());
        let len = len.min(trace.steps() - start);
        let layout = timeline::TimelineLayout::new(
            canvas.width() as i32,
            px,
            &TIMELINE_ROWS,
            trace.hidden().max(1),
            start,
            len.max(1),
        );
        let rows = self.lab.row_infos();
        let chars = &self.lab.chars()[start..start + len];
        let area = backend(canvas)?.into_drawing_area();
        timeline::draw_frame(&area, &layout, &rows, chars).map_err(draw_error)?;
        let ctx = context(canvas)?;
        ctx.set_image_smoothing_enabled(false);
        let hidden = trace.hidden();
        for (row, ((&(q, rect), legend), info)) in layout.rows.iter().zip(&layout.legends).zip(&rows).enumerate() {
            if len > 0 {
                heatmap::paint_cells(
                    &mut self.pixels,
                    &mut self.clipped,
                    trace.values(q),
                    hidden,
                    start,
                    len,
                    &info.scale,
                );
                blit(&mut self.scratch, &self.pixels, &ctx, len, hidden, &rect)?;
                let clipped = &self.clipped;
                draw_markers(
                    &ctx,
                    clipped.iter().filter_map(|&(k, u, ink)| Some((layout.clip_marker(row, k, u)?, ink))),
                );
            }
            heatmap::paint_legend(&mut self.pixels, legend.h as usize, &info.scale);
            blit(&mut self.scratch, &self.pixels, &ctx, 1, legend.h as usize, legend)?;
        }
        if len > 0 {
            timeline::draw_selection(&area, &layout, selected).map_err(draw_error)?;
        }
        area.present().map_err(draw_error)?;
        Ok(TimelineView { layout })
    }

    /// The cell state of every unit over the same window as the timeline.
    pub fn draw_cell_chart(
        &self,
        canvas: &HtmlCanvasElement,
        start: usize,
        len: usize,
        selected: usize,
        px: f64,
    ) -> Result<(), JsError> {
        let area = backend(canvas)?.into_drawing_area();
        charts::draw_cell_chart(&area, self.lab.trace(), start, len, Some(selected), px).map_err(draw_error)?;
        area.present().map_err(draw_error)
    }

    /// Each site's activation and derivative with timestep `selected`'s inputs marked.
    pub fn draw_activations(&self, canvas: &HtmlCanvasElement, selected: usize, px: f64) -> Result<(), JsError> {
        let area = backend(canvas)?.into_drawing_area();
        charts::draw_activation_panel(&area, self.lab.activations(), self.lab.trace(), Some(selected), px)
            .map_err(draw_error)?;
        area.present().map_err(draw_error)
    }

    /// Panics on purpose, so the page's recovery from a crash can be tested.
    pub fn crash(&self) {
        panic!("deliberate crash requested by the page's test hook");
    }
}

#[cfg(feature = "trainer")]
fn from_js<T: serde::de::DeserializeOwned>(value: JsValue, what: &str) -> Result<T, JsError> {
    serde_wasm_bindgen::from_value(value).map_err(|e| JsError::new(&format!("{what}: {e}")))
}

/// A training run, driven a few steps at a time from the page's Web Worker.
#[cfg(feature = "trainer")]
#[wasm_bindgen]
pub struct TrainingRun {
    run: LiveRun,
}

#[cfg(feature = "trainer")]
#[wasm_bindgen]
impl TrainingRun {
    /// Settings: `{task, text, hidden, learning_rate, batch_size, seed, activations}`.
    #[wasm_bindgen(constructor)]
    pub fn new(setup: JsValue) -> Result<TrainingRun, JsError> {
        let setup: RunSetup = from_js(setup, "training settings")?;
        Ok(TrainingRun { run: LiveRun::new(&setup).map_err(|e| JsError::new(&e))? })
    }

    /// Up to `steps` updates; returns where the run is.
    pub fn train(&mut self, steps: usize) -> Result<JsValue, JsError> {
        to_js(&self.run.train(steps))
    }

    /// Evaluates the held-out set and adds a point to the learning curve.
    pub fn evaluate(&mut self) -> Result<JsValue, JsError> {
        to_js(&self.run.evaluate())
    }

    /// The learning curve so far.
    pub fn curve(&self) -> Result<JsValue, JsError> {
        to_js(&self.run.curve())
    }

    /// The task: its vocabulary, classes and sets.
    pub fn task(&self) -> Result<JsValue, JsError> {
        to_js(&self.run.trainer().task().summary())
    }

    /// The trained network as PyTorch-layout JSON (loadable by the page and by PyTorch).
    pub fn export_weights(&self) -> Result<String, JsError> {
        Ok(self.run.export().map_err(|e| JsError::new(&e))?.to_string())
    }

    /// ‖∂L/∂c_t‖ and ‖∂L/∂h_t‖ over `text`, labelled by the task's rule.
    pub fn gradient_flow(&mut self, text: &str) -> Result<JsValue, JsError> {
        let sequence = self.run.labelled(text);
        let flow = self.run.trainer_mut().gradient_through_time(&sequence);
        to_js(&flow)
    }
}

/// Several variants × seeds trained on the same data, advanced a budget of steps at a time.
#[cfg(feature = "trainer")]
#[wasm_bindgen]
pub struct ComparisonRun {
    comparison: Comparison,
}

#[cfg(feature = "trainer")]
#[wasm_bindgen]
impl ComparisonRun {
    /// Settings: the training settings plus `{variants: [[label, activations]], seeds, max_steps,
    /// target, eval_every}`.
    #[wasm_bindgen(constructor)]
    pub fn new(setup: JsValue) -> Result<ComparisonRun, JsError> {
        let setup: ComparisonSetup = from_js(setup, "comparison settings")?;
        let (variants, config) = setup.build().map_err(|e| JsError::new(&e))?;
        Ok(ComparisonRun { comparison: Comparison::new(variants, config) })
    }

    /// Trains up to `budget` steps in all; true when every run has finished.
    pub fn advance(&mut self, budget: usize) -> bool {
        self.comparison.advance(budget)
    }

    /// Curves, steps to target, final and long-test accuracy of every run so far.
    pub fn snapshot(&self) -> Result<JsValue, JsError> {
        to_js(&self.comparison.snapshot())
    }
}

/// Milliseconds per training step (forward, backpropagation through time, Adam) for the
/// benchmark task: `symbols` one-hot inputs and classes, sequences of `length`, `batch` per
/// step, standard activations. Runs `steps` steps after a short warm-up.
#[cfg(feature = "trainer")]
#[wasm_bindgen]
pub fn benchmark_training(hidden: usize, symbols: usize, length: usize, batch: usize, steps: usize) -> f64 {
    use crate::train::{Task, TrainConfig, Trainer};
    let task = Task::recall_benchmark(symbols.max(1), length.max(1), 256, 3, 42);
    let config = TrainConfig {
        hidden: hidden.max(1),
        learning_rate: 0.01,
        batch_size: batch.max(1),
        seed: 1,
        max_grad_norm: Some(1.0),
    };
    let mut trainer = Trainer::new(task, crate::Activations::default(), config);
    for _ in 0..3 {
        trainer.step();
    }
    let now = || js_sys::Date::now();
    let start = now();
    for _ in 0..steps {
        trainer.step();
    }
    (now() - start) / steps.max(1) as f64
}

/// Draws learning curves from `{series: [{label, runs: [[{step, loss, accuracy, train_loss}]]}],
/// max_step, target}`.
#[cfg(feature = "trainer")]
#[wasm_bindgen]
pub fn draw_learning_curves(canvas: &HtmlCanvasElement, data: JsValue, px: f64) -> Result<(), JsError> {
    let set: training::CurveSet = from_js(data, "curve data")?;
    let area = backend(canvas)?.into_drawing_area();
    training::draw_learning_curves(&area, &set, px).map_err(draw_error)?;
    area.present().map_err(draw_error)
}

/// Draws the gradient's size through time from `{cell, hidden, title}`.
#[cfg(feature = "trainer")]
#[wasm_bindgen]
pub fn draw_gradient_flow(canvas: &HtmlCanvasElement, data: JsValue, px: f64) -> Result<(), JsError> {
    let chart: training::GradientChart = from_js(data, "gradient data")?;
    let area = backend(canvas)?.into_drawing_area();
    training::draw_gradient_flow(&area, &chart, px).map_err(draw_error)?;
    area.present().map_err(draw_error)
}
