// The controls on the left: text, preset, activations (with morph sliders). Each control calls
// `onChange(patch)`; main.js owns the state. Menus, labels and ranges come from the catalog.

import { activations, cells, cellSpec, morphFamily, morphPosition, preset, presets, sites, standardActivations } from './catalog.js';
import { FILE_PRESET, parameter, textPrefix } from './state.js';
import { setText, setValue } from './dom.js';

const $ = (id) => document.getElementById(id);

/**
 * Where a fixed activation sits on the morph slider's axis (sigmoid at 0, tanh at 1, from the
 * catalog), as the slider's value; undefined for functions off that line.
 */
function morphEnd(name) {
  const position = activations().find((a) => a.name === name)?.morph_position;
  return position === null || position === undefined ? undefined : String(position);
}

/** Builds the activation rows; returns a function that shows a state's activations. */
export function buildActivationControls(onChange) {
  const container = $('activations');
  const family = morphFamily();
  const standard = standardActivations();
  const rows = {};
  for (const site of sites()) {
    const row = document.createElement('div');
    row.className = 'act-row';
    const label = document.createElement('label');
    label.htmlFor = `act-${site.name}`;
    label.textContent = site.label;
    const select = document.createElement('select');
    select.id = `act-${site.name}`;
    select.dataset.site = site.name;
    for (const activation of activations().filter((a) => !a.only_at || a.only_at === site.name)) {
      const option = document.createElement('option');
      option.value = activation.name;
      option.textContent = activation.label;
      select.append(option);
    }
    const slider = document.createElement('input');
    slider.type = 'range';
    slider.min = '0';
    slider.max = '1';
    slider.step = '0.01';
    slider.value = '0';
    slider.id = `morph-${site.name}`;
    slider.setAttribute('aria-label', `Morph ${site.label} from sigmoid (0) to tanh (1)`);
    const value = document.createElement('output');
    value.htmlFor = slider.id;
    const morph = () => `${family.name}:${Number(slider.value)}`;
    select.addEventListener('change', () => {
      onChange({ acts: { [site.name]: select.value === family.name ? morph() : select.value } });
    });
    slider.addEventListener('input', () => onChange({ acts: { [site.name]: morph() } }));
    row.append(label, select, slider, value);
    container.append(row);
    rows[site.name] = { select, slider, value, row };
  }
  $('reset-activations').addEventListener('click', () => onChange({ acts: standardActivations() }));
  return (acts, cell = 'lstm') => {
    const shown = cellSpec(cell).sites;
    for (const [site, { select, slider, value, row }] of Object.entries(rows)) {
      // Only the sites of the cell on screen (a class: `hidden` is the control groups' own).
      if (row.classList.contains('other-cell') === shown.includes(site)) row.classList.toggle('other-cell', !shown.includes(site));
      const name = acts[site];
      const t = morphPosition(name);
      setValue(select, t !== null ? family.name : name);
      // The slider shows where sigmoid and tanh sit on its axis and is off for functions that
      // are not on that line.
      const position = t ?? morphEnd(name);
      if (position !== undefined) setValue(slider, position);
      if (slider.disabled !== (position === undefined)) slider.disabled = position === undefined;
      setText(value, t !== null ? `t = ${Number(slider.value).toFixed(2)}` : '');
      const changed = name !== standard[site];
      if (row.classList.contains('changed') !== changed) row.classList.toggle('changed', changed);
    }
  };
}

/** Fills the preset menu (before its "loaded or trained weights" entry) and the number ranges. */
function fillModelControls() {
  for (const cell of cells()) {
    const option = document.createElement('option');
    option.value = cell.name;
    option.textContent = cell.label;
    $('cell').append(option);
  }
  const menu = $('preset');
  const file = menu.querySelector(`option[value=${FILE_PRESET}]`);
  for (const p of presets()) {
    const option = document.createElement('option');
    option.value = p.name;
    option.textContent = p.label;
    menu.insertBefore(option, file);
  }
  for (const key of ['hidden', 'seed']) {
    const [lo, hi] = parameter(key).type.range;
    $(key).min = String(lo);
    $(key).max = String(hi);
  }
}

