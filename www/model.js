// The one owner of the page's wasm model (a GateLab handle). Every call the page makes into
// its wasm module goes through here: the model's own calls, the timeline's hit-testing and the
// chart functions (the training charts from their own module, www/pkg-charts, loaded on first
// use). A WebAssembly trap (a Rust panic) becomes a visible notice plus a model
// rebuilt from the page's state, instead of a dead page.
//
// Calls throw: a plain Error with the model's message for bad input, or a ModelCrashed after a
// panic (already reported and recovered from). `guard` turns either into a result object.

import { preset } from './catalog.js';
import { notify } from './notices.js';
import { FILE_PRESET } from './state.js';
import { hasSimd, hasWasm } from './wasm-support.js';

/** The page's wasm module (www/pkg, or www/pkg-lite without the two line charts). */
let wasm = null;
let lab = null;
/** The loaded weights file ({text, name}), kept so a rebuilt model can load it again. */
let file = null;
/** What a rebuild needs from the page: its current state, and a redraw afterwards. */
let page = { state: () => null, redraw: () => {} };
/** Fixed scales on or off, kept here so a rebuilt model gets them back. */
let fixedScales = false;

/** Thrown by a call during which the model panicked; the panic is already reported. */
export class ModelCrashed extends Error {}

/** Whether the loaded module is the build without SIMD (www/pkg-nosimd). */
let withoutSimd = false;
/** The module's linear memory, which grows and never shrinks. */
let memory = null;

/**
 * Loads the page's wasm module: with `lite`, the build without the cell-state and activation
 * charts (www/pkg-lite), for pages that show neither; in an engine without wasm SIMD, the full
 * module built without it (www/pkg-nosimd), whatever `lite` says.
 */
export async function loadModule({ lite = false } = {}) {
  if (!hasWasm()) throw new Error('this browser does not run WebAssembly');
  withoutSimd = !hasSimd();
  let module;
  if (withoutSimd) module = await import('./pkg-nosimd/gatelab.js');
  else if (lite) module = await import('./pkg-lite/gatelab.js');
  else module = await import('./pkg/gatelab.js');
  ({ memory } = await module.default());
  wasm = module;
  return module;
}

/** The size of the page module's memory now, in bytes: the most it has needed so far. */
export const memoryBytes = () => memory?.buffer.byteLength ?? 0;

/** Which module the page runs on: 'lite' or 'full', and 'full, no SIMD' (for tests). */
export const moduleKind = () => {
  const kind = wasm && !wasm.GateLab.prototype.draw_cell_chart ? 'lite' : 'full';
  return withoutSimd ? `${kind}, no SIMD` : kind;
};

/** The catalog of tables (src/catalog.rs), from the loaded module. */
export const readCatalog = () => wasm.catalog();

/** `state()` returns the page's state ({preset, hidden, seed, acts, text}); `redraw()` redraws. */
export function connect(handlers) {
  page = handlers;
}

function rebuild(state) {
  try {
    lab?.free();
  } catch {
    // A handle that crashed mid-call is still marked as borrowed and cannot be freed; leave it.
  }
  lab = new wasm.GateLab();
  if (state.preset === FILE_PRESET) {
    if (!file) throw new Error('there is no model to load');
    loadInto(lab, file);
  } else if (preset(state.preset)?.real) {
    loadInto(lab, realFile(state.preset));
  } else lab.use_preset(state.preset, state.hidden, state.seed, state.peepholes, state.cell);
  if (state.layer !== null) lab.show_layer(state.layer);
  for (const [site, name] of Object.entries(state.acts)) lab.set_activation(site, name);
  lab.set_text(state.text);
  lab.set_fixed_scales(fixedScales);
}

/** Reports a panic, rebuilds the model from the page's state and asks for a redraw. */
function recover(error) {
  const message = wasm.take_panic_message() ?? error.message;
  notify(`The model crashed (${message}). It was restarted with your settings; nothing you typed was lost.`, 'error');
  try {
    rebuild(page.state());
  } catch (again) {
    notify(`Restarting failed too (${again.message}). Reloading the page will fix it.`, 'error');
  }
  page.redraw();
  return new ModelCrashed(message);
}

/** Runs `action(lab)`; a trap inside it is recovered from and rethrown as ModelCrashed. */
function call(action) {
  try {
    return action(lab);
  } catch (error) {
    if (error instanceof WebAssembly.RuntimeError) throw recover(error);
    throw error;
  }
}

/**
 * Runs `action` (which may make any number of calls from this module) and returns
 * {ok: true, value}, {ok: false, message} for an error, or {ok: false, crashed: true, message}
 * after a panic, which has already been reported and recovered from.
 */
