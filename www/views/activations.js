// The activation panel: each site's function and derivative drawn by Rust, with the selected
// step's inputs marked; under it, each site's formula and derivative as text (formulas.js).

import * as model from '../model.js';
import { SIZES } from '../config.js';
import { cellSites, sites } from '../catalog.js';
import { formulas } from '../formulas.js';
import { setText } from '../dom.js';
import { fitCanvas, watchWidth } from './canvas.js';

/** The height presenter mode's header and margins take above and below a view (CSS px). */
const PRESENTER_CHROME = 120;
/** The shortest a row of the panel gets in presenter mode (CSS px). */
const MIN_PRESENTER_ROW = 150;

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
      // The charts wrap into two or three columns on narrow screens: a row of height each.
      const shownSites = cellSites(frame.summary.cell);
      const chartRows = model.activationPanelRows(width / frame.scale, shownSites.length);
      let height = SIZES.activationHeight * chartRows * frame.scale;
      if (frame.scale > 1) {
        // Presenter mode: the panel and its formulas share one screen's height, so the rows
        // are shortened to what is left under the heading and above the formulas.
        const top = canvas.parentElement.querySelector('h2')?.offsetHeight ?? 0;
        const room = window.innerHeight - PRESENTER_CHROME - top - list.offsetHeight;
        height = Math.max(MIN_PRESENTER_ROW * chartRows, Math.min(height, room));
      }
      const dpr = fitCanvas(canvas, width, height);
      model.drawActivations(canvas, frame.t, dpr * frame.scale);
      const key = JSON.stringify([frame.summary.cell, frame.state.acts]);
      if (key === shown) return;
      shown = key;
      // The formulas of the cell on screen's sites.
      for (const site of sites()) {
        const here = shownSites.includes(site);
        for (const node of [rows[site.name].f.parentElement, rows[site.name].f.parentElement.previousElementSibling]) {
          if (node.classList.contains('other-cell') === here) node.classList.toggle('other-cell', !here);
        }
        if (!here) continue;
        const { formula, derivative } = formulas(frame.state.acts[site.name]);
        setText(rows[site.name].f, formula);
        setText(rows[site.name].d, derivative);
      }
      canvas.setAttribute('aria-label', `Each site's activation and its derivative, with the selected step's inputs marked: ` +
        shownSites.map((s) => `${s.caption} ${formulas(frame.state.acts[s.name]).formula}`).join('; '));
    },
  };
}
