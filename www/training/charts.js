// Drawing the training lab's charts through the model's guard: a drawing error is reported
// once (not on every progress report), and a panic is reported by model.js itself.

import * as model from '../model.js';

/** Returns paint(draw): runs `draw` guarded; `onError(text)` hears about a new failure. */
export function createChartPainter(onError) {
  let lastError = '';
  return (draw) => {
    const r = model.guard(draw);
    if (!r.ok && !r.crashed && r.message !== lastError) onError(`Drawing the training charts failed: ${r.message}`);
    lastError = r.ok ? '' : r.message;
  };
}
