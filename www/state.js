// The page's state and its URL form. Every control is in the query string, so a link restores
// the exact view. Parsing never trusts the URL: bad parts fall back to defaults with a notice.

import { DEFAULTS, LIMITS, PRESETS, PRESET_TEXT, SITES, STANDARD_ACTIVATIONS } from './config.js';

/** A fresh default state. */
export function defaultState() {
  return {
    text: PRESET_TEXT[DEFAULTS.preset],
    preset: DEFAULTS.preset,
    hidden: DEFAULTS.hidden,
    seed: DEFAULTS.seed,
    acts: { ...STANDARD_ACTIVATIONS },
    t: DEFAULTS.t,
    embed: false,
    /** A small loaded or trained model, encoded for the link (see weights-link.js), or null. */
    weights: null,
  };
}

const MORPH = /^morph:(0(\.\d+)?|1(\.0+)?)$/;

/** True if `name` is an activation the core knows (`names` from the wasm module) or a morph. */
export function isActivationName(name, names) {
  return names.includes(name) || MORPH.test(name);
}

function integer(raw, [lo, hi]) {
  if (!/^\d{1,10}$/.test(raw)) return null;
  const v = Number(raw);
  return v >= lo && v <= hi ? v : null;
}

/** Shortens untrusted text for a notice (it is shown with textContent, never as HTML). */
function quote(raw) {
  return JSON.stringify(raw.length > 40 ? `${raw.slice(0, 40)}…` : raw);
}

/**
 * Reads state from a query string. Returns {state, notices}: each bad part is replaced by its
 * default and explained in one notice.
 */
export function readState(search, names) {
  const state = defaultState();
  const notices = [];
  // URLSearchParams decodes broken %-escapes leniently; say so rather than pretend.
  for (const part of search.replace(/^\?/, '').split('&')) {
    try {
      decodeURIComponent(part.replace(/\+/g, ' '));
    } catch {
      notices.push(`Part of the link had broken percent-encoding (${quote(part)}); it was read as best it could be.`);
    }
  }
  const params = new URLSearchParams(search);
  const preset = params.get('preset');
  if (preset !== null) {
    if (PRESETS.includes(preset)) {
      state.preset = preset;
      state.text = PRESET_TEXT[preset];
    } else notices.push(`Unknown preset ${quote(preset)} in the link; using ${state.preset}.`);
  }
  for (const [key, limits] of [['hidden', LIMITS.hidden], ['seed', LIMITS.seed]]) {
    const raw = params.get(key);
    if (raw === null) continue;
    const v = integer(raw, limits);
    if (v === null) notices.push(`${key} ${quote(raw)} in the link is not a whole number from ${limits[0]} to ${limits[1]}; using ${state[key]}.`);
    else state[key] = v;
  }
  for (const site of SITES) {
    const raw = params.get(site);
    if (raw === null) continue;
    if (isActivationName(raw, names)) state.acts[site] = raw;
    else notices.push(`Unknown activation ${quote(raw)} for ${site} in the link; using ${state.acts[site]}.`);
  }
  const text = params.get('text');
  if (text !== null) {
    if (text.length > LIMITS.textChars) {
      state.text = text.slice(0, LIMITS.textChars);
      notices.push(`The text in the link was ${text.length.toLocaleString()} characters; kept the first ${LIMITS.textChars.toLocaleString()}.`);
    } else state.text = text;
  }
  const t = params.get('t');
  if (t !== null) {
    const v = integer(t, [0, LIMITS.textChars]);
    if (v === null) notices.push(`Timestep ${quote(t)} in the link is not valid; starting at 0.`);
    else state.t = v;
  }
  state.embed = params.get('embed') === '1';
  const weights = params.get('weights');
  if (weights !== null) {
    // Checked when it is loaded: a bad one gets a notice there and the preset stays.
    state.weights = weights;
    state.preset = 'file';
  }
  return { state, notices };
}

/** The query string for a state (only what differs from the defaults, to keep links short). */
export function writeState(state) {
  const params = new URLSearchParams();
  if (state.preset !== 'file') params.set('preset', state.preset);
  else if (state.weights) params.set('weights', state.weights);
  if (state.preset === 'random') {
    params.set('hidden', String(state.hidden));
    params.set('seed', String(state.seed));
  }
  for (const site of SITES) {
    if (state.acts[site] !== STANDARD_ACTIVATIONS[site]) params.set(site, state.acts[site]);
  }
  params.set('text', state.text);
  if (state.t > 0) params.set('t', String(state.t));
  if (state.embed) params.set('embed', '1');
  return `?${params.toString()}`;
}
