// The three canvases: timeline heatmaps, cell state over time, activation panel. Rust draws
// them; this module sizes the canvases, picks the visible window of timesteps and turns mouse
// positions into timesteps through the handle the timeline draw returns.

import { visible_steps } from '../pkg/gatelab.js';
import { SIZES } from '../config.js';
import { num, visibleChar } from '../format.js';
import { fitCanvas, watchWidth } from './canvas.js';

const $ = (id) => document.getElementById(id);

/** Creates the view; `onSelect(t)` is called when a column is clicked, `onResize` on resizes. */
export function createTimeline(onSelect, onResize) {
  const canvas = $('timeline');
  const cssWidth = watchWidth(canvas.parentElement, onResize);
  const tooltip = $('tooltip');
  const scroll = $('window-scroll');
  let view = null;
  let windowStart = 0;
  let windowLen = 1;
  let px = 1;
  let lab = null;
  let steps = 0;
  let drawTimes = {};

  /** Keeps `t` inside the visible window, moving the window as little as possible. */
  function follow(t) {
    if (t < windowStart) windowStart = t;
    if (t >= windowStart + windowLen) windowStart = t - windowLen + 1;
    windowStart = Math.max(0, Math.min(windowStart, Math.max(0, steps - windowLen)));
  }

  function draw(currentLab, summary, t) {
    lab = currentLab;
    steps = summary.steps;
    const width = cssWidth();
    px = fitCanvas(canvas, width, lab.timeline_height());
    windowLen = Math.min(visible_steps(width), Math.max(1, steps));
    follow(t);
    const t0 = performance.now();
    view?.free();
    view = lab.draw_timeline(canvas, windowStart, windowLen, t, px);
    const t1 = performance.now();
    const chart = $('cell-chart');
    fitCanvas(chart, width, SIZES.cellChartHeight);
    lab.draw_cell_chart(chart, windowStart, windowLen, t, px);
    const t2 = performance.now();
    const panel = $('activation-panel');
    fitCanvas(panel, width, SIZES.activationHeight);
    lab.draw_activations(panel, t, px);
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
    const t = view?.step_at(position(e)[0]);
    if (t !== undefined) onSelect(t);
  });
  canvas.addEventListener('mousemove', (e) => {
    const hit = view?.locate(...position(e));
    if (!hit || !lab) {
      tooltip.hidden = true;
      return;
    }
    const [row, t, unit] = hit;
    const detail = lab.step(t);
    const values = detail.units[unit].values;
    const name = view.row_name(row);
    const lines = [
      `step ${t}  “${visibleChar(detail.char)}”${detail.other ? ' (other)' : ''}  unit ${unit}`,
      `${name} = ${num(values[name])}`,
      `z_f ${num(values.z_f)}  z_i ${num(values.z_i)}  z_g ${num(values.z_g)}  z_o ${num(values.z_o)}`,
      `f ${num(values.f)}  i ${num(values.i)}  g ${num(values.g)}  o ${num(values.o)}`,
      `c ${num(values.c_prev)} → ${num(values.c)}   h ${num(values.h)}`,
    ];
    tooltip.textContent = lines.join('\n');
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
    /** How long each canvas took in the last draw (ms). */
    drawTimes: () => drawTimes,
  };
}
