// Helpers for browser tests: a static server for a built folder (dist-test/, the build with
// the window.__gatelab test hooks, unless GATELAB_DIST says otherwise), Debian's headless
// Chromium, and a page opener that waits for the app to start and records console errors.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

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

/** Serve `dir` on 127.0.0.1 at a random port. Returns {url, close}. */
export async function startStaticServer(dir = 'dist') {
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

/** Headless Debian Chromium (Playwright's own browser download can't work here). */
export async function launchBrowser() {
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
 * `page.problems`.
 */
export async function openPage(browser, url, { viewport = { width: 1280, height: 900 }, timeout = 20_000, hooks = true } = {}) {
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
  page.on('requestfailed', (req) =>
    page.problems.push(`requestfailed: ${req.url()} (${req.failure()?.errorText})`));
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
