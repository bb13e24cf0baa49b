// WebKitGTK, the engine of Safari: Debian's WebKitWebDriver (classic WebDriver) starting its
// MiniBrowser under Xvfb, driven by selenium-webdriver. Each page is its own WebDriver session,
// so pages share nothing, as Playwright's browser.newPage() does. A WebKitWebDriver holds one
// session at a time, so a test with two pages open gets a second driver (kept for reuse). Dark
// mode is GTK's dark theme, read at MiniBrowser's start, so it has drivers of its own.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { Builder, By } from 'selenium-webdriver';
import { Command, Name } from 'selenium-webdriver/lib/command.js';
import { ShimPage, newContext } from './shim.mjs';

export const WEBKIT_DRIVER = '/usr/bin/WebKitWebDriver';
export const MINIBROWSER = '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

const KEYS = {
  Backspace: '\uE003', Tab: '\uE004', Enter: '\uE007', Shift: '\uE008', Control: '\uE009', Alt: '\uE00A',
  Escape: '\uE00C', ' ': '\uE00D', Space: '\uE00D', PageUp: '\uE00E', PageDown: '\uE00F', End: '\uE010', Home: '\uE011',
  ArrowLeft: '\uE012', ArrowUp: '\uE013', ArrowRight: '\uE014', ArrowDown: '\uE015', Delete: '\uE017', Meta: '\uE03D',
};
const keyValue = (name) => KEYS[name] ?? (name.length === 1 ? name : (() => { throw new Error(`webkit shim: no key ${name}`); })());

async function freePort() {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    }).on('error', reject);
  });
}

/**
 * A GTK user stylesheet that shrinks MiniBrowser's own toolbar to nothing: with it, the window
 * can be as narrow as a phone (GTK held it at 447 px or more), and the web content, which GTK's
 * styles do not reach, is unchanged.
 */
function gtkConfig() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatelab-gtk-'));
  fs.mkdirSync(path.join(dir, 'gtk-3.0'));
  fs.writeFileSync(path.join(dir, 'gtk-3.0', 'gtk.css'), '* { min-width: 0; min-height: 0; padding: 0; margin: 0; border-width: 0; font-size: 3px; }\n');
  return dir;
}

/** One WebKitWebDriver under its own Xvfb, whose sessions each start a MiniBrowser. */
async function startDriver({ dark }) {
  if (!fs.existsSync(WEBKIT_DRIVER)) throw new Error(`${WEBKIT_DRIVER} missing: run scripts/setup.sh --browser`);
  const port = await freePort();
  const config = gtkConfig();
  // TMPDIR too: xvfb-run keeps its files there, and a driver stopped by a signal leaves them.
  const env = { ...process.env, GTK_THEME: dark ? 'Adwaita:dark' : 'Adwaita', XDG_CONFIG_HOME: config, TMPDIR: config };
  const child = spawn('xvfb-run', ['-a', '-s', '-screen 0 2560x2000x24', WEBKIT_DRIVER, `--port=${port}`], {
    env, stdio: ['ignore', 'ignore', 'pipe'], detached: true,
  });
  let log = '';
  child.stderr.on('data', (d) => { log = (log + d).slice(-4000); });
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/status`)).ok) break;
    } catch { /* not up yet */ }
    if (child.exitCode !== null) throw new Error(`WebKitWebDriver exited: ${log}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    stop() {
      try { process.kill(-child.pid, 'SIGTERM'); } catch { /* gone */ }
      fs.rmSync(config, { recursive: true, force: true });
    },
  };
}

class WebKitBackend {
  constructor(driver) {
    this.driver = driver;
    this.chain = [];
    this.calls = 0;
  }

  async enter(chain) {
    const key = JSON.stringify(chain);
    if (key === JSON.stringify(this.chain)) return;
    await this.driver.switchTo().defaultContent();
    this.chain = [];
    for (const step of chain) {
      const found = await this.driver.findElements(By.css(step.css));
      const element = found[step.nth ?? 0];
      if (!element) throw new Error(`no frame ${JSON.stringify(step)}`);
      await this.driver.switchTo().frame(element);
    }
    this.chain = chain;
  }

