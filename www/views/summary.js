// Parameter count and gate saturation: small numbers from the model's summary.

import { preset } from '../catalog.js';
import { FILE_PRESET } from '../state.js';
import { blockWorked } from '../format.js';
import { bar, setText } from '../dom.js';
import * as model from '../model.js';
import { el } from './svg.js';

/** Parameter count with its formula. */
function renderParameters(summary) {
  const { parameters, blocks: all, live_blocks: blocks, hidden: h, peepholes, live_peepholes: eyes } = summary;
  setText(document.getElementById('param-count'), parameters.toLocaleString('en'));
  const seeing = peepholes ? ` + ${eyes} peephole${eyes === 1 ? '' : 's'} × H = ${eyes} × ${h}` : '';
  setText(document.getElementById('param-formula'),
    `${blocks} gate block${blocks === 1 ? '' : 's'} × ${summary.block_formula} = ${blocks} × ${blockWorked(summary)}${seeing}. ` +
    (blocks < all ? `A gate set to “none” (the constant 1) or coupled (1 − i) has no weights of its own: ${all - blocks === 1 ? 'its block is' : 'their blocks are'} gone.` :
      'Set a gate to “none” and its block of weights disappears.') +
    (summary.layers > 1 || summary.readout
      ? ` That is ${summary.layers > 1 ? `layer ${summary.layer}'s count` : 'the cell\'s count'}; the whole model (${summary.layers > 1 ? `${summary.layers} layers` : 'the cell'}${summary.readout ? ' and the read-out' : ''}) has ${summary.model_parameters.toLocaleString('en')}.`
      : ''));
}

/** The blocks of bars, built once per design and updated in place. */
let blocks = null;
let blocksKey = '';

/** Share of each gate's values near its ends, over the whole run. */
function renderSaturation(summary) {
  const host = document.getElementById('saturation');
  const key = summary.saturation.map((s) => s.quantity).join(' ');
  if (key !== blocksKey) {
    blocksKey = key;
    host.replaceChildren();
    blocks = summary.saturation.map((s) => {
      const block = document.createElement('div');
      block.className = 'saturation';
      block.dataset.quantity = s.quantity;
      const title = document.createElement('div');
      title.className = 'saturation-title';
      const bars = [bar('low'), bar('mid'), bar('high')];
      block.append(title, ...bars.map((b) => b.wrap));
      host.append(block);
      return { title, bars };
    });
  }
  summary.saturation.forEach((s, k) => {
    const { title, bars } = blocks[k];
    setText(title, `${s.label} (${s.activation})`);
    const signed = s.low_threshold < 0;
    const empty = summary.steps === 0;
    const middle = empty ? 0 : Math.max(0, 1 - s.low - s.high);
    bars[0].update(s.low, signed ? `near −1 (< −${s.high_threshold})` : `near 0 (< ${s.low_threshold})`);
    bars[1].update(middle, 'in between');
    bars[2].update(s.high, `near ${signed ? '+' : ''}1 (> ${s.high_threshold})`);
  });
}

export const createParameters = () => ({ update: (frame) => renderParameters(frame.summary) });

/**
 * The saturation view. On a hand-set preset the bars say little: its weights are ±10, so its
 * gates are saturated by construction. A note says so and points to training.
 */
/** The gates' colours in the scatter, in the order the model lists its sigmoid gates. */
const SCATTER_COLOURS = ['#0072b2', '#d55e00', '#009e73', '#cc79a7'];

/**
 * Karpathy, Johnson & Fei-Fei's saturation plot: a dot per unit of each sigmoid gate, at (share
 * of steps left-saturated, share right-saturated). Dots in the corner at (0, 0) are never
 * saturated; along the diagonal x + y = 1, always at one end or the other.
 */
function renderScatter(gates, summary) {
  const host = document.getElementById('scatter');
  const caption = document.getElementById('scatter-caption');
  const figure = document.getElementById('scatter-figure');
  const empty = gates.length === 0 || summary.steps === 0;
  if (figure.hidden !== empty) figure.hidden = empty;
  if (empty) return;
  const layer = summary.layers > 1 ? ` of layer ${summary.layer}` : '';
  const { left, right } = gates[0];
  setText(caption, `Each dot is one unit of one gate${layer}: how often (share of the ${summary.steps} steps) it is below ${left} (left) and above ${right} (right)` +
    (gates.some((g) => g.left !== left) ? ' (for a gate swapped to a signed activation, below −0.9)' : '') + '.');
  const size = 220;
  const pad = 34;
  const top = 24;
  const svg = el('svg', { viewBox: `0 0 ${size + pad + 10} ${size + pad + top}`, class: 'scatter', role: 'img' });
  const x = (v) => pad + v * size;
  const y = (v) => top + (1 - v) * size;
  el('rect', { x: pad, y: top, width: size, height: size, class: 'scatter-frame' }, svg);
  // x + y ≤ 1: the triangle a unit can be in; its hypotenuse is "always at an end".
  el('line', { x1: x(0), y1: y(1), x2: x(1), y2: y(0), class: 'scatter-diagonal' }, svg);
  for (const v of [0, 0.5, 1]) {
    el('text', { x: x(v), y: top + size + 14, class: 'scatter-tick' }, svg).textContent = String(v);
    el('text', { x: pad - 6, y: y(v) + 4, class: 'scatter-tick end' }, svg).textContent = String(v);
  }
  el('text', { x: x(0.5), y: top + size + pad - 4, class: 'scatter-axis' }, svg).textContent = 'share below (left-saturated) →';
  el('text', { x: pad, y: top - 8, class: 'scatter-axis start' }, svg).textContent = '↑ share above (right-saturated)';
  const said = [];
  gates.forEach((gate, k) => {
    const colour = SCATTER_COLOURS[k % SCATTER_COLOURS.length];
    for (const [l, r] of gate.units) el('circle', { cx: x(l), cy: y(r), r: 2.6, fill: colour, 'fill-opacity': 0.65 }, svg);
    const mostly = gate.units.filter(([l, r]) => l + r > 0.5).length;
    said.push(`${gate.label} (${gate.quantity}, ${gate.activation}): ${mostly} of ${gate.units.length} units saturated at more than half the steps`);
  });
  svg.setAttribute('aria-label', `Saturation scatter${layer}. ${said.join('; ')}.`);
  const legend = document.createElement('ul');
  legend.className = 'scatter-legend';
  gates.forEach((gate, k) => {
    const item = document.createElement('li');
    const swatch = document.createElement('span');
    swatch.className = 'swatch';
    swatch.style.background = SCATTER_COLOURS[k % SCATTER_COLOURS.length];
    item.append(swatch, `${gate.label} (${gate.quantity})`);
    legend.append(item);
  });
  host.replaceChildren(svg, legend);
}

/** The saturation scatter view, redrawn when the run changes (not on a step or unit move). */
export function createScatter() {
  let drawn = '';
  return {
    update(frame) {
      const { summary, state } = frame;
      const key = `${summary.model}|${summary.layer}|${summary.steps}|${summary.computed}|${JSON.stringify(summary.activations)}|${state.text}`;
      if (key === drawn) return;
      drawn = key;
      const r = model.guard(() => model.saturationScatter());
      if (r.ok) renderScatter(r.value, summary);
    },
  };
}

export function createSaturation() {
  const note = document.getElementById('saturation-note');
  return {
    update(frame) {
      renderSaturation(frame.summary);
      // A shipped trained model is not hand-set: its saturation is what training gave.
      const shown = preset(frame.state.preset);
      const handSet = frame.state.preset !== FILE_PRESET && !shown?.sized && !shown?.real;
      if (note.hidden !== !handSet) note.hidden = !handSet;
    },
  };
}
