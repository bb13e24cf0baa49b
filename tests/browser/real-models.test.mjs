// Real models on the page: a whole character model's state_dict (an nn.Embedding, a 2-layer
// nn.LSTM and an nn.Linear), its layer picker, what x_t is on each layer, its predictions,
// and links that name a layer. Expected values are PyTorch's (tests/fixtures/char_lstm2.json,
// recorded by scripts/fixtures/char_lstm.py).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { axe, openPage, saveFrom, seeView, useBrowser } from './harness.mjs';
import { perStep } from './models.mjs';
import { runCli } from '../study-cli.mjs';
import { num } from '../../www/format.js';

const env = useBrowser({ before, after });
const VIEWPORT = { width: 1280, height: 720 };
const FIXTURE = fs.readFileSync(new URL('../fixtures/char_lstm2.json', import.meta.url));
const { expected } = JSON.parse(FIXTURE);

const settle = (page) => page.waitForFunction(() => window.__gatelab.idle());
const hook = (page, name, ...args) => page.evaluate(([name, args]) => window.__gatelab[name](...args), [name, args]);


function assertClose(got, want, what) {
  assert.equal(got.length, want.length, what);
  got.forEach((row, t) => row.forEach((v, u) => assert.ok(Math.abs(v - want[t][u]) < 2e-6, `${what} at step ${t}, unit ${u}: ${v} against PyTorch's ${want[t][u]}`)));
}

async function loadFixture(page) {
  await page.setInputFiles('#weights-file', { name: 'char_lstm2.json', mimeType: 'application/json', buffer: FIXTURE });
  await page.waitForFunction(() => window.__gatelab.summary().model === 'char_lstm2.json');
  await settle(page);
}

