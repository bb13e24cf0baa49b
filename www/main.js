// Gate Lab's page: owns the state, the model handle and the render loop; wires controls,
// keyboard and URL. Every wasm call goes through `guard`, so a Rust panic becomes a visible
// message and a rebuilt model instead of a dead page.

import init, { GateLab, catalog, take_panic_message } from './pkg/gatelab.js';
import { LIMITS, PLAY_INTERVAL, PRESET_TEXT, SITES } from './config.js';
import { defaultState, readState, writeState } from './state.js';
import { notify, currentNotices } from './notices.js';
import { buildActivationControls, buildExperiments, buildModelControls } from './controls.js';
import { createTimeline } from './views/timeline.js';
import { renderInspector } from './views/inspector.js';
import { renderParameters, renderSaturation } from './views/summary.js';
import { createCalculator } from './views/calculator.js';
import { createTraining } from './views/training.js';
import { visibleChar } from './format.js';
import { setText } from './dom.js';
import { MAX_LINK_WEIGHTS, decodeWeights, encodeWeights } from './weights-link.js';

const $ = (id) => document.getElementById(id);

let lab = null;
let state = defaultState();
/** The loaded weights file, kept so a rebuilt model can be loaded again. */
let loadedFile = null;
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

/** Makes the model match `state` from scratch (used at start and after a crash). */
function buildModel() {
  try {
    lab?.free();
  } catch {
    // A handle that crashed mid-call is still marked as borrowed and cannot be freed; leave it.
  }
  lab = new GateLab();
  if (state.preset === 'file') {
    if (!loadedFile) throw new Error('there is no model to load');
    lab.load_weights(loadedFile.text, loadedFile.name);
  } else lab.use_preset(state.preset, state.hidden, state.seed);
  for (const site of SITES) lab.set_activation(site, state.acts[site]);
  lab.set_text(state.text);
}

/**
 * Runs `action` against the model. A panic inside Rust (a WebAssembly trap) is reported with
 * its message and the model is rebuilt from the state; other errors are returned as messages.
 */
function guard(action) {
  try {
    return { ok: true, value: action() };
  } catch (error) {
    if (error instanceof WebAssembly.RuntimeError) {
      const message = take_panic_message() ?? error.message;
      notify(`The model crashed (${message}). It was restarted with your settings; nothing you typed was lost.`, 'error');
      try {
        buildModel();
      } catch (again) {
        notify(`Restarting failed too (${again.message}). Reloading the page will fix it.`, 'error');
      }
      schedule();
      return { ok: false, crashed: true, message };
    }
    return { ok: false, message: error.message ?? String(error) };
  }
}

/** Draws everything now. */
/** How long the parts of the last render took (ms), for the benchmark. */
const timings = { canvases: 0, panels: 0 };