export function guard(action) {
  try {
    return { ok: true, value: call(action) };
  } catch (error) {
    if (error instanceof ModelCrashed) return { ok: false, crashed: true, message: error.message };
    return { ok: false, message: error?.message ?? String(error) };
  }
}

/**
 * Makes a fresh model matching `state` (at start, and when a link's settings fail). `weights`
 * ({text, name} or null) is the file to use for the 'file' preset, kept for later rebuilds.
 */
export function build(state, weights = file) {
  file = weights;
  call(() => rebuild(state));
}

export function usePreset(name, hidden, seed, peepholes, cell) {
  call((m) => m.use_preset(name, hidden, seed, peepholes, cell));
}

/**
 * Loads `file` into `lab`: {data, name} with JSON text or a file's bytes in either format, or
 * {data, name, tfjs} with a TF.js model.json's text and its weights files' bytes.
 */
function loadInto(lab, { data, name, tfjs }) {
  if (tfjs) return lab.load_tfjs(data, tfjs, name);
  return typeof data === 'string' ? lab.load_weights(data, name) : lab.load_weights_bytes(data, name);
}

/**
 * Loads weights: JSON as text, a file's bytes (JSON or safetensors), or a TF.js model.json's
 * text with `tfjs`, its weights files' bytes in the manifest's order. On success it becomes the
 * file the 'file' preset shows. Returns {unused, notes, activations} (see LoadReport in
 * src/web/page.rs).
 */
export function loadWeights(data, name, tfjs = undefined) {
  const report = call((m) => loadInto(m, { data, name, tfjs }));
  file = { data, name, tfjs };
  return report;
}

/** The weights files a TF.js model.json names, in order (throws when the text is not one). */
export const tfjsWeightFiles = (text) => wasm.tfjs_weight_files(text);
/** Whether `text` is a TF.js layers model's model.json. */
export const isTfjsModel = (text) => wasm.is_tfjs_model(text);

/** The shipped models' files, fetched once each when first picked: name → bytes. */
const realFiles = new Map();

/** Fetches shipped model `name`'s file (once); throws a readable Error. */
export async function fetchReal(name) {
  if (realFiles.has(name)) return;
  const { file } = preset(name);
  // Vite copies every file of www/models/ into the build and rewrites this URL to it.
  const response = await fetch(new URL(`./models/${file}`, import.meta.url));
  if (!response.ok) throw new Error(`${file}: ${response.status} ${response.statusText}`);
  realFiles.set(name, new Uint8Array(await response.arrayBuffer()));
}

/** Whether shipped model `name`'s file is here. */
export const realFetched = (name) => realFiles.has(name);

function realFile(name) {
  if (!realFiles.has(name)) throw new Error(`the ${name} model's file is not loaded`);
  return { data: realFiles.get(name), name: preset(name).label };
}

/** Shows shipped model `name` (fetched first with fetchReal). */
export function useReal(name) {
  call((m) => loadInto(m, realFile(name)));
}

/** Shows the last loaded file again. */
export function useFile() {
  if (!file) throw new Error('there is no model to load');
  call((m) => loadInto(m, file));
}
/** The model's size and design: {hidden, inputs, cell, layers, readout} (the layer on show's hidden units and inputs, `lstm`, ...). */
export const size = () => call((m) => ({ hidden: m.hidden_size(), inputs: m.input_size(), cell: m.cell_name(), layers: m.layers(), readout: m.has_readout() }));
/** The saturation scatter of the layer on show (see Lab::saturation_scatter). */
export const saturationScatter = () => call((m) => m.saturation_scatter());
/** The `count` units whose `quantity` best follows steps start..end (high inside, low outside). */
export const rankUnits = (quantity, start, end, count) => call((m) => m.rank_units(quantity, start, end, count));
/** Puts layer `k` of the model on show (0 at the bottom; past the top, the top). */
export const showLayer = (k) => call((m) => m.show_layer(k));
/** The layer on show. */
export const layer = () => call((m) => m.layer());
/** The last loaded file's name, or null. */
export const fileName = () => file?.name ?? null;

export const setActivation = (site, name) => call((m) => m.set_activation(site, name));
/** Fixed scales: legends keep their range across activation swaps. */
export function setFixedScales(fixed) {
  fixedScales = fixed;
  call((m) => m.set_fixed_scales(fixed));
}
/** The page's theme, kept so the charts' module, loaded later, draws in it too. */
let darkTheme = false;
/** Every canvas draws in the dark theme (true) or the light one from now on. */
export const setDarkTheme = (dark) => call(() => {
  darkTheme = dark;
  wasm.set_dark_theme(dark);
  charts?.set_dark_theme(dark);
});

