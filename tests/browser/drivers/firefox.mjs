// Debian's Firefox ESR, driven by puppeteer-core over WebDriver BiDi (Firefox speaks it itself:
// no driver binary, no download). Each page gets its own browser context, as Playwright's
// browser.newPage() does. Dark mode and a touch screen are Firefox preferences, so each such
// combination is its own Firefox process, started on first use.
import fs from 'node:fs';
import puppeteer from 'puppeteer-core';
import { ShimPage, newContext } from './shim.mjs';

export const FIREFOX = '/usr/bin/firefox-esr';

// ui.primaryPointerCapabilities: 1 is a coarse pointer that can't hover, as a phone's finger.
const prefsFor = ({ dark, touch }) => ({
  'layout.css.prefers-color-scheme.content-override': dark ? 0 : 1,
  ...(touch ? { 'dom.w3c_touch_events.enabled': 1, 'ui.primaryPointerCapabilities': 1, 'ui.allPointerCapabilities': 1 } : {}),
  // No first-run pages, updates or telemetry on a closed network.
  'browser.shell.checkDefaultBrowser': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'app.update.enabled': false,
});

class FirefoxBackend {
  constructor(page, context) {
    this.page = page;
    this.context = context;
  }

  async frame(chain) {
    let frame = this.page.mainFrame();
    for (const step of chain) {
      const handles = await frame.$$(step.css);
      const handle = handles[step.nth ?? 0];
      if (!handle) throw new Error(`no frame ${JSON.stringify(step)}`);
      frame = await handle.contentFrame();
    }
    return frame;
  }

  async run(chain, body) {
    const frame = await this.frame(chain);
    return frame.evaluate(`(async function () { ${body} })()`);
  }

  click(x, y, { button = 'left', clickCount = 1 } = {}) { return this.page.mouse.click(x, y, { button, count: clickCount }); }
  move(x, y) { return this.page.mouse.move(x, y); }
  mouseDown() { return this.page.mouse.down(); }
  mouseUp() { return this.page.mouse.up(); }
  tap(x, y) { return this.page.touchscreen.tap(x, y); }
  typeText(text) { return this.page.keyboard.type(text); }

  async press(combo) {
    const keys = combo.length > 1 ? combo.split('+') : [combo];
    const key = keys.pop();
    for (const modifier of keys) await this.page.keyboard.down(modifier);
    await this.page.keyboard.press(key);
    for (const modifier of keys.reverse()) await this.page.keyboard.up(modifier);
  }

  async setFiles(chain, selector, paths) {
    const frame = await this.frame(chain);
    await (await frame.$(selector)).uploadFile(...paths);
  }

  async screenshot({ fullPage = false, element } = {}) {
    if (element) {
      const frame = await this.frame(element.chain);
      return Buffer.from(await (await frame.$(element.selector)).screenshot());
    }
    return Buffer.from(await this.page.screenshot({ fullPage }));
  }

  goto(url, { timeout }) { return this.page.goto(url, { waitUntil: 'load', timeout }); }
  setViewport(size) { return this.page.setViewport({ ...this.viewport, ...size }); }
  async close() { await this.context.close(); }
}

export class FirefoxBrowser {
  constructor() {
    this.processes = new Map();
    this.pages = new Set();
  }

  async process(flavour) {
    const key = JSON.stringify(flavour);
    if (!this.processes.has(key)) {
      if (!fs.existsSync(FIREFOX)) throw new Error(`${FIREFOX} missing: run scripts/setup.sh --browser`);
      this.processes.set(key, puppeteer.launch({
        browser: 'firefox', executablePath: FIREFOX, headless: true, extraPrefsFirefox: prefsFor(flavour),
      }));
    }
    return this.processes.get(key);
  }

  newContext(options = {}) { return newContext(this, options); }

  async newPage({ viewport = { width: 1280, height: 720 }, deviceScaleFactor = 1, colorScheme, hasTouch = false, isMobile = false } = {}) {
    const process = await this.process({ dark: colorScheme === 'dark', touch: hasTouch });
    const context = await process.createBrowserContext();
    const page = await context.newPage();
    const backend = new FirefoxBackend(page, context);
    backend.viewport = { ...viewport, deviceScaleFactor, hasTouch, isMobile };
    await page.setViewport(backend.viewport);
    const shim = new ShimPage(backend, 'firefox');
    shim.viewport = viewport;
    this.pages.add(shim);
    return shim;
  }

  version() { return 'firefox'; }

  async close() {
    for (const launching of this.processes.values()) {
      const process = await launching.catch(() => null);
      await process?.close();
    }
    this.processes.clear();
  }
}
