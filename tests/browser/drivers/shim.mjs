// The part of Playwright's Page API the browser tests use, for engines Playwright can't drive
// here: Firefox (puppeteer-core over WebDriver BiDi, firefox.mjs) and WebKitGTK (selenium-webdriver
// over classic WebDriver, webkit.mjs). Chromium keeps Playwright itself (harness.mjs).
//
// Everything is built on a few primitives a backend provides: run a script in a frame, real
// pointer and key input at viewport coordinates, file inputs, screenshots and the viewport.
// Elements are found in the page by a chain of steps (a CSS selector, hasText, a role and name,
// an index), so a locator never holds a handle that goes stale. Problems (console errors, page
// errors, failed loads) are recorded by page-probe.js and collected after each call.
// SHIM_DEBUG=1 prints each pointer input, and whether it reached its element.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const DEFAULT_TIMEOUT = 30_000;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Values cross as JSON; these keep undefined, NaN, ±Infinity and -0 apart from null.
const ENCODE = `(key, value) => value === undefined ? { __shim: 'undefined' }
  : typeof value === 'number' && (!Number.isFinite(value) || Object.is(value, -0)) ? { __shim: String(Object.is(value, -0) ? '-0' : value) }
  : value`;
const decode = (json) => (json === undefined ? undefined : JSON.parse(json, (key, value) => {
  if (value && typeof value === 'object' && typeof value.__shim === 'string' && Object.keys(value).length === 1) {
    return value.__shim === 'undefined' ? undefined : Number(value.__shim);
  }
  return value;
}));

// Finds the elements a chain of steps names. Runs in the page.
const RESOLVE = `(steps) => {
  const normal = (s) => (s ?? '').replace(/\\s+/g, ' ').trim();
  const ROLES = {
    button: 'button, [role=button], input[type=button], input[type=submit], input[type=reset]',
    checkbox: 'input[type=checkbox], [role=checkbox]',
    link: 'a[href], [role=link]',
    dialog: 'dialog, [role=dialog]',
    textbox: 'textarea, input:not([type]), input[type=text], input[type=search], [role=textbox]',
  };
  const accessibleName = (el) => {
    if (el.getAttribute('aria-label')) return el.getAttribute('aria-label');
    const by = el.getAttribute('aria-labelledby');
    if (by) return by.split(/\\s+/).map((id) => document.getElementById(id)?.textContent ?? '').join(' ');
    if (el.labels?.length) return [...el.labels].map((l) => l.textContent).join(' ');
    return el.textContent || el.value || el.title || '';
  };
  let found = [document];
  for (const step of steps) {
    if (step.css !== undefined || step.role !== undefined) {
      const selector = step.css ?? ROLES[step.role];
      if (!selector) throw new Error('shim: no selector for role ' + step.role);
      const next = new Set();
      for (const root of found) for (const el of root.querySelectorAll(selector)) next.add(el);
      found = [...next];
    }
    if (step.name !== undefined) {
      const want = normal(step.name);
      found = found.filter((el) => {
        const name = normal(accessibleName(el));
        return step.exact ? name === want : name.toLowerCase().includes(want.toLowerCase());
      });
    }
    if (step.hasText !== undefined) {
      const want = normal(step.hasText).toLowerCase();
      found = found.filter((el) => normal(el.textContent).toLowerCase().includes(want));
    }
    if (step.nth !== undefined) found = step.nth < 0 ? found.slice(step.nth).slice(0, 1) : found.slice(step.nth, step.nth + 1);
  }
  return found.filter((el) => el !== document);
}`;

// The content-visibility: auto part an element sits in, out of sight, where WebKit gives it no
// box, or null. Runs in the page.
const SKIPPED_PART = `(el) => {
  const box = el.getBoundingClientRect();
  if (box.width > 0 || box.height > 0 || el.checkVisibility?.() === false) return null;
  for (let a = el.parentElement; a; a = a.parentElement) {
    if (getComputedStyle(a).contentVisibility === 'auto') return a;
  }
  return null;
}`;

const VISIBLE = `(el) => {
  if (!el.isConnected) return false;
  const style = getComputedStyle(el);
  if (style.visibility === 'hidden' || style.visibility === 'collapse') return false;
  const box = el.getBoundingClientRect();
  if (box.width > 0 && box.height > 0) return true;
  // Out of sight inside a content-visibility: auto part, WebKit gives no box (Chromium lays the
  // part out when asked, so Playwright sees one).
  return !!(${SKIPPED_PART})(el);
}`;

