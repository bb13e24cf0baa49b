//! The page's handle: one model, its activations, the text and everything drawn, plus the
//! catalog and the small helpers the page calls.

use super::canvas::{backend, context, CanvasRaster};
#[cfg(feature = "page_charts")]
use super::canvas::draw_chart;
use super::{look, to_js};
use crate::activation::{Activation, UnknownActivation};
use crate::catalog::catalog;
use crate::cells::CellKind;
use crate::lab::Lab;
use crate::limits::MAX_PAGE_HIDDEN;
use crate::presets::Preset;
use crate::keras;
use crate::pytorch;
use crate::quantity::Quantity;
use crate::render::{charts, timeline};
use crate::site::Site;
use plotters::prelude::IntoDrawingArea;
use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

/// Every table the page lists: sites, activations, presets, tasks, variants, limits, rows and
/// margins (see `catalog.rs`).
#[wasm_bindgen(js_name = catalog)]
pub fn page_catalog() -> Result<JsValue, JsError> {
    to_js(&catalog())
}

/// Activation `name`'s value at each of `zs` (for the diagram's glyphs of each curve).
#[wasm_bindgen]
pub fn activation_values(name: &str, zs: &[f64]) -> Result<Vec<f64>, JsError> {
    let activation: Activation = name.parse().map_err(|e: UnknownActivation| JsError::new(&e.to_string()))?;
    Ok(zs.iter().map(|&z| activation.apply(z)).collect())
}

/// How many timesteps fit across a timeline `css_width` CSS pixels wide.
#[wasm_bindgen]
pub fn visible_steps(css_width: f64) -> usize {
    timeline::visible_steps(css_width)
}

/// How many rows of charts the activation panel has at `css_width` for a cell with `sites`
/// activation sites (it wraps on narrow screens).
#[wasm_bindgen]
pub fn activation_panel_rows(css_width: f64, sites: usize) -> usize {
    charts::activation_panel_grid(css_width, sites).0
}

/// Maps a pixel of the last drawn timeline back to (row, timestep, unit).
#[wasm_bindgen]
pub struct TimelineView {
    layout: timeline::TimelineLayout,
}

