// Drawing the training lab's charts through the model's guard: a drawing error is reported
// once (not on every progress report), and a panic is reported by model.js itself. The charts'
// wasm module loads on the first drawing; the latest drawing asked for meanwhile runs then.

import * as model from '../model.js';

/**
 * Returns paint(draw): runs `draw` guarded; `onError(text)` hears about a new failure. The
 * charts' own module loads on the first paint; the latest draw runs when it is ready.
 */
export function createChartPainter(onError) {
  let lastError = '';
  let pending = null;
  const run = (draw) => {
    const r = model.guard(draw);
    if (!r.ok && !r.crashed && r.message !== lastError) onError(`Drawing the training charts failed: ${r.message}`);
    lastError = r.ok ? '' : r.message;
  };
  return (draw) => {
    if (model.chartsLoaded()) {
      run(draw);
      return;
    }
    const first = pending === null;
    pending = draw;
    if (!first) return;
    model.loadCharts().then(
      () => {
        const latest = pending;
        pending = null;
        run(latest);
      },
      (e) => onError(`Could not load the training charts: ${e.message}`),
    );
  };
}
