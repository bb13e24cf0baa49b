// The controls on the left: text, preset, activations (with morph sliders), experiments.
// Each control calls `onChange(patch)`; main.js owns the state and the model.

import { EXPERIMENTS, PRESET_TEXT, SITES, SITE_LABELS, STANDARD_ACTIVATIONS } from './config.js';
import { setText, setValue } from './dom.js';

const $ = (id) => document.getElementById(id);

const PRETTY = {
  sigmoid: 'sigmoid σ',
  hard_sigmoid: 'hard sigmoid',
  tanh: 'tanh',
  hard_tanh: 'hard tanh',
  relu: 'ReLU',
  leaky_relu: 'leaky ReLU',
  softsign: 'softsign',
  identity: 'identity',
  none: 'none (removed: 1)',
  morph: 'morph σ → tanh',
};

/** Builds the activation rows; returns a function that shows a state's activations. */
export function buildActivationControls(names, onChange) {
  const container = $('activations');
  const rows = {};
  for (const site of SITES) {
    const row = document.createElement('div');
    row.className = 'act-row';
    const label = document.createElement('label');
    label.htmlFor = `act-${site}`;
    label.textContent = SITE_LABELS[site];
    const select = document.createElement('select');
    select.id = `act-${site}`;
    select.dataset.site = site;
    for (const name of [...names, 'morph']) {
      const option = document.createElement('option');
      option.value = name;
      option.textContent = PRETTY[name] ?? name;
      select.append(option);
    }
    const slider = document.createElement('input');
    slider.type = 'range';
    slider.min = '0';
    slider.max = '1';
    slider.step = '0.01';
    slider.value = '0';
    slider.id = `morph-${site}`;
    slider.setAttribute('aria-label', `Morph ${SITE_LABELS[site]} from sigmoid (0) to tanh (1)`);
    const value = document.createElement('output');
    value.htmlFor = slider.id;
    const morph = () => `morph:${Number(slider.value)}`;
    select.addEventListener('change', () => {
      onChange({ acts: { [site]: select.value === 'morph' ? morph() : select.value } });
    });
    slider.addEventListener('input', () => onChange({ acts: { [site]: morph() } }));
    row.append(label, select, slider, value);
    container.append(row);
    rows[site] = { select, slider, value, row };
  }
  $('reset-activations').addEventListener('click', () => onChange({ acts: { ...STANDARD_ACTIVATIONS } }));
  return (acts) => {
    for (const site of SITES) {
      const { select, slider, value, row } = rows[site];
      const name = acts[site];
      const isMorph = name.startsWith('morph:');
      setValue(select, isMorph ? 'morph' : name);
      // The slider is the sigmoid (0) to tanh (1) axis: it shows where sigmoid and tanh sit on it
      // and is off for functions that are not on that line.
      const position = isMorph ? name.slice(6) : { sigmoid: '0', tanh: '1' }[name];
      if (position !== undefined) setValue(slider, position);
      if (slider.disabled !== (position === undefined)) slider.disabled = position === undefined;
      setText(value, isMorph ? `t = ${Number(slider.value).toFixed(2)}` : '');
      const changed = name !== STANDARD_ACTIVATIONS[site];
      if (row.classList.contains('changed') !== changed) row.classList.toggle('changed', changed);
    }
  };
}

/** Wires the text box, preset and random controls; returns a function that shows a state. */
export function buildModelControls(onChange, onFile) {
  const text = $('text');
  text.addEventListener('input', () => onChange({ text: text.value }));
  const preset = $('preset');
  preset.addEventListener('change', () => onChange({ preset: preset.value }));
  for (const key of ['hidden', 'seed']) {
    $(key).addEventListener('change', () => onChange({ [key]: $(key).value }));
  }
  $('weights-file').addEventListener('change', (e) => {
    const [file] = e.target.files;
    if (file) onFile(file);
    e.target.value = '';
  });
  // Drop a weights file anywhere on the page.
  // Only file drops are taken over: dropping text into the text box still works.
  const hasFiles = (e) => [...(e.dataTransfer?.types ?? [])].includes('Files');
  window.addEventListener('dragover', (e) => {
    if (hasFiles(e)) e.preventDefault();
  });
  window.addEventListener('drop', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    const [file] = e.dataTransfer.files;
    if (file) onFile(file);
  });
  return (state) => {
    setValue(text, state.text);
    setValue(preset, state.preset);
    setValue($('hidden'), String(state.hidden));
    setValue($('seed'), String(state.seed));
    const hidden = state.preset !== 'random';
    if ($('random-controls').hidden !== hidden) $('random-controls').hidden = hidden;
  };
}

/** One button per experiment; each sets a preset and activations from the standard LSTM. */
export function buildExperiments(onChange) {
  const container = $('experiments');
  for (const experiment of EXPERIMENTS) {
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = experiment.label;
    button.title = experiment.question;
    button.addEventListener('click', () => {
      onChange({
        preset: experiment.preset,
        acts: { ...STANDARD_ACTIVATIONS, ...experiment.acts },
        text: experiment.text ?? PRESET_TEXT[experiment.preset],
      });
      $('experiment-note').textContent = `${experiment.question} ${experiment.expect}`;
    });
    container.append(button);
  }
}
