// The fuzz suite's families of hostile input: each makes `count` seeded inputs, gives them to
// the built page (or to the CLI) the way a person or a file would, and counts what went wrong.
// `npm run fuzz` runs every family in full (scripts/fuzz.mjs); `npm test` runs a small slice
// (tests/browser/fuzz.test.mjs). A family returns
//   {inputs, pageErrors, consoleErrors, rejections, crashes, longFrames, answers, injected,
//    cliPanics, cliSignals, cliTimeouts, problems: [first few messages]}.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { random } from './random.mjs';

/** Pieces hostile text is made of: scripts, astral characters, halves of them, controls. */
const PIECES = ['(', ')', 'a', ' ', '\n', '\r\n', '\t', '\0', '\u200f', '\u202e', '\u0301', '\u0301\u0301\u0301',
  'é', 'ш', 'ع', 'עִ', '中', '𝕏', '🧪', '👩‍🔬', '\ud800', '\udfff', '\ufeff', '\uffff', '<b>', '&amp;', '"', "'",
  '%', '%00', '\\', '${x}', '<img src=x onerror=alert(1)>'];

/** Values to try in any parameter, control or field. */
const HOSTILE = ['', ' ', '-1', '0', '1', '2.5', '1e309', '-1e309', 'NaN', 'Infinity', '-0', '0x10', '1_000',
  '9'.repeat(400), '%00', '%E0%A4%A', '<script>alert(1)</script>', '"><img src=x onerror=alert(1)>',
  'javascript:alert(1)', '\u202e', '🧪', 'null', 'undefined', '[object Object]', '__proto__', 'constructor',
  'morph:2', 'morph:-0.1', 'morph:0.5.5', 'morph:', 'none', 'relu', 'tanh', 'file', 'random', 'counter', 'dark',
  'diagram,timeline', 'none,text', 'timeline,timeline', ',,,', 'a'.repeat(5000)];

/** Percent-encoding, or the raw text where it cannot be encoded (a lone surrogate). */
const encode = (raw) => {
  try {
    return encodeURIComponent(raw);
  } catch {
    return raw;
  }
};

const text = (r, length) => Array.from({ length }, () => r.pick(PIECES)).join('');

const empty = () => ({
  inputs: 0, pageErrors: 0, consoleErrors: 0, rejections: 0, crashes: 0, longFrames: 0, answers: true,
  injected: 0, cliPanics: 0, cliSignals: 0, cliTimeouts: 0, engineCrashes: 0, problems: [],
});

/**
 * Whether `error` is WebKitGTK's web process crashing. Under the fuzz slice's load it does so in
 * about one family in ten, at a different input each time and in different families (never in
 * Chromium or Firefox, and with no growth in the page's DOM, canvases or heap over the same
 * inputs in Chromium): an engine crash, reported, not one of the page's errors.
 */
export const webkitCrash = (error) => process.env.GATELAB_ENGINE === 'webkit' && /page crash or hang/.test(String(error?.message));
/** How many WebKit crashes a family rides out: a crash every time is the page's, and fails. */
export const MOST_ENGINE_CRASHES = 2;

/**
 * A page of the test build that counts what goes wrong: uncaught errors, console errors,
 * unhandled rejections, model crashes (the page's own notice) and tasks over 100 ms.
 */
