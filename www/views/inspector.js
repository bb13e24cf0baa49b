// The inspector: the selected timestep's arithmetic, per unit, with the numbers filled in: the
// group of eight units that holds the selected one, or on request all the heatmaps show.

import { SIZES } from '../config.js';
import { cellSpec, gateSites } from '../catalog.js';
import { equationHeading, equationWorked, siteFormula, siteInput } from '../equations.js';
import { unitBlock } from './window.js';
import { exact, num, percent, visibleChar } from '../format.js';
import { bar, setText } from '../dom.js';

function cell(text, className) {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

/** The table as last built: rebuilt only when its shape changes; text is updated in place. */
let built = { key: '', rows: [], heads: [] };

/** The column headings: one per gate (f = σ(z_f), ...), then one per equation of the cell. */
function header(spec, acts) {
  return ['unit', ...gateSites(spec.name).map((s) => `${s.output} = ${siteFormula(s, acts[s.name])}`),
    ...spec.equations.map((e) => equationHeading(spec, e, acts))];
}

function build(host, spec, headings, count, total) {
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
    const cells = ['', ...gateSites(spec.name).map(() => 'mono'), ...spec.equations.map((e) => `mono formula-${e.result}`)].map((c) => cell('', c));
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
function renderInspector(detail, spec, acts, unit, showAll) {
  const host = document.getElementById('inspector');
  const title = document.getElementById('inspector-title');
  if (!detail) {
    built = { key: '', rows: [], heads: [] };
    setText(title, '');
    setText(host, 'Type something to see the cell step through it.');
    return;
  }
  setText(title, `step ${detail.t}, input “${visibleChar(detail.char)}”${detail.other ? ' — not in the vocabulary: “other”, an all-zero input' : ''}`);
  const headings = header(spec, acts);
  const total = detail.units.length;
  // The group of eight holding the selected unit, or the heatmaps' whole block of it.
  const { first, count } = showAll ? unitBlock(total, unit) : unitBlock(total, unit, SIZES.inspectorUnits);
  const key = `${spec.name} ${count} of ${total}`;
  if (key !== built.key) built = { key, ...build(host, spec, headings, count, detail.units.length) };
  built.heads.forEach((th, k) => setText(th, headings[k]));
  const arrow = (z, out) => `${num(z)} → ${num(out)}`;
  built.rows.forEach((cells, k) => {
    const { unit: shown, values: v } = detail.units[first + k];
    const texts = [
      String(shown),
      ...gateSites(spec.name).map((s) => arrow(v[siteInput(s, acts[s.name])], v[s.output])),
      ...spec.equations.map((e) => equationWorked(e, (q) => num(v[q]))),
    ];
    // Values that print as 0.000 keep their exact value in the cell's title.
    const keys = [[], ...gateSites(spec.name).map((s) => [siteInput(s, acts[s.name]), s.output]), ...spec.equations.map((e) => [...e.operands, e.result])];
    cells.forEach((td, j) => {
      setText(td, texts[j]);
      const tiny = keys[j].flatMap((q) => (exact(v[q]) ? [`${q} = ${exact(v[q])}`] : [])).join(', ');
      if ((td.title || '') !== tiny) td.title = tiny;
    });
  });
}

/** The predictions' bars, built as needed and updated in place. */
const bars = [];

/**
 * A model with a read-out: the five likeliest next characters after this step, with their
 * probabilities, and the probability it gave the character that came next.
 */
function renderPredictions(detail) {
  const box = document.getElementById('predictions');
  const predictions = detail?.predictions;
  if (box.hidden !== !predictions) box.hidden = !predictions;
  if (!predictions) return;
  setText(document.getElementById('predictions-title'), predictions.finite
    ? `After “${visibleChar(detail.char)}”, the read-out's likeliest next characters:`
    : `After “${visibleChar(detail.char)}”, h is not a finite number (an activation overflowed), so the read-out predicts nothing.`);
  const list = document.getElementById('predictions-list');
  while (bars.length < predictions.top.length) {
    const item = document.createElement('li');
    const row = bar('mid');
    item.append(row.wrap);
    list.append(item);
    bars.push(row);
  }
  while (bars.length > predictions.top.length) {
    bars.pop();
    list.lastChild.remove();
  }
  predictions.top.forEach((guess, k) => bars[k].update(guess.probability, `“${visibleChar(guess.char)}”`));
  const { next } = predictions;
  setText(document.getElementById('predictions-next'), !predictions.finite ? '' : !next ? 'This is the last step: no character came next.'
    : typeof next.probability !== 'number' ? `Next came “${visibleChar(next.char)}”, which is not in the vocabulary: the read-out gives it no probability.`
      : `Next came “${visibleChar(next.char)}”: p = ${percent(next.probability)}${predictions.top.some((g) => g.char === next.char) ? '' : ', not among the five'}.`);
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
    update(frame) {
      renderPredictions(frame.detail);
      renderInspector(frame.detail, cellSpec(frame.summary.cell), frame.state.acts, frame.unit, showAll);
    },
  };
}
