// Blog embeds, exports and phones, in headless Chromium: a host page with the iframe at 360 and
// 700 px, the snippet from the Embed dialog reproducing the state, downloads equal to the CLI's
// output, and the full page and an embed on phone widths with touch.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import { TOUCH_INPUT, axe, saveFrom, useBrowser, openPage } from './harness.mjs';
import { runCli as cli } from '../study-cli.mjs';
import { embedSnippet } from '../../www/embed.js';

const env = useBrowser({ before, after });

// Host pages are served from their own origin (another port), as a blog would be: the embed is
// then cross-origin, and only its messages cross over.
const hostPages = new Map();
let host = null;
before(async () => {
  host = http.createServer((req, res) => {
    const body = hostPages.get(new URL(req.url, 'http://x').pathname);
    if (body === undefined) res.writeHead(404).end();
    else res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body);
  });
  await new Promise((resolve) => host.listen(0, '127.0.0.1', resolve));
});
after(() => new Promise((resolve) => { host.closeAllConnections(); host.close(resolve); }));

/** A host page: a column of `width` px holding `snippet` (the Embed dialog's, or an iframe). */
async function hostPage(snippet, width, { mobile = false } = {}) {
  const context = await env.browser.newContext({
    viewport: { width, height: 800 }, isMobile: mobile, hasTouch: mobile && TOUCH_INPUT, deviceScaleFactor: 1,
  });
  const page = await context.newPage();
  page.problems = [];
  page.on('console', (m) => { if (m.type() === 'error') page.problems.push(m.text()); });
  page.on('pageerror', (e) => page.problems.push(String(e)));
  const name = `/post-${hostPages.size}`;
  hostPages.set(name, `<!doctype html><meta name="viewport" content="width=device-width"><link rel="icon" href="data:,"><body style="margin:0">
      <script>window.heights = [];
        addEventListener('message', (e) => window.heights.push(e.data));</script>
      <div style="width:${width}px">${snippet}</div></body>`);
  await page.goto(`http://127.0.0.1:${host.address().port}${name}`);
  const frame = await waitForEmbed(page);
  return { page, frame, context };
}

/** The embed's frame, once its page has started and drawn. */
async function waitForEmbed(page, index = 0) {
  let frame = null;
  for (let k = 0; k < 200 && !frame; k++) {
    frame = page.frames().filter((f) => f !== page.mainFrame())[index] ?? null;
    if (!frame) await page.waitForTimeout(50);
  }
  assert.ok(frame, 'the iframe appears');
  await frame.waitForFunction(() => window.__gatelab?.ready === true && window.__gatelab.idle(), null, { timeout: 20_000 });
  return frame;
}

/** The names of the views shown in a frame, from the view table's sections. */
const shownViews = (frame) => frame.evaluate(() => {
  const names = ['diagram', 'timeline', 'cell', 'activations', 'inspector', 'parameters', 'saturation', 'calculator', 'training'];
  return names.filter((n) => document.getElementById(window.__gatelab.viewSection(n))?.checkVisibility());
});

/** The elements wider than the viewport, outside containers that scroll sideways on purpose. */
const overflowing = (frame) => frame.evaluate(() => {
  const width = document.documentElement.clientWidth;
  const scrolls = (el) => {
    for (let a = el.parentElement; a; a = a.parentElement) {
      if (['auto', 'scroll'].includes(getComputedStyle(a).overflowX)) return true;
    }
    return false;
  };
  return [...document.body.querySelectorAll('*')]
    .filter((el) => el.checkVisibility() && !scrolls(el))
    .filter((el) => { const r = el.getBoundingClientRect(); return r.right > width + 1 || r.left < -1; })
    .map((el) => `${el.tagName.toLowerCase()}#${el.id}.${el.className} (${Math.round(el.getBoundingClientRect().right)} > ${width})`);
});

/** The snippet the Embed dialog writes (www/embed.js), for a link to this build. */
const snippet = (query, height = 640) => embedSnippet(`${env.server.url}index.html?${query}`, height).replace(' loading="lazy"', '');
/** The iframe alone, as a host that strips scripts keeps it. */
const iframe = (query, height = 640) => snippet(query, height).split('\n<script>')[0];

