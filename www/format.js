// Number formatting shared by the inspector, the diagram, tooltips and the calculator.

/** Below this magnitude a value prints as 0.000 (its exact value goes in a title). */
export const TINY = 5e-4;

/**
 * A number as a person reads it: 3 decimals, scientific when huge, NaN and ∞ by name. Values
 * below 5e−4 in magnitude print as 0.000, as a student expects: `exact(v)` gives the value.
 */
export function num(v) {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '∞';
  if (v === -Infinity) return '−∞';
  const a = Math.abs(v);
  if (a < TINY) return '0.000';
  if (a >= 1e5) return v.toExponential(2).replaceAll('-', '−');
  return v.toFixed(3).replace('-', '−');
}

/** The exact value behind a number that `num` rounds to 0.000, or null when it shows as is. */
export function exact(v) {
  if (!Number.isFinite(v) || v === 0 || Math.abs(v) >= TINY) return null;
  return v.toExponential(5).replace(/\.?0+e/, 'e').replaceAll('-', '−');
}

/** A share as a percentage. */
export function percent(share) {
  return `${(share * 100).toFixed(share > 0 && share < 0.01 ? 1 : 0)}%`;
}

/** How an invisible character is shown. */
export function visibleChar(c) {
  return { ' ': '␣', '\n': '↵', '\r': '␍', '\t': '⇥' }[c] ?? c;
}

const SUPERSCRIPT = { '-': '⁻', 0: '⁰', 1: '¹', 2: '²', 3: '³', 4: '⁴', 5: '⁵', 6: '⁶', 7: '⁷', 8: '⁸', 9: '⁹' };

/**
 * A small or large number as a person writes it: 2.04 × 10⁻³ (three significant digits), with
 * 0 as 0 and numbers from 0.01 to 1000 as plain decimals.
 */
export function sci(v) {
  if (!Number.isFinite(v)) return num(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 0.01 && a < 1000) return String(Number(v.toPrecision(3))).replace('-', '−');
  const [mantissa, exponent] = v.toExponential(2).split('e');
  const power = String(Number(exponent)).split('').map((c) => SUPERSCRIPT[c]).join('');
  return `${mantissa.replace('-', '−')} × 10${power}`;
}

/** The block formula with the model's sizes: "H(I + H + 2)" → "4 × (95 + 4 + 2)". */
export const blockWorked = ({ block_formula: formula, hidden, input_size: inputs }) =>
  formula.replace(/^H\(/, `${hidden} × (`).replaceAll('I', inputs).replaceAll('H', hidden);

/**
 * What x_t is at a step, as the diagrams draw it: the character read (layer 0), or, on a higher
 * layer of a model with several, the h of the layer below (h⁽⁰⁾ is layer 0's) at that character.
 */
export function inputLabel(detail, summary) {
  const char = `“${visibleChar(detail.char)}”${detail.other ? ' (other)' : ''}`;
  const below = String(summary.layer - 1).replace(/\d/g, (d) => SUPERSCRIPT[d]);
  return summary.layer > 0 ? `x_t = h⁽${below}⁾ at ${char}` : `x_t ${char}`;
}

/** The same in words, for a screen reader. */
export function inputSpoken(detail, summary) {
  const char = `“${visibleChar(detail.char)}”${detail.other ? ' (other)' : ''}`;
  return summary.layer > 0 ? `input x_t: the h of layer ${summary.layer - 1} at ${char}` : `input x_t: ${char}`;
}