#[wasm_bindgen]
impl TimelineView {
    /// `[row, timestep, unit]` under device pixel (x, y), or undefined off the cells.
    pub fn locate(&self, x: f64, y: f64) -> Option<Vec<usize>> {
        self.layout.locate(x, y).map(|(r, t, u)| vec![r, t, u])
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
#[derive(Default)]
pub struct GateLab {
    lab: Lab,
    painter: timeline::TimelinePainter,
    /// The timeline canvas's size when the painter last drew all of it without error: while it
    /// stays the same, the canvas still holds that picture and only what changed is drawn.
    timeline_drawn: Option<(u32, u32)>,
    scratch: Option<HtmlCanvasElement>,
}

#[wasm_bindgen]
impl GateLab {
    /// Starts on the counter preset with the standard activations.
    #[wasm_bindgen(constructor)]
    pub fn new() -> GateLab {
        GateLab::default()
    }

    /// Switches to a preset by name (a sized one takes the hidden size and seed) as a cell
    /// design (`lstm`, the default, or `gru`), with or without peepholes.
    pub fn use_preset(
        &mut self,
        name: &str,
        hidden: usize,
        seed: f64,
        peepholes: Option<bool>,
        cell: Option<String>,
    ) -> Result<(), JsError> {
        let (peepholes, cell) = (peepholes.unwrap_or(false), cell.as_deref().unwrap_or("lstm"));
        // Seeds come from JS as numbers: whole, non-negative and below 2^53 by the page's checks.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let seed = if seed.is_finite() && seed >= 0.0 { seed as u64 } else { 0 };
        let preset = Preset::from_name(name, hidden, seed)
            .ok_or_else(|| JsError::new(&format!("unknown preset {name:?}: expected {}", Preset::names())))?;
        let cell = CellKind::from_name(cell)
            .ok_or_else(|| JsError::new(&format!("unknown cell {cell:?}: expected {}", CellKind::names())))?;
        self.lab.set_model(preset.build_cell(cell, peepholes).map_err(|e| JsError::new(&e))?);
        Ok(())
    }

    /// Loads JSON weights (PyTorch's or Keras's); on error the current model stays and the
    /// message says why. Returns what the page should say about the file (see [`LoadReport`]).
    pub fn load_weights(&mut self, json: &str, name: &str) -> Result<JsValue, JsError> {
        self.use_loaded(pytorch::load(json, name))
    }

    /// Loads a weights file's bytes: safetensors (by its name or its first bytes) or JSON.
    pub fn load_weights_bytes(&mut self, bytes: &[u8], name: &str) -> Result<JsValue, JsError> {
        self.use_loaded(pytorch::load_file(bytes, name))
    }

    /// Loads a TensorFlow.js layers model: its model.json and the bytes of the weights files
    /// its manifest names ([`tfjs_weight_files`]), one after another in that order.
    pub fn load_tfjs(&mut self, model_json: &str, weights: &[u8], name: &str) -> Result<JsValue, JsError> {
        self.use_loaded(keras::load_tfjs(model_json, weights, name))
    }
}

/// The weights files a TF.js model.json's manifest names, in order, or an error saying why the
/// text is not one.
#[wasm_bindgen]
pub fn tfjs_weight_files(model_json: &str) -> Result<Vec<String>, JsError> {
    keras::tfjs_weight_files(model_json).map_err(|e| JsError::new(&e.to_string()))
}

/// Whether `text` is a TF.js layers model's model.json.
#[wasm_bindgen]
pub fn is_tfjs_model(text: &str) -> bool {
    keras::is_tfjs(text)
}

/// What the page says about a file it loaded: the keys it did not use (one line, or null),
/// notes on how it was read, and the activations the file's model runs with, by site name
/// (a Keras or TF.js config names them; a PyTorch file does not, and the page keeps its own).
#[derive(serde::Serialize)]
struct LoadReport {
    unused: Option<String>,
    notes: Vec<String>,
    activations: Vec<(&'static str, String)>,
}

impl GateLab {
    /// Shows a loaded model, unless it is too big for the page.
    fn use_loaded(&mut self, loaded: Result<pytorch::Loaded, pytorch::LoadError>) -> Result<JsValue, JsError> {
        let pytorch::Loaded { model, unused_keys, activations, notes } = loaded.map_err(|e| JsError::new(&e.to_string()))?;
        let label = model.cell.spec().label;
        // Every layer, not only the one on show: the layer menu can show any of them.
        let hidden = model.all_layers().map(|l| l.hidden_size()).max().unwrap_or(0);
        if hidden > MAX_PAGE_HIDDEN {
            return Err(JsError::new(&format!(
                "its hidden size is {hidden}, and the page holds models of up to {MAX_PAGE_HIDDEN} units (the gatelab command line takes any size)"
            )));
        }
        self.lab.set_model(model);
        to_js(&LoadReport {
            unused: pytorch::unused_note(&unused_keys, label),
            notes,
            activations: activations.iter().map(|(site, a)| (site.name(), a.name())).collect(),
        })
    }
}

#[wasm_bindgen]
impl GateLab {

    /// Computes one more slice of a large model's run; true once all of it is computed.
    pub fn advance(&mut self) -> bool {
        self.lab.advance()
    }

    /// The model's hidden units.
    pub fn hidden_size(&self) -> usize {
        self.lab.model().cell.hidden_size()
    }

    /// How many layers the model has (a preset has one).
    pub fn layers(&self) -> usize {
        self.lab.model().layers()
    }

    /// The layer on show, 0 at the bottom.
    pub fn layer(&self) -> usize {
        self.lab.model().layer()
    }

    /// Puts layer `k` on show (past the top: the top).
    pub fn show_layer(&mut self, k: usize) {
        self.lab.show_layer(k);
    }

    /// Whether the model has a read-out (it predicts the next character).
    pub fn has_readout(&self) -> bool {
        self.lab.model().stack.readout.is_some()
    }

    /// The model's cell design: `lstm`, `gru`, ...
    pub fn cell_name(&self) -> String {
        self.lab.model().cell.spec().name.to_string()
    }

    /// The model's input symbols.
    pub fn input_size(&self) -> usize {
        self.lab.model().cell.input_size()
    }

    /// How many steps of the run are computed so far.
    pub fn computed(&self) -> usize {
        self.lab.trace().steps()
    }

    /// The current model as PyTorch JSON.
    pub fn export_weights(&self) -> String {
        pytorch::export(self.lab.model()).to_string()
    }

    /// Sets one site's activation by name (`tanh`, `none`, `morph:0.3`, ...).
    pub fn set_activation(&mut self, site: &str, name: &str) -> Result<(), JsError> {
        let site = Site::from_name(site).ok_or_else(|| JsError::new(&format!("unknown site {site:?}")))?;
        let activation: Activation = name.parse().map_err(|e: UnknownActivation| JsError::new(&e.to_string()))?;
        site.check(activation).map_err(|e| JsError::new(&e))?;
        self.lab.set_activation(site, activation);
        Ok(())
    }

    pub fn set_text(&mut self, text: &str) {
        self.lab.set_text(text);
    }

    /// Fixed scales on or off: legends keep their range across activation swaps.
    pub fn set_fixed_scales(&mut self, fixed: bool) {
        self.lab.set_fixed_scales(fixed);
    }

    /// The `count` units whose `quantity` is most high inside steps `start..end` and low
    /// outside them, best first: [{unit, score, inside, outside}].
    pub fn rank_units(&self, quantity: &str, start: usize, end: usize, count: usize) -> Result<JsValue, JsError> {
        let q = Quantity::from_name(quantity).ok_or_else(|| JsError::new(&format!("unknown quantity {quantity:?}")))?;
        to_js(&self.lab.rank_units(q, start, end, count).map_err(|e| JsError::new(&e))?)
    }

    /// Karpathy et al.'s saturation scatter of the layer on show: per sigmoid gate, each unit's
    /// share of steps below 0.1 and above 0.9: [{quantity, label, activation, left, right, units}].
    pub fn saturation_scatter(&self) -> Result<JsValue, JsError> {
        to_js(&self.lab.saturation_scatter())
    }

    /// Counts, ranges, saturation and parameters of the current run.
    pub fn summary(&self) -> Result<JsValue, JsError> {
        to_js(&self.lab.summary())
    }

    /// Every traced value at timestep `t`, per unit (undefined past the end).
    pub fn step(&self, t: usize) -> Result<JsValue, JsError> {
        to_js(&self.lab.step_detail(t))
    }

    /// A copy of one quantity's whole buffer (timestep-major), for tests and export.
    pub fn values(&self, quantity: &str) -> Result<Vec<f32>, JsError> {
        let q = Quantity::from_name(quantity).ok_or_else(|| JsError::new(&format!("unknown quantity {quantity:?}")))?;
        Ok(self.lab.trace().values(q).to_vec())
    }

    /// The one-step calculator's fields for the model's design: `[{quantity, meaning}]`.
    pub fn calculator_fields(&self) -> Result<JsValue, JsError> {
        to_js(&self.lab.calculator_fields())
    }

    /// The one-step calculator under the current activations, from an object of typed lists by
    /// field name: every value of the step by name, or an error naming the field at fault.
    pub fn calculate(&self, typed: JsValue) -> Result<JsValue, JsError> {
        let typed: std::collections::BTreeMap<String, String> =
            serde_wasm_bindgen::from_value(typed).map_err(|e| JsError::new(&format!("the calculator's fields: {e}")))?;
        to_js(&self.lab.calculate(&typed).map_err(|e| JsError::new(&e))?)
    }

    /// The CSS height the timeline wants for the current hidden size.
    pub fn timeline_height(&self) -> f64 {
        let shown = timeline::shown_units(self.lab.trace().hidden().max(1), 0).len();
        timeline::timeline_height(timeline::rows_of(self.lab.trace()).len(), shown)
    }

    /// Draws the six heatmaps for steps `start .. start + len` with `selected` outlined, showing
    /// the block of units that holds `unit` (all of them up to 64). `px` is the device pixel
    /// ratio; the canvas is already sized in device pixels.
    #[allow(clippy::too_many_arguments)]
    pub fn draw_timeline(
        &mut self,
        canvas: &HtmlCanvasElement,
        start: usize,
        len: usize,
        selected: usize,
        unit: usize,
        px: f64,
    ) -> Result<TimelineView, JsError> {
        let area = backend(canvas)?.into_drawing_area();
        let mut raster = CanvasRaster { ctx: context(canvas)?, scratch: &mut self.scratch };
        #[allow(clippy::cast_possible_wrap)] // canvas widths are far below 2^31
        let width = canvas.width() as i32;
        // Resizing a canvas clears it.
        let size = Some((canvas.width(), canvas.height()));
        let kept = self.timeline_drawn == size;
        self.timeline_drawn = None;
        let layout = self
            .painter
            .draw(&area, &mut raster, &self.lab, width, look(px), (start, len), (selected, unit), kept)
            .map_err(|e| JsError::new(&e))?;
        self.timeline_drawn = size;
        Ok(TimelineView { layout })
    }

    /// The timeline canvas lost what it showed (the browser restored a lost context): the next
    /// draw draws all of it.
    pub fn forget_timeline(&mut self) {
        self.timeline_drawn = None;
    }

    /// The cell state of the units the timeline shows, over the same window of steps.
    #[cfg(feature = "page_charts")]
    pub fn draw_cell_chart(
        &self,
        canvas: &HtmlCanvasElement,
        start: usize,
        len: usize,
        selected: usize,
        unit: usize,
        px: f64,
    ) -> Result<(), JsError> {
        let units = timeline::shown_units(self.lab.trace().hidden().max(1), unit);
        let depth = self.lab.bracket_depth();
        let reference = depth.as_deref().map(|values| charts::Reference { label: "bracket depth", values });
        draw_chart(canvas, |area| {
            charts::draw_cell_chart(area, self.lab.trace(), (start, len), units, Some(selected), reference, look(px))
        })
    }

    /// Each site's activation and derivative with timestep `selected`'s inputs marked.
    #[cfg(feature = "page_charts")]
    pub fn draw_activations(&self, canvas: &HtmlCanvasElement, selected: usize, px: f64) -> Result<(), JsError> {
        draw_chart(canvas, |area| {
            charts::draw_activation_panel(area, self.lab.activations(), self.lab.trace(), Some(selected), look(px))
        })
    }
}