for (const width of [360, 700]) {
  test(`an embed in a ${width} px column reports its height in both formats, fits, and shows only what the link names`, async () => {
    const query = 'preset=counter&input=none&embed=1&views=diagram,timeline&controls=text,input';
    const { page, frame, context } = await hostPage(snippet(query), width);
    try {
      await page.waitForFunction(() => window.heights.length >= 2);
      const messages = await page.evaluate(() => window.heights);
      const embedly = messages.filter((m) => typeof m === 'string').map((m) => JSON.parse(m));
      const amp = messages.filter((m) => typeof m === 'object');
      assert.ok(embedly.length > 0 && embedly.every((m) => m.context === 'iframe.resize' && m.height > 100), JSON.stringify(messages));
      assert.ok(amp.length > 0 && amp.every((m) => m.sentinel === 'amp' && m.type === 'embed-size' && m.height > 100));
      assert.equal(embedly.at(-1).height, amp.at(-1).height);
      // Once the host has applied the height, the frame shows everything without scrolling.
      await page.waitForFunction(() => {
        const f = document.querySelector('iframe');
        return Math.abs(f.getBoundingClientRect().height - JSON.parse(window.heights.filter((m) => typeof m === 'string').at(-1)).height) < 1;
      });
      const sizes = await frame.evaluate(() => ({
        scrollHeight: document.documentElement.scrollHeight, innerHeight, scrollWidth: document.documentElement.scrollWidth, innerWidth,
      }));
      assert.ok(sizes.scrollHeight <= sizes.innerHeight, `no vertical scrollbar inside: ${JSON.stringify(sizes)}`);
      assert.ok(sizes.scrollWidth <= sizes.innerWidth, `no horizontal overflow: ${JSON.stringify(sizes)}`);
      assert.deepEqual(await overflowing(frame), []);
      assert.deepEqual(await shownViews(frame), ['diagram', 'timeline']);
      assert.equal(await frame.evaluate(() => window.__gatelab.module()), 'lite');
      // The controls named: the text box and the input gate's row, nothing else.
      const controls = await frame.evaluate(() => ({
        text: document.getElementById('text').checkVisibility(),
        input: document.getElementById('act-input').checkVisibility(),
        forget: document.getElementById('act-forget').checkVisibility(),
        model: document.getElementById('preset').checkVisibility(),
        step: document.getElementById('step').checkVisibility(),
      }));
      assert.deepEqual(controls, { text: true, input: true, forget: false, model: false, step: false });
      // A link back to the full page in the same state.
      const open = await frame.evaluate(() => document.getElementById('open-full').href);
      const link = new URL(open);
      assert.equal(link.searchParams.get('input'), 'none');
      assert.equal(link.searchParams.get('embed'), null);
      assert.equal(link.searchParams.get('views'), null);
      assert.deepEqual(page.problems, []);
    } finally {
      await context.close();
    }
  });
}

test('controls=none shows no controls, and an embed of one view loads neither the training lab nor the charts module', async () => {
  const { page, frame, context } = await hostPage(iframe('embed=1&views=calculator&controls=none'), 700);
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  try {
    assert.deepEqual(await shownViews(frame), ['calculator']);
    const visible = await frame.evaluate(() => ['text', 'preset', 'step', 'play', 'act-forget', 'reset-activations']
      .filter((id) => document.getElementById(id).checkVisibility()));
    assert.deepEqual(visible, []);
    const loaded = await frame.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name));
    assert.ok(!loaded.some((u) => /training-|worker-/.test(u)), loaded.join('\n'));
    assert.equal(loaded.filter((u) => u.endsWith('.wasm')).length, 1, 'only the page module');
    // Neither line chart is shown, so the smaller module without them runs the page.
    assert.equal(await frame.evaluate(() => window.__gatelab.module()), 'lite');
  } finally {
    await context.close();
  }
});

