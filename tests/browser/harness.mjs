// Helpers for browser tests: a static server for a built folder (dist-test/, the build with
// the window.__gatelab test hooks, unless GATELAB_DIST says otherwise), Debian's headless
// Chromium, and a page opener that waits for the app to start and records console errors.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { FirefoxBrowser } from './drivers/firefox.mjs';
import { WebKitBrowser } from './drivers/webkit.mjs';

/** The engine the browser tests run in: chromium (Playwright), firefox or webkit (drivers/). */
export const ENGINE = process.env.GATELAB_ENGINE ?? 'chromium';
if (!['chromium', 'firefox', 'webkit'].includes(ENGINE)) throw new Error(`GATELAB_ENGINE=${ENGINE}: use chromium, firefox or webkit`);
/**
 * Whether the engine's driver can send touch input (and make the page a touch screen's):
 * Chromium's and Firefox's can, WebKitGTK's WebDriver has none. Tests of taps run where it can.
 */
export const TOUCH_INPUT = ENGINE !== 'webkit';
/** Engines driven through drivers/shim.mjs, which need drivers/page-probe.js in each page. */
const SHIMMED = ENGINE !== 'chromium';
const PROBE = path.join(path.dirname(new URL(import.meta.url).pathname), 'drivers', 'page-probe.js');

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

export const CHROMIUM = '/usr/lib/chromium/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run',
];

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm', // required for WebAssembly.instantiateStreaming
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Serve `dir` on 127.0.0.1 at a random port. Returns {url, close}. For Firefox and WebKit, each
 * HTML page gets page-probe.js first, and the init scripts its `__init` query names.
 */
