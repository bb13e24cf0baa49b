// Links round-trip exactly, and long texts never reach the text box whole. A seeded property
// test writes the link of 1,200 random states and reads it back, through the page's own reader
// and writer; a few of them are then opened for real.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, openPage } from './harness.mjs';
import { random } from '../fuzz/random.mjs';

const env = useBrowser({ before, after });

/** Pieces of text a person can type or paste: brackets, scripts, astral characters, controls. */
const PIECES = ['(', ')', 'a', 'Z', ' ', '\n', '\t', '+', '%', '&', '=', '#', '?', '/', '"', '<', '>', '\0', '\u200f',
  '\u0301', 'é', 'ß', 'ш', 'ع', '中', '🧪', '👩‍🔬', '\u{1d54f}', '%20', '%zz', '&text=x'];

const oneAtLeast = (list, one) => (list.length ? list : [one()]);

/** A random state the page can reach, from the names its URL table accepts. */
function randomState(r, v) {
  const presetRow = r.next() < 0.1 ? null : r.pick(v.presets);
  const act = (site) => {
    const roll = r.next();
    if (roll < 0.2) return `${v.morph}:${r.pick(['0', '1', String(r.int(1, 99) / 100)])}`;
    return r.pick(v.siteActivations[site]);
  };
  const length = r.next() < 0.05 ? r.int(1000, v.limits.max_text_box_chars / 2) : r.int(0, 40);
  const text = Array.from({ length }, () => r.pick(PIECES)).join('');
  const hidden = r.int(1, v.limits.max_hidden);
  const state = {
    preset: presetRow ? presetRow.name : 'file',
    // A link's model is checked when loaded, not when read: any token round-trips.
    weights: presetRow ? null : Array.from({ length: r.int(1, 60) }, () => r.pick([...'abcXYZ019-_'])).join(''),
    hidden: r.next() < 0.5 ? 8 : hidden,
    seed: r.next() < 0.5 ? 1 : r.int(0, v.limits.max_seed),
    acts: Object.fromEntries(v.sites.map((s) => [s, act(s)])),

    text,
    t: r.int(0, Math.max(0, [...text].length - 1)),
    unit: r.int(0, hidden - 1),
    lesson: r.next() < 0.2 ? r.int(1, v.lessons) : 0,
    fixed: r.pick([null, true, false]),
    theme: r.pick([null, 'light', 'dark']),
    present: r.next() < 0.2,
    embed: r.next() < 0.3,
    views: r.next() < 0.6 ? null : oneAtLeast(r.subset(v.views), () => r.pick(v.views)),
    // `controls=none` (the empty list) now and then on purpose: a random subset of 11 groups is rarely empty.
    controls: r.next() < 0.6 ? null : r.next() < 0.1 ? [] : r.subset(v.controls),
  };
  // Drawn last, so the rest of each state is what it was before designs were added. Only the
  // random preset is any design, and only the LSTM has peepholes; a loaded file is what it is.
  const cell = presetRow?.sized ? r.pick(v.cells) : presetRow?.cell ?? 'lstm';
  const peepholes = presetRow && cell === 'lstm' ? r.next() < 0.3 : false;
  // A study's seeds and steps travel only with its name (the panel checks the name); a study
  // that is not built in travels as its settings (any text: the panel checks it).
  const study = r.next() < 0.25
    ? {
      name: r.pick(['weiss', 'greff', 'x-1_b']),
      seeds: r.next() < 0.5 ? null : r.int(1, v.limits.max_study_seeds),
      steps: r.next() < 0.5 ? null : r.int(1, v.limits.max_study_steps),
      rates: r.next() < 0.5 ? null : Array.from({ length: r.int(1, 3) }, () => r.pick([0.01, 0.003, 0.1, 1, 2e-5])),
      settings: null,
    }
    : {
      name: null,
      seeds: null,
      steps: null,
      rates: null,
      settings: r.next() < 0.8 ? null : JSON.stringify({ name: 'mine', title: r.pick(['a & b <i>', '🧪 100%', 'x?y=1#z']), seeds: r.int(1, 5) }),
    };
  // The layer on show (null: the top), drawn after the study so the rest is as it was.
  const layer = r.next() < 0.3 ? r.int(0, v.limits.max_layers - 1) : null;
  // The unit search's span (first and last step) and quantity, which travels only with a span.
  const first = r.int(0, 50);
  const find = r.next() < 0.3
    ? { span: [first, first + r.int(0, 20)], quantity: r.next() < 0.5 ? null : r.pick(['h', 'c', 'f', 'z']) }
    : { span: null, quantity: null };
  return { ...state, cell, peepholes, study, layer, find };
}

