// Number formatting shared by the inspector, tooltips and the calculator.

/** A number as a person reads it: 3 decimals, scientific when huge or tiny, NaN and ∞ by name. */
export function num(v) {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '∞';
  if (v === -Infinity) return '−∞';
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return v.toExponential(2).replaceAll('-', '−');
  return v.toFixed(3).replace('-', '−');
}

/** A share as a percentage. */
export function percent(share) {
  return `${(share * 100).toFixed(share > 0 && share < 0.01 ? 1 : 0)}%`;
}

/** How an invisible character is shown. */
export function visibleChar(c) {
  return { ' ': '␣', '\n': '↵', '\r': '␍', '\t': '⇥' }[c] ?? c;
}
