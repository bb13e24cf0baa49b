// The page end to end in Chromium: typing, swapping, morphing, selecting, links, bad input.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, screenshot, seeView, useBrowser } from './harness.mjs';
import { centre, distance, legendX, pixels, steadyLayout } from './timeline-helpers.mjs';

const env = useBrowser({ before, after });

const canvasImage = (page, id) => page.evaluate((id) => document.getElementById(id).toDataURL(), id);
const state = (page) => page.evaluate(() => window.__gatelab.state());
const summary = (page) => page.evaluate(() => window.__gatelab.summary());
const values = (page, q) => page.evaluate((q) => window.__gatelab.values(q), q);
const notices = (page) => page.evaluate(() => window.__gatelab.notices());
/** Waits until the page has drawn every change made so far (no redraw waits for a frame). */
const settle = (page) => page.waitForFunction(() => window.__gatelab.idle());

/** Running bracket depth, worked out in the test, independent of the model. */
function depths(text) {
  let d = 0;
  return [...text].map((c) => (d += c === '(' ? 1 : c === ')' ? -1 : 0));
}

test('typing re-runs the counter: the cell state is the bracket depth', async () => {
  const page = await openPage(env.browser, env.server.url);
  const before = await canvasImage(page, 'timeline');
  const text = '((a)(b(c)))(';
  await page.fill('#text', text);
  await settle(page);
  const c = await values(page, 'c');
  const expected = depths(text);
  assert.equal(c.length, expected.length);
  c.forEach((v, k) => assert.ok(Math.abs(v - expected[k]) < 1e-3, `step ${k}: c = ${v}, depth ${expected[k]}`));
  assert.notEqual(await canvasImage(page, 'timeline'), before, 'the timeline was redrawn');
  assert.equal((await state(page)).text, text);
  // The URL follows shortly after (history writes are batched).
  await page.waitForURL(/text=%28%28a%29/);
  await screenshot(page, 'counter');
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('removing the input gate: every symbol moves the memory, 4 blocks become 3', async () => {
  const page = await openPage(env.browser, env.server.url + '?preset=counter&text=' + encodeURIComponent('(x'));
  // Both views wait while out of sight: each is scrolled to before it is read.
  await seeView(page, 'cell');
  const chart = await canvasImage(page, 'cell-chart');
  await seeView(page, 'parameters');
  assert.equal(await page.textContent('#param-count'), '20');
  await page.selectOption('#act-input', 'none');
  await settle(page);
  await seeView(page, 'parameters');
  assert.equal(await page.textContent('#param-count'), '15');
  const c = await values(page, 'c');
  // With i = 1, the 'x' writes g = tanh(1) = 0.7616 on top of the depth 1.
  assert.ok(Math.abs(c[1] - (1 + Math.tanh(1))) < 1e-3, `c = ${c}`);
  await seeView(page, 'cell');
  assert.notEqual(await canvasImage(page, 'cell-chart'), chart);
  await page.waitForURL(/input=none/);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('the morph slider slides a gate from sigmoid to tanh with the same weights', async () => {
  const page = await openPage(env.browser, env.server.url + '?preset=random&hidden=4&seed=3&text=hello');
  const sigmoid = await values(page, 'f');
  const panel = await canvasImage(page, 'activation-panel');
  await page.fill('#morph-forget', '1');
  await settle(page);
  assert.equal((await state(page)).acts.forget, 'morph:1');
  const tanhMorph = await values(page, 'f');
  await page.selectOption('#act-forget', 'tanh');
  await settle(page);
  const tanh = await values(page, 'f');
  tanhMorph.forEach((v, k) => assert.ok(Math.abs(v - tanh[k]) < 1e-5, `morph:1 ${v} vs tanh ${tanh[k]}`));
  assert.ok(sigmoid.some((v, k) => Math.abs(v - tanh[k]) > 0.01), 'the gate values changed');
  await page.fill('#morph-forget', '0.5');
  await settle(page);
  assert.equal((await state(page)).acts.forget, 'morph:0.5');
  assert.notEqual(await canvasImage(page, 'activation-panel'), panel);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('clicking a column and the keyboard select a timestep', async () => {
  const page = await openPage(env.browser, env.server.url + '?text=' + encodeURIComponent('(()(()))'));
  const box = await page.locator('#timeline').boundingBox();
  // Column 3's centre, from the layout the page itself reports and the catalog's margins.
  const { len } = await page.evaluate(() => window.__gatelab.window());
  assert.equal(len, 8);
  const { left, right } = await page.evaluate(() => window.__gatelab.catalog().margins);
  const x = left + (box.width - left - right) * (3.5 / len);
  await page.mouse.click(box.x + x, box.y + 100);
  await settle(page);
  assert.equal((await state(page)).t, 3);
  await seeView(page, 'inspector');
  assert.match(await page.textContent('#inspector-title'), /step 3/);
  await page.focus('#timeline');
  await page.keyboard.press('ArrowRight');
  await settle(page);
  assert.equal((await state(page)).t, 4);
  await page.keyboard.press('End');
  await settle(page);
  assert.equal((await state(page)).t, 7);
  await page.keyboard.press('Home');
  await settle(page);
  assert.equal((await state(page)).t, 0);
  // The inspector shows the arithmetic with numbers: c = f × c_prev + i × g = ...
  await seeView(page, 'inspector');
  assert.match(await page.textContent('.formula-c'), /×.*\+.*×.*=/);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('views far out of sight wait, and are brought up to date when scrolled back', async () => {
  const page = await openPage(env.browser, env.server.url + '?text=' + encodeURIComponent('(()(()))'), { viewport: { width: 1280, height: 720 } });
  await page.evaluate(() => scrollTo(0, 0));
  await seeView(page, 'diagram');
  await page.evaluate(() => window.__gatelab.change({ t: 5 }));
  await settle(page);
  // The timeline at the top drew step 5 at once; the inspector, a screen further down, waits.
  const waiting = await page.evaluate(() => window.__gatelab.waiting());
  assert.ok(waiting.includes('inspector') && !waiting.includes('timeline') && !waiting.includes('diagram'), waiting.join());
  assert.doesNotMatch(await page.textContent('#inspector-title'), /step 5/);
  // The screen-reader table never waits.
  await page.waitForFunction(() => /step 5/.test(document.querySelector('#step-table caption').textContent));
  await seeView(page, 'inspector');
  assert.match(await page.textContent('#inspector-title'), /step 5/);
  assert.ok(!(await page.evaluate(() => window.__gatelab.waiting())).includes('inspector'));
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('a link restores the exact view', async () => {
  const query = '?preset=random&hidden=5&seed=9&forget=hard_sigmoid&candidate=morph%3A0.25&cell_output=relu&text=abc%20def&t=4';
  const page = await openPage(env.browser, env.server.url + query);
  const s = await state(page);
  assert.equal(s.preset, 'random');
  assert.equal(s.hidden, 5);
  assert.equal(s.seed, 9);
  assert.equal(s.acts.forget, 'hard_sigmoid');
  assert.equal(s.acts.candidate, 'morph:0.25');
  assert.equal(s.acts.cell_output, 'relu');
  assert.equal(s.text, 'abc def');
  assert.equal(s.t, 4);
  assert.equal(await page.inputValue('#act-forget'), 'hard_sigmoid');
  assert.equal(await page.inputValue('#act-candidate'), 'morph');
  assert.equal(await page.inputValue('#morph-candidate'), '0.25');
  assert.equal(await page.inputValue('#text'), 'abc def');
  assert.equal((await summary(page)).hidden, 5);
  assert.deepEqual(await notices(page), []);
  // The page writes the same state back into its own URL.
  await page.waitForFunction(() => location.search === window.__gatelab.url());
  const again = await openPage(env.browser, page.url());
  assert.deepEqual(await state(again), s);
  assert.deepEqual(page.problems, []);
  await page.close();
  await again.close();
});

test('a hostile link falls back to defaults with notices and never becomes HTML', async () => {
  const evil = '<img src=x onerror="window.__pwned=1">';
  const query = `?preset=evil&forget=swish&hidden=NaN&seed=1e99&t=-5&text=${encodeURIComponent(evil)}&junk=%E0%A4%A`;
  const page = await openPage(env.browser, env.server.url + query);
  const shown = await notices(page);
  for (const word of ['preset', 'swish', 'hidden', 'seed', 'Timestep', 'percent-encoding']) {
    assert.ok(shown.some((n) => n.includes(word)), `a notice mentions ${word}: ${JSON.stringify(shown)}`);
  }
  const s = await state(page);
  assert.equal(s.preset, 'counter');
  assert.equal(s.acts.forget, 'sigmoid');
  assert.equal(s.text, evil);
  assert.equal(await page.inputValue('#text'), evil);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  assert.equal(await page.locator('img').count(), 0);
  assert.equal((await summary(page)).steps, [...evil].length);
  await screenshot(page, 'hostile-link');
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('a 100,000-character text is kept, traced up to the cap, and the page answers', async () => {
  const text = '(x)'.repeat(33334).slice(0, 100000);
  const page = await openPage(env.browser, env.server.url + '?text=' + encodeURIComponent(text));
  const s = await summary(page);
  assert.equal(s.total_chars, 100000);
  assert.equal(s.steps, s.max_steps);
  assert.ok(s.truncated);
  assert.match(await page.textContent('#text-note'), /first 2,000 of 100,000/);
  // The page keeps all of it; the box (and links) hold the first 10,000, which the note says.
  assert.equal((await state(page)).text.length, 100000);
  assert.equal((await page.inputValue('#text')).length, 10000);
  assert.match(await page.textContent('#text-note'), /the box and copied links hold the first 10,000/);
  await page.selectOption('#act-candidate', 'sigmoid');
  await settle(page);
  assert.equal((await state(page)).acts.candidate, 'sigmoid');
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('weights files: a bad one is refused with a message, a good one loads', async () => {
  const page = await openPage(env.browser, env.server.url + '?text=ab');
  await page.setInputFiles('#weights-file', { name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"weight_ih_l0": [[1, 2], [3]]}') });
  await page.waitForFunction(() => window.__gatelab.notices().some((n) => n.includes('broken.json')));
  const shown = await notices(page);
  assert.ok(shown.some((n) => n.includes('broken.json') && n.includes('weight_ih_l0[1]')), JSON.stringify(shown));
  assert.equal((await summary(page)).model, 'counter');
  // H = 1, I = 2 (vocab a, b): every weight 0.5, biases 0.
  const rows = (n, cols) => Array.from({ length: n }, () => Array(cols).fill(0.5));
  const weights = { weight_ih_l0: rows(4, 2), weight_hh_l0: rows(4, 1), bias_ih_l0: [0, 0, 0, 0], bias_hh_l0: [0, 0, 0, 0], vocab: ['a', 'b'] };
  await page.setInputFiles('#weights-file', { name: 'tiny.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(weights)) });
  await page.waitForFunction(() => window.__gatelab.summary().model === 'tiny.json');
  await settle(page);
  const s = await summary(page);
  assert.equal(s.model, 'tiny.json');
  assert.equal(s.parameters, 4 * 1 * (2 + 1 + 2));
  // Step 0 by hand: z = 0.5 for every gate; i = f = o = σ(0.5) = 0.622459, g = tanh(0.5) = 0.462117,
  // c = i·g = 0.287651.
  const c = await values(page, 'c');
  assert.ok(Math.abs(c[0] - 0.287651) < 1e-5, `c0 = ${c[0]}`);
  assert.ok(!(await notices(page)).some((n) => n.includes('not used')), 'a plain file gets no note');
  // Keys the cell does not read are named, not dropped without a word; the cell loads as before.
  const extra = { ...weights, step: 3, 'readout.weight': [[1]] };
  await page.setInputFiles('#weights-file', { name: 'extra.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(extra)) });
  await page.waitForFunction(() => window.__gatelab.summary().model === 'extra.json');
  const note = (await notices(page)).find((n) => n.startsWith('In extra.json'));
  assert.equal(note, "In extra.json: the file's keys step, readout.weight are not used: the page reads the LSTM's layers, an embedding, and a read-out that predicts the next character.");
  assert.deepEqual(await values(page, 'c'), c);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('a Rust panic is shown and the model comes back with the same settings', async () => {
  const page = await openPage(env.browser, env.server.url + '?preset=latch&forget=tanh&text=S..R');
  const before = await values(page, 'c');
  const result = await page.evaluate(() => window.__gatelab.simulateCrash());
  assert.equal(result.crashed, true);
  assert.match(result.message, /unreachable/);
  await settle(page);
  assert.ok((await notices(page)).some((n) => n.includes('The model crashed')));
  assert.deepEqual(await values(page, 'c'), before);
  await page.fill('#text', 'S.R.S');
  await settle(page);
  assert.equal((await summary(page)).steps, 5);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('the calculator reproduces the thread\'s worked example', async () => {
  const page = await openPage(env.browser, env.server.url);
  await seeView(page, 'calculator');
  const row = (key) => page.textContent(`.calc-result tr[data-row=${key}] td`);
  // Values below 5e−4 print as 0.000, as a student expects; the exact value is in a title and
  // can be focused.
  assert.equal(await row('f'), '[0.000, 0.000, 1.000, 1.000]');
  assert.equal(await row('kept'), '[0.000, 0.000, −0.070, 1.060]');
  const tiny = page.locator('.calc-result tr[data-row=f] td span').first();
  assert.match(await tiny.getAttribute('title'), /^exactly 2\.06\d*e−9$/);
  assert.equal(await tiny.getAttribute('tabindex'), '0');
  assert.equal(await page.locator('.calc-result tr[data-row=f] td span').nth(2).getAttribute('title'), null);
  await page.click('#calc-example-output');
  const numbers = async (key) => (await row(key)).slice(1, -1).split(', ').map((s) => Number(s.replaceAll('−', '-')));
  // H₃ = o ⊙ tanh(C₃) = [0, 1, 0, 1] ⊙ tanh([-35, -48, -35, 12]) = [0, -1, 0, 1] (to 1e-8).
  (await numbers('h')).forEach((v, k) => assert.ok(Math.abs(v - [0, -1, 0, 1][k]) < 1e-8, `h = ${v}`));
  await page.selectOption('#act-cell_output', 'sigmoid');
  await settle(page);
  // (A view far out of sight waits until it is scrolled back.)
  await seeView(page, 'calculator');
  // With a sigmoid on the cell output: σ(-48) ≈ 1.4e-21, σ(12) ≈ 0.99999, so H₃ ≈ [0, 0, 0, 1].
  (await numbers('h')).forEach((v, k) => assert.ok(Math.abs(v - [0, 0, 0, 1][k]) < 1e-4, `h = ${v}`));
  await page.fill('#calc-z_f', '1, two, 3, 4');
  assert.match(await page.textContent('.calc-error'), /^z_f: item 2 is "two", not a number/);
  assert.equal(await page.getAttribute('#calc-z_f', 'class'), 'invalid');
  // An empty item is an error that names its place, as on the command line, not skipped.
  await page.fill('#calc-z_f', '1,,2');
  assert.match(await page.textContent('.calc-error'), /^z_f: item 2 is empty/);
  await page.fill('#calc-z_f', '1, 2');
  assert.match(await page.textContent('.calc-error'), /same, non-zero length/);
  // The short field is marked, the others are not, and no stale answer is left beside the error.
  assert.equal(await page.getAttribute('#calc-z_f', 'class'), 'invalid');
  assert.ok(!(await page.getAttribute('#calc-z_i', 'class') ?? '').includes('invalid'));
  assert.equal(await page.locator('.calc-result tr').count(), 0);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('a small loaded model travels in the link; a broken one is refused with a notice', async () => {
  const page = await openPage(env.browser, env.server.url + '?text=abba');
  const rows = (n, cols, k) => Array.from({ length: n }, (_, r) => Array.from({ length: cols }, (_, c) => Math.sin(r * 7 + c + k)));
  const weights = { weight_ih_l0: rows(8, 2, 0), weight_hh_l0: rows(8, 2, 1), bias_ih_l0: rows(1, 8, 2)[0], bias_hh_l0: rows(1, 8, 3)[0], vocab: ['a', 'b'] };
  await page.setInputFiles('#weights-file', { name: 'small.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(weights)) });
  await page.waitForURL(/weights=/);
  const c = await values(page, 'c');
  const shared = await openPage(env.browser, page.url());
  assert.equal((await summary(shared)).model, 'model from the link');
  // float32 in the link: the same numbers the page computed with.
  assert.deepEqual(await values(shared, 'c'), c);
  assert.deepEqual(await notices(shared), []);
  // Back to a preset and back to the loaded model: the model and its link come back too.
  await page.selectOption('#preset', 'latch');
  await settle(page);
  assert.equal((await summary(page)).model, 'latch');
  await page.selectOption('#preset', 'file');
  await settle(page);
  assert.equal((await summary(page)).model, 'small.json');
  assert.deepEqual(await values(page, 'c'), c);
  await page.waitForURL(/weights=/);
  // A broken model in a link costs only the model: the text and activations stay.
  const broken = await openPage(env.browser, env.server.url + '?weights=2.YWI.AAAA&text=abc&candidate=relu');
  assert.ok((await notices(broken)).some((n) => n.includes('model in the link could not be read')));
  assert.equal((await summary(broken)).model, 'counter');
  assert.equal((await state(broken)).text, 'abc');
  assert.equal((await state(broken)).acts.candidate, 'relu');
  // H = 1 with the vocabulary "a" needs 16 numbers: all NaN here, which the loader refuses.
  const nans = Buffer.from(new Float32Array(16).fill(NaN).buffer).toString('base64url');
  const nan = await openPage(env.browser, `${env.server.url}?weights=1.YQ.${nans}&text=zz`);
  assert.ok((await notices(nan)).some((n) => n.includes('model in the link')), JSON.stringify(await notices(nan)));
  assert.equal((await state(nan)).text, 'zz');
  for (const p of [page, shared, broken, nan]) {
    assert.deepEqual(p.problems, []);
    await p.close();
  }
});

test('the timeline\'s picture: cells in their legend colour, the selected column outlined, clipped cells marked', async () => {
  // Hard-sigmoid gates make the counter exact: c is the bracket depth, 1 then 2.
  const hard = 'forget=hard_sigmoid&input=hard_sigmoid&output=hard_sigmoid';
  const page = await openPage(env.browser, `${env.server.url}?preset=counter&${hard}&text=((&t=1`);
  await settle(page);
  const c = await values(page, 'c');
  [1, 2].forEach((d, k) => assert.ok(Math.abs(c[k] - d) < 1e-6, `c = ${c}`));
  let layout = await steadyLayout(page);
  const row = layout.rows.c;
  assert.ok(row && layout.columns.length === 2, JSON.stringify(layout));

  // The c row's scale is ±2, the smallest of ±1, ±2, ±5, ±10 that holds the depths; its legend
  // runs from +2 at the top to −2 at the bottom, one pixel row per value step.
  const x = await legendX(page, layout, row);
  const height = row.bottom - row.top + 1;
  const legendAt = (v) => [x, row.top + Math.round(((2 - v) / 4) * (height - 1))];
  const [cell0, cell1, two, one] = await pixels(page, [
    centre(layout.columns[0], row), centre(layout.columns[1], row), legendAt(2), legendAt(1),
  ]);
  assert.ok(distance(cell1, two) <= 6, `step 1 (c = 2) is ${cell1}, the legend's 2 is ${two}`);
  assert.ok(distance(cell0, one) <= 6, `step 0 (c = 1) is ${cell0}, the legend's 1 is ${one}`);
  assert.ok(distance(cell0, cell1) > 40, `depths 1 and 2 look different: ${cell0} vs ${cell1}`);

  // The selected step's column, and only it, is outlined in the selection colour
  // (#e4572e: src/render/theme.rs SELECTION, www/config.js COLORS.selection).
  const selection = [228, 87, 46];
  const middle = centre(layout.columns[0], row)[1];
  const across = await pixels(page, Array.from({ length: layout.width }, (_, k) => [k, middle]));
  const outlined = across.flatMap((p, k) => (distance(p, selection) <= 12 ? [k] : []));
  const { left, right } = layout.columns[1];
  assert.ok(outlined.length > 0, 'the selection outline is drawn');
  assert.ok(outlined.every((k) => k >= left - 3 && k <= right + 3), `outline at ${outlined}, column 1 is ${left}–${right}`);
  assert.ok(outlined.some((k) => Math.abs(k - left) <= 3), `outline at column 1's left edge ${left}: ${outlined}`);
  assert.ok(outlined.some((k) => Math.abs(k - right) <= 3), `outline at column 1's right edge ${right}: ${outlined}`);

  // Twelve brackets: c reaches 11 and 12, beyond the largest scale (±10), so those cells are
  // clipped: drawn in the end colour with a marker triangle in their top-right corner.
  await page.fill('#text', '(((((((((((('); // 12
  layout = await steadyLayout(page);
  assert.equal(layout.columns.length, 12);
  const r = layout.rows.c;
  const top = await legendX(page, layout, r).then((lx) => pixels(page, [[lx, r.top]])).then(([p]) => p);
  for (const t of [9, 10]) {
    const { left: l, right: rr } = layout.columns[t];
    const [fill, corner, topLeft, bottomRight] = await pixels(page, [
      centre(layout.columns[t], r), [rr - 2, r.top + 1], [l + 2, r.top + 1], [rr - 2, r.bottom - 1],
    ]);
    assert.ok(distance(topLeft, fill) <= 2 && distance(bottomRight, fill) <= 2, `step ${t} is filled: ${fill}, ${topLeft}, ${bottomRight}`);
    if (t === 9) {
      // c = 10 is on the scale: no marker.
      assert.ok(distance(corner, fill) <= 2, `step 9 has no marker: ${corner} vs ${fill}`);
    } else {
      assert.ok(distance(fill, top) <= 6, `a clipped cell has the legend's end colour: ${fill} vs ${top}`);
      // White ink stands out on the dark red end.
      assert.ok(distance(corner, [255, 255, 255]) <= 2, `step 10's top-right corner is marked: ${corner}`);
    }
  }
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('an empty text: moving over the heatmaps raises no error and shows no tooltip', async () => {
  const page = await openPage(env.browser, `${env.server.url}?text=`);
  assert.equal((await summary(page)).steps, 0);
  const box = await page.locator('#timeline').boundingBox();
  for (let x = box.x + 5; x < box.x + box.width; x += 60) {
    for (let y = box.y + 5; y < box.y + box.height; y += 40) await page.mouse.move(x, y);
  }
  assert.equal(await page.locator('#tooltip').isVisible(), false);
  assert.deepEqual(page.problems, []);
  assert.deepEqual(await notices(page), []);
  await page.close();
});

test('links round-trip one documented way: whole steps only, empty parameters count as absent, notices do not pile up', async () => {
  // An empty weights= is not a model: the link opens on the defaults, silently.
  let page = await openPage(env.browser, `${env.server.url}?weights=&text=((`);
  assert.equal((await state(page)).preset, 'counter');
  assert.deepEqual(await notices(page), []);
  let url = await page.evaluate(() => window.__gatelab.url());
  assert.ok(!url.includes('weights'), url);
  // The step box takes whole numbers only.
  await page.fill('#step', '1.5');
  await page.dispatchEvent('#step', 'change');
  await settle(page);
  assert.equal((await state(page)).t, 0);
  assert.ok((await notices(page)).some((n) => n.includes('whole number')));
  assert.equal(await page.inputValue('#step'), '0');
  await page.fill('#step', '1');
  await page.dispatchEvent('#step', 'change');
  await settle(page);
  assert.equal((await state(page)).t, 1);
  url = await page.evaluate(() => window.__gatelab.url());
  assert.match(url, /[?&]t=1(&|$)/);
  await page.close();
  // Ten bad values give ten notices, of which the latest eight stay on screen.
  const bad = ['forget', 'input', 'output', 'candidate', 'cell_output'].map((s) => `${s}=bogus`).join('&');
  page = await openPage(env.browser, `${env.server.url}?preset=random&hidden=abc&seed=-1&${bad}&t=x&unit=y&fixed=2`);
  const shown = await notices(page);
  assert.equal(shown.length, 8, JSON.stringify(shown));
  assert.ok(!shown.some((n) => n.startsWith('hidden')), 'the oldest went first');
  // The same message again does not pile up.
  await page.fill('#step', '2.5');
  await page.dispatchEvent('#step', 'change');
  await page.fill('#step', '3.5');
  await page.dispatchEvent('#step', 'change');
  assert.equal((await notices(page)).filter((n) => n.includes('whole number from 0')).length, 1);
  assert.deepEqual(page.problems, []);
  await page.close();
});
