// A cell's equations as the views write them, from its catalog entry (src/cells/): the
// inspector's headings and worked numbers, the calculator's rows. No view writes an equation out.

import { activations, activationSymbol, sites } from './catalog.js';

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

/**
 * The calculator's rows after the gates, in the order a step computes them: the products
 * (kept = f ⊙ c_prev, ...), then each equation, each state site's row just before the first
 * equation that reads its output. `applied(site, input)` writes a site's function.
 */
export function equationRows(spec, applied) {
  const rows = spec.products.map((p) => [p.name, p.text]);
  const pending = stateSites(spec);
  for (const equation of spec.equations) {
    for (const site of pending.filter((s) => equation.operands.includes(s.output))) {
      rows.push([site.output, `${site.output} = ${applied(site, site.input)}`]);
      pending.splice(pending.indexOf(site), 1);
    }
    rows.push([equation.result, equation.text]);
  }
  return rows;
}
