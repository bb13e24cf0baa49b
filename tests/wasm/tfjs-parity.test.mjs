// A TensorFlow.js layers model against TensorFlow.js itself: the fixture (Embedding, two LSTMs
// with TF.js's default hard sigmoid at the gates, Dropout, a softmax Dense; its weights split
// across two .bin files) is loaded by TF.js (the bench's dependency, run here on its CPU
// backend) and by Gate Lab's module, which must agree on every layer's h at every step and on
// the read-out's probabilities.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { initSync, GateLab, tfjs_weight_files } from '../../www/pkg/gatelab.js';

initSync({ module: fs.readFileSync(new URL('../../www/pkg/gatelab_bg.wasm', import.meta.url)) });
const dir = new URL('../fixtures/tfjs_char/', import.meta.url);

test('a TF.js model runs in Gate Lab as TensorFlow.js runs it: every layer, every step, the read-out', async () => {
  const text = fs.readFileSync(new URL('model.json', dir), 'utf8');
  const json = JSON.parse(text);
  const weights = Buffer.concat(tfjs_weight_files(text).map((file) => fs.readFileSync(new URL(file, dir))));
  const model = await tf.loadLayersModel(tf.io.fromMemory({
    modelTopology: json.modelTopology,
    weightSpecs: json.weightsManifest.flatMap((group) => group.weights),
    weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
  }));
  // TF.js's own reading of the config: its default recurrent activation, the hard sigmoid.
  assert.equal(model.layers[1].getConfig().recurrentActivation, 'hardSigmoid');
  const { vocab } = json.userDefinedMetadata;
  const sample = 'ab (c\nba((a b';
  const ids = tf.tensor2d([[...sample].map((c) => vocab.indexOf(c))]);
  const probe = tf.model({ inputs: model.inputs, outputs: [model.layers[1].output, model.layers[2].output, model.layers[4].output] });
  const [h0, h1, p] = probe.predict(ids).map((t) => t.arraySync()[0]);

  const lab = new GateLab();
  const report = lab.load_tfjs(text, weights, 'model.json');
  for (const [site, name] of report.activations) lab.set_activation(site, name);
  lab.set_text(sample);
  const H = [h0[0].length, h1[0].length];
  for (const [layer, want] of [[0, h0], [1, h1]]) {
    lab.show_layer(layer);
    const got = lab.values('h');
    want.forEach((row, t) => row.forEach((v, u) => {
      const mine = got[t * H[layer] + u];
      assert.ok(Math.abs(mine - v) < 1e-5, `layer ${layer} h at step ${t}, unit ${u}: ${mine} against TF.js's ${v}`);
    }));
  }
  // The inspector's five likeliest next characters, at each step, against TF.js's softmax.
  p.forEach((row, t) => {
    const { top } = lab.step(t).predictions;
    assert.equal(top.length, 5);
    for (const { char, probability } of top) {
      const theirs = row[vocab.indexOf(char)];
      assert.ok(Math.abs(probability - theirs) < 1e-5, `p(${JSON.stringify(char)}) at step ${t}: ${probability} against ${theirs}`);
    }
    const best = vocab[row.indexOf(Math.max(...row))];
    assert.equal(top[0].char, best, `the likeliest at step ${t}`);
  });
  lab.free();
});
