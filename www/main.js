// Gate Lab's page: owns the state and the render loop; wires controls, keyboard and URL. The
// views come from the view table (views/table.js): each redraw updates every view shown. The
// wasm model is owned by model.js, through which every call goes; the tables the page lists
// come from catalog.js.

import * as model from './model.js';
import { activationSymbol, activations as activationTable, limits, loadCatalog, preset, sites } from './catalog.js';
import { PLAY_INTERVAL } from './config.js';
import { FILE_PRESET, defaultState, parameter, readState, textPrefix, writeState } from './state.js';
import { notify } from './notices.js';
import { buildActivationControls, buildModelControls } from './controls.js';
import { VIEWS, viewNames, viewRow } from './views/table.js';
import { createTimeWindow } from './views/window.js';
import { formulas } from './formulas.js';
import { createPresenter } from './presenter.js';
import { createTheme } from './theme.js';
import { visibleChar } from './format.js';
import { setText, setValue } from './dom.js';
import { decodeWeights, encodeWeights } from './weights-link.js';
import { installTestHooks } from './test-hooks.js';
import { controlTable, defaultControls } from './control-table.js';
import { EMBED_VIEWS, fullPageLink, reportHeight } from './embed.js';
import { LESSON_COUNT } from './lesson-count.js';
import { hasWasm } from './wasm-support.js';
import { pendingResizes } from './views/canvas.js';

const $ = (id) => document.getElementById(id);

let state = null;
let summary = null;
let playing = null;
let frame = 0;
let showActivations;
let showModel;
/** The views of the table (views/table.js), made at start: [{row, section, instance}]. */
let views = [];
/** The names of the views shown now (null: all of them). */
let shown = null;
let walk = null;
let presenter;
let theme;
const timeWindow = createTimeWindow();
/** The fixed-scales setting last given to the model. */
let fixedApplied = null;
/** The last drawing error shown, so a failing redraw does not repeat its notice every frame. */
let lastRenderError = '';

/** How long the parts of the last render took (ms), for the benchmark: the model, then each view. */
const timings = { model: 0, views: {}, panels: 0 };

/** What stands in for the walk where it is not loaded (an embed without a lesson). */
const NO_WALK = { update() {}, go() {}, enter() {}, leave() {}, current: () => null, count: LESSON_COUNT };

/** The views always updated, whatever a lesson or an embed shows (for screen readers). */
const ALWAYS = ['data'];

/** The views a link asks for (`views=`, or an embed's few), or null for every view. */
const linkedViews = () => state.views ?? (state.embed ? EMBED_VIEWS : null);

const viewInstance = (name) => views.find((v) => v.row.name === name)?.instance;

/** Fixed scales: as set, or on by default in lessons and presenter mode. */
const fixedScales = () => state.fixed ?? (state.lesson > 0 || Boolean(presenter?.active()));

/** The views the current lesson names (null outside the walk). */
let lessonViews = null;

/**
 * Shows only the views named (null: every view), in the order named. In presenter mode a
 * lesson shows its key view (the first) alone, large.
 */
function showViews(names) {
  lessonViews = names;
  const inLesson = names && presenter?.active() ? names.slice(0, 1) : names;
  const list = inLesson ?? linkedViews();
  shown = list ? new Set([...list, ...ALWAYS]) : null;
  for (const { row, section } of views) {
    const visible = !shown || shown.has(row.name);
    if (section.hidden !== !visible) section.hidden = !visible;
    const order = list ? list.indexOf(row.name) : -1;
    section.style.order = order >= 0 ? String(order) : '';
    section.classList.toggle('key-view', Boolean(list && order === 0));
  }
  // The saturation and calculator views share a row: it goes where the first of them is named.
  const pair = document.querySelector('.pair');
  const inPair = views.filter((v) => pair.contains(v.section) && !v.section.hidden);
  pair.hidden = inPair.length === 0;
  const orders = inPair.map((v) => v.section.style.order).filter(Boolean).map(Number);
  pair.style.order = orders.length ? String(Math.min(...orders)) : '';
  pair.classList.toggle('key-view', inPair.some((v) => v.section.classList.contains('key-view')));
}

/** A large model's run is computed a slice at a time after a change is drawn (lab.rs): the
 * timer of the next slice, and when the views last showed the progress. */
let slicing = 0;
let progressDrawn = 0;

