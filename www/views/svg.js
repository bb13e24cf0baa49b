// What the cell figures share (diagram.js draws the LSTM, cell-figure.js every other design):
// SVG built with DOM calls in em units, subscripts, wires, activation names and curve glyphs.

import * as model from '../model.js';
import { activations, activationSymbol, morphFamily, morphPosition } from '../catalog.js';

export const SVG = 'http://www.w3.org/2000/svg';
/** SVG units per em: text is 10 units, and 1 em is one font size of CSS pixels on screen. */
export const U = 10;
/** Where the glyphs sample each activation (z), and the glyph's vertical range. */
export const GLYPH_Z = Array.from({ length: 41 }, (_, k) => -4 + k * 0.2);
export const GLYPH_Y = 1.25;

export function el(tag, attrs = {}, parent = null) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  parent?.append(node);
  return node;
}

/** Sets attributes given in em (multiplied to SVG units), only those that changed. */
export function at(node, attrs) {
  for (const [k, v] of Object.entries(attrs)) {
    const value = typeof v === 'number' ? String(Math.round(v * U * 100) / 100) : v;
    if (node.getAttribute(k) !== value) node.setAttribute(k, value);
  }
}

/**
 * Writes `spec` into a text element, with `_x` or `_{…}` as a subscript (as in c_{t−1}), built
 * from tspans.
 */
export function rich(node, spec) {
  node.replaceChildren();
  const re = /_(\{([^}]*)\}|(.))/g;
  let last = 0;
  for (let m = re.exec(spec); m; m = re.exec(spec)) {
    if (m.index > last) node.append(spec.slice(last, m.index));
    el('tspan', { 'baseline-shift': 'sub', 'font-size': '75%' }, node).textContent = m[2] ?? m[3];
    last = m.index + m[0].length;
  }
  if (last < spec.length) node.append(spec.slice(last));
  // A following tspan would inherit the shift otherwise.
  return node;
}

/**
 * Builders for a figure whose elements follow its layout: each element adds a placer to
 * `figure.placers` that sets its position from a layout L (em). Wires go in
 * `figure.wiresLayer` with the arrowhead `figure.marker` (an id) unless `arrow` is false;
 * numbers are listed in `figure.numbers` for the redraw to fill in; parts, in
 * `figure.partsLayer` and `figure.parts`, call `figure.highlight(row)` when hovered or focused.
 */
export function layoutBuilders(figure) {
  const { placers, wiresLayer, partsLayer, marker, numbers, parts, highlight } = figure;
  const text = (parent, className, position, anchor = 'start') => {
    const t = el('text', { class: className, 'text-anchor': anchor }, parent);
    placers.push((L) => {
      const [x, y] = position(L);
      at(t, { x, y });
    });
    return t;
  };
  return {
    wire(points, { arrow = true, className = '' } = {}) {
      const p = el('path', { class: className ? `wire ${className}` : 'wire', fill: 'none' }, wiresLayer);
      if (arrow) p.setAttribute('marker-end', `url(#${marker})`);
      placers.push((L) => at(p, { d: pathData(points(L)) }));
      return p;
    },
    text,
    /**
     * A number showing value `q` of the selected unit, after `prefix` in the wide layout (a
     * prefix the figure may change later, through the entry in `numbers`).
     */
    number(parent, q, position, anchor = 'start', prefix = null) {
      const t = text(parent, 'num', position, anchor);
      const before = el('tspan', { class: 'prefix' }, t);
      const value = el('tspan', { class: 'v' }, t);
      value.dataset.q = q;
      const title = el('title', {}, t);
      const entry = { q, node: value, title, element: t, before, prefix };
      if (prefix) placers.push((L) => rich(before, L.name === 'wide' ? entry.prefix : ''));
      numbers.push(entry);
      return t;
    },
    /** A focusable part that highlights timeline row `row` (or nothing). */
    part(row, className = '') {
      const g = el('g', { class: className ? `part ${className}` : 'part', tabindex: '0', role: 'img' }, partsLayer);
      if (row) g.dataset.row = row;
      const on = () => highlight(row ?? null);
      const off = () => highlight(null);
      g.addEventListener('pointerenter', on);
      g.addEventListener('pointerleave', off);
      g.addEventListener('focus', on);
      g.addEventListener('blur', off);
      parts.push(g);
      return g;
    },
  };
}

/** An orthogonal wire through points (em). */
export function pathData(points) {
  return points.map(([x, y], k) => `${k ? 'L' : 'M'}${(x * U).toFixed(1)} ${(y * U).toFixed(1)}`).join(' ');
}

/**
 * Names of an activation: long (for screen readers), wide (a wide layout's box, which holds
 * about fourteen characters: the morph's "morph σ → tanh, t = 0.40" overflowed it) and short.
 */
export function activationNames(name) {
  const t = morphPosition(name);
  if (t !== null) {
    const at = Number(t).toFixed(2);
    return { long: `${morphFamily().label}, t = ${at}`, wide: `σ → tanh ${at}`, short: activationSymbol(name) };
  }
  const a = activations().find((x) => x.name === name);
  const long = a?.label ?? name;
  // A gate that follows another is written as what it takes: 1 − i.
  if (a?.written) return { long, wide: a.written, short: a.written };
  return { long, wide: long, short: a?.symbol ?? name };
}

/** Draws a glyph of activation `name` into `box` ({curve, axes, glyph(L)}; positions in em). */
export function drawGlyph(box, name, L) {
  const r = box.glyph(L);
  const ys = model.curve(name, GLYPH_Z);
  const toX = (z) => r.x + ((z - GLYPH_Z[0]) / (GLYPH_Z.at(-1) - GLYPH_Z[0])) * r.w;
  const toY = (v) => r.y + r.h / 2 - (Math.max(-GLYPH_Y, Math.min(GLYPH_Y, v)) / GLYPH_Y) * (r.h / 2);
  at(box.curve, { d: pathData(GLYPH_Z.map((z, k) => [toX(z), toY(ys[k])])) });
  at(box.axes, { d: `${pathData([[r.x, toY(0)], [r.x + r.w, toY(0)]])} ${pathData([[toX(0), r.y], [toX(0), r.y + r.h]])}` });
  box.toX = toX;
  box.toY = toY;
}
