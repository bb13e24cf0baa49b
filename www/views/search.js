// The unit search (LSTMVis's hypothesis search): pick a span of the text, by its steps or by
// selecting it in the text box, and the units whose h (or c, or a gate) is high inside it and
// low outside it are listed best first, with their scores; a click shows that unit everywhere.

import * as model from '../model.js';
import { cellSpec, gateSites } from '../catalog.js';
import { num, visibleChar } from '../format.js';
import { setText, setValue } from '../dom.js';

/** How many units the search lists. */
const SHOWN = 5;

const $ = (id) => document.getElementById(id);

/** The quantities a design's units can be ranked by: its states, then its gates' outputs. */
const quantitiesOf = (cell) => [...cellSpec(cell).states, ...gateSites(cell).map((s) => s.output)];

/** The steps (Unicode characters) before UTF-16 offset `offset` of `text`. */
const stepsBefore = (text, offset) => [...text.slice(0, offset)].length;

export function createSearch(page) {
  const results = $('search-results');
  const menu = $('search-quantity');
  let menuCell = '';
  /** The search as asked: {span: [from, to] or null, quantity: name or null}. */
  const asked = () => page.state().find;
  const ask = (patch) => page.change({ find: { ...asked(), ...patch } });

  const readSpan = () => {
    const [first, last] = [Number($('search-from').value), Number($('search-to').value)];
    if (Number.isInteger(first) && Number.isInteger(last) && first >= 0 && last >= first) ask({ span: [first, last] });
    else setText($('search-note'), 'A span is two whole numbers: its first step and its last (0 to 2 is steps 0, 1 and 2).');
  };
  $('search-from').addEventListener('change', readSpan);
  $('search-to').addEventListener('change', readSpan);
  $('search-selection').addEventListener('click', () => {
    const box = $('text');
    if (box.selectionStart === box.selectionEnd) {
      setText($('search-note'), 'Select some of the text in the box first (drag across it, or Shift + arrow keys).');
      return;
    }
    ask({ span: [stepsBefore(box.value, box.selectionStart), stepsBefore(box.value, box.selectionEnd) - 1] });
  });
  menu.addEventListener('change', () => ask({ quantity: menu.value }));
  results.addEventListener('click', (e) => {
    const unit = e.target.closest('button[data-unit]')?.dataset.unit;
    if (unit !== undefined) page.change({ unit: Number(unit) });
  });

  return {
    update(frame) {
      const { summary, state } = frame;
      if (menuCell !== summary.cell) {
        menuCell = summary.cell;
        menu.replaceChildren(...quantitiesOf(summary.cell).map((q) => new Option(q, q)));
      }
      const quantity = quantitiesOf(summary.cell).includes(state.find.quantity) ? state.find.quantity : 'h';
      setValue(menu, quantity);
      const span = state.find.span;
      // A box being typed in keeps what is typed (its change event asks for the search).
      for (const [id, k] of [['search-from', 0], ['search-to', 1]]) {
        if (document.activeElement !== $(id)) setValue($(id), span ? String(span[k]) : '');
      }
      const note = $('search-note');
      if (!span) {
        results.replaceChildren();
        setText(note, 'No span picked yet: drag across the heatmaps with the mouse, or select part of the text in the box and press “Use the text box’s selection”, or type its steps.');
        return;
      }
      const r = model.guard(() => model.rankUnits(quantity, span[0], span[1] + 1, SHOWN));
      if (!r.ok) {
        results.replaceChildren();
        setText(note, `No search: ${r.message}.`);
        return;
      }
      const chars = [...state.text].slice(span[0], span[1] + 1).map(visibleChar).join('');
      // A best score at or below 0: no unit is higher inside than outside.
      const none = (r.value[0]?.score ?? 0) <= 0;
      setText(note, `Steps ${span[0]} to ${span[1]} (“${chars}”): ` + (none
        ? `no unit's ${quantity} is higher there than elsewhere; the ${r.value.length} closest come first. `
        : `the ${r.value.length} units whose ${quantity} is highest there and lowest elsewhere. `) +
        'A score of 1 is a unit at its top exactly inside the span and at its bottom everywhere else.');
      while (results.children.length < r.value.length) {
        const item = document.createElement('li');
        const button = document.createElement('button');
        button.type = 'button';
        item.append(button);
        results.append(item);
      }
      while (results.children.length > r.value.length) results.lastChild.remove();
      r.value.forEach((m, k) => {
        const button = results.children[k].firstChild;
        button.dataset.unit = String(m.unit);
        button.setAttribute('aria-pressed', String(m.unit === frame.unit));
        setText(button, `unit ${m.unit}: score ${num(m.score)} (mean ${num(m.inside)} inside, ${num(m.outside)} outside)`);
      });
    },
  };
}