/** Computes the next slice of the run; redraws when done, and now and then on the way. */
function computeRest() {
  slicing = 0;
  // Slices for up to 20 ms, then the browser gets its turn (input, painting).
  const until = performance.now() + 20;
  const r = model.guard(() => {
    let done = model.advance();
    while (!done && performance.now() < until) done = model.advance();
    return done;
  });
  if (!r.ok) {
    report(r, 'Computing the run failed: ');
    return;
  }
  const now = performance.now();
  if (r.value || now - progressDrawn > 600) {
    progressDrawn = now;
    schedule();
  } else showProgress(model.computed(), summary.steps);
  if (!r.value) slicing = later(computeRest);
}

/**
 * Runs `task` soon, behind input and painting: as a background task where the browser has a
 * scheduler (a plain timer chain can starve the frames that show what is typed), else on a timer.
 */
function later(task) {
  if (globalThis.scheduler?.postTask) {
    globalThis.scheduler.postTask(task, { priority: 'background' });
    return -1;
  }
  return setTimeout(task, 0);
}

/** The note that says how much of a large model's run is computed yet. */
function showProgress(computed, steps) {
  const note = $('progress');
  const busy = computed < steps;
  if (note.hidden !== !busy) note.hidden = !busy;
  if (busy) setText(note, `Computing the run: ${computed.toLocaleString('en')} of ${steps.toLocaleString('en')} steps (a large model is run a slice at a time, so the page keeps answering).`);
}

/** Draws everything now. */
function render() {
  frame = 0;
  const start = performance.now();
  const fixed = fixedScales();
  const result = model.guard(() => {
    if (fixed !== fixedApplied) {
      model.setFixedScales(fixed);
      fixedApplied = fixed;
    }
    summary = model.summary();
    state.t = Math.min(state.t, Math.max(0, summary.steps - 1));
    state.unit = Math.min(state.unit, Math.max(0, summary.hidden - 1));
    return model.step(state.t);
  });
  if (!result.ok) {
    if (!result.crashed && result.message !== lastRenderError) notify(`Drawing failed: ${result.message}`, 'error');
    lastRenderError = result.message;
    return;
  }
  timings.model = performance.now() - start;
  showProgress(summary.computed, summary.steps);
  if (summary.computed < summary.steps && !slicing) slicing = later(computeRest);
  let fitted = null;
  const current = {
    summary,
    detail: result.value,
    state,
    t: state.t,
    unit: state.unit,
    scale: presenter.scale(),
    window: (cssWidth) => (fitted ??= timeWindow.fit(summary.steps, state.t, cssWidth)),
  };
  let failed = '';
  timings.views = {};
  for (const { row, instance } of views) {
    if (!instance.update || (shown && !shown.has(row.name))) continue;
    // A view scrolled far out of sight is updated when it comes back (see watchSight).
    if (row.waits && !inSight.has(row.name)) {
      stale.add(row.name);
      continue;
    }
    stale.delete(row.name);
    const t0 = performance.now();
    const r = model.guard(() => instance.update(current));
    timings.views[row.name] = performance.now() - t0;
    if (!r.ok && !r.crashed) failed ||= r.message;
  }
  if (failed && failed !== lastRenderError) notify(`Drawing failed: ${failed}`, 'error');
  lastRenderError = failed;
  const panels = performance.now();
  showActivations(state.acts, summary.cell);
  showModel(state, summary);
  showToolbar(result.value);
  walk.update();
  const notes = [];
  const box = parameter('text').type.written;
  if (state.text.length > box) {
    notes.push(`The text is ${state.text.length.toLocaleString('en')} characters: the box and copied links hold the first ${box.toLocaleString('en')}, and typing in the box keeps only what it shows. The training lab's text task learns from all of it.`);
  }
  if (summary.truncated) {
    notes.push(`Showing the first ${summary.steps.toLocaleString('en')} of ${summary.total_chars.toLocaleString('en')} characters, so every keystroke stays fast; the rest of the text is kept (Save… writes the steps shown; gatelab trace --text-file traces them all).`);
  }
  if (summary.other_count) {
    notes.push(`${summary.other_count} character${summary.other_count === 1 ? ' is' : 's are'} outside the vocabulary and read as “other” (an all-zero input).`);
  }
  if (summary.nonfinite_total) {
    notes.push(`${summary.nonfinite_total.toLocaleString('en')} values overflowed to NaN or ∞ (shown in their own colours).`);
  }
  setText($('text-note'), notes.join(' '));
  setText($('model-note'), modelNote(summary));
  timings.panels = performance.now() - panels;
  scheduleUrl();
}

