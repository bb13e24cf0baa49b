//! The only code that knows about the browser, in three builds of one crate: the page's module
//! (the [`page`] handle JS holds, with thin methods over `Lab` and the renderers), the Web
//! Worker's training module (`--features trainer`: the training handles), and the charts'
//! module (`--features charts`: the two training charts, and [`export`]'s pictures and data),
//! loaded on first use, so the page's start module carries neither.
//! Small things cross the boundary (settings, the catalog, one timestep's numbers); the trace
//! stays in Rust and is drawn from here.

mod canvas;
#[cfg(feature = "charts")]
mod export;
#[cfg(not(feature = "charts"))]
mod page;
#[cfg(any(feature = "trainer", feature = "charts"))]
mod training;

use crate::render::theme::Look;
use std::cell::{Cell, RefCell};
use wasm_bindgen::prelude::*;

thread_local! {
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
    /// The page's colour theme: one per page, so every canvas draws in the same one.
    static DARK: Cell<bool> = const { Cell::new(false) };
}

/// Draws every canvas from now on in the dark theme (true) or the light one.
#[wasm_bindgen]
pub fn set_dark_theme(dark: bool) {
    DARK.with(|d| d.set(dark));
}

/// How to draw at `px` device pixels per CSS pixel, in the page's theme.
pub(crate) fn look(px: f64) -> Look {
    Look::new(px, DARK.with(Cell::get))
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

#[cfg(any(not(feature = "charts"), feature = "trainer"))]
pub(crate) fn to_js<T: serde::Serialize + ?Sized>(value: &T) -> Result<JsValue, JsError> {
    let serializer = serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true);
    value.serialize(&serializer).map_err(|e| JsError::new(&e.to_string()))
}
