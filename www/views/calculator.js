// The one-step calculator: type the numbers one step of the design on screen reads (for the
// LSTM, c_prev and the four pre-activations), read every value it computes. The fields, the
// rows and the arithmetic all come from the design's table entry (the model's calculate() runs
// the design's own step).

import { SIZES } from '../config.js';
import { cellSpec } from '../catalog.js';
import { siteFormula, stepRows } from '../equations.js';
import * as model from '../model.js';
import { unitBlock } from './window.js';
import { exact, num } from '../format.js';
import { setText } from '../dom.js';

/** Two worked examples of the LSTM's that learners ask about: the forget gate on C₂, the output gate on C₃. */
const EXAMPLES = {
  forget: {
    label: 'Thread example: forget gate on C₂',
    values: { c_prev: '-0.7, -0.11, -0.07, 1.06', z_f: '-20, -15, 10, 20', z_i: '-20, -20, -20, -20', z_g: '0, 0, 0, 0', z_o: '20, 20, 20, 20' },
  },
  output: {
    label: 'Thread example: output gate [0, 1, 0, 1] on C₃',
    values: { c_prev: '-35, -48, -35, 12', z_f: '20, 20, 20, 20', z_i: '-20, -20, -20, -20', z_g: '0, 0, 0, 0', z_o: '-20, 20, -20, 20' },
  },
};

/** The result's rows for design `spec` under `acts`: a removed gate reads "i = 1 (input gate removed)". */
const rows = (spec, acts, inputs) =>
  stepRows(spec, acts, inputs, (site, input) => siteFormula(site, acts[site.name], input, `1 (${site.caption} removed)`));

