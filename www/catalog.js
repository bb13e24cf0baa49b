// Every table the page lists, read once from the wasm module at start (src/catalog.rs): the
// cell designs, the activation sites, the activations, the presets, the training tasks and variants, the limits,
// the timeline's rows and the chart margins. No name, label or limit is written out in the
// page's own JS, HTML or CSS; they all come through here.

import { readCatalog } from './model.js';

let table = null;

/** Reads the catalog. Call it once, after the wasm module is initialised. */
export function loadCatalog() {
  table = readCatalog();
  return table;
}

function get() {
  if (!table) throw new Error('the catalog is read at start, after the wasm module is initialised');
  return table;
}

/** The whole catalog, as the wasm module gave it. */
export const catalog = () => get();

/**
 * The cell designs: [{name, label, blocks: [{symbol, site, pre}], states, sites, values,
 * equations: [{result, text, operands}], products: [{name, text, factors}]}].
 */
export const cells = () => get().cells;

/** One cell design by name (the summary's `cell`); the LSTM when the name is unknown. */
export const cellSpec = (name) => cells().find((c) => c.name === name) ?? cells()[0];

/**
 * Every design's activation sites, in control order: [{name, label, caption, symbol, input,
 * output, standard, coupled_to}]. Links and control groups name them all.
 */
export const sites = () => get().sites;

/** The sites of cell design `name` (the summary's `cell`), in control order. */
export const cellSites = (name) => sites().filter((s) => cellSpec(name).sites.includes(s.name));

/** The standard LSTM: site name → activation name. */
export const standardActivations = () => Object.fromEntries(sites().map((s) => [s.name, s.standard]));

/**
 * The sites whose values the timeline shows as rows (the gates), in the timeline's order, which
 * is the order a step computes them: of cell design `name` (the LSTM's by default).
 */
export const gateSites = (name = 'lstm') =>
  cellSpec(name).rows.map((q) => cellSites(name).find((s) => s.output === q)).filter(Boolean);

/** The LSTM's site applied to the cell state on the way out (the one whose input is c). */
export const cellOutputSite = () => cellSites('lstm').find((s) => !gateSites('lstm').includes(s));

/** Every activation in menu order: [{name, label, symbol}], the morph family last. */
export const activations = () => get().activations;

/** The morph family (`name:T` with T from 0 to 1). */
export const morphFamily = () => activations().at(-1);

/** Names of the fixed activations (the morph family excluded). */
export const activationNames = () => activations().slice(0, -1).map((a) => a.name);

/** `morph:0.3` → 0.3 as typed, or null for other names. */
export function morphPosition(name) {
  const prefix = `${morphFamily().name}:`;
  return name.startsWith(prefix) ? name.slice(prefix.length) : null;
}

/** An activation's short form for formulas: σ, tanh, morph0.3, ... */
export function activationSymbol(name) {
  const t = morphPosition(name);
  if (t !== null) return `${morphFamily().symbol}${t}`;
  return activations().find((a) => a.name === name)?.symbol ?? name;
}

let allPresets = null;

/**
 * The presets: [{name, label, text, sized, cell}], the built-in ones, then the trained models
 * shipped as files ({..., real: true, file, about}), which are fetched when picked.
 */
export const presets = () => (allPresets ??= [...get().presets, ...get().real_models.map((m) => ({ ...m, real: true }))]);

/** One preset by name, or undefined. */
export const preset = (name) => presets().find((p) => p.name === name);

/** The training tasks: [{name, label}]. */
export const tasks = () => get().tasks;

/** The comparison's variants: [{label, activations: {site: name}, checked}]. */
export const variants = () => get().variants;

/** {max_hidden, max_steps, max_text_chars, max_link_weights, max_seed, max_batch, ...}. */
export const limits = () => get().limits;

/** The chart margins (CSS px) that the page's own controls line up with: {left, right}. */
export const margins = () => get().margins;
