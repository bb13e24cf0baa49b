// The page's own settings: timing, sizes and colours. Every name, label and limit the page
// lists comes from the wasm module's catalog instead (see catalog.js).

/** Milliseconds between steps while playing. */
export const PLAY_INTERVAL = 300;

export const SIZES = {
  cellChartHeight: 230,
  activationHeight: 210,
  /** Units listed in the inspector before "show all". */
  inspectorUnits: 8,
};

/** Matches src/render/theme.rs. */
export const COLORS = {
  selection: '#e4572e',
};

export const TRAINING = {
  curvesHeight: 240,
  gradientHeight: 200,
  /** Held-out evaluations during a comparison, every this many steps. */
  compareEvalEvery: 25,
};
