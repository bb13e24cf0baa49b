// The window of timesteps the timeline and the cell chart show: they share it, so a step's
// column lines up in both. The first of them to draw in a frame fits it to its width.

import * as model from '../model.js';

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