/** Builds the calculator; the model's calculate() gives the result or throws a message. */
export function createCalculator(page) {
  const host = document.getElementById('calculator');
  const form = document.createElement('div');
  form.className = 'calc-form';
  const buttons = document.createElement('div');
  buttons.className = 'calc-buttons';
  const error = document.createElement('p');
  error.className = 'calc-error';
  error.setAttribute('role', 'alert');
  const result = document.createElement('table');
  result.className = 'calc-result';
  host.append(form, buttons, error, result);

  /** The design the fields are for: {key, spec, fields: [{quantity, meaning}]}. */
  let design = null;
  let inputs = {};
  let last = null;
  let shownKey = '';
  let frame = null;
  /** The LSTM example a lesson asked for, filled in once the LSTM's fields are built. */
  let wantedExample = 'forget';

  const changed = () => {
    update();
    page.schedule(); // a lesson's answer may read the result
  };

  /** Fills the fields from `values` by name. */
  function fill(values) {
    for (const [key, value] of Object.entries(values)) if (inputs[key]) inputs[key].value = value;
  }

  /**
   * The numbers the step on screen read, for the units the inspector shows: the calculator then
   * works that step again, and its result is the trace's (to f32 rounding).
   */
  function stepValues() {
    const detail = frame?.detail;
    if (!detail) return null;
    const { first, count } = unitBlock(detail.units.length, frame.unit, SIZES.inspectorUnits);
    const units = detail.units.slice(first, first + count);
    // Nine significant digits give back each f32 exactly.
    const written = (v) => String(Number(v.toPrecision(9)));
    return Object.fromEntries(design.fields.map(({ quantity }) => [quantity, units.map((u) => written(u.values[quantity])).join(', ')]));
  }

  /** Builds the fields and buttons for the design of `summary`. */
  function build(spec, key) {
    design = { key, spec, fields: model.calculatorFields() };
    form.replaceChildren();
    buttons.replaceChildren();
    result.replaceChildren();
    inputs = {};
    for (const { quantity, meaning } of design.fields) {
      const id = `calc-${quantity}`;
      const l = document.createElement('label');
      l.htmlFor = id;
      l.textContent = `${quantity} (${meaning})`;
      const input = document.createElement('input');
      input.id = id;
      input.type = 'text';
      input.spellcheck = false;
      input.value = '0';
      input.addEventListener('input', changed);
      inputs[quantity] = input;
      form.append(l, input);
    }
    const lstm = spec.name === 'lstm';
    for (const [name, example] of lstm ? Object.entries(EXAMPLES) : []) {
      const b = document.createElement('button');
      b.type = 'button';
      b.id = `calc-example-${name}`;
      b.textContent = example.label;
      b.addEventListener('click', () => {
        fill(example.values);
        changed();
      });
      buttons.append(b);
    }
    const fromStep = document.createElement('button');
    fromStep.type = 'button';
    fromStep.id = 'calc-from-step';
    fromStep.addEventListener('click', () => {
      const values = stepValues();
      if (!values) return;
      fill(values);
      changed();
    });
    buttons.append(fromStep);
    design.fromStep = fromStep;
    // The LSTM starts on the thread's example; another design on the step on screen.
    const values = lstm ? EXAMPLES[wantedExample].values : stepValues();
    if (values) fill(values);
  }

  function update() {
    last = null;
    const values = Object.fromEntries(Object.entries(inputs).map(([k, input]) => [k, input.value]));
    let out;
    try {
      out = model.calculate(values);
    } catch (e) {
      error.textContent = String(e.message ?? e);
      // No stale answer beside an error.
      result.replaceChildren();
      shownKey = '';
      // A bad number names its field; a length mismatch marks the fields whose count differs
      // from the first field's.
      const count = (text) => text.replace(/[[\]]/g, ' ').split(/[\s,;]+/).filter(Boolean).length;
      const mismatch = error.textContent.includes('same, non-zero length');
      const first = inputs[design.fields[0].quantity];
      for (const [key, input] of Object.entries(inputs)) {
        const bad = mismatch
          ? count(input.value) !== count(first.value) || count(input.value) === 0
          : error.textContent.startsWith(`${key}:`);
        input.classList.toggle('invalid', bad);
      }
      return;
    }
    error.textContent = '';
    for (const input of Object.values(inputs)) input.classList.remove('invalid');
    // Rows are built once per design and their numbers updated in place; their formulas follow
    // the activations.
    const rowList = rows(design.spec, page.state().acts, design.fields.map((f) => f.quantity));
    const key = rowList.map(([k]) => k).join(' ');
    if (key !== shownKey) {
      shownKey = key;
      result.replaceChildren();
      for (const [row] of rowList) {
        const tr = document.createElement('tr');
        tr.dataset.row = row;
        const th = document.createElement('th');
        th.scope = 'row';
        const td = document.createElement('td');
        td.className = 'mono';
        tr.append(th, td);
        result.append(tr);
      }
    }
    // Each value is its own element: one that prints as 0.000 keeps its exact value in a title
    // and can be focused to read it.
    rowList.forEach(([row, label], k) => {
      const th = result.rows[k].cells[0];
      if (th.textContent !== label) th.textContent = label;
      const td = result.rows[k].cells[1];
      const list = out[row];
      if (td.childNodes.length !== list.length * 2 + 1) {
        td.replaceChildren();
        td.append('[');
        list.forEach((_, j) => td.append(document.createElement('span'), j + 1 < list.length ? ', ' : ']'));
      }
      list.forEach((v, j) => {
        const span = td.childNodes[1 + 2 * j];
        const text = num(v);
        if (span.textContent !== text) span.textContent = text;
        const full = exact(v);
        const title = full ? `exactly ${full}` : null;
        if ((span.title || null) !== title) {
          if (full) {
            span.title = title;
            span.tabIndex = 0;
            span.className = 'tiny';
          } else {
            span.removeAttribute('title');
            span.removeAttribute('tabindex');
            span.className = '';
          }
        }
      });
    });
    last = out;
  }

  let actsKey = '';
  return {
    /** Follows the design on screen (new fields when it changes), its activations and its step. */
    update(next) {
      frame = next;
      const { summary } = next;
      const key = `${summary.cell} ${summary.peepholes ? 'peepholes' : ''}`;
      const fresh = design?.key !== key;
      if (fresh) build(cellSpec(summary.cell), key);
      const detail = next.detail;
      const label = detail ? `Take step ${detail.t}’s numbers` : 'Take the step’s numbers';
      setText(design.fromStep, label);
      design.fromStep.disabled = !detail;
      const acts = JSON.stringify(next.state.acts);
      if (!fresh && acts === actsKey) return;
      actsKey = acts;
      update();
    },
    /** Fills in one of the LSTM's worked examples ('forget' or 'output'). */
    loadExample(name) {
      wantedExample = name;
      if (design?.spec.name !== 'lstm') return;
      fill(EXAMPLES[name].values);
      update();
    },
    /** The last result (every value of the step by name, as lists), or null. */
    result: () => last,
    /** The design whose step the fields hold. */
    cell: () => design?.spec.name ?? null,
    /** The worked example the fields hold now ('forget' or 'output'), or null once edited. */
    example: () => Object.keys(EXAMPLES).find((name) =>
      Object.entries(EXAMPLES[name].values).every(([key, value]) => inputs[key]?.value === value)) ?? null,
  };
}
