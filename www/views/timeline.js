// The timeline: one heatmap row per gate value and for c and h, a column per timestep. Rust
// draws it (through model.js); this module sizes the canvas, scrolls the window of timesteps,
// turns mouse positions into timesteps, shows tooltips and lights a row when another view asks.

import * as model from '../model.js';
import { cellSpec, gateSites, margins } from '../catalog.js';
import { num, visibleChar } from '../format.js';
import { fitCanvas, watchWidth } from './canvas.js';
import { unitBlock } from './window.js';
import { setText } from '../dom.js';
import { notify } from '../notices.js';

const $ = (id) => document.getElementById(id);

/** The narrowest heatmap column (CSS px) a finger can pick out; below it, touch gets buttons. */
const MIN_TAP_COLUMN = 24;

/** How long a tooltip opened by a tap stays (ms). */
const TAP_TOOLTIP_MS = 4000;

/** The tooltip's text for one cell. */
function describe(detail, spec, unit, name) {
  const values = detail.units[unit].values;
  const gates = gateSites(spec.name);
  const list = (keys) => keys.map((k) => `${k} ${num(values[k])}`).join('  ');
  return [
    `step ${detail.t}  “${visibleChar(detail.char)}”${detail.other ? ' (other)' : ''}  unit ${unit}`,
    `${name} = ${num(values[name])}`,
    list(gates.map((s) => s.input)),
    list(gates.map((s) => s.output)),
    list(spec.values.filter((q) => !gates.some((s) => s.output === q))),
  ].join('\n');
}

