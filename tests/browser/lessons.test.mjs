// The lessons' answers against the model: every lesson, every side of its switch, and every
// action its text names (the calculator's examples, Compare). Each number an answer states is
// worked out here from the model's own values (through the test hooks), not from the answer's
// code, and must appear in the answer that is showing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, studyDone, useBrowser } from './harness.mjs';
import { num, percent, sci } from '../../www/format.js';

const env = useBrowser({ before, after });
const VIEWPORT = { width: 1280, height: 720 };

const settle = (page) => page.waitForFunction(() => window.__gatelab.idle());
const hook = (page, name, ...args) => page.evaluate(([name, args]) => window.__gatelab[name](...args), [name, args]);
const sigmoid = (z) => 1 / (1 + Math.exp(-z));
const list = (xs) => `[${xs.map(num).join(', ')}]`;

/** The answer showing now, after the page has drawn every change. */
async function answer(page) {
  await settle(page);
  return page.textContent('#lesson-answer');
}

/** The model's values of the state on screen. */
async function read(page) {
  const q = async (name) => hook(page, 'values', name);
  const s = await hook(page, 'state');
  const summary = await hook(page, 'summary');
  return {
    state: s,
    summary,
    chars: [...s.text].slice(0, summary.steps),
    c: await q('c'), prev: await q('c_prev'), f: await q('f'), i: await q('i'), g: await q('g'), h: await q('h'),
  };
}

const depthsOf = (chars) => {
  let d = 0;
  return chars.map((ch) => (d += ch === '(' ? 1 : ch === ')' ? -1 : 0));
};

/** Asserts that `text` states each of `facts`. */
function states(text, facts, where) {
  for (const fact of facts) assert.ok(text.includes(fact), `${where}: “${fact}” in: ${text}`);
}

/**
 * A study lesson's check: before its study has run, the answer says to run it; after, it states
 * the card's summary and each of its lines, as the Study panel reports them.
 */
const studyCheck = (name) => async (page) => {
  const s = await hook(page, 'study');
  if (!s?.report || s.settings.name !== name) return ['Press Run study'];
  return [s.report.card.summary, ...s.report.card.lines.map((l) => l.text)];
};