/** Runs `fn` with each element's first match (or null) and `arg`; used by the locator methods. */
function elementScript(steps, fnSource, arg, { all = false } = {}) {
  return `const __all = (${RESOLVE})(${JSON.stringify(steps)});
    const __visible = (${VISIBLE});
    const __fn = (${fnSource});
    return __fn(${all ? '__all' : '__all[0] ?? null'}, ${JSON.stringify(arg ?? null)}, __visible);`;
}

/** A script body for the backend: runs `body`, then returns {value, problems, href} as JSON. */
export function wrapScript(body) {
  // Sent as ASCII, every other character escaped: WebKitWebDriver fails on a reply that holds
  // half of a surrogate pair ("Could not parse script result"), and JSON.parse undoes it.
  return `const __ascii = (json) => json.replace(/[\\u007f-\\uffff]/g, (c) => '\\\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
    return (async () => { ${body}\n })().then(
    (value) => __ascii(JSON.stringify({ ok: true, value, problems: window.__probe?.drain() ?? [], href: location.href, frames: document.querySelectorAll('iframe').length }, ${ENCODE})),
    (error) => __ascii(JSON.stringify({ ok: false, error: String(error && error.stack || error), problems: window.__probe?.drain() ?? [], href: location.href })));`;
}

function functionBody(fn, arg) {
  if (typeof fn === 'function') return `return (${fn.toString()})(${arg === undefined ? '' : JSON.stringify(arg)});`;
  // A string is an expression, or, over several lines, a script (axe-core's source).
  return /[\n;]/.test(fn.trim().replace(/;$/, '')) ? `${fn}\n;return undefined;` : `return (${fn});`;
}

function pattern(url) {
  if (url instanceof RegExp) return (href) => url.test(href);
  if (typeof url === 'function') return (href) => url(new URL(href));
  return (href) => href === url;
}

class Frame {
  /** `chain`: the steps to each iframe element from the top document, outermost first. */
  constructor(page, chain) {
    this.page = page;
    this.chain = chain;
  }

  async run(body) {
    const reply = await this.page.backend.run(this.chain, wrapScript(body));
    const result = decode(reply);
    this.page.collect(result.problems, this.chain.length ? null : result.href);
    // frames() is synchronous, as in Playwright: it reports the iframes seen at the last call.
    if (!this.chain.length) this.page.knownFrames = result.frames;
    if (!result.ok) throw new Error(`evaluate failed in ${this.page.engine}: ${result.error}`);
    return result.value;
  }

  evaluate(fn, arg) { return this.run(functionBody(fn, arg)); }

  /**
   * Polls `fn` until it returns something truthy. As in Playwright, a document that is still
   * loading (a frame being replaced, which the driver reports as an error of its own) is waited
   * through, and the last such error is reported at the timeout; an error `fn` throws is not.
   */
  async waitForFunction(fn, arg, { timeout = DEFAULT_TIMEOUT, polling = 50 } = {}) {
    const deadline = Date.now() + timeout;
    let lastError = null;
    for (;;) {
      try {
        const value = await this.evaluate(fn, arg);
        if (value) return { jsonValue: async () => value, dispose: async () => {} };
      } catch (error) {
        if (error.message.startsWith('evaluate failed')) throw error;
        lastError = error;
      }
      if (Date.now() > deadline) {
        throw new Error(`waitForFunction: Timeout ${timeout}ms exceeded (${this.page.engine}): ${String(fn).slice(0, 200)}${lastError ? `\nlast error: ${lastError.message}` : ''}`);
      }
      await sleep(typeof polling === 'number' ? polling : 50);
    }
  }

  locator(selector, options = {}) { return new Locator(this, [{ css: selector, ...options }]); }
  getByRole(role, { name, exact } = {}) { return new Locator(this, [{ role, name, exact }]); }
  frameLocator(selector) { return new FrameLocator(this.page, [...this.chain, { css: selector }]); }

  waitForSelector(selector, { state = 'visible', timeout = DEFAULT_TIMEOUT } = {}) {
    return this.locator(selector).waitFor({ state, timeout });
  }

  async waitForTimeout(ms) {
    await sleep(ms);
    await this.page.evaluate(() => 0); // brings frames() and the problems up to date
  }
  title() { return this.evaluate(() => document.title); }
  content() { return this.evaluate(() => document.documentElement.outerHTML); }

