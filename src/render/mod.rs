//! Drawing, generic over plotters' `DrawingBackend` (a canvas in the browser, anything in
//! tests), plus heatmap cells painted straight into pixel buffers.

pub mod charts;
pub mod colors;
pub mod heatmap;
pub mod theme;
pub mod timeline;
pub mod training;