test('the Embed dialog writes a snippet that reproduces the state in a fresh host page', async () => {
  const query = 'preset=random&hidden=4&seed=3&candidate=relu&forget=morph:0.25&text=gates%20%F0%9F%A7%AA&t=3&unit=2';
  const page = await openPage(env.browser, `${env.server.url}index.html?${query}`);
  await page.click('#open-embed');
  await page.waitForSelector('#embed-dialog[open]');
  // Tick the calculator too, and untick the cell chart; the preview follows.
  await page.check('#embed-views-calculator');
  await page.uncheck('#embed-views-cell');
  await page.uncheck('#embed-controls-step');
  const snippet = await page.inputValue('#embed-snippet');
  assert.match(snippet, /^<iframe src="[^"]+" title="[^"]+" width="100%" height="\d+" loading="lazy"/);
  assert.match(snippet, /e\.source !== frame\.contentWindow/);
  const src = new URL(snippet.match(/src="([^"]+)"/)[1].replaceAll('&amp;', '&'));
  assert.equal(src.searchParams.get('views'), 'diagram,timeline,activations,calculator');
  assert.equal(src.searchParams.get('controls'), 'text,forget,input,output,candidate,cell_output');
  // The live preview shows the same embed.
  const preview = page.frameLocator('#embed-preview');
  await preview.locator('#timeline').waitFor();
  assert.deepEqual(await axe(page), [], 'the Embed dialog');
  const before = await page.evaluate(() => ({ state: window.__gatelab.state(), c: window.__gatelab.values('c') }));
  await page.click('#embed-copy');
  await page.close();
  const { page: host, frame, context } = await hostPage(snippet.replace(/ loading="lazy"/, ''), 700);
  try {
    const after = await frame.evaluate(() => ({ state: window.__gatelab.state(), c: window.__gatelab.values('c') }));
    for (const key of ['preset', 'hidden', 'seed', 'text', 't', 'unit']) assert.equal(after.state[key], before.state[key], key);
    assert.deepEqual(after.state.acts, before.state.acts);
    assert.deepEqual(after.c, before.c, 'the same cell state at every step');
    assert.equal(after.state.embed, true);
    assert.deepEqual(await shownViews(frame), ['diagram', 'timeline', 'activations', 'calculator']);
    assert.equal(await frame.evaluate(() => window.__gatelab.module()), 'full', 'the activation panel needs the full module');
    assert.deepEqual(host.problems, []);
  } finally {
    await context.close();
  }
});