  // Selector-taking shortcuts, as on Playwright's Page and Frame.
  click(selector, options) { return this.locator(selector).click(options); }
  tap(selector) { return this.locator(selector).tap(); }
  hover(selector) { return this.locator(selector).hover(); }
  fill(selector, value) { return this.locator(selector).fill(value); }
  type(selector, text) { return this.locator(selector).type(text); }
  focus(selector) { return this.locator(selector).focus(); }
  check(selector) { return this.locator(selector).check(); }
  uncheck(selector) { return this.locator(selector).uncheck(); }
  isChecked(selector) { return this.locator(selector).isChecked(); }
  isVisible(selector) { return this.locator(selector).isVisible(); }
  textContent(selector) { return this.locator(selector).textContent(); }
  innerText(selector) { return this.locator(selector).innerText(); }
  inputValue(selector) { return this.locator(selector).inputValue(); }
  getAttribute(selector, name) { return this.locator(selector).getAttribute(name); }
  selectOption(selector, value) { return this.locator(selector).selectOption(value); }
  dispatchEvent(selector, type, init) { return this.locator(selector).dispatchEvent(type, init); }
  setInputFiles(selector, files) { return this.locator(selector).setInputFiles(files); }
  async $(selector) { return (await this.locator(selector).count()) ? this.locator(selector).first() : null; }
  $eval(selector, fn, arg) { return this.locator(selector).evaluate(fn, arg); }
  $$eval(selector, fn, arg) { return this.locator(selector).evaluateAll(fn, arg); }
}

class FrameLocator {
  constructor(page, chain) {
    this.page = page;
    this.chain = chain;
  }

  locator(selector, options) { return this.page.frameAt(this.chain).locator(selector, options); }
  getByRole(role, options) { return this.page.frameAt(this.chain).getByRole(role, options); }
}

class Locator {
  constructor(frame, steps) {
    this.frame = frame;
    this.steps = steps;
  }

  get page() { return this.frame.page; }
  locator(selector, options = {}) { return new Locator(this.frame, [...this.steps, { css: selector, ...options }]); }
  getByRole(role, { name, exact } = {}) { return new Locator(this.frame, [...this.steps, { role, name, exact }]); }
  nth(index) { return new Locator(this.frame, [...this.steps, { nth: index }]); }
  first() { return this.nth(0); }
  last() { return this.nth(-1); }
  filter({ hasText }) { return new Locator(this.frame, [...this.steps, { hasText }]); }

  /** Runs `fn(element, arg, visible)` on the first match, which may be null. */
  withElement(fn, arg) { return this.frame.run(elementScript(this.steps, fn.toString(), arg)); }

  describe() { return JSON.stringify(this.steps); }

  /** Waits until the first match satisfies `ready` (a page function of (el, visible)). */
  async waitUntil(ready, what, timeout = DEFAULT_TIMEOUT) {
    const deadline = Date.now() + timeout;
    for (;;) {
      if (await this.withElement(ready)) return;
      if (Date.now() > deadline) throw new Error(`locator ${this.describe()}: Timeout ${timeout}ms exceeded waiting until ${what} (${this.page.engine})`);
      await sleep(50);
    }
  }

  waitFor({ state = 'visible', timeout = DEFAULT_TIMEOUT } = {}) {
    const checks = {
      visible: (el, arg, visible) => !!el && visible(el),
      hidden: (el, arg, visible) => !el || !visible(el),
      attached: (el) => !!el,
      detached: (el) => !el,
    };
    return this.waitUntil(checks[state], state, timeout);
  }

  count() { return this.frame.run(elementScript(this.steps, '(all) => all.length', null, { all: true })); }

  async evaluate(fn, arg) {
    await this.waitFor({ state: 'attached' });
    return this.frame.run(elementScript(this.steps, fn.toString(), arg));
  }

  async evaluateAll(fn, arg) { return this.frame.run(elementScript(this.steps, fn.toString(), arg, { all: true })); }