  /**
   * Runs a script in the frame at `chain` and returns its reply. Now and then WebKitWebDriver
   * loses a reply the script gave ("Could not parse script result"): the script keeps its last
   * reply in the page, and that is read back instead of running the script twice.
   */
  async run(chain, body) {
    await this.enter(chain);
    const id = ++this.calls;
    try {
      return await this.driver.executeAsyncScript(`const done = arguments[arguments.length - 1];
        const keep = (reply) => { window.__shimLastReply = { id: ${id}, reply }; done(reply); };
        (function () { ${body} })().then(keep, (e) => keep(JSON.stringify({ ok: false, error: String(e) })));`);
    } catch (error) {
      if (!/Could not parse script result/.test(error.message)) throw error;
      for (let wait = 0; wait < 50; wait++) {
        const kept = await this.driver.executeScript(`const last = window.__shimLastReply; return last && last.id === ${id} ? last.reply : null;`);
        if (kept !== null) return kept;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw error;
    }
  }

  /** W3C actions, sent as they are: selenium's builder knows no touch pointer. */
  async actions(sources) {
    await this.enter([]);
    await this.driver.execute(new Command(Name.ACTIONS).setParameter('actions', sources));
    // Releasing the actions lets go of every button: not while the mouse button is held.
    if (!this.mouseHeld) await this.driver.execute(new Command(Name.CLEAR_ACTIONS));
  }

  pointer(type, steps) {
    return this.actions([{ type: 'pointer', id: type, parameters: { pointerType: type }, actions: steps }]);
  }

  at(x, y) {
    this.last = [x, y];
    return { type: 'pointerMove', duration: 0, origin: 'viewport', x: Math.round(x), y: Math.round(y) };
  }

  click(x, y, { button = 'left', clickCount = 1 } = {}) {
    const code = { left: 0, middle: 1, right: 2 }[button];
    const presses = Array.from({ length: clickCount }, () => [{ type: 'pointerDown', button: code }, { type: 'pointerUp', button: code }]).flat();
    return this.pointer('mouse', [this.at(x, y), ...presses]);
  }

  move(x, y) { return this.pointer('mouse', [this.at(x, y)]); }
  // A press and a release where the mouse is (each chain starts from the viewport's corner
  // otherwise), and the button held between them.
  mouseDown() {
    this.mouseHeld = true;
    return this.pointer('mouse', [this.at(...(this.last ?? [0, 0])), { type: 'pointerDown', button: 0 }]);
  }
  mouseUp() {
    this.mouseHeld = false;
    return this.pointer('mouse', [this.at(...(this.last ?? [0, 0])), { type: 'pointerUp', button: 0 }]);
  }

  // WebKitGTK's WebDriver has no touch input: a tap is a click where the finger would land.
  tap(x, y) { return this.click(x, y); }

  async press(combo) {
    const keys = (combo.length > 1 ? combo.split('+') : [combo]).map(keyValue);
    await this.actions([{ type: 'key', id: 'keyboard', actions: [
      ...keys.map((value) => ({ type: 'keyDown', value })),
      ...keys.reverse().map((value) => ({ type: 'keyUp', value })),
    ] }]);
  }

  async typeText(text) {
    await this.actions([{ type: 'key', id: 'keyboard', actions: [...text].flatMap((value) => [{ type: 'keyDown', value }, { type: 'keyUp', value }]) }]);
  }

  async setFiles(chain, selector, paths) {
    await this.enter(chain);
    await (await this.driver.findElement(By.css(selector))).sendKeys(paths.join('\n'));
  }

  async screenshot({ fullPage = false, element } = {}) {
    if (element) {
      await this.enter(element.chain);
      return Buffer.from(await (await this.driver.findElement(By.css(element.selector))).takeScreenshot(), 'base64');
    }
    await this.enter([]);
    // A fullscreen page (presenter mode) is the screen: resizing the window would leave
    // fullscreen, and with it presenter mode.
    const fullscreen = await this.driver.executeScript('return !!document.fullscreenElement');
    if (!fullPage || fullscreen) return Buffer.from(await this.driver.takeScreenshot(), 'base64');
    // The driver shoots the viewport only: make the window as tall as the page for one shot.
    const before = this.viewport;
    const height = await this.driver.executeScript('return Math.ceil(document.documentElement.scrollHeight)');
    await this.setViewport({ width: before.width, height: Math.max(height, before.height) });
    try {
      return Buffer.from(await this.driver.takeScreenshot(), 'base64');
    } finally {
      await this.setViewport(before);
    }
  }

  async goto(url) {
    await this.enter([]);
    await this.driver.get(url);
    this.chain = [];
  }

  /** Sizes the window so that its viewport (innerWidth × innerHeight) is `size`. */
  async setViewport({ width, height }) {
    this.viewport = { width, height };
    let outer = { width, height };
    let inner = null;
    for (let attempt = 0; attempt < 6; attempt++) {
      await this.driver.manage().window().setRect(outer);
      await this.enter([]);
      // GTK lays the window out after the call returns: read the viewport once it holds still.
      let last = null;
      for (let k = 0; k < 20; k++) {
        inner = await this.driver.executeScript('return [innerWidth, innerHeight]');
        if (last && last[0] === inner[0] && last[1] === inner[1]) break;
        last = inner;
        await new Promise((resolve) => setTimeout(resolve, 30));
      }
      if (inner[0] === width && inner[1] === height) return;
      outer = { width: outer.width + width - inner[0], height: outer.height + height - inner[1] };
    }
    throw new Error(`webkit shim: asked for a ${width}×${height} viewport, got ${inner[0]}×${inner[1]}`);
  }

  async close() {
    await this.driver.quit().catch(() => {});
    this.onClose?.();
  }
}

export class WebKitBrowser {
  constructor() {
    /** Every driver started, each {flavour, server (a promise), busy}. */
    this.drivers = [];
    this.backends = new Set();
  }

