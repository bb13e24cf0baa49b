// The built WebAssembly module, driven from Node: the boundary web.rs exposes, without a DOM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { initSync, GateLab, catalog, visible_steps, take_panic_message } from '../../www/pkg/gatelab.js';

initSync({ module: fs.readFileSync(new URL('../../www/pkg/gatelab_bg.wasm', import.meta.url)) });

test('the counter counts brackets across the boundary', () => {
  const lab = new GateLab();
  lab.set_text('(()x)');
  const c = lab.values('c');
  // Depths 1, 2, 1, 1, 0; sigmoid gates leak about 4.5e-5 per step.
  [1, 2, 1, 1, 0].forEach((d, k) => assert.ok(Math.abs(c[k] - d) < 1e-3, `c[${k}] = ${c[k]}`));
  const s = lab.summary();
  assert.equal(s.steps, 5);
  assert.equal(s.parameters, 20);
  assert.equal(s.other_count, 1);
  assert.equal(s.activations.forget, 'sigmoid');
  lab.free();
});

test('swapping an activation re-runs with the same weights, and back gives identical values', () => {
  const lab = new GateLab();
  lab.use_preset('random', 6, 42);
  lab.set_text('gates, gates');
  const before = lab.values('h');
  lab.set_activation('candidate', 'relu');
  const relu = lab.values('h');
  assert.notDeepEqual(relu, before);
  lab.set_activation('candidate', 'tanh');
  assert.deepEqual(lab.values('h'), before);
  lab.free();
});

test('one step detail has every quantity per unit', () => {
  const lab = new GateLab();
  lab.use_preset('latch', 1, 0);
  lab.set_text('S..R');
  const step = lab.step(3);
  assert.equal(step.char, 'R');
  assert.equal(step.other, false);
  const v = step.units[0].values;
  for (const q of ['z_i', 'z_f', 'z_g', 'z_o', 'i', 'f', 'g', 'o', 'c_prev', 'c', 'cell_out', 'h']) {
    assert.equal(typeof v[q], 'number', q);
  }
  // On R the forget gate shuts (σ(−10)) and −1 is written: c ≈ −1.
  assert.ok(v.f < 1e-4 && Math.abs(v.c + 1) < 1e-3, JSON.stringify(v));
  assert.equal(lab.step(99), undefined);
  lab.free();
});

test('bad input is an error with a message, and the model stays', () => {
  const lab = new GateLab();
  lab.set_text('((');
  assert.throws(() => lab.set_activation('forget', 'swish'), /unknown activation "swish"/);
  assert.throws(() => lab.set_activation('elbow', 'tanh'), /unknown site/);
  assert.throws(() => lab.use_preset('evil', 1, 0), /unknown preset/);
  assert.throws(() => lab.load_weights('{"weight_ih_l0": 3}', 'x.json'), /weight_ih_l0 must be a list of rows/);
  assert.throws(() => lab.load_weights('not json', 'x.json'), /not valid JSON/);
  assert.throws(() => lab.calculate({ c_prev: '1', z_f: '1,2', z_i: '1', z_g: '1', z_o: '1' }), /same, non-zero length: c_prev has 1, z_i has 1, z_f has 2/);
  assert.throws(() => lab.calculate({ c_prev: '1', z_f: '1', z_i: '1', z_g: '1', z_o: '1', h_prev: '0' }), /^Error: h_prev: not read by an LSTM step$/);
  assert.throws(() => lab.calculate('c_prev=1'), /the calculator's fields/);
  // The fields, from the LSTM's table entry.
  assert.deepEqual(lab.calculator_fields().map((f) => f.quantity), ['c_prev', 'z_i', 'z_f', 'z_g', 'z_o']);
  assert.equal(lab.summary().model, 'counter');
  assert.equal(lab.summary().steps, 2);
  lab.free();
});

test('export and load round-trip the weights', () => {
  const lab = new GateLab();
  lab.use_preset('random', 3, 7);
  // The same preset as a GRU: three blocks, its own sites.
  const gru = new GateLab();
  gru.use_preset('random', 3, 7, false, 'gru');
  gru.set_text('abc');
  assert.equal(gru.summary().cell, 'gru');
  assert.equal(gru.values('h').length, 9);
  assert.equal(gru.values('c').length, 0);
  assert.throws(() => gru.use_preset('random', 3, 7, false, 'janet'), /unknown cell "janet": expected lstm, gru, slstm, mingru or minlstm/);
  assert.throws(() => gru.use_preset('counter', 1, 0, false, 'gru'), /hand-set LSTM/);
  gru.free();
  lab.set_text('abc');
  const h = lab.values('h');
  const json = lab.export_weights();
  const other = new GateLab();
  other.load_weights(json, 'exported.json');
  other.set_text('abc');
  assert.deepEqual(other.values('h'), h);
  assert.equal(other.summary().model, 'exported.json');
  lab.free();
  other.free();
});

test('nothing in the shipped module can be asked to panic; no panic is pending', () => {
  assert.equal(GateLab.prototype.crash, undefined);
  assert.equal(take_panic_message(), undefined);
});

test('the catalog names every table, and layout helpers', () => {
  const c = catalog();
  assert.deepEqual(c.activations.map((a) => a.name), ['sigmoid', 'hard_sigmoid', 'hard_sigmoid_tfjs', 'tanh', 'hard_tanh', 'relu', 'leaky_relu', 'softsign', 'identity', 'exp', 'none', 'coupled', 'morph']);
  assert.equal(c.activations[0].label, 'sigmoid σ');
  assert.deepEqual(c.sites.map((s) => s.name), ['forget', 'input', 'output', 'candidate', 'cell_output', 'reset', 'update', 'new', 'hidden_candidate']);
  assert.deepEqual(c.cells.map((cell) => [cell.name, cell.sites.length, cell.blocks.map((b) => b.symbol).join('')]), [['lstm', 5, 'ifgo'], ['gru', 3, 'rzn'], ['slstm', 2, 'ifgo'], ['mingru', 2, 'zh_tilde'], ['minlstm', 3, 'ifh_tilde']]);
  assert.deepEqual(c.presets.map((p) => p.name), ['counter', 'latch', 'random', 'gru-counter', 'slstm-max']);
  assert.equal(c.limits.max_hidden, 64);
  assert.equal(c.margins.left, 132);
  // 132 + 96 px of margins, 6 px per column.
  assert.equal(visible_steps(1000), Math.floor((1000 - 132 - 96) / 6));
});
