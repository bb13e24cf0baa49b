// Cell designs on the page: peepholes (a checkbox, `peepholes=1`) and the coupled input-forget
// gate (“1 − i” in the forget gate's menu, `forget=coupled`), in every view that shows the
// cell's arithmetic, in links, in lessons and in the training lab's Compare.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { axe, openPage, seeView, useBrowser } from './harness.mjs';

const env = useBrowser({ before, after });
const VIEWPORT = { width: 1280, height: 720 };

const settle = (page) => page.waitForFunction(() => window.__gatelab.idle());
const hook = (page, name, ...args) => page.evaluate(([name, args]) => window.__gatelab[name](...args), [name, args]);
const number = (text) => Number(text.replaceAll('−', '-'));
const sigmoid = (z) => 1 / (1 + Math.exp(-z));

/** The diagram's number for quantity `q` (the first element showing it). */
const diagramValue = (page, q) => page.textContent(`#diagram .v[data-q="${q}"]`);

test('peepholes: the checkbox, the count, the diagram and the link; a hand-set preset\'s are 0', async () => {
  const page = await openPage(env.browser, `${env.server.url}?preset=random&hidden=8&seed=3&text=${encodeURIComponent('peep (holes)')}&t=5`, { viewport: VIEWPORT });
  const plain = await hook(page, 'summary');
  const h = await hook(page, 'values', 'h');
  assert.equal(plain.peepholes, false);
  assert.ok(await page.locator('#diagram .peepholes').evaluate((g) => g.classList.contains('off')));
  await page.check('#peepholes');
  await settle(page);
  const s = await hook(page, 'summary');
  // Three diagonal weights per unit: 3H more parameters.
  assert.equal(s.peepholes, true);
  assert.equal(s.parameters, plain.parameters + 3 * s.hidden);
  await seeView(page, 'parameters');
  assert.match(await page.textContent('#param-formula'), new RegExp(`\\+ 3 peepholes × H = 3 × ${s.hidden}`));
  assert.equal(await page.textContent('#diagram .params'), `${s.parameters.toLocaleString('en')} parameters in the cell: 4 blocks × ${s.per_block} + 3 peepholes × ${s.hidden}`);
  assert.equal(await page.locator('#diagram .wire.peephole:not(.off)').count(), 3);
  assert.ok(!(await page.locator('#diagram .peepholes').evaluate((g) => g.classList.contains('off'))));
  assert.match(await hook(page, 'url'), /[?&]peepholes=1(&|$)/);
  // The gates read their pre-activations with the peephole term in: the values follow from them.
  const step = await hook(page, 'step', 5);
  for (const { values: v } of step.units) {
    for (const [z, gate] of [['z_i', 'i'], ['z_f', 'f'], ['z_o', 'o']]) assert.ok(Math.abs(sigmoid(v[z]) - v[gate]) < 1e-6, `${gate} = σ(${z})`);
  }
  const seeing = await hook(page, 'values', 'h');
  assert.ok(seeing.some((v, k) => Math.abs(v - h[k]) > 1e-3), 'the random peepholes change h');
  // A link opens in the same state.
  const link = await hook(page, 'url');
  const opened = await openPage(env.browser, `${env.server.url}${link}`, { viewport: VIEWPORT });
  assert.deepEqual(await hook(opened, 'values', 'h'), seeing);
  await opened.close();
  // Off again: back to the very same run.
  await page.uncheck('#peepholes');
  await settle(page);
  assert.deepEqual(await hook(page, 'values', 'h'), h);
  // The counter's hand-set weights get peepholes of 0: the same counting.
  await hook(page, 'change', { preset: 'counter' });
  await settle(page);
  const counting = await hook(page, 'values', 'c');
  await page.check('#peepholes');
  await settle(page);
  assert.deepEqual(await hook(page, 'values', 'c'), counting);
  assert.equal((await hook(page, 'summary')).model, 'counter with peepholes');
  await seeView(page, 'diagram');
  assert.deepEqual(await axe(page), []);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('the coupled forget gate: f = 1 − i in the trace, the diagram, the inspector and the calculator', async () => {
  const page = await openPage(env.browser, `${env.server.url}?preset=random&hidden=4&seed=5&text=${encodeURIComponent('gates (and) more')}&t=6`, { viewport: VIEWPORT });
  const plain = await hook(page, 'summary');
  // Only the forget gate's menu offers it.
  assert.equal(await page.locator('#act-forget option[value=coupled]').count(), 1);
  for (const site of ['input', 'output', 'candidate', 'cell_output']) {
    assert.equal(await page.locator(`#act-${site} option[value=coupled]`).count(), 0, site);
  }
  await page.selectOption('#act-forget', 'coupled');
  await settle(page);
  const [f, i] = [await hook(page, 'values', 'f'), await hook(page, 'values', 'i')];
  f.forEach((v, k) => assert.ok(Math.abs(v - (1 - i[k])) < 1e-7, `f = 1 − i at ${k}`));
  // The forget block's own weights are gone.
  const s = await hook(page, 'summary');
  assert.equal(s.live_blocks, 3);
  assert.equal(s.parameters, plain.parameters - s.per_block);
  await seeView(page, 'parameters');
  assert.match(await page.textContent('#param-formula'), /coupled \(1 − i\) has no weights of its own/);
  // The diagram: the box says 1 − i, reads i, and its feeder from the input bus is cut.
  await seeView(page, 'diagram');
  const box = page.locator('#diagram .site[data-site=forget]');
  assert.equal(await box.locator('.act').textContent(), '1 − i');
  assert.match(await box.getAttribute('aria-label'), /^forget gate: 1 − i \(coupled, CIFG\); i = \S+, f = \S+$/);
  assert.equal(await box.locator('.v').nth(1).getAttribute('data-q'), 'i');
  const v = (await hook(page, 'step', 6)).units[0].values;
  assert.equal(number(await box.locator('.v').nth(1).textContent()), Number(v.i.toFixed(3)));
  assert.ok(Math.abs(number(await diagramValue(page, 'f')) - (1 - v.i)) < 1.5e-3);
  // The inspector: the forget column is f = 1 − i, and each cell reads i → f.
  await seeView(page, 'inspector');
  const heads = await page.$$eval('#inspector table th', (ths) => ths.map((th) => th.textContent));
  assert.ok(heads.includes('f = 1 − i'), heads.join(' | '));
  const column = heads.indexOf('f = 1 − i');
  const cell = await page.textContent(`#inspector table tr:nth-child(2) td:nth-child(${column + 1})`);
  const [from, to] = cell.split(' → ').map(number);
  assert.ok(Math.abs(from - v.i) < 1e-3 && Math.abs(to - v.f) < 1e-3, cell);
  // The calculator: f = 1 − i from the typed i (the thread example: i = σ(−20) ≈ 0, so f ≈ 1).
  await seeView(page, 'calculator');
  assert.equal(await page.textContent('.calc-result tr[data-row=f] th'), 'f = 1 − i');
  const result = await hook(page, 'calculator');
  // (In f32, as the trace: the same rounding as Math.fround of the exact difference.)
  result.f.forEach((value, k) => assert.equal(value, Math.fround(1 - result.i[k])));
  // Back to sigmoid: the block and the feeder return.
  await page.selectOption('#act-forget', 'sigmoid');
  await settle(page);
  assert.equal((await hook(page, 'summary')).parameters, plain.parameters);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('links: forget=coupled opens so; coupled anywhere else is refused with a notice, and the rest kept', async () => {
  const page = await openPage(env.browser, `${env.server.url}?preset=random&forget=coupled&peepholes=1&input=coupled`, { viewport: VIEWPORT });
  const s = await hook(page, 'state');
  assert.equal(s.acts.forget, 'coupled');
  assert.equal(s.acts.input, 'sigmoid');
  assert.equal(s.peepholes, true);
  const notices = await hook(page, 'notices');
  assert.ok(notices.some((n) => n === '"coupled" in the link is only for the forget gate, not input; using sigmoid.'), notices.join('\n'));
  // CIFG with peepholes: w_cf goes with the forget block.
  const summary = await hook(page, 'summary');
  assert.equal(summary.live_peepholes, 2);
  assert.equal(summary.parameters, 3 * summary.per_block + 2 * summary.hidden);
  // The diagram draws the two peepholes that count: not the coupled forget gate's.
  assert.equal(await page.locator('#diagram .wire.peephole:not(.off)').count(), 2);
  assert.equal(await page.locator('#diagram .site[data-site=forget] .act').textContent(), '1 − i');
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('lessons say what the state shows with peepholes and a coupled forget gate', async () => {
  const page = await openPage(env.browser, `${env.server.url}?lesson=1`, { viewport: VIEWPORT });
  const q3 = (await hook(page, 'lessons')).findIndex((l) => l.question === 'Q3') + 1;
  await hook(page, 'lesson', q3);
  await settle(page);
  await page.click('#lesson-answer-toggle');
  await hook(page, 'change', { peepholes: true, acts: { forget: 'coupled' } });
  await settle(page);
  const s = await hook(page, 'summary');
  const text = await page.textContent('#lesson-answer');
  for (const fact of [`${s.parameters} parameters = 3 × ${s.per_block} + 2 peepholes × ${s.hidden}`,
    'The forget gate is coupled (1 − i), so its block is gone.']) {
    assert.ok(text.includes(fact), `“${fact}” in: ${text}`);
  }
  // Entering a lesson sets its own model: no peepholes.
  const lessons = await hook(page, 'lessons');
  await hook(page, 'lesson', lessons.findIndex((l) => l.question === 'Q11') + 1);
  await settle(page);
  assert.equal((await hook(page, 'state')).peepholes, false);
  await hook(page, 'change', { acts: { forget: 'coupled' } });
  await settle(page);
  if (!(await page.isVisible('#lesson-answer'))) await page.click('#lesson-answer-toggle');
  await settle(page);
  const answer = await page.textContent('#lesson-answer');
  assert.match(answer, /the coupled \(1 − i\) forget gate is f = /);
  assert.doesNotMatch(answer, /sigmoid forget gate/);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('Compare offers the LSTM with peepholes, CIFG, the GRU and the sLSTM, and counts their parameters', async () => {
  const page = await openPage(env.browser, `${env.server.url}?views=training`, { viewport: VIEWPORT });
  await seeView(page, 'training');
  const labels = await page.$$eval('#compare-variants label', (ls) => ls.map((l) => l.textContent.trim()));
  assert.ok(['LSTM + peepholes', 'CIFG (f = 1 − i)', 'GRU', 'sLSTM'].every((l) => labels.includes(l)), labels.join(', '));
  await page.$$eval('#compare-variants input', (boxes) => boxes.forEach((b) => { b.checked = false; }));
  // (By whole label: "GRU" is inside "minGRU".)
  await page.$$eval('#compare-variants label', (ls, names) => ls.filter((l) => names.includes(l.textContent.trim())).forEach((l) => l.querySelector('input').click()),
    ['standard', 'LSTM + peepholes', 'CIFG (f = 1 − i)', 'GRU', 'sLSTM']);
  await page.fill('#compare-seeds', '1');
  await page.fill('#compare-steps', '20');
  await page.click('#compare-run');
  await page.waitForFunction(() => window.__gatelab.training().snapshot?.finished, null, { timeout: 120_000 });
  const s = (await hook(page, 'training')).snapshot;
  const [standard, peep, cifg, gru, slstm] = ['standard', 'LSTM + peepholes', 'CIFG (f = 1 − i)', 'GRU', 'sLSTM'].map((name) => s.variants.find((v) => v.variant === name));
  const hidden = Number(await page.inputValue('#train-hidden'));
  assert.equal(peep.peepholes, true);
  assert.equal(peep.parameters, standard.parameters + 3 * hidden);
  assert.equal(cifg.activations.forget, 'coupled');
  // One block fewer: H rows of W_ih (I columns) and W_hh (H columns) and both biases.
  const block = (standard.parameters - standard.readout_parameters) / 4;
  assert.equal(cifg.parameters, standard.parameters - block);
  // The GRU: three blocks of the same size (r, z, n), its own three sites.
  assert.equal(gru.cell, 'gru');
  assert.deepEqual(gru.activations, { reset: 'sigmoid', update: 'sigmoid', new: 'tanh' });
  assert.equal(gru.parameters, standard.parameters - block);
  assert.equal(gru.finished, 1);
  // The sLSTM: the LSTM's four blocks, and its two sites.
  assert.equal(slstm.cell, 'slstm');
  assert.deepEqual(slstm.activations, { output: 'sigmoid', candidate: 'tanh' });
  assert.equal(slstm.parameters, standard.parameters);
  for (const name of ['GRU', 'sLSTM']) {
    assert.ok(s.runs.filter((r) => r.variant === name).every((r) => r.steps === 20 && r.curve.every((p) => Number.isFinite(p.heldout_loss))), name);
  }
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('the GRU on the page: its sites, heatmaps, inspector, step table, count and link; the LSTM-only views say so', async () => {
  const text = encodeURIComponent('gru (cell)');
  const page = await openPage(env.browser, `${env.server.url}?preset=random&hidden=4&seed=2&text=${text}&t=3`, { viewport: VIEWPORT });
  await page.selectOption('#cell', 'gru');
  await settle(page);
  const s = await hook(page, 'summary');
  assert.equal(s.cell, 'gru');
  // Three blocks of H(I + H + 2), as nn.GRU(95, 4) has.
  assert.equal(s.parameters, 3 * 4 * (95 + 4 + 2));
  assert.deepEqual(Object.keys(s.activations), ['reset', 'update', 'new']);
  assert.match(await hook(page, 'url'), /[?&]cell=gru(&|$)/);
  // Only the GRU's three activation controls, and no peepholes.
  const shown = await page.$$eval('#activations .act-row', (rows) => rows.filter((r) => r.checkVisibility()).map((r) => r.querySelector('select').id));
  assert.deepEqual(shown, ['act-reset', 'act-update', 'act-new']);
  assert.ok(await page.evaluate(() => document.getElementById('peepholes').disabled));
  // h = (1 − z)·n + z·h_prev at every step and unit, in the traced numbers.
  const [z, n, hPrev, h] = await Promise.all(['z', 'n', 'h_prev', 'h'].map((q) => hook(page, 'values', q)));
  h.forEach((v, k) => assert.ok(Math.abs(v - ((1 - z[k]) * n[k] + z[k] * hPrev[k])) < 1e-6, `h at ${k}`));
  // The inspector writes the GRU's step, with this step's numbers.
  await seeView(page, 'inspector');
  const heads = await page.$$eval('#inspector table th', (ths) => ths.map((th) => th.textContent));
  assert.deepEqual(heads, ['unit', 'r = σ(z_r)', 'z = σ(z_z)', 'n = tanh(z_n)', 'z_n = xn + r × hn', 'h = (1 − z) × n + z × h_prev']);
  const v = (await hook(page, 'step', 3)).units[0].values;
  const cells = await page.$$eval('#inspector table tr:nth-child(2) td', (tds) => tds.map((td) => td.textContent));
  // z_n's two parts: the reset gate scales the recurrent one alone.
  const parts = cells[4].match(/^(\S+) \+ (\S+) × (\S+) = (\S+)$/);
  assert.ok(parts, cells[4]);
  assert.ok(Math.abs(number(parts[1]) + number(parts[2]) * number(parts[3]) - number(parts[4])) < 2e-3, cells[4]);
  assert.ok(Math.abs(number(parts[2]) - v.r) < 1e-3 && Math.abs(number(parts[4]) - v.z_n) < 1e-3, cells[4]);
  const worked = cells[5].match(/^\(1 − (\S+)\) × (\S+) \+ (\S+) × (\S+) = (\S+)$/);
  assert.ok(worked, cells[5]);
  assert.ok(Math.abs(number(worked[1]) - v.z) < 1e-3 && Math.abs(number(worked[2]) - v.n) < 1e-3 && Math.abs(number(worked[5]) - v.h) < 1e-3, cells[5]);
  // Swapping a site changes the run: n = ReLU(z_n).
  await page.selectOption('#act-new', 'relu');
  await settle(page);
  const [zn, relu] = [await hook(page, 'values', 'z_n'), await hook(page, 'values', 'n')];
  relu.forEach((value, k) => assert.equal(value, Math.max(0, zn[k])));
  // The step table lists the GRU's quantities; the diagram and the calculator say what they draw.
  const columns = await page.$$eval('#step-table th[scope=col]', (ths) => ths.map((th) => th.textContent));
  assert.deepEqual(columns, ['unit', 'z_r', 'r', 'z_z', 'z', 'z_n', 'n', 'xn', 'hn', 'h_prev', 'h']);
  await seeView(page, 'diagram');
  assert.match(await page.textContent('#diagram .diagram-other'), /^The GRU on screen computes z_n = xn \+ r ⊙ hn; h = \(1 − z\) ⊙ n \+ z ⊙ h_prev, with r = σ\(z_r\), z = σ\(z_z\), n = ReLU\(z_n\)\. Its 3 blocks \(r, z, n\) are each fed hₜ₋₁ and xₜ\. The n block keeps its two parts apart: xn = W·xₜ \+ b and hn = W·hₜ₋₁ \+ b\./);
  assert.deepEqual(await axe(page), []);
  // The link opens the same GRU.
  const link = await hook(page, 'url');
  const opened = await openPage(env.browser, `${env.server.url}${link}`, { viewport: VIEWPORT });
  assert.deepEqual(await hook(opened, 'values', 'h'), await hook(page, 'values', 'h'));
  await opened.close();
  // Back to the LSTM: its five controls and its diagram.
  await page.selectOption('#cell', 'lstm');
  await settle(page);
  assert.equal((await hook(page, 'summary')).cell, 'lstm');
  assert.equal(await page.$$eval('#activations .act-row', (rows) => rows.filter((r) => r.checkVisibility()).length), 5);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('a GRU weights file loads as a GRU; a hand-set preset stays an LSTM, with a notice for a link that asks otherwise', async () => {
  const page = await openPage(env.browser, `${env.server.url}?preset=counter&cell=gru`, { viewport: VIEWPORT });
  assert.equal((await hook(page, 'summary')).cell, 'lstm');
  assert.ok((await hook(page, 'notices')).includes('The counter preset is a hand-set LSTM; cell=gru works with the random preset.'));
  assert.ok(await page.evaluate(() => document.getElementById('cell').disabled));
  // nn.GRU(2, 1)'s state_dict: 3H rows (r, z, n) for H = 1. Step 0 by hand: x = "a", h = 0, so
  // r = σ(0.1), z = σ(0.3), n = tanh(0.5 + r·0) = 0.462117, h = (1 − z)·n = (1 − 0.574443)·0.462117 = 0.196657.
  const gru = { weight_ih_l0: [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]], weight_hh_l0: [[0.1], [0.2], [0.3]], bias_ih_l0: [0, 0, 0], bias_hh_l0: [0, 0, 0], vocab: ['a', 'b'] };
  await page.setInputFiles('#weights-file', { name: 'gru.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(gru)) });
  await page.waitForFunction(() => window.__gatelab.summary().model === 'gru.json');
  await hook(page, 'change', { text: 'ab' });
  await settle(page);
  const s = await hook(page, 'summary');
  assert.equal(s.cell, 'gru');
  assert.equal(s.parameters, 3 * 1 * (2 + 1 + 2));
  assert.ok(Math.abs((await hook(page, 'values', 'h'))[0] - 0.196657) < 1e-5);
  assert.equal(await page.inputValue('#cell'), 'gru');
  assert.ok(await page.evaluate(() => document.getElementById('cell').disabled));
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('the sLSTM on the page: its two sites, its stabilised gates, normaliser and h = o·c/norm, inspector, link and count', async () => {
  const text = encodeURIComponent('slstm (cell) and more');
  const page = await openPage(env.browser, `${env.server.url}?preset=random&hidden=4&seed=2&text=${text}&t=3`, { viewport: VIEWPORT });
  await page.selectOption('#cell', 'slstm');
  await settle(page);
  const s = await hook(page, 'summary');
  assert.equal(s.cell, 'slstm');
  // Four blocks (i, f, g, o) of H(I + H + 2), as the LSTM's.
  assert.equal(s.parameters, 4 * 4 * (95 + 4 + 2));
  assert.deepEqual(Object.keys(s.activations), ['output', 'candidate']);
  assert.match(await hook(page, 'url'), /[?&]cell=slstm(&|$)/);
  const shown = await page.$$eval('#activations .act-row', (rows) => rows.filter((r) => r.checkVisibility()).map((r) => r.querySelector('select').id));
  assert.deepEqual(shown, ['act-output', 'act-candidate']);
  // Every step and unit, in the traced (f32) numbers: the stabiliser, the gates, c, norm and h.
  const q = Object.fromEntries(await Promise.all(['z_i', 'z_f', 'z_g', 'i', 'f', 'g', 'o', 'm', 'm_prev', 'c', 'c_prev', 'norm', 'norm_prev', 'h'].map(async (k) => [k, await hook(page, 'values', k)])));
  const close = (a, b, what) => assert.ok(Math.abs(a - b) <= 1e-5 * Math.max(1, Math.abs(b)), `${what}: ${a} against ${b}`);
  q.h.forEach((_, k) => {
    const logF = Math.log(sigmoid(q.z_f[k]));
    close(q.m[k], Math.max(logF + q.m_prev[k], q.z_i[k]), `m at ${k}`);
    close(q.i[k], Math.exp(q.z_i[k] - q.m[k]), `i at ${k}`);
    close(q.f[k], Math.exp(logF + q.m_prev[k] - q.m[k]), `f at ${k}`);
    assert.ok(q.i[k] > 0 && q.i[k] <= 1 && q.f[k] > 0 && q.f[k] <= 1, `gates in (0, 1] at ${k}`);
    close(q.c[k], q.f[k] * q.c_prev[k] + q.i[k] * q.g[k], `c at ${k}`);
    close(q.norm[k], q.f[k] * q.norm_prev[k] + q.i[k], `norm at ${k}`);
    close(q.h[k], q.o[k] * q.c[k] / q.norm[k], `h at ${k}`);
  });
  // The inspector writes the sLSTM's step, with this step's numbers.
  await seeView(page, 'inspector');
  const heads = await page.$$eval('#inspector table th', (ths) => ths.map((th) => th.textContent));
  assert.deepEqual(heads, ['unit', 'g = tanh(z_g)', 'o = σ(z_o)', 'm = max(log σ(z_f) + m_prev, z_i)', 'i = exp(z_i − m)',
    'f = exp(log σ(z_f) + m_prev − m)', 'c = f × c_prev + i × g', 'norm = f × norm_prev + i', 'h = o × c / norm']);
  const v = (await hook(page, 'step', 3)).units[0].values;
  const cells = await page.$$eval('#inspector table tr:nth-child(2) td', (tds) => tds.map((td) => td.textContent));
  const worked = cells.at(-1).match(/^(\S+) × (\S+) \/ (\S+) = (\S+)$/);
  assert.ok(worked, cells.at(-1));
  [v.o, v.c, v.norm, v.h].forEach((want, k) => assert.ok(Math.abs(number(worked[k + 1]) - want) < 1e-3, cells.at(-1)));
  // The candidate is a site: ReLU there makes g = max(0, z_g).
  await page.selectOption('#act-candidate', 'relu');
  await settle(page);
  const [zg, g] = [await hook(page, 'values', 'z_g'), await hook(page, 'values', 'g')];
  g.forEach((value, k) => assert.equal(value, Math.max(0, zg[k])));
  await seeView(page, 'diagram');
  assert.match(await page.textContent('#diagram .diagram-other'), /The sLSTM on screen computes m = max\(log σ\(z_f\) \+ m_prev, z_i\); i = exp\(z_i − m\)/);
  assert.deepEqual(await axe(page), []);
  // The link opens the same sLSTM.
  const link = await hook(page, 'url');
  const opened = await openPage(env.browser, `${env.server.url}${link}`, { viewport: VIEWPORT });
  assert.deepEqual(await hook(opened, 'values', 'h'), await hook(page, 'values', 'h'));
  await opened.close();
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('an sLSTM weights file ("cell": "slstm") loads and runs as worked by hand; exp is a choice at the LSTM\'s gates', async () => {
  const page = await openPage(env.browser, `${env.server.url}?preset=random&hidden=2`, { viewport: VIEWPORT });
  // H = 1, I = 2, step 0 (x = "a", all states 0): z = (0.1, 0.3, 0.5, 0.7) for i, f, g, o.
  // log σ(0.3) = −ln(1 + e^−0.3) = −0.554355; m = max(−0.554355 + 0, 0.1) = 0.1; i = e^0 = 1;
  // f = e^(−0.554355 − 0.1) = 0.519777; c = 1·tanh(0.5) = 0.462117; norm = 1;
  // h = σ(0.7)·c/norm = 0.668188 × 0.462117 = 0.308781.
  // Step 1 (x = "b"): z = (0.2, 0.4, 0.6, 0.8) + (0.1, 0.2, 0.3, 0.4)·0.308781, which gives
  // m = z_i = 0.230878, i = 1, f = 0.538178, c = 0.848373, norm = 1.538178, h = 0.394772.
  const slstm = {
    weight_ih_l0: [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6], [0.7, 0.8]], weight_hh_l0: [[0.1], [0.2], [0.3], [0.4]],
    bias_ih_l0: [0, 0, 0, 0], bias_hh_l0: [0, 0, 0, 0], vocab: ['a', 'b'], cell: 'slstm',
  };
  await page.setInputFiles('#weights-file', { name: 'slstm.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(slstm)) });
  await page.waitForFunction(() => window.__gatelab.summary().model === 'slstm.json');
  await hook(page, 'change', { text: 'ab' });
  await settle(page);
  assert.equal((await hook(page, 'summary')).cell, 'slstm');
  const h = await hook(page, 'values', 'h');
  assert.ok(Math.abs(h[0] - 0.308781) < 1e-5 && Math.abs(h[1] - 0.394772) < 1e-5, String(h));
  assert.ok(Math.abs((await hook(page, 'values', 'f'))[0] - 0.519777) < 1e-5);
  assert.ok(Math.abs((await hook(page, 'values', 'norm'))[1] - 1.538178) < 1e-5);
  // exp at the ordinary LSTM's input gate: i = e^{z_i}, above 1 where z_i > 0.
  await page.selectOption('#preset', 'random');
  await page.waitForFunction(() => window.__gatelab.summary().cell === 'lstm');
  await page.selectOption('#act-input', 'exp');
  await settle(page);
  const [zi, i] = [await hook(page, 'values', 'z_i'), await hook(page, 'values', 'i')];
  i.forEach((value, k) => assert.ok(Math.abs(value - Math.exp(zi[k])) <= 1e-6 * Math.max(1, Math.exp(zi[k])), `i at ${k}`));
  assert.match(await hook(page, 'url'), /[?&]input=exp(&|$)/);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('the minimal cells on the page: gates that see x only, their count, equations, inspector and link', async () => {
  const text = encodeURIComponent('abcab (a)');
  const page = await openPage(env.browser, `${env.server.url}?preset=random&hidden=4&seed=3&text=${text}&t=3`, { viewport: VIEWPORT });
  await page.selectOption('#cell', 'mingru');
  await settle(page);
  let s = await hook(page, 'summary');
  // Two blocks of H(I + 1): W_ih and b_ih only.
  assert.equal(s.parameters, 2 * 4 * (95 + 1));
  assert.deepEqual(Object.keys(s.activations), ['update', 'hidden_candidate']);
  // The count waits while out of sight (it was stale in Firefox at 1280×720 before this).
  await seeView(page, 'parameters');
  assert.match(await page.textContent('#param-formula'), /^2 gate blocks × H\(I \+ 1\) = 2 × 4 × \(95 \+ 1\)\./);
  const [z, candidate, hPrev, h] = await Promise.all(['z', 'h_tilde', 'h_prev', 'h'].map((q) => hook(page, 'values', q)));
  h.forEach((v, k) => assert.ok(Math.abs(v - ((1 - z[k]) * hPrev[k] + z[k] * candidate[k])) < 1e-6, `h at ${k}`));
  // The gate sees x only: "a" at steps 0 and 3 gives the same z, whatever h was.
  assert.deepEqual(z.slice(0, 4), z.slice(12, 16));
  assert.notDeepEqual(hPrev.slice(0, 4), hPrev.slice(12, 16));
  await page.selectOption('#cell', 'minlstm');
  await settle(page);
  s = await hook(page, 'summary');
  assert.equal(s.parameters, 3 * 4 * (95 + 1));
  assert.deepEqual(Object.keys(s.activations), ['forget', 'input', 'hidden_candidate']);
  const q = Object.fromEntries(await Promise.all(['f', 'i', 'f_share', 'i_share', 'h_tilde', 'h_prev', 'h'].map(async (k) => [k, await hook(page, 'values', k)])));
  q.h.forEach((v, k) => {
    assert.ok(Math.abs(q.f_share[k] - q.f[k] / (q.f[k] + q.i[k])) < 1e-6 && Math.abs(q.f_share[k] + q.i_share[k] - 1) < 1e-6, `shares at ${k}`);
    assert.ok(Math.abs(v - (q.f_share[k] * q.h_prev[k] + q.i_share[k] * q.h_tilde[k])) < 1e-6, `h at ${k}`);
  });
  await seeView(page, 'inspector');
  const heads = await page.$$eval('#inspector table th', (ths) => ths.map((th) => th.textContent));
  assert.deepEqual(heads, ['unit', 'f = σ(z_f)', 'i = σ(z_i)', 'h_tilde = id(z_h)', 'f_share = f / (f + i)', 'i_share = i / (f + i)', 'h = f_share × h_prev + i_share × h_tilde']);
  assert.deepEqual(await axe(page), []);
  const link = await hook(page, 'url');
  assert.match(link, /[?&]cell=minlstm(&|$)/);
  const opened = await openPage(env.browser, `${env.server.url}${link}`, { viewport: VIEWPORT });
  assert.deepEqual(await hook(opened, 'values', 'h'), await hook(page, 'values', 'h'));
  await opened.close();
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('a loaded file of any design travels in the link: a minGRU worked by hand, a GRU and an LSTM with peepholes', async () => {
  // minGRU, H = 1, I = 2 (blocks z, h̃). Step 0 on "a": z = σ(0.5) = 0.622459, h̃ = −0.8 (identity),
  // h = (1 − z)·0 + z·h̃ = −0.497967. Step 1 on "b": z = σ(0.1) = 0.524979, h̃ = 0.3,
  // h = (1 − 0.524979)·(−0.497967) + 0.524979 × 0.3 = −0.236545 + 0.157494 = −0.079051.
  const files = [
    ['mingru', { weight_ih_l0: [[0.5, 0.1], [-0.8, 0.3]], bias_ih_l0: [0, 0], vocab: ['a', 'b'], cell: 'mingru' }, [-0.497967, -0.079051]],
    ['gru', { weight_ih_l0: [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]], weight_hh_l0: [[0.1], [0.2], [0.3]], bias_ih_l0: [0, 0, 0], bias_hh_l0: [0, 0, 0], vocab: ['a', 'b'] }, null],
    ['lstm', { weight_ih_l0: [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6], [0.7, 0.8]], weight_hh_l0: [[0.1], [0.2], [0.3], [0.4]], bias_ih_l0: [0, 0, 0, 0], bias_hh_l0: [0, 0, 0, 0], weight_ci_l0: [0.5], weight_cf_l0: [-0.5], weight_co_l0: [0.25], vocab: ['a', 'b'] }, null],
  ];
  for (const [cell, file, byHand] of files) {
    const page = await openPage(env.browser, `${env.server.url}?text=ab`, { viewport: VIEWPORT });
    await page.setInputFiles('#weights-file', { name: `${cell}.json`, mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(file)) });
    await page.waitForFunction((name) => window.__gatelab.summary().model === name, `${cell}.json`);
    await settle(page);
    const s = await hook(page, 'summary');
    assert.equal(s.cell, cell);
    const h = await hook(page, 'values', 'h');
    if (byHand) byHand.forEach((want, k) => assert.ok(Math.abs(h[k] - want) < 1e-5, `${cell} h[${k}] = ${h[k]}, by hand ${want}`));
    const link = await hook(page, 'url');
    assert.match(link, /[?&]weights=/, cell);
    const opened = await openPage(env.browser, `${env.server.url}${link}`, { viewport: VIEWPORT });
    const again = await hook(opened, 'summary');
    assert.deepEqual([again.cell, again.peepholes, again.parameters], [s.cell, s.peepholes, s.parameters], cell);
    assert.deepEqual(await hook(opened, 'values', 'h'), h, cell);
    assert.deepEqual(opened.problems, [], cell);
    await opened.close();
    await page.close();
  }
});

test('every design but the LSTM has its own figure: a box per block, fed [h, x] or x only, and its equations worked with the step\'s numbers', async () => {
  const page = await openPage(env.browser, `${env.server.url}?preset=random&hidden=3&seed=4&text=${encodeURIComponent('figure (it)')}&t=4&unit=1`, { viewport: VIEWPORT });
  // (The GRU's reset gate stands beside n, whose recurrent part it scales.)
  const designs = [['gru', true, ['z', 'r', 'n']], ['slstm', true, ['i', 'f', 'g', 'o']], ['mingru', false, ['z', 'h_tilde']], ['minlstm', false, ['i', 'f', 'h_tilde']]];
  for (const [cell, recurrent, blocks] of designs) {
    await page.selectOption('#cell', cell);
    await settle(page);
    await seeView(page, 'diagram');
    const figure = await page.evaluate(() => {
      const svg = document.querySelector('#diagram svg.cell-figure');
      const lstm = document.querySelector('#diagram svg.diagram-svg:not(.cell-figure)');
      const visible = (e) => e && getComputedStyle(e).display !== 'none' && e.getBoundingClientRect().width > 0;
      return {
        shown: visible(svg), lstmShown: visible(lstm),
        boxes: [...svg.querySelectorAll('.part .box')].map((b) => b.closest('.part').dataset.row),
        bus: [...svg.querySelectorAll('text.small')].map((t) => t.textContent),
        worked: Object.fromEntries([...svg.querySelectorAll('.part')].filter((g) => g.querySelector('.eq')).map((g) => [g.dataset.row, g.querySelector('.eq-worked').textContent])),
        labels: [...svg.querySelectorAll('.part .box')].map((b) => b.closest('.part').getAttribute('aria-label')),
      };
    });
    assert.ok(figure.shown && !figure.lstmShown, cell);
    assert.deepEqual(figure.boxes, blocks, cell);
    assert.ok(figure.bus.includes(recurrent ? '[h, x]' : 'x only'), `${cell}: ${figure.bus}`);
    // The worked h is this step's h, for the selected unit.
    const v = (await hook(page, 'step', 4)).units[1].values;
    const result = figure.worked.h.match(/ = (\S+)$/);
    assert.ok(result && Math.abs(number(result[1]) - v.h) < 1e-3, `${cell}: ${figure.worked.h} against ${v.h}`);
    // Each box names its value with this step's number.
    figure.labels.forEach((label, k) => {
      const shown = label.match(new RegExp(`, ${blocks[k]} = (\\S+)$`));
      assert.ok(shown && Math.abs(number(shown[1]) - v[blocks[k]]) < 1e-3, `${cell}: ${label} against ${v[blocks[k]]}`);
    });
    if (cell === 'gru') {
      // r scales the recurrent part of n alone: hn goes through the × node, xn straight up.
      const said = await page.$$eval('#diagram svg.cell-figure .part', (gs) => Object.fromEntries(gs.map((g) => [g.dataset.row, g.getAttribute('aria-label')])));
      const node = await page.getAttribute('#diagram svg.cell-figure .scaling-node', 'aria-label');
      const [, product] = node.match(/^r ⊙ hn = (\S+): the r gate scales hn, the recurrent part of z_n$/) ?? [];
      assert.ok(product && Math.abs(number(product) - v.r * v.hn) < 1e-3, node);
      for (const [q, what] of [['hn', 'W_hn·h_{t−1} + b_hn'], ['xn', 'W_in·x_t + b_in']]) {
        const [, value] = said[q].match(new RegExp(`^${q} = ${what.replace(/[+·{}]/g, '\\$&')} = (\\S+)$`)) ?? [];
        assert.ok(value && Math.abs(number(value) - v[q]) < 1e-3, said[q]);
      }
      assert.ok(Math.abs(v.xn + v.r * v.hn - v.z_n) < 1e-5);
    }
    assert.deepEqual(await axe(page), [], cell);
  }
  // Back to the LSTM: its own diagram again.
  await page.selectOption('#cell', 'lstm');
  await settle(page);
  assert.ok(await page.evaluate(() => getComputedStyle(document.querySelector('#diagram svg.cell-figure')).display === 'none'));
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('hand-set presets of other designs: a GRU trying to count, and an sLSTM keeping the largest digit', async () => {
  let page = await openPage(env.browser, `${env.server.url}?preset=gru-counter`, { viewport: VIEWPORT });
  let s = await hook(page, 'summary');
  assert.equal(s.cell, 'gru');
  assert.deepEqual(await hook(page, 'notices'), []);
  assert.equal(await page.inputValue('#cell'), 'gru');
  assert.ok(await page.evaluate(() => document.getElementById('cell').disabled));
  // Its text, eight ( then x then eight ): h follows tanh(h ± 0.2), worked here.
  const text = (await hook(page, 'state')).text;
  assert.equal(text, '((((((((x))))))))');
  let expected = 0;
  const h = await hook(page, 'values', 'h');
  [...text].forEach((ch, t) => {
    if (ch !== 'x') expected = Math.tanh(expected + (ch === '(' ? 0.2 : -0.2));
    assert.ok(Math.abs(h[t] - expected) < 1e-3, `step ${t}: ${h[t]} against ${expected}`);
  });
  assert.ok(h[16] < -0.6, `the closed brackets leave h at ${h[16]}, not 0`);
  // The LSTM counter, picked from the menu, is an LSTM again, and its c comes back to 0.
  await page.selectOption('#preset', 'counter');
  await settle(page);
  assert.equal((await hook(page, 'summary')).cell, 'lstm');
  await hook(page, 'change', { text });
  await settle(page);
  assert.ok(Math.abs((await hook(page, 'values', 'c'))[16]) < 0.01);
  // The sLSTM preset, picked from the menu on a fresh page (so its own text comes with it): m is
  // 3 × the largest digit so far, and h ≈ tanh(largest / 10).
  await page.close();
  page = await openPage(env.browser, env.server.url, { viewport: VIEWPORT });
  await page.selectOption('#preset', 'slstm-max');
  await settle(page);
  s = await hook(page, 'summary');
  assert.equal(s.cell, 'slstm');
  const digits = (await hook(page, 'state')).text;
  const [m, hs] = [await hook(page, 'values', 'm'), await hook(page, 'values', 'h')];
  let largest = -1;
  [...digits].forEach((ch, t) => {
    if (/\d/.test(ch)) largest = Math.max(largest, Number(ch));
    assert.ok(Math.abs(m[t] - 3 * largest) < 1e-3, `m at ${t}`);
    assert.ok(Math.abs(hs[t] - Math.tanh(largest / 10)) < 3e-3, `h at ${t}`);
  });
  assert.deepEqual(await axe(page), []);
  assert.deepEqual(page.problems, []);
  await page.close();
  // A link that asks a hand-set preset for another design gets a notice and the preset's own.
  const asked = await openPage(env.browser, `${env.server.url}?preset=gru-counter&cell=slstm`, { viewport: VIEWPORT });
  assert.equal((await hook(asked, 'summary')).cell, 'gru');
  assert.ok((await hook(asked, 'notices')).includes('The gru-counter preset is a hand-set GRU; cell=slstm works with the random preset.'));
  await asked.close();
});

test('the one-step calculator works every design\'s step: the fields it reads, its rows in order, the step on screen worked again, a swapped site, bad input', async () => {
  const page = await openPage(env.browser, `${env.server.url}?preset=random&hidden=4&seed=5&text=${encodeURIComponent('gates (and) more')}&t=6&unit=1`, { viewport: VIEWPORT });
  // What each design's step reads: the states at t − 1 it needs (h_prev only where h_{t−1}
  // reaches h_t other than through W_hh), then each block's pre-activation as its activation
  // reads it, or the GRU's z_n in its two parts.
  const designs = {
    lstm: ['c_prev', 'z_i', 'z_f', 'z_g', 'z_o'],
    gru: ['h_prev', 'z_r', 'z_z', 'xn', 'hn'],
    slstm: ['c_prev', 'norm_prev', 'm_prev', 'z_i', 'z_f', 'z_g', 'z_o'],
    mingru: ['h_prev', 'z_z', 'z_h'],
    minlstm: ['h_prev', 'z_i', 'z_f', 'z_h'],
  };
  for (const [cell, fields] of Object.entries(designs)) {
    await hook(page, 'change', { cell });
    await settle(page);
    await seeView(page, 'calculator');
    const ids = await page.$$eval('.calc-form input', (inputs) => inputs.map((i) => i.id));
    assert.deepEqual(ids, fields.map((f) => `calc-${f}`), cell);
    await page.click('#calc-from-step');
    assert.equal(await page.textContent('#calc-from-step'), 'Take step 6’s numbers');
    // The step on screen worked again from its own numbers: every value the trace has for it
    // (units 0 to 3), to the last bit (both in f32, through the design's own step).
    const result = await hook(page, 'calculator');
    const { units } = await hook(page, 'step', 6);
    let compared = 0;
    for (const [q, list] of Object.entries(result)) {
      if (!(q in units[0].values)) continue;
      list.forEach((got, u) => assert.equal(got, units[u].values[q], `${cell}: ${q} at unit ${u}`));
      compared += 1;
    }
    assert.ok(compared >= 6 && 'h' in result, `${cell}: ${Object.keys(result)}`);
    // Each row comes after the rows it reads: no row names a value that only a later row computes.
    const rows = await page.$$eval('.calc-result tr', (trs) => trs.map((tr) => [tr.dataset.row, tr.cells[0].textContent]));
    const computed = rows.map(([key]) => key);
    rows.forEach(([key, formula], k) => {
      const right = formula.includes(' = ') ? formula.slice(formula.indexOf(' = ') + 3) : formula;
      for (const name of right.match(/[A-Za-z_]\w*/g) ?? []) {
        const later = computed.indexOf(name);
        assert.ok(later < 0 || later < k, `${cell}: row ${key} (${formula}) reads ${name}, computed after it`);
      }
    });
    // A swapped site: its row says ReLU and its values are max(0, what it reads).
    const site = { lstm: 'output', gru: 'new', slstm: 'candidate', mingru: 'update', minlstm: 'input' }[cell];
    const { output, input, standard } = (await hook(page, 'catalog')).sites.find((s) => s.name === site);
    await page.selectOption(`#act-${site}`, 'relu');
    await settle(page);
    await seeView(page, 'calculator');
    assert.equal(await page.textContent(`.calc-result tr[data-row=${output}] th`), `${output} = ReLU(${input})`, cell);
    const swapped = await hook(page, 'calculator');
    swapped[output].forEach((v, u) => assert.equal(v, Math.max(0, swapped[input][u]), `${cell}: ${output} at ${u}`));
    // Bad input names its field, marks it, and leaves no stale answer.
    await page.fill(`#calc-${fields[1]}`, '0.5, oops');
    assert.equal(await page.textContent('.calc-error'), `${fields[1]}: item 2 is "oops", not a number`);
    assert.equal(await page.getAttribute(`#calc-${fields[1]}`, 'class'), 'invalid');
    assert.equal(await page.locator('.calc-result tr').count(), 0);
    assert.deepEqual(await axe(page), [], cell);
    await page.selectOption(`#act-${site}`, standard);
    await settle(page);
  }
  // A lesson entered from another design brings back the LSTM and the thread's example.
  await hook(page, 'change', { cell: 'gru' });
  await settle(page);
  const lessons = await hook(page, 'lessons');
  await hook(page, 'lesson', lessons.findIndex((l) => l.question === 'Q4') + 1);
  await settle(page);
  const thread = await hook(page, 'calculator');
  assert.deepEqual(thread.f.map((v) => Math.round(v)), [0, 0, 1, 1]);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('the saturation view counts each design\'s gates, the sLSTM\'s fixed exponentials among them, and changes with the design', async () => {
  const page = await openPage(env.browser, `${env.server.url}?preset=random&hidden=4&seed=5&text=${encodeURIComponent('gates (and) more')}`, { viewport: VIEWPORT });
  const expected = { lstm: ['f', 'i', 'o', 'g', 'cell_out'], gru: ['r', 'z', 'n'], slstm: ['o', 'g', 'i', 'f'], minlstm: ['f', 'i', 'h_tilde'], lstm2: ['f', 'i', 'o', 'g', 'cell_out'] };
  for (const [name, quantities] of Object.entries(expected)) {
    const cell = name.replace(/\d$/, '');
    await hook(page, 'change', { cell });
    await settle(page);
    await seeView(page, 'saturation');
    const s = await hook(page, 'summary');
    assert.deepEqual(s.saturation.map((g) => g.quantity), quantities, cell);
    const shown = await page.$$eval('#saturation .saturation', (blocks) => blocks.map((b) => ({
      quantity: b.dataset.quantity, title: b.querySelector('.saturation-title').textContent,
      bars: [...b.querySelectorAll('.bar-value')].map((v) => v.textContent),
    })));
    assert.deepEqual(shown.map((b) => b.quantity), quantities, cell);
    shown.forEach((b, k) => {
      const g = s.saturation[k];
      assert.equal(b.title, `${g.label} (${g.activation})`);
      assert.equal(b.bars.length, 3);
    });
    // The shares, counted again here from the trace's values.
    for (const g of s.saturation) {
      const values = await hook(page, 'values', g.quantity);
      // (The model compares in f32, against the thresholds rounded to f32.)
      const low = values.filter((v) => v < Math.fround(g.low_threshold)).length / values.length;
      const high = values.filter((v) => v > Math.fround(g.high_threshold)).length / values.length;
      assert.ok(Math.abs(low - g.low) < 1e-9 && Math.abs(high - g.high) < 1e-9, `${cell} ${g.quantity}: ${low}, ${high} against ${g.low}, ${g.high}`);
    }
    if (cell === 'slstm') assert.equal(shown[2].title, 'input gate (exp(z_i − m))');
  }
  assert.deepEqual(await axe(page), []);
  assert.deepEqual(page.problems, []);
  await page.close();
});
