// The guided walk: the learners' questions of QUESTIONS.md, one lesson each, as data.
// Each lesson has the question as its title, where to look (`look`, about its key view, and
// `also`, about its other views, shown where those are on screen), the state it sets (preset,
// text, activations changed from the standard LSTM, step, unit; fixed scales are on in the
// walk), the views that answer it (the first is the key view, which must sit in a 1280×720
// screen), an optional switch between variants (before/after), and an answer written from the
// numbers the page shows at the moment it is asked for, and again whenever they change. A
// lesson on a paper's study sets the Study panel to it (`setup.study`) and answers from its card;
// `related` names a lesson to go on to (lesson 2 → the study of all the gates).
//
// `answer(ctx)` gets {state, summary, values(q), step(t), variant (index of the switch's variant
// the state matches, or -1), views (the view instances by name), formulas(name), symbol(name)
// (an activation's short form: σ, tanh, ReLU)}. Every number and fact it states is computed from these: the
// browser test (classroom.test.mjs) recomputes each from the model for every side of every
// switch and after every action the lesson names.

import { blockWorked, num, percent, sci } from './format.js';
import { preset, standardActivations } from './catalog.js';
import { FILE_PRESET } from './state.js';

const isBracket = (ch) => ch === '(' || ch === ')';

/** The running bracket depth of `chars`. */
export function depths(chars) {
  let d = 0;
  return chars.map((ch) => (d += ch === '(' ? 1 : ch === ')' ? -1 : 0));
}

/** The characters the model traced. */
const traced = ({ state, summary }) => [...state.text].slice(0, summary.steps);

/** Steps where c moved by more than 0.01. */
export const movedSteps = (c, prev) => c.flatMap((v, k) => (Math.abs(v - prev[k]) > 0.01 ? [k] : []));

/** Steps where c fell by more than 0.01. */
export const fallingSteps = (c, prev) => c.flatMap((v, k) => (v < prev[k] - 0.01 ? [k] : []));

const list = (xs) => `[${xs.map(num).join(', ')}]`;
const largest = (xs) => xs.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

const inputRemoved = { label: 'input gate removed', acts: { input: 'none' } };
const standard = { label: 'standard', acts: {} };

/**
 * Lesson 2's verdict from a comparison's variants (the first is the baseline): which reached the
 * target in more seeds, or, at equal counts, whose steps' ranges do not overlap. Null when the
 * seeds show no difference.
 */
export function comparisonVerdict(rows) {
  const [a, b] = rows;
  if (!a || !b || !a.finished || !b.finished) return null;
  if (a.reached !== b.reached) return a.reached > b.reached ? a : b;
  if (!a.steps.length || !b.steps.length) return null;
  if (a.steps.at(-1) < b.steps[0]) return a;
  if (b.steps.at(-1) < a.steps[0]) return b;
  return null;
}

/** A comparison snapshot's rows: per variant, its name, runs, seeds reaching the target and their sorted steps. */
export function comparisonRows(s) {
  return s.variants.map((v) => {
    const runs = s.runs.filter((r) => r.variant === v.variant);
    return {
      name: v.variant,
      runs: runs.length,
      reached: runs.filter((r) => r.steps_to_target != null).length,
      steps: runs.map((r) => r.steps_to_target).filter((x) => x != null).sort((x, y) => x - y),
      median: v.median_steps_to_target,
      finished: runs.every((r) => r.finished),
    };
  });
}

/**
 * A study lesson's answer: the card's summary and each finding beside what was measured, read
 * from the Study panel once it has run `name`.
 */