test('Save: PNGs at twice their size, SVGs that parse and carry the chart text, data equal to the CLI output', async () => {
  const text = '(()x(()<b>&"))';
  const query = `preset=counter&input=none&forget=morph:0.25&text=${encodeURIComponent(text)}&t=2`;
  const page = await openPage(env.browser, `${env.server.url}index.html?${query}`);
  await page.click('#open-save');
  await page.waitForSelector('#save-dialog[open]');
  assert.deepEqual(await axe(page), [], 'the Save dialog');
  const prefix = 'gatelab-counter-forget-morph0.25-input-none';

  const csv = await saveFrom(page, 'every traced value', 'CSV');
  assert.equal(csv.name, `${prefix}-trace.csv`);
  const args = ['trace', '--preset', 'counter', '--input', 'none', '--forget', 'morph:0.25', '--text', text];
  assert.equal(csv.bytes.toString('utf8'), cli([...args, '--format', 'csv']));
  const json = await saveFrom(page, 'every traced value', 'JSON');
  assert.equal(json.name, `${prefix}-trace.json`);
  assert.equal(json.bytes.toString('utf8'), cli([...args, '--format', 'json']));

  // The text as a file, whole (what a link too long to share is replaced by).
  const txt = await saveFrom(page, 'the text, whole', 'TXT');
  assert.equal(txt.name, 'gatelab-counter-text.txt');
  assert.equal(txt.bytes.toString('utf8'), text);
  // The weights of a preset, in PyTorch's layout: the CLI traces them to the same numbers.
  const weights = await saveFrom(page, 'weights', 'JSON');
  assert.equal(weights.name, 'gatelab-counter-weights.json');
  const file = `${fs.mkdtempSync('/tmp/gatelab-')}/counter.json`;
  fs.writeFileSync(file, weights.bytes);
  assert.equal(cli(['trace', '--weights', file, '--input', 'none', '--forget', 'morph:0.25', '--text', text, '--format', 'csv']),
    csv.bytes.toString('utf8'));

  const expectations = {
    timeline: { canvas: 'timeline', text: 'clipped to the legend' },
    cell: { canvas: 'cell-chart', text: 'cell state' },
    activations: { canvas: 'activation-panel', text: 'forget gate f' },
    diagram: { canvas: null, text: 'tanh(c' },
  };
  for (const [view, { canvas, text: expected }] of Object.entries(expectations)) {
    const label = await page.evaluate((v) => document.querySelector(`#save-list li button[title$="as PNG"][title*="${v}"]`) ? v : null, view);
    const row = { timeline: 'heatmaps', cell: 'cell state chart', activations: 'activations and derivatives', diagram: 'cell diagram' }[view];
    assert.ok(label !== undefined);
    const png = await saveFrom(page, row, 'PNG');
    assert.equal(png.name, `${prefix}-${view}.png`);
    assert.equal(png.bytes.subarray(1, 4).toString('latin1'), 'PNG');
    const [w, h] = [png.bytes.readUInt32BE(16), png.bytes.readUInt32BE(20)];
    const css = await page.evaluate((id) => {
      const el = id ? document.getElementById(id) : document.querySelector('#diagram svg');
      const r = el.getBoundingClientRect();
      return { width: Math.round(r.width), height: Math.round(r.height) };
    }, canvas);
    assert.equal(w, css.width * 2, `${view} PNG width`);
    assert.ok(Math.abs(h - css.height * 2) <= 2, `${view} PNG height ${h} vs ${css.height * 2}`);
    const svg = await saveFrom(page, row, 'SVG');
    assert.equal(svg.name, `${prefix}-${view}.svg`);
    const parsed = await page.evaluate((source) => {
      const doc = new DOMParser().parseFromString(source, 'image/svg+xml');
      return { error: doc.querySelector('parsererror')?.textContent ?? null, root: doc.documentElement.localName, text: doc.documentElement.textContent };
    }, svg.bytes.toString('utf8'));
    assert.equal(parsed.error, null, `${view} SVG parses`);
    assert.equal(parsed.root, 'svg');
    assert.ok(parsed.text.includes(expected), `${view} SVG has "${expected}"`);
  }
  assert.deepEqual(page.problems, []);
});

test('Save: 100,000 characters of hostile text give a file (the traced steps), not a frozen tab', async () => {
  const page = await openPage(env.browser, `${env.server.url}index.html?preset=counter`);
  const text = '<img src=x onerror=alert(1)>"&\u202e'.repeat(3000).slice(0, 100_000);
  await page.evaluate((t) => window.__gatelab.change({ text: t }), text);
  await page.waitForFunction(() => window.__gatelab.idle());
  await page.click('#open-save');
  // The dialog's module loads on the first click.
  await page.waitForSelector('#save-dialog[open]');
  assert.match(await page.textContent('#save-status'), /first 2,000 steps/);
  const started = Date.now();
  const csv = await saveFrom(page, 'every traced value', 'CSV');
  assert.ok(Date.now() - started < 10_000);
  const lines = csv.bytes.toString('utf8').trimEnd().split('\n');
  assert.equal(lines.length, 1 + 2000, 'a header and one row per traced step');
  const svg = await saveFrom(page, 'heatmaps', 'SVG');
  assert.ok(!svg.bytes.toString('utf8').includes('<img'), 'the text is escaped in the SVG');
  assert.equal(await page.evaluate(() => document.querySelectorAll('img').length), 0);
  assert.deepEqual(page.problems, []);
});