/** What the model is, under the model controls: its size, what it reads, its layers. */
function modelNote(summary) {
  const chars = [...summary.vocab];
  const symbols = `${chars.length} input symbols${chars.length <= 12 ? ` (${chars.map(visibleChar).join(' ')})` : ''}`;
  const embedded = summary.embedding ? `; its embedding (${summary.embedding} wide) is folded into layer 0's W_ih, so layer 0 reads one column per symbol` : '';
  const predicts = summary.readout ? '; a read-out on the top layer predicts the next character (the inspector shows its top 5)' : '';
  const about = preset(state.preset)?.about;
  if (about) return `${summary.model}: ${about}. ${symbols[0].toUpperCase()}${symbols.slice(1)}${predicts}.`;
  if (summary.layers === 1) return `${summary.model}: H = ${summary.hidden}, ${symbols}${embedded}${predicts}.`;
  const reads = summary.layer === 0 ? `reads the text's ${symbols}` : `reads the h of layer ${summary.layer - 1} (${summary.input_size} values)`;
  return `${summary.model}: ${summary.layers} layers; layer ${summary.layer} on show, H = ${summary.hidden}, ${reads}${embedded}${predicts}.`;
}

/** The step, unit and fixed-scales controls above the views. */
function showToolbar(detail) {
  // Only what changed: writing an input's attribute, even to the value it has, lays it out
  // again. The end first, so that a step past the old end is not clamped to it.
  const last = String(Math.max(0, summary.steps - 1));
  if ($('step').max !== last) $('step').max = last;
  setValue($('step'), String(state.t));
  setText($('step-char'), detail ? `“${visibleChar(detail.char)}”` : '');
  const layers = $('layer');
  const several = summary.layers > 1;
  if ($('layer-wrap').hidden !== !several) $('layer-wrap').hidden = !several;
  if (several && layers.options.length !== summary.layers) {
    // Layer 0 reads the text; each one above reads the h of the one below; the top one feeds the read-out.
    const name = (k) => `${k}${k === 0 ? ' (reads the text)' : ''}${k === summary.layers - 1 ? ' (top)' : ''}`;
    layers.replaceChildren(...Array.from({ length: summary.layers }, (_, k) => new Option(name(k), String(k))));
  }
  if (several && layers.value !== String(summary.layer)) layers.value = String(summary.layer);
  const units = $('unit');
  const wrap = $('unit-wrap');
  if (wrap.hidden !== summary.hidden <= 1) wrap.hidden = summary.hidden <= 1;
  if (units.options.length !== summary.hidden) {
    units.replaceChildren(...Array.from({ length: summary.hidden }, (_, k) => new Option(String(k), String(k))));
  }
  if (units.value !== String(state.unit)) units.value = String(state.unit);
  const fixed = fixedScales();
  if ($('fixed-scales').checked !== fixed) $('fixed-scales').checked = fixed;
}

let urlTimer = 0;
/** Writes the state into the URL a moment after the last change (browsers throttle history calls). */
function scheduleUrl() {
  clearTimeout(urlTimer);
  urlTimer = setTimeout(() => {
    history.replaceState(null, '', writeState(state));
    if (state.embed) $('open-full').href = fullPageLink(state);
  }, 150);
}

/** Shows the control groups the link names (`controls=`), or the usual ones. */
function applyControls() {
  const shownControls = new Set(state.controls ?? defaultControls(state.embed, state.views));
  for (const row of controlTable()) {
    for (const element of row.elements()) element.hidden = !shownControls.has(row.name);
  }
  // The activations' heading and reset button go with the last of their rows.
  const anyActivation = [...document.querySelectorAll('#activations .act-row')].some((r) => !r.hidden);
  $('activations-section').hidden = !anyActivation;
  const aside = document.querySelector('.controls');
  aside.hidden = ![...aside.children].some((c) => !c.hidden && getComputedStyle(c).display !== 'none');
}

/** The views within reach of the screen, and those skipped while out of it (drawn on return). */
const inSight = new Set();
const stale = new Set();

/**
 * Watches the views that may wait while out of sight (the two line charts: a slider dragged
 * while the heatmaps are on screen need not redraw them); one coming back is redrawn.
 */
function watchSight() {
  const observer = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      const name = entry.target.dataset.view;
      if (entry.isIntersecting) inSight.add(name);
      else inSight.delete(name);
      if (entry.isIntersecting && stale.has(name)) schedule();
    }
  }, { rootMargin: '300px 0px' });
  for (const { row, section } of views) {
    if (!row.waits) continue;
    section.dataset.view = row.name;
    inSight.add(row.name); // until the first report, which comes before the first frame
    observer.observe(section);
  }
}

/** Draws on the next animation frame, once however many changes came before it. */
function schedule() {
  if (!frame) frame = requestAnimationFrame(render);
}

/** Reports a failed model call, unless it was a panic (already reported). */
function report(result, prefix = '') {
  if (!result.ok && !result.crashed) notify(`${prefix}${result.message}`, 'error');
}

