// The cell diagram every course draws, as SVG built with DOM calls (no markup strings): x_t and
// h_{t−1} feed the four pre-activations; (1) the forget stage c_{t−1} × f; (2) the input stage
// i × g, added in; (3) the output stage act(c_t) × o gives h_t. Each site shows its activation
// by name and a glyph of its curve (sampled from the Rust definitions through model.curve), and
// the selected step's numbers for the selected unit. Elements are built once; a redraw changes
// their text and attributes in place, and a resize only moves them.

import { activationSymbol, cellOutputSite, cellSpec, gateSites } from '../catalog.js';
import { GLYPH_Z, U, activationNames, at, drawGlyph, el, layoutBuilders, rich } from './svg.js';
import { exact, inputLabel, inputSpoken, num } from '../format.js';
import { siteInput } from '../equations.js';
import { setText } from '../dom.js';
import { watchWidth } from './canvas.js';
import { createCellFigure } from './cell-figure.js';

/** The size of a subscript (c_{t−1}) relative to its text in presenter mode, as style.css sets it. */
const PRESENTER_SUBSCRIPT = 0.8;

/**
 * The two layouts, in em: roomy ("wide", labels written out) and narrow ("compact", symbols).
 * Each lists its column widths; `place` derives every position from them.
 */
const LAYOUTS = {
  wide: { name: 'wide', col0: 7.4, lead: 0.8, box: 10, gap: 1.2, before5: 1.4, col5: 9 },
  compact: { name: 'compact', col0: 4.6, lead: 0.4, box: 5.1, gap: 0.3, before5: 0.8, col5: 5.1 },
};

/** Every position of a layout, in em. */
function place(layout) {
  const { col0, lead, box, gap, before5, col5 } = layout;
  const x0 = 0.3;
  const boxX = [0, 1, 2, 3].map((k) => x0 + col0 + lead + k * (box + gap));
  const cx = boxX.map((x) => x + box / 2);
  const x5 = boxX[3] + box + before5;
  const c5 = x5 + col5 / 2;
  const yC = 2.3;
  const yMul = 6.1;
  const yBox = 7.7;
  const boxH = 7.5;
  const yOut = 3.7;
  const outH = 5.2;
  const yX3 = yBox + boxH / 2;
  const yBus = 16.7;
  return {
    ...layout, x0, boxX, cx, x5, c5, yC, yMul, yBox, boxH, yOut, outH, yX3, yBus,
    xPlus: (cx[1] + cx[2]) / 2,
    lineStart: x0 + col0 + 0.1,
    width: x5 + col5 + 0.5,
    height: 19.9,
  };
}

/**
 * Creates the view in #diagram. `page.highlight(row, from)` is called when a part is hovered or
 * focused; `highlight(row)` lights the parts showing that timeline row.
 */
