// The training module (www/pkg-train) from Node: the handles the Web Worker drives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { plain, runStudyCli } from '../study-cli.mjs';
import { initSync, TrainingRun, ComparisonRun, built_in_studies, study_jobs, run_study_job } from '../../www/pkg-train/gatelab.js';

initSync({ module: fs.readFileSync(new URL('../../www/pkg-train/gatelab_bg.wasm', import.meta.url)) });

const setup = { task: 'brackets', text: '', hidden: 8, learning_rate: 0.02, batch_size: 8, seed: 1, activations: {} };

test('a run trains, records its curve and exports loadable weights', () => {
  const run = new TrainingRun(setup);
  const start = run.curve();
  assert.equal(start.length, 1);
  for (let k = 0; k < 4; k++) {
    const progress = run.train(50);
    // The run evaluates itself every 25 steps: each call of 50 ends on a point.
    assert.equal(progress.heldout.step, progress.step);
  }
  assert.equal(run.progress().step, 200);
  const curve = run.curve();
  assert.deepEqual(curve.map((p) => p.step), [0, 25, 50, 75, 100, 125, 150, 175, 200]);
  assert.ok(curve.at(-1).heldout_loss < start[0].heldout_loss, JSON.stringify([start[0], curve.at(-1)]));
  const json = JSON.parse(run.export_weights());
  assert.equal(json.weight_ih_l0.length, 4 * 8);
  assert.deepEqual(json.vocab, ['(', ')', 'x']);
  assert.equal(json['readout.weight'].length, 9);
  const flow = run.gradient_flow('(()x)');
  assert.equal(flow.cell.length, 5);
  assert.ok(flow.cell.every((v) => Number.isFinite(v) && v >= 0));
  run.free();
});

test('settings are checked and the message names the bad one', () => {
  assert.throws(() => new TrainingRun({ ...setup, task: 'chess' }), /unknown task "chess"/);
  assert.throws(() => new TrainingRun({ ...setup, activations: { forget: 'swish' } }), /swish/);
  assert.throws(() => new TrainingRun({ ...setup, hidden: 'eight' }), /training settings/);
});

test('a comparison advances in slices to the same end', () => {
  const variants = [['standard', {}], ['no input gate', { input: 'none' }]];
  const c = new ComparisonRun({ ...setup, variants, seeds: [1, 2], max_steps: 40, target: 0.99, eval_every: 20 });
  let finished = false;
  let slices = 0;
  while (!finished) {
    finished = c.advance(7);
    slices += 1;
  }
  const s = c.snapshot();
  assert.equal(s.steps_done, 2 * 2 * 40);
  assert.ok(slices >= Math.ceil(160 / 7));
  assert.equal(s.runs.length, 4);
  assert.ok(s.variants[1].parameters < s.variants[0].parameters);
});

test('a run with peepholes trains them, and its weights carry them out', () => {
  const run = new TrainingRun({ ...setup, peepholes: true, activations: { forget: 'coupled' } });
  run.train(30);
  const json = JSON.parse(run.export_weights());
  for (const key of ['weight_ci_l0', 'weight_cf_l0', 'weight_co_l0']) assert.equal(json[key].length, 8, key);
  // Trained: w_ci and w_co moved from their drawn values; w_cf, unused by a coupled forget gate, did not.
  const start = JSON.parse(new TrainingRun({ ...setup, peepholes: true, activations: { forget: 'coupled' } }).export_weights());
  assert.notDeepEqual(json.weight_ci_l0, start.weight_ci_l0);
  assert.notDeepEqual(json.weight_co_l0, start.weight_co_l0);
  assert.deepEqual(json.weight_cf_l0, start.weight_cf_l0);
  assert.throws(() => new TrainingRun({ ...setup, activations: { output: 'coupled' } }), /only for the forget site/);
  run.free();
});

test('a GRU run trains, and its weights say it is a GRU', () => {
  const run = new TrainingRun({ ...setup, cell: 'gru', activations: { new: 'softsign' } });
  const start = run.curve()[0];
  run.train(100);
  const json = JSON.parse(run.export_weights());
  assert.equal(json.cell, 'gru');
  assert.equal(json.weight_hh_l0.length, 3 * 8);
  assert.deepEqual(json.activations, { reset: 'sigmoid', update: 'sigmoid', new: 'softsign' });
  assert.ok(run.curve().at(-1).heldout_loss < start.heldout_loss);
  assert.throws(() => new TrainingRun({ ...setup, cell: 'janet' }), /unknown cell "janet": expected lstm, gru, slstm, mingru or minlstm/);
  run.free();
});

// Every built-in study, small; Greff's with a variant started by Keras's scheme too (its normal
// draws go through libm, so WebAssembly and native give the same bits).
const KERAS_VARIANT = { label: 'Keras start, bias 1', cell: 'lstm', activations: {}, peepholes: true, forget_bias: 1, init: 'keras' };
for (const [name, steps] of [['weiss', 30], ['xlstm', 12], ['greff', 12], ['jozefowicz', 12], ['feng', 12]]) test(`a study run in the training module gives the numbers gatelab study gives: ${name}`, () => {
  const study = built_in_studies().find((s) => s.name === name);
  const variants = name === 'greff' ? [...study.variants, KERAS_VARIANT] : study.variants;
  const small = { ...study, variants, seeds: 2, max_steps: steps, hidden: 6, eval_every: 10 };
  const cli = runStudyCli(small);
  const jobs = study_jobs(small);
  assert.deepEqual(jobs, cli.runs.map((r) => r.job));
  // Every run, handed out in another order (as the page's workers would), to the last bit.
  for (const k of [...jobs.keys()].reverse()) {
    const result = run_study_job(small, jobs[k]);
    assert.deepEqual(plain(result), plain(cli.runs[k].result), `run ${k}`);
  }
  // A point every 10 steps and at the end.
  assert.ok(cli.runs.every((r) => r.result.curve.length === Math.ceil(steps / 10) + 1), JSON.stringify(cli.runs[0].result.curve.map((p) => p.step)));
  assert.throws(() => study_jobs({ ...small, seeds: 0 }), /seeds must be 1 to 20/);
  assert.throws(() => run_study_job(small, { ...jobs[0], variant: 9 }), /no such run: variant 9/);
});