/** Wires the text box, preset and size controls; returns a function that shows a state. */
export function buildModelControls(onChange, onFile) {
  fillModelControls();
  const text = $('text');
  const box = parameter('text').type.written;
  text.addEventListener('input', () => {
    // An insertion no cancelable beforeinput announced (Firefox's execCommand('insertText'), an
    // IME's commit) that overfills the box: the state takes it all, and the box shows its start
    // at once, before the browser lays the rest out.
    const whole = text.value;
    if (whole.length > box) setValue(text, textPrefix(whole, box));
    onChange({ text: whole });
  });
  // A long paste or drop goes to the state, not into the box: the browser would lay out all of
  // it (seconds for a megabyte of mixed scripts). The box then shows its first part.
  const insert = (e, pasted) => {
    if (text.value.length - (text.selectionEnd - text.selectionStart) + pasted.length <= box) return;
    e.preventDefault();
    onChange({ text: text.value.slice(0, text.selectionStart) + pasted + text.value.slice(text.selectionEnd) });
  };
  text.addEventListener('paste', (e) => insert(e, e.clipboardData?.getData('text/plain') ?? ''));
  // Text can also arrive with no paste event: a phone keyboard's clipboard chip, an IME's commit,
  // execCommand('insertText'). Each is announced by a beforeinput, taken over the same way.
  text.addEventListener('beforeinput', (e) => {
    if (!e.cancelable || e.inputType === 'insertFromPaste' || e.inputType === 'insertFromDrop') return;
    const inserted = e.data ?? e.dataTransfer?.getData('text/plain');
    if (inserted) insert(e, inserted);
  });
  text.addEventListener('drop', (e) => {
    if (![...(e.dataTransfer?.types ?? [])].includes('Files')) insert(e, e.dataTransfer?.getData('text/plain') ?? '');
  });
  const menu = $('preset');
  menu.addEventListener('change', () => onChange({ preset: menu.value }));
  for (const key of ['hidden', 'seed']) {
    $(key).addEventListener('change', () => onChange({ [key]: $(key).value }));
  }
  const peepholes = $('peepholes');
  peepholes.addEventListener('change', () => onChange({ peepholes: peepholes.checked }));
  const cell = $('cell');
  cell.addEventListener('change', () => onChange({ cell: cell.value }));
  // One weights file, or a TF.js model.json with its .bin files: picked or dropped together.
  $('weights-file').addEventListener('change', (e) => {
    const files = [...e.target.files];
    if (files.length) onFile(files);
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
    const files = [...e.dataTransfer.files];
    if (files.length) onFile(files);
  });
  return (state, summary) => {
    setValue(text, textPrefix(state.text, box));
    // A loaded file has peepholes or not, and is the design it is: the controls show which, and
    // cannot change it. Only the random preset is any design, and only the LSTM has peepholes.
    const file = state.preset === FILE_PRESET;
    const shownCell = file ? summary?.cell ?? 'lstm' : state.cell;
    setValue(cell, shownCell);
    const fixedCell = file || !preset(state.preset)?.sized;
    if (cell.disabled !== fixedCell) cell.disabled = fixedCell;
    const kind = preset(state.preset)?.real ? 'model is a trained' : 'preset is a hand-set';
    const cellTip = file ? 'The loaded weights decide which cell they are.' : fixedCell ? `The ${state.preset} ${kind} ${cellSpec(shownCell).label}; the random preset is any design.` : '';
    if (cell.title !== cellTip) cell.title = cellTip;
    const checked = file ? Boolean(summary?.peepholes) : state.peepholes;
    if (peepholes.checked !== checked) peepholes.checked = checked;
    const noPeepholes = file || shownCell !== 'lstm';
    if (peepholes.disabled !== noPeepholes) peepholes.disabled = noPeepholes;
    const tip = file ? 'The loaded weights decide: they have peepholes if the file has weight_ci_l0, weight_cf_l0 and weight_co_l0.' :
      shownCell !== 'lstm' ? 'Only the LSTM has peepholes.' : '';
    if (peepholes.title !== tip) peepholes.title = tip;
    setValue(menu, state.preset);
    setValue($('hidden'), String(state.hidden));
    setValue($('seed'), String(state.seed));
    // Size and seed matter only for presets built to a size.
    const hidden = !preset(state.preset)?.sized;
    if ($('random-controls').hidden !== hidden) $('random-controls').hidden = hidden;
  };
}