/** Each lesson's checks for the state on screen; `side` is the switch's variant. */
const CHECKS = {
  async Q1(page, side) {
    const m = await read(page);
    const moved = m.c.filter((v, k) => Math.abs(v - m.prev[k]) > 0.01).length;
    const others = m.chars.flatMap((ch, k) => ('()'.includes(ch) ? [] : [k]));
    const othersMoved = others.filter((k) => Math.abs(m.c[k] - m.prev[k]) > 0.01).length;
    const facts = [`c moved at ${moved} of ${m.chars.length} steps`, `${othersMoved} of them at the ${others.length} symbols`,
      `c ends at ${num(m.c.at(-1))}`, `the depth is ${depthsOf(m.chars).at(-1)}`];
    if (side === 1) {
      facts.push(`Parameters: ${m.summary.parameters}`);
      assert.equal(othersMoved, others.length, 'without the input gate every symbol writes');
    } else {
      facts.push(`at most i = ${num(Math.max(...others.map((k) => m.i[k])))}`);
      assert.equal(othersMoved, 0, 'with the input gate no other symbol writes');
    }
    return facts;
  },
  async Q3(page) {
    const { summary: s } = await read(page);
    const block = s.hidden * (s.input_size + s.hidden + 2);
    assert.equal(s.parameters, s.live_blocks * block + s.live_peepholes * s.hidden);
    return [`= ${block} here`, `${s.live_blocks} block`, `${s.parameters} parameters`];
  },
  async Q4(page, side, action) {
    const acts = (await hook(page, 'state')).acts;
    const out = acts.cell_output === 'sigmoid' ? sigmoid : Math.tanh;
    assert.ok(acts.cell_output === (side === 1 ? 'sigmoid' : 'tanh'));
    if (action === 'output') {
      const cPrev = [-35, -48, -35, 12];
      const o = [-20, 20, -20, 20].map(sigmoid);
      const c = cPrev.map((v) => sigmoid(20) * v); // i·g = σ(−20)·tanh(0) = 0
      const h = c.map((v, k) => o[k] * out(v));
      // Unit 1 holds the negative memory with its output gate open: tanh shows its sign, sigmoid hides it.
      return [`o = ${list(o)}`, `c = ${list(c)}`, `h = o ⊙ ${side === 1 ? 'σ' : 'tanh'}(c) = ${list(h)}`,
        `as h = ${num(h[1])}`, side === 1 ? 'its sign is lost' : 'its sign survives'];
    }
    const cPrev = [-0.7, -0.11, -0.07, 1.06];
    const f = [-20, -15, 10, 20].map(sigmoid);
    const kept = f.map((v, k) => v * cPrev[k]);
    const h = kept.map((v) => sigmoid(20) * out(v));
    return [`f = ${list(f)}`, `is ${sci(f[0])}, which prints as 0.000`, `f ⊙ c_prev = ${list(kept)}`,
      'units 0 and 1 cleared', 'units 2 and 3 kept', `h = ${list(h)}`];
  },
  async Q5(page) {
    const s = await hook(page, 'state');
    const v = (await hook(page, 'step', s.t)).units[0].values;
    assert.notEqual(v.z_i, v.z_g, 'the lesson opens where z_i ≠ z_g');
    return [`z_i = ${num(v.z_i)}`, `z_g = ${num(v.z_g)}`, `= ${num(v.i)} × ${num(v.g)} = ${num(v.i * v.g)}`, 'not tanh(x)·σ(x)'];
  },
  async Q6(page, side) {
    const m = await read(page);
    const falls = m.c.filter((v, k) => v < m.prev[k] - 0.01).length;
    const close = m.chars.indexOf(')');
    if (side === 1) assert.equal(falls, 0, 'a sigmoid candidate never counts down');
    else assert.ok(falls > 0);
    return [`g = ${num(m.g[close])} at the first “)”`, `c fell at ${falls} steps`, `ends at ${num(m.c.at(-1))}`];
  },
  async Q7(page, side) {
    const m = await read(page);
    const weakest = Math.min(...m.f);
    const facts = [`the depth is ${depthsOf(m.chars).at(-1)}`, `c = ${num(m.c.at(-1))}`, `(${depthsOf(m.chars).slice(0, 6).join(', ')}, …)`];
    facts.push(m.summary.depth_drift === 0 ? 'c equals the depth' : `to within ${sci(m.summary.depth_drift)}`);
    if (side === 1) {
      assert.equal(weakest, 1);
      facts.push('exactly 1 at every step', 'the count is exact');
      assert.equal(m.summary.depth_drift, 0);
    } else facts.push(`as low as 1 − ${sci(1 - weakest)}`);
    assert.ok(!/\de[+-]\d/.test(await page.textContent('#lesson-answer')), 'no computer exponents');
    return facts;
  },
  async Q8(page) {
    const { summary, state } = await read(page);
    // The bars on screen show the same shares the answer names.
    const bars = await page.$$eval('#saturation .bar-value', (spans) => spans.map((s) => s.textContent));
    const shares = summary.saturation.flatMap((s) => {
      assert.ok(bars.includes(percent(s.low)) && bars.includes(percent(s.high)), `${s.label}: ${bars}`);
      return [`${s.label}: ${percent(s.low)} near`, `${percent(s.high)} near`];
    });
    // The verdict is the model's kind and a count of the gates mostly at an end.
    const atEnds = summary.saturation.filter((s) => s.low + s.high > 0.5);
    const count = `${atEnds.length} of its ${summary.saturation.length} activation sites have more than half their values at an end` +
      (atEnds.length ? ` (${atEnds.map((s) => s.label).join(', ')})` : '');
    const lstm = { forget: 'sigmoid', input: 'sigmoid', output: 'sigmoid', candidate: 'tanh', cell_output: 'tanh' };
    const swapped = Object.entries(lstm).some(([site, name]) => state.acts[site] !== name);
    const verdict = {
      'real-source': swapped ? `On this trained model, with activations swapped from the ones it was trained with, ${count}.`
        : `On this trained model, ${count}: that is what training on real text left`,
      random: `These weights are PyTorch’s random initialisation, not trained ones: ${count}.`,
      counter: 'On this hand-set preset that is by construction',
    }[state.preset];
    assert.ok(verdict, state.preset);
    return [...shares, verdict];
  },
  async Q15(page) {
    // Worked out here from the gates' values themselves: per unit, the share of steps below 0.1
    // and above 0.9.
    const { summary, state } = await read(page);
    const gates = [['f', 'forget gate'], ['i', 'input gate'], ['o', 'output gate']];
    const facts = [];
    let integrators = 0;
    for (const [q, label] of gates) {
      const values = await hook(page, 'values', q);
      const units = Array.from({ length: summary.hidden }, (_, u) => {
        const series = values.filter((_, k) => k % summary.hidden === u);
        return [series.filter((v) => v < 0.1).length / series.length, series.filter((v) => v > 0.9).length / series.length];
      });
      const high = units.filter(([, r]) => r > 0.5).length;
      const low = units.filter(([l]) => l > 0.5).length;
      const rarely = units.filter(([l, r]) => l + r < 0.1).length;
      facts.push(`${label}: ${high} of ${summary.hidden} units above 0.9 at most steps, ${low} below 0.1 at most steps, ${rarely} saturated at under a tenth of the steps`);
      if (q === 'f') integrators = units.filter(([, r]) => r > 0.9).length;
    }
    facts.push(integrators ? `${integrators} forget-gate unit` : 'No forget-gate unit stays above 0.9');
    assert.equal(state.preset, 'real-source');
    facts.push(`On this trained model, over ${summary.steps} steps`);
    return facts;
  },
  async Q9(page, side) {
    const m = await read(page);
    if (side === 1) {
      const open = m.chars.indexOf('(');
      const falls = m.c.filter((v, k) => v < m.prev[k] - 0.01).length;
      assert.equal(falls, 0);
      return [`each “(” writes i·g = ${num(m.i[open] * m.g[open])}`, `at “)” it is g = ${num(m.g[m.chars.indexOf(')')])}`,
        `c fell at ${falls} steps`, `climbs to ${num(Math.max(...m.c))}`];
    }
    if (side === 2) {
      const negative = m.c.filter((v) => v < -0.01).length;
      const hidden = m.c.filter((v, k) => v < -0.01 && Math.abs(m.h[k]) < 0.01).length;
      assert.ok(negative > 0 && hidden === negative);
      return [`${hidden} of the ${negative} negative steps`, `goes down to ${num(Math.min(...m.c))}`];
    }
    return [`c goes down to ${num(Math.min(...m.c))}`, `h down to ${num(Math.min(...m.h))}`];
  },
  async Q10(page) {
    const s = await hook(page, 'state');
    const z = (await hook(page, 'step', s.t)).units[0].values.z_f;
    const f = sigmoid(z);
    return ['σ′(z) = σ(z)(1 − σ(z))', `z_f = ${num(z)}`, `σ = ${num(f)}`, `σ′ = ${num(f * (1 - f))}`];
  },
  async Q11(page, side) {
    const m = await read(page);
    const k = m.chars.indexOf('R');
    const between = m.chars.flatMap((ch, j) => ('SR'.includes(ch) ? [] : [j]));
    const written = Math.max(...between.map((j) => Math.abs(m.i[j] * m.g[j])));
    const facts = [`(step ${k})`, `f = ${num(m.f[k])}`, `c_prev = ${num(m.prev[k])}`, `c = ${num(m.c[k])}`,
      `largest |i·g| = ${num(written)}`, written < 0.01 ? 'nothing is written' : `up to ${num(written)} is written`,
      `as low as i = ${num(Math.min(...between.map((j) => m.i[j])))}`];
    if (side === 1) facts.push(`into ${num(m.f[k] * m.prev[k])}`);
    return facts;
  },
};