async function watchedPage(browser, url, stats, { countStartup = false } = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const note = (message) => {
    if (stats.problems.length < 5) stats.problems.push(message.slice(0, 300));
  };
  page.on('pageerror', (e) => {
    stats.pageErrors += 1;
    note(`pageerror: ${e.message}`);
  });
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    if (m.text().startsWith('unhandled rejection')) stats.rejections += 1;
    else stats.consoleErrors += 1;
    note(`console: ${m.text()}`);
  });
  await page.addInitScript(() => {
    window.__fuzz = { longFrames: 0, crashes: 0 };
    // Each input is its own task, as a person's would be, so a long task is one input's frame.
    window.__fuzzYield = () => new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = resolve;
      channel.port2.postMessage(0);
    });
    // Long tasks are reported by Chromium only; elsewhere the count is left unknown (null).
    if (PerformanceObserver.supportedEntryTypes?.includes('longtask')) {
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) if (e.duration > 100) window.__fuzz.longFrames += 1;
      }).observe({ type: 'longtask', buffered: true });
    } else window.__fuzz.longFrames = null;
    addEventListener('unhandledrejection', (e) => console.error(`unhandled rejection: ${e.reason}`));
    // A paste or drop event carrying `text`. Its data is a stand-in with types and getData:
    // Firefox gives a script-made DataTransfer's data to no listener.
    window.__fuzzTransfer = (how, text) => {
      const data = { types: ['text/plain'], getData: (type) => (type === 'text/plain' ? text : '') };
      const event = how === 'paste'
        ? new ClipboardEvent('paste', { bubbles: true, cancelable: true })
        : new DragEvent('drop', { bubbles: true, cancelable: true });
      Object.defineProperty(event, how === 'paste' ? 'clipboardData' : 'dataTransfer', { value: data });
      return event;
    };
    document.addEventListener('DOMContentLoaded', () => {
      if (!document.getElementById('notices')) return;
      new MutationObserver(() => {
        window.__fuzz.crashes = [...document.querySelectorAll('#notices .notice')]
          .filter((n) => n.textContent.includes('The model crashed')).length;
      }).observe(document.getElementById('notices'), { childList: true });
    });
  });
  await page.goto(url);
  await page.waitForFunction(() => window.__gatelab?.ready === true, null, { timeout: 30_000 });
  // Starting (compiling the wasm, the first draw) is not an input, unless the link is.
  if (!countStartup) await page.evaluate(() => { if (window.__fuzz.longFrames !== null) window.__fuzz.longFrames = 0; });
  return { page, context };
}

/** Adds the page's counters to `stats`, checks that it still answers, and closes it. */
async function finish(page, context, stats) {
  const answer = page.evaluate(() => {
    window.__gatelab.renderNow();
    const injected = document.querySelectorAll('img, iframe:not(#embed-preview), script:not([src]), object, embed').length;
    return { ...window.__fuzz, injected, steps: window.__gatelab.summary().steps };
  });
  const timeout = new Promise((resolve) => setTimeout(() => resolve(null), 20_000));
  const result = await Promise.race([answer, timeout]).catch(() => null);
  if (result === null || typeof result.steps !== 'number') {
    stats.answers = false;
  } else {
    stats.longFrames = result.longFrames === null || stats.longFrames === null ? null : stats.longFrames + result.longFrames;
    stats.crashes += result.crashes;
    stats.injected += result.injected;
  }
  await context.close();
}

/**
 * Text typed, pasted, dropped and inserted with no paste event (execCommand('insertText'), the
 * path of a phone keyboard's clipboard chip and of an IME): random Unicode in every script, plus
 * pastes of 1 and 10 MB and a 1 MB insertion.
 */
export async function textFamily(browser, url, count, seed) {
  const stats = empty();
  const r = random(seed);
  const { page, context } = await watchedPage(browser, url, stats);
  const inputs = Array.from({ length: count }, (_, k) => ({
    text: text(r, r.next() < 0.1 ? r.int(200, 3000) : r.int(0, 60)),
    how: r.pick(['type', 'type', 'paste', 'drop', 'insert']),
  }));
  const typeBatch = (batch) => page.evaluate(async (batch) => {
    const box = document.getElementById('text');
    for (const { text, how } of batch) {
      await window.__fuzzYield();
      if (how === 'type') {
        box.value = text;
        box.dispatchEvent(new Event('input', { bubbles: true }));
      } else if (how === 'insert') {
        box.focus();
        document.execCommand('insertText', false, text);
      } else {
        box.dispatchEvent(window.__fuzzTransfer(how, text));
      }
      window.__gatelab.renderNow();
    }
  }, batch);
  for (let k = 0; k < inputs.length; k += 200) {
    const batch = inputs.slice(k, k + 200);
    await typeBatch(batch);
    stats.inputs += batch.length;
  }
  // The big ones: pastes of 1 MB and 10 MB of mixed scripts, and a 1 MB insertion with no paste
  // event (in Chromium a trusted one, as an IME commits text: Chromium's editing code takes
  // minutes over a megabyte from execCommand, a path only a script can take).
  const unit = 'mixed שלום 🧪 \u0301\n\0\ud800';
  const big = (megabytes) => unit.repeat(Math.ceil((megabytes * 2 ** 20) / unit.length));
  for (const megabytes of [1, 10]) {
    await page.evaluate((text) => document.getElementById('text').dispatchEvent(window.__fuzzTransfer('paste', text)), big(megabytes));
    await page.waitForFunction(() => window.__gatelab.idle());
    stats.inputs += 1;
  }
  await page.evaluate(() => document.getElementById('text').focus());
  await page.keyboard.insertText(big(1));
  await page.waitForFunction(() => window.__gatelab.idle());
  stats.inputs += 1;
  await finish(page, context, stats);
  return stats;
}