export function studyAnswer(name, title) {
  return (ctx) => {
    const s = ctx.views.study?.state();
    const mine = s?.settings?.name === name;
    if (!mine) {
      return s?.running
        ? `The Study panel is running another study; pick “${title}” and press Run study to read this answer from its card.`
        : 'Press Run study: the answer is read from the study\'s card, which sets each of the paper\'s findings beside what these runs measured, with the spread over seeds.';
    }
    const progress = s.running
      ? ` Still running: ${s.done} of ${s.runs} runs finished; these numbers will change.`
      : s.done < s.runs ? ` Stopped after ${s.done} of ${s.runs} runs: these are the finished runs' numbers, and Resume runs the rest.` : '';
    if (!s.report) return `Running: ${s.done} of ${s.runs} runs finished. The answer is read from the card once the first run is done.`;
    const { card } = s.report;
    const lines = card.lines.map((l) => l.text).join(' ');
    return `${card.summary}${lines ? ` ${lines}` : ''}${progress}`;
  };
}

/** A lesson on one of the built-in studies (`name` is the study's, `title` as its menu shows it). */
function studyLesson({ question, title, look, name, studyTitle }) {
  return {
    question,
    title,
    look: `${look} Press Run study: it trains every variant on the same tasks with the same seeds, in background workers. The card sets the paper's claim beside what was measured, and says where they differ.`,
    views: ['study'],
    setup: { preset: 'counter', text: '((x)(y(z)))', t: 0, study: name },
    answer: studyAnswer(name, studyTitle),
  };
}

/**
 * What the saturation bars mean for the model on screen: measured on a trained model, built in
 * on a hand-set preset, drawn on the random one, the user's own on a loaded file.
 */
function saturationVerdict(ctx) {
  const shown = preset(ctx.state.preset);
  const atEnds = ctx.summary.saturation.filter((s) => s.low + s.high > 0.5);
  const count = `${atEnds.length} of its ${ctx.summary.saturation.length} activation sites have more than half their values at an end` +
    (atEnds.length ? ` (${atEnds.map((s) => s.label).join(', ')})` : '');
  const standard = standardActivations();
  const swapped = Object.entries(ctx.state.acts).some(([site, name]) => standard[site] !== undefined && name !== standard[site]);
  if (shown?.real && swapped) return `On this trained model, with activations swapped from the ones it was trained with, ${count}.`;
  if (shown?.real) return `On this trained model, ${count}: that is what training on real text left, not what was built in.`;
  if (ctx.state.preset === FILE_PRESET) return `On the weights you loaded, ${count}.`;
  if (shown?.sized) return `These weights are PyTorch’s random initialisation, not trained ones: ${count}.`;
  return 'On this hand-set preset that is by construction: its weights are ±10, far out on every curve. ' +
    'A trained model is the real test: the “real:” model in the model menu is one.';
}