export function createDiagram(page) {
  const host = document.getElementById('diagram');
  const svg = el('svg', { role: 'group', 'aria-labelledby': 'diagram-title', class: 'diagram-svg', 'font-size': String(U) });
  // This draws the LSTM; every other design has its own figure from its table entry, with a
  // sentence saying what it computes.
  const other = document.createElement('p');
  other.className = 'hint diagram-other';
  other.hidden = true;
  const defs = el('defs', {}, svg);
  const marker = el('marker', { id: 'diagram-arrow', viewBox: '0 0 10 10', refX: '9', refY: '5', markerWidth: '7', markerHeight: '7', orient: 'auto-start-reverse' }, defs);
  el('path', { d: 'M0 0 L10 5 L0 10 z', class: 'arrow-head' }, marker);
  const wiresLayer = el('g', { class: 'wires' }, svg);
  const partsLayer = el('g', { class: 'parts' }, svg);
  host.append(svg, other);
  const figure = createCellFigure(host, page);

  /** Functions that move elements for a layout (positions in em). */
  const placers = [];
  /** Numbers by quantity: [{node, title}] updated each redraw. */
  const numbers = [];
  const parts = [];

  const { wire, text, number, part } = layoutBuilders({
    placers, wiresLayer, partsLayer, marker: 'diagram-arrow', numbers, parts, highlight: (row) => page.highlight(row, 'diagram'),
  });

  const circle = (parent, symbol, position) => {
    const c = el('circle', { class: 'op', r: String(0.75 * U) }, parent);
    const t = el('text', { class: 'op-sign', 'text-anchor': 'middle' }, parent);
    t.textContent = symbol;
    placers.push((L) => {
      const [x, y] = position(L);
      at(c, { cx: x, cy: y });
      at(t, { x, y: y + 0.36 });
    });
  };

  const gates = gateSites();
  const outSite = cellOutputSite();
  const [fSite, iSite, gSite, oSite] = ['f', 'i', 'g', 'o'].map((q) => gates.find((s) => s.output === q));
  const column = (site) => gates.indexOf(site);

  // Wires first, so parts sit on top of them.
  // The cell state line: c_{t−1} → ×① → +② → c_t, on to the next step; down into the cell output.
  wire((L) => [[L.lineStart, L.yC], [L.cx[column(fSite)] - 0.75, L.yC]]);
  wire((L) => [[L.cx[column(fSite)] + 0.75, L.yC], [L.xPlus - 0.75, L.yC]]);
  wire((L) => [[L.xPlus + 0.75, L.yC], [L.width - 0.2, L.yC]]);
  wire((L) => [[L.c5, L.yC], [L.c5, L.yOut]]);
  // Gates into their operators.
  wire((L) => [[L.cx[column(fSite)], L.yBox], [L.cx[column(fSite)], L.yC + 0.75]]);
  wire((L) => [[L.cx[column(iSite)], L.yBox], [L.cx[column(iSite)], L.yMul], [L.xPlus - 0.75, L.yMul]]);
  wire((L) => [[L.cx[column(gSite)], L.yBox], [L.cx[column(gSite)], L.yMul], [L.xPlus + 0.75, L.yMul]]);
  wire((L) => [[L.xPlus, L.yMul - 0.75], [L.xPlus, L.yC + 0.75]]);
  wire((L) => [[L.boxX[column(oSite)] + L.box, L.yX3], [L.c5 - 0.75, L.yX3]]);
  wire((L) => [[L.c5, L.yOut + L.outH], [L.c5, L.yX3 - 0.75]]);
  wire((L) => [[L.c5, L.yX3 + 0.75], [L.c5, L.yBus - 0.6]]);
  // The input bus [h_{t−1}, x_t] and a feeder up into each gate.
  wire((L) => [[L.lineStart, L.yBus], [L.cx[3], L.yBus]], { arrow: false });
  wire((L) => [[L.lineStart - 0.1, L.yBus + 1.6], [L.lineStart + 0.35, L.yBus + 1.6], [L.lineStart + 0.35, L.yBus]], { arrow: false });
  const feeders = gates.map((_, k) => wire((L) => [[L.cx[k], L.yBus], [L.cx[k], L.yBox + L.boxH]]));

  // c_{t−1}, h_{t−1}, x_t on the left.
  const cPrev = part('c', 'value-part');
  rich(text(cPrev, 'label', (L) => [L.x0, L.yC - 0.45]), 'c_{t−1}');
  number(cPrev, 'c_prev', (L) => [L.x0, L.yC + 1.15]);
  const hPrev = part('h', 'value-part');
  rich(text(hPrev, 'label', (L) => [L.x0, L.yBus - 0.45]), 'h_{t−1}');
  number(hPrev, 'h_prev', (L) => [L.x0, L.yBus + 0.75]);
  const xPart = part(null, 'value-part');
  const xLabel = text(xPart, 'label', (L) => [L.x0, L.yBus + 2.0]);
  xLabel.dataset.q = 'x';

  // The operators, with the stage numbers of the learners' diagram.
  const ops = part('c', 'ops');
  circle(ops, '×', (L) => [L.cx[column(fSite)], L.yC]);
  circle(ops, '+', (L) => [L.xPlus, L.yC]);
  circle(ops, '×', (L) => [L.xPlus, L.yMul]);
  circle(ops, '×', (L) => [L.c5, L.yX3]);
  text(ops, 'stage', (L) => [L.cx[column(fSite)] - 0.95, L.yC - 0.95], 'end').textContent = '1';
  text(ops, 'stage', (L) => [L.xPlus - 0.95, L.yC - 0.95], 'end').textContent = '2';
  text(ops, 'stage', (L) => [L.c5 - 0.95, L.yX3 - 0.95], 'end').textContent = '3';

  // The products and the new cell state.
  const kept = part('c', 'value-part');
  rich(text(kept, 'label small', (L) => [L.cx[column(fSite)] + 0.55, L.yC + 1.55]), 'f·c_{t−1}');
  number(kept, 'kept', (L) => [L.cx[column(fSite)] + 0.55, L.yC + 2.75]);
  const written = part('c', 'value-part');
  text(written, 'label small', (L) => [L.xPlus + 0.55, L.yC + 1.55]).textContent = 'i·g';
  number(written, 'written', (L) => [L.xPlus + 0.55, L.yC + 2.75]);
  const cNew = part('c', 'value-part');
  rich(text(cNew, 'label', (L) => [L.c5 - 5.5, L.yC - 0.45], 'end'), 'c_t');
  number(cNew, 'c', (L) => [L.c5 - 0.9, L.yC - 0.45], 'end');
  const hNew = part('h', 'value-part');
  rich(text(hNew, 'label', (L) => [L.c5, L.yBus + 0.35], 'middle'), 'h_t');
  number(hNew, 'h', (L) => [L.c5, L.yBus + 1.6], 'middle');

  // The parameter count, which drops when a gate is removed.
  const params = text(svg, 'params', (L) => [L.width - 0.3, 0.85], 'end');

  // Peepholes (shown when the cell has them): i and f see c_{t−1}, o sees c_t, each through a
  // diagonal weight, down from the cell-state line into the gate's box.
  const peepholes = part('c', 'peepholes');
  const peepholeWires = [[iSite, 'w_ci'], [fSite, 'w_cf'], [oSite, 'w_co']].map(([site, symbol]) => {
    const k = column(site);
    const x = (L) => L.cx[k] + L.box / 2 - 0.7;
    const w = wire((L) => [[x(L), L.yC + 0.1], [x(L), L.yBox]], { className: 'peephole' });
    // Named beside the wire where there is room (the wide layout); the part's label says it all.
    const label = text(peepholes, 'label small', (L) => [x(L) - 0.3, L.yMul + 0.6], 'end');
    rich(label, symbol);
    placers.push((L) => label.classList.toggle('off', L.name !== 'wide'));
    return { wire: w, label, site };
  });
  peepholes.setAttribute('aria-label', 'peepholes: the input and forget gates also see c_{t−1}, and the output gate sees c_t, each through one weight per unit (w_ci, w_cf, w_co)');

  /** A box for one site: name, activation, glyph, output and input. */
  function siteBox(site, row, boxAt, compactTitle) {
    const g = part(row, 'site');
    g.dataset.site = site.name;
    const rect = el('rect', { class: 'box', rx: String(0.4 * U) }, g);
    const title = text(g, 'title', (L) => [boxAt(L).x + boxAt(L).w / 2, boxAt(L).y + 1.15], 'middle');
    const act = text(g, 'act', (L) => [boxAt(L).x + boxAt(L).w / 2, boxAt(L).y + 2.3], 'middle');
    const axes = el('path', { class: 'glyph-axes', fill: 'none' }, g);
    const curve = el('path', { class: 'glyph', fill: 'none' }, g);
    const dot = el('circle', { class: 'glyph-dot', r: String(0.22 * U) }, g);
    placers.push((L) => {
      const b = boxAt(L);
      at(rect, { x: b.x, y: b.y, width: b.w, height: b.h });
      setText(title, L.name === 'wide' ? `${site.caption} ${site.output === 'cell_out' ? '' : site.output}`.trim() : compactTitle);
    });
    return { g, rect, act, axes, curve, dot, boxAt, site, glyphName: '', removed: false };
  }

  const boxes = gates.map((site) => {
    const k = column(site);
    const box = siteBox(site, site.output, (L) => ({ x: L.boxX[k], y: L.yBox, w: L.box, h: L.boxH }), site.output);
    box.glyph = (L) => ({ x: L.cx[k] - Math.min(L.box - 1, 4.2) / 2, y: L.yBox + 3.95, w: Math.min(L.box - 1, 4.2), h: 1.9 });
    box.valueAt = (L) => [L.cx[k], L.yBox + 3.5];
    box.inputAt = (L) => [L.cx[k], L.yBox + 6.9];
    return box;
  });
  const outBox = siteBox(outSite, null, (L) => ({ x: L.x5, y: L.yOut, w: L.col5, h: L.outH }), 'out');
  outBox.glyph = (L) => ({ x: L.c5 - Math.min(L.col5 - 1, 4.2) / 2, y: L.yOut + 2.65, w: Math.min(L.col5 - 1, 4.2), h: 1.35 });
  boxes.forEach((box) => {
    const { site } = box;
    box.value = number(box.g, site.output, (L) => box.valueAt(L), 'middle', `${site.output} = `);
    box.input = number(box.g, site.input, (L) => box.inputAt(L), 'middle', `${site.input} = `);
  });
  outBox.value = number(outBox.g, outSite.output, (L) => [L.c5, L.yOut + 4.85], 'middle');
  outBox.act.classList.add('act-out');

  const allBoxes = [...boxes, outBox];
  let layout = null;
  let lastAct = {};
  let lastLabels = '';

  /** Chooses the layout and font size for a width; returns true if anything moved. */
  function relayout(width) {
    const present = document.body.classList.contains('presenter');
    // In presenter mode subscripts are drawn at PRESENTER_SUBSCRIPT of the text (style.css), and
    // they too must reach 18 px.
    const [min, max] = present ? [18 / PRESENTER_SUBSCRIPT, 24] : [11, 15];
    const wide = place(LAYOUTS.wide);
    const compact = place(LAYOUTS.compact);
    let L = width / wide.width >= min ? wide : compact;
    let font = Math.min(max, width / L.width);
    if (font < min && L === compact) font = Math.max(present ? min : 10, font);
    const key = `${L.name} ${font.toFixed(2)}`;
    if (layout?.key === key) return false;
    layout = { ...L, key, font };
    svg.setAttribute('viewBox', `0 0 ${(L.width * U).toFixed(1)} ${(L.height * U).toFixed(1)}`);
    svg.style.width = `${(L.width * font).toFixed(1)}px`;
    svg.style.height = `${(L.height * font).toFixed(1)}px`;
    for (const placer of placers) placer(layout);
    lastAct = {};
    lastLabels = '';
    return true;
  }

  const width = watchWidth(host, () => {
    relayout(width());
    page.schedule();
  });
  relayout(width());

  /** Shows the activations: names, glyphs and removed gates. */
  function showActivations(acts, summary) {
    for (const box of allBoxes) {
      const name = acts[box.site.name];
      if (lastAct[box.site.name] === name) continue;
      lastAct[box.site.name] = name;
      const names = activationNames(name);
      const removed = name === 'none';
      setText(box.act, layout.name === 'wide' ? names.wide : names.short);
      if (box === outBox) rich(box.act, `${names.short}(c_t)`);
      box.g.classList.toggle('removed', removed);
      box.removed = removed;
      drawGlyph(box, name, layout);
      const k = boxes.indexOf(box);
      // A gate that follows another (f = 1 − i) reads that gate's value, and its own weights
      // are unused, as a removed gate's are.
      const input = siteInput(box.site, name);
      if (k >= 0) feeders[k].classList.toggle('cut', removed || input !== box.site.input);
      const shown = numbers.find((n) => n.element === box.input);
      if (shown && shown.q !== input) {
        shown.q = input;
        shown.node.dataset.q = input;
        shown.prefix = `${input} = `;
        rich(shown.before, layout.name === 'wide' ? shown.prefix : '');
      }
    }
    const { parameters, live_blocks: blocks, per_block: block, peepholes: seeing, live_peepholes: eyes, hidden } = summary;
    const extra = seeing ? ` + ${eyes} peephole${eyes === 1 ? '' : 's'} × ${hidden}` : '';
    // The working only where there is room for it (the side panel writes it out too).
    const count = `${parameters.toLocaleString('en')} parameters`;
    setText(params, layout.name === 'wide' ? `${count} in the cell: ${blocks} block${blocks === 1 ? '' : 's'} × ${block}${extra}` : `${count} in the cell`);
    // A gate without weights of its own (removed, or coupled) has no peephole either.
    for (const p of peepholeWires) {
      const shown = seeing && siteInput(p.site, acts[p.site.name]) === p.site.input && acts[p.site.name] !== 'none';
      if (p.wire.classList.contains('off') === shown) p.wire.classList.toggle('off', !shown);
      if (p.wire.dataset.gone !== String(!shown)) p.wire.dataset.gone = String(!shown);
    }
    if (peepholes.classList.contains('off') === seeing) peepholes.classList.toggle('off', !seeing);
  }

  /** The selected unit's values (with the products the diagram draws, which the model adds). */
  function valuesOf(detail, unit) {
    return detail.units[unit]?.values ?? detail.units[0].values;
  }

  let highlighted = null;

  return {
    /** Redraws the numbers for the selected step and unit. */
    update(frame) {
      const { detail, state, summary } = frame;
      const lstm = summary.cell === 'lstm';
      if (svg.style.display !== (lstm ? '' : 'none')) svg.style.display = lstm ? '' : 'none';
      other.hidden = lstm;
      figure.update(lstm ? null : frame, width());
      if (!lstm) {
        const spec = cellSpec(summary.cell);
        const fed = spec.recurrent ? 'each fed hₜ₋₁ and xₜ' : 'each fed xₜ only: its gates do not see hₜ₋₁';
        setText(other, `The ${spec.label} on screen computes ${spec.equations.map((e) => e.text).join('; ')}, ` +
          `with ${gateSites(spec.name).map((s) => `${s.output} = ${activationSymbol(state.acts[s.name])}(${s.input})`).join(', ')}. ` +
          `Its ${spec.blocks.length} blocks (${spec.blocks.map((b) => b.symbol).join(', ')}) are ${fed}.` +
          spec.blocks.filter((b) => b.parts).map((b) => ` The ${b.symbol} block keeps its two parts apart: ${b.parts[0]} = W·xₜ + b and ${b.parts[1]} = W·hₜ₋₁ + b.`).join(''));
        return;
      }
      svg.classList.toggle('empty', !detail);
      showActivations(state.acts, summary);
      if (!detail) {
        for (const n of numbers) setText(n.node, '–');
        rich(xLabel, 'x_t');
        xLabel.dataset.shown = '';
        return;
      }
      const unit = Math.min(frame.unit, detail.units.length - 1);
      const v = valuesOf(detail, unit);
      const x = inputLabel(detail, summary);
      if (xLabel.dataset.shown !== x) {
        xLabel.dataset.shown = x;
        rich(xLabel, x);
      }
      for (const n of numbers) {
        const value = v[n.q];
        const shown = value === undefined ? '–' : num(value);
        setText(n.node, shown);
        const full = value === undefined ? '' : exact(value) ?? '';
        if (n.title.textContent !== full) n.title.textContent = full;
      }
      for (const box of allBoxes) {
        const input = box === outBox ? 'c' : siteInput(box.site, state.acts[box.site.name]);
        const z = v[input];
        const y = v[box.site.output];
        if (box.toX && Number.isFinite(z) && Number.isFinite(y)) {
          at(box.dot, { cx: box.toX(Math.max(GLYPH_Z[0], Math.min(GLYPH_Z.at(-1), z))), cy: box.toY(y) });
        }
        const label = `${box.site.caption}: ${activationNames(state.acts[box.site.name]).long}; ` +
          (box === outBox ? `${num(v.c)} in, ${num(y)} out` : `${input} = ${num(z)}, ${box.site.output} = ${num(y)}`) +
          (box.removed ? ' (removed: the constant 1, no weights)' : '');
        if (box.g.getAttribute('aria-label') !== label) box.g.setAttribute('aria-label', label);
      }
      const labels = `${num(v.c_prev)}|${num(v.kept)}|${num(v.written)}|${num(v.c)}|${num(v.h)}|${num(v.h_prev)}|${detail.char}|${summary.layer}`;
      if (labels !== lastLabels) {
        lastLabels = labels;
        cPrev.setAttribute('aria-label', `previous cell state c_{t−1} = ${num(v.c_prev)}`);
        kept.setAttribute('aria-label', `stage 1, forget: f·c_{t−1} = ${num(v.kept)}`);
        written.setAttribute('aria-label', `stage 2, input: i·g = ${num(v.written)}`);
        cNew.setAttribute('aria-label', `new cell state c_t = f·c_{t−1} + i·g = ${num(v.c)}`);
        hNew.setAttribute('aria-label', `stage 3, output: h_t = o·act(c_t) = ${num(v.h)}`);
        hPrev.setAttribute('aria-label', `previous hidden state h_{t−1} = ${num(v.h_prev)}`);
        xPart.setAttribute('aria-label', inputSpoken(detail, summary));
        ops.setAttribute('aria-label', 'the operators: 1 forget (×), 2 input (× then +), 3 output (×)');
      }
    },
    /** Lights the parts that show timeline row `row` (null: none). */
    highlight(row) {
      if (row === highlighted) return;
      highlighted = row;
      for (const g of parts) g.classList.toggle('lit', row !== null && g.dataset.row === row);
      figure.highlight(row);
    },
    /** Presenter mode changes the font sizes. */
    relayout: () => {
      relayout(width());
      figure.relayout(width());
    },
    /** The font size the diagram's text is drawn at (CSS px), for tests. */
    fontSize: () => layout.font,
    layoutName: () => layout.name,
  };
}
