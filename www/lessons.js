// The guided walk: the eleven learners' questions of QUESTIONS.md, one lesson each, as data.
// Each lesson has the question as its title, where to look, the state it sets (preset, text,
// activations changed from the standard LSTM, step, unit; fixed scales are on in the walk), the
// views that answer it (the first is the key view, which must sit in a 1280×720 screen), an
// optional switch between variants (before/after), and an answer written from the numbers the
// page shows at the moment it is asked for.
//
// `answer(ctx)` gets {state, summary, values(q), step(t), variant (index of the switch's
// variant the state matches, or -1), views (the view instances by name), formulas(name)}.

import { num, percent } from './format.js';

/** Steps of `text` (up to `n`) whose character is a bracket. */
const isBracket = (ch) => ch === '(' || ch === ')';

/** The running bracket depth of `chars`. */
function depths(chars) {
  let d = 0;
  return chars.map((ch) => (d += ch === '(' ? 1 : ch === ')' ? -1 : 0));
}

/** The characters the model traced. */
const traced = ({ state, summary }) => [...state.text].slice(0, summary.steps);

const inputRemoved = { label: 'input gate removed', acts: { input: 'none' } };
const standard = { label: 'standard', acts: {} };

export const LESSONS = [
  {
    question: 'Q1',
    title: 'Why tanh × sigmoid in the update, and not a tanh alone?',
    look: 'Watch the cell state c (the chart) on the counter. Flip to “input gate removed”: the input gate becomes the constant 1, and the tanh candidate alone decides what is written.',
    views: ['cell', 'diagram'],
    setup: { preset: 'counter', text: '((x)(y(z)))', t: 2 },
    variants: [standard, inputRemoved],
    answer(ctx) {
      const chars = traced(ctx);
      const c = ctx.values('c');
      const prev = ctx.values('c_prev');
      const i = ctx.values('i');
      const moved = chars.map((_, k) => Math.abs(c[k] - prev[k]) > 0.01);
      const others = chars.flatMap((ch, k) => (isBracket(ch) ? [] : [k]));
      const othersMoved = others.filter((k) => moved[k]).length;
      const depth = depths(chars).at(-1);
      if (ctx.variant === 1) {
        return `With the input gate removed (i = 1), c moved at ${moved.filter(Boolean).length} of ${chars.length} steps: ` +
          `all ${othersMoved} symbols that are not brackets wrote their candidate too, so c ends at ${num(c.at(-1))} instead of the depth ${depth}. ` +
          `The sigmoid decides whether to write at all; the tanh only decides which way. A tanh alone cannot say “write nothing”, and the parameters drop to ${ctx.summary.parameters}.`;
      }
      const k = others[0];
      return `With the input gate, c moved only at the brackets: at each of the ${others.length} other symbols the gate is i = ${k === undefined ? '0' : num(i[k])}, ` +
        `so nothing is written, and c ends at ${num(c.at(-1))}, the bracket depth ${depth}. Flip the switch to see what the sigmoid was for.`;
    },
  },
  {
    question: 'Q2',
    title: 'Would a tanh alone need many more iterations to learn?',
    look: 'In the Training lab, tick “standard” and “input gate removed”, then press Compare: both learn the same task from the same seeds. Read the steps each needed in the table under the curves.',
    views: ['training'],
    setup: { preset: 'counter', text: '((x)(y(z)))', t: 0 },
    answer(ctx) {
      const s = ctx.views.training?.state().snapshot;
      if (!s) return 'Press Compare first (a few seconds): the answer is read from its table. Both variants train on the same data with the same seeds.';
      const rows = s.variants.map((v) => `${v.variant}: ${v.reached_target} of ${v.runs} runs reached ${percent(s.target_heldout_accuracy)}` +
        (v.median_steps_to_target != null ? `, median ${v.median_steps_to_target} steps` : ''));
      return `${rows.join('; ')}. ${s.finished ? '' : '(Still running: these numbers will change.) '}` +
        'On a small counting task both can learn; the gate makes “ignore this symbol” one switch instead of a balance of weights, which shows in how steadily the runs reach the target.';
    },
  },
  {
    question: 'Q3',
    title: 'Does removing the sigmoid change the parameter count?',
    look: 'Read the parameter count at the top of the diagram, then flip to “input gate removed”.',
    views: ['diagram', 'parameters'],
    setup: { preset: 'counter', text: '((x)(y(z)))', t: 0 },
    variants: [standard, inputRemoved],
    answer(ctx) {
      const { parameters, live_blocks: blocks, hidden: h, input_size: i } = ctx.summary;
      const block = h * (i + h + 2);
      return `Yes. Each gate has its own block of weights, H(I + H + 2) = ${h} × (${i} + ${h} + 2) = ${block} here. ` +
        `Now there ${blocks === 1 ? 'is' : 'are'} ${blocks} block${blocks === 1 ? '' : 's'}: ${parameters} parameters. ` +
        (blocks < 4 ? 'The removed gate is a constant 1, so its block is gone.' : `Remove the input gate and it becomes ${parameters - block}.`) +
        ' Swapping an activation (say sigmoid for tanh) keeps the count; removing the gate does not.';
    },
  },
  {
    question: 'Q4',
    title: 'The worked example: forget pre-activations [−20, −15, 10, 20] on C₂, and the output gate on C₃',
    look: 'The one-step calculator holds the thread’s numbers. Read f and f ⊙ c_prev, then press “output gate [0, 1, 0, 1] on C₃” and compare h under tanh and sigmoid (cell output).',
    views: ['calculator'],
    setup: { preset: 'counter', text: '((x)(y(z)))', t: 0, calculator: 'forget' },
    variants: [{ label: 'cell output tanh', acts: {} }, { label: 'cell output sigmoid', acts: { cell_output: 'sigmoid' } }],
    answer(ctx) {
      const out = ctx.views.calculator?.result();
      if (!out) return 'Fix the calculator’s fields first: the answer is read from its result.';
      const list = (xs) => `[${xs.map(num).join(', ')}]`;
      return `f = ${list(out.f)}: σ(−20) ≈ 2e−9 prints as 0.000 (focus it to read the exact value). ` +
        `f ⊙ c_prev = ${list(out.kept)}: the first two memories are cleared, the last two kept. ` +
        `h = ${list(out.h)} here. With tanh on the cell output C₃ = [−35, −48, −35, 12] gives H₃ = [0, −1, 0, 1]; with sigmoid, [0, 0, 0, 1]: the sign of the memory is lost.`;
    },
  },
  {
    question: 'Q5',
    title: 'Is it tanh(x)·sigmoid(x)? What does its derivative look like?',
    look: 'At this step (a closing bracket) the diagram shows the input gate’s and the candidate’s pre-activations side by side: z_i and z_g. The panel below plots each function with its derivative.',
    views: ['diagram', 'activations'],
    setup: { preset: 'counter', text: '((x)(y(z)))', t: 3 },
    answer(ctx) {
      const detail = ctx.step(ctx.state.t);
      if (!detail) return 'Type something first.';
      const v = detail.units[Math.min(ctx.state.unit, detail.units.length - 1)].values;
      return `Here z_i = ${num(v.z_i)} but z_g = ${num(v.z_g)}: the input gate and the candidate have separate weights, so the product is ` +
        `σ(z_i)·tanh(z_g) = ${num(v.i)} × ${num(v.g)} = ${num(v.i * v.g)}, a tanh(x)·σ(y) with x ≠ y, not tanh(x)·σ(x). ` +
        `Each factor has its own derivative: ${ctx.formulas(ctx.state.acts.input).derivative}; ${ctx.formulas(ctx.state.acts.candidate).derivative}.`;
    },
  },
  {
    question: 'Q6',
    title: 'Why can’t the candidate be a sigmoid?',
    look: 'Watch c fall at each “)” on the chart, then flip to “candidate sigmoid”.',
    views: ['cell', 'diagram'],
    setup: { preset: 'counter', text: '((()))()', t: 3 },
    variants: [{ label: 'candidate tanh', acts: {} }, { label: 'candidate sigmoid', acts: { candidate: 'sigmoid' } }],
    answer(ctx) {
      const c = ctx.values('c');
      const prev = ctx.values('c_prev');
      const g = ctx.values('g');
      const falls = c.filter((v, k) => v < prev[k] - 0.01).length;
      const closing = traced(ctx).findIndex((ch) => ch === ')');
      if (ctx.variant === 1) {
        return `With a sigmoid candidate, g is never negative (at “)” it is ${closing < 0 ? 'near 0' : num(g[closing])}), so i·g ≥ 0 and c can only go up: ` +
          `it fell at ${falls} steps and ends at ${num(c.at(-1))}, while the brackets are balanced. A counter must be able to count down: tanh gives g = −1.`;
      }
      return `With tanh, g = ${closing < 0 ? '−1' : num(g[closing])} at “)”, so c fell at ${falls} steps and ends at ${num(c.at(-1))}. Flip to the sigmoid candidate and c can no longer fall.`;
    },
  },
  {
    question: 'Q7',
    title: 'Is the LSTM a differentiable counter?',
    look: 'On the chart, the dashed line is the true bracket depth and the solid line is c. They coincide step by step. Flip to hard-sigmoid gates to make the counter exact.',
    views: ['cell', 'timeline'],
    setup: { preset: 'counter', text: '((()(()))((()))(((', t: 8 },
    variants: [{ label: 'sigmoid gates', acts: {} }, { label: 'hard-sigmoid gates', acts: { forget: 'hard_sigmoid', input: 'hard_sigmoid', output: 'hard_sigmoid' } }],
    answer(ctx) {
      const drift = ctx.summary.depth_drift;
      const c = ctx.values('c');
      const depth = depths(traced(ctx));
      if (drift === null || drift === undefined) return 'This works on the counter preset: pick it to compare c with the bracket depth.';
      return `Yes: c follows the depth (${depth.slice(0, 6).join(', ')}, …) to within ${drift.toExponential(2)}, the largest drift over this text; ` +
        `at the end c = ${num(c.at(-1))} and the depth is ${depth.at(-1)}. ` +
        (drift === 0 ? 'Hard-sigmoid gates are exactly 0 or 1 at ±10, so the count is exact.' : 'The sigmoid forget gate is 1 − 4.5e−5, not 1, so the memory leaks a little each step; every step is still differentiable.');
    },
  },
  {
    question: 'Q8',
    title: 'Are sigmoid outputs mostly 0 or 1, and tanh mostly ±1?',
    look: 'The gate saturation bars count, over the whole text, the share of each gate’s values near its ends. Hand-set presets are saturated by construction: train a cell to see real saturation.',
    views: ['saturation', 'timeline'],
    setup: { preset: 'counter', text: '((x)(y(z)))', t: 0 },
    answer(ctx) {
      const parts = ctx.summary.saturation.map((s) => {
        const signed = s.low_threshold < 0;
        return `${s.label}: ${percent(s.low + s.high)} near ${signed ? '±1' : '0 or 1'}`;
      });
      return `${parts.join('; ')}. On this hand-set preset that is by construction: its weights are ±10, far out on every curve. ` +
        'A trained cell is the real test: train one in the Training lab (its cell replaces this one above) and read the bars again; many of its values sit in between.';
    },
  },
  {
    question: 'Q9',
    title: 'Can I use ReLU instead of tanh?',
    look: 'The text goes below depth 0. Flip the candidate to ReLU, then the cell output to ReLU, and watch c and h.',
    views: ['cell', 'diagram'],
    setup: { preset: 'counter', text: '(())))(((', t: 5 },
    variants: [{ label: 'tanh', acts: {} }, { label: 'candidate ReLU', acts: { candidate: 'relu' } }, { label: 'cell output ReLU', acts: { cell_output: 'relu' } }],
    answer(ctx) {
      const c = ctx.values('c');
      const prev = ctx.values('c_prev');
      const h = ctx.values('h');
      if (ctx.variant === 1) {
        const falls = c.filter((v, k) => v < prev[k] - 0.01).length;
        return `ReLU(−10) = 0, so “)” writes nothing: c fell at ${falls} steps and ends at ${num(c.at(-1))}. The candidate needs negative values to count down.`;
      }
      if (ctx.variant === 2) {
        const negative = c.filter((v) => v < -0.01).length;
        const hidden = c.filter((v, k) => v < -0.01 && Math.abs(h[k]) < 0.01).length;
        return `c still counts (it ends at ${num(c.at(-1))}), but h = o·ReLU(c) is 0 wherever c < 0: ${hidden} of the ${negative} negative steps are hidden from the next layer. ` +
          'ReLU is unbounded, so values beyond a legend’s range are clipped and marked, never a crash.';
      }
      return `With tanh, c goes down to ${num(Math.min(...c))} and h = ${num(Math.min(...h))} shows it. Flip to a ReLU to see what it costs.`;
    },
  },
  {
    question: 'Q10',
    title: 'What are the derivatives of these activations?',
    look: 'Each panel plots a site’s function and its derivative, with dots at this step’s inputs; the formulas are written under the panels.',
    views: ['activations', 'diagram'],
    setup: { preset: 'counter', text: '((x)(y(z)))', t: 0 },
    answer(ctx) {
      const detail = ctx.step(ctx.state.t);
      const sigmoid = ctx.formulas('sigmoid');
      const z = detail ? detail.units[0].values.z_f : 0;
      const s = 1 / (1 + Math.exp(-z));
      return `${sigmoid.derivative}. At this step z_f = ${num(z)}, so σ = ${num(s)} and σ′ = ${num(s * (1 - s))}; the slope is largest at z = 0, where σ′ = 0.25. ` +
        `${ctx.formulas('tanh').derivative}. The thread’s σ′ = σ(z)(σ(z) − 1) has the sign wrong: it is negative everywhere (−0.25 at z = 0), a falling slope, but σ rises everywhere.`;
    },
  },
  {
    question: 'Q11',
    title: 'Why sigmoid for gates: a door that opens or shuts?',
    look: 'The latch remembers the last S (+1) or R (−1). Flip the gates to tanh and watch c at each S and R.',
    views: ['cell', 'diagram'],
    setup: { preset: 'latch', text: '..S....R...x..S..', t: 7 },
    variants: [{ label: 'sigmoid gates', acts: {} }, { label: 'tanh gates', acts: { forget: 'tanh', input: 'tanh', output: 'tanh' } }],
    answer(ctx) {
      const chars = traced(ctx);
      const f = ctx.values('f');
      const prev = ctx.values('c_prev');
      const c = ctx.values('c');
      const k = chars.findIndex((ch, j) => ch === 'R' && j > 0);
      if (k < 0) return 'Type an R after an S to see the gate act.';
      if (ctx.variant === 1) {
        return `At the R (step ${k}) the forget gate is f = ${num(f[k])}: a tanh door can be −1, a revolving door. ` +
          `It multiplies the memory c_prev = ${num(prev[k])} into ${num(f[k] * prev[k])} instead of clearing it, so c = ${num(c[k])}. ` +
          'Between the letters, an input gate at tanh(−10) = −1 writes too. A sigmoid can only open (1) or shut (0).';
      }
      return `At the R (step ${k}) the sigmoid forget gate is f = ${num(f[k])}: it shuts, clears c_prev = ${num(prev[k])}, and the input writes −1, so c = ${num(c[k])}. Flip to tanh gates.`;
    },
  },
];
