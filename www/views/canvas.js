// Canvas sizing: CSS size from the layout, backing store in device pixels. Widths are measured
// by a ResizeObserver, not read during drawing, so a redraw never forces a layout.

/** Sizes `canvas` to `cssWidth` × `cssHeight`; returns the device pixel ratio. */
export function fitCanvas(canvas, cssWidth, cssHeight) {
  const px = window.devicePixelRatio || 1;
  const width = Math.round(cssWidth * px);
  const height = Math.round(cssHeight * px);
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width;
    canvas.height = height;
    canvas.style.width = `${cssWidth}px`;
    canvas.style.height = `${cssHeight}px`;
  }
  return px;
}

/** The narrowest a chart is drawn (CSS px); a narrower column scrolls it. */
const MIN_WIDTH = 280;

/** Calls `onResize(width)` with the element's content width now and whenever it changes. */
export function watchWidth(element, onResize) {
  let width = Math.max(MIN_WIDTH, Math.floor(element.clientWidth));
  new ResizeObserver(([entry]) => {
    const w = Math.max(MIN_WIDTH, Math.floor(entry.contentRect.width));
    if (w !== width) {
      width = w;
      onResize(w);
    }
  }).observe(element);
  return () => width;
}
