// The training lab in Chromium: training runs in a worker while the page keeps answering, and a
// two-variant comparison runs to completion.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, screenshot, useBrowser } from './harness.mjs';

const env = useBrowser({ before, after });
const training = (page) => page.evaluate(() => window.__gatelab.training());
/**
 * The worker's own {step, playing, comparing}. It answers after any training it had already
 * queued and after every message it posted before, so a run or comparison that is still going
 * shows here, and the page has seen everything the worker sent until then.
 */
const workerStatus = (page) => page.evaluate(() => window.__gatelab.trainingStatus());

test('training runs in the background, the loss falls, and typing still works', async () => {
  const page = await openPage(env.browser, env.server.url + '?text=' + encodeURIComponent('(()x)'), { viewport: { width: 1400, height: 1000 } });
  await page.click('#train-play');
  await page.waitForFunction(() => window.__gatelab.training().step >= 300, null, { timeout: 60000 });
  // While it trains, the page answers a keystroke: the views re-run on the new text.
  const stepBefore = (await training(page)).step;
  await page.fill('#text', '((()))');
  await page.waitForFunction(() => window.__gatelab.summary().steps === 6);
  assert.equal((await page.evaluate(() => window.__gatelab.state())).text, '((()))');
  await page.waitForFunction((s) => window.__gatelab.training().step > s + 50, stepBefore, { timeout: 60000 });
  await page.click('#train-play');
  await page.waitForFunction(() => !window.__gatelab.training().playing);
  const { curve } = await training(page);
  const first = curve[0];
  const last = curve[curve.length - 1];
  assert.ok(last.heldout_loss < first.heldout_loss / 5, `held-out loss fell: ${first.heldout_loss} → ${last.heldout_loss}`);
  assert.ok(last.heldout_accuracy > first.heldout_accuracy, `accuracy rose: ${first.heldout_accuracy} → ${last.heldout_accuracy}`);
  // The trained cell is shown in the views above.
  assert.match((await page.evaluate(() => window.__gatelab.summary())).model, /^trained: bracket depth/);
  // Paused means paused: the worker has stopped, and it stays stopped.
  const worker = await workerStatus(page);
  const paused = (await training(page)).step;
  assert.deepEqual(worker, { step: paused, playing: false, comparing: false, build: 'SIMD' });
  assert.deepEqual(await workerStatus(page), worker);
  assert.equal((await training(page)).step, paused);
  assert.match(await page.textContent('#train-status'), /held-out accuracy/);
  // The status names which parameters are the cell's (the views' count) and which the read-out's.
  const cellCount = (await page.evaluate(() => window.__gatelab.summary())).parameters;
  const status = await page.textContent('#train-status');
  const [, total, cell, readout] = status.match(/([\d,]+) parameters \(([\d,]+) in the cell, ([\d,]+) in the read-out\)/).map((x) => Number(String(x).replaceAll(',', '')));
  assert.equal(cell, cellCount);
  assert.equal(total, cell + readout);
  // What the trained cell predicts over the text: a column per step, with bracket depth's targets.
  await page.waitForFunction(() => document.querySelectorAll('#train-predictions tr:nth-child(3) td').length === 6);
  const row = (k) => page.$$eval(`#train-predictions tr:nth-child(${k + 1}) td`, (tds) => tds.map((td) => td.textContent));
  assert.deepEqual(await row(1), [...'((()))']);
  assert.deepEqual(await row(2), ['1', '2', '3', '2', '1', '0'], 'the targets: the depth after each symbol');
  const predicted = await row(3);
  const right = predicted.filter((p, k) => p === ['1', '2', '3', '2', '1', '0'][k]).length;
  assert.match(await page.textContent('#train-predictions caption'), new RegExp(`: ${right} of 6 scored steps right`));
  for (const p of await row(4)) assert.ok(Number(p) >= 0 && Number(p) <= 1, p);
  assert.match(await page.textContent('#train-gradient-note'), /^L is the cross-entropy summed over the scored steps of the text above, each labelled by the task's rule: L = /);
  await (await page.$('#training')).screenshot({ path: 'test-artifacts/training.png' });
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('while a run trains at 1400×1000, the diagram and the heatmaps are on screen beside its curves', async () => {
  const page = await openPage(env.browser, env.server.url + '?text=' + encodeURIComponent('(()x)((x))'), { viewport: { width: 1400, height: 1000 } });
  await page.click('#train-play');
  await page.waitForFunction(() => window.__gatelab.training().step >= 30, null, { timeout: 60000 });
  await page.waitForFunction(() => window.__gatelab.idle());
  // The curves are drawn once the charts module has loaded (a canvas never drawn is hidden).
  await page.waitForFunction(() => document.getElementById('train-curves').hasAttribute('style'), null, { timeout: 30000 });
  const onScreen = () => page.evaluate(() => ['#diagram-view', '#timeline', '#train-curves'].map((s) => {
    const r = document.querySelector(s).getBoundingClientRect();
    return { s, ok: r.height > 0 && r.top >= 0 && r.bottom <= innerHeight && r.left >= 0 && r.right <= innerWidth, r: [r.left, r.top, r.right, r.bottom].map(Math.round) };
  }));
  for (const v of await onScreen()) assert.ok(v.ok, `${v.s} is on screen: ${v.r}`);
  // Unticked, the lab goes back under the other views.
  await page.uncheck('#train-beside');
  await page.click('#train-play');
  const below = await page.evaluate(() => document.getElementById('training').getBoundingClientRect().top - document.getElementById('timeline').getBoundingClientRect().bottom);
  assert.ok(below > 300, `the lab is far below the heatmaps again: ${below} px`);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('a two-variant comparison runs to completion and fills its table', async () => {
  const page = await openPage(env.browser, env.server.url, { viewport: { width: 1400, height: 1000 } });
  await page.fill('#compare-seeds', '2');
  await page.fill('#compare-steps', '150');
  await page.click('#compare-run');
  await page.waitForFunction(() => window.__gatelab.training().snapshot?.finished === true, null, { timeout: 120000 });
  const { snapshot } = await training(page);
  assert.deepEqual(snapshot.variants.map((v) => v.variant), ['standard', 'input gate removed']);
  assert.equal(snapshot.runs.length, 4);
  for (const run of snapshot.runs) assert.ok(run.finished && run.curve.length >= 2, JSON.stringify(run));
  // Removing the input gate removes one of four blocks of LSTM weights.
  const [standard, noInput] = snapshot.variants;
  assert.ok(noInput.parameters < standard.parameters);
  const rows = await page.$$eval('#compare-table tr[data-variant]', (trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent)));
  assert.equal(rows.length, 2);
  assert.equal(rows[0][0], 'standard');
  assert.match(rows[0][4], /%$/);
  await screenshot(page, 'comparison');
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('bad training settings give a clear message, not a dead panel', async () => {
  const page = await openPage(env.browser, env.server.url);
  await page.fill('#train-hidden', '0');
  await page.click('#train-reset');
  await page.waitForFunction(() => window.__gatelab.notices().some((n) => n.includes('hidden size')));
  await page.fill('#train-hidden', '8');
  await page.click('#train-step');
  await page.waitForFunction(() => window.__gatelab.training().step === 1);
  // The text task on a text too short to hold out a test set says so (it used to do nothing).
  await page.selectOption('#train-task', 'text');
  await page.fill('#text', 'ab(');
  await page.click('#train-reset');
  await page.waitForFunction(() => window.__gatelab.notices().some((n) => n.includes('at least 40 characters') && n.includes('this text has 3')));
  // The run is gone, and with it the layout that put the lab beside the views. Scrolled to, every
  // panel is drawn again (WebKit had left a panel laid out only near the screen blank for good).
  for (const id of ['training', 'activations-view', 'inspector-view', 'saturation-view', 'calculator-view', 'cell-view']) {
    await page.evaluate((id) => document.getElementById(id).scrollIntoView({ block: 'start' }), id);
    await page.waitForFunction((id) => (document.querySelector(`#${id} h2, #${id} h3, #${id} canvas`)?.getBoundingClientRect().height ?? 0) > 0, id);
  }
  await page.fill('#text', 'the quick brown fox jumps over the lazy dog, twice: the quick brown fox');
  await page.click('#train-reset');
  await page.click('#train-step');
  await page.waitForFunction(() => window.__gatelab.training().step === 1);
  assert.match(await page.textContent('#train-status'), /held-out loss \d/);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('picking another preset stops the trained cell from taking over; a stopped comparison stays stopped', async () => {
  const page = await openPage(env.browser, env.server.url, { viewport: { width: 1400, height: 1000 } });
  await page.click('#train-play');
  await page.waitForFunction(() => window.__gatelab.summary().model.startsWith('trained:'), null, { timeout: 60000 });
  await page.selectOption('#preset', 'latch');
  // The worker goes on training and reporting; the next report must not take the views over.
  const switched = (await training(page)).step;
  await page.waitForFunction((s) => window.__gatelab.training().step > s, switched, { timeout: 60000 });
  assert.equal((await page.evaluate(() => window.__gatelab.summary())).model, 'latch');
  assert.equal(await page.isChecked('#train-show'), false);
  await page.click('#train-play');
  await page.fill('#compare-steps', '5000');
  await page.click('#compare-run');
  await page.waitForFunction(() => (window.__gatelab.training().snapshot?.steps_done ?? 0) > 0, null, { timeout: 60000 });
  await page.click('#compare-run');
  // Once the worker answers, it has handled the stop, and the page has seen (and ignored) every
  // snapshot it sent before.
  assert.equal((await workerStatus(page)).comparing, false);
  assert.equal(await page.textContent('#compare-run'), 'Compare');
  assert.equal(await page.textContent('#compare-status'), 'stopped');
  assert.equal((await training(page)).comparing, false);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('the new tasks: each says what it asks, trains in the worker, and labels the text above by its rule', async () => {
  // Each with a text typed in its own alphabet, and that text's targets by the task's rule,
  // worked out here ('' where a step is not scored): the sum of the two marked digits (A = 0,
  // B = 1) at the end, the first letter at ?, the parity so far, the next typed symbol (as for
  // aⁿbⁿ), the largest digit so far.
  const tasks = {
    adding: ['12A3B', ['', '', '', '', '1']],
    lag: ['cfgh?', ['', '', '', '', 'c']],
    parity: ['1101', ['odd', 'even', 'even', 'odd']],
    anbncn: ['^abc', ['a', 'b', 'c', '']],
    largest: ['3172', ['3', '3', '7', '7']],
  };
  const page = await openPage(env.browser, env.server.url, { viewport: { width: 1400, height: 1000 } });
  const catalog = await page.evaluate(() => window.__gatelab.catalog().tasks);
  for (const [name, [text, targets]] of Object.entries(tasks)) {
    await page.fill('#text', text);
    await page.selectOption('#train-task', name);
    assert.equal(await page.textContent('#train-task-about'), catalog.find((t) => t.name === name).about);
    await page.click('#train-play');
    await page.waitForFunction(() => window.__gatelab.training().step >= 20, null, { timeout: 60000 });
    await page.click('#train-play');
    await page.waitForFunction(() => !window.__gatelab.training().playing);
    const { curve } = await training(page);
    assert.ok(curve.length > 0 && curve.every((p) => Number.isFinite(p.heldout_loss)), name);
    const row = (k) => page.$$eval(`#train-predictions tr:nth-child(${k + 1}) td`, (tds) => tds.map((td) => td.textContent.trim()));
    const shown = async () => (await row(2)).map((t) => (/^[–—·-]?$/.test(t) ? '' : t));
    // (The table may still show the previous task's run for a moment: wait for this one's.)
    for (let tries = 0; tries < 50 && JSON.stringify(await shown()) !== JSON.stringify(targets); tries++) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(await row(1), [...text], name);
    assert.deepEqual(await shown(), targets, name);
  }
  // Train again with the form unchanged: the same run goes on (a changed task started anew).
  const before = await training(page);
  await page.click('#train-play');
  await page.waitForFunction((s) => window.__gatelab.training().step > s + 5, before.step, { timeout: 60000 });
  await page.click('#train-play');
  await page.waitForFunction(() => !window.__gatelab.training().playing);
  assert.deepEqual((await training(page)).curve[0], before.curve[0]);
  assert.deepEqual(page.problems, []);
  await page.close();
});