  async textContent() { await this.waitFor({ state: 'attached' }); return this.withElement((el) => el.textContent); }
  async innerText() { await this.waitFor({ state: 'attached' }); return this.withElement((el) => el.innerText); }
  async inputValue() { await this.waitFor({ state: 'attached' }); return this.withElement((el) => el.value); }
  async getAttribute(name) { await this.waitFor({ state: 'attached' }); return this.withElement((el, n) => el.getAttribute(n), name); }
  async isChecked() { await this.waitFor({ state: 'attached' }); return this.withElement((el) => el.checked); }
  isVisible() { return this.withElement((el, arg, visible) => !!el && visible(el)); }
  async isEnabled() { await this.waitFor({ state: 'attached' }); return this.withElement((el) => !el.disabled); }

  async boundingBox() {
    const box = await this.withElement((el) => {
      if (!el) return null;
      const r = el.getBoundingClientRect();
      return { x: r.left, y: r.top, width: r.width, height: r.height };
    });
    if (!box) return null;
    const offset = await this.page.frameOffset(this.frame.chain);
    return { ...box, x: box.x + offset.x, y: box.y + offset.y };
  }

  async scrollIntoViewIfNeeded() {
    await this.waitFor({ state: 'attached' });
    await this.page.scrollFrameIntoView(this.frame.chain);
    await this.frame.run(elementScript(this.steps, `(el) => {
      // Inside a content-visibility: auto part that is out of sight, WebKit gives no box at all
      // (Chromium lays it out when asked): the part is brought into sight, then the element.
      const part = (${SKIPPED_PART})(el);
      if (part) {
        part.scrollIntoView({ block: 'start' });
        return new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => {
          el.scrollIntoView({ block: 'center', inline: 'center' });
          resolve();
        })));
      }
      const r = el.getBoundingClientRect();
      const inside = r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth;
      if (!inside) el.scrollIntoView({ block: 'center', inline: 'center' });
    }`));
  }