export async function startStaticServer(dir = 'dist', { probe = SHIMMED } = {}) {
  const root = path.resolve(dir);
  if (!fs.existsSync(path.join(root, 'index.html'))) {
    throw new Error(`${root}/index.html not found: build first (scripts/test.sh builds dist/ and dist-test/)`);
  }
  // Large headers allowed: tests put 100 KB texts in the query string.
  const server = http.createServer({ maxHeaderSize: 1 << 20 }, (req, res) => {
    let rel;
    try {
      rel = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    if (probe && (rel === '/__probe.js' || rel === '/__init.js')) {
      const init = new URL(req.url, 'http://x').searchParams.get('src') ?? '';
      const body = rel === '/__probe.js' ? fs.readFileSync(PROBE) : Buffer.from(init, 'base64url');
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' }).end(body);
      return;
    }
    let file = path.join(root, rel);
    if (!file.startsWith(root)) { res.writeHead(403).end(); return; }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    fs.readFile(file, (err, data) => {
      if (err) {
        // Browsers ask for /favicon.ico unprompted; don't let its absence count as an app error.
        if (rel === '/favicon.ico') res.writeHead(204).end();
        else res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      const type = MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
      if (probe && type.startsWith('text/html')) data = withProbe(data, new URL(req.url, 'http://x').searchParams.get('__init'));
      res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(data);
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}

/** `html` with page-probe.js, then the page's init scripts, as the first scripts of its head. */
function withProbe(html, init) {
  const scripts = '<script src="/__probe.js"></script>' + (init ? `<script src="/__init.js?src=${init}"></script>` : '');
  return Buffer.from(html.toString('utf8').replace(/<head[^>]*>/i, (head) => head + scripts));
}

/**
 * The browser of GATELAB_ENGINE: headless Debian Chromium through Playwright (its own browser
 * download can't work here), or Firefox ESR or WebKitGTK through drivers/, which offer the part
 * of Playwright's API the tests use.
 */
export async function launchBrowser() {
  if (ENGINE === 'firefox') return new FirefoxBrowser();
  if (ENGINE === 'webkit') return new WebKitBrowser();
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} missing: run scripts/setup.sh --browser`);
  }
  // launch() uses a fresh temporary profile each time.
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/**
 * Open `url` in a new page and wait until the app has started: until it sets
 * window.__gatelab.ready === true, or, with `hooks: false` (a production build, which has no
 * hooks), until it shows itself. Console errors and uncaught exceptions are collected in
 * `page.problems`. `init` is a function run in the page before its own scripts (to take a
 * feature away, say).
 */
export async function openPage(browser, url, { viewport = { width: 1280, height: 900 }, timeout = 20_000, hooks = true, init = null } = {}) {
  const page = await browser.newPage({ viewport, deviceScaleFactor: 1 });
  page.problems = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') {
      const where = msg.location()?.url;
      page.problems.push(`console.error: ${msg.text()}${where ? ` (${where})` : ''}`);
    }
  });
  page.on('pageerror', (err) => page.problems.push(`pageerror: ${err.stack ?? err.message ?? err}`));
  // A Content-Security-Policy violation is reported as a console error too; this names it.
  await page.addInitScript(() => document.addEventListener('securitypolicyviolation', (e) =>
    console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`)));
  page.on('requestfailed', (req) => {
    // A request the browser cancelled (the test navigated away while a module still loaded) is
    // not a failure of the page; any other is.
    const error = req.failure()?.errorText;
    if (error !== 'net::ERR_ABORTED') page.problems.push(`requestfailed: ${req.url()} (${error})`);
  });
  if (init) await page.addInitScript(init);
  await page.goto(url, { waitUntil: 'load', timeout });
  try {
    // The app is unhidden just before its first render, in the same task.
    if (hooks) await page.waitForFunction(() => window.__gatelab?.ready === true, null, { timeout });
    else await page.waitForSelector('#app:not([hidden])', { timeout });
  } catch (err) {
    throw new Error(
      `page ${url} did not start within ${timeout} ms (${err.message.split('\n')[0]}).\n` +
      `Problems seen:\n${page.problems.length ? page.problems.map((p) => '  ' + p).join('\n') : '  (none)'}`,
    );
  }
  return page;
}

/** Waits until the Study panel has run every run of its study and reported on all of them. */
export async function studyDone(page) {
  await page.waitForFunction(() => {
    const s = window.__gatelab.study();
    return !s.running && s.done === s.runs && s.report?.card.runs_done === s.runs;
  }, null, { timeout: 120_000 });
}

/** Save a full-viewport screenshot to test-artifacts/NAME.png; returns the path. */
/**
 * Scrolls view `name` (views/table.js) into sight and waits until the page has brought it up
 * to date: a view far out of sight is not updated until it comes back (main.js, watchSight).
 */
export async function seeView(page, name) {
  const section = await page.evaluate((name) => window.__gatelab.viewSection(name), name);
  await page.locator(`#${section}`).scrollIntoViewIfNeeded();
  await page.waitForFunction((name) => window.__gatelab.idle() && !window.__gatelab.waiting().includes(name), name);
}

export async function screenshot(page, name) {
  fs.mkdirSync('test-artifacts', { recursive: true });
  const file = path.join('test-artifacts', `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * Registers node:test hooks that start the static server (on `dir`, the test build by default)
 * and the browser once per file and close them afterwards. Returns an object whose `server` and
 * `browser` are set before tests run.
 */
export function useBrowser(hooks, dir = process.env.GATELAB_DIST ?? 'dist-test') {
  const env = { server: null, browser: null };
  hooks.before(async () => {
    env.server = await startStaticServer(dir);
    env.browser = await launchBrowser();
  });
  hooks.after(async () => {
    await env.browser?.close();
    await env.server?.close();
  });
  return env;
}

/** axe-core's violations on the page (or frame) as it is, as readable lines. */
export async function axe(page) {
  // Evaluated through the DevTools protocol: the page's CSP refuses injected script tags.
  await page.evaluate(fs.readFileSync(AXE, 'utf8'));
  return page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  });
}

/** Clicks the Save dialog's button `name` in row `row` and returns the download: {name, bytes}. */
export async function saveFrom(page, row, name) {
  const item = page.locator('#save-list li', { hasText: row });
  const [download] = await Promise.all([page.waitForEvent('download'), item.getByRole('button', { name, exact: true }).click()]);
  return { name: download.suggestedFilename(), bytes: fs.readFileSync(await download.path()) };
}