for (const width of [320, 360, 390]) {
  const taps = TOUCH_INPUT ? ', and a second tap dismisses the tooltip' : ' (its taps are tested in Chromium and Firefox: WebKitGTK\'s WebDriver has no touch input)';
  test(`a phone ${width} px wide: nothing overflows, the heatmaps follow the text box${taps}`, async () => {
    const context = await env.browser.newContext({ viewport: { width, height: 800 }, isMobile: true, hasTouch: TOUCH_INPUT, deviceScaleFactor: 2 });
    try {
      for (const query of ['', 'embed=1', 'embed=1&views=calculator,saturation,parameters,inspector&controls=text,model,step']) {
        const page = await context.newPage();
        const problems = [];
        page.on('pageerror', (e) => problems.push(String(e)));
        page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
        await page.goto(`${env.server.url}index.html?${query}`);
        await page.waitForFunction(() => window.__gatelab?.ready === true && window.__gatelab.idle());
        assert.deepEqual(await overflowing(page.mainFrame()), [], `overflow in ?${query}`);
        assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth));
        if (query === '') {
          // Order on screen: the text box, then the heatmaps, then the diagram and the controls.
          const tops = await page.evaluate(() => Object.fromEntries(['text', 'timeline', 'diagram-view', 'preset', 'activations']
            .map((id) => [id, document.getElementById(id).getBoundingClientRect().top])));
          assert.ok(tops.text < tops.timeline && tops.timeline < tops['diagram-view'] && tops.timeline < tops.preset, JSON.stringify(tops));
          // The activation panel wraps into two columns: more than one row of charts.
          const panel = await page.evaluate(() => document.getElementById('activation-panel').getBoundingClientRect().height);
          assert.ok(panel >= 2 * 210, `activation panel ${panel} px tall`);
          const box = await page.locator('#timeline').boundingBox();
          assert.ok(box.width <= width);
        }
        if (query === '' && TOUCH_INPUT) {
          // A tap on a cell shows its tooltip inside the screen; a tap elsewhere dismisses it.
          await page.locator('#timeline').scrollIntoViewIfNeeded();
          const again = await page.locator('#timeline').boundingBox();
          await page.touchscreen.tap(again.x + again.width * 0.55, again.y + 60);
          await page.waitForSelector('#tooltip:not([hidden])');
          const tip = await page.evaluate(() => document.getElementById('tooltip').getBoundingClientRect().toJSON());
          assert.ok(tip.left >= 0 && tip.right <= width, `tooltip within the screen: ${JSON.stringify(tip)}`);
          // It is docked along the bottom of the screen, off the rows around the finger.
          assert.ok(tip.bottom <= 800 && tip.bottom >= 800 - 20 && tip.top > 60 + again.y, `the tooltip is docked at the bottom: ${JSON.stringify(tip)}`);
          await page.touchscreen.tap(10, 10);
          await page.waitForSelector('#tooltip', { state: 'hidden' });
          // Left alone, a tap's tooltip goes by itself after a few seconds.
          await page.touchscreen.tap(again.x + again.width * 0.55, again.y + 60);
          await page.waitForSelector('#tooltip:not([hidden])');
          await page.waitForSelector('#tooltip', { state: 'hidden', timeout: 8000 });
        }
        assert.deepEqual(problems, []);
        await page.close();
      }
    } finally {
      await context.close();
    }
  });
}

const thumbs = TOUCH_INPUT ? '' : ' (the touch screens are tested in Chromium and Firefox: WebKitGTK\'s WebDriver has no touch input)';
test(`touch readers get a step control that fits a thumb where the heatmap columns are too narrow or the step controls are hidden${thumbs}`, async () => {
  const text = encodeURIComponent('((x)(y(z)))((()))(()())');
  const cases = [
    // A phone: columns of about 10 px, so the buttons show; a mouse on a desktop: they don't.
    { touch: true, width: 390, query: `embed=1&views=diagram,timeline&text=${text}`, shown: true },
    { touch: true, width: 1280, query: `embed=1&views=diagram,timeline&controls=none&text=${text}`, shown: true },
    { touch: false, width: 390, query: `embed=1&views=diagram,timeline&text=${text}`, shown: false },
  ];
  for (const { touch, width, query, shown } of cases.filter((c) => TOUCH_INPUT || !c.touch)) {
    const context = await env.browser.newContext({ viewport: { width, height: 800 }, isMobile: touch, hasTouch: touch });
    try {
      const page = await context.newPage();
      await page.goto(`${env.server.url}index.html?${query}`);
      await page.waitForFunction(() => window.__gatelab?.ready === true && window.__gatelab.idle());
      assert.equal(await page.isVisible('#thumb-step'), shown, `${JSON.stringify({ touch, width, query })}`);
      if (!shown) continue;
      for (const id of ['#thumb-prev', '#thumb-next']) {
        const box = await page.locator(id).boundingBox();
        assert.ok(box.width >= 44 && box.height >= 44, `${id} is ${box.width}×${box.height}`);
      }
      const t = await page.evaluate(() => window.__gatelab.state().t);
      await page.locator('#thumb-next').tap();
      await page.waitForFunction((t) => window.__gatelab.state().t === t + 1 && window.__gatelab.idle(), t);
      assert.match(await page.textContent('#thumb-label'), new RegExp(`^step ${t + 1} of 22`));
      await page.locator('#thumb-prev').tap();
      await page.waitForFunction((t) => window.__gatelab.state().t === t && window.__gatelab.idle(), t);
    } finally {
      await context.close();
    }
  }
});