  /**
   * The centre of the first match in top-level viewport coordinates, once it can take input: as
   * Playwright does, it waits until the element is visible, enabled, scrolled into sight, and the
   * one a pointer there would hit (a layout still settling moves it).
   */
  async actionPoint(timeout = DEFAULT_TIMEOUT) {
    const deadline = Date.now() + timeout;
    for (;;) {
      await this.waitUntil((el, arg, visible) => !!el && visible(el) && !el.disabled, 'visible and enabled', timeout);
      await this.scrollIntoViewIfNeeded();
      // Two frames for a scroll or a layout change to settle.
      const spot = await this.withElement((el) => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => {
        const r = el.getBoundingClientRect();
        const x = r.left + r.width / 2;
        const y = r.top + r.height / 2;
        const top = document.elementFromPoint(x, y);
        resolve({ x, y, hit: !!top && (el.contains(top) || [...(el.labels ?? [])].some((label) => label.contains(top))) });
      }))));
      const offset = await this.page.frameOffset(this.frame.chain);
      const point = { x: spot.x + offset.x, y: spot.y + offset.y };
      const view = await this.page.evaluate(() => [innerWidth, innerHeight]);
      const inside = point.x >= 0 && point.y >= 0 && point.x < view[0] && point.y < view[1];
      // An element inside a frame taller than the screen: scroll the top page to it.
      if (!inside) await this.page.evaluate(({ x, y, w, h }) => scrollBy(x < 0 || x >= w ? x - w / 2 : 0, y < 0 || y >= h ? y - h / 2 : 0), { ...point, w: view[0], h: view[1] });
      else if (spot.hit || Date.now() > deadline - timeout / 2) return point;
      if (Date.now() > deadline) throw new Error(`locator ${this.describe()}: Timeout ${timeout}ms exceeded waiting to reach it (${this.page.engine})`);
      await sleep(50);
    }
  }

  async click({ position, button, clickCount } = {}) {
    if (position) {
      await this.scrollIntoViewIfNeeded();
      const box = await this.boundingBox();
      return this.page.backend.click(box.x + position.x, box.y + position.y, { button, clickCount });
    }
    return this.inputOnTarget((x, y) => this.page.backend.click(x, y, { button, clickCount }));
  }

  /**
   * Sends pointer input at the element's centre, and makes sure it lands there, as Playwright
   * does: a layout that moves between finding the point and the input (a view laid out as it
   * scrolls into sight) would send it to another element. The page stops input whose target is
   * not this element before any listener sees it, and the input is sent again.
   */
  async inputOnTarget(send, attempts = 5) {
    for (let attempt = 1; ; attempt++) {
      const { x, y } = await this.actionPoint();
      await this.withElement((el) => {
        const events = ['pointerdown', 'mousedown', 'touchstart', 'pointerup', 'mouseup', 'touchend', 'click', 'dblclick', 'auxclick', 'contextmenu'];
        const watch = { verdict: null, stop() { for (const type of events) removeEventListener(type, watch.listen, true); } };
        watch.listen = (e) => {
          const path = e.composedPath();
          watch.verdict ??= path.includes(el) || [...(el.labels ?? [])].some((label) => path.includes(label)) ? 'hit' : 'missed';
          if (watch.verdict === 'missed') {
            e.preventDefault();
            e.stopImmediatePropagation();
          }
        };
        for (const type of events) addEventListener(type, watch.listen, true);
        window.__shimWatch = watch;
      });
      await send(x, y);
      const verdict = await this.withElement(() => {
        const watch = window.__shimWatch;
        watch.stop();
        return watch.verdict;
      });
      if (process.env.SHIM_DEBUG) console.error(`shim: input at ${x},${y} on ${this.describe()}: ${verdict}`);
      if (verdict === 'hit' || attempt >= attempts) return;
      await sleep(100);
    }
  }

  async dblclick() { return this.click({ clickCount: 2 }); }
  async tap() { return this.inputOnTarget((x, y) => this.page.backend.tap(x, y)); }
  async hover() { const { x, y } = await this.actionPoint(); return this.page.backend.move(x, y); }

  async focus() {
    await this.waitFor({ state: 'attached' });
    await this.withElement((el) => el.focus());
  }

  async check() { if (!(await this.isChecked())) await this.click(); }
  async uncheck() { if (await this.isChecked()) await this.click(); }
  async setChecked(checked) { return checked ? this.check() : this.uncheck(); }

  /**
   * As Playwright's fill: focus, select all, insert the text as one insertion (beforeinput and
   * input, inputType insertText), or for inputs that take no text, set the value and send
   * input and change.
   */
  async fill(value) {
    await this.waitUntil((el, arg, visible) => !!el && visible(el) && !el.disabled, 'visible and enabled');
    await this.scrollIntoViewIfNeeded();
    const failure = await this.withElement((el, text) => {
      const typed = el.tagName === 'TEXTAREA' || el.isContentEditable
        || (el.tagName === 'INPUT' && /^(text|search|url|tel|email|password|)$/.test(el.type));
      el.focus();
      if (typed) {
        if (el.select) el.select(); else document.execCommand('selectAll');
        if (text === '') document.execCommand('delete');
        else document.execCommand('insertText', false, text);
        if ((el.value ?? el.textContent) === text) return null;
      }
      if (el.tagName !== 'INPUT' && el.tagName !== 'TEXTAREA') return 'shim: fill needs an input, a textarea or contenteditable';
      const setter = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(el), 'value').set;
      setter.call(el, text);
      el.dispatchEvent(new Event('input', { bubbles: true }));
      el.dispatchEvent(new Event('change', { bubbles: true }));
      return null;
    }, String(value));
    if (failure) throw new Error(failure);
  }

  async type(text) {
    await this.focus();
    await this.page.backend.typeText(text);
  }

  async press(key) {
    await this.focus();
    await this.page.keyboard.press(key);
  }

  async selectOption(value) {
    await this.waitFor({ state: 'attached' });
    const wanted = Array.isArray(value) ? value : [value];
    const chosen = await this.withElement((el, wanted) => {
      const picks = wanted.map((w) => (typeof w === 'string' ? w : w.value ?? w.label));
      const options = [...el.options];
      const match = (w) => options.find((o) => o.value === w) ?? options.find((o) => o.label === w);
      const found = picks.map(match);
      if (found.some((o) => !o)) return null;
      for (const o of options) o.selected = found.includes(o);
      el.dispatchEvent(new Event('input', { bubbles: true }));
      el.dispatchEvent(new Event('change', { bubbles: true }));
      return found.map((o) => o.value);
    }, wanted);
    if (!chosen) throw new Error(`selectOption: no option ${JSON.stringify(value)} in ${this.describe()}`);
    return chosen;
  }

  async dispatchEvent(type, init = {}) {
    await this.waitFor({ state: 'attached' });
    await this.withElement((el, { type, init }) => {
      const mouse = /^(click|dblclick|mouse|pointer|contextmenu)/.test(type);
      const Kind = mouse ? (type.startsWith('pointer') ? PointerEvent : MouseEvent) : /^key/.test(type) ? KeyboardEvent : Event;
      el.dispatchEvent(new Kind(type, { bubbles: true, cancelable: true, composed: true, ...init }));
    }, { type, init });
  }

  async setInputFiles(files) {
    await this.waitFor({ state: 'attached' });
    const list = (Array.isArray(files) ? files : [files]).map((file) => {
      if (typeof file === 'string') return path.resolve(file);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatelab-upload-'));
      const where = path.join(dir, file.name);
      fs.writeFileSync(where, file.buffer);
      return where;
    });
    await this.page.backend.setFiles(this.frame.chain, await this.page.mark(this), list);
  }

  async screenshot({ path: file } = {}) {
    await this.scrollIntoViewIfNeeded();
    const png = await this.page.backend.screenshot({ element: { chain: this.frame.chain, selector: await this.page.mark(this) } });
    if (file) fs.writeFileSync(file, png);
    return png;
  }
}