/** Why the loaded model cannot travel in a link, as the start of a sentence. */
function linkRefusal() {
  const { layers, readout } = model.size();
  if (layers > 1 || readout) return `It has ${layers > 1 ? `${layers} layers` : 'a read-out'}, and a link carries one layer without a read-out`;
  return `It has more than ${limits().max_link_weights.toLocaleString('en')} weights`;
}

/** The preset a link opens on when it names none (or its model cannot be used). */
const defaultPreset = () => parameter('preset').default;

/** Applies a change from a control: updates the model, then redraws. */
function change(patch) {
  if (patch.preset !== undefined) presetTicket += 1;
  if (patch.preset !== undefined && preset(patch.preset)?.real && !model.realFetched(patch.preset)) {
    changeAfterFetching(patch, presetTicket);
    return;
  }
  if (patch.preset !== undefined && patch.preset !== state.preset) {
    // Picking a model by hand stops the trained one from replacing it.
    viewInstance('training')?.stopShowing();
    // A preset's own example text follows it, unless the user has typed their own.
    const typedOwn = state.text !== preset(state.preset)?.text;
    // Only the random preset is any design; a hand-set one is its own.
    if (patch.preset !== FILE_PRESET && !preset(patch.preset)?.sized) state.cell = preset(patch.preset).cell;
    const r = model.guard(() => (patch.preset === FILE_PRESET ? model.useFile()
      : preset(patch.preset)?.real ? model.useReal(patch.preset)
        : model.usePreset(patch.preset, state.hidden, state.seed, state.peepholes && state.cell === 'lstm', state.cell)));
    if (r.ok) {
      state.preset = patch.preset;
      state.layer = null;
      state.weights = patch.preset === FILE_PRESET ? encodeWeights(model.exportWeights, model.size()) : null;
      const text = preset(patch.preset)?.text;
      if (!typedOwn && patch.text === undefined && text) patch.text = text;
    } else report(r);
  }
  for (const key of ['hidden', 'seed']) {
    if (patch[key] === undefined) continue;
    const v = Number(patch[key]);
    const [lo, hi] = parameter(key).type.range;
    if (!Number.isInteger(v) || v < lo || v > hi) {
      notify(`${key} must be a whole number from ${lo} to ${hi}; kept ${state[key]}.`, 'error');
      continue;
    }
    state[key] = v;
    if (preset(state.preset)?.sized) model.guard(() => model.usePreset(state.preset, state.hidden, state.seed, state.peepholes, state.cell));
  }
  // The design and its peepholes are options of a preset's cell; a loaded file is what it is.
  // Only the LSTM has peepholes, and only the random preset is any design.
  if (state.preset !== FILE_PRESET && (patch.cell !== undefined || patch.peepholes !== undefined)) {
    const cell = patch.cell ?? state.cell;
    const peepholes = cell === 'lstm' && (patch.peepholes ?? state.peepholes);
    if (cell !== state.cell || peepholes !== state.peepholes) {
      const r = model.guard(() => model.usePreset(state.preset, state.hidden, state.seed, peepholes, cell));
      if (r.ok) Object.assign(state, { cell, peepholes });
      else report(r);
    }
  }
  if (patch.acts) {
    for (const [site, name] of Object.entries(patch.acts)) {
      const r = model.guard(() => model.setActivation(site, name));
      if (r.ok) state.acts[site] = name;
      else report(r);
    }
  }
  if (patch.text !== undefined) {
    let text = patch.text;
    const { max, written: box } = parameter('text').type;
    if (text.length > max) {
      notify(`That text is ${text.length.toLocaleString('en')} characters; kept the first ${max.toLocaleString('en')}. To trace all of it, save it to a file and run: gatelab trace --text-file FILE`);
      text = textPrefix(text, max);
    } else if (text.length > box && state.text.length <= box) {
      notify(`That text is ${text.length.toLocaleString('en')} characters: all of it is kept, and the box and links show the first ${box.toLocaleString('en')}.`);
    }
    state.text = text;
    model.guard(() => model.setText(text));
    viewInstance('training')?.textChanged(text);
  }
  if (patch.layer !== undefined) {
    const r = model.guard(() => model.showLayer(patch.layer));
    // The top layer is the default: a link names another only.
    if (r.ok) state.layer = model.layer() === model.size().layers - 1 ? null : model.layer();
    else report(r);
  }
  // The unit search's span and quantity (the search view checks them against the run).
  if (patch.find !== undefined) state.find = { ...state.find, ...patch.find };
  // The Study panel's choice, for the link (the panel checks its values).
  if (patch.study !== undefined) state.study = { ...state.study, ...patch.study };
  if (patch.t !== undefined) state.t = Math.max(0, patch.t);
  if (patch.unit !== undefined) state.unit = Math.max(0, patch.unit);
  schedule();
}

