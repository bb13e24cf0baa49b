//! The browser's 2D canvas as a drawing surface: a plotters backend, plus the two raster
//! operations the timeline needs (a scaled-up pixel image, filled triangles).

use plotters_canvas::CanvasBackend;
use wasm_bindgen::prelude::*;
#[cfg(not(feature = "charts"))]
use web_sys::CanvasRenderingContext2d;
use web_sys::HtmlCanvasElement;

#[cfg(any(feature = "charts", feature = "page_charts"))]
pub(crate) fn draw_error<E: std::fmt::Debug>(e: E) -> JsError {
    JsError::new(&format!("drawing failed: {e:?}"))
}

#[cfg(not(feature = "charts"))]
pub(crate) fn context(canvas: &HtmlCanvasElement) -> Result<CanvasRenderingContext2d, JsError> {
    canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
        .ok_or_else(|| JsError::new("this browser gave no 2D canvas"))
}

pub(crate) fn backend(canvas: &HtmlCanvasElement) -> Result<CanvasBackend, JsError> {
    CanvasBackend::with_canvas_object(canvas.clone()).ok_or_else(|| JsError::new("canvas unavailable"))
}

/// Draws a plotters chart onto `canvas` with `draw`, then presents it.
#[cfg(any(feature = "charts", feature = "page_charts"))]
pub(crate) fn draw_chart<E: std::fmt::Debug>(
    canvas: &HtmlCanvasElement,
    draw: impl FnOnce(&plotters::drawing::DrawingArea<CanvasBackend, plotters::coord::Shift>) -> Result<(), E>,
) -> Result<(), JsError> {
    use plotters::prelude::IntoDrawingArea;
    let area = backend(canvas)?.into_drawing_area();
    draw(&area).map_err(draw_error)?;
    area.present().map_err(draw_error)
}

#[cfg(not(feature = "charts"))]
pub(crate) use raster::CanvasRaster;

#[cfg(not(feature = "charts"))]
mod raster {
    use super::context;
    use crate::render::colors::{css, Rgb};
    use crate::render::heatmap::Rect;
    use crate::render::timeline::Raster;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::Clamped;
    use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};

    /// A canvas's 2D context plus a small scratch canvas, for scaling pixel images up without
    /// smoothing (putImageData itself cannot scale).
    pub(crate) struct CanvasRaster<'a> {
        pub ctx: CanvasRenderingContext2d,
        pub scratch: &'a mut Option<HtmlCanvasElement>,
    }

    impl CanvasRaster<'_> {
        fn scratch(&mut self) -> Result<HtmlCanvasElement, JsError> {
            if let Some(canvas) = self.scratch {
                return Ok(canvas.clone());
            }
            let canvas = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.create_element("canvas").ok())
                .and_then(|e| e.dyn_into::<HtmlCanvasElement>().ok())
                .ok_or_else(|| JsError::new("could not make a scratch canvas"))?;
            *self.scratch = Some(canvas.clone());
            Ok(canvas)
        }
    }

    #[allow(clippy::cast_possible_truncation)] // image sizes are far below 2^32
    impl Raster for CanvasRaster<'_> {
        type Error = JsError;

        fn blit(&mut self, pixels: &[u8], w: usize, h: usize, target: &Rect) -> Result<(), JsError> {
            if w == 0 || h == 0 {
                return Ok(());
            }
            let scratch = self.scratch()?;
            if scratch.width() < w as u32 || scratch.height() < h as u32 {
                scratch.set_width(scratch.width().max(w as u32));
                scratch.set_height(scratch.height().max(h as u32));
            }
            let image = ImageData::new_with_u8_clamped_array_and_sh(Clamped(&pixels[..w * h * 4]), w as u32, h as u32)
                .map_err(|_| JsError::new("could not make an image"))?;
            context(&scratch)?.put_image_data(&image, 0.0, 0.0).map_err(|_| JsError::new("could not draw an image"))?;
            self.ctx.set_image_smoothing_enabled(false);
            self.ctx
                .draw_image_with_html_canvas_element_and_sw_and_sh_and_dx_and_dy_and_dw_and_dh(
                    &scratch,
                    0.0,
                    0.0,
                    w as f64,
                    h as f64,
                    f64::from(target.x),
                    f64::from(target.y),
                    f64::from(target.w),
                    f64::from(target.h),
                )
                .map_err(|_| JsError::new("could not draw an image"))
        }

        fn fill_triangles(&mut self, triangles: &[[(i32, i32); 3]], rgb: Rgb) -> Result<(), JsError> {
            self.ctx.begin_path();
            for [a, b, c] in triangles {
                self.ctx.move_to(f64::from(a.0), f64::from(a.1));
                self.ctx.line_to(f64::from(b.0), f64::from(b.1));
                self.ctx.line_to(f64::from(c.0), f64::from(c.1));
                self.ctx.close_path();
            }
            self.ctx.set_fill_style_str(&css(rgb));
            self.ctx.fill();
            Ok(())
        }

        fn clip(&mut self, rects: &[Rect]) -> Result<(), JsError> {
            self.ctx.save();
            self.ctx.begin_path();
            for r in rects {
                self.ctx.rect(f64::from(r.x), f64::from(r.y), f64::from(r.w), f64::from(r.h));
            }
            self.ctx.clip();
            Ok(())
        }

        fn unclip(&mut self) -> Result<(), JsError> {
            self.ctx.restore();
            Ok(())
        }
    }
}