function render() {
  frame = 0;
  const start = performance.now();
  const result = guard(() => {
    summary = lab.summary();
    state.t = Math.min(state.t, Math.max(0, summary.steps - 1));
    timeline.draw(lab, summary, state.t);
    return lab.step(state.t);
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

/** Applies a change from a control: updates the model, then redraws. */
function change(patch) {
  if (patch.preset !== undefined && patch.preset !== state.preset) {
    // Picking a model by hand stops the trained one from replacing it.
    training?.stopShowing();
    // A preset's own example text follows it, unless the user has typed their own.
    const typedOwn = state.text !== PRESET_TEXT[state.preset];
    const r = guard(() => (patch.preset === 'file'
      ? lab.load_weights(loadedFile.text, loadedFile.name)
      : lab.use_preset(patch.preset, state.hidden, state.seed)));
    if (r.ok) {
      state.preset = patch.preset;
      state.weights = patch.preset === 'file' ? encodeWeights(loadedFile.text) : null;
      if (!typedOwn && patch.text === undefined && PRESET_TEXT[patch.preset]) patch.text = PRESET_TEXT[patch.preset];
    } else if (!r.crashed) notify(r.message, 'error');
  }
  for (const key of ['hidden', 'seed']) {
    if (patch[key] === undefined) continue;
    const v = Number(patch[key]);
    const [lo, hi] = LIMITS[key];
    if (!Number.isInteger(v) || v < lo || v > hi) {
      notify(`${key} must be a whole number from ${lo} to ${hi}; kept ${state[key]}.`, 'error');
      continue;
    }
    state[key] = v;
    if (state.preset === 'random') guard(() => lab.use_preset(state.preset, state.hidden, state.seed));
  }
  if (patch.acts) {
    for (const [site, name] of Object.entries(patch.acts)) {
      const r = guard(() => lab.set_activation(site, name));
      if (r.ok) state.acts[site] = name;
      else if (!r.crashed) notify(r.message, 'error');
    }
  }
  if (patch.text !== undefined) {
    let text = patch.text;
    if (text.length > LIMITS.textChars) {
      notify(`That text is ${text.length.toLocaleString('en')} characters; kept the first ${LIMITS.textChars.toLocaleString('en')}.`);
      text = text.slice(0, LIMITS.textChars);
    }
    state.text = text;
    guard(() => lab.set_text(text));
    training?.textChanged(text);
  }
  if (patch.t !== undefined) state.t = Math.max(0, patch.t);
  schedule();
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
  const r = guard(() => lab.load_weights(text, file.name));
  if (!r.ok) {
    if (!r.crashed) notify(`Could not load ${file.name}: ${r.message}. The current model is unchanged.`, 'error');
    return;
  }
  training?.stopShowing();
  useLoaded(text, file.name);
  notify(state.weights
    ? `Loaded ${file.name}. It is small enough to travel in copied links.`
    : `Loaded ${file.name}. It has more than ${MAX_LINK_WEIGHTS.toLocaleString('en')} weights, so copied links leave it out: share the file instead.`);
  schedule();
}

/** Shows weights trained in the worker in every view (the activations stay as chosen). */
function showTrainedWeights(json, name) {
  const r = guard(() => lab.load_weights(json, name));
  if (!r.ok) {
    if (!r.crashed) notify(`Could not show the trained weights: ${r.message}`, 'error');
    return;
  }
  useLoaded(json, name);
  schedule();
}

/** Records a loaded model (PyTorch JSON) as the current one, for rebuilds and for links. */
function useLoaded(json, name) {
  loadedFile = { text: json, name };
  state.preset = 'file';
  state.weights = encodeWeights(json);
  $('preset').querySelector('option[value=file]').disabled = false;
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
  const leftOut = state.preset === 'file' && !state.weights;
  const what = leftOut
    ? `It keeps the text and the activations, but not the model: it has more than ${MAX_LINK_WEIGHTS.toLocaleString('en')} weights, so it opens on the counter preset. Share the weights file too.`
    : 'It restores exactly this view.';
  try {
    await navigator.clipboard.writeText(url);
    notify(`Link copied. ${what}`, leftOut ? 'error' : 'info');
  } catch {
    notify(`Copy this link: ${url} ${what}`, leftOut ? 'error' : 'info');
  }
}

/** Times 200 control changes, each followed by a full redraw, for `npm run bench`. */
async function bench() {
  const times = [];
  const parts = { canvases: [], panels: [], timeline: [], cells: [], activations: [] };
  const original = { ...state.acts };
  const saved = { preset: state.preset, hidden: state.hidden, text: state.text };
  change({ preset: 'random' });
  change({ hidden: 32 });
  const text = Array.from({ length: 256 }, (_, k) => String.fromCharCode(33 + ((k * 7) % 90))).join('');
  change({ text });
  render();
  for (let k = 0; k < 200; k++) {
    // One change per frame, as from a person dragging a slider; the wait is not timed.
    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    const start = performance.now();
    state.acts.forget = `morph:${(k % 100) / 100}`;
    lab.set_activation('forget', state.acts.forget);
    render();
    // Reading layout makes the browser finish style and layout now, so that is counted too.
    void document.body.offsetHeight;
    times.push(performance.now() - start);
    parts.canvases.push(timings.canvases);
    parts.panels.push(timings.panels);
    for (const [name, ms] of Object.entries(timeline.drawTimes())) parts[name].push(ms);
  }
  const at = (q, list = times) => {
    const sorted = [...list].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  };
  change({ acts: original, preset: saved.preset });
  change({ hidden: saved.hidden, text: saved.text });
  render();
  return {
    'redraw after a control change, 256 steps × 32 units, median (ms)': at(0.5).toFixed(2),
    'redraw after a control change, 256 steps × 32 units, p95 (ms)': at(0.95).toFixed(2),
    'of which model + canvases, median (ms)': at(0.5, parts.canvases).toFixed(2),
    'of which inspector, saturation, calculator, controls, median (ms)': at(0.5, parts.panels).toFixed(2),
    'timeline canvas, median (ms)': at(0.5, parts.timeline).toFixed(2),
    'cell-state chart, median (ms)': at(0.5, parts.cells).toFixed(2),
    'activation panel, median (ms)': at(0.5, parts.activations).toFixed(2),
    'changes timed': times.length,
  };
}

async function main() {
  try {
    await init();
  } catch (e) {
    $('loading').textContent = `Gate Lab could not start WebAssembly in this browser: ${e.message}`;
    $('loading').classList.add('error');
    return;
  }
  // Named activations (the morph family is offered by the controls separately).
  const names = catalog().activations.map((a) => a.name).filter((n) => n !== 'morph');
  const parsed = readState(location.search, names);
  state = parsed.state;
  for (const message of parsed.notices) notify(message, 'error');
  document.body.classList.toggle('embed', state.embed);
  if (state.weights !== null) {
    try {
      loadedFile = { text: decodeWeights(state.weights), name: 'model from the link' };
    } catch (e) {
      notify(`The model in the link could not be read (${e.message}); showing the counter preset instead.`, 'error');
    }
  }
  let built = guard(buildModel);
  if (!built.ok && state.preset === 'file') {
    // Only the model was bad: keep the text, activations and step from the link.
    notify(`The model in the link could not be loaded (${built.message}); showing the counter preset instead.`, 'error');
    Object.assign(state, { preset: 'counter', weights: null });
    loadedFile = null;
    built = guard(buildModel);
  }
  if (!built.ok) {
    notify(`The link's settings could not be used (${built.message}); starting from the defaults.`, 'error');
    state = { ...defaultState(), embed: state.embed };
    loadedFile = null;
    buildModel();
  }
  if (loadedFile) $('preset').querySelector('option[value=file]').disabled = false;
  showActivations = buildActivationControls(names, change);
  showModel = buildModelControls(change, loadFile);
  buildExperiments(change);
  timeline = createTimeline((t) => change({ t }), schedule);
  timeline.onScroll((start) => {
    timeline.scrollTo(start);
    const { len } = timeline.window();
    change({ t: Math.max(start, Math.min(state.t, start + len - 1)) });
  });
  calculator = createCalculator((v) => lab.calculate(v.c_prev, v.f, v.i, v.g, v.o));
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
  $('loading').hidden = true;
  $('app').hidden = false;
  render();
  // A read-only window for tests and benchmarks.
  window.__gatelab = {
    ready: true,
    state: () => structuredClone(state),
    summary: () => lab.summary(),
    step: (t) => lab.step(t),
    values: (q) => Array.from(lab.values(q)),
    notices: currentNotices,
    window: () => timeline.window(),
    renderNow: render,
    // A WebAssembly trap, as a Rust panic would raise, to test the recovery.
    simulateCrash: () => guard(() => { throw new WebAssembly.RuntimeError('unreachable (simulated by the test hook)'); }),
    training: () => training.state(),
    benchTraining: (options) => training.benchmark(options),
    bench,
  };
}

main();