/**
 * Playwright's browser.newContext() for the shimmed engines: each page is already on its own
 * (a context or a session of its own), so a context is the pages it made, closed together.
 */
export function newContext(browser, options) {
  const pages = [];
  return {
    async newPage() {
      const page = await browser.newPage(options);
      pages.push(page);
      return page;
    },
    async close() { await Promise.all(pages.map((p) => p.close())); },
    pages: () => pages,
  };
}

export class ShimPage extends Frame {
  constructor(backend, engine) {
    super(null, []);
    this.page = this;
    this.backend = backend;
    this.engine = engine;
    this.href = 'about:blank';
    this.listeners = { console: [], pageerror: [], request: [], requestfailed: [] };
    this.initScripts = [];
    this.frameCache = new Map();
    this.marks = 0;
    this.closed = false;
    this.downloadsSeen = 0;
    this.mouse = {
      click: (x, y, options) => this.backend.click(x, y, options),
      move: (x, y) => this.backend.move(x, y),
      down: () => this.backend.mouseDown(),
      up: () => this.backend.mouseUp(),
    };
    this.touchscreen = { tap: (x, y) => this.backend.tap(x, y) };
    this.keyboard = {
      press: (key) => this.backend.press(key),
      type: (text) => this.backend.typeText(text),
      insertText: (text) => this.evaluate((t) => document.execCommand('insertText', false, t), text),
    };
  }

  /** Problems read from the page go to the listeners Playwright's events would reach. */
  collect(problems, href) {
    if (href) this.href = href;
    for (const line of problems ?? []) {
      if (line.startsWith('console.error: ')) {
        const text = line.slice('console.error: '.length);
        for (const listener of this.listeners.console) listener({ type: () => 'error', text: () => text, location: () => ({}) });
      } else if (line.startsWith('requestfailed: ')) {
        const url = line.slice('requestfailed: '.length);
        for (const listener of this.listeners.requestfailed) listener({ url: () => url, failure: () => ({ errorText: 'failed to load' }) });
      } else {
        const error = new Error(line.replace(/^pageerror: /, ''));
        for (const listener of this.listeners.pageerror) listener(error);
      }
    }
  }

  on(event, listener) {
    if (!this.listeners[event]) throw new Error(`shim (${this.engine}): page.on('${event}') is not supported`);
    this.listeners[event].push(listener);
    return this;
  }

  off(event, listener) {
    this.listeners[event] = (this.listeners[event] ?? []).filter((l) => l !== listener);
    return this;
  }

  url() { return this.href; }

  /** Scripts to run before the page's own, on each navigation (page-probe.js, harness.mjs). */
  async addInitScript(script, arg) {
    const source = typeof script === 'function' ? `(${script.toString()})(${arg === undefined ? '' : JSON.stringify(arg)});` : String(script);
    this.initScripts.push(source);
  }

  withInit(url) {
    if (!this.initScripts.length) return url;
    // Appended as text: URLSearchParams would re-encode the rest of the query (and mend a broken
    // %-escape the test means to send).
    const cut = url.includes('#') ? url.indexOf('#') : url.length;
    const [before, hash] = [url.slice(0, cut), url.slice(cut)];
    const init = `__init=${Buffer.from(this.initScripts.join('\n')).toString('base64url')}`;
    return `${before}${before.includes('?') ? '&' : '?'}${init}${hash}`;
  }

  async goto(url, { timeout = DEFAULT_TIMEOUT } = {}) {
    this.frameCache.clear();
    await this.backend.goto(this.withInit(url), { timeout });
    this.href = await this.evaluate(() => location.href);
    return null;
  }