/** The charts' own module (www/pkg-charts: training charts, exports), loaded on first use. */
let charts = null;
let chartsLoading = null;

/** Loads the training charts' module (once); resolves when they can be drawn. */
export function loadCharts() {
  chartsLoading ??= import('./pkg-charts/gatelab.js').then(async (module) => {
    await module.default();
    module.set_dark_theme(darkTheme);
    charts = module;
  });
  return chartsLoading;
}

/**
 * A fresh Exporter (pkg-charts) for the page's state: the same model, activations, text and
 * scales, rebuilt in the charts' module, which writes the trace as the CLI does and draws SVG.
 */
export async function exporter(state) {
  await loadCharts();
  // The model's file, when it is one: loaded (JSON text or a file's bytes) or shipped.
  const source = state.preset === FILE_PRESET ? file : preset(state.preset)?.real ? realFile(state.preset) : null;
  const text = typeof source?.data === 'string' ? source.data : null;
  const bytes = source?.tfjs ?? (source && text === null ? source.data : undefined);
  const setup = {
    preset: state.preset,
    hidden: state.hidden,
    seed: state.seed,
    weights: text,
    weights_name: source?.name ?? null,
    layer: state.layer,
    acts: state.acts,
    text: state.text,
    fixed: fixedScales,
    peepholes: Boolean(state.peepholes),
    cell: state.cell,
    tfjs: Boolean(source?.tfjs),
  };
  return call(() => new charts.Exporter(setup, bytes));
}

/** True once the training charts' module is loaded. */
export const chartsLoaded = () => charts !== null;

/** Activation `name` at each of `zs`, from the Rust definitions (for the diagram's glyphs). */
export const curve = (name, zs) => call(() => wasm.activation_values(name, zs));
export const setText = (text) => call((m) => m.set_text(text));
export const summary = () => call((m) => m.summary());
/** One timestep's detail ({t, char, other, units}), or undefined past the end. */
export const step = (t) => call((m) => m.step(t));
export const values = (quantity) => Array.from(call((m) => m.values(quantity)));
export const exportWeights = () => call((m) => m.export_weights());

/** The one-step calculator's fields for the design on screen: [{quantity, meaning}]. */
export const calculatorFields = () => call((m) => m.calculator_fields());
/** The one-step calculator: typed lists by field name → every value of the step by name. */
export const calculate = (typed) => call((m) => m.calculate(typed));

export const timelineHeight = () => call((m) => m.timeline_height());

/**
 * Draws the timeline and returns its hit-testing view: locate(x, y) → [row, t, unit] or
 * undefined, stepAt(x), rowName(row), all in device pixels, each call guarded like the rest.
 */
/** The timeline canvas was cleared behind the model's back: its next draw draws all of it. */
export const forgetTimeline = () => call((m) => m.forget_timeline());

export function drawTimeline(canvas, start, len, selected, unit, px) {
  const view = call((m) => m.draw_timeline(canvas, start, len, selected, unit, px));
  return {
    locate: (x, y) => call(() => view.locate(x, y)),
    stepAt: (x) => call(() => view.step_at(x)),
    rowName: (row) => call(() => view.row_name(row)),
    free: () => call(() => view.free()),
  };
}

export const drawCellChart = (canvas, start, len, selected, unit, px) =>
  call((m) => m.draw_cell_chart(canvas, start, len, selected, unit, px));
/** Computes one more slice of a large model's run (lab.rs); true once all of it is computed. */
export const advance = () => call((m) => m.advance());
/** How many steps of the run are computed so far. */
export const computed = () => call((m) => m.computed());
export const drawActivations = (canvas, selected, px) => call((m) => m.draw_activations(canvas, selected, px));
/** How many rows of charts the activation panel has at `cssWidth` (it wraps on narrow screens). */
export const activationPanelRows = (cssWidth, sites) => call(() => wasm.activation_panel_rows(cssWidth, sites));

/** How many timesteps fit across a timeline `cssWidth` wide. */
export const visibleSteps = (cssWidth) => call(() => wasm.visible_steps(cssWidth));
export const drawLearningCurves = (canvas, data, px) => call(() => charts.draw_learning_curves(canvas, data, px));
export const drawGradientFlow = (canvas, data, px) => call(() => charts.draw_gradient_flow(canvas, data, px));
export const drawCounterTraces = (canvas, data, px) => call(() => charts.draw_counter_traces(canvas, data, px));
