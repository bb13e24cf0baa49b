// The cell state of the units the timeline shows, over the same window of timesteps as the timeline, with the
// bracket depth as a dashed reference line on the counter. Rust draws it.

import * as model from '../model.js';
import { SIZES } from '../config.js';
import { fitCanvas, watchWidth } from './canvas.js';
import { sci } from '../format.js';
import { cellSpec } from '../catalog.js';

export function createCellChart(page) {
  const canvas = document.getElementById('cell-chart');
  const cssWidth = watchWidth(canvas.parentElement, page.schedule);
  return {
    update(frame) {
      const width = cssWidth();
      const dpr = fitCanvas(canvas, width, SIZES.cellChartHeight * frame.scale);
      const { start, len } = frame.window(width / frame.scale);
      model.drawCellChart(canvas, start, len, frame.t, frame.unit, dpr * frame.scale);
      const drift = frame.summary.depth_drift;
      // The cell's memory: c for the LSTM, h for the GRU.
      const memory = cellSpec(frame.summary.cell).memory;
      const what = memory === 'c' ? 'cell state c' : `hidden state ${memory} (the ${cellSpec(frame.summary.cell).label}'s memory)`;
      const label = `The ${what} of each unit over steps ${start} to ${start + len - 1}` +
        (drift === null || drift === undefined ? '.' : `, with the bracket depth as a dashed line; the largest drift from it is ${sci(drift)}.`);
      if (canvas.getAttribute('aria-label') !== label) canvas.setAttribute('aria-label', label);
    },
  };
}