test('1,200 random states: reading the link a state writes gives it back, and writing that gives the same link', async () => {
  const page = await openPage(env.browser, env.server.url);
  const vocabulary = await page.evaluate(() => window.__gatelab.linkVocabulary());
  const r = random(20261130);
  const states = Array.from({ length: 1200 }, () => randomState(r, vocabulary));
  const results = await page.evaluate((list) => list.map((state) => {
    const link = window.__gatelab.writeLink(state);
    const back = window.__gatelab.readLink(link);
    return { link, state: back.state, notices: back.notices, again: window.__gatelab.writeLink(back.state) };
  }), states);
  let checked = 0;
  for (const [k, state] of states.entries()) {
    const { link, state: back, notices, again } = results[k];
    assert.deepEqual(notices, [], `state ${k}: ${link}`);
    assert.deepEqual(back, state, `state ${k} read back from ${link}`);
    assert.equal(again, link, `state ${k}: the link written again`);
    checked += 1;
  }
  assert.equal(checked, 1200);
  // Not vacuous: the states cover what the table offers.
  assert.ok(states.some((s) => s.preset === 'file') && states.some((s) => s.views) && states.some((s) => s.controls?.length === 0));
  assert.ok(states.some((s) => s.text.includes('🧪')) && states.some((s) => s.text === ''));
  assert.ok(states.some((s) => s.peepholes) && states.some((s) => s.acts.forget === 'coupled') && states.some((s) => s.cell === 'gru'));
  assert.ok(states.some((s) => s.study.name && s.study.seeds && s.study.steps && s.study.rates?.length > 1) && states.some((s) => s.study.name === null));
  assert.ok(states.some((s) => s.study.settings?.includes('&')) && states.some((s) => s.study.settings?.includes('#')));
  await page.close();
});

test('opened for real, a link gives the page that state, and the page writes the same link', async () => {
  // One page writes the links (it was a page per link, left open: twelve browsers in WebKit).
  const writer = await openPage(env.browser, env.server.url);
  const vocabulary = await writer.evaluate(() => window.__gatelab.linkVocabulary());
  const r = random(7);
  const sized = vocabulary.presets.find((p) => p.sized).name;
  for (let k = 0; k < 12; k++) {
    // A reachable state the page keeps as it is: a sized preset (so the unit exists), no walk,
    // and its one layer on show (the top: no layer in the link).
    const state = { ...randomState(r, vocabulary), preset: sized, weights: null, lesson: 0, present: false, layer: null };
    // A span within the text (the search view keeps what it is given; this keeps the test's
    // texts, which may be short, reachable).
    if (state.find.span) state.find.span = [0, 0];
    state.text ||= 'ab';
    state.t = Math.min(state.t, [...state.text].length - 1, vocabulary.limits.max_steps - 1);
    state.unit = Math.min(state.unit, state.hidden - 1);
    const link = await writer.evaluate((s) => window.__gatelab.writeLink(s), state);
    const opened = await openPage(env.browser, `${env.server.url}${link}`);
    const { state: seen, url } = await opened.evaluate(() => ({ state: window.__gatelab.state(), url: window.__gatelab.url() }));
    for (const key of Object.keys(state)) assert.deepEqual(seen[key], state[key], `${key} of ${link}`);
    assert.equal(url, link);
    assert.deepEqual(opened.problems, []);
    await opened.close();
  }
  await writer.close();
});

