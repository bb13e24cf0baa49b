// The inspector: the selected timestep's arithmetic, per unit, with the numbers filled in: the
// group of eight units that holds the selected one, or on request all the heatmaps show.

import { SIZES } from '../config.js';
import { activationSymbol, cellOutputSite, gateSites } from '../catalog.js';
import { unitBlock } from './window.js';
import { exact, num, visibleChar } from '../format.js';
import { setText } from '../dom.js';

function cell(text, className) {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

/** The table as last built: rebuilt only when its shape changes; text is updated in place. */
let built = { key: '', rows: [], heads: [] };

/** The column headings: one per gate (f = σ(z_f), ...), then the cell and hidden state. */
function header(acts) {
  const out = cellOutputSite();
  return ['unit', ...gateSites().map((s) => `${s.output} = ${activationSymbol(acts[s.name])}(${s.input})`),
    'c = f × c_prev + i × g', `h = o × ${activationSymbol(acts[out.name])}(${out.input})`];
}

function build(host, headings, count, total) {
  host.replaceChildren();
  const table = document.createElement('table');
  table.className = 'inspector';
  const head = document.createElement('tr');
  const heads = headings.map(() => document.createElement('th'));
  head.append(...heads);
  table.append(head);
  const rows = [];
  for (let k = 0; k < count; k++) {
    const row = document.createElement('tr');
    const cells = ['', ...gateSites().map(() => 'mono'), 'mono formula-c', 'mono'].map((c) => cell('', c));
    row.append(...cells);
    table.append(row);
    rows.push(cells);
  }
  host.append(table);
  const block = unitBlock(total, 0).count;
  if (block > count) {
    const more = document.createElement('button');
    more.type = 'button';
    more.id = 'inspector-all';
    more.textContent = block === total ? `Show all ${total} units` : `Show the ${block} units of this block`;
    host.append(more);
  }
  return { rows, heads };
}

/** Renders timestep `detail` (from the model) under activations `acts`, around unit `unit`. */
function renderInspector(detail, acts, unit, showAll) {
  const host = document.getElementById('inspector');
  const title = document.getElementById('inspector-title');
  if (!detail) {
    built = { key: '', rows: [], heads: [] };
    setText(title, '');
    setText(host, 'Type something to see the cell step through it.');
    return;
  }
  setText(title, `step ${detail.t}, input “${visibleChar(detail.char)}”${detail.other ? ' — not in the vocabulary: “other”, an all-zero input' : ''}`);
  const headings = header(acts);
  const total = detail.units.length;
  // The group of eight holding the selected unit, or the heatmaps' whole block of it.
  const { first, count } = showAll ? unitBlock(total, unit) : unitBlock(total, unit, SIZES.inspectorUnits);
  const key = `${count} of ${total}`;
  if (key !== built.key) built = { key, ...build(host, headings, count, detail.units.length) };
  built.heads.forEach((th, k) => setText(th, headings[k]));
  const arrow = (z, out) => `${num(z)} → ${num(out)}`;
  const out = cellOutputSite().output;
  built.rows.forEach((cells, k) => {
    const { unit: shown, values: v } = detail.units[first + k];
    const texts = [
      String(shown),
      ...gateSites().map((s) => arrow(v[s.input], v[s.output])),
      `${num(v.f)} × ${num(v.c_prev)} + ${num(v.i)} × ${num(v.g)} = ${num(v.c)}`,
      `${num(v.o)} × ${num(v[out])} = ${num(v.h)}`,
    ];
    // Values that print as 0.000 keep their exact value in the cell's title.
    const keys = [[], ...gateSites().map((s) => [s.input, s.output]), ['f', 'c_prev', 'i', 'g', 'c'], ['o', out, 'h']];
    cells.forEach((td, j) => {
      setText(td, texts[j]);
      const tiny = keys[j].flatMap((q) => (exact(v[q]) ? [`${q} = ${exact(v[q])}`] : [])).join(', ');
      if ((td.title || '') !== tiny) td.title = tiny;
    });
  });
}

/** The inspector view: the selected step's arithmetic for each unit. */
export function createInspector(page) {
  let showAll = false;
  document.getElementById('inspector').addEventListener('click', (e) => {
    if (e.target.id === 'inspector-all') {
      showAll = true;
      page.schedule();
    }
  });
  return {
    update: (frame) => renderInspector(frame.detail, frame.state.acts, frame.unit, showAll),
  };
}
