// Everything tunable on the page in one place: defaults, limits, sizes, colours.

/** The five activation sites, in the order the controls show them. */
export const SITES = ['forget', 'input', 'output', 'candidate', 'cell_output'];

export const SITE_LABELS = {
  forget: 'Forget gate f',
  input: 'Input gate i',
  output: 'Output gate o',
  candidate: 'Candidate g',
  cell_output: 'Cell output',
};

/** The standard LSTM. */
export const STANDARD_ACTIVATIONS = {
  forget: 'sigmoid',
  input: 'sigmoid',
  output: 'sigmoid',
  candidate: 'tanh',
  cell_output: 'tanh',
};

export const PRESETS = ['counter', 'latch', 'random'];

/** The text each preset starts with. */
export const PRESET_TEXT = {
  counter: '((x)(y(z)))',
  latch: '..S....R...x..S..',
  random: 'hello, gates',
};

export const DEFAULTS = {
  preset: 'counter',
  hidden: 8,
  seed: 1,
  t: 0,
};

export const LIMITS = {
  hidden: [1, 64],
  seed: [0, 4294967295],
  /** Longer texts from a URL or a paste are cut here, with a notice. */
  textChars: 100000,
};

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

/** One-click experiments, each answering one of the learners' questions. */
export const EXPERIMENTS = [
  {
    label: 'Remove the input gate',
    question: 'Why multiply by a sigmoid at all?',
    preset: 'counter',
    acts: { input: 'none' },
    expect: 'Every symbol, not only brackets, now moves the cell state; and one block of weights is gone.',
  },
  {
    label: 'Candidate → sigmoid',
    question: 'Why can the candidate not be a sigmoid?',
    preset: 'counter',
    acts: { candidate: 'sigmoid' },
    expect: 'The count can only go up: a sigmoid candidate cannot decrement.',
  },
  {
    label: 'Candidate → ReLU',
    question: 'Can I use ReLU instead of tanh?',
    preset: 'counter',
    acts: { candidate: 'relu' },
    expect: 'ReLU(−10) = 0, so ")" no longer counts down.',
  },
  {
    label: 'Cell output → ReLU',
    question: 'ReLU on the way out?',
    preset: 'counter',
    acts: { cell_output: 'relu' },
    text: '(()))))((',
    expect: 'Negative memory is hidden: h is 0 whenever the depth is below zero.',
  },
  {
    label: 'Gates → tanh',
    question: 'Why sigmoid for gates?',
    preset: 'latch',
    acts: { forget: 'tanh', input: 'tanh', output: 'tanh' },
    expect: 'A tanh gate can be −1: on S/R the forget gate flips the memory\'s sign instead of clearing it.',
  },
  {
    label: 'Hard-sigmoid gates',
    question: 'Is an LSTM really a counter?',
    preset: 'counter',
    acts: { forget: 'hard_sigmoid', input: 'hard_sigmoid', output: 'hard_sigmoid' },
    expect: 'The cell state is exactly the bracket depth at every step.',
  },
];

/** The variants the training lab can compare, each a change from the standard LSTM. */
export const VARIANTS = [
  { label: 'standard', acts: {}, checked: true },
  { label: 'input gate removed', acts: { input: 'none' }, checked: true },
  { label: 'candidate sigmoid', acts: { candidate: 'sigmoid' } },
  { label: 'candidate ReLU', acts: { candidate: 'relu' } },
  { label: 'hard-sigmoid gates', acts: { forget: 'hard_sigmoid', input: 'hard_sigmoid', output: 'hard_sigmoid' } },
  { label: 'cell output identity', acts: { cell_output: 'identity' } },
];

export const TRAINING = {
  curvesHeight: 240,
  gradientHeight: 200,
  /** Held-out evaluations during a comparison, every this many steps. */
  compareEvalEvery: 25,
};
