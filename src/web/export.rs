//! Saving what the page shows (`--features charts`: the module loaded on first use, not at
//! start). An [`Exporter`] rebuilds the page's model from its state, then writes the trace in
//! exactly the format `gatelab trace` prints (the same writers, `report`), and draws the
//! timeline and the charts with the same renderers as the page, into plotters' SVG backend.

use super::canvas::draw_error;
use super::look;
use crate::activation::{Activation, UnknownActivation};
use crate::lab::Lab;
use crate::presets::Preset;
use crate::render::{charts, timeline};
use crate::report::{self, TraceReport};
use crate::site::Site;
use crate::{pytorch, render};
use plotters::prelude::{IntoDrawingArea, SVGBackend};
use serde::Deserialize;
use std::collections::BTreeMap;
use wasm_bindgen::prelude::*;

/// The page's state, as much of it as a picture or the data depends on.
#[derive(Deserialize)]
struct ExportSetup {
    preset: String,
    hidden: usize,
    seed: u64,
    /// PyTorch JSON when the page shows loaded or trained weights (preset "file").
    weights: Option<String>,
    /// The loaded file's name: the model's name, as the CLI's `--weights FILE` gives it.
    weights_name: Option<String>,
    acts: BTreeMap<String, String>,
    text: String,
    fixed: bool,
    /// Whether the preset's cell has peepholes.
    #[serde(default)]
    peepholes: bool,
    /// The preset's cell design.
    #[serde(default)]
    cell: crate::cells::CellKind,
    /// The layer on show of a model with several (None: the top).
    #[serde(default)]
    layer: Option<usize>,
    /// Whether `weights` is a TF.js model.json, whose weights files' bytes are `bytes`.
    #[serde(default)]
    tfjs: bool,
}

/// The page's model, rebuilt here, ready to be saved.
#[wasm_bindgen]
pub struct Exporter {
    lab: Lab,
    painter: timeline::TimelinePainter,
}

fn js_error(message: impl std::fmt::Display) -> JsError {
    JsError::new(&message.to_string())
}

/// Draws into an SVG document `width` × `height` CSS pixels.
fn svg(
    (width, height): (u32, u32),
    draw: impl FnOnce(&plotters::drawing::DrawingArea<SVGBackend, plotters::coord::Shift>) -> Result<(), JsError>,
) -> Result<String, JsError> {
    let mut out = String::new();
    {
        let area = SVGBackend::with_string(&mut out, (width.max(1), height.max(1))).into_drawing_area();
        draw(&area)?;
        area.present().map_err(draw_error)?;
    }
    Ok(out)
}

#[wasm_bindgen]
impl Exporter {
    /// Rebuilds the model from `{preset, hidden, seed, weights, weights_name, acts, text, fixed,
    /// layer}`; `bytes` is a weights file's bytes (either format) in place of `weights` JSON: a
    /// loaded .safetensors file or a shipped model.
    #[wasm_bindgen(constructor)]
    pub fn new(setup: JsValue, bytes: Option<Vec<u8>>) -> Result<Exporter, JsError> {
        let setup: ExportSetup =
            serde_wasm_bindgen::from_value(setup).map_err(|e| js_error(format!("export settings: {e}")))?;
        let name = setup.weights_name.as_deref().unwrap_or("weights.json");
        let model = match (&setup.weights, &bytes) {
            (Some(json), Some(bytes)) if setup.tfjs => crate::keras::load_tfjs(json, bytes, name).map_err(js_error)?.model,
            (_, Some(bytes)) => pytorch::load_file(bytes, name).map_err(js_error)?.model,
            (Some(json), None) => pytorch::load(json, name).map_err(js_error)?.model,
            (None, None) => Preset::from_name(&setup.preset, setup.hidden, setup.seed)
                .ok_or_else(|| js_error(format!("unknown preset {:?}", setup.preset)))?
                .build_cell(setup.cell, setup.peepholes)
                .map_err(js_error)?,
        };
        let mut lab = Lab::new(model);
        if let Some(k) = setup.layer {
            lab.show_layer(k);
        }
        for (site, name) in &setup.acts {
            let site = Site::from_name(site).ok_or_else(|| js_error(format!("unknown site {site:?}")))?;
            let activation: Activation = name.parse().map_err(|e: UnknownActivation| js_error(e))?;
            site.check(activation).map_err(js_error)?;
            lab.set_activation(site, activation);
        }
        lab.set_text(&setup.text);
        lab.set_fixed_scales(setup.fixed);
        // All of it, even where the page is still computing a large model's run in slices.
        lab.finish();
        Ok(Exporter { lab, painter: timeline::TimelinePainter::default() })
    }

    /// The traced steps as `gatelab trace --format csv` prints them.
    pub fn trace_csv(&self) -> String {
        report::trace_csv(self.lab.trace(), self.lab.text())
    }

    /// The traced steps as `gatelab trace --format json` prints them (one line).
    pub fn trace_json(&self) -> Result<String, JsError> {
        let lab = &self.lab;
        let report = TraceReport::new(lab.model(), lab.activations(), lab.text(), lab.trace());
        serde_json::to_string(&report).map(|json| json + "\n").map_err(js_error)
    }

    /// The timeline of steps `start .. start + len` with `selected` outlined and the block of
    /// units holding `unit`, as SVG `css_width` wide (its height follows, as on the page).
    pub fn timeline_svg(&mut self, css_width: u32, start: usize, len: usize, selected: usize, unit: usize) -> Result<String, JsError> {
        let shown = timeline::shown_units(self.lab.trace().hidden().max(1), unit).len();
        let height = render::px_u32(timeline::timeline_height(timeline::rows_of(self.lab.trace()).len(), shown).ceil());
        let (lab, painter) = (&self.lab, &mut self.painter);
        svg((css_width, height), |area| {
            let mut raster = timeline::AreaRaster { area };
            let width = i32::try_from(css_width).unwrap_or(i32::MAX);
            // Each SVG is a new document: drawn whole.
            painter.draw(area, &mut raster, lab, width, look(1.0), (start, len), (selected, unit), false).map(|_| ()).map_err(js_error)
        })
    }

    /// The cell-state chart over the same window, as SVG.
    #[allow(clippy::too_many_arguments)]
    pub fn cell_chart_svg(
        &self,
        css_width: u32,
        css_height: u32,
        start: usize,
        len: usize,
        selected: usize,
        unit: usize,
    ) -> Result<String, JsError> {
        let units = timeline::shown_units(self.lab.trace().hidden().max(1), unit);
        let depth = self.lab.bracket_depth();
        let reference = depth.as_deref().map(|values| charts::Reference { label: "bracket depth", values });
        svg((css_width, css_height), |area| {
            charts::draw_cell_chart(area, self.lab.trace(), (start, len), units, Some(selected), reference, look(1.0))
                .map_err(draw_error)
        })
    }

    /// The activation panel with step `selected`'s inputs marked, as SVG.
    pub fn activations_svg(&self, css_width: u32, css_height: u32, selected: usize) -> Result<String, JsError> {
        svg((css_width, css_height), |area| {
            charts::draw_activation_panel(area, self.lab.activations(), self.lab.trace(), Some(selected), look(1.0))
                .map_err(draw_error)
        })
    }
}
