// The activation panel: each site's function and derivative drawn by Rust, with the selected
// step's inputs marked; under it, each site's formula and derivative as text, from the catalog
// (the Rust definitions). A concrete morph:T is written from the family's pattern at t = 0.5.

import * as model from '../model.js';
import { SIZES } from '../config.js';
import { activations, morphFamily, morphPosition, sites } from '../catalog.js';
import { setText } from '../dom.js';
import { fitCanvas, watchWidth } from './canvas.js';

/** The catalog's morph formula (written at t = 0.5) at position `t` (as typed, e.g. "0.3"). */
function morphText(pattern, t) {
  const value = Number(t);
  const one = String(Number((1 + value).toFixed(4)));
  const name = `${morphFamily().symbol}${t}`;
  return pattern
    .replaceAll(`${morphFamily().symbol}0.5`, '\u0000')
    .replaceAll('1.5', one)
    .replaceAll('0.5', String(value))
    .replaceAll('\u0000', name);
}

/** {formula, derivative} of an activation name as text. */
export function formulas(name) {
  const t = morphPosition(name);
  if (t !== null) {
    const family = morphFamily();
    return { formula: morphText(family.formula, t), derivative: morphText(family.derivative, t) };
  }
  const a = activations().find((x) => x.name === name);
  return { formula: a?.formula ?? name, derivative: a?.derivative ?? '' };
}

export function createActivationPanel(page) {
  const canvas = document.getElementById('activation-panel');
  const cssWidth = watchWidth(canvas.parentElement, page.schedule);
  const list = document.getElementById('formulas');
  const rows = {};
  for (const site of sites()) {
    const dt = document.createElement('dt');
    dt.textContent = site.label;
    const dd = document.createElement('dd');
    const f = document.createElement('span');
    f.className = 'formula';
    const d = document.createElement('span');
    d.className = 'formula derivative';
    dd.append(f, d);
    dd.dataset.site = site.name;
    list.append(dt, dd);
    rows[site.name] = { f, d };
  }
  let shown = '';
  return {
    update(frame) {
      const width = cssWidth();
      const dpr = fitCanvas(canvas, width, SIZES.activationHeight * frame.scale);
      model.drawActivations(canvas, frame.t, dpr * frame.scale);
      const key = JSON.stringify(frame.state.acts);
      if (key === shown) return;
      shown = key;
      for (const site of sites()) {
        const { formula, derivative } = formulas(frame.state.acts[site.name]);
        setText(rows[site.name].f, formula);
        setText(rows[site.name].d, derivative);
      }
      canvas.setAttribute('aria-label', `Each site's activation and its derivative, with the selected step's inputs marked: ` +
        sites().map((s) => `${s.caption} ${formulas(frame.state.acts[s.name]).formula}`).join('; '));
    },
  };
}