test('in an embed taller than the reader\'s screen, the Save dialog opens on the part of the frame the reader sees', async () => {
  const { page, frame, context } = await hostPage(snippet('embed=1&views=diagram,timeline,cell,activations'), 700);
  try {
    // The frame takes its content's height (over 1,000 px); the reader scrolls to its foot.
    await page.waitForFunction(() => document.querySelector('iframe').getBoundingClientRect().height > 1000);
    // Until the height has settled: the views below the first screen report theirs as they draw.
    let frameHeight = 0;
    for (let same = 0; same < 3;) {
      await new Promise((resolve) => setTimeout(resolve, 150));
      const height = await page.evaluate(() => document.querySelector('iframe').getBoundingClientRect().height);
      same = height === frameHeight ? same + 1 : 0;
      frameHeight = height;
    }
    const scrolled = frameHeight - 800;
    await page.evaluate((y) => window.scrollTo(0, y), scrolled);
    await frame.locator('#embed-save').click();
    await frame.waitForSelector('#save-dialog[open]');
    const boxes = await frame.evaluate(() => ['#save-dialog', '#save-title', '#save-close', '#save-list button']
      .map((s) => document.querySelector(s).getBoundingClientRect().toJSON()));
    for (const [k, box] of boxes.entries()) {
      // Frame coordinates: the reader sees the frame from `scrolled` to its end.
      assert.ok(box.top >= scrolled - 1 && box.bottom <= frameHeight + 1, `item ${k} at ${box.top}–${box.bottom}, the reader sees ${scrolled}–${frameHeight}`);
    }
    await frame.click('#save-close');
  } finally {
    await context.close();
  }
});

test('the example post embeds three experiments that size themselves on a desktop and on a phone', async () => {
  for (const [width, mobile] of [[1280, false], [390, true]]) {
    const context = await env.browser.newContext({ viewport: { width, height: 900 }, isMobile: mobile, hasTouch: mobile && TOUCH_INPUT });
    const page = await context.newPage();
    const problems = [];
    page.on('pageerror', (e) => problems.push(String(e)));
    await page.goto(`${env.server.url}www/embed-example.html`);
    const frames = page.locator('iframe');
    assert.equal(await frames.count(), 3);
    for (let k = 0; k < 3; k++) {
      await frames.nth(k).scrollIntoViewIfNeeded();
      const frame = await waitForEmbed(page, k);
      await page.waitForFunction((i) => document.querySelectorAll('iframe')[i].style.height !== '', k);
      const inner = await frame.evaluate(() => ({ h: document.documentElement.scrollHeight, w: document.documentElement.scrollWidth, iw: innerWidth }));
      const outer = await frames.nth(k).boundingBox();
      assert.ok(Math.abs(outer.height - inner.h) <= 1, `embed ${k}: iframe ${outer.height} px for ${inner.h} px of content`);
      assert.ok(inner.w <= inner.iw, `embed ${k} has no horizontal overflow`);
      assert.deepEqual(await frame.evaluate(() => window.__gatelab.notices()), []);
    }
    assert.deepEqual(problems, []);
    await context.close();
  }
});