/** Links: hostile values for every parameter of the URL table, read by the link reader, and some opened. */
export async function urlFamily(browser, url, count, seed) {
  const stats = empty();
  const r = random(seed);
  const { page, context } = await watchedPage(browser, url, stats);
  const names = await page.evaluate(() => {
    const v = window.__gatelab.linkVocabulary();
    return ['preset', 'weights', 'hidden', 'seed', 'peepholes', ...v.sites, 'text', 't', 'unit', 'lesson', 'fixed', 'theme', 'present', 'embed', 'views', 'controls'];
  });
  const query = () => {
    const parts = Array.from({ length: r.int(1, 8) }, () => {
      const name = r.next() < 0.05 ? r.pick(['', '=', '&', '%', 'zzz']) : r.pick(names);
      const value = r.next() < 0.7 ? r.pick(HOSTILE) : text(r, r.int(0, 30));
      // Now and then unencoded, as a person might paste it; a lone surrogate cannot be encoded.
      return `${encode(name)}=${r.next() < 0.1 ? value : encode(value)}`;
    });
    return `?${parts.join('&')}`;
  };
  const queries = Array.from({ length: count }, query);
  // Every query through the reader and writer (what the page does first with a link).
  const thrown = await page.evaluate((list) => list.filter((q) => {
    try {
      const { state } = window.__gatelab.readLink(q);
      window.__gatelab.writeLink(state);
      return false;
    } catch {
      return true;
    }
  }), queries);
  stats.pageErrors += thrown.length;
  if (thrown.length) stats.problems.push(`the link reader threw on ${JSON.stringify(thrown[0]).slice(0, 200)}`);
  stats.inputs += queries.length;
  await finish(page, context, stats);
  // One in twenty opened as a page.
  for (const q of queries.filter((_, k) => k % 20 === 0)) {
    const opened = await watchedPage(browser, `${url}${q}`, stats, { countStartup: true });
    await finish(opened.page, opened.context, stats);
  }
  return stats;
}

/** One hostile weights file: JSON text of the kind PyTorch users produce, and worse. */
function weightsFile(r, k) {
  const h = r.pick([0, 1, 2, 3, 5, 8]);
  const v = r.pick([0, 1, 2, 3]);
  const number = () => r.pick([0.5, -1, 0, 1e-30, 3]);
  const matrix = (rows, cols) => Array.from({ length: rows }, () => Array.from({ length: cols }, number));
  const good = {
    weight_ih_l0: matrix(4 * h, v), weight_hh_l0: matrix(4 * h, h),
    bias_ih_l0: Array.from({ length: 4 * h }, number), bias_hh_l0: Array.from({ length: 4 * h }, number),
    vocab: Array.from({ length: v }, (_, j) => String.fromCharCode(97 + j)),
  };
  const json = JSON.stringify(good);
  switch (k % 14) {
    case 0: return json;
    case 1: return json.replace(/0\.5/g, 'NaN');
    case 2: return json.replace(/-1/g, '-Infinity');
    case 3: return json.replace(/3/g, '1e400');
    case 4: { const { weight_hh_l0: _, ...rest } = good; return JSON.stringify(rest); }
    case 5: return JSON.stringify({ ...good, extra: [1, 2, 3], 'weight_ih_l1': [[1]] });
    case 6: return `${'['.repeat(r.int(50, 20000))}${']'.repeat(r.int(0, 50))}`;
    case 7: return JSON.stringify({ ...good, vocab: r.pick([['a', 'a'], ['ab', 'c'], [1, 2], [''], 'abc', null, ['🧪', '\ud800']]) });
    case 8: return JSON.stringify({ ...good, weight_hh_l0: matrix(4 * h + 1, h) });
    case 9: return json.slice(0, r.int(0, json.length));
    case 10: return text(r, r.int(0, 200));
    case 11: return JSON.stringify({ ...good, bias_ih_l0: Array(4 * 4096).fill(0) });
    case 12: return `{"weight_ih_l0": "${'9'.repeat(r.int(1, 10000))}"}`;
    default: return JSON.stringify([good]);
  }
}