/** Counts the changes that pick a model: a fetch that ends after another pick is dropped. */
let presetTicket = 0;

/**
 * Fetches a shipped model's file, then makes the change that picks it (unless another model
 * was picked meanwhile: that one stands); a failure says why.
 */
async function changeAfterFetching(patch, ticket) {
  const { label } = preset(patch.preset);
  // Said where a large model's progress is (a notice would stay, pushing the views down).
  const note = $('progress');
  note.hidden = false;
  setText(note, `Loading ${label}…`);
  try {
    await model.fetchReal(patch.preset);
  } catch (e) {
    notify(`Could not load ${label} (${e.message}). The current model is unchanged.`, 'error');
    setValue($('preset'), state.preset);
    schedule();
    return;
  }
  if (ticket === presetTicket) change(patch);
  else schedule();
}

/** Records the loaded model as the current one, for rebuilds and for links. */
function useLoaded() {
  state.preset = FILE_PRESET;
  state.layer = null;
  state.weights = encodeWeights(model.exportWeights, model.size());
  $('preset').querySelector(`option[value=${FILE_PRESET}]`).disabled = false;
}

/** A site's label ("forget gate f") and an activation's ("hard sigmoid (TF.js)"), by name. */
const siteLabel = (name) => sites().find((s) => s.name === name)?.label ?? name;
const activationLabel = (name) => activationTable().find((a) => a.name === name)?.label ?? name;

/** A file name without its folders (a TF.js manifest may name its files by a relative path). */
const baseName = (path) => path.split('/').pop();

/**
 * Reads dropped or picked weights files: one file (PyTorch or Keras, JSON or safetensors), or a
 * TF.js model.json with the .bin files its manifest names. A bad one leaves the current model as
 * it was.
 */
async function loadFile(files) {
  const maxBytes = limits().max_page_weights_bytes;
  const size = files.reduce((n, f) => n + f.size, 0);
  const names = files.map((f) => f.name).join(', ');
  if (size > maxBytes) {
    notify(`${names} ${files.length > 1 ? 'are' : 'is'} ${(size / 2 ** 20).toFixed(0)} MB; the page reads weights files of up to ${maxBytes / 2 ** 20} MB (a PyTorch LSTM of up to ${limits().max_page_hidden.toLocaleString('en')} units). The current model is unchanged; the gatelab command line takes larger files.`, 'error');
    return;
  }
  let contents;
  try {
    contents = await Promise.all(files.map(async (f) => new Uint8Array(await f.arrayBuffer())));
  } catch (e) {
    notify(`Could not read ${names}: ${e.message}`, 'error');
    return;
  }
  // Several files: a TF.js model.json and the weights files its manifest names. (One file is
  // read as it is; a model.json alone is refused by the reader, which names the files it needs.)
  const asText = (bytes) => {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      return null;
    }
  };
  const json = files.length < 2 ? -1 : files.findIndex((f, k) => {
    if (!f.name.toLowerCase().endsWith('.json')) return false;
    const text = asText(contents[k]);
    return text !== null && model.guard(() => model.isTfjsModel(text)).value === true;
  });
  let name;
  let r;
  const unusedFiles = [];
  if (json >= 0) {
    name = files[json].name;
    const text = asText(contents[json]);
    const listed = model.guard(() => model.tfjsWeightFiles(text));
    if (!listed.ok) {
      if (!listed.crashed) notify(`Could not load ${name}: ${listed.message}. The current model is unchanged.`, 'error');
      return;
    }
    const wanted = listed.value;
    const repeated = files.map((f) => f.name).filter((n, k, all) => all.indexOf(n) !== k);
    if (repeated.length) {
      notify(`Could not load ${name}: ${[...new Set(repeated)].join(', ')} came twice (from different folders?). Pick each file once. The current model is unchanged.`, 'error');
      return;
    }
    const given = new Map(files.map((f, k) => [f.name, contents[k]]));
    const missing = wanted.filter((w) => !given.has(baseName(w)));
    if (missing.length) {
      notify(`Could not load ${name}: its weights are in ${wanted.map(baseName).join(', ')}. Pick or drop ${missing.map(baseName).join(', ')} together with it. The current model is unchanged.`, 'error');
      return;
    }
    const parts = wanted.map((w) => given.get(baseName(w)));
    const weights = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    parts.reduce((at, p) => (weights.set(p, at), at + p.length), 0);
    unusedFiles.push(...files.filter((f, k) => k !== json && !wanted.some((w) => baseName(w) === f.name)).map((f) => f.name));
    r = model.guard(() => model.loadWeights(text, name, weights));
  } else if (files.length > 1) {
    notify(`Could not load ${names}: pick one weights file, or a TF.js model.json (format layers-model) together with its .bin files. The current model is unchanged.`, 'error');
    return;
  } else {
    name = files[0].name;
    // JSON or safetensors: the model module tells them apart.
    r = model.guard(() => model.loadWeights(contents[0], name));
  }
  if (!r.ok) {
    if (!r.crashed) notify(`Could not load ${name}: ${r.message}. The current model is unchanged.`, 'error');
    return;
  }
  viewInstance('training')?.stopShowing();
  useLoaded();
  notify(state.weights
    ? `Loaded ${name}. It is small enough to travel in copied links.`
    : `Loaded ${name}. ${linkRefusal()}, so copied links leave it out: share the file instead.`);
  const { unused, notes, activations } = r.value;
  if (unused) notify(`In ${name}: ${unused}.`);
  if (unusedFiles.length) notify(`${unusedFiles.join(', ')}: not named in ${name}'s manifest, so not used.`);
  for (const note of notes) notify(`In ${name}: ${note}.`);
  if (activations.length) {
    // The model runs with the activations its config names: select them.
    change({ acts: Object.fromEntries(activations) });
    const listed = activations.map(([site, act]) => `${siteLabel(site)} ${activationLabel(act)}`).join(', ');
    notify(`${name} sets its activations, now selected: ${listed}.`);
  }
  schedule();
}

