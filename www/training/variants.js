// The comparison's variant checkboxes: the catalog's variants, plus "your settings" (the
// activations chosen on the left).

import { standardActivations, variants } from '../catalog.js';

/**
 * Builds the checkboxes in `host`; returns {chosen(acts) → [[label, activations]] for the
 * worker, select(labels): ticks exactly those}.
 */
export function createVariantPicker(host) {
  const boxes = [];
  for (const variant of [...variants(), { label: 'your settings (left)', activations: null }]) {
    const label = document.createElement('label');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.checked = Boolean(variant.checked);
    label.append(box, ` ${variant.label}`);
    host.append(label);
    boxes.push({ box, variant });
  }
  return {
    chosen: (acts) => boxes.filter(({ box }) => box.checked).map(({ variant }) => [
      variant.label,
      { ...standardActivations(), ...(variant.activations ?? acts) },
    ]),
    select(labels) {
      for (const { box, variant } of boxes) box.checked = labels.includes(variant.label);
    },
  };
}
