// Each activation's formula and derivative as text, from the catalog (the Rust definitions). A
// concrete morph:T is written from the family's pattern at t = 0.5.

import { activations, morphFamily, morphPosition } from './catalog.js';

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