/** Shows weights trained in the worker in every view (the activations stay as chosen). */
function showTrainedWeights(json, name) {
  const r = model.guard(() => model.loadWeights(json, name));
  if (!r.ok) {
    report(r, 'Could not show the trained weights: ');
    return;
  }
  useLoaded();
  schedule();
}

function moveStep(t) {
  const last = Math.max(0, (summary?.steps ?? 1) - 1);
  change({ t: Math.max(0, Math.min(last, t)) });
}

function togglePlay() {
  if (playing) {
    clearInterval(playing);
    playing = null;
  } else {
    if (state.t >= (summary?.steps ?? 1) - 1) state.t = 0;
    playing = setInterval(() => {
      if (state.t >= summary.steps - 1) togglePlay();
      else moveStep(state.t + 1);
    }, PLAY_INTERVAL);
  }
  $('play').textContent = playing ? '❚❚ Pause' : '▶ Play';
}

/** Keys: ←/→ Home End move the step (←/→ move through the lessons in the walk, unless the
 * timeline has focus), Space plays, PageUp/PageDown move through the lessons, P presenter mode. */
function onKey(e) {
  const tag = e.target.tagName;
  const typing = tag === 'TEXTAREA' || tag === 'SELECT' || (tag === 'INPUT' && e.target.type !== 'range');
  if (typing || e.altKey || e.ctrlKey || e.metaKey) return;
  const inWalk = state.lesson > 0;
  if (inWalk && (e.key === 'PageDown' || e.key === 'PageUp')) {
    e.preventDefault();
    walk.go(e.key === 'PageDown' ? 1 : -1);
    return;
  }
  const onTimeline = e.target.id === 'timeline';
  if (inWalk && !onTimeline && tag !== 'INPUT' && (e.key === 'ArrowLeft' || e.key === 'ArrowRight')) {
    e.preventDefault();
    walk.go(e.key === 'ArrowRight' ? 1 : -1);
    return;
  }
  const moves = { ArrowLeft: state.t - 1, ArrowRight: state.t + 1, Home: 0, End: Infinity };
  if (e.key in moves && !(tag === 'INPUT')) {
    e.preventDefault();
    moveStep(moves[e.key]);
  } else if (e.key === ' ' && tag !== 'BUTTON') {
    e.preventDefault();
    togglePlay();
  } else if ((e.key === 'p' || e.key === 'P') && tag !== 'INPUT') {
    e.preventDefault();
    presenter.toggle();
  } else if (e.key === 'Escape' && presenter.active()) {
    presenter.leave();
  }
}