/** Weights files given to the file input: wrong shapes, NaN, 1e400, missing keys, deep nesting, odd vocabs, 50 MB. */
export async function weightsFamily(browser, url, count, seed) {
  const stats = empty();
  const r = random(seed);
  const { page, context } = await watchedPage(browser, url, stats);
  const files = Array.from({ length: count }, (_, k) => weightsFile(r, k));
  for (let k = 0; k < files.length; k += 50) {
    await page.evaluate(async (batch) => {
      const input = document.getElementById('weights-file');
      for (const [j, json] of batch.entries()) {
        const name = `fuzz-${j}.json`;
        const data = new DataTransfer();
        data.items.add(new File([json], name));
        input.files = data.files;
        input.dispatchEvent(new Event('change'));
        // Every file ends in a notice: loaded, or why not.
        const start = performance.now();
        while (!window.__gatelab.notices().some((n) => n.includes(name)) && performance.now() - start < 10_000) {
          await new Promise((resolve) => setTimeout(resolve, 1));
        }
        document.querySelectorAll('#notices .notice').forEach((n) => n.remove());
        window.__gatelab.renderNow();
      }
    }, files.slice(k, k + 50));
    stats.inputs += Math.min(50, files.length - k);
  }
  // 50 MB: a valid small model padded with whitespace, and 50 MB of one deep array (refused).
  await page.evaluate(async () => {
    const input = document.getElementById('weights-file');
    const pad = ' '.repeat(2 ** 20);
    const small = '{"weight_ih_l0":[[1],[1],[1],[1]],"weight_hh_l0":[[0],[0],[0],[0]],"bias_ih_l0":[0,0,0,0],"bias_hh_l0":[0,0,0,0],"vocab":["a"]}';
    for (const [name, parts] of [['padded.json', [small, ...Array(50).fill(pad)]], ['deep.json', Array(50).fill('['.repeat(2 ** 20))]]) {
      const data = new DataTransfer();
      data.items.add(new File(parts, name));
      input.files = data.files;
      input.dispatchEvent(new Event('change'));
      while (!window.__gatelab.notices().some((n) => n.includes(name))) await new Promise((resolve) => setTimeout(resolve, 5));
    }
  });
  stats.inputs += 2;
  await finish(page, context, stats);
  return stats;
}

