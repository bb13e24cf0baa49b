// The page's state and its URL form, from one declarative table of parameters (in the spirit of
// TensorFlow Playground's state.ts). Every control is in the query string, so a link restores
// the exact view. Reading never trusts the URL: a bad value falls back to its default with a
// notice. Writing keeps links short: only values that differ from their defaults are written
// (plus the few marked `always`).
//
// To add a parameter, add a row to `buildParameters`:
//   name     the query-string key
//   key      where it lives in the state (a path; defaults to [name])
//   type     how it is read and written: one of the types below
//   default  its value when the link does not set it
//   always   write it even when it equals its default (true, or a test of the state)
//   when     write it only when this holds for the state
//   refused  the notice for a value the type refuses: (raw, kept) → text
//   onRead   what else a value read from a link sets in the state
//   empty    true when an empty value means something (only `text`: the empty text)
//
// Links are read one documented way: a parameter given twice counts once, by its first value;
// a parameter given empty (`?weights=`) counts as not given, except where `empty` says it is a
// value. So reading the link the page writes gives back the same state, and writing that state
// gives the same link.

import { activationNames, activations, cells, cellSpec, limits, morphFamily, preset, presets, sites } from './catalog.js';
import { LESSON_COUNT } from './lesson-count.js';
import { controlNames } from './control-table.js';
import { viewNames } from './views/table.js';

/** The preset value under which loaded or trained weights are shown. */
export const FILE_PRESET = 'file';

/** Shortens untrusted text for a notice (it is shown with textContent, never as HTML). */
export function quote(raw) {
  return JSON.stringify(raw.length > 40 ? `${raw.slice(0, 40)}…` : raw);
}

// Types. `read(raw)` returns {value} for an accepted value, {value, note} for one accepted with
// a change the user should hear about, or null to refuse it; `write(value)` gives the raw text.

/** A whole number from lo to hi. */
const integer = (lo, hi) => ({
  range: [lo, hi],
  read(raw) {
    if (!/^\d{1,10}$/.test(raw)) return null;
    const v = Number(raw);
    return v >= lo && v <= hi ? { value: v } : null;
  },
  write: String,
});

/** The most learning rates a link carries (a sweep of more is saved as a settings file). */
export const MAX_LINK_RATES = 8;

/** Learning rates, comma-separated, each above 0 and at most 1: `0.01,0.03`. */
const rateList = () => ({
  read(raw) {
    const rates = raw.split(',').map((r) => (/^\d*\.?\d+(e-?\d+)?$/.test(r) ? Number(r) : NaN));
    return rates.length <= MAX_LINK_RATES && rates.every((r) => r > 0 && r <= 1) ? { value: rates } : null;
  },
  write: (rates) => rates.join(','),
});

/** A span of steps `first-last` (both included), 0 ≤ first ≤ last < max: [first, last]. */
const span = (max) => ({
  read(raw) {
    const m = /^(\d{1,7})-(\d{1,7})$/.exec(raw);
    if (!m) return null;
    const [first, last] = [Number(m[1]), Number(m[2])];
    return first <= last && last < max ? { value: [first, last] } : null;
  },
  write: ([first, last]) => `${first}-${last}`,
});

/** A name of lowercase letters, digits, - and _ (checked against its list where it is used). */
const slug = () => ({
  read: (raw) => (/^[a-z][a-z0-9_-]{0,39}$/.test(raw) ? { value: raw } : null),
  write: String,
});

/** One of a list of names. */
const oneOf = (names) => ({
  values: names,
  read: (raw) => (names.includes(raw) ? { value: raw } : null),
  write: String,
});

/**
 * An activation name for `site`: a fixed one the site takes, or the morph family with T from 0
 * to 1 (`morph:0.25`).
 */
const activation = (site) => {
  const names = activationNames().filter((name) => {
    const only = activations().find((a) => a.name === name)?.only_at;
    return !only || only === site.name;
  });
  const morph = new RegExp(`^${morphFamily().name}:(0(\\.\\d+)?|1(\\.0+)?)$`);
  return {
    values: names,
    read: (raw) => (names.includes(raw) || morph.test(raw) ? { value: raw } : null),
    write: String,
  };
};

/**
 * The first `max` UTF-16 code units of `text`, one fewer if the cut would split a surrogate pair
 * (so a prefix never ends in half a character).
 */
