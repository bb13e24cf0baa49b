// For screen readers: a visually hidden table of every quantity of every unit the heatmaps show
// at the selected step, kept current, and a polite announcement when the step or unit changes.

import { cellSpec, gateSites } from '../catalog.js';
import { unitBlock } from './window.js';
import { num, visibleChar } from '../format.js';
import { setText } from '../dom.js';

/**
 * The columns: each gate's pre-activation and value, then the rest of what the cell computes
 * (the LSTM's c_prev, c, cell output and h).
 */
function columns(spec) {
  const gates = gateSites(spec.name).flatMap((s) => [s.input, s.output]);
  return [...gates, ...spec.values.filter((q) => !gates.includes(q))];
}

export function createStepTable() {
  const table = document.getElementById('step-table');
  const caption = document.createElement('caption');
  const head = document.createElement('tr');
  const unitHead = document.createElement('th');
  unitHead.scope = 'col';
  unitHead.textContent = 'unit';
  head.append(unitHead);
  /** The header row, rebuilt when the cell design changes. */
  let keys = [];
  function writeHeader(spec) {
    const wanted = columns(spec);
    if (wanted.join() === keys.join()) return;
    keys = wanted;
    head.replaceChildren(unitHead);
    for (const q of keys) {
      const th = document.createElement('th');
      th.scope = 'col';
      th.textContent = q;
      head.append(th);
    }
    body.replaceChildren();
  }
  const body = document.createElement('tbody');
  table.append(caption, head, body);
  const announce = document.getElementById('announce');
  let said = '';
  let pending = null;
  let unit = 0;
  let timer = 0;

  /** Writes the table for the latest step (a moment after a burst of changes, see update). */
  function write() {
    timer = 0;
    // Only the block the heatmaps show: a table of a thousand rows took 90 ms of layout a step.
    const block = pending && unitBlock(pending.units.length, unit);
    const detail = pending && { ...pending, units: pending.units.slice(block.first, block.first + block.count) };
    if (!detail) {
      body.replaceChildren();
      setText(caption, 'No steps: type something.');
      return;
    }
    const all = pending.units.length;
    const which = detail.units.length < all ? ` (units ${detail.units[0].unit} to ${detail.units.at(-1).unit} of ${all}, the block of the selected unit)` : '';
    setText(caption, `Every value at step ${detail.t}, input “${visibleChar(detail.char)}”${which}`);
    while (body.rows.length > detail.units.length) body.lastChild.remove();
    while (body.rows.length < detail.units.length) {
      const tr = document.createElement('tr');
      const th = document.createElement('th');
      th.scope = 'row';
      tr.append(th, ...keys.map(() => document.createElement('td')));
      body.append(tr);
    }
    detail.units.forEach(({ unit, values }, k) => {
      const cells = body.rows[k].cells;
      setText(cells[0], String(unit));
      keys.forEach((q, j) => setText(cells[j + 1], num(values[q])));
    });
  }

  return {
    update(frame) {
      const { detail } = frame;
      const heard = detail ? `Step ${detail.t}, “${visibleChar(detail.char)}”, unit ${frame.unit}.` : 'No steps.';
      if (heard !== said) {
        said = heard;
        announce.textContent = heard;
      }
      // A slider drag redraws every frame; the table, which no one sees, is written at most
      // five times a second, and always after the last change.
      writeHeader(cellSpec(frame.summary.cell));
      pending = detail;
      unit = frame.unit;
      if (!timer) timer = setTimeout(write, 200);
    },
  };
}
