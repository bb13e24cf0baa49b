// The figure of every design but the LSTM (diagram.js draws that one), laid out from its table
// entry (src/cells/): on the left the states carried in and the input; a box per weight block,
// with its activation and a glyph of its curve (or, for a gate whose function is fixed, that
// function); on the right the step's products and equations, each worked with the selected
// unit's numbers. A recurrent design's blocks are fed [h_{t−1}, x_t]; a minimal cell's are fed
// x_t alone, and h_{t−1} goes straight to its equation. Elements are built once per design; a
// redraw changes their text in place.

import { cellSpec, sites } from '../catalog.js';
import { equationWorked } from '../equations.js';
import { exact, inputLabel, inputSpoken, num } from '../format.js';
import { setText } from '../dom.js';
import { GLYPH_Z, U, activationNames, at, drawGlyph, el, layoutBuilders, rich } from './svg.js';

/** The two layouts, in em: equations beside the boxes (wide) or under them (compact). */
const LAYOUTS = {
  wide: { name: 'wide', col0: 7.6, box: 9.4, gap: 1.2 },
  compact: { name: 'compact', col0: 5.2, box: 5.6, gap: 0.4 },
};
/** Width of one character of an equation, in em, with room to spare (the numbers are monospace). */
const CHAR = 0.64;
/** The name of a state's value at t − 1 in a step's values: h_prev, c_prev, norm_prev, m_prev. */
const previous = (state) => `${state}_prev`;
/** A quantity's name as `rich` writes it: h̃ for h_tilde, and a whole word as one subscript (f_{share}). */
const shown = (q) => (q === 'h_tilde' ? 'h̃' : q.replace(/_([a-z]{2,})/g, '_{$1}'));

/** Every position of a layout for a design with `blocks` boxes, `rows` equation rows of at most `chars` characters. */
function place(layout, blocks, rows, chars, split) {
  const { col0, box, gap } = layout;
  const x0 = 0.3;
  const boxX = Array.from({ length: blocks }, (_, k) => x0 + col0 + 0.8 + k * (box + gap));
  const cx = boxX.map((x) => x + box / 2);
  const boxesEnd = boxX.at(-1) + box;
  const yRail = 2.0;
  const yBox = 3.4;
  const boxH = 7.6;
  // A block fed two parts apart needs room under the boxes for the node that scales one.
  const yBus = split ? 16.6 : 13.2;
  const yNode = yBox + boxH + 1.9;
  const eqWidth = chars * CHAR;
  const wide = layout.name === 'wide';
  const eqX = wide ? boxesEnd + 2.2 : x0;
  const yEq = wide ? yBox + 0.9 : yBus + 4.2;
  const rowH = 2.6;
  return {
    ...layout, x0, boxX, cx, boxesEnd, yRail, yBox, boxH, yBus, yNode, eqX, yEq, rowH,
    // The two feeds of a split block, either side of its centre.
    feed: box / 4,
    lineStart: x0 + col0 + 0.1,
    width: Math.max(boxesEnd, eqX + eqWidth) + 0.6,
    height: Math.max(yBus + 3.2, yEq + rows * rowH),
  };
}

/**
 * Creates the figure in `host` (hidden until a design other than the LSTM is shown).
 * `page.highlight(row, from)` is called when a part is hovered or focused.
 */