export function textPrefix(text, max) {
  if (text.length <= max) return text;
  const end = /[\uD800-\uDBFF]/.test(text[max - 1] ?? '') ? max - 1 : max;
  return text.slice(0, end);
}

/**
 * Text of at most `max` characters; a longer one is cut, with a note. Links carry at most
 * `written` of it (the text box's share), so they stay short enough for any host to serve.
 */
const text = (max, written) => ({
  max,
  written,
  read: (raw) => (raw.length > max
    ? {
      value: raw.slice(0, max),
      note: `The text in the link was ${raw.length.toLocaleString()} characters; kept the first ${max.toLocaleString()}.`,
    }
    : { value: raw }),
  write: (value) => textPrefix(value, written),
});

/** On when the value is 1, off otherwise. */
const flag = () => ({
  read: (raw) => ({ value: raw === '1' }),
  write: () => '1',
});

/** On ('1') or off ('0'); a link that says neither leaves the default (null: decided by the page). */
const onOff = () => ({
  read: (raw) => (raw === '1' || raw === '0' ? { value: raw === '1' } : null),
  write: (value) => (value ? '1' : '0'),
});

/**
 * A comma-separated list of names from `names` (at most once each, in the order given), or
 * `none` for the empty list when `allowNone`. Unknown names are dropped with a note.
 */
const nameList = (names, { allowNone }) => ({
  values: names,
  read(raw) {
    if (raw === 'none') return allowNone ? { value: [] } : null;
    const parts = raw.split(',');
    const known = [...new Set(parts.filter((n) => names().includes(n)))];
    if (known.length === 0) return null;
    const unknown = parts.filter((n) => !names().includes(n));
    return unknown.length
      ? { value: known, note: `Ignored ${unknown.map(quote).join(', ')} in the link: not one of ${names().join(', ')}.` }
      : { value: known };
  },
  write: (list) => (list.length === 0 ? 'none' : list.join(',')),
});

/** Any text, checked later by whoever uses it. */
const opaque = () => ({
  read: (raw) => ({ value: raw }),
  write: String,
});

/** Hidden size and seed matter only for presets built to a size (the random one). */
const sized = (state) => Boolean(preset(state.preset)?.sized);

const wholeNumber = (name, [lo, hi]) => (raw, kept) =>
  `${name} ${quote(raw)} in the link is not a whole number from ${lo} to ${hi}; using ${kept}.`;