async function copyLink() {
  clearTimeout(urlTimer);
  history.replaceState(null, '', writeState(state));
  const url = location.href;
  const leftOut = state.preset === FILE_PRESET && !state.weights;
  const box = parameter('text').type.written;
  const cut = state.text.length > box ? ` It keeps the first ${box.toLocaleString('en')} characters of the text.` : '';
  const what = leftOut
    ? `It keeps the text and the activations, but not the model (${linkRefusal().replace(/^It/, 'it')}), so it opens on the ${defaultPreset()} preset. Share the weights file too.${cut}`
    : cut ? `It restores this view.${cut}` : 'It restores exactly this view.';
  // Links this long open in browsers, but many servers refuse requests over 8 KB.
  const most = limits().long_link_chars;
  const long = url.length > most
    ? ` It is ${(url.length / 1024).toFixed(0)} KB long, and some servers refuse links over ${most / 1024} KB: to share this reliably, send files instead (Save… writes the text and the weights).`
    : '';
  try {
    await navigator.clipboard.writeText(url);
    notify(`Link copied. ${what}${long}`, leftOut || long ? 'error' : 'info');
  } catch {
    notify(`Copy this link: ${url} ${what}${long}`, leftOut || long ? 'error' : 'info');
  }
}

/** What the lessons' answers read: the current numbers, through the model. */
function answerContext() {
  return {
    state,
    summary,
    values: (q) => model.values(q),
    step: (t) => model.step(t),
    scatter: () => model.saturationScatter(),
    views: Object.fromEntries(views.map((v) => [v.row.name, v.instance])),
    formulas,
    symbol: activationSymbol,
  };
}

/** Broadcasts a highlighted timeline row (a quantity name, or null) to every view but its source. */
function highlight(row, from) {
  for (const { instance } of views) instance.highlight?.(row, from);
}

/**
 * Whether the link shows neither line chart (the cell state, the activation panel), so the page
 * can run on the smaller module without them: its `views=` names known views, none of them
 * those two, and it starts no lesson (a lesson may show them). Read from the raw link, before
 * the link reader, which needs the catalog that comes with the module.
 */
function showsNoCharts(search) {
  const query = new URLSearchParams(search);
  const listed = (query.get('views') ?? '').split(',').filter((name) => viewNames().includes(name));
  return listed.length > 0 && !listed.some((name) => viewRow(name).lineChart) && !query.get('lesson');
}

