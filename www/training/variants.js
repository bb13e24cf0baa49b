// The comparison's variant checkboxes: the catalog's variants, plus "your settings" (the
// activations chosen on the left, and the peepholes if the cell has them).

import { standardActivations, variants } from '../catalog.js';

/**
 * Builds the checkboxes in `host`; returns {chosen(acts, peepholes) → [[label, activations]]
 * (with a third entry of options, such as {peepholes: true}, {cell: 'gru'}, {forget_bias: 1}
 * or {init: 'keras'}, for the worker),
 * select(labels): ticks exactly those}.
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
    chosen: (acts, peepholes) => boxes.filter(({ box }) => box.checked).map(({ variant }) => {
      const mine = variant.activations === null;
      const chosen = [variant.label, { ...standardActivations(), ...(mine ? acts : variant.activations) }];
      // Options besides the activations: peepholes, a design other than the LSTM, a forget
      // bias and a starting scheme.
      const options = {
        ...((mine ? peepholes : variant.peepholes) ? { peepholes: true } : {}),
        ...(!mine && variant.cell !== 'lstm' ? { cell: variant.cell } : {}),
        ...(!mine && variant.forget_bias != null ? { forget_bias: variant.forget_bias } : {}),
        ...(!mine && variant.init !== 'pytorch' ? { init: variant.init } : {}),
      };
      return Object.keys(options).length ? [...chosen, options] : chosen;
    }),
    select(labels) {
      for (const { box, variant } of boxes) box.checked = labels.includes(variant.label);
    },
  };
}
