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
  const status = await workerStatus(page);
  const paused = (await training(page)).step;
  assert.deepEqual(status, { step: paused, playing: false, comparing: false });
  assert.deepEqual(await workerStatus(page), status);
  assert.equal((await training(page)).step, paused);
  assert.match(await page.textContent('#train-status'), /held-out accuracy/);
  await (await page.$('#training')).screenshot({ path: 'test-artifacts/training.png' });
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
