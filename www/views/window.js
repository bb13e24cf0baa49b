// The window of timesteps the timeline and the cell chart show: they share it, so a step's
// column lines up in both. The first of them to draw in a frame fits it to its width. And the
// block of units a large model shows (unitBlock), which the heatmaps, the tables and the notes share.

import * as model from '../model.js';
import { limits } from '../catalog.js';

export function createTimeWindow() {
  let start = 0;
  let len = 1;
  let steps = 0;
  return {
    /** Fits the window to `steps` steps across `cssWidth` (at scale 1), keeping `t` inside. */
    fit(total, t, cssWidth) {
      steps = total;
      len = Math.min(model.visibleSteps(cssWidth), Math.max(1, steps));
      if (t < start) start = t;
      if (t >= start + len) start = t - len + 1;
      start = Math.max(0, Math.min(start, Math.max(0, steps - len)));
      return { start, len, steps };
    },
    /** Moves the window without moving the selection (the scroll bar). */
    scrollTo(s) {
      start = s;
    },
    get: () => ({ start, len, steps }),
  };
}

/**
 * The block of `size` units (at most `total`) that holds `unit`: {first, count}. The last block
 * ends at the last unit. With the default size it is the block the heatmaps and the cell chart
 * show (src/render/timeline.rs shown_units).
 */
export function unitBlock(total, unit, size = limits().max_shown_units) {
  const count = Math.min(total, size);
  if (count === 0) return { first: 0, count };
  return { first: Math.max(0, Math.min(Math.floor(unit / count) * count, total - count)), count };
}
