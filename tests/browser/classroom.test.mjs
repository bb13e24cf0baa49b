// The classroom in Chromium: the cell diagram against the inspector, the guided walk, presenter
// mode, fixed scales, dark mode and accessibility (axe-core, injected from node_modules).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { axe, openPage, screenshot, seeView, useBrowser } from './harness.mjs';
import { distance, legendX, pixels, timelineLayout } from './timeline-helpers.mjs';
import { sci } from '../../www/format.js';

const env = useBrowser({ before, after });
const VIEWPORT = { width: 1280, height: 720 };

const state = (page) => page.evaluate(() => window.__gatelab.state());
const summary = (page) => page.evaluate(() => window.__gatelab.summary());
const values = (page, q) => page.evaluate((q) => window.__gatelab.values(q), q);
/** Waits until the page has drawn every change made so far. */
const settle = (page) => page.waitForFunction(() => window.__gatelab.idle());
const number = (text) => Number(text.replaceAll('−', '-'));

/** The diagram's number for quantity `q`. */
const diagramValue = (page, q) => page.textContent(`#diagram .v[data-q="${q}"]`);

/**
 * The inspector's numbers for `unit`, by quantity: each gate's cell is "z → value", the c cell
 * "f × c_prev + i × g = c" and the h cell "o × cell_out = h".
 */
async function inspectorValues(page, unit) {
  await seeView(page, 'inspector');
  const cells = await page.$$eval(`#inspector table tr:nth-child(${unit + 2}) td`, (tds) => tds.map((td) => td.textContent));
  const sites = await page.evaluate(() => window.__gatelab.catalog().timeline_rows.slice(0, 4));
  const out = {};
  sites.forEach((q, k) => {
    const [z, v] = cells[1 + k].split(' → ');
    out[`z_${q}`] = z;
    out[q] = v;
  });
  const c = cells[5].match(/^(\S+) × (\S+) \+ (\S+) × (\S+) = (\S+)$/);
  assert.ok(c, `the c cell: ${cells[5]}`);
  Object.assign(out, { c_prev: c[2], c: c[5] });
  const h = cells[6].match(/^(\S+) × (\S+) = (\S+)$/);
  assert.ok(h, `the h cell: ${cells[6]}`);
  Object.assign(out, { cell_out: h[2], h: h[3] });
  return out;
}

