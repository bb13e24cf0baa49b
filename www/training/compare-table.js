// The comparison's table: per variant, its parameters, the steps it needed to reach the target
// held-out accuracy, its final and longer-sequence accuracy, and any divergence.

import { percent } from '../format.js';

/** Fills `table` from a comparison snapshot. */
export function renderComparisonTable(table, s) {
  table.replaceChildren();
  const head = document.createElement('tr');
  for (const h of [
    'variant',
    'parameters (cell + read-out)',
    `steps to ${percent(s.target_heldout_accuracy)} held-out (median, range)`,
    'reached',
    'final held-out accuracy',
    `longer sequences (${s.task.long_lengths ? s.task.long_lengths.join('–') : '—'} ${s.task.length_label})`,
    'diverged',
  ]) {
    const th = document.createElement('th');
    th.textContent = h;
    head.append(th);
  }
  table.append(head);
  for (const v of s.variants) {
    const runs = s.runs.filter((r) => r.variant === v.variant);
    const steps = runs.map((r) => r.steps_to_target).filter((x) => x != null).sort((a, b) => a - b);
    const range = steps.length
      ? `${v.median_steps_to_target} (${steps[0]}–${steps[steps.length - 1]})`
      : runs.every((r) => r.finished) ? 'not reached' : '…';
    const diverged = runs.filter((r) => r.diverged_at != null).map((r) => `seed ${r.seed} at step ${r.diverged_at}`);
    const row = document.createElement('tr');
    row.dataset.variant = v.variant;
    for (const text of [
      v.variant,
      `${(v.parameters - v.readout_parameters).toLocaleString('en')} + ${v.readout_parameters.toLocaleString('en')}`,
      range,
      `${v.reached_target} of ${v.runs}`,
      v.mean_final_accuracy != null ? percent(v.mean_final_accuracy) : '…',
      v.mean_long_test_accuracy != null ? percent(v.mean_long_test_accuracy) : '…',
      diverged.length ? diverged.join(', ') : 'no',
    ]) {
      const td = document.createElement('td');
      td.textContent = text;
      row.append(td);
    }
    table.append(row);
  }
}
