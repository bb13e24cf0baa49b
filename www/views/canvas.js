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

/**
 * Calls `onResize(width)` whenever the element's content width changes, and returns a function
 * that gives the width now. `onResize` runs in the next animation frame, not inside the
 * observer: a redraw there changes heights the observer watches, and Firefox and WebKit report
 * that as an error ("ResizeObserver loop completed with undelivered notifications").
 */
export function watchWidth(element, onResize) {
  let width = Math.max(MIN_WIDTH, Math.floor(element.clientWidth));
  let pending = 0;
  new ResizeObserver(([entry]) => {
    const w = Math.max(MIN_WIDTH, Math.floor(entry.contentRect.width));
    if (w === width) return;
    width = w;
    if (pending) return;
    resizesPending += 1;
    pending = requestAnimationFrame(() => {
      pending = 0;
      resizesPending -= 1;
      onResize(width);
    });
  }).observe(element);
  return () => width;
}

/** How many width changes are waiting for their frame (the page is not idle until none are). */
let resizesPending = 0;
export const pendingResizes = () => resizesPending;
