// The training form: its task menu and number ranges come from the catalog; its values become
// the settings the worker's TrainingRun and ComparisonRun take.

import { limits, tasks } from '../catalog.js';
import { TRAINING } from '../config.js';

const $ = (id) => document.getElementById(id);

/** Fills the task menu and the number fields' ranges. */
export function fillTrainingForm() {
  const menu = $('train-task');
  for (const task of tasks()) {
    const option = document.createElement('option');
    option.value = task.name;
    option.textContent = task.label;
    menu.append(option);
  }
  const limit = limits();
  const ranges = {
    'train-hidden': limit.max_hidden,
    'train-batch': limit.max_batch,
    'train-seed': limit.max_seed,
    'compare-seeds': limit.max_compare_seeds,
    'compare-steps': limit.max_compare_steps,
  };
  for (const [id, max] of Object.entries(ranges)) $(id).max = String(max);
}

/** The settings of one run: the form's values, with the page's text and activations. */
export function runSettings({ text, acts, peepholes = false }) {
  return {
    task: $('train-task').value,
    text,
    hidden: Number($('train-hidden').value),
    learning_rate: Number($('train-lr').value),
    batch_size: Number($('train-batch').value),
    seed: Number($('train-seed').value),
    activations: { ...acts },
    peepholes,
  };
}

/** What a comparison adds to a run's settings; throws an Error whose message names a bad field. */
export function comparisonSettings() {
  const seeds = Number($('compare-seeds').value);
  const base = Number($('train-seed').value);
  const most = limits().max_compare_seeds;
  if (!Number.isInteger(seeds) || seeds < 1 || seeds > most) {
    throw new Error(`Seeds must be a whole number from 1 to ${most}.`);
  }
  if (!Number.isInteger(base) || base < 0) throw new Error('The seed must be a whole number, 0 or more.');
  return {
    seeds: Array.from({ length: seeds }, (_, k) => base + k),
    max_steps: Number($('compare-steps').value),
    target: Number($('compare-target').value),
    eval_every: TRAINING.compareEvalEvery,
  };
}
