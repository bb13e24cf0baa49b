// Retakes the README's screenshots from the built page (run `npm run build` first): the whole
// page, the cell diagram, a lesson of the guided walk at 1280×720, and a study's results.
// Usage: node scripts/screenshot.mjs [OUT_DIR]
//        node scripts/screenshot.mjs --engines [OUT_DIR]   (default test-artifacts/engines)
// With --engines, it takes in each engine (Chromium, Firefox, WebKit) the views a person checks
// by eye: the full page at 1280×720, presenter mode there, the page in dark mode, and an embed
// at 390 px wide, in its own window and in a 700 px blog column; and the same for a small study, run.
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import fs from 'node:fs';
import { ENGINE, startStaticServer, launchBrowser, openPage } from '../tests/browser/harness.mjs';

const engines = process.argv[2] === '--engines';
if (engines && !process.env.GATELAB_ENGINE) {
  // One process per engine: the harness reads the engine when it is loaded.
  for (const engine of ['chromium', 'firefox', 'webkit']) {
    const run = spawnSync(process.execPath, [process.argv[1], ...process.argv.slice(2)], {
      stdio: 'inherit', env: { ...process.env, GATELAB_ENGINE: engine },
    });
    if (run.status !== 0) process.exit(run.status ?? 1);
  }
  process.exit(0);
}

const server = await startStaticServer('dist');
const browser = await launchBrowser();
const dir = (engines ? process.argv[3] : process.argv[2]) ?? (engines ? 'test-artifacts/engines' : 'docs');
fs.mkdirSync(dir, { recursive: true });
const text = encodeURIComponent('((x)(y(z)))((()))');
// The production build has no test hooks: each page is waited for until it shows itself, which
// it does just before its first drawing, in the same task; a font or layout change after that
// is waited out by the frame below.
const settled = (page) => page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
/** A blog post whose 700 px column holds an embed of `query`, served on its own port. */
const blog = (query) => `<!doctype html><meta name="viewport" content="width=device-width"><body style="margin:0;background:#f4f1ea;font:18px Georgia,serif">
  <div style="max-width:700px;margin:0 auto;padding:1rem"><p>A post about LSTM gates, with one experiment in it.</p>
  <iframe src="${server.url}${query}" title="Gate Lab" width="100%" height="640" style="border:0"></iframe>
  <script>addEventListener('message', (e) => { let d = e.data; try { d = JSON.parse(d); } catch { return; }
    if (d && d.context === 'iframe.resize') document.querySelector('iframe').style.height = d.height + 'px'; });</script>
  <p>The post goes on.</p></div>`;
const host = http.createServer((req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(blog(decodeURIComponent(req.url.slice(1)))));
await new Promise((resolve) => host.listen(0, '127.0.0.1', resolve));
const embedQuery = `?embed=1&views=diagram,timeline&preset=counter&text=${text}&t=5`;
const studyQuery = 'study=feng&study_seeds=2&study_steps=150';
const shots = engines ? [
  { file: `${ENGINE}-page.png`, query: `?preset=counter&text=${text}&t=5`, viewport: { width: 1280, height: 720 }, fullPage: true },
  { file: `${ENGINE}-presenter.png`, query: '?lesson=7&present=1', viewport: { width: 1280, height: 720 }, click: '#lesson-answer-toggle' },
  { file: `${ENGINE}-dark.png`, query: `?preset=counter&text=${text}&t=5&theme=dark`, viewport: { width: 1280, height: 720 } },
  { file: `${ENGINE}-embed-390.png`, query: embedQuery, viewport: { width: 390, height: 844 }, fullPage: true },
  { file: `${ENGINE}-blog-column.png`, url: `http://127.0.0.1:${host.address().port}/${encodeURIComponent(embedQuery)}`, viewport: { width: 1280, height: 900 }, fullPage: true },
  // A small Feng study, run: the card, the curves and the table with its time per step.
  { file: `${ENGINE}-study.png`, query: `?${studyQuery}`, viewport: { width: 1280, height: 720 }, element: '#study-view', study: true },
  { file: `${ENGINE}-study-presenter.png`, query: `?${studyQuery}&present=1`, viewport: { width: 1280, height: 720 }, study: true, scrollTo: '#study-table-note' },
  { file: `${ENGINE}-study-dark.png`, query: `?${studyQuery}&theme=dark`, viewport: { width: 1280, height: 720 }, study: true, scrollTo: '#study-table-note' },
  { file: `${ENGINE}-study-embed-390.png`, query: `?embed=1&views=study&${studyQuery}`, viewport: { width: 390, height: 844 }, fullPage: true, study: true },
  { file: `${ENGINE}-study-blog-column.png`, url: `http://127.0.0.1:${host.address().port}/${encodeURIComponent(`?embed=1&views=study&${studyQuery}`)}`, viewport: { width: 1280, height: 900 }, fullPage: true, study: true },
] : [
  { file: 'screenshot.png', query: `?preset=counter&text=${text}&t=5`, viewport: { width: 1400, height: 960 } },
  { file: 'diagram.png', query: `?preset=counter&text=${text}&t=3`, viewport: { width: 1280, height: 720 }, element: '#diagram-view' },
  { file: 'lesson.png', query: '?lesson=11', viewport: { width: 1280, height: 720 }, click: '#lesson-answer-toggle' },
  // The Weiss study, small enough to run in seconds: its card, curves and table.
  { file: 'study.png', query: '?study=weiss&study_seeds=3&study_steps=1000', viewport: { width: 1280, height: 900 }, element: '#study-view', study: true },
];
try {
  for (const shot of shots) {
    let page;
    if (shot.url) {
      page = await browser.newPage({ viewport: shot.viewport });
      await page.goto(shot.url);
      await page.waitForFunction(() => document.querySelector('iframe').style.height !== '', null, { timeout: 20_000 });
      await page.waitForTimeout(500);
    } else {
      page = await openPage(browser, server.url + shot.query, { viewport: shot.viewport, hooks: false });
    }
    if (shot.click) await page.click(shot.click);
    if (shot.study) {
      // In a blog's column the panel is in the iframe.
      const scope = shot.url ? page.frames().find((f) => f !== page.mainFrame()) : page;
      await scope.locator('#study-view').scrollIntoViewIfNeeded();
      await scope.waitForFunction(() => !document.querySelector('#study-run').disabled, null, { timeout: 60_000 });
      await scope.click('#study-run');
      await scope.waitForFunction(() => /^done/.test(document.querySelector('#study-status').textContent), null, { timeout: 600_000 });
      await page.waitForTimeout(500);
      if (shot.scrollTo) await scope.locator(shot.scrollTo).scrollIntoViewIfNeeded();
    }
    await settled(page);
    const out = path.join(dir, shot.file);
    if (shot.element) await page.locator(shot.element).screenshot({ path: out });
    else await page.screenshot({ path: out, fullPage: shot.fullPage ?? false });
    console.log(`wrote ${out}`);
    await page.close();
  }
} finally {
  await browser.close();
  await server.close();
  host.close();
}
