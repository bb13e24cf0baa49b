// The inspector: the selected timestep's arithmetic, per unit, with the numbers filled in.

import { SIZES } from '../config.js';
import { num, visibleChar } from '../format.js';

const NAMES = {
  sigmoid: 'σ', hard_sigmoid: 'hardσ', tanh: 'tanh', hard_tanh: 'hardtanh', relu: 'ReLU',
  leaky_relu: 'leaky', softsign: 'softsign', identity: 'id', none: 'none',
};

/** Short name of an activation for formulas: σ, tanh, morph0.3, ... */
function fn(name) {
  return name.startsWith('morph:') ? `morph${name.slice(6)}` : NAMES[name] ?? name;
}

function cell(text, className) {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

/** Renders timestep `detail` (from the model) under activations `acts`. */
export function renderInspector(detail, acts, showAll) {
  const host = document.getElementById('inspector');
  const title = document.getElementById('inspector-title');
  host.replaceChildren();
  if (!detail) {
    title.textContent = '';
    host.textContent = 'Type something to see the cell step through it.';
    return;
  }
  title.textContent = `step ${detail.t}, input “${visibleChar(detail.char)}”${detail.other ? ' — not in the vocabulary: “other”, an all-zero input' : ''}`;
  const table = document.createElement('table');
  table.className = 'inspector';
  const head = document.createElement('tr');
  const gate = (site, z, v) => `${v} = ${fn(acts[site])}(${z})`;
  for (const h of ['unit', gate('forget', 'z_f', 'f'), gate('input', 'z_i', 'i'), gate('candidate', 'z_g', 'g'),
    gate('output', 'z_o', 'o'), 'c = f × c_prev + i × g', `h = o × ${fn(acts.cell_output)}(c)`]) {
    const th = document.createElement('th');
    th.textContent = h;
    head.append(th);
  }
  table.append(head);
  const units = showAll ? detail.units : detail.units.slice(0, SIZES.inspectorUnits);
  for (const { unit, values: v } of units) {
    const row = document.createElement('tr');
    row.dataset.unit = String(unit);
    const arrow = (z, out) => `${num(z)} → ${num(out)}`;
    row.append(
      cell(String(unit)),
      cell(arrow(v.z_f, v.f), 'mono'),
      cell(arrow(v.z_i, v.i), 'mono'),
      cell(arrow(v.z_g, v.g), 'mono'),
      cell(arrow(v.z_o, v.o), 'mono'),
      cell(`${num(v.f)} × ${num(v.c_prev)} + ${num(v.i)} × ${num(v.g)} = ${num(v.c)}`, 'mono formula-c'),
      cell(`${num(v.o)} × ${num(v.cell_out)} = ${num(v.h)}`, 'mono'),
    );
    table.append(row);
  }
  host.append(table);
  if (!showAll && detail.units.length > units.length) {
    const more = document.createElement('button');
    more.type = 'button';
    more.id = 'inspector-all';
    more.textContent = `Show all ${detail.units.length} units`;
    host.append(more);
  }
}