test('a lone surrogate (half a character) settles after one round trip', async () => {
  const page = await openPage(env.browser, env.server.url);
  const { first, second } = await page.evaluate(() => {
    const state = window.__gatelab.readLink('?text=ab').state;
    state.text = 'a\ud800b\udfffc';
    const first = window.__gatelab.writeLink(state);
    const back = window.__gatelab.readLink(first).state;
    return { first, second: window.__gatelab.writeLink(back), text: back.text };
  });
  assert.equal(second, first);
  assert.match(decodeURIComponent(first), /a\ufffdb\ufffdc/);
  await page.close();
});

/**
 * Pastes `text` into the text box as a person would: a paste event whose clipboard holds it.
 * The clipboard is a stand-in with getData, since Firefox gives a script-made DataTransfer's data
 * to no one.
 */
const paste = (page, text) => page.evaluate((t) => {
  const box = document.getElementById('text');
  box.focus();
  box.setSelectionRange(box.value.length, box.value.length);
  const event = new ClipboardEvent('paste', { bubbles: true, cancelable: true });
  Object.defineProperty(event, 'clipboardData', { value: { types: ['text/plain'], getData: (type) => (type === 'text/plain' ? t : '') } });
  box.dispatchEvent(event);
}, text);

test('a 10 MB paste keeps 100,000 characters, gives the box and the link the first 10,000, and says so', async () => {
  const page = await openPage(env.browser, env.server.url);
  const { max_text_chars: max, max_text_box_chars: box } = (await page.evaluate(() => window.__gatelab.linkVocabulary())).limits;
  const unit = 'mixed שלום 🧪 \u0301\n';
  await page.evaluate(() => { document.getElementById('text').value = ''; document.getElementById('text').dispatchEvent(new Event('input')); });
  await paste(page, unit.repeat(Math.ceil(10_000_000 / unit.length)));
  await page.waitForFunction(() => window.__gatelab.idle());
  const seen = await page.evaluate(() => ({
    box: document.getElementById('text').value,
    state: window.__gatelab.state().text,
    url: new URLSearchParams(window.__gatelab.url()).get('text'),
    note: document.getElementById('text-note').textContent,
    notices: window.__gatelab.notices(),
  }));
  assert.equal(seen.state.length, max);
  assert.ok(seen.box.length <= box && seen.box.length >= box - 1, `the box holds ${seen.box.length}`);
  assert.ok(seen.state.startsWith(seen.box));
  assert.equal(seen.url, seen.box, 'the link keeps the same prefix');
  assert.ok(seen.notices.some((n) => n.includes(`kept the first ${max.toLocaleString('en')}`) && n.includes('gatelab trace --text-file')), seen.notices.join('\n'));
  assert.match(seen.note, /the box and copied links hold the first 10,000/);
  // A 50,000-character paste is kept whole; the box shows its start.
  await page.evaluate(() => { document.getElementById('text').value = ''; document.getElementById('text').dispatchEvent(new Event('input')); });
  await paste(page, 'ab('.repeat(20_000).slice(0, 50_000));
  await page.waitForFunction(() => window.__gatelab.idle());
  const half = await page.evaluate(() => ({ state: window.__gatelab.state().text.length, box: document.getElementById('text').value.length, notices: window.__gatelab.notices() }));
  assert.deepEqual([half.state, half.box], [50_000, box]);
  assert.ok(half.notices.some((n) => n.includes('all of it is kept')));
  // A short paste is left to the browser, as usual.
  await paste(page, '(x)');
  assert.equal(await page.evaluate(() => document.getElementById('text').value.length), box, 'a default paste into a full box is not intercepted');
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('a 1 MB insertion with no paste event (as an IME or a phone keyboard sends it) goes to the state, and the box never holds it', async () => {
  const page = await openPage(env.browser, env.server.url);
  const { max_text_chars: max, max_text_box_chars: box } = (await page.evaluate(() => window.__gatelab.linkVocabulary())).limits;
  await page.evaluate(() => {
    const area = document.getElementById('text');
    area.value = '((';
    area.dispatchEvent(new Event('input', { bubbles: true }));
    area.focus();
    area.setSelectionRange(2, 2);
    window.seen = { paste: 0, beforeinput: 0, longest: 0 };
    area.addEventListener('paste', () => { window.seen.paste += 1; });
    area.addEventListener('beforeinput', () => { window.seen.beforeinput += 1; });
    area.addEventListener('input', () => { window.seen.longest = Math.max(window.seen.longest, area.value.length); });
  });
  // Chromium: a trusted insertion, as an IME commits text (DevTools' Input.insertText), announced
  // by a cancelable beforeinput. Firefox and WebKit: execCommand('insertText'), which WebKit
  // announces by a cancelable beforeinput and Firefox by no event before the input event.
  const unit = 'mixed שלום 🧪 \u0301\n中';
  await page.keyboard.insertText(unit.repeat(Math.ceil(2 ** 20 / unit.length)));
  await page.waitForFunction(() => window.__gatelab.idle());
  const { state, seen, shown } = await page.evaluate(() => ({ state: window.__gatelab.state().text, seen: window.seen, shown: document.getElementById('text').value.length }));
  assert.equal(seen.paste, 0, 'the insertion came with no paste event');
  assert.equal(state.length, max, 'the state keeps the first 100,000 characters');
  assert.ok(state.startsWith('((mixed'), 'after what the box held before');
  assert.ok(shown <= box && seen.longest <= box, `the box holds ${shown}, and held at most ${seen.longest} when an input event came`);
  assert.match(await page.textContent('#text-note'), /the box and copied links hold the first 10,000/);
  // A short insertion is left to the browser.
  await page.evaluate(() => {
    const area = document.getElementById('text');
    area.value = '(';
    area.dispatchEvent(new Event('input', { bubbles: true }));
    area.setSelectionRange(1, 1);
  });
  await page.keyboard.insertText(')');
  await page.waitForFunction(() => window.__gatelab.idle() && window.__gatelab.state().text === '()');
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('Copy link warns when the link is long enough for servers to refuse it', async () => {
  const page = await openPage(env.browser, `${env.server.url}?text=${encodeURIComponent('🧪'.repeat(3000))}`);
  await page.click('#copy-link');
  await page.waitForFunction(() => window.__gatelab.notices().some((n) => /It is \d+ KB long, and some servers refuse links over 8 KB/.test(n)));
  // A short one does not.
  await page.fill('#text', '(()');
  await page.click('#copy-link');
  await page.waitForFunction(() => window.__gatelab.notices().some((n) => n.includes('restores exactly this view') && !n.includes('KB long')));
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('a link carrying a model over the 2,000-number limit is refused when read, as when written', async () => {
  // H = 30 over two symbols: 4,080 numbers, all zero.
  const bytes = Buffer.alloc(4080 * 4).toString('base64url');
  const vocab = Buffer.from('ab').toString('base64url');
  const page = await openPage(env.browser, `${env.server.url}?weights=30.${vocab}.${bytes}&text=ab`);
  const notices = await page.evaluate(() => window.__gatelab.notices());
  assert.ok(notices.some((n) => n.includes('4,080 numbers; links carry models of at most 2,000')), notices.join('\n'));
  const s = await page.evaluate(() => window.__gatelab.state());
  assert.equal(s.preset, 'counter');
  assert.equal(s.text, 'ab', 'the rest of the link is kept');
  assert.deepEqual(page.problems, []);
  await page.close();
});