  async reload() { return this.goto(this.href); }

  async waitForURL(url, { timeout = DEFAULT_TIMEOUT } = {}) {
    const matches = pattern(url);
    const deadline = Date.now() + timeout;
    while (!matches(await this.evaluate(() => location.href))) {
      if (Date.now() > deadline) throw new Error(`waitForURL ${url}: Timeout ${timeout}ms exceeded (now ${this.href})`);
      await sleep(50);
    }
  }

  async waitForLoadState() {
    await this.waitForFunction(() => document.readyState === 'complete');
  }

  mainFrame() { return this; }

  frameAt(chain) {
    const key = JSON.stringify(chain);
    if (!this.frameCache.has(key)) this.frameCache.set(key, new Frame(this, chain));
    return this.frameCache.get(key);
  }

  /** The main frame and each iframe of the top document, in document order (one level). */
  frames() {
    return [this, ...Array.from({ length: this.knownFrames ?? 0 }, (_, i) => this.frameAt([{ css: 'iframe', nth: i }]))];
  }

  /** The top-level viewport position of the document of the frame at `chain`. */
  async frameOffset(chain) {
    let x = 0;
    let y = 0;
    for (let depth = 0; depth < chain.length; depth++) {
      const parent = this.frameAt(chain.slice(0, depth));
      const box = await parent.run(elementScript(this.frameStep(chain[depth]), `(el) => {
        const r = el.getBoundingClientRect();
        const s = getComputedStyle(el);
        return { x: r.left + el.clientLeft + parseFloat(s.paddingLeft), y: r.top + el.clientTop + parseFloat(s.paddingTop) };
      }`));
      x += box.x;
      y += box.y;
    }
    return { x, y };
  }

  frameStep(step) { return [{ css: step.css }, ...(step.nth !== undefined ? [{ nth: step.nth }] : [{ nth: 0 }])]; }

  /**
   * Brings each frame of `chain` into its parent's sight when none of it is in sight. A frame
   * partly in sight is left where it is: the element inside may be in the part shown, and
   * actionPoint scrolls the top page to it (scrolling a tall frame to its start undid that).
   */
  async scrollFrameIntoView(chain) {
    for (let depth = 0; depth < chain.length; depth++) {
      const parent = this.frameAt(chain.slice(0, depth));
      await parent.run(elementScript(this.frameStep(chain[depth]), `(el) => {
        const r = el.getBoundingClientRect();
        if (r.bottom <= 0 || r.top >= innerHeight) el.scrollIntoView({ block: r.height > innerHeight ? 'start' : 'center' });
      }`));
    }
  }

  /** Marks the locator's first match with a unique attribute, for a backend's own element lookup. */
  async mark(locator) {
    const id = `m${++this.marks}`;
    await locator.withElement((el, id) => el.setAttribute('data-shim-mark', id), id);
    return `[data-shim-mark="${id}"]`;
  }

  async waitForEvent(event, { timeout = DEFAULT_TIMEOUT } = {}) {
    if (event !== 'download') throw new Error(`shim (${this.engine}): waitForEvent('${event}') is not supported`);
    const seen = await this.evaluate(() => window.__probe.downloads.length);
    await this.waitForFunction((seen) => window.__probe.downloads.length > seen, seen, { timeout });
    const found = await this.evaluate((seen) => ({ name: window.__probe.downloads[seen].name, index: seen }), seen);
    const page = this;
    return {
      suggestedFilename: () => found.name,
      async path() {
        const base64 = await page.evaluate((i) => window.__probe.downloadBase64(i), found.index);
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatelab-download-'));
        const where = path.join(dir, found.name);
        fs.writeFileSync(where, Buffer.from(base64, 'base64'));
        return where;
      },
      async saveAs(where) { fs.copyFileSync(await this.path(), where); },
    };
  }

  async setViewportSize(size) { await this.backend.setViewport(size); this.viewport = size; }
  viewportSize() { return this.viewport ?? null; }

  async screenshot({ path: file, fullPage = false } = {}) {
    const png = await this.backend.screenshot({ fullPage });
    if (file) fs.writeFileSync(file, png);
    return png;
  }

  async close() {
    if (this.closed) return;
    this.closed = true;
    await this.backend.close();
  }

  isClosed() { return this.closed; }
  context() { return this.contextRef; }
}