function buildParameters() {
  const limit = limits();
  const first = presets()[0];
  const hidden = integer(1, limit.max_hidden);
  const seed = integer(0, limit.max_seed);
  return [
    {
      name: 'preset',
      type: oneOf(presets().map((p) => p.name)),
      default: first.name,
      always: true,
      when: (state) => state.preset !== FILE_PRESET,
      refused: (raw, kept) => `Unknown preset ${quote(raw)} in the link; using ${kept}.`,
      // A preset brings its example text; a `text` in the link (read later) replaces it.
      onRead: (state) => {
        state.text = preset(state.preset).text;
      },
    },
    {
      // A small loaded or trained model, encoded for the link (see weights-link.js). It is
      // checked when it is loaded: a bad one gets a notice there and the preset stays.
      name: 'weights',
      type: opaque(),
      default: null,
      when: (state) => state.preset === FILE_PRESET,
      onRead: (state) => {
        state.preset = FILE_PRESET;
      },
    },
    // Written always for a preset built to a size, and otherwise only when not the default (a
    // size set on the random preset is kept while another is shown, so the link keeps it too).
    { name: 'hidden', type: hidden, default: 8, always: sized, refused: wholeNumber('hidden', hidden.range) },
    // A preset's cell design (a loaded file is what it is), and the LSTM's peepholes.
    {
      name: 'cell',
      type: oneOf(cells().map((c) => c.name)),
      default: cells()[0].name,
      when: (state) => state.preset !== FILE_PRESET,
      refused: (raw, kept) => `Unknown cell ${quote(raw)} in the link (${cells().map((c) => c.name).join(', ')}); using ${kept}.`,
    },
    { name: 'peepholes', type: flag(), default: false, when: (state) => state.preset !== FILE_PRESET },
    { name: 'seed', type: seed, default: 1, always: sized, refused: wholeNumber('seed', seed.range) },
    ...sites().map((site) => ({
      name: site.name,
      key: ['acts', site.name],
      type: activation(site),
      default: site.standard,
      refused: (raw, kept) => {
        const only = activations().find((a) => a.name === raw)?.only_at;
        return only
          ? `${quote(raw)} in the link is only for the ${only} gate, not ${site.name}; using ${kept}.`
          : `Unknown activation ${quote(raw)} for ${site.name} in the link; using ${kept}.`;
      },
    })),
    { name: 'text', type: text(limit.max_text_chars, limit.max_text_box_chars), default: first.text, always: true, empty: true },
    {
      name: 't',
      type: integer(0, limit.max_text_chars),
      default: 0,
      refused: (raw) => `Timestep ${quote(raw)} in the link is not valid; starting at 0.`,
    },
    {
      // The layer on show of a model with several, 0 at the bottom (null: the top one).
      name: 'layer',
      type: integer(0, limit.max_layers - 1),
      default: null,
      refused: (raw) => `Layer ${quote(raw)} in the link is not valid; showing the top layer.`,
    },
    {
      // The unit the diagram and the announcements follow: of any model the page holds (a loaded
      // or shipped one may have more units than a preset; the page clamps it to the model's).
      name: 'unit',
      type: integer(0, limit.max_page_hidden - 1),
      default: 0,
      refused: (raw) => `Unit ${quote(raw)} in the link is not valid; showing unit 0.`,
    },
    {
      // A step of the guided walk through the learners' questions (0: not in the walk).
      name: 'lesson',
      type: integer(0, LESSON_COUNT),
      default: 0,
      refused: (raw) => `Lesson ${quote(raw)} in the link is not one of 1 to ${LESSON_COUNT}; not starting the walk.`,
    },
    {
      // Fixed scales: legends keep their range across swaps. null: on in lessons and presenter mode.
      name: 'fixed',
      type: onOff(),
      default: null,
      refused: (raw) => `fixed=${quote(raw)} in the link is neither 1 nor 0; ignored.`,
    },
    {
      // A built-in study shown in the Study panel, with the seeds and steps set there (null:
      // the study's own). The panel checks the name against the studies it has.
      name: 'study',
      key: ['study', 'name'],
      type: slug(),
      default: null,
      refused: (raw) => `study=${quote(raw)} in the link is not a study's name; ignored.`,
    },
    {
      name: 'study_seeds',
      key: ['study', 'seeds'],
      type: integer(1, limit.max_study_seeds),
      default: null,
      when: (state) => state.study.name !== null,
      refused: (raw) => `study_seeds=${quote(raw)} in the link is not 1 to ${limit.max_study_seeds}; using the study's own.`,
    },
    {
      name: 'study_steps',
      key: ['study', 'steps'],
      type: integer(1, limit.max_study_steps),
      default: null,
      when: (state) => state.study.name !== null,
      refused: (raw) => `study_steps=${quote(raw)} in the link is not 1 to ${limit.max_study_steps}; using the study's own.`,
    },
    {
      name: 'study_rates',
      key: ['study', 'rates'],
      type: rateList(),
      default: null,
      when: (state) => state.study.name !== null,
      refused: (raw) => `study_rates=${quote(raw)} in the link is not a list of up to ${MAX_LINK_RATES} learning rates above 0 and at most 1; using the study's own.`,
    },
    {
      // A study that is not built in (one run from your comparison, or opened from a file): its
      // whole settings as JSON. The panel reads it as it reads a file, and names any fault.
      name: 'study_settings',
      key: ['study', 'settings'],
      type: opaque(),
      default: null,
      when: (state) => state.study.name === null,
    },
    {
      // The unit search's span of steps (null: none picked) and the quantity it ranks units by
      // (null: h). The search view checks the quantity against the cell on screen.
      name: 'find',
      key: ['find', 'span'],
      type: span(limit.max_text_chars),
      default: null,
      refused: (raw) => `find=${quote(raw)} in the link is not a span of steps like 12-20; no units searched.`,
    },
    {
      name: 'find_q',
      key: ['find', 'quantity'],
      type: slug(),
      default: null,
      when: (state) => state.find.span !== null,
      refused: (raw) => `find_q=${quote(raw)} in the link is not a quantity's name; ranking by h.`,
    },
    {
      // The colour theme. null: follow the system's (prefers-color-scheme).
      name: 'theme',
      type: oneOf(['light', 'dark']),
      default: null,
      refused: (raw) => `Unknown theme ${quote(raw)} in the link; following the system's.`,
    },
    // Presenter mode's layout (without fullscreen, which only a click or key can ask for).
    { name: 'present', type: flag(), default: false },
    // Only the views, the text box and the activation controls, for an iframe in a blog post.
    { name: 'embed', type: flag(), default: false },
    {
      // The views shown, in this order (null: every view; in an embed, the embed's few).
      name: 'views',
      type: nameList(viewNames, { allowNone: false }),
      default: null,
      refused: (raw) => `views=${quote(raw)} in the link names no view (${viewNames().join(', ')}); showing the usual ones.`,
    },
    {
      // The control groups shown (null: all; in an embed, the text, activations and step).
      name: 'controls',
      type: nameList(controlNames, { allowNone: true }),
      default: null,
      refused: (raw) => `controls=${quote(raw)} in the link names no control (${controlNames().join(', ')}, or none); showing the usual ones.`,
    },
  ];
}

