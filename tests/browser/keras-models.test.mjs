// Keras and TensorFlow.js models on the page: a TF.js layers model (model.json with its two
// .bin files, picked together), whose config selects TF.js's hard sigmoid at the gates, and
// Keras 3 GRU weights as safetensors. Expected values are Keras's equations in float64
// (tests/fixtures/, recorded by scripts/fixtures/keras_models.py).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { axe, openPage, saveFrom, seeView, useBrowser } from './harness.mjs';
import { perStep } from './models.mjs';
import { runCli } from '../study-cli.mjs';

const env = useBrowser({ before, after });
const VIEWPORT = { width: 1280, height: 720 };
const fixture = (path) => fs.readFileSync(new URL(`../fixtures/${path}`, import.meta.url));
const TFJS = ['model.json', 'group1-shard1of2.bin', 'group1-shard2of2.bin'].map((name) => ({
  name,
  mimeType: name.endsWith('.json') ? 'application/json' : 'application/octet-stream',
  buffer: fixture(`tfjs_char/${name}`),
}));
const expected = JSON.parse(fixture('tfjs_char/expected.json'));

const settle = (page) => page.waitForFunction(() => window.__gatelab.idle());
const hook = (page, name, ...args) => page.evaluate(([name, args]) => window.__gatelab[name](...args), [name, args]);


const largestGap = (got, want) => Math.max(...got.flatMap((row, t) => row.map((v, u) => Math.abs(v - want[t][u]))));

test('a TF.js model.json with its .bin files loads, selects TF.js\'s hard sigmoid, and runs each layer as Keras computes it', async () => {
  const page = await openPage(env.browser, `${env.server.url}?preset=counter&text=${encodeURIComponent(expected.text)}`, { viewport: VIEWPORT });
  // model.json alone: the page names the files it needs, and keeps the model it had.
  await page.setInputFiles('#weights-file', TFJS[0]);
  await page.waitForFunction(() => window.__gatelab.notices().some((n) => n.includes('Could not load model.json')));
  const refusal = (await hook(page, 'notices')).find((n) => n.includes('Could not load model.json'));
  assert.equal(refusal, 'Could not load model.json: it is a TensorFlow.js model.json, whose weights are in group1-shard1of2.bin, group1-shard2of2.bin: pick or drop them together with it (gatelab reads them from beside it). The current model is unchanged.');
  // With one of its two files, the page names the other.
  await page.setInputFiles('#weights-file', TFJS.slice(0, 2));
  await page.waitForFunction(() => window.__gatelab.notices().some((n) => n.includes('Pick or drop group1-shard2of2.bin together with it')));
  assert.equal((await hook(page, 'summary')).model, 'counter');

  await page.setInputFiles('#weights-file', TFJS);
  await page.waitForFunction(() => window.__gatelab.summary().model === 'model.json');
  await settle(page);
  const notes = await hook(page, 'notices');
  const selected = notes.find((n) => n.startsWith('model.json sets its activations'));
  assert.ok(selected, notes.join('\n'));
  assert.match(selected, /forget gate f hard sigmoid \(TF\.js\)/i);
  const { acts } = await hook(page, 'state');
  assert.deepEqual([acts.forget, acts.input, acts.output, acts.candidate, acts.cell_output], ['hard_sigmoid_tfjs', 'hard_sigmoid_tfjs', 'hard_sigmoid_tfjs', 'tanh', 'tanh']);
  assert.equal(await page.$eval('#act-forget', (s) => s.value), 'hard_sigmoid_tfjs');
  const s = await hook(page, 'summary');
  assert.deepEqual([s.layers, s.layer, s.embedding, s.readout], [2, 1, 3, true]);
  for (const layer of [1, 0]) {
    await page.selectOption('#layer', String(layer));
    await settle(page);
    assert.ok(largestGap(await perStep(page, 'h'), expected.layers[layer].h) < 2e-6, `layer ${layer} h`);
    assert.ok(largestGap(await perStep(page, 'c'), expected.layers[layer].c) < 2e-6, `layer ${layer} c`);
  }
  // The inspector's equations name the function the gates run.
  await seeView(page, 'inspector');
  assert.match(await page.textContent('#inspector'), /hardσ\.tfjs/);

  // Each side of the switch: PyTorch's hard sigmoid (slope 1/6) gives other numbers; TF.js's
  // again gives Keras's.
  await page.selectOption('#act-forget', 'hard_sigmoid');
  await settle(page);
  assert.ok(largestGap(await perStep(page, 'c'), expected.layers[0].c) > 1e-3, 'another hard sigmoid, other numbers');
  await page.selectOption('#act-forget', 'hard_sigmoid_tfjs');
  await settle(page);
  assert.ok(largestGap(await perStep(page, 'c'), expected.layers[0].c) < 2e-6, 'back to TF.js\'s');

  // The read-out's next-character probabilities, in the inspector: the likeliest after step 0.
  await hook(page, 'change', { t: 0 });
  await settle(page);
  await seeView(page, 'inspector');
  const vocab = [...s.vocab];
  const best = vocab[expected.probabilities[0].indexOf(Math.max(...expected.probabilities[0]))];
  const first = await page.$eval('#predictions-list .bar-row', (row) => row.firstElementChild.textContent);
  const visible = (c) => (c === '\n' ? '↵' : c === ' ' ? '␣' : c);
  assert.equal(first, `“${visible(best)}”`);

  // Save writes what gatelab trace gives for the same model.json (the CLI reads the .bin files
  // beside it, and takes the activations from the config too).
  await page.click('#open-save');
  const saved = JSON.parse((await saveFrom(page, 'every traced value', 'JSON')).bytes.toString('utf8'));
  await page.click('#save-close');
  const cli = JSON.parse(runCli(['trace', '--weights', 'tests/fixtures/tfjs_char/model.json', '--layer', '0', '--text', expected.text]));
  assert.deepEqual(saved.steps, cli.steps);
  assert.deepEqual(saved.activations, cli.activations);
  assert.deepEqual(await axe(page), []);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('Keras 3 GRU weights from safetensors load as a GRU with the activations of their config', async () => {
  const gru = JSON.parse(fixture('keras_gru.expected.json'));
  const page = await openPage(env.browser, `${env.server.url}?forget=relu&text=${encodeURIComponent(gru.text)}`, { viewport: VIEWPORT });
  // Also a stray file that is not named by anything: one weights file at a time.
  await page.setInputFiles('#weights-file', [
    { name: 'keras_gru.safetensors', mimeType: 'application/octet-stream', buffer: fixture('keras_gru.safetensors') },
    { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') },
  ]);
  await page.waitForFunction(() => window.__gatelab.notices().some((n) => n.includes('pick one weights file')));
  await page.setInputFiles('#weights-file', { name: 'keras_gru.safetensors', mimeType: 'application/octet-stream', buffer: fixture('keras_gru.safetensors') });
  await page.waitForFunction(() => window.__gatelab.summary().model === 'keras_gru.safetensors');
  await settle(page);
  const s = await hook(page, 'summary');
  assert.equal(s.cell, 'gru');
  const { acts } = await hook(page, 'state');
  assert.deepEqual([acts.reset, acts.update, acts.new], ['sigmoid', 'sigmoid', 'tanh']);
  assert.ok(largestGap(await perStep(page, 'h'), gru.h) < 2e-6);
  assert.deepEqual(page.problems, []);
  await page.close();
});