  /**
   * A driver of `flavour` with no session, started if none is free; marked busy. Drivers start
   * one at a time: xvfb-run -a picks its display by looking for a free one, and two starting at
   * once can pick the same.
   */
  claimDriver(flavour) {
    const key = JSON.stringify(flavour);
    let slot = this.drivers.find((d) => d.key === key && !d.busy);
    if (!slot) {
      const server = (this.starting ?? Promise.resolve()).then(() => startDriver(flavour));
      this.starting = server.catch(() => {});
      slot = { key, server, busy: false };
      this.drivers.push(slot);
    }
    slot.busy = true;
    return slot;
  }

  /** Ends a driver whose MiniBrowser did not start, so that no later page is given it. */
  async dropDriver(slot) {
    this.drivers = this.drivers.filter((d) => d !== slot);
    (await slot.server.catch(() => null))?.stop();
  }

  /** A WebDriver session on a free driver; a MiniBrowser that does not start is given up on once. */
  async session(flavour, attempts = 2) {
    const slot = this.claimDriver(flavour);
    try {
      const server = await slot.server;
      const build = new Builder().usingServer(server.url).withCapabilities({
        browserName: 'MiniBrowser',
        'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] },
      }).build();
      let timer;
      const timeout = new Promise((resolve, reject) => {
        timer = setTimeout(() => reject(new Error('webkit shim: MiniBrowser did not start within 30 s')), 30_000);
      });
      try {
        return { slot, driver: await Promise.race([build, timeout]) };
      } finally {
        clearTimeout(timer);
      }
    } catch (error) {
      await this.dropDriver(slot);
      if (attempts <= 1) throw error;
      return this.session(flavour, attempts - 1);
    }
  }

  newContext(options = {}) { return newContext(this, options); }

  async newPage({ viewport = { width: 1280, height: 720 }, colorScheme, hasTouch = false } = {}) {
    if (hasTouch) throw new Error('webkit shim: WebKitGTK\'s WebDriver has no touch input (see TOUCH_INPUT in harness.mjs)');
    const { slot, driver } = await this.session({ dark: colorScheme === 'dark' });
    await driver.manage().setTimeouts({ script: 180_000, pageLoad: 60_000 });
    const backend = new WebKitBackend(driver);
    this.backends.add(backend);
    backend.onClose = () => {
      slot.busy = false;
      this.backends.delete(backend);
    };
    await backend.setViewport(viewport);
    const shim = new ShimPage(backend, 'webkit');
    shim.viewport = viewport;
    return shim;
  }

  version() { return 'webkit'; }

  async close() {
    // Pages a failed test left open end with their driver.
    await Promise.all([...this.backends].map((backend) => backend.close()));
    for (const slot of this.drivers) (await slot.server.catch(() => null))?.stop();
    this.drivers = [];
  }
}
