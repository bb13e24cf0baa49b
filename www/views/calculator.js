// The one-step calculator: type c_prev and the four pre-activations, read f, i, g, o, c, h.

import { cellSpec, gateSites } from '../catalog.js';
import { equationRows, siteFormula } from '../equations.js';
import * as model from '../model.js';
import { exact, num } from '../format.js';
import { setText } from '../dom.js';

/**
 * The form's fields: c_prev, then each gate's pre-activation, keyed by the gate's symbol
 * (f, i, g, o) as the model's calculate() takes them. `site` is how the model's error messages
 * name the field.
 */
const fields = () => [
  { key: 'c_prev', label: 'c_prev (previous cell state)', site: 'c_prev' },
  ...gateSites().map((s) => ({ key: s.output, label: `${s.input} (${s.caption} pre-activation)`, site: s.name })),
];

/** Two worked examples that learners ask about: the forget gate on C₂, the output gate on C₃. */
const EXAMPLES = {
  forget: {
    label: 'Thread example: forget gate on C₂',
    values: { c_prev: '-0.7, -0.11, -0.07, 1.06', f: '-20, -15, 10, 20', i: '-20, -20, -20, -20', g: '0, 0, 0, 0', o: '20, 20, 20, 20' },
  },
  output: {
    label: 'Thread example: output gate [0, 1, 0, 1] on C₃',
    values: { c_prev: '-35, -48, -35, 12', f: '20, 20, 20, 20', i: '-20, -20, -20, -20', g: '0, 0, 0, 0', o: '-20, 20, -20, 20' },
  },
};

/**
 * The result's rows: [key in the model's result, formula], each formula naming the activation
 * it applies now (`acts` by site): f = σ(z_f), or f = 1 for a removed gate.
 */
const rows = (acts) => {
  const applied = (site, input) => siteFormula(site, acts[site.name], input, `1 (${site.caption} removed)`);
  // The calculator works the LSTM's step (the model's calculate()).
  return [
    ...gateSites().map((s) => [s.output, `${s.output} = ${applied(s, s.input)}`]),
    ...equationRows(cellSpec('lstm'), applied),
  ];
};

/** Builds the form; the model's calculate() gives the result or throws a message. */
export function createCalculator(page) {
  const calculate = (fields) => model.calculate(fields);
  const host = document.getElementById('calculator');
  const form = document.createElement('div');
  form.className = 'calc-form';
  const inputs = {};
  const fieldList = fields();
  let rowList = rows(page.state().acts);
  for (const { key, label } of fieldList) {
    const id = `calc-${key}`;
    const l = document.createElement('label');
    l.htmlFor = id;
    l.textContent = label;
    const input = document.createElement('input');
    input.id = id;
    input.type = 'text';
    input.spellcheck = false;
    input.value = EXAMPLES.forget.values[key];
    input.addEventListener('input', () => {
      update();
      page.schedule(); // a lesson's answer may read the result
    });
    inputs[key] = input;
    form.append(l, input);
  }
  const buttons = document.createElement('div');
  buttons.className = 'calc-buttons';
  for (const [name, example] of Object.entries(EXAMPLES)) {
    const b = document.createElement('button');
    b.type = 'button';
    b.id = `calc-example-${name}`;
    b.textContent = example.label;
    b.addEventListener('click', () => {
      for (const [key, value] of Object.entries(example.values)) inputs[key].value = value;
      update();
      page.schedule();
    });
    buttons.append(b);
  }
  const error = document.createElement('p');
  error.className = 'calc-error';
  error.setAttribute('role', 'alert');
  const result = document.createElement('table');
  result.className = 'calc-result';
  // The calculator works the LSTM's step; another design's arithmetic is in the inspector.
  const other = document.createElement('p');
  other.className = 'hint calc-other';
  other.hidden = true;
  host.append(form, buttons, error, result, other);

  let last = null;
  let actsKey = '';

  function update() {
    last = null;
    const values = Object.fromEntries(Object.entries(inputs).map(([k, input]) => [k, input.value]));
    let out;
    try {
      out = calculate(values);
    } catch (e) {
      error.textContent = String(e.message ?? e);
      // No stale answer beside an error.
      result.replaceChildren();
      // A bad number names its field; a length mismatch marks the fields whose count differs
      // from c_prev's.
      const count = (text) => text.replace(/[[\]]/g, ' ').split(/[\s,;]+/).filter(Boolean).length;
      const mismatch = error.textContent.includes('same, non-zero length');
      for (const { key, site } of fieldList) {
        const input = inputs[key];
        const bad = mismatch
          ? count(input.value) !== count(inputs.c_prev.value) || count(input.value) === 0
          : error.textContent.startsWith(site);
        input.classList.toggle('invalid', bad);
      }
      return;
    }
    error.textContent = '';
    for (const input of Object.values(inputs)) input.classList.remove('invalid');
    // Rows are built once and their numbers updated in place; their formulas follow the
    // activations.
    rowList = rows(page.state().acts);
    if (!result.rows.length) {
      for (const [key] of rowList) {
        const tr = document.createElement('tr');
        tr.dataset.row = key;
        const th = document.createElement('th');
        const td = document.createElement('td');
        td.className = 'mono';
        tr.append(th, td);
        result.append(tr);
      }
    }
    // Each value is its own element: one that prints as 0.000 keeps its exact value in a title
    // and can be focused to read it.
    rowList.forEach(([key, label], k) => {
      const th = result.rows[k].cells[0];
      if (th.textContent !== label) th.textContent = label;
      const td = result.rows[k].cells[1];
      const list = out[key];
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
  return {
    /** The calculator depends only on its own fields and the activations. */
    update(frame) {
      const lstm = frame.summary.cell === 'lstm';
      for (const part of [form, buttons, error, result]) {
        if (part.hidden !== !lstm) part.hidden = !lstm;
      }
      other.hidden = lstm;
      if (!lstm) {
        const label = cellSpec(frame.summary.cell).label;
        setText(other, `The calculator works an LSTM's step (c_prev and four pre-activations). The ${label}'s arithmetic, with the numbers of every step, is in the inspector.`);
        return;
      }
      const key = JSON.stringify(frame.state.acts);
      if (key === actsKey) return;
      actsKey = key;
      update();
    },
    /** Fills in one of the worked examples ('forget' or 'output'). */
    loadExample(name) {
      for (const [key, value] of Object.entries(EXAMPLES[name].values)) inputs[key].value = value;
      update();
    },
    /** The last result ({f, i, g, o, kept, written, c, cell_out, h} as lists), or null. */
    result: () => last,
    /** The worked example the fields hold now ('forget' or 'output'), or null once edited. */
    example: () => Object.keys(EXAMPLES).find((name) =>
      Object.entries(EXAMPLES[name].values).every(([key, value]) => inputs[key].value === value)) ?? null,
  };
}