test('every lesson\'s answer states the model\'s numbers, on each side of its switch and after each action it names', async () => {
  const page = await openPage(env.browser, `${env.server.url}?lesson=1`, { viewport: VIEWPORT });
  const lessons = await hook(page, 'lessons');
  for (const [index, lesson] of lessons.entries()) {
    await hook(page, 'lesson', index + 1);
    // A shipped model's file is fetched first: the lesson's state is set once it is here.
    await page.waitForFunction((p) => window.__gatelab.state().preset === p, lesson.setup.preset);
    await settle(page);
    await page.click('#lesson-answer-toggle');
    const check = CHECKS[lesson.question] ?? (lesson.setup.study ? studyCheck(lesson.setup.study) : undefined);
    const sides = lesson.variants ? lesson.variants.length : 1;
    // Q4 names the calculator's output-gate example; the others no action but the switch.
    const actions = lesson.question === 'Q4' ? ['forget', 'output'] : [null];
    for (const action of actions) {
      if (action) await page.click(`#calc-example-${action}`);
      for (let side = 0; side < sides; side++) {
        if (lesson.variants) await page.click(`#lesson-switch button:nth-child(${side + 1})`);
        const text = await answer(page);
        if (!check) continue;
        const where = `${lesson.question}, side ${side}${action ? `, ${action} example` : ''}`;
        states(text, await check(page, side, action), where);
      }
    }
    assert.ok(check || lesson.question === 'Q2', `${lesson.question} has its checks`);
  }
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('lesson 8 answers from the shipped trained model, and says what the bars mean on a hand-set and a random model', async () => {
  const page = await openPage(env.browser, `${env.server.url}?lesson=8`, { viewport: VIEWPORT });
  await page.waitForFunction(() => window.__gatelab.state().preset === 'real-source');
  await page.click('#lesson-answer-toggle');
  for (const [preset, patch] of [['real-source', null], ['counter', { preset: 'counter' }], ['random', { preset: 'random' }], ['real-source', { preset: 'real-source' }],
    ['real-source', { acts: { forget: 'tanh' } }]]) {
    if (patch) await hook(page, 'change', patch);
    await page.waitForFunction((p) => window.__gatelab.state().preset === p, preset);
    const text = await answer(page);
    states(text, await CHECKS.Q8(page), `Q8 on ${preset}`);
  }
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('lesson 2 sets up Compare on a task with distractors, and its showing answer follows the results as they come', async () => {
  const page = await openPage(env.browser, `${env.server.url}?lesson=2`, { viewport: VIEWPORT });
  assert.equal(await page.inputValue('#train-task'), 'distractors');
  assert.match(await page.textContent('#train-task-about'), /90% of them the letters/);
  const ticked = await page.$$eval('#compare-variants label', (labels) => labels.filter((l) => l.querySelector('input').checked).map((l) => l.textContent.trim()));
  assert.deepEqual(ticked, ['standard', 'input gate removed']);
  await page.click('#lesson-answer-toggle');
  assert.match(await answer(page), /Press Compare first/);
  // A small comparison, so the test is quick: its numbers are read back from the worker's snapshot.
  await page.fill('#compare-seeds', '2');
  await page.fill('#compare-steps', '100');
  await page.fill('#compare-target', '0.6');
  await page.click('#compare-run');
  // While it runs, the open answer follows the table without being hidden and shown again.
  await page.waitForFunction(() => /reached/.test(document.getElementById('lesson-answer').textContent));
  await page.waitForFunction(() => window.__gatelab.training().snapshot?.finished, null, { timeout: 120_000 });
  await settle(page);
  const s = (await hook(page, 'training')).snapshot;
  const text = await answer(page);
  const rows = s.variants.map((v) => {
    const steps = s.runs.filter((r) => r.variant === v.variant).map((r) => r.steps_to_target).filter((x) => x != null).sort((a, b) => a - b);
    return { name: v.variant, reached: steps.length, runs: v.runs, steps, median: v.median_steps_to_target };
  });
  for (const r of rows) {
    states(text, [`${r.name}: ${r.reached} of ${r.runs} seeds reached ${percent(s.target_heldout_accuracy)}`], 'Q2');
    if (r.steps.length) states(text, [`median ${r.median} steps (${r.steps[0]}–${r.steps.at(-1)})`], 'Q2');
  }
  // The verdict follows the table, whichever way it came out.
  const [a, b] = rows;
  const clear = a.reached !== b.reached || (a.steps.length && b.steps.length && (a.steps.at(-1) < b.steps[0] || b.steps.at(-1) < a.steps[0]));
  if (!clear) assert.match(text, /shows no clear difference/);
  else {
    const better = a.reached !== b.reached ? (a.reached > b.reached ? a : b) : (a.steps.at(-1) < b.steps[0] ? a : b);
    states(text, [`Here “${better.name}” learned`], 'Q2 verdict');
  }
  assert.doesNotMatch(text, /Still running/);
  // In presenter mode the comparison's charts are drawn at the canvases' text scale too.
  await hook(page, 'enterPresenter');
  await settle(page);
  const scale = await hook(page, 'textScale');
  assert.ok(scale > 1);
  await page.waitForFunction((h) => Math.abs(parseFloat(document.getElementById('compare-curves').style.height) - h) < 1, 240 * scale);
  await hook(page, 'leavePresenter');
  await settle(page);
  // The results table fits the lab's width: no column is hidden behind a sideways scroll.
  const wrap = await page.$eval('#compare-table', (t) => ({ scroll: t.parentElement.scrollWidth, client: t.parentElement.clientWidth }));
  assert.ok(wrap.scroll <= wrap.client, `the table is ${wrap.scroll} px wide in ${wrap.client} px`);
  assert.deepEqual(page.problems, []);
  await page.close();
});

/**
 * Whether each element named is inside the viewport and inside every ancestor that clips it,
 * and every visible text on the page (screen-reader-only text aside) is at least `minText` px.
 * Returns a list of problems, empty when all is well.
 */
function layoutProblems({ selectors, minText }) {
  const problems = [];
  const view = { left: 0, top: 0, right: innerWidth, bottom: innerHeight };
  const inside = (r, box) => r.left >= box.left - 0.5 && r.top >= box.top - 0.5 && r.right <= box.right + 0.5 && r.bottom <= box.bottom + 0.5;
  for (const selector of selectors) {
    const element = document.querySelector(selector);
    const r = element?.getBoundingClientRect();
    if (!r || r.width === 0 || r.height === 0) {
      problems.push(`${selector} is not shown`);
      continue;
    }
    if (!inside(r, view)) problems.push(`${selector} ${JSON.stringify([r.left, r.top, r.right, r.bottom].map(Math.round))} is outside the ${innerWidth}×${innerHeight} screen`);
    for (let a = element.parentElement; a; a = a.parentElement) {
      const style = getComputedStyle(a);
      if (style.overflowX === 'visible' && style.overflowY === 'visible') continue;
      if (!inside(r, a.getBoundingClientRect())) problems.push(`${selector} is clipped by ${a.tagName.toLowerCase()}#${a.id}.${a.className}`);
    }
  }
  if (minText) {
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const element = node.parentElement;
      if (!node.textContent.trim() || element.closest('.sr-only, [hidden], dialog:not([open]), noscript, script, style')) continue;
      const visible = element.checkVisibility ? element.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true }) : element.offsetParent !== null;
      if (!visible) continue;
      // SVG text is drawn at its font size times the drawing's scale on screen.
      const svgScale = element instanceof SVGElement ? element.getScreenCTM()?.a ?? 1 : 1;
      const size = parseFloat(getComputedStyle(element).fontSize) * svgScale;
      if (size < minText) problems.push(`“${node.textContent.trim().slice(0, 40)}” in ${element.tagName.toLowerCase()}.${element.getAttribute('class') ?? ''} is ${size.toFixed(1)} px`);
    }
  }
  return problems;
}

for (const presenter of [true, false]) {
  test(`${presenter ? 'presenter mode' : 'lesson mode'} at 1280×720: each lesson's question, switch, shown answer and key view fit${presenter ? ', with no text under 18 px' : ''}`, async () => {
    const page = await openPage(env.browser, `${env.server.url}?lesson=1${presenter ? '&present=1' : ''}`, { viewport: VIEWPORT });
    const lessons = await hook(page, 'lessons');
    const problems = [];
    for (const [index, lesson] of lessons.entries()) {
      await hook(page, 'lesson', index + 1);
      await page.waitForFunction((p) => window.__gatelab.state().preset === p, lesson.setup.preset);
      await settle(page);
      await page.click('#lesson-answer-toggle');
      const key = `#${await hook(page, 'viewSection', lesson.views[0])}`;
      const selectors = ['#lesson-title', '#lesson-answer', '#lesson-answer-toggle', key, ...(lesson.variants ? ['#lesson-switch'] : [])];
      for (let side = 0; side < (lesson.variants?.length ?? 1); side++) {
        if (lesson.variants) await page.click(`#lesson-switch button:nth-child(${side + 1})`);
        await settle(page);
        // The charts redraw at their new size on their resize observers' next frame.
        await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
        await settle(page);
        const found = await page.evaluate(layoutProblems, { selectors, minText: presenter ? 18 : 0 });
        problems.push(...found.map((p) => `${lesson.question} side ${side}: ${p}`));
        // Outside presenter mode a lesson's other views may need scrolling, if its text says
        // where they are; in presenter mode they are not shown, and its text does not name them.
        const look = await page.textContent('#lesson-look');
        for (const name of lesson.views.slice(1)) {
          const section = `#${await hook(page, 'viewSection', name)}`;
          const seen = (await page.evaluate(layoutProblems, { selectors: [section] })).length === 0;
          if (presenter) assert.ok(!lesson.also || !look.includes(lesson.also), `${lesson.question}: presenter mode shows no “${lesson.also}”`);
          else if (!seen) assert.ok(lesson.also && look.includes(lesson.also), `${lesson.question}: ${name} is off screen and the text does not say where: ${look}`);
        }
      }
      if (presenter) {
        const sizes = await hook(page, 'canvasTextSizes');
        assert.ok(sizes.small >= 18, `${lesson.question}: canvas text ${JSON.stringify(sizes)}`);
      }
    }
    assert.deepEqual([...new Set(problems)], []);
    assert.deepEqual(page.problems, []);
    await page.close();
  });
}

test('the calculator names the activation each row applies, and a removed gate as the constant 1', async () => {
  const page = await openPage(env.browser, `${env.server.url}?lesson=4`, { viewport: VIEWPORT });
  const formulas = () => page.$$eval('#calculator .calc-result th', (ths) => ths.map((th) => th.textContent));
  assert.deepEqual((await formulas()).filter((f) => /^[figo] = |^cell_out = /.test(f)),
    ['f = σ(z_f)', 'i = σ(z_i)', 'g = tanh(z_g)', 'o = σ(z_o)', 'cell_out = tanh(c)']);
  await hook(page, 'change', { acts: { input: 'none', cell_output: 'relu' } });
  await settle(page);
  const now = await formulas();
  assert.ok(now.includes('i = 1 (input gate removed)') && now.includes('cell_out = ReLU(c)'), now.join(' | '));
  // With the input gate removed, i = 1 for z_i = −20: the row says why.
  const i = await page.$$eval('#calculator tr[data-row=i] td span', (spans) => spans.map((s) => s.textContent));
  assert.deepEqual(i, ['1.000', '1.000', '1.000', '1.000']);
  assert.doesNotMatch(await page.textContent('#calculator-title'), /chosen above/);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('a study lesson answers from its card as the runs come, and lesson 2 leads on to the study of every gate', async () => {
  const page = await openPage(env.browser, `${env.server.url}?lesson=2`, { viewport: VIEWPORT });
  const lessons = await hook(page, 'lessons');
  assert.equal(await page.textContent('#lesson-related'), lessons[1].related.label);
  await page.click('#lesson-related');
  await settle(page);
  const greff = lessons.findIndex((l) => l.question === 'Q12') + 1;
  assert.equal((await hook(page, 'state')).lesson, greff);
  await page.waitForFunction(() => document.querySelector('#study-pick').value === 'greff');
  assert.equal(await page.$eval('#lesson-related', (b) => b.hidden), true);
  // Q16, stopped part-way: the answer gives the finished runs' numbers and says it stopped.
  await hook(page, 'lesson', lessons.findIndex((l) => l.question === 'Q16') + 1);
  await page.waitForFunction(() => document.querySelector('#study-pick').value === 'jozefowicz');
  await page.click('#lesson-answer-toggle');
  await page.fill('#study-seeds', '2');
  await page.fill('#study-steps', '300');
  await page.fill('#study-workers', '1');
  await page.click('#study-run');
  await page.waitForFunction(() => /Running: 0 of 18 runs finished|Still running/.test(document.getElementById('lesson-answer').textContent));
  await page.waitForFunction(() => window.__gatelab.study().report?.card.runs_done >= 1, null, { timeout: 60_000 });
  await page.click('#study-run');
  await page.waitForFunction(() => {
    const s = window.__gatelab.study();
    return !s.running && s.report?.card.runs_done === s.done;
  });
  await settle(page);
  const stopped = await hook(page, 'study');
  const stoppedText = await answer(page);
  states(stoppedText, [stopped.report.card.summary, `Stopped after ${stopped.done} of 18 runs`], 'Q16 stopped');
  assert.doesNotMatch(stoppedText, /Still running/);
  await page.click('#lesson-answer-toggle');
  // Q13, run small so the test is quick: the open answer follows the card.
  await hook(page, 'lesson', lessons.findIndex((l) => l.question === 'Q13') + 1);
  await page.waitForFunction(() => document.querySelector('#study-pick').value === 'weiss');
  await page.click('#lesson-answer-toggle');
  assert.match(await answer(page), /Press Run study/);
  await page.fill('#study-seeds', '2');
  await page.fill('#study-steps', '30');
  await page.click('#study-run');
  await studyDone(page);
  const s = await hook(page, 'study');
  const text = await answer(page);
  states(text, await studyCheck('weiss')(page), 'Q13 after its run');
  assert.equal(s.report.card.lines.length, 4);
  assert.doesNotMatch(text, /Still running/);
  // Read from the back of the room: in presenter mode the card and the table are 18 px or more.
  await hook(page, 'enterPresenter');
  await settle(page);
  const small = await page.evaluate(() => [...document.querySelectorAll('#study-card *, #study-table *, #study-progress *')]
    .filter((el) => [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.data.trim()) && el.getClientRects().length)
    .map((el) => [el.tagName, el.textContent.slice(0, 30), parseFloat(getComputedStyle(el).fontSize)])
    .filter(([, , size]) => size < 18));
  assert.deepEqual(small, []);
  await hook(page, 'leavePresenter');
  assert.deepEqual(page.problems, []);
  await page.close();
});