/** The controls: every menu, box and key, with valid and hostile values, in random order. */
export async function controlsFamily(browser, url, count, seed) {
  const stats = empty();
  const r = random(seed);
  const { page, context } = await watchedPage(browser, url, stats);
  const actions = Array.from({ length: count }, () => ({ kind: r.int(0, 9), value: r.pick(HOSTILE), n: r.next() }));
  for (let k = 0; k < actions.length; k += 200) {
    await page.evaluate(async (batch) => {
      const $ = (id) => document.getElementById(id);
      const fire = (el, type = 'change') => el.dispatchEvent(new Event(type, { bubbles: true }));
      const pickOption = (select, n) => {
        select.selectedIndex = Math.floor(n * select.options.length);
        fire(select);
      };
      for (const { kind, value, n } of batch) {
        await window.__fuzzYield();
        const acts = [...document.querySelectorAll('#activations select')];
        switch (kind) {
          case 0: pickOption(acts[Math.floor(n * acts.length)], n * 7 % 1); break;
          case 1: { const s = document.querySelectorAll('#activations input[type=range]')[Math.floor(n * 5)]; s.value = String(n); fire(s, 'input'); break; }
          case 2: $(n < 0.5 ? 'hidden' : 'seed').value = value; fire($(n < 0.5 ? 'hidden' : 'seed')); break;
          case 3: $('step').value = value; fire($('step')); break;
          case 4: pickOption($('unit'), n); break;
          case 5: pickOption($('preset'), n); break;
          case 6: $('fixed-scales').click(); break;
          case 7: document.dispatchEvent(new KeyboardEvent('keydown', { key: ['ArrowRight', 'ArrowLeft', 'Home', 'End', 'p', 'Escape'][Math.floor(n * 6)], bubbles: true })); break;
          case 8: $('reset-activations').click(); break;
          default: $('theme-toggle').click();
        }
        window.__gatelab.renderNow();
      }
      if (window.__gatelab.presenter()) window.__gatelab.leavePresenter();
    }, actions.slice(k, k + 200));
    stats.inputs += Math.min(200, actions.length - k);
  }
  await finish(page, context, stats);
  return stats;
}

/** The one-step calculator's fields (the LSTM's five), with number lists good and bad. */
export async function calculatorFamily(browser, url, count, seed) {
  const stats = empty();
  const r = random(seed);
  const { page, context } = await watchedPage(browser, url, stats);
  const list = () => (r.next() < 0.5
    ? Array.from({ length: r.int(0, 6) }, () => r.pick(['1', '-20', '0.5', '1e3', '1e400', 'NaN', '', ' ', 'x', '--1', '1,', '٣'])).join(r.pick([',', ', ', ';', ' ', ',,']))
    : r.pick(HOSTILE));
  const inputs = Array.from({ length: count }, () => ({ field: r.pick(['c_prev', 'z_f', 'z_i', 'z_g', 'z_o']), value: list() }));
  await page.evaluate(async (batch) => {
    for (const { field, value } of batch) {
      await window.__fuzzYield();
      const input = document.getElementById(`calc-${field}`);
      input.value = value;
      input.dispatchEvent(new Event('input', { bubbles: true }));
    }
  }, inputs);
  stats.inputs += inputs.length;
  await finish(page, context, stats);
  return stats;
}

/** The training lab's settings, then Reset and Step with them (the worker answers each). */
export async function trainingFamily(browser, url, count, seed) {
  const stats = empty();
  const r = random(seed);
  const { page, context } = await watchedPage(browser, url, stats);
  const settings = Array.from({ length: count }, () => ({
    field: r.pick(['train-hidden', 'train-lr', 'train-batch', 'train-seed', 'compare-seeds', 'compare-steps', 'compare-target']),
    value: r.next() < 0.6 ? r.pick(HOSTILE) : String(r.int(1, 40)),
    task: r.int(0, 3),
    text: r.next() < 0.3 ? text(r, r.int(0, 80)) : null,
  }));
  for (const s of settings) {
    await page.evaluate(async ({ field, value, task, text }) => {
      const $ = (id) => document.getElementById(id);
      $(field).value = value;
      $(field).dispatchEvent(new Event('change', { bubbles: true }));
      $('train-task').selectedIndex = task % $('train-task').options.length;
      $('train-task').dispatchEvent(new Event('change', { bubbles: true }));
      if (text !== null) window.__gatelab.change({ text });
      $('train-reset').click();
      $('train-step').click();
      await window.__gatelab.trainingStatus();
    }, s);
    stats.inputs += 1;
  }
  await finish(page, context, stats);
  return stats;
}