async function main() {
  try {
    await model.loadModule({ lite: showsNoCharts(location.search) });
    loadCatalog();
  } catch (e) {
    $('loading').textContent = hasWasm()
      ? `Gate Lab could not load its model: ${e.message}. Reloading the page may help.`
      : 'Gate Lab runs its model in WebAssembly, which this browser does not offer or has turned off. Every current browser has it: open the page in a recent Chrome, Edge, Firefox or Safari, or turn WebAssembly back on.';
    $('loading').classList.add('error');
    return;
  }
  const parsed = readState(location.search);
  state = parsed.state;
  for (const message of parsed.notices) notify(message, 'error');
  document.body.classList.toggle('embed', state.embed);
  document.documentElement.classList.toggle('embed', state.embed);
  model.connect({ state: () => state, redraw: schedule });
  let file = null;
  if (preset(state.preset)?.real) {
    try {
      await model.fetchReal(state.preset);
    } catch (e) {
      notify(`The link's model ${preset(state.preset).label} could not be loaded (${e.message}); showing the ${defaultPreset()} preset instead.`, 'error');
      state.preset = defaultPreset();
    }
  }
  if (state.weights !== null) {
    try {
      file = { data: decodeWeights(state.weights), name: 'model from the link' };
    } catch (e) {
      notify(`The model in the link could not be read (${e.message}); showing the ${defaultPreset()} preset instead.`, 'error');
    }
  }
  let built = model.guard(() => model.build(state, file));
  if (!built.ok && state.preset === FILE_PRESET) {
    // Only the model was bad: keep the text, activations and step from the link.
    notify(`The model in the link could not be loaded (${built.message}); showing the ${defaultPreset()} preset instead.`, 'error');
    Object.assign(state, { preset: defaultPreset(), weights: null });
    file = null;
    built = model.guard(() => model.build(state, null));
  }
  if (!built.ok) {
    notify(`The link's settings could not be used (${built.message}); starting from the defaults.`, 'error');
    state = { ...defaultState(), embed: state.embed };
    file = null;
    model.build(state, null);
  }
  // Only the views shown at start are built (an embed of one view loads only its module); a
  // page that shows them all builds them all, and lessons may then show any.
  const wanted = linkedViews() ? new Set([...linkedViews(), ...ALWAYS]) : null;
  const rows = VIEWS.filter((row) => !wanted || wanted.has(row.name));
  for (const row of VIEWS) if (!rows.includes(row)) $(row.section).hidden = true;
  // The walk and its lessons are loaded where they can be used: not in an embed, unless its
  // link names a lesson.
  const [walkModule, ...makers] = await Promise.all([
    state.embed && !state.lesson ? null : import('./walk.js'),
    ...rows.map((row) => row.load()),
  ]);
  // Shown before the views are built, so that they measure their real width (nothing is
  // painted before the first render, which follows in this same task).
  $('loading').hidden = true;
  $('app').hidden = false;
  showActivations = buildActivationControls(change);
  showModel = buildModelControls(change, loadFile);
  if (file) $('preset').querySelector(`option[value=${FILE_PRESET}]`).disabled = false;
  // Before the views are built, so that they measure the width they will have.
  applyControls();
  presenter = createPresenter({
    onChange: (on) => {
      state.present = on;
      if (views.length) showViews(lessonViews);
      viewInstance('diagram')?.relayout();
      schedule();
    },
    notify,
  });
  theme = createTheme({ state: () => state, redraw: schedule });
  const page = {
    state: () => state,
    change,
    schedule,
    highlight,
    timeWindow,
    notify,
    showTrainedWeights,
    /** The training lab's Compare settings (for a custom study), or null without the lab. */
    comparisonSetup: () => viewInstance('training')?.comparisonSetup() ?? null,
    /** The canvases' text scale now (presenter mode). */
    scale: () => presenter.scale(),
  };
  views = rows.map((row, k) => ({ row, section: $(row.section), instance: makers[k](page) }));
  walk = walkModule === null ? NO_WALK : walkModule.createWalk({
    state: () => state,
    change,
    schedule,
    showViews,
    views: Object.fromEntries(views.map((v) => [v.row.name, v.instance])),
    answerContext,
    presenting: () => presenter.active(),
  });
  showViews(null);
  watchSight();
  // Whole numbers only: anything else is refused with a notice and the box shows the step again.
  $('step').addEventListener('change', () => {
    const raw = $('step').value.trim();
    if (!/^\d{1,9}$/.test(raw)) {
      notify(`The step must be a whole number from 0 to ${Math.max(0, (summary?.steps ?? 1) - 1)}; kept ${state.t}.`, 'error');
      $('step').value = String(state.t);
      return;
    }
    moveStep(Number(raw));
  });
  $('unit').addEventListener('change', () => change({ unit: Number($('unit').value) || 0 }));
  $('layer').addEventListener('change', () => change({ layer: Number($('layer').value) }));
  $('fixed-scales').addEventListener('change', () => {
    state.fixed = $('fixed-scales').checked;
    schedule();
  });
  $('play').addEventListener('click', togglePlay);
  $('copy-link').addEventListener('click', copyLink);
  // The dialogs' modules load when first opened.
  let embedDialog = null;
  $('open-embed').addEventListener('click', async () => {
    embedDialog ??= import('./embed-dialog.js').then((m) => m.createEmbedDialog({ state: () => state, notify }));
    (await embedDialog).open();
  });
  let saveDialog = null;
  const openSave = async () => {
    saveDialog ??= import('./export.js').then((m) => m.createSaveDialog({
      state: () => state,
      summary: () => summary,
      timeWindow,
      scale: () => presenter.scale(),
      shownViews: () => views.filter((v) => !v.section.hidden).map((v) => v.row),
      file: () => model.fileName(),
      notify,
    }));
    (await saveDialog).open();
  };
  for (const id of ['open-save', 'embed-save']) $(id).addEventListener('click', openSave);
  if (state.embed) {
    $('embed-foot').hidden = false;
    $('open-full').href = fullPageLink(state);
    reportHeight();
  }
  if (state.layer !== null) {
    const { layers } = model.size();
    if (state.layer >= layers) notify(`Layer ${state.layer} in the link is past the model's ${layers === 1 ? 'one layer' : `${layers} layers (0 to ${layers - 1})`}; showing the top one.`, 'error');
    state.layer = model.layer() === layers - 1 ? null : model.layer();
  }
  document.addEventListener('keydown', onKey);
  if (state.present) presenter.enter({ fullscreen: false });
  if (state.lesson) {
    // A link that names only a lesson gets the lesson's whole state; one that also carries the
    // model's settings (a copied link) keeps them.
    const own = ['preset', 'weights', 'text', 't', 'unit', 'layer', 'hidden', 'seed', 'cell', 'peepholes', ...Object.keys(state.acts)];
    walk.enter(state.lesson, { apply: !own.some((name) => parsed.given.has(name)), focus: false });
  }
  render();
  // A window onto the page for tests and benchmarks, only in test builds (vite.config.js).
  if (__TEST_HOOKS__) {
    installTestHooks({
      state: () => state,
      change,
      render,
      idle: () => frame === 0 && pendingResizes() === 0,
      view: viewInstance,
      timeWindow,
      timings: () => timings,
      waiting: () => [...stale],
      training: () => viewInstance('training'),
      walk: () => walk,
      presenter: () => presenter,
      theme: () => theme,
    });
  }
}

main();