/** Creates the view. `page` gives change(patch), schedule(), highlight(row, from) and the time window. */
export function createTimeline(page) {
  const canvas = $('timeline');
  const cssWidth = watchWidth(canvas.parentElement, page.schedule);
  const tooltip = $('tooltip');
  const scroll = $('window-scroll');
  const glow = $('row-highlight');
  // The scroll bar under the timeline starts where the charts' plot area does (style.css).
  document.documentElement.style.setProperty('--chart-left', `${margins().left}px`);
  let view = null;
  /** The cell design on screen: what a tooltip lists. */
  let spec = null;
  let dpr = 1;
  let scale = 1;
  let drawn = '';
  let rows = null;
  let lit = null;
  /** Each drawn step's column, {t: {left, right}} in device pixels, found by hit-testing. */
  let columns = null;
  const band = $('span-band');

  /** Each row's top and bottom in device pixels, found through the view's hit-testing. */
  function rowBounds() {
    if (rows) return rows;
    rows = {};
    if (!view) return rows;
    const inside = Math.ceil(margins().left * dpr * scale) + 1;
    for (let y = 0; y < canvas.height; y++) {
      const hit = view.locate(inside, y);
      if (!hit) continue;
      const row = (rows[view.rowName(hit[0])] ??= { top: y, bottom: y });
      row.bottom = y;
    }
    return rows;
  }

  function columnBounds() {
    if (columns) return columns;
    columns = {};
    if (!view) return columns;
    for (let x = 0; x < canvas.width; x++) {
      const t = view.stepAt(x);
      if (t === undefined) continue;
      const column = (columns[t] ??= { left: x, right: x });
      column.right = x;
    }
    return columns;
  }

  /**
   * Shades steps first..last (the unit search's span, or a drag in progress) over the heatmaps,
   * as far as they are in the window; hidden when none of it is.
   */
  function showBand(span) {
    const r = span && view ? model.guard(() => columnBounds()) : null;
    const drawnSteps = r?.ok ? Object.keys(r.value).map(Number) : [];
    const inside = drawnSteps.filter((t) => t >= span[0] && t <= span[1]);
    if (!inside.length) {
      band.hidden = true;
      return;
    }
    const [left, right] = [r.value[Math.min(...inside)].left, r.value[Math.max(...inside)].right];
    // From the top of the canvas (its character axis) to the bottom of the last row.
    const bottom = Math.max(0, ...Object.values(rowBounds()).map((row) => row.bottom));
    band.hidden = false;
    band.style.top = `${canvas.offsetTop}px`;
    band.style.height = `${(bottom + 1) / dpr}px`;
    band.style.left = `${canvas.offsetLeft + left / dpr}px`;
    band.style.width = `${(right - left + 1) / dpr}px`;
  }

  function showHighlight() {
    const bounds = lit && model.guard(() => rowBounds()[lit]);
    const row = bounds?.ok ? bounds.value : null;
    if (!row) {
      glow.hidden = true;
      return;
    }
    glow.hidden = false;
    glow.style.top = `${canvas.offsetTop + row.top / dpr - 2}px`;
    glow.style.height = `${(row.bottom - row.top) / dpr + 4}px`;
    glow.style.left = `${canvas.offsetLeft}px`;
    glow.style.width = `${canvas.clientWidth}px`;
  }

  function position(e) {
    const rect = canvas.getBoundingClientRect();
    return [(e.clientX - rect.left) * dpr, (e.clientY - rect.top) * dpr];
  }

  /** The step under pointer event `e`, or undefined. */
  const stepUnder = (e) => {
    const r = view && model.guard(() => view.stepAt(position(e)[0]));
    return r?.ok ? r.value : undefined;
  };
  // Dragging across the heatmaps with a mouse picks a span of the text for the unit search
  // (LSTMVis's selection along the character axis); a click without a drag selects a step.
  let drag = null;
  /** Set when a drag ends: the click its release makes is not a step pick (a new press clears it). */
  let dragReleased = false;
  canvas.addEventListener('pointerdown', (e) => {
    dragReleased = false;
    if (e.pointerType !== 'mouse' || e.button !== 0) return;
    const t = stepUnder(e);
    if (t === undefined) return;
    drag = { from: t, to: t, moved: false };
    // Moves and the release outside the canvas still end this drag.
    try {
      canvas.setPointerCapture(e.pointerId);
    } catch {
      // An inactive pointer: the drag ends at the canvas's own pointerup, or at leaving it.
    }
  });
  canvas.addEventListener('pointermove', (e) => {
    // Not e.buttons: WebKit's automation reports 0 while the button is held. The drag is on
    // from the press to its release (captured, so a release outside the canvas ends it too).
    if (!drag) return;
    const t = stepUnder(e);
    if (t === undefined || t === drag.to) return;
    drag.to = t;
    drag.moved = true;
    e.preventDefault();
    showBand([Math.min(drag.from, drag.to), Math.max(drag.from, drag.to)]);
  });
  const endDrag = () => {
    const done = drag;
    drag = null;
    if (!done?.moved) return;
    const span = [Math.min(done.from, done.to), Math.max(done.from, done.to)];
    dragReleased = true;
    page.change({ find: { ...page.state().find, span } });
    const chars = [...page.state().text].slice(span[0], span[1] + 1).map(visibleChar).join('');
    notify(`Steps ${span[0]} to ${span[1]} (“${chars}”) picked for the unit search: its best units are listed under “Find the unit that tracks something”.`);
  };
  canvas.addEventListener('pointerup', endDrag);
  // A drag that loses the pointer without a release (after pointerup, drag is already null).
  const dropDrag = () => {
    if (!drag) return;
    drag = null;
    showBand(page.state().find?.span);
  };
  canvas.addEventListener('pointercancel', dropDrag);
  canvas.addEventListener('lostpointercapture', dropDrag);
  canvas.addEventListener('click', (e) => {
    if (dragReleased) {
      dragReleased = false;
      return;
    }
    const t = stepUnder(e);
    if (t !== undefined) page.change({ t });
  });
  /** Shows the tooltip for the cell under event `e` (hover, or a tap on a touch screen). */
  function showTooltip(e) {
    const r = view && model.guard(() => {
      const hit = view.locate(...position(e));
      if (!hit) return null;
      const [row, t, unit] = hit;
      const name = view.rowName(row);
      return { text: describe(model.step(t), spec, unit, name), name };
    });
    if (!r?.ok || !r.value) {
      tooltip.hidden = true;
      page.highlight(null, 'timeline');
      return;
    }
    tooltip.textContent = r.value.text;
    tooltip.hidden = false;
    // Beside the pointer, but never past the edge of the view or of the screen.
    const host = canvas.parentElement.getBoundingClientRect();
    const room = Math.min(host.width, document.documentElement.clientWidth - host.left);
    const left = Math.min(e.clientX - host.left + 14, room - tooltip.offsetWidth - 4);
    tooltip.style.left = `${Math.max(-host.left + 4, left)}px`;
    tooltip.style.top = `${e.clientY - host.top + 14}px`;
    // A tap's tooltip is docked along the bottom of the screen, off the rows around the finger,
    // and goes by itself after a few seconds (or at the next tap).
    const docked = e.pointerType !== 'mouse';
    tooltip.classList.toggle('docked', docked);
    if (docked) {
      // The view contains its layout, so a fixed position would be the view's: placed by hand.
      const screenWidth = document.documentElement.clientWidth;
      tooltip.style.left = `${8 - host.left}px`;
      tooltip.style.width = `${screenWidth - 16}px`;
      tooltip.style.top = `${window.innerHeight - host.top - tooltip.offsetHeight - 8}px`;
    } else tooltip.style.removeProperty('width');
    clearTimeout(tapTimer);
    if (docked) tapTimer = setTimeout(() => { tooltip.hidden = true; page.highlight(null, 'timeline'); }, TAP_TOOLTIP_MS);
    page.highlight(r.value.name, 'timeline');
  }
  // The model redraws only the parts of the frame that changed, so a canvas the browser cleared
  // (a lost and restored context) must be drawn whole again.
  canvas.addEventListener('contextrestored', () => {
    model.forgetTimeline();
    page.schedule();
  });
  // Pointer events, so that the mouse events a browser makes up after a tap don't move it.
  let tapTimer = 0;
  canvas.addEventListener('pointermove', (e) => {
    if (e.pointerType === 'mouse') showTooltip(e);
  });
  canvas.addEventListener('pointerdown', (e) => {
    if (e.pointerType !== 'mouse') showTooltip(e);
  });
  // A tap anywhere else dismisses a tooltip a tap opened (touch has no mouseleave).
  document.addEventListener('pointerdown', (e) => {
    if (e.target !== canvas && !tooltip.hidden) {
      tooltip.hidden = true;
      page.highlight(null, 'timeline');
    }
  });
  canvas.addEventListener('mouseleave', () => {
    tooltip.hidden = true;
    page.highlight(null, 'timeline');
  });
  scroll.addEventListener('input', () => {
    const start = Number(scroll.value);
    page.timeWindow.scrollTo(start);
    const { len } = page.timeWindow.get();
    const { t } = page.state();
    page.change({ t: Math.max(start, Math.min(t, start + len - 1)) });
  });

  /**
   * A step control that fits a thumb, for touch screens where the heatmap's columns are too
   * narrow to tap (under MIN_TAP_COLUMN) or the link hides the step controls.
   */
  const thumb = $('thumb-step');
  const coarse = window.matchMedia('(pointer: coarse)');
  let lastStep = 0;
  function showThumbStep(frame, column) {
    lastStep = Math.max(0, frame.summary.steps - 1);
    const stepper = $('stepper');
    const hiddenStepper = stepper.hidden || stepper.closest('[hidden]') !== null;
    const show = coarse.matches && frame.summary.steps > 1 && (hiddenStepper || column < MIN_TAP_COLUMN);
    if (thumb.hidden !== !show) thumb.hidden = !show;
    if (!show) return;
    const last = frame.summary.steps - 1;
    setText($('thumb-label'), `step ${frame.t} of ${last}${frame.detail ? ` “${visibleChar(frame.detail.char)}”` : ''}`);
    $('thumb-prev').disabled = frame.t <= 0;
    $('thumb-next').disabled = frame.t >= last;
  }
  const stepBy = (delta) => {
    page.change({ t: Math.max(0, Math.min(lastStep, page.state().t + delta)) });
  };
  $('thumb-prev').addEventListener('click', () => stepBy(-1));
  $('thumb-next').addEventListener('click', () => stepBy(1));

  return {
    /** Draws the heatmaps for the frame's summary with its step selected. */
    update(frame) {
      spec = cellSpec(frame.summary.cell);
      scale = frame.scale;
      const width = cssWidth();
      dpr = fitCanvas(canvas, width, model.timelineHeight() * scale);
      const { start, len, steps } = frame.window(width / scale);
      view?.free();
      view = null;
      view = model.drawTimeline(canvas, start, len, frame.t, frame.unit, dpr * scale);
      const key = `${canvas.width}×${canvas.height} ${frame.summary.hidden} ${scale} ${frame.unit}`;
      if (key !== drawn) {
        drawn = key;
        rows = null;
        if (lit) showHighlight();
      }
      columns = null;
      if (!drag) showBand(frame.state.find?.span);
      showThumbStep(frame, (width - (margins().left + margins().right) * scale) / Math.max(1, len));
      const scrollable = steps > len;
      const wrap = $('window-scroll-wrap');
      if (wrap.hidden !== !scrollable) wrap.hidden = !scrollable;
      scroll.max = String(Math.max(0, steps - len));
      scroll.value = String(start);
      $('window-note').textContent = scrollable ? `steps ${start}–${start + len - 1} of ${steps}` : '';
      // A large model shows a block of its units: the one holding the selected unit.
      const { hidden } = frame.summary;
      const { first, count } = unitBlock(hidden, frame.unit);
      const units = hidden > count ? `Showing units ${first}–${first + count - 1} of ${hidden.toLocaleString('en')}: pick a unit above to see its block.` : '';
      if ($('units-note').textContent !== units) $('units-note').textContent = units;
    },
    /** Lights timeline row `row` (a quantity name, or null). */
    highlight(row, from) {
      if (from === 'timeline' || row === lit) return;
      lit = row;
      showHighlight();
    },
    /** The last drawn timeline's hit-testing (device pixels), or null before the first draw. */
    view: () => view,
  };
}
