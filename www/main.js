// Gate Lab's page: owns the state and the render loop; wires controls, keyboard and URL. The
// wasm model is owned by model.js, through which every call goes; the tables the page lists
// come from catalog.js.

import * as model from './model.js';
import { limits, loadCatalog, preset } from './catalog.js';
import { PLAY_INTERVAL } from './config.js';
import { FILE_PRESET, defaultState, parameter, readState, writeState } from './state.js';
import { notify } from './notices.js';
import { buildActivationControls, buildModelControls } from './controls.js';
import { buildExperiments } from './experiments.js';
import { createTimeline } from './views/timeline.js';
import { renderInspector } from './views/inspector.js';
import { renderParameters, renderSaturation } from './views/summary.js';
import { createCalculator } from './views/calculator.js';
import { createTraining } from './training/training.js';
import { visibleChar } from './format.js';
import { setText } from './dom.js';
import { decodeWeights, encodeWeights } from './weights-link.js';
import { installTestHooks } from './test-hooks.js';

const $ = (id) => document.getElementById(id);

let state = null;
let summary = null;
let showAllUnits = false;
let playing = null;
let frame = 0;
let showActivations;
let showModel;
let timeline;
let calculator;
let calculatorActs = '';
/** The last drawing error shown, so a failing redraw does not repeat its notice every frame. */
let lastRenderError = '';
let training;

/** How long the parts of the last render took (ms), for the benchmark. */
const timings = { canvases: 0, panels: 0 };

/** Draws everything now. */
function render() {
  frame = 0;
  const start = performance.now();
  const result = model.guard(() => {
    summary = model.summary();
    state.t = Math.min(state.t, Math.max(0, summary.steps - 1));
    timeline.draw(summary, state.t);
    return model.step(state.t);
  });
  if (!result.ok) {
    if (!result.crashed && result.message !== lastRenderError) notify(`Drawing failed: ${result.message}`, 'error');
    lastRenderError = result.message;
    return;
  }
  lastRenderError = '';
  const drawn = performance.now();
  timings.canvases = drawn - start;
  renderInspector(result.value, state.acts, showAllUnits);
  renderParameters(summary);
  renderSaturation(summary);
  // The calculator depends only on its own fields and the activations.
  const actsKey = JSON.stringify(state.acts);
  if (actsKey !== calculatorActs) {
    calculatorActs = actsKey;
    calculator.update();
  }
  showActivations(state.acts);
  showModel(state);
  if ($('step').value !== String(state.t)) $('step').value = String(state.t);
  $('step').max = String(Math.max(0, summary.steps - 1));
  setText($('step-char'), result.value ? `“${visibleChar(result.value.char)}”` : '');
  const notes = [];
  if (summary.truncated) {
    notes.push(`Showing the first ${summary.steps.toLocaleString('en')} of ${summary.total_chars.toLocaleString('en')} characters, so every keystroke stays fast; the rest of the text is kept.`);
  }
  if (summary.other_count) {
    notes.push(`${summary.other_count} character${summary.other_count === 1 ? ' is' : 's are'} outside the vocabulary and read as “other” (an all-zero input).`);
  }
  if (summary.nonfinite_total) {
    notes.push(`${summary.nonfinite_total.toLocaleString('en')} values overflowed to NaN or ∞ (shown in their own colours).`);
  }
  setText($('text-note'), notes.join(' '));
  setText($('model-note'), `${summary.model}: H = ${summary.hidden}, ${summary.input_size} input symbols` +
    (summary.input_size <= 12 ? ` (${[...summary.vocab].map(visibleChar).join(' ')})` : '') + '.');
  timings.panels = performance.now() - drawn;
  scheduleUrl();
}

let urlTimer = 0;
/** Writes the state into the URL a moment after the last change (browsers throttle history calls). */
function scheduleUrl() {
  clearTimeout(urlTimer);
  urlTimer = setTimeout(() => history.replaceState(null, '', writeState(state)), 150);
}

/** Draws on the next animation frame, once however many changes came before it. */
function schedule() {
  if (!frame) frame = requestAnimationFrame(render);
}

/** Reports a failed model call, unless it was a panic (already reported). */
function report(result, prefix = '') {
  if (!result.ok && !result.crashed) notify(`${prefix}${result.message}`, 'error');
}

/** The most weights a model may have to travel in a link, for messages. */
const linkWeights = () => limits().max_link_weights.toLocaleString('en');

/** The preset a link opens on when it names none (or its model cannot be used). */
const defaultPreset = () => parameter('preset').default;