/** A lesson on the shipped character model, at its own example text, from the first step. */
const realSourceSetup = () => ({ preset: 'real-source', get text() { return preset('real-source').text; }, t: 0 });

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
      const i = ctx.values('i');
      const moved = movedSteps(c, ctx.values('c_prev'));
      const others = chars.flatMap((ch, k) => (isBracket(ch) ? [] : [k]));
      const othersMoved = others.filter((k) => moved.includes(k)).length;
      const depth = depths(chars).at(-1) ?? 0;
      const end = c.at(-1) ?? 0;
      if (ctx.variant === 1) {
        return `With the input gate removed (i = 1), c moved at ${moved.length} of ${chars.length} steps, ` +
          `${othersMoved} of them at the ${others.length} symbols that are not brackets, so c ends at ${num(end)} where the depth is ${depth}. ` +
          `The sigmoid decides whether to write at all; the tanh only decides which way. A tanh alone cannot say “write nothing”. Parameters: ${ctx.summary.parameters}.`;
      }
      const most = Math.max(0, ...others.map((k) => i[k]));
      return `With the input gate, c moved at ${moved.length} of ${chars.length} steps, ${othersMoved} of them at the ${others.length} symbols that are not brackets: ` +
        `there the gate is at most i = ${num(most)}, so nothing is written, and c ends at ${num(end)}; the depth is ${depth}. Flip the switch to see what the sigmoid was for.`;
    },
  },
  {
    question: 'Q2',
    title: 'Would a tanh alone need many more iterations to learn?',
    look: 'The Training lab is set to bracket depth among distractors, where 9 symbols in 10 must be ignored, with “standard” and “input gate removed” ticked. Press Compare: both learn from the same seeds. The table under the curves gives the steps each needed.',
    views: ['training'],
    setup: { preset: 'counter', text: '((x)(y(z)))', t: 0, training: { task: 'distractors', variants: ['standard', 'input gate removed'], seeds: 5, steps: 1500, target: 0.99 } },
    related: { question: 'Q12', label: 'The papers’ version: every gate removed in turn, over more seeds (Greff et al. 2017) →' },
    answer(ctx) {
      const s = ctx.views.training?.state().snapshot;
      if (!s) return 'Press Compare first (it takes a little while): the answer is read from its table. Both variants train on the same data with the same seeds.';
      const rows = comparisonRows(s);
      const target = percent(s.target_heldout_accuracy);
      const parts = rows.map((r) => `${r.name}: ${r.reached} of ${r.runs} seeds reached ${target}` +
        (r.steps.length ? `, median ${r.median} steps (${r.steps[0]}–${r.steps.at(-1)})` : ''));
      const task = `On ${s.task.title}, ${parts.join('; ')}.`;
      if (!rows.every((r) => r.finished)) return `${task} Still running: these numbers will change.`;
      const better = comparisonVerdict(rows);
      if (!better) return `${task} Over these seeds the two overlap: this run shows no clear difference. More seeds, or a harder task, may.`;
      const other = rows.find((r) => r !== better);
      const why = better.reached !== other.reached ? 'in more seeds' : 'in fewer steps, in every seed';
      return `${task} Here “${better.name}” learned ${why}. ` +
        (better === rows[0] ? 'The gate makes “ignore this symbol” one switch (i ≈ 0) instead of a candidate balanced at exactly 0 for every distractor.' :
          'On these seeds the cell without the gate did better: the gate is not what made this task learnable.');
    },
  },
  {
    question: 'Q3',
    title: 'Does removing the sigmoid change the parameter count?',
    look: 'Read the parameter count at the top of the diagram, then flip to “input gate removed”.',
    also: 'The side panel writes the count out with its formula, under the activations.',
    views: ['diagram', 'parameters'],
    setup: { preset: 'counter', text: '((x)(y(z)))', t: 0 },
    variants: [standard, inputRemoved],
    answer(ctx) {
      const { parameters, blocks: all, live_blocks: blocks, per_block: block, hidden: h, peepholes, live_peepholes: eyes } = ctx.summary;
      const acts = ctx.state.acts;
      // The gates without weights of their own, and why.
      const gone = Object.entries(acts).flatMap(([site, name]) => (name === 'none' ? [`the ${site} gate is removed (the constant 1)`] :
        name === 'coupled' ? [`the ${site} gate is coupled (1 − i)`] : []));
      const sum = peepholes ? ` = ${blocks} × ${block} + ${eyes} peephole${eyes === 1 ? '' : 's'} × ${h}` : '';
      // Removing the input gate takes its block, and its peephole if it has one.
      const withoutInput = parameters - block - (peepholes ? h : 0);
      return `Yes. Each gate has its own block of weights, ${ctx.summary.block_formula} = ${blockWorked(ctx.summary)} = ${block} here` +
        (peepholes ? `, and with peepholes H = ${h} more` : '') + '. ' +
        `Now there ${blocks === 1 ? 'is' : 'are'} ${blocks} block${blocks === 1 ? '' : 's'}: ${parameters} parameters${sum}. ` +
        (blocks < all ? `${gone.join(' and ')}, so ${gone.length === 1 ? 'its block is' : 'their blocks are'} gone.`.replace(/^t/, 'T') :
          `Remove the input gate and it becomes ${withoutInput}.`) +
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
      const calc = ctx.views.calculator;
      const out = calc?.result();
      if (calc?.cell() !== 'lstm') return 'The calculator now works another design’s step: these are an LSTM’s numbers. Enter the lesson again to bring the LSTM back.';
      if (!out) return 'Fix the calculator’s fields first: the answer is read from its result.';
      const example = calc.example();
      const act = ctx.symbol(ctx.state.acts.cell_output);
      if (example === 'output') {
        const c = out.c;
        const negative = c.flatMap((v, k) => (v < 0 && out.o[k] > 0.5 ? [k] : []));
        const shown = negative.filter((k) => out.h[k] < -0.5);
        const k = negative.find((j) => !shown.includes(j)) ?? negative[0];
        const signs = negative.length === 0 ? '' :
          ` The open gate shows the negative memory c = ${num(c[k])} as h = ${num(out.h[k])}: ${act}(${num(c[k])}) = ${num(out.cell_out[k])}, so ` +
          (shown.includes(k) ? 'its sign survives.' : 'its sign is lost.');
        return `o = ${list(out.o)}: the gate is shut at units ${out.o.flatMap((v, k) => (v < 0.5 ? [k] : [])).join(' and ')} and open at the others. ` +
          `c = ${list(c)}, and with ${act} on the cell output, h = o ⊙ ${act}(c) = ${list(out.h)}.${signs} Flip the switch to compare.`;
      }
      const cleared = out.f.flatMap((v, k) => (v < 0.01 ? [k] : []));
      const keptUnits = out.f.flatMap((v, k) => (v > 0.99 ? [k] : []));
      const tiny = out.f.findIndex((v) => v > 0 && v < 5e-4);
      return `f = ${list(out.f)}` + (tiny >= 0 ? `: f at unit ${tiny} is ${sci(out.f[tiny])}, which prints as 0.000 (focus it to read the exact value)` : '') + '. ' +
        `f ⊙ c_prev = ${list(out.kept)}: ` +
        `${cleared.length ? `unit${cleared.length === 1 ? '' : 's'} ${cleared.join(' and ')} cleared` : 'nothing cleared'}, ` +
        `${keptUnits.length ? `unit${keptUnits.length === 1 ? '' : 's'} ${keptUnits.join(' and ')} kept` : 'nothing kept whole'}. ` +
        `h = ${list(out.h)} with ${act} on the cell output. Press the output-gate example to see what the cell output does.`;
    },
  },
  {
    question: 'Q5',
    title: 'Is it tanh(x)·sigmoid(x)? What does its derivative look like?',
    look: 'At this step (a closing bracket) the diagram shows the input gate’s and the candidate’s pre-activations side by side: z_i and z_g.',
    also: 'The activation panel below plots each function with its derivative.',
    views: ['diagram', 'activations'],
    setup: { preset: 'counter', text: '((x)(y(z)))', t: 3 },
    answer(ctx) {
      const detail = ctx.step(ctx.state.t);
      if (!detail) return 'Type something first.';
      const v = detail.units[Math.min(ctx.state.unit, detail.units.length - 1)].values;
      const same = v.z_i === v.z_g;
      return `Here z_i = ${num(v.z_i)} and z_g = ${num(v.z_g)}: the input gate and the candidate have separate weights, so the product is ` +
        `${ctx.symbol(ctx.state.acts.input)}(z_i)·${ctx.symbol(ctx.state.acts.candidate)}(z_g) = ${num(v.i)} × ${num(v.g)} = ${num(v.i * v.g)}, ` +
        (same ? 'and at this step the two inputs happen to be equal. ' : 'a function of two different inputs, not tanh(x)·σ(x). ') +
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
      const g = ctx.values('g');
      const falls = fallingSteps(c, ctx.values('c_prev')).length;
      const closing = traced(ctx).findIndex((ch) => ch === ')');
      const end = num(c.at(-1) ?? 0);
      const gAt = closing < 0 ? 'no “)” typed' : `g = ${num(g[closing])} at the first “)”`;
      if (ctx.variant === 1) {
        return `With a sigmoid candidate g is never negative (${gAt}; the smallest g is ${num(Math.min(...g))}), so i·g ≥ 0: ` +
          `c fell at ${falls} steps and ends at ${end}, while the brackets are balanced. A counter must be able to count down, and tanh can give g = −1.`;
      }
      return `With tanh, ${gAt}, so c fell at ${falls} steps and ends at ${end}. Flip to the sigmoid candidate.`;
    },
  },
  {
    question: 'Q7',
    title: 'Is the LSTM a differentiable counter?',
    look: 'On the chart, the dashed line is the true bracket depth and the solid line is c. Flip to hard-sigmoid gates to make the counter exact.',
    also: 'The heatmaps below show every gate at every step.',
    views: ['cell', 'timeline'],
    setup: { preset: 'counter', text: '((()(()))((()))(((', t: 8 },
    variants: [{ label: 'sigmoid gates', acts: {} }, { label: 'hard-sigmoid gates', acts: { forget: 'hard_sigmoid', input: 'hard_sigmoid', output: 'hard_sigmoid' } }],
    answer(ctx) {
      const drift = ctx.summary.depth_drift;
      if (drift === null || drift === undefined) return 'This works on the counter preset: pick it to compare c with the bracket depth.';
      const c = ctx.values('c');
      const f = ctx.values('f');
      const depth = depths(traced(ctx));
      const weakest = Math.min(...f);
      return (drift === 0 ? `c equals the depth (${depth.slice(0, 6).join(', ')}, …) at every step; ` :
        `c follows the depth (${depth.slice(0, 6).join(', ')}, …) to within ${sci(drift)}, the largest drift over this text; `) +
        `at the end c = ${num(c.at(-1) ?? 0)} and the depth is ${depth.at(-1) ?? 0}. ` +
        (weakest === 1 ? `The forget gate is exactly 1 at every step (${ctx.symbol(ctx.state.acts.forget)}), so nothing leaks` :
          `The forget gate is as low as 1 − ${sci(1 - weakest)}, not 1, so the memory leaks a little each step`) +
        (drift === 0 ? ', and the count is exact.' : '; every step is still differentiable.');
    },
  },
  {
    question: 'Q8',
    title: 'Are sigmoid outputs mostly 0 or 1, and tanh mostly ±1?',
    look: 'The gate saturation bars count, over the whole text, the share of each gate’s values near its ends. This lesson opens on a character model trained on real text (Gate Lab’s own source); the hand-set presets are saturated by construction.',
    also: 'The heatmaps below show the same values step by step.',
    views: ['saturation', 'timeline'],
    // The shipped model's own example text (read when the lesson starts: the catalog is loaded).
    setup: realSourceSetup(),
    answer(ctx) {
      const parts = ctx.summary.saturation.map((s) => {
        const signed = s.low_threshold < 0;
        return `${s.label}: ${percent(s.low)} near ${signed ? '−1' : '0'}, ${percent(s.high)} near ${signed ? '+1' : '1'}`;
      });
      return `${parts.join('; ')}. ${saturationVerdict(ctx)}`;
    },
  },
  {
    question: 'Q9',
    title: 'Can I use ReLU instead of tanh?',
    look: 'The text goes below depth 0. Flip the candidate to ReLU, then the cell output to ReLU, and watch c on the chart.',
    also: 'The heatmaps below show h, step by step, in their last row.',
    views: ['cell', 'timeline'],
    setup: { preset: 'counter', text: '(())))(((', t: 5 },
    variants: [{ label: 'tanh', acts: {} }, { label: 'candidate ReLU', acts: { candidate: 'relu' } }, { label: 'cell output ReLU', acts: { cell_output: 'relu' } }],
    answer(ctx) {
      const c = ctx.values('c');
      const h = ctx.values('h');
      const g = ctx.values('g');
      const chars = traced(ctx);
      const end = num(c.at(-1) ?? 0);
      if (ctx.variant === 1) {
        const falls = fallingSteps(c, ctx.values('c_prev')).length;
        const open = chars.indexOf('(');
        const close = chars.indexOf(')');
        return `ReLU cuts the candidate at 0 below and not at all above: ` +
          (open < 0 ? '' : `at “(” it is g = ${num(g[open])} instead of 1, so each “(” writes i·g = ${num(ctx.values('i')[open] * g[open])}; `) +
          (close < 0 ? '' : `at “)” it is g = ${num(g[close])}, so “)” writes nothing. `) +
          `c fell at ${falls} steps, climbs to ${num(Math.max(...c))} and ends at ${end}. The candidate needs negative values to count down, and a bound to count by one.`;
      }
      if (ctx.variant === 2) {
        const negative = c.filter((v) => v < -0.01).length;
        const hidden = c.filter((v, k) => v < -0.01 && Math.abs(h[k]) < 0.01).length;
        return `c still counts (it goes down to ${num(Math.min(...c))} and ends at ${end}), but h = o·ReLU(c) is 0 wherever c < 0: ${hidden} of the ${negative} negative steps are hidden from the next layer. ` +
          'ReLU is unbounded, so values beyond a legend’s range are clipped and marked, never a crash.';
      }
      return `With tanh, c goes down to ${num(Math.min(...c))} and h down to ${num(Math.min(...h))}: the negative depth shows. Flip to a ReLU to see what it costs.`;
    },
  },
  {
    question: 'Q10',
    title: 'What are the derivatives of these activations?',
    look: 'Each panel plots a site’s function and its derivative, with dots at this step’s inputs.',
    also: 'The formulas are written under the panels, and the diagram below them shows this step’s numbers.',
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
      const i = ctx.values('i');
      const g = ctx.values('g');
      const prev = ctx.values('c_prev');
      const c = ctx.values('c');
      const k = chars.findIndex((ch, j) => ch === 'R' && j > 0);
      if (k < 0) return 'Type an R after an S to see the gate act.';
      const between = chars.flatMap((ch, j) => (ch === 'S' || ch === 'R' ? [] : [j]));
      const written = largest(between.map((j) => i[j] * g[j]));
      const betweenText = between.length === 0 ? '' :
        ` Between the letters the input gate is as low as i = ${num(Math.min(...between.map((j) => i[j])))}, but the candidate there is at most |g| = ${num(largest(between.map((j) => g[j])))}, ` +
        `so ${written < 0.01 ? 'nothing is written' : `up to ${num(written)} is written`} (largest |i·g| = ${num(written)}).`;
      if (ctx.variant === 1) {
        return `At the R (step ${k}) the forget gate is f = ${num(f[k])}: a tanh door can be negative, a revolving door. ` +
          `It multiplies the memory c_prev = ${num(prev[k])} into ${num(f[k] * prev[k])}, and c = ${num(c[k])}.${betweenText} A sigmoid can only open (1) or shut (0).`;
      }
      // What the forget gate on screen is, and what it did at the R.
      const name = ctx.state.acts.forget === 'coupled' ? 'coupled (1 − i)' : ctx.symbol(ctx.state.acts.forget);
      const did = f[k] < 0.05 ? `it shuts, clears c_prev = ${num(prev[k])}` : f[k] > 0.95 ? `it stays open, keeps c_prev = ${num(prev[k])}` :
        `it keeps ${num(f[k] * prev[k])} of c_prev = ${num(prev[k])}`;
      return `At the R (step ${k}) the ${name} forget gate is f = ${num(f[k])}: ${did}, and the input writes ${num(i[k] * g[k])}, so c = ${num(c[k])}.${betweenText} Flip to tanh gates.`;
    },
  },
  studyLesson({
    question: 'Q12',
    title: 'Does an LSTM need all of its gates?',
    look: 'The Study panel is set to Greff et al.’s variants: the LSTM with peepholes, then each gate or activation removed in turn, no peepholes, and the coupled gate (CIFG).',
    name: 'greff',
    studyTitle: 'Which LSTM gates matter?',
  }),
  studyLesson({
    question: 'Q13',
    title: 'Is the LSTM a counter, and is the GRU one too?',
    look: 'The Study panel is set to Weiss et al.’s test: an LSTM and a GRU learn aⁿbⁿ and aⁿbⁿcⁿ on short n and are tested on longer n than they saw.',
    name: 'weiss',
    studyTitle: 'Can an LSTM count, and a GRU?',
  }),
  studyLesson({
    question: 'Q14',
    title: 'Why a sigmoid gate and not an exponential one?',
    look: 'The Study panel is set to the xLSTM paper’s tasks: the largest digit so far, where a stored value must be overwritten, and parity, for the LSTM, the sLSTM (an exponential input gate with a normaliser) and the minimal cells.',
    name: 'xlstm',
    studyTitle: 'Revising a stored value, and tracking state',
  }),
  {
    question: 'Q15',
    title: 'Are a real LSTM’s gates mostly 0 or 1?',
    look: 'The scatter has a dot per unit of each gate of the character model trained on Gate Lab’s source: how often it sits below 0.1 (across) and above 0.9 (up). In the corner: never saturated; on the dashed line: always at one end.',
    also: 'The heatmaps below show the same gates step by step.',
    views: ['scatter', 'timeline'],
    setup: realSourceSetup(),
    answer(ctx) {
      const gates = ctx.scatter();
      const parts = gates.map((g) => {
        const high = g.units.filter(([, right]) => right > 0.5).length;
        const low = g.units.filter(([left]) => left > 0.5).length;
        const rarely = g.units.filter(([left, right]) => left + right < 0.1).length;
        return `${g.label}: ${high} of ${g.units.length} units above ${g.right} at most steps, ${low} below ${g.left} at most steps, ` +
          `${rarely} saturated at under a tenth of the steps`;
      });
      const forget = gates.find((g) => g.quantity === 'f');
      const integrators = forget ? forget.units.filter(([, right]) => right > 0.9).length : 0;
      const kept = !forget ? '' : integrators
        ? ` ${integrators} forget-gate unit${integrators === 1 ? ' stays' : 's stay'} above ${forget.right} at more than 90% of the steps: ${integrators === 1 ? 'it keeps' : 'they keep'} c from step to step, as integrators do.`
        : ` No forget-gate unit stays above ${forget.right} at more than 90% of the steps.`;
      const on = preset(ctx.state.preset)?.real ? 'On this trained model' : 'On the model shown';
      return `${on}, over ${ctx.summary.steps} steps: ${parts.join('; ')}.${kept}`;
    },
  },
  studyLesson({
    question: 'Q16',
    title: 'Does the forget gate’s starting bias matter?',
    look: 'The Study panel is set to Jozefowicz et al.’s comparison: the LSTM with a forget bias of 0 and of 1, beside the GRU, keeping a letter over lags up to 20, 50 and 100.',
    name: 'jozefowicz',
    studyTitle: 'Does a forget-gate bias of 1 close the gap to the GRU?',
  }),
  studyLesson({
    question: 'Q17',
    title: 'Do the gates need the hidden state at all?',
    look: 'The Study panel is set to Feng et al.’s cells: minGRU and minLSTM, whose gates see only the input, beside the GRU and the LSTM. The table gives each one’s parameters and time per training step.',
    name: 'feng',
    studyTitle: 'Were RNNs all we needed?',
  }),
];