export function createCellFigure(host, page) {
  const svg = el('svg', { role: 'group', 'aria-labelledby': 'diagram-title', class: 'diagram-svg cell-figure', 'font-size': String(U) });
  svg.style.display = 'none';
  host.append(svg);
  let built = null;
  let layout = null;
  let lastWidth = 0;

  /** Builds the figure's elements for design `spec`. */
  function build(spec) {
    svg.replaceChildren();
    const defs = el('defs', {}, svg);
    const marker = el('marker', { id: 'figure-arrow', viewBox: '0 0 10 10', refX: '9', refY: '5', markerWidth: '7', markerHeight: '7', orient: 'auto-start-reverse' }, defs);
    el('path', { d: 'M0 0 L10 5 L0 10 z', class: 'arrow-head' }, marker);
    const wiresLayer = el('g', { class: 'wires' }, svg);
    const partsLayer = el('g', { class: 'parts' }, svg);
    const placers = [];
    const numbers = [];
    const parts = [];
    const { wire, text, number, part } = layoutBuilders({
      placers, wiresLayer, partsLayer, marker: 'figure-arrow', numbers, parts, highlight: (row) => page.highlight(row, 'diagram'),
    });

    // A block whose pre-activation the step assembles from its two parts (the GRU's
    // z_n = xn + r ⊙ hn) is fed them apart, and the gate that scales the recurrent part
    // (r) stands just before it, so that its wire reaches the node without crossing another.
    const split = spec.blocks.find((b) => b.parts);
    const scaled = split && spec.products.find((p) => p.factors.includes(split.parts[1]));
    const scaler = scaled && spec.blocks.find((b) => b !== split && scaled.factors.includes(b.symbol));
    const order = scaler ? spec.blocks.filter((b) => b !== scaler).flatMap((b) => (b === split ? [scaler, b] : [b])) : spec.blocks;
    const blocks = order.map((block) => ({ block, site: sites().find((s) => s.name === block.site), swappable: spec.sites.includes(block.site) }));
    const rows = [
      ...spec.products.map((p) => ({ result: p.name, text: `${p.name} = ${p.text}`, product: p })),
      ...spec.equations.map((e) => ({ result: e.result, text: e.text, equation: e })),
    ];
    // The longest line: an equation, or its worked numbers ("= " and its right-hand side with a
    // number of up to six characters for each operand's name, then " = " and the result).
    const workedLength = (r) => {
      if (!r.equation) return 12;
      const right = r.text.length - r.text.indexOf(' = ') - 3;
      const names = r.equation.operands.reduce((sum, q) => sum + q.length, 0);
      return 2 + right - names + 6 * r.equation.operands.length + 9;
    };
    const chars = Math.max(...rows.map((r) => Math.max(r.text.length, workedLength(r) + 1)));

    // The rail into the equations: the states carried in, and every block's value.
    // (Under the boxes, in the compact layout, the equations need no arrow.)
    const rail = wire((L) => (L.name === 'wide' ? [[L.lineStart, L.yRail], [L.eqX - 0.9, L.yRail], [L.eqX - 0.9, L.yEq - 0.9]] :
      [[L.lineStart, L.yRail], [L.cx.at(-1), L.yRail]]));
    placers.push((L) => (L.name === 'wide' ? rail.setAttribute('marker-end', 'url(#figure-arrow)') : rail.removeAttribute('marker-end')));
    blocks.forEach((_, k) => wire((L) => [[L.cx[k], L.yBox], [L.cx[k], L.yRail]], { arrow: false }));
    // The input bus into every block: [h_{t−1}, x_t], or x_t alone for gates that see x only.
    // (To the split block's right-hand feed, where it has one.)
    const splitAt = blocks.findIndex((b) => b.block === split);
    wire((L) => [[L.lineStart, L.yBus], [Math.max(L.cx.at(-1), splitAt < 0 ? 0 : L.cx[splitAt] + L.feed), L.yBus]], { arrow: false });
    blocks.forEach(({ block }, k) => {
      if (block !== split) wire((L) => [[L.cx[k], L.yBus], [L.cx[k], L.yBox + L.boxH]]);
    });
    if (spec.recurrent) wire((L) => [[L.lineStart + 0.4, L.yRail], [L.lineStart + 0.4, L.yBus]], { arrow: false });

    // The states carried in, down the left.
    const states = spec.states.map((state, j) => {
      const g = part(state);
      rich(text(g, 'label', (L) => [L.x0, L.yRail + 0.3 + j * 2.5]), `${state}_{t−1}`);
      number(g, previous(state), (L) => [L.x0, L.yRail + 1.45 + j * 2.5]);
      return { state, g };
    });
    const xPart = part(null);
    const xLabel = text(xPart, 'label', (L) => [L.x0, L.yBus + 1.7]);
    const busLabel = text(xPart, 'label small', (L) => [L.lineStart + 0.6, L.yBus - 0.4]);
    busLabel.textContent = spec.recurrent ? '[h, x]' : 'x only';

    const params = text(svg, 'params', (L) => [L.width - 0.3, 0.9], 'end');

    // A box per block.
    const boxes = blocks.map(({ block, site, swappable }, k) => {
      const g = part(block.symbol);
      if (swappable) g.dataset.site = site.name;
      const rect = el('rect', { class: 'box', rx: String(0.4 * U) }, g);
      const boxAt = (L) => ({ x: L.boxX[k], y: L.yBox, w: L.box, h: L.boxH });
      const title = text(g, 'title', (L) => [L.cx[k], L.yBox + 1.2], 'middle');
      const act = text(g, 'act', (L) => [L.cx[k], L.yBox + 2.35], 'middle');
      const box = { g, rect, act, block, site, swappable, k, glyphName: '' };
      if (swappable) {
        box.axes = el('path', { class: 'glyph-axes', fill: 'none' }, g);
        box.curve = el('path', { class: 'glyph', fill: 'none' }, g);
        box.dot = el('circle', { class: 'glyph-dot', r: String(0.22 * U) }, g);
        box.glyph = (L) => ({ x: L.cx[k] - Math.min(L.box - 1, 4.2) / 2, y: L.yBox + 2.9, w: Math.min(L.box - 1, 4.2), h: 1.9 });
      } else {
        // A fixed function: written out (the sLSTM's exp gates).
        const equation = spec.equations.find((e) => e.result === block.symbol);
        box.fixed = equation ? equation.text.split(' = ')[1] : block.symbol;
      }
      number(g, block.symbol, (L) => [L.cx[k], L.yBox + 5.7], 'middle', `${shown(block.symbol)} = `);
      number(g, block.pre, (L) => [L.cx[k], L.yBox + 7.0], 'middle', `${shown(block.pre)} = `);
      placers.push((L) => {
        const b = boxAt(L);
        at(rect, { x: b.x, y: b.y, width: b.w, height: b.h });
        // (A caption that ends with the symbol already, "candidate h̃", is not followed by it again.)
        const symbol = shown(block.symbol);
        const caption = site?.caption ?? '';
        rich(title, L.name === 'wide' && caption ? (caption.endsWith(symbol) ? caption : `${caption} ${symbol}`) : symbol);
        if (box.fixed) {
          // Compact: the function's name alone ("exp").
          setText(act, L.name === 'wide' ? box.fixed : box.fixed.split('(')[0]);
          act.classList.toggle('small', L.name === 'wide' && box.fixed.length > 13);
        }
        box.glyphName = '';
      });
      return box;
    });

    let scaling = null;
    if (split) {
      const k = blocks.findIndex((b) => b.block === split);
      const r = blocks.findIndex((b) => b.block === scaler);
      const [input, recurrent] = split.parts;
      const left = (L) => L.cx[k] - L.feed;
      const right = (L) => L.cx[k] + L.feed;
      const radius = 0.6;
      // The input part straight up; the recurrent part through the node where r scales it.
      wire((L) => [[right(L), L.yBus], [right(L), L.yBox + L.boxH]]);
      wire((L) => [[left(L), L.yBus], [left(L), L.yNode + radius]]);
      wire((L) => [[left(L), L.yNode - radius], [left(L), L.yBox + L.boxH]]);
      if (r >= 0) wire((L) => [[L.boxX[r] + L.box - 0.9, L.yBox + L.boxH], [L.boxX[r] + L.box - 0.9, L.yNode], [left(L) - radius, L.yNode]]);
      const node = part(scaled.name);
      node.classList.add('scaling-node');
      const circle = el('circle', { class: 'op' }, node);
      placers.push((L) => at(circle, { cx: left(L), cy: L.yNode, r: radius }));
      text(node, 'op-sign', (L) => [left(L), L.yNode + 0.35], 'middle').textContent = '×';
      const nodeTitle = el('title', {}, node);
      const feedLabel = (q, position, anchor) => {
        const g = part(q);
        number(g, q, position, anchor, `${q} = `);
        const name = text(g, 'label small', (L) => [position(L)[0], position(L)[1] + 1.3], anchor);
        name.textContent = q;
        placers.push((L) => { name.style.display = L.name === 'wide' ? 'none' : ''; });
        return g;
      };
      const mid = (L) => (L.yNode + L.yBus) / 2 + 0.2;
      const feeds = [
        { q: recurrent, g: feedLabel(recurrent, (L) => [left(L) - 0.4, mid(L)], 'end'), what: `W_h${split.symbol}·h_{t−1} + b_h${split.symbol}` },
        { q: input, g: feedLabel(input, (L) => [right(L) + 0.4, mid(L)], 'start'), what: `W_i${split.symbol}·x_t + b_i${split.symbol}` },
      ];
      scaling = { node, nodeTitle, product: scaled, feeds };
    }

    // The products and equations, each with its worked numbers.
    const equationRows = rows.map((row, j) => {
      const g = part(row.result);
      const line = text(g, 'eq', (L) => [L.eqX, L.yEq + j * L.rowH]);
      line.textContent = row.text;
      const worked = text(g, 'num eq-worked', (L) => [L.eqX + 0.8, L.yEq + j * L.rowH + 1.2]);
      return { ...row, g, worked };
    });
    return { spec, placers, numbers, parts, boxes, states, equationRows, xPart, xLabel, params, blocks: blocks.length, rows: rows.length, chars, split: Boolean(split), scaling };
  }

  /** Chooses the layout and font size for a width; returns true if anything moved. */
  function relayout(width) {
    const present = document.body.classList.contains('presenter');
    const [min, max] = present ? [22.5, 24] : [11, 15];
    const wide = place(LAYOUTS.wide, built.blocks, built.rows, built.chars, built.split);
    const compact = place(LAYOUTS.compact, built.blocks, built.rows, built.chars, built.split);
    const L = width / wide.width >= min ? wide : compact;
    let font = Math.min(max, width / L.width);
    if (font < min && L === compact) font = Math.max(present ? min : 10, font);
    const key = `${built.spec.name} ${L.name} ${font.toFixed(2)}`;
    if (layout?.key === key) return false;
    layout = { ...L, key, font };
    svg.setAttribute('viewBox', `0 0 ${(L.width * U).toFixed(1)} ${(L.height * U).toFixed(1)}`);
    svg.style.width = `${(L.width * font).toFixed(1)}px`;
    svg.style.height = `${(L.height * font).toFixed(1)}px`;
    for (const placer of built.placers) placer(layout);
    return true;
  }

  return {
    /** Shows design `frame.summary.cell` (null: hides the figure) at host width `width`. */
    update(frame, width) {
      const name = frame?.summary.cell;
      const shown = name && name !== 'lstm';
      if (svg.style.display !== (shown ? '' : 'none')) svg.style.display = shown ? '' : 'none';
      if (!shown) return;
      if (built?.spec.name !== name) {
        built = build(cellSpec(name));
        layout = null;
      }
      if (width !== lastWidth || !layout) {
        lastWidth = width;
        relayout(width);
      }
      const { detail, state, summary } = frame;
      const { parameters, live_blocks: blocks, per_block: block } = summary;
      const count = `${parameters.toLocaleString('en')} parameters`;
      setText(built.params, layout.name === 'wide' ? `${count} in the cell: ${blocks} block${blocks === 1 ? '' : 's'} × ${block}` : `${count} in the cell`);
      for (const box of built.boxes) {
        if (!box.swappable) continue;
        const actName = state.acts[box.site.name];
        const names = activationNames(actName);
        setText(box.act, layout.name === 'wide' ? names.wide : names.short);
        box.g.classList.toggle('removed', actName === 'none');
        if (box.glyphName !== actName) {
          box.glyphName = actName;
          drawGlyph(box, actName, layout);
        }
      }
      svg.classList.toggle('empty', !detail);
      if (!detail) {
        for (const n of built.numbers) setText(n.node, '–');
        for (const row of built.equationRows) setText(row.worked, '');
        rich(built.xLabel, 'x_t');
        return;
      }
      const unit = Math.min(frame.unit, detail.units.length - 1);
      const v = detail.units[unit].values;
      rich(built.xLabel, inputLabel(detail, frame.summary));
      for (const n of built.numbers) {
        const value = v[n.q];
        setText(n.node, value === undefined ? '–' : num(value));
        const full = value === undefined ? '' : exact(value) ?? '';
        if (n.title.textContent !== full) n.title.textContent = full;
      }
      for (const box of built.boxes) {
        const [z, y] = [v[box.block.pre], v[box.block.symbol]];
        if (box.swappable && box.toX && Number.isFinite(z) && Number.isFinite(y)) {
          at(box.dot, { cx: box.toX(Math.max(GLYPH_Z[0], Math.min(GLYPH_Z.at(-1), z))), cy: box.toY(y) });
        }
        const how = box.swappable ? activationNames(state.acts[box.site.name]).long : box.fixed;
        box.g.setAttribute('aria-label', `${box.site?.caption ?? box.block.symbol} ${box.block.symbol}: ${how}; ${box.block.pre} = ${num(z)}, ${box.block.symbol} = ${num(y)}`);
      }
      for (const row of built.equationRows) {
        const worked = row.equation ? `= ${equationWorked(row.equation, (q) => num(v[q]))}` : `= ${num(v[row.result])}`;
        setText(row.worked, worked);
        row.g.setAttribute('aria-label', `${row.text} ${worked}`);
      }
      if (built.scaling) {
        const { node, nodeTitle, product, feeds } = built.scaling;
        for (const { q, g, what } of feeds) g.setAttribute('aria-label', `${q} = ${what} = ${num(v[q])}`);
        const said = `${product.text} = ${num(v[product.name])}: the ${product.factors[0]} gate scales ${product.factors[1]}, the recurrent part of ${built.spec.blocks.find((b) => b.parts).pre}`;
        node.setAttribute('aria-label', said);
        setText(nodeTitle, said);
      }
      for (const { state: s, g } of built.states) g.setAttribute('aria-label', `${s} at t − 1 = ${num(v[previous(s)])}`);
      built.xPart.setAttribute('aria-label', `${inputSpoken(detail, frame.summary)}${built.spec.recurrent ? ', fed to every block with h_{t−1}' : ', fed to every block alone (the gates do not see h_{t−1})'}`);
    },
    /** Lights the parts that show timeline row `row` (null: none). */
    highlight(row) {
      for (const g of built?.parts ?? []) g.classList.toggle('lit', row !== null && g.dataset.row === row);
    },
    /** Presenter mode changes the font sizes. */
    relayout(width) {
      if (built) {
        layout = null;
        lastWidth = width;
        relayout(width);
      }
    },
  };
}