/** Random argument vectors for the CLI, under a 4 GB memory limit: a panic (exit 101) or a signal is a failure. */
export function cliFamily(binary, count, seed) {
  const stats = empty();
  const r = random(seed);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatelab-fuzz-'));
  const files = [];
  for (let k = 0; k < 14; k++) {
    const file = path.join(dir, `w${k}.json`);
    fs.writeFileSync(file, weightsFile(r, k));
    files.push(file);
  }
  const big = path.join(dir, 'big.txt');
  fs.writeFileSync(big, '(x)'.repeat(400_000));
  const paths = [...files, big, '/dev/zero', '/dev/urandom', '/dev/null', dir, path.join(dir, 'missing'), '-'];
  const sites = ['forget', 'input', 'output', 'candidate', 'cell-output'];
  const value = () => (r.next() < 0.5 ? r.pick(HOSTILE) : r.pick(['sigmoid', 'tanh', 'relu', 'none', 'morph:0.3', 'hard_sigmoid', '8', '64', '65', '1000000']));
  const argv = () => {
    const args = [r.pick(['trace', 'trace', 'cell', 'params', 'help', 'bogus', '--help', '--version', ''])];
    for (let k = r.int(0, 6); k > 0; k--) {
      const flag = r.pick(['--preset', '--hidden', '--seed', '--weights', '--text', '--text-file', '--format', '--c-prev', '--f', '--i', '--g', '--o', ...sites.map((s) => `--${s}`), '--bogus', '-x']);
      const arg = ['--weights', '--text-file'].includes(flag) ? r.pick(paths) : flag === '--text' ? text(r, r.int(0, 40)).replace(/\0/g, '') : value();
      args.push(flag, arg);
    }
    return args;
  };
  for (let k = 0; k < count; k++) {
    const args = argv();
    const result = spawnSync('bash', ['-c', 'ulimit -v 4000000; exec "$0" "$@"', binary, ...args], {
      input: r.next() < 0.5 ? '(()' : '', timeout: 30_000, maxBuffer: 1 << 30, stdio: ['pipe', 'ignore', 'pipe'],
    });
    stats.inputs += 1;
    const shown = `gatelab ${args.map((a) => JSON.stringify(a.slice(0, 40))).join(' ')}`;
    if (result.error?.code === 'ETIMEDOUT') {
      stats.cliTimeouts += 1;
      if (stats.problems.length < 5) stats.problems.push(`timeout: ${shown}`);
    } else if (result.signal) {
      stats.cliSignals += 1;
      if (stats.problems.length < 5) stats.problems.push(`signal ${result.signal}: ${shown}`);
    } else if (result.status === 101) {
      stats.cliPanics += 1;
      if (stats.problems.length < 5) stats.problems.push(`panic: ${shown}: ${String(result.stderr).slice(0, 200)}`);
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
  return stats;
}

/** Every family with its share of the inputs (per 1 of `scale`). */
export const FAMILIES = [
  { name: 'text', share: 3000, run: textFamily },
  { name: 'url', share: 3000, run: urlFamily },
  { name: 'weights', share: 700, run: weightsFamily },
  { name: 'controls', share: 2000, run: controlsFamily },
  { name: 'calculator', share: 1500, run: calculatorFamily },
  { name: 'training', share: 150, run: trainingFamily },
  { name: 'cli', share: 1200, cli: true, run: cliFamily },
];

/** Whether a family's run found anything wrong. */
export const failed = (s) => s.pageErrors + s.consoleErrors + s.rejections + s.crashes + s.injected +
  s.cliPanics + s.cliSignals + s.cliTimeouts > 0 || !s.answers;

/** One line per family, for the log. */
export const line = (name, s, seconds) =>
  `${name.padEnd(10)} inputs ${String(s.inputs).padStart(5)} · page errors ${s.pageErrors} · console errors ${s.consoleErrors}` +
  ` · rejections ${s.rejections} · crashes ${s.crashes} · HTML injected ${s.injected} · frames over 100 ms ${s.longFrames ?? 'unknown (long tasks are reported by Chromium only)'}` +
  ` · CLI panics ${s.cliPanics} · CLI signals ${s.cliSignals} · CLI timeouts ${s.cliTimeouts}` +
  ` · answers ${s.answers ? 'yes' : 'NO'}${s.engineCrashes ? ` · WebKit web process crashes ridden out ${s.engineCrashes}` : ''} · ${seconds.toFixed(0)} s`;
