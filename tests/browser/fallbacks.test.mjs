// What the page does where an engine lacks a feature it uses: wasm SIMD (a build without it),
// scheduler.postTask (a timer), WebAssembly itself or a Web Worker (a message in words). Each
// feature is taken away by a script that runs before the page's own, in every engine.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, useBrowser } from './harness.mjs';
import { load, weightsJson } from './models.mjs';

const env = useBrowser({ before, after });

/** An engine without wasm SIMD: it validates no module, so the page's SIMD probe fails. */
const withoutSimd = () => {
  WebAssembly.validate = () => false;
};

const LINK = '?preset=random&hidden=6&seed=4&candidate=relu&text=' + encodeURIComponent('(a(b)c)((x))');

/** The page's values of every traced quantity. */
const allValues = (page) => page.evaluate(() => Object.fromEntries(['f', 'i', 'g', 'o', 'c', 'h'].map((q) => [q, window.__gatelab.values(q)])));

/** Trains `steps` steps with the lab's Step button and returns the learning curve. */
async function trainSteps(page, steps) {
  for (let k = 1; k <= steps; k++) {
    await page.click('#train-step');
    await page.waitForFunction((k) => window.__gatelab.training().step === k, k);
  }
  return (await page.evaluate(() => window.__gatelab.training())).curve;
}

test('without wasm SIMD, the page and the training worker run the builds without it, with the same numbers', async () => {
  const plain = await openPage(env.browser, env.server.url + LINK);
  const fallback = await openPage(env.browser, env.server.url + LINK, { init: withoutSimd });
  try {
    assert.equal(await plain.evaluate(() => window.__gatelab.module()), 'full');
    assert.equal(await fallback.evaluate(() => window.__gatelab.module()), 'full, no SIMD');
    // The same code without SIMD instructions: the same bits (no step reorders a sum).
    assert.deepEqual(await allValues(fallback), await allValues(plain));
    // An embed that would load the lite module gets the full one without SIMD.
    await fallback.goto(env.server.url + LINK + '&embed=1&views=timeline');
    await fallback.waitForFunction(() => window.__gatelab?.ready === true);
    assert.equal(await fallback.evaluate(() => window.__gatelab.module()), 'full, no SIMD');
    await fallback.goto(env.server.url + LINK);
    await fallback.waitForFunction(() => window.__gatelab?.ready === true);
    // The worker loads the training module without SIMD, and trains to the same curve.
    const [withSimdCurve, withoutSimdCurve] = [await trainSteps(plain, 3), await trainSteps(fallback, 3)];
    assert.equal((await plain.evaluate(() => window.__gatelab.trainingStatus())).build, 'SIMD');
    assert.equal((await fallback.evaluate(() => window.__gatelab.trainingStatus())).build, 'no SIMD');
    assert.deepEqual(withoutSimdCurve, withSimdCurve);
    assert.deepEqual(plain.problems, []);
    assert.deepEqual(fallback.problems, []);
  } finally {
    await plain.close();
    await fallback.close();
  }
});

test('without scheduler.postTask (Safari, older Firefox), a large model\'s run is still computed in slices to the end', async () => {
  // 300 units over 1,500 steps: more than one slice.
  const json = weightsJson(300, [...'()x']);
  const link = '?text=' + encodeURIComponent('(()x)'.repeat(300));
  const removeScheduler = () => {
    Object.defineProperty(window, 'scheduler', { value: undefined, configurable: true });
  };
  const reference = await openPage(env.browser, env.server.url + link);
  const page = await openPage(env.browser, env.server.url + link, { init: removeScheduler });
  try {
    assert.equal(await page.evaluate(() => typeof window.scheduler?.postTask), 'undefined');
    // Every progress note the page shows while it computes the rest of the run.
    await page.evaluate(() => {
      window.progressNotes = [];
      const note = document.getElementById('progress');
      new MutationObserver(() => { if (!note.hidden) window.progressNotes.push(note.textContent); })
        .observe(note, { attributes: true, childList: true, characterData: true, subtree: true });
    });
    for (const p of [page, reference]) {
      await load(p, 'wide.json', json);
      await p.waitForFunction(() => window.__gatelab.notices().some((n) => n.startsWith('Loaded wide.json')));
    }
    await page.waitForFunction(() => { const s = window.__gatelab.summary(); return s.computed === s.steps; });
    const notes = await page.evaluate(() => window.progressNotes);
    assert.ok(notes.some((n) => /^Computing the run: [\d,]+ of 1,500 steps/.test(n)), `the run went in slices: ${notes.join(' | ')}`);
    // An edit while it runs starts again from the edit; the end is the same as without the edit.
    await page.fill('#text', '(()x)'.repeat(299) + '((((');
    await page.waitForFunction(() => { const s = window.__gatelab.summary(); return s.steps === 1499 && s.computed === s.steps; });
    await reference.fill('#text', '(()x)'.repeat(299) + '((((');
    await reference.waitForFunction(() => { const s = window.__gatelab.summary(); return s.steps === 1499 && s.computed === s.steps; });
    assert.deepEqual(await page.evaluate(() => window.__gatelab.values('c')), await reference.evaluate(() => window.__gatelab.values('c')));
    assert.deepEqual(page.problems, []);
  } finally {
    await page.close();
    await reference.close();
  }
});

test('without WebAssembly, the page says so in words where the views would be', async () => {
  const page = await env.browser.newPage({ viewport: { width: 1280, height: 720 } });
  const problems = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  try {
    await page.addInitScript(() => { delete window.WebAssembly; });
    await page.goto(env.server.url);
    await page.waitForSelector('#loading.error');
    const message = await page.textContent('#loading');
    assert.match(message, /runs its model in WebAssembly, which this browser does not offer or has turned off/);
    assert.match(message, /Chrome, Edge, Firefox or Safari/);
    assert.equal(await page.isVisible('#loading'), true);
    assert.equal(await page.isVisible('#app'), false);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('a browser that refuses a Web Worker: the training lab says so in its place, and the views go on', async () => {
  const blockWorker = () => {
    window.Worker = class {
      constructor() {
        throw new DOMException('The operation is insecure.', 'SecurityError');
      }
    };
  };
  const page = await openPage(env.browser, env.server.url, { init: blockWorker });
  try {
    assert.equal(await page.isVisible('#train-unavailable'), false, 'no message before anything fails');
    await page.click('#train-play');
    await page.waitForSelector('#train-unavailable', { state: 'visible' });
    assert.match(await page.textContent('#train-unavailable'), /trains in a background Web Worker, and this browser did not start it \(The operation is insecure\.\)\. The views above work without it\./);
    assert.equal(await page.isVisible('#train-play'), false, 'the lab\'s controls give way to the message');
    assert.equal(await page.isVisible('#compare-run'), false);
    assert.equal((await page.evaluate(() => window.__gatelab.training())).playing, false);
    // The rest of the page works as before.
    await page.fill('#text', '(((');
    await page.waitForFunction(() => window.__gatelab.summary().steps === 3);
    assert.deepEqual(page.problems, []);
  } finally {
    await page.close();
  }
});