test('a 2-layer character model loads whole: its top layer on show, a layer picker, each layer as PyTorch computed it', async () => {
  const page = await openPage(env.browser, `${env.server.url}?text=${encodeURIComponent(expected.text)}&t=1`, { viewport: VIEWPORT });
  assert.ok(await page.$eval('#layer-wrap', (w) => w.hidden), 'a one-layer preset has no layer picker');
  await loadFixture(page);
  let s = await hook(page, 'summary');
  assert.deepEqual([s.layers, s.layer, s.embedding, s.readout, s.input_size], [2, 1, 3, true, 4]);
  // Only the recorded answers are left over, and the page says so.
  const notes = await hook(page, 'notices');
  assert.ok(notes.some((n) => n === "In char_lstm2.json: the file's key expected is not used: the page reads the LSTM's layers, an embedding, and a read-out that predicts the next character."), notes.join('\n'));
  assert.ok(notes.some((n) => n.includes('It has 2 layers, and a link carries one layer without a read-out, so copied links leave it out')), notes.join('\n'));
  assert.match(await page.textContent('#model-note'), /2 layers; layer 1 on show, H = 4, reads the h of layer 0 \(4 values\); its embedding \(3 wide\) is folded into layer 0's W_ih/);
  assert.ok(!(await page.$eval('#layer-wrap', (w) => w.hidden)));
  assert.deepEqual(await page.$$eval('#layer option', (os) => os.map((o) => o.textContent)), ['0 (reads the text)', '1 (top)']);
  assert.equal(await page.$eval('#layer', (l) => l.value), '1');
  assertClose(await perStep(page, 'h'), expected.layers[1].h, 'layer 1 h');
  assertClose(await perStep(page, 'c'), expected.layers[1].c, 'layer 1 c');
  // The count is the layer's; the whole model's is given too: 4·4·(6 + 4 + 2) = 192 for layer 0
  // (one column per character, the embedding folded in), 4·4·(4 + 4 + 2) = 160 for layer 1,
  // 6·4 + 6 = 30 for the read-out: 382.
  await seeView(page, 'parameters');
  assert.equal(await page.textContent('#param-count'), '160');
  assert.match(await page.textContent('#param-formula'), /That is layer 1's count; the whole model \(2 layers and the read-out\) has 382\.$/);
  // The diagram says what x_t is on this layer.
  await seeView(page, 'diagram');
  // (the subscript is drawn as one: x_t reads xt in the text)
  assert.match(await page.textContent('#diagram'), /xt = h⁽⁰⁾ at “b”/);
  assert.equal(await page.$eval('#diagram [aria-label^="input x_t"]', (g) => g.getAttribute('aria-label')), 'input x_t: the h of layer 0 at “b”');
  // Layer 0 reads the text.
  await page.selectOption('#layer', '0');
  await settle(page);
  s = await hook(page, 'summary');
  assert.deepEqual([s.layer, s.input_size], [0, 6]);
  assertClose(await perStep(page, 'h'), expected.layers[0].h, 'layer 0 h');
  assertClose(await perStep(page, 'c'), expected.layers[0].c, 'layer 0 c');
  assert.match(await page.textContent('#model-note'), /layer 0 on show, H = 4, reads the text's 6 input symbols/);
  await seeView(page, 'diagram');
  assert.match(await page.textContent('#diagram'), /xt “b”/);
  assert.doesNotMatch(await page.textContent('#diagram'), /h⁽/);
  assert.match(await hook(page, 'url'), /[?&]layer=0(&|$)/);
  // Back to the top: the link names no layer (the top is the default).
  await page.selectOption('#layer', '1');
  await settle(page);
  assert.doesNotMatch(await hook(page, 'url'), /layer=/);
  assert.deepEqual(await axe(page), []);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('the inspector shows the five likeliest next characters and the probability of the one that came', async () => {
  const page = await openPage(env.browser, `${env.server.url}?text=${encodeURIComponent(expected.text)}&t=0`, { viewport: VIEWPORT });
  assert.ok(await page.$eval('#predictions', (p) => p.hidden), 'a preset without a read-out predicts nothing');
  await loadFixture(page);
  for (const layer of ['1', '0']) {
    await page.selectOption('#layer', layer);
    await settle(page);
    for (const t of [0, 4, expected.text.length - 1]) {
      await hook(page, 'change', { t });
      await settle(page);
      await seeView(page, 'inspector');
      const p = expected.probabilities[t];
      const vocab = [...(await hook(page, 'summary')).vocab];
      const order = vocab.map((c, k) => [c, p[k]]).sort((a, b) => b[1] - a[1]).slice(0, 5);
      const shown = await page.$$eval('#predictions-list .bar-row', (rows) => rows.map((row) => [...row.children].map((c) => c.textContent)));
      const visible = (c) => (c === '\n' ? '↵' : c === ' ' ? '␣' : c);
      assert.deepEqual(shown.map(([c]) => c), order.map(([c]) => `“${visible(c)}”`), `layer ${layer}, step ${t}`);
      shown.forEach(([, , value], k) => assert.equal(value, `${(order[k][1] * 100).toFixed(order[k][1] < 0.01 ? 1 : 0)}%`));
      const next = expected.text[t + 1];
      const sentence = await page.textContent('#predictions-next');
      if (next === undefined) assert.equal(sentence, 'This is the last step: no character came next.');
      else if (!vocab.includes(next)) assert.equal(sentence, `Next came “${next}”, which is not in the vocabulary: the read-out gives it no probability.`);
      else {
        const q = p[vocab.indexOf(next)];
        assert.ok(sentence.startsWith(`Next came “${visible(next)}”: p = ${(q * 100).toFixed(q < 0.01 ? 1 : 0)}%`), sentence);
      }
    }
  }
  assert.deepEqual(await axe(page), []);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('a link that names a layer past the model\'s gets a notice and the top layer', async () => {
  const page = await openPage(env.browser, `${env.server.url}?preset=counter&layer=3&text=((`, { viewport: VIEWPORT });
  const notes = await hook(page, 'notices');
  assert.ok(notes.includes("Layer 3 in the link is past the model's one layer; showing the top one."), notes.join('\n'));
  assert.equal((await hook(page, 'summary')).layer, 0);
  assert.doesNotMatch(await hook(page, 'url'), /layer=/);
  const bad = await openPage(env.browser, `${env.server.url}?layer=x`, { viewport: VIEWPORT });
  assert.ok((await hook(bad, 'notices')).includes('Layer "x" in the link is not valid; showing the top layer.'));
  await bad.close();
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('the same model as .safetensors loads by the same button, to the same numbers; a broken one leaves the model as it was', async () => {
  const page = await openPage(env.browser, `${env.server.url}?text=${encodeURIComponent(expected.text)}`, { viewport: VIEWPORT });
  const bytes = fs.readFileSync(new URL('../fixtures/char_lstm2.safetensors', import.meta.url));
  await page.setInputFiles('#weights-file', { name: 'char_lstm2.safetensors', mimeType: 'application/octet-stream', buffer: bytes });
  await page.waitForFunction(() => window.__gatelab.summary().model === 'char_lstm2.safetensors');
  await settle(page);
  const s = await hook(page, 'summary');
  assert.deepEqual([s.layers, s.layer, s.embedding, s.readout], [2, 1, 3, true]);
  assertClose(await perStep(page, 'h'), expected.layers[1].h, 'layer 1 h');
  // No notice of unused keys: the file holds only the model.
  assert.ok(!(await hook(page, 'notices')).some((n) => n.includes('not used')));
  // A cut-off file: a message, and the model stays.
  await page.setInputFiles('#weights-file', { name: 'cut.safetensors', mimeType: 'application/octet-stream', buffer: bytes.subarray(0, 200) });
  await page.waitForFunction(() => window.__gatelab.notices().some((n) => n.startsWith('Could not load cut.safetensors')));
  const notice = (await hook(page, 'notices')).find((n) => n.startsWith('Could not load cut.safetensors'));
  assert.match(notice, /^Could not load cut\.safetensors: not a safetensors file: .+\. The current model is unchanged\.$/);
  assert.equal((await hook(page, 'summary')).model, 'char_lstm2.safetensors');
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('the shipped character model is fetched when picked, predicts the next character, and runs as gatelab trace runs it', async () => {
  const page = await openPage(env.browser, `${env.server.url}?preset=counter`, { viewport: VIEWPORT });
  const real = (await hook(page, 'linkVocabulary')).presets.find((p) => p.name === 'real-source');
  assert.ok(real, 'the menu lists it');
  assert.match(await page.$eval('#preset option[value="real-source"]', (o) => o.textContent), /^real: /);
  await page.selectOption('#preset', 'real-source');
  await page.waitForFunction(() => window.__gatelab.summary().model.startsWith('real: '));
  await settle(page);
  const s = await hook(page, 'summary');
  assert.deepEqual([s.hidden, s.layers, s.readout, [...s.vocab].length], [128, 1, true, 96]);
  assert.match(await page.textContent('#model-note'), /128 units, trained by gatelab train on Gate Lab's own Rust source/);
  // The cell menu says what it is: trained, not hand-set.
  assert.match(await page.$eval('#cell', (c) => c.title), /^The real-source model is a trained LSTM/);
  const { text } = await hook(page, 'state');
  const cli = JSON.parse(runCli(['trace', '--weights', 'www/models/gatelab-source.safetensors', '--text', text]));
  const h = await perStep(page, 'h');
  assert.equal(h.length, cli.steps.length);
  h.forEach((row, t) => row.forEach((v, u) => assert.ok(Math.abs(v - cli.steps[t].h[u]) <= 1e-6, `h at step ${t}, unit ${u}`)));
  await seeView(page, 'inspector');
  assert.ok(!(await page.$eval('#predictions', (p) => p.hidden)));
  const shares = await page.$$eval('#predictions-list .bar-value', (values) => values.map((v) => Number.parseFloat(v.textContent)));
  assert.equal(shares.length, 5);
  assert.ok(shares.every((p, k) => k === 0 || p <= shares[k - 1]), shares.join(' '));
  // The link names it and a unit past a preset's 64, and opens on both.
  await page.selectOption('#unit', '108');
  await settle(page);
  const link = await hook(page, 'url');
  assert.match(link, /[?&]preset=real-source(&|$)/);
  assert.match(link, /[?&]unit=108(&|$)/);
  const opened = await openPage(env.browser, `${env.server.url}${link}`, { viewport: VIEWPORT });
  await opened.waitForFunction(() => window.__gatelab.summary().model.startsWith('real: '));
  await settle(opened);
  assert.deepEqual(await hook(opened, 'values', 'h'), await hook(page, 'values', 'h'));
  assert.equal((await hook(opened, 'state')).unit, 108);
  assert.deepEqual(await hook(opened, 'notices'), []);
  await opened.close();
  assert.deepEqual(await axe(page), []);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('the unit search ranks units by how high they are inside a span and low outside it; a click shows the unit; the link keeps the search', async () => {
  const text = 'say "hi" and go';
  const page = await openPage(env.browser, `${env.server.url}?preset=random&hidden=16&seed=4&text=${encodeURIComponent(text)}`, { viewport: VIEWPORT });
  await seeView(page, 'search');
  assert.match(await page.textContent('#search-note'), /No span picked yet/);
  // Select “"hi"” in the text box (steps 4 to 7) and use the selection.
  await page.$eval('#text', (box) => box.setSelectionRange(4, 8));
  await page.click('#search-selection');
  await settle(page);
  assert.deepEqual((await hook(page, 'state')).find, { span: [4, 7], quantity: null });
  // The scores, worked out here from h itself.
  const h = await perStep(page, 'h');
  const expected = h[0].map((_, u) => {
    const series = h.map((row) => row[u]);
    const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const inside = mean(series.slice(4, 8));
    const outside = mean([...series.slice(0, 4), ...series.slice(8)]);
    return { unit: u, score: (inside - outside) / (Math.max(...series) - Math.min(...series)) };
  }).sort((a, b) => b.score - a.score || a.unit - b.unit).slice(0, 5);
  await seeView(page, 'search');
  const shown = await page.$$eval('#search-results button', (bs) => bs.map((b) => ({ unit: Number(b.dataset.unit), text: b.textContent })));
  assert.deepEqual(shown.map((s) => s.unit), expected.map((e) => e.unit));
  shown.forEach((s, k) => assert.match(s.text, new RegExp(`^unit ${expected[k].unit}: score ${num(expected[k].score).replace('.', '\\.')}`)));
  assert.match(await page.textContent('#search-note'), /^Steps 4 to 7 \(“"hi"”\): the 5 units whose h is highest there/);
  // A click shows that unit in every view.
  await page.click(`#search-results button[data-unit="${expected[1].unit}"]`);
  await settle(page);
  assert.equal((await hook(page, 'state')).unit, expected[1].unit);
  // Ranked by c instead, and kept in the link.
  await page.selectOption('#search-quantity', 'c');
  await settle(page);
  const link = await hook(page, 'url');
  assert.match(link, /[?&]find=4-7&find_q=c(&|$)/);
  const opened = await openPage(env.browser, `${env.server.url}${link}`, { viewport: VIEWPORT });
  await seeView(opened, 'search');
  await seeView(page, 'search');
  assert.deepEqual(await opened.$$eval('#search-results button', (bs) => bs.map((b) => b.textContent)),
    await page.$$eval('#search-results button', (bs) => bs.map((b) => b.textContent)));
  await opened.close();
  // A span that is the whole text says why there is no search.
  // Both boxes set at once, then one change (typing in one and then the other lets the first's
  // change redraw the second box under the typing).
  await page.evaluate((last) => {
    document.getElementById('search-from').value = '0';
    document.getElementById('search-to').value = String(last);
    document.getElementById('search-to').dispatchEvent(new Event('change', { bubbles: true }));
  }, [...text].length - 1);
  await settle(page);
  await seeView(page, 'search');
  assert.match(await page.textContent('#search-note'), /^No search: the span is the whole text/);
  assert.deepEqual(await axe(page), []);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('Save writes the layer on show of a stacked or safetensors model, and the shipped model, as gatelab trace does', async () => {
  const page = await openPage(env.browser, `${env.server.url}?text=${encodeURIComponent(expected.text)}`, { viewport: VIEWPORT });
  const bytes = fs.readFileSync(new URL('../fixtures/char_lstm2.safetensors', import.meta.url));
  await page.setInputFiles('#weights-file', { name: 'char_lstm2.safetensors', mimeType: 'application/octet-stream', buffer: bytes });
  await page.waitForFunction(() => window.__gatelab.summary().model === 'char_lstm2.safetensors');
  // The layer menu is filled when the page draws the new model.
  await settle(page);
  await page.selectOption('#layer', '0');
  await settle(page);
  await page.click('#open-save');
  const saved = JSON.parse((await saveFrom(page, 'every traced value', 'JSON')).bytes.toString('utf8'));
  assert.deepEqual([saved.layer, saved.layers], [0, 2]);
  assert.equal(JSON.stringify(saved), JSON.stringify(JSON.parse(runCli(['trace', '--weights', 'tests/fixtures/char_lstm2.safetensors', '--layer', '0', '--text', expected.text]))));
  const png = await saveFrom(page, 'heatmaps', 'PNG');
  assert.ok(png.bytes.subarray(1, 4).toString() === 'PNG' && png.bytes.length > 1000, png.name);
  await page.click('#save-close');
  await page.selectOption('#preset', 'real-source');
  await page.waitForFunction(() => window.__gatelab.summary().model.startsWith('real: '));
  await settle(page);
  await page.click('#open-save');
  const real = JSON.parse((await saveFrom(page, 'every traced value', 'JSON')).bytes.toString('utf8'));
  const { text } = await hook(page, 'state');
  const cli = JSON.parse(runCli(['trace', '--weights', 'www/models/gatelab-source.safetensors', '--text', text]));
  assert.deepEqual(real.steps, cli.steps);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('dragging across the heatmaps picks the unit search\'s span, shaded over its columns; a click still picks a step', async () => {
  const text = 'say "hi" and go';
  const page = await openPage(env.browser, `${env.server.url}?preset=random&hidden=8&seed=4&text=${encodeURIComponent(text)}&t=0`, { viewport: VIEWPORT });
  await settle(page);
  const canvas = await page.locator('#timeline').boundingBox();
  const dpr = await page.evaluate(() => devicePixelRatio);
  // Where steps 4 and 7 are, through the page's own hit-testing (device pixels → CSS).
  const centreOf = (t) => page.evaluate(([t, dpr]) => {
    const xs = [];
    for (let x = 0; x < document.getElementById('timeline').width; x++) if (window.__gatelab.stepAt(x) === t) xs.push(x);
    return (xs[0] + xs.at(-1)) / 2 / dpr;
  }, [t, dpr]);
  const y = canvas.y + canvas.height / 2;
  const [x4, x7] = [await centreOf(4), await centreOf(7)];
  assert.ok(await page.$eval('#span-band', (b) => b.hidden), 'no span yet, no band');
  await page.mouse.move(canvas.x + x4, y);
  await page.mouse.down();
  await page.mouse.move(canvas.x + (x4 + x7) / 2, y, { steps: 3 });
  await page.mouse.move(canvas.x + x7, y, { steps: 3 });
  await page.mouse.up();
  await settle(page);
  const state = await hook(page, 'state');
  assert.deepEqual(state.find.span, [4, 7]);
  assert.equal(state.t, 0, 'the drag\'s release is not a click on a step');
  assert.ok((await hook(page, 'notices')).some((n) => n.startsWith('Steps 4 to 7 (“"hi"”) picked for the unit search')));
  // The band covers steps 4 to 7's columns and no others.
  const band = await page.locator('#span-band').boundingBox();
  assert.ok(band && Math.abs(band.x - canvas.x - x4) < Math.abs(x7 - x4) / 6 + 12 && band.x + band.width > canvas.x + x7, JSON.stringify({ band, x4, x7, canvas }));
  assert.ok(band.x > canvas.x + (await centreOf(3)) && band.x + band.width < canvas.x + (await centreOf(8)), JSON.stringify(band));
  await seeView(page, 'search');
  assert.match(await page.textContent('#search-note'), /^Steps 4 to 7 \(“"hi"”\)/);
  // A plain click still picks a step, and keeps the span (the page has scrolled: measured again).
  await page.locator('#timeline').scrollIntoViewIfNeeded();
  const again = await page.locator('#timeline').boundingBox();
  await page.mouse.click(again.x + (await centreOf(2)), again.y + again.height / 2);
  await settle(page);
  assert.equal((await hook(page, 'state')).t, 2);
  assert.deepEqual((await hook(page, 'state')).find.span, [4, 7]);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('a redraw while typing in the unit search\'s step box keeps what is typed', async () => {
  const page = await openPage(env.browser, `${env.server.url}?preset=random&hidden=8&seed=4&text=${encodeURIComponent('say "hi" and go')}&find=4-7`, { viewport: VIEWPORT });
  await seeView(page, 'search');
  await page.click('#search-to');
  await page.fill('#search-to', '1');
  // Something else redraws the page (the step moves) before the box's change: the box keeps "1".
  await hook(page, 'change', { t: 3 });
  await settle(page);
  assert.equal(await page.inputValue('#search-to'), '1');
  await page.fill('#search-to', '10');
  await page.keyboard.press('Tab');
  await settle(page);
  assert.deepEqual((await hook(page, 'state')).find.span, [4, 10]);
  // Out of the box, it follows the state again.
  await hook(page, 'change', { find: { span: [2, 5], quantity: null } });
  await settle(page);
  await seeView(page, 'search');
  assert.equal(await page.inputValue('#search-to'), '5');
  assert.deepEqual(page.problems, []);
  await page.close();
});