/** Applies a change from a control: updates the model, then redraws. */
function change(patch) {
  if (patch.preset !== undefined && patch.preset !== state.preset) {
    // Picking a model by hand stops the trained one from replacing it.
    training?.stopShowing();
    // A preset's own example text follows it, unless the user has typed their own.
    const typedOwn = state.text !== preset(state.preset)?.text;
    const r = model.guard(() => (patch.preset === FILE_PRESET
      ? model.useFile()
      : model.usePreset(patch.preset, state.hidden, state.seed)));
    if (r.ok) {
      state.preset = patch.preset;
      state.weights = patch.preset === FILE_PRESET ? encodeWeights(model.fileWeights()) : null;
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
    if (preset(state.preset)?.sized) model.guard(() => model.usePreset(state.preset, state.hidden, state.seed));
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
    const max = parameter('text').type.max;
    if (text.length > max) {
      notify(`That text is ${text.length.toLocaleString('en')} characters; kept the first ${max.toLocaleString('en')}.`);
      text = text.slice(0, max);
    }
    state.text = text;
    model.guard(() => model.setText(text));
    training?.textChanged(text);
  }
  if (patch.t !== undefined) state.t = Math.max(0, patch.t);
  schedule();
}

/** Records a loaded model (PyTorch JSON) as the current one, for rebuilds and for links. */
function useLoaded(json) {
  state.preset = FILE_PRESET;
  state.weights = encodeWeights(json);
  $('preset').querySelector(`option[value=${FILE_PRESET}]`).disabled = false;
}

/** Reads a dropped or picked weights file; a bad one leaves the current model as it was. */
async function loadFile(file) {
  let text;
  try {
    text = await file.text();
  } catch (e) {
    notify(`Could not read ${file.name}: ${e.message}`, 'error');
    return;
  }
  const r = model.guard(() => model.loadWeights(text, file.name));
  if (!r.ok) {
    if (!r.crashed) notify(`Could not load ${file.name}: ${r.message}. The current model is unchanged.`, 'error');
    return;
  }
  training?.stopShowing();
  useLoaded(text);
  notify(state.weights
    ? `Loaded ${file.name}. It is small enough to travel in copied links.`
    : `Loaded ${file.name}. It has more than ${linkWeights()} weights, so copied links leave it out: share the file instead.`);
  schedule();
}

/** Shows weights trained in the worker in every view (the activations stay as chosen). */
function showTrainedWeights(json, name) {
  const r = model.guard(() => model.loadWeights(json, name));
  if (!r.ok) {
    report(r, 'Could not show the trained weights: ');
    return;
  }
  useLoaded(json);
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

function onKey(e) {
  const tag = e.target.tagName;
  const typing = tag === 'TEXTAREA' || tag === 'SELECT' || (tag === 'INPUT' && e.target.type !== 'range');
  if (typing || e.altKey || e.ctrlKey || e.metaKey) return;
  const moves = { ArrowLeft: state.t - 1, ArrowRight: state.t + 1, Home: 0, End: Infinity };
  if (e.key in moves && !(tag === 'INPUT')) {
    e.preventDefault();
    moveStep(moves[e.key]);
  } else if (e.key === ' ' && tag !== 'BUTTON') {
    e.preventDefault();
    togglePlay();
  }
}

async function copyLink() {
  clearTimeout(urlTimer);
  history.replaceState(null, '', writeState(state));
  const url = location.href;
  const leftOut = state.preset === FILE_PRESET && !state.weights;
  const what = leftOut
    ? `It keeps the text and the activations, but not the model: it has more than ${linkWeights()} weights, so it opens on the ${defaultPreset()} preset. Share the weights file too.`
    : 'It restores exactly this view.';
  try {
    await navigator.clipboard.writeText(url);
    notify(`Link copied. ${what}`, leftOut ? 'error' : 'info');
  } catch {
    notify(`Copy this link: ${url} ${what}`, leftOut ? 'error' : 'info');
  }
}

async function main() {
  try {
    await model.loadModule();
    loadCatalog();
  } catch (e) {
    $('loading').textContent = `Gate Lab could not start WebAssembly in this browser: ${e.message}`;
    $('loading').classList.add('error');
    return;
  }
  const parsed = readState(location.search);
  state = parsed.state;
  for (const message of parsed.notices) notify(message, 'error');
  document.body.classList.toggle('embed', state.embed);
  model.connect({ state: () => state, redraw: schedule });
  let file = null;
  if (state.weights !== null) {
    try {
      file = { text: decodeWeights(state.weights), name: 'model from the link' };
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
  // Shown before the views are built, so that they measure their real width (nothing is
  // painted before the first render, which follows in this same task).
  $('loading').hidden = true;
  $('app').hidden = false;
  showActivations = buildActivationControls(change);
  showModel = buildModelControls(change, loadFile);
  if (file) $('preset').querySelector(`option[value=${FILE_PRESET}]`).disabled = false;
  buildExperiments(change);
  timeline = createTimeline((t) => change({ t }), schedule);
  timeline.onScroll((start) => {
    timeline.scrollTo(start);
    const { len } = timeline.window();
    change({ t: Math.max(start, Math.min(state.t, start + len - 1)) });
  });
  calculator = createCalculator((fields) => model.calculate(fields));
  training = createTraining({
    context: () => ({ text: state.text, acts: state.acts }),
    onWeights: showTrainedWeights,
    onError: (message) => notify(message, 'error'),
  });
  $('step').addEventListener('change', () => moveStep(Number($('step').value) || 0));
  $('play').addEventListener('click', togglePlay);
  $('copy-link').addEventListener('click', copyLink);
  $('inspector').addEventListener('click', (e) => {
    if (e.target.id === 'inspector-all') {
      showAllUnits = true;
      schedule();
    }
  });
  document.addEventListener('keydown', onKey);
  render();
  // A window onto the page for tests and benchmarks, only in test builds (vite.config.js).
  if (__TEST_HOOKS__) {
    installTestHooks({
      state: () => state,
      change,
      render,
      idle: () => frame === 0,
      timeline: () => timeline,
      timings: () => timings,
      training: () => training,
    });
  }
}

main();