test('the diagram shows the inspector\'s numbers, for several activation sets, a removed gate and ReLU', async () => {
  const page = await openPage(env.browser, `${env.server.url}?preset=random&hidden=4&seed=5&text=${encodeURIComponent('gates (and) more')}&t=6`, { viewport: VIEWPORT });
  const sets = [
    {},
    { input: 'none' },
    { candidate: 'relu', cell_output: 'relu' },
    { forget: 'hard_sigmoid', output: 'morph:0.3', cell_output: 'softsign' },
    { forget: 'tanh', input: 'tanh', output: 'none' },
  ];
  for (const [k, acts] of sets.entries()) {
    const unit = k % 4;
    await page.evaluate(({ acts, unit }) => {
      const hooks = window.__gatelab;
      const standard = Object.fromEntries(hooks.catalog().sites.map((s) => [s.name, s.standard]));
      hooks.change({ acts: { ...standard, ...acts }, unit, t: 3 + unit });
    }, { acts, unit });
    await settle(page);
    const inspector = await inspectorValues(page, unit);
    for (const [q, text] of Object.entries(inspector)) {
      assert.equal(await diagramValue(page, q), text, `${JSON.stringify(acts)}, unit ${unit}: ${q}`);
    }
    // The products are the diagram's own: f·c_prev and i·g, to the inspector's precision.
    const kept = number(await diagramValue(page, 'kept'));
    assert.ok(Math.abs(kept - number(inspector.f) * number(inspector.c_prev)) < 2e-3, `f·c_prev ${kept}`);
    const s = await state(page);
    assert.equal(s.unit, unit);
    assert.equal(await page.inputValue('#unit'), String(unit));
    // A removed gate is greyed, with the constant 1, and the parameter count drops to match.
    for (const site of ['forget', 'input', 'output']) {
      const removed = s.acts[site] === 'none';
      assert.equal(await page.locator(`#diagram .site[data-site=${site}]`).evaluate((g) => g.classList.contains('removed')), removed, site);
    }
    const params = (await summary(page)).parameters;
    assert.match(await page.textContent('#diagram .params'), new RegExp(`^${params.toLocaleString('en')} parameters`));
  }
  // The names follow the swaps, and a morph drag changes the glyph.
  await page.selectOption('#act-forget', 'morph');
  await settle(page);
  const glyph = () => page.getAttribute('#diagram .site[data-site=forget] .glyph', 'd');
  const before = await glyph();
  await page.fill('#morph-forget', '0.9');
  await settle(page);
  assert.notEqual(await glyph(), before);
  assert.match(await page.textContent('#diagram .site[data-site=forget] .act'), /0\.90/);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('the diagram follows ←/→, prints tiny values as 0.000 with the exact value, and lights the heatmap row', async () => {
  const page = await openPage(env.browser, `${env.server.url}?preset=counter&text=${encodeURIComponent('(x)')}`, { viewport: VIEWPORT });
  await page.focus('#timeline');
  await page.keyboard.press('ArrowRight');
  await settle(page);
  // Step 1 is “x”: the input gate is σ(−10) = 4.5e−5, which prints as 0.000.
  assert.equal(await diagramValue(page, 'i'), '0.000');
  assert.match(await page.textContent('#diagram .site[data-site=input] .num:has(.v[data-q=i]) title'), /^4\.5\d*e−5$/);
  assert.match(await page.textContent('#announce'), /Step 1, “x”, unit 0/);
  // Hovering the forget gate's box lights the heatmap's f row; hovering a row lights the box.
  // The box's group: its number sits over the box's centre, and the group takes the pointer.
  await page.hover('#diagram .site[data-site=forget]');
  const glow = await page.locator('#row-highlight').boundingBox();
  assert.ok(glow, 'the row highlight is shown');
  const layout = await timelineLayout(page);
  const canvas = await page.locator('#timeline').boundingBox();
  const f = layout.rows.f;
  assert.ok(glow.y <= canvas.y + f.top && glow.y + glow.height >= canvas.y + f.bottom, `glow ${JSON.stringify(glow)} covers row f ${JSON.stringify(f)}`);
  const g = layout.rows.g;
  await page.mouse.move(canvas.x + (layout.columns[0].left + layout.columns[0].right) / 2, canvas.y + (g.top + g.bottom) / 2);
  await page.waitForFunction(() => document.querySelector('#diagram .site[data-site=candidate]').classList.contains('lit'));
  assert.equal(await page.locator('#diagram .part.lit').count(), 1);
  await screenshot(page, 'diagram-counter');
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('every lesson sets its state and shows its key view inside 1280×720; its answer uses the page\'s numbers', async () => {
  const page = await openPage(env.browser, `${env.server.url}?lesson=1`, { viewport: VIEWPORT });
  const lessons = await page.evaluate(() => window.__gatelab.lessons());
  assert.equal(lessons.length, 17);
  // Links are read with the count in lesson-count.js (so an embed need not load the lessons).
  assert.equal((await page.evaluate(() => window.__gatelab.linkVocabulary())).lessons, lessons.length);
  for (const [k, lesson] of lessons.entries()) {
    const n = k + 1;
    if (n > 1) {
      await page.click('#lesson-next');
      await settle(page);
    }
    // A shipped model's file is fetched first: the lesson's state is set once it is here.
    await page.waitForFunction((p) => window.__gatelab.state().preset === p, lesson.setup.preset);
    await settle(page);
    const s = await state(page);
    assert.equal(s.lesson, n);
    assert.equal(await page.textContent('#lesson-progress'), `${n} of 17`);
    assert.equal(await page.textContent('#lesson-title'), lesson.title);
    assert.equal(s.preset, lesson.setup.preset, lesson.question);
    assert.equal(s.text, lesson.setup.text, lesson.question);
    assert.equal(s.t, lesson.setup.t, lesson.question);
    assert.equal(s.unit, lesson.setup.unit ?? 0, lesson.question);
    assert.ok(await page.isChecked('#fixed-scales'), `${lesson.question}: fixed scales are on in the walk`);
    const key = await page.evaluate((name) => window.__gatelab.viewSection(name), lesson.views[0]);
    const box = await page.locator(`#${key}`).boundingBox();
    assert.ok(box && box.y >= 0 && box.x >= 0 && box.y + box.height <= VIEWPORT.height && box.x + box.width <= VIEWPORT.width,
      `${lesson.question}: its key view #${key} ${JSON.stringify(box)} is inside 1280×720`);
    await page.click('#lesson-answer-toggle');
    const answer = await page.textContent('#lesson-answer');
    // Q2's numbers come from a comparison, which takes a class a few seconds to run: before it,
    // the answer says so.
    if (lesson.question === 'Q2') assert.match(answer, /Press Compare/);
    else if (lesson.setup.study) {
      // A study lesson's answer is read from the study's card, once it has run.
      assert.match(answer, /Press Run study/);
      assert.equal(await page.inputValue('#study-pick'), lesson.setup.study, lesson.question);
    } else assert.match(answer, /\d/, `${lesson.question}: the answer has numbers: ${answer}`);
    if (lesson.question === 'Q5') {
      const v = (await page.evaluate((t) => window.__gatelab.step(t), s.t)).units[0].values;
      assert.notEqual(v.z_i, v.z_g, 'Q5 opens where z_i ≠ z_g');
    }
    if (lesson.question === 'Q7') {
      const { depth_drift: drift } = await summary(page);
      assert.ok(answer.includes(sci(drift)), `Q7 states the largest drift ${drift}: ${answer}`);
    }
    if (lesson.question === 'Q8') assert.match(await page.textContent('#lesson-look'), /trained on real text.*saturated by construction/i);
    if (lesson.question === 'Q10') {
      assert.ok(answer.includes('σ′(z) = σ(z)(1 − σ(z))'), answer);
      assert.match(answer, /negative/);
    }
    if (lesson.variants) {
      // The before/after switch: the second variant's activations, then back.
      const buttons = page.locator('#lesson-switch button');
      assert.equal(await buttons.count(), lesson.variants.length);
      assert.equal(await buttons.nth(0).getAttribute('aria-pressed'), 'true');
      await buttons.nth(1).click();
      await settle(page);
      const acts = (await state(page)).acts;
      for (const [site, name] of Object.entries(lesson.variants[1].acts)) assert.equal(acts[site], name);
      assert.equal(await buttons.nth(1).getAttribute('aria-pressed'), 'true');
      assert.notEqual(await page.textContent('#lesson-answer'), answer, `${lesson.question}: the answer follows the switch`);
      await buttons.nth(0).click();
      await settle(page);
    }
    if (n === 6) await screenshot(page, 'lesson-6');
  }
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('Q1 flips: with the input gate removed every symbol moves c, and 20 parameters become 15', async () => {
  const page = await openPage(env.browser, `${env.server.url}?lesson=1`, { viewport: VIEWPORT });
  const depth = (await values(page, 'c')).at(-1);
  assert.ok(Math.abs(depth) < 1e-2, `the counter ends at depth 0: ${depth}`);
  await page.click('#lesson-switch button:nth-child(2)');
  await settle(page);
  assert.equal((await state(page)).acts.input, 'none');
  assert.equal((await summary(page)).parameters, 15);
  const c = await values(page, 'c');
  const prev = await values(page, 'c_prev');
  assert.ok(c.every((v, k) => Math.abs(v - prev[k]) > 0.01), `every step moves c: ${c}`);
  // Leaving the walk keeps the state for free play.
  await page.click('#lesson-exit');
  await settle(page);
  const s = await state(page);
  assert.equal(s.lesson, 0);
  assert.equal(s.acts.input, 'none');
  assert.ok(await page.isVisible('#training'), 'every view is back');
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('PageUp/PageDown and ←/→ move through the lessons; ←/→ on the timeline move the step; lesson=N opens step N', async () => {
  const page = await openPage(env.browser, `${env.server.url}?lesson=7`, { viewport: VIEWPORT });
  assert.equal((await state(page)).lesson, 7);
  assert.equal(await page.textContent('#lesson-progress'), '7 of 17');
  await page.keyboard.press('PageDown');
  await settle(page);
  assert.equal((await state(page)).lesson, 8);
  await page.keyboard.press('PageUp');
  await page.keyboard.press('PageUp');
  await settle(page);
  assert.equal((await state(page)).lesson, 6);
  await page.keyboard.press('ArrowRight');
  await settle(page);
  assert.equal((await state(page)).lesson, 7);
  // Lesson 7 shows the timeline: with focus there, → moves the step instead.
  const { t } = await state(page);
  await page.focus('#timeline');
  await page.keyboard.press('ArrowRight');
  await settle(page);
  assert.equal((await state(page)).lesson, 7);
  assert.equal((await state(page)).t, t + 1);
  // The URL carries the lesson, and a copied link keeps its own state.
  await page.waitForFunction(() => location.search === window.__gatelab.url());
  assert.match(page.url(), /lesson=7/);
  const again = await openPage(env.browser, page.url(), { viewport: VIEWPORT });
  assert.equal((await state(again)).lesson, 7);
  assert.equal((await state(again)).t, t + 1);
  for (const p of [page, again]) {
    assert.deepEqual(p.problems, []);
    await p.close();
  }
});

test('presenter mode: canvas and lesson text at least 18 px, the key view on screen', async () => {
  const page = await openPage(env.browser, `${env.server.url}?lesson=7`, { viewport: VIEWPORT });
  assert.equal(await page.evaluate(() => window.__gatelab.textScale()), 1);
  await page.keyboard.press('p');
  await page.waitForFunction(() => window.__gatelab.presenter());
  await settle(page);
  const sizes = await page.evaluate(() => window.__gatelab.canvasTextSizes());
  assert.ok(sizes.small >= 18 && sizes.normal >= 18, `canvas text ${JSON.stringify(sizes)}`);
  // The canvases are drawn at that scale: the cell chart's CSS height grew by it.
  const scale = await page.evaluate(() => window.__gatelab.textScale());
  assert.ok(scale >= 18 / 10.5 - 1e-9);
  const chart = await page.locator('#cell-chart').boundingBox();
  assert.ok(chart.height > 230 * scale - 2, `cell chart ${chart.height}`);
  assert.ok(chart.y + chart.height <= VIEWPORT.height, `the key view fits: ${JSON.stringify(chart)}`);
  // Every step of the lesson's text fits across the large chart.
  assert.equal((await page.evaluate(() => window.__gatelab.window())).len, (await summary(page)).steps);
  const lessonText = await page.$eval('#lesson-look', (p) => parseFloat(getComputedStyle(p).fontSize));
  // 20 px, so that the question, the switch and the answer fit the screen with the key view
  // (lessons.test.mjs measures that); no text on the page is under 18 px.
  assert.ok(lessonText >= 18, `lesson text ${lessonText}px`);
  await screenshot(page, 'presenter-lesson-7');
  // The diagram's text reaches 18 px too.
  await page.evaluate(() => window.__gatelab.lesson(5));
  await settle(page);
  assert.ok(await page.evaluate(() => window.__gatelab.diagramFontSize()) >= 18);
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => !window.__gatelab.presenter());
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('fixed scales keep a legend\'s range across a swap', async () => {
  // The latch's c is ±1 with sigmoid gates; tanh gates flip it and reach ±2, so an automatic
  // legend rescales. At the first S, c = 1 under both, so its cell keeps its colour only if the
  // legend keeps its range.
  const page = await openPage(env.browser, `${env.server.url}?preset=latch&fixed=1`, { viewport: { width: 1280, height: 900 } });
  const first = (await state(page)).text.indexOf('S');
  const cellColour = async () => {
    const layout = await timelineLayout(page);
    const row = layout.rows.c;
    const column = layout.columns[first];
    const x = await legendX(page, layout, row);
    const [cell, top] = await pixels(page, [[Math.round((column.left + column.right) / 2), Math.round((row.top + row.bottom) / 2)], [x, row.top]]);
    return { cell, top };
  };
  const swap = async (name) => {
    await page.evaluate((name) => window.__gatelab.change({ acts: { forget: name, input: name, output: name } }), name);
    await settle(page);
    assert.ok(Math.abs((await values(page, 'c'))[first] - 1) < 1e-3, `c = 1 at the first S under ${name} gates`);
  };
  await swap('sigmoid');
  const fixed = await cellColour();
  await swap('tanh');
  assert.ok(distance((await cellColour()).cell, fixed.cell) <= 2, 'with fixed scales, c = 1 keeps its colour');
  await page.uncheck('#fixed-scales');
  await swap('sigmoid');
  const auto = await cellColour();
  // Without fixed scales c = 1 is the top of the ±1 legend: the end colour.
  assert.ok(distance(auto.cell, auto.top) <= 6, `c = 1 at the end of an automatic ±1 legend: ${auto.cell} vs ${auto.top}`);
  await swap('tanh');
  assert.ok(distance((await cellColour()).cell, auto.cell) > 20, 'without them the legend rescales (the check is not vacuous)');
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('dark mode: the canvases redraw on a dark background, and the toggle is kept in the URL', async () => {
  const background = (page) => pixels(page, [[2, 2]]).then(([p]) => p);
  const light = await openPage(env.browser, `${env.server.url}?theme=light`, { viewport: VIEWPORT });
  const lightPixel = await background(light);
  assert.ok(lightPixel.every((v) => v > 230), `light background ${lightPixel}`);
  await light.click('#theme-toggle');
  await settle(light);
  const darkPixel = await background(light);
  assert.ok(darkPixel.every((v) => v < 60), `dark background ${darkPixel}`);
  await light.waitForURL(/theme=dark/);
  assert.equal(await light.evaluate(() => document.documentElement.dataset.theme), 'dark');
  // With no theme in the link, the system's preference is followed.
  const system = await env.browser.newPage({ viewport: VIEWPORT, colorScheme: 'dark' });
  await system.goto(env.server.url);
  await system.waitForFunction(() => window.__gatelab?.ready);
  assert.equal(await system.evaluate(() => window.__gatelab.dark()), true);
  await screenshot(light, 'dark');
  assert.deepEqual(light.problems, []);
  await light.close();
  await system.close();
});

for (const theme of ['light', 'dark']) {
  test(`axe finds no violations (${theme}): the full page, a lesson, presenter mode and embed=1`, async () => {
    for (const query of ['', 'lesson=3', 'lesson=5&present=1', 'embed=1']) {
      const page = await openPage(env.browser, `${env.server.url}?theme=${theme}&${query}`, { viewport: VIEWPORT });
      await settle(page);
      assert.deepEqual(await axe(page), [], `${theme} ?${query}`);
      assert.deepEqual(page.problems, []);
      await page.close();
    }
  });
}

test('screens: a phone at 390×844 and the diagram at 320 px stay legible', async () => {
  const page = await openPage(env.browser, `${env.server.url}?t=3`, { viewport: { width: 390, height: 844 } });
  const font = await page.evaluate(() => window.__gatelab.diagramFontSize());
  assert.ok(font >= 10, `diagram text ${font}px at 390 px`);
  await screenshot(page, 'phone');
  await page.setViewportSize({ width: 320, height: 700 });
  // The charts redraw at the new width on their resize observers' next frame.
  const fits = await page.waitForFunction(() => document.documentElement.scrollWidth <= window.innerWidth, null, { timeout: 5000 })
    .then(() => true, () => false);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(fits, `the page does not scroll sideways at 320 px (${overflow} px)`);
  assert.ok(await page.evaluate(() => window.__gatelab.diagramFontSize()) >= 10);
  assert.deepEqual(page.problems, []);
  await page.close();
});
