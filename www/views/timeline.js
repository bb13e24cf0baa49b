// The three canvases: timeline heatmaps, cell state over time, activation panel. Rust draws
// them (through model.js); this module sizes the canvases, picks the visible window of
// timesteps and turns mouse positions into timesteps through the view the timeline draw returns.

import * as model from '../model.js';
import { SIZES } from '../config.js';
import { gateSites, margins } from '../catalog.js';
import { num, visibleChar } from '../format.js';
import { fitCanvas, watchWidth } from './canvas.js';

const $ = (id) => document.getElementById(id);

/** The tooltip's text for one cell. */
function describe(detail, unit, name) {
  const values = detail.units[unit].values;
  const gates = gateSites();
  const list = (keys) => keys.map((k) => `${k} ${num(values[k])}`).join('  ');
  return [
    `step ${detail.t}  “${visibleChar(detail.char)}”${detail.other ? ' (other)' : ''}  unit ${unit}`,
    `${name} = ${num(values[name])}`,
    list(gates.map((s) => s.input)),
    list(gates.map((s) => s.output)),
    `c ${num(values.c_prev)} → ${num(values.c)}   h ${num(values.h)}`,
  ].join('\n');
}

/** Creates the view; `onSelect(t)` is called when a column is clicked, `onResize` on resizes. */
export function createTimeline(onSelect, onResize) {
  const canvas = $('timeline');
  const cssWidth = watchWidth(canvas.parentElement, onResize);
  const tooltip = $('tooltip');
  const scroll = $('window-scroll');
  // The scroll bar under the timeline starts where the charts' plot area does (style.css).
  document.documentElement.style.setProperty('--chart-left', `${margins().left}px`);
  let view = null;
  let windowStart = 0;
  let windowLen = 1;
  let px = 1;
  let steps = 0;
  let drawTimes = {};

  /** Keeps `t` inside the visible window, moving the window as little as possible. */
  function follow(t) {
    if (t < windowStart) windowStart = t;
    if (t >= windowStart + windowLen) windowStart = t - windowLen + 1;
    windowStart = Math.max(0, Math.min(windowStart, Math.max(0, steps - windowLen)));
  }

  /** Draws the three canvases for `summary` with step `t` selected; model errors are thrown. */
  function draw(summary, t) {
    steps = summary.steps;
    const width = cssWidth();
    px = fitCanvas(canvas, width, model.timelineHeight());
    windowLen = Math.min(model.visibleSteps(width), Math.max(1, steps));
    follow(t);
    const t0 = performance.now();
    view?.free();
    view = null;
    view = model.drawTimeline(canvas, windowStart, windowLen, t, px);
    const t1 = performance.now();
    const chart = $('cell-chart');
    fitCanvas(chart, width, SIZES.cellChartHeight);
    model.drawCellChart(chart, windowStart, windowLen, t, px);
    const t2 = performance.now();
    const panel = $('activation-panel');
    fitCanvas(panel, width, SIZES.activationHeight);
    model.drawActivations(panel, t, px);
    drawTimes = { timeline: t1 - t0, cells: t2 - t1, activations: performance.now() - t2 };
    const scrollable = steps > windowLen;
    $('window-scroll-wrap').hidden = !scrollable;
    scroll.max = String(Math.max(0, steps - windowLen));
    scroll.value = String(windowStart);
    $('window-note').textContent = scrollable
      ? `steps ${windowStart}–${windowStart + windowLen - 1} of ${steps}`
      : '';
  }

  function position(e) {
    const rect = canvas.getBoundingClientRect();
    return [(e.clientX - rect.left) * px, (e.clientY - rect.top) * px];
  }

  canvas.addEventListener('click', (e) => {
    if (!view) return;
    const r = model.guard(() => view.stepAt(position(e)[0]));
    if (r.ok && r.value !== undefined) onSelect(r.value);
  });
  canvas.addEventListener('mousemove', (e) => {
    const r = view && model.guard(() => {
      const hit = view.locate(...position(e));
      if (!hit) return null;
      const [row, t, unit] = hit;
      return describe(model.step(t), unit, view.rowName(row));
    });
    if (!r?.ok || !r.value) {
      tooltip.hidden = true;
      return;
    }
    tooltip.textContent = r.value;
    tooltip.hidden = false;
    const host = canvas.parentElement.getBoundingClientRect();
    tooltip.style.left = `${Math.min(e.clientX - host.left + 14, host.width - 330)}px`;
    tooltip.style.top = `${e.clientY - host.top + 14}px`;
  });
  canvas.addEventListener('mouseleave', () => {
    tooltip.hidden = true;
  });

  return {
    draw,
    /** Moves the window without moving the selection (the scroll bar). */
    scrollTo(start) {
      windowStart = start;
    },
    onScroll(handler) {
      scroll.addEventListener('input', () => handler(Number(scroll.value)));
    },
    window: () => ({ start: windowStart, len: windowLen }),
    /** The last drawn timeline's hit-testing (device pixels), or null before the first draw. */
    view: () => view,
    /** How long each canvas took in the last draw (ms). */
    drawTimes: () => drawTimes,
  };
}
