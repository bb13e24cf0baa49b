// A cell's equations as the views write them, from its catalog entry (src/cells/): the
// inspector's headings and worked numbers, the calculator's rows. No view writes an equation out.

import { activations, activationSymbol, cellSites, gateSites, sites } from './catalog.js';

/** The catalog's entry for activation `name` (undefined for the morph family's members). */
const info = (name) => activations().find((a) => a.name === name);

/**
 * What a site reads under activation `name`: its pre-activation (z_f), or for a gate that
 * follows another (the coupled forget gate, 1 − i) that gate's value (i).
 */
export const siteInput = (site, name) => info(name)?.reads ?? site.input;

/**
 * A site's value written out under activation `name`: σ(z_f), 1 − i for the coupled forget
 * gate, or 1 (input gate removed) for a removed one when `removed` says how.
 */
export function siteFormula(site, name, input = site.input, removed = null) {
  if (name === 'none' && removed) return removed;
  return info(name)?.written ?? `${activationSymbol(name)}(${input})`;
}

/** The sites of `spec` that apply to a state rather than gate a block (the LSTM's cell output). */
const stateSites = (spec) => {
  const gated = new Set(spec.blocks.map((b) => b.site));
  return sites().filter((s) => spec.sites.includes(s.name) && !gated.has(s.name));
};

/**
 * The right-hand side of `equation` with each name and each ⊙ mapped by `token(text)`; the
 * rest (brackets, commas, signs, numbers) stays: "(1 − z) ⊙ n" maps "z", "⊙" and "n", and
 * "max(log σ(z_f) + m_prev, z_i)" maps "max", "log", "z_f", "m_prev" and "z_i".
 */
function mapRight(equation, token) {
  const [, right] = equation.text.split(' = ');
  return right.replace(/[A-Za-z_]\w*|⊙/g, token);
}

/**
 * A heading for one unit's column: ⊙ becomes ×, and a state site's output is written as its
 * activation under `acts` applied to its input: h = o × tanh(c).
 */
export function equationHeading(spec, equation, acts) {
  const applied = new Map(stateSites(spec).map((s) => [s.output, `${activationSymbol(acts[s.name])}(${s.input})`]));
  return `${equation.result} = ${mapRight(equation, (t) => (t === '⊙' ? '×' : applied.get(t) ?? t))}`;
}

/** The equation worked for one unit: every operand replaced by `value(q)`, then `= result`. */
export function equationWorked(equation, value) {
  const right = mapRight(equation, (t) => (t === '⊙' ? '×' : equation.operands.includes(t) ? value(t) : t));
  return `${right} = ${value(equation.result)}`;
}

/** The sites of design `name`: its gates in the timeline's order, then the rest (cell output). */
const designSites = (name) => {
  const gates = gateSites(name);
  return [...gates, ...cellSites(name).filter((s) => !gates.includes(s))];
};

/**
 * A step's rows in an order it can compute them, from the fields it is given (`inputs`, by
 * name): each site's value (written by `applied(site, input)`: f = σ(z_f), f = 1 − i), each
 * product (kept = f ⊙ c_prev) and each equation, each as soon as what it reads is known, the
 * table's order otherwise. Rows are [key in a step's values, formula].
 */
export function stepRows(spec, acts, inputs, applied) {
  const pending = [
    ...designSites(spec.name).map((s) => {
      const input = siteInput(s, acts[s.name]);
      return { key: s.output, text: `${s.output} = ${applied(s, input)}`, reads: [input] };
    }),
    ...spec.products.map((p) => ({ key: p.name, text: p.text, reads: p.factors })),
    ...spec.equations.map((e) => ({ key: e.result, text: e.text, reads: e.operands })),
  ];
  const known = new Set(inputs);
  const rows = [];
  for (;;) {
    const next = pending.findIndex((r) => r.reads.every((q) => known.has(q)));
    if (next < 0) break;
    const [row] = pending.splice(next, 1);
    rows.push([row.key, row.text]);
    known.add(row.key);
  }
  return rows;
}