let table = null;

/** The parameter table (built from the catalog on first use). */
export function parameters() {
  table ??= buildParameters();
  return table;
}

/** One parameter's row by name. */
export const parameter = (name) => parameters().find((p) => p.name === name);

const path = (p) => p.key ?? [p.name];

function get(state, p) {
  return path(p).reduce((at, k) => at?.[k], state);
}

function set(state, p, value) {
  const keys = path(p);
  let at = state;
  for (const k of keys.slice(0, -1)) at = at[k] ??= {};
  at[keys.at(-1)] = value;
}

/** A fresh default state. */
export function defaultState() {
  const state = {};
  for (const p of parameters()) set(state, p, p.default);
  return state;
}

/** A notice for each part of the query whose percent-encoding is broken. */
function brokenEncoding(search) {
  const notices = [];
  // URLSearchParams decodes broken %-escapes leniently; say so rather than pretend.
  for (const part of search.replace(/^\?/, '').split('&')) {
    try {
      decodeURIComponent(part.replace(/\+/g, ' '));
    } catch {
      notices.push(`Part of the link had broken percent-encoding (${quote(part)}); it was read as best it could be.`);
    }
  }
  return notices;
}

/**
 * Reads state from a query string. Returns {state, notices}: each bad part is replaced by its
 * default and explained in one notice.
 */
export function readState(search) {
  const state = defaultState();
  const notices = brokenEncoding(search);
  const query = new URLSearchParams(search);
  /** The names the link sets (a lesson fills in only what a link leaves out). */
  const given = new Set();
  for (const p of parameters()) {
    const raw = query.get(p.name);
    if (raw === null || (raw === '' && !p.empty)) continue;
    given.add(p.name);
    const read = p.type.read(raw);
    if (read === null) {
      notices.push(p.refused(raw, get(state, p)));
      continue;
    }
    set(state, p, read.value);
    if (read.note) notices.push(read.note);
    p.onRead?.(state);
  }
  // Only the random preset is any design: a hand-set one is its own (a link that names no cell
  // gets it without a word).
  const own = preset(state.preset)?.cell;
  if (state.preset !== FILE_PRESET && !sized(state) && own && state.cell !== own) {
    if (given.has('cell')) {
      notices.push(`The ${state.preset} preset is a hand-set ${cellSpec(own).label}; cell=${state.cell} works with the random preset.`);
    }
    state.cell = own;
  }
  if (state.cell !== 'lstm' && state.peepholes) {
    notices.push(`Only the LSTM has peepholes; peepholes=1 is ignored for cell=${state.cell}.`);
    state.peepholes = false;
  }
  return { state, notices, given };
}

/** The query string for a state. */
export function writeState(state) {
  const query = new URLSearchParams();
  for (const p of parameters()) {
    if (p.when && !p.when(state)) continue;
    const value = get(state, p);
    if (value === null || value === undefined) continue;
    const always = typeof p.always === 'function' ? p.always(state) : p.always;
    if (!always && value === p.default) continue;
    query.set(p.name, p.type.write(value));
  }
  return `?${query.toString()}`;
}
