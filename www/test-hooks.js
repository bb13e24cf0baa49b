// A window onto the page for the browser tests and the benchmark: window.__gatelab. Only test
// builds install it (GATELAB_TEST_HOOKS=1, see vite.config.js); in `npm run build` the call is
// compiled out and this module with it.

import * as model from './model.js';
import { catalog, morphFamily, presets, sites } from './catalog.js';
import { currentNotices } from './notices.js';
import { parameter, readState, writeState } from './state.js';
import { controlNames } from './control-table.js';
import { viewNames } from './views/table.js';
import { presenterScale } from './presenter.js';
import { LESSONS } from './lessons.js';
import { VIEWS } from './views/table.js';

/** Milliseconds per training step on the benchmark task, on this thread. */
async function benchmarkTraining({ hidden, symbols, length, batch, steps }) {
  const module = await import('./pkg-train/gatelab.js');
  await module.default();
  const bench = new module.TrainingBenchmark(hidden, symbols, length, batch);
  // Warm-up: the engine first runs new wasm through its baseline compiler and swaps in the
  // optimised code once a function has run a while (about the first 30 steps here).
  bench.steps(40);
  const start = performance.now();
  bench.steps(steps);
  const ms = (performance.now() - start) / steps;
  bench.free();
  return ms;
}

/** Times 200 control changes, each followed by a full redraw, after 30 of warm-up, for `npm run bench`. */
async function benchmarkRedraw(page) {
  const state = page.state();
  // A preset built to a size (the random one), with the first site morphing.
  const sized = presets().find((p) => p.sized).name;
  const site = sites()[0].name;
  const times = [];
  const parts = { model: [], panels: [] };
  const original = { ...state.acts };
  const saved = { preset: state.preset, hidden: state.hidden, text: state.text };
  page.change({ preset: sized });
  page.change({ hidden: 32 });
  const text = Array.from({ length: 256 }, (_, k) => String.fromCharCode(33 + ((k * 7) % 90))).join('');
  page.change({ text });
  page.render();
  // The first changes after load run while the engine is still compiling the code they use
  // (JavaScript's and the wasm's optimising tiers): they are timed apart, as the warm-up.
  const WARM_UP = 30;
  const cold = [];
  for (let k = 0; k < WARM_UP + 200; k++) {
    // One change per frame, as from a person dragging a slider; the wait is not timed.
    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    const start = performance.now();
    state.acts[site] = `${morphFamily().name}:${(k % 100) / 100}`;
    model.setActivation(site, state.acts[site]);
    const computed = performance.now() - start;
    page.render();
    // Reading layout makes the browser finish style and layout now, so that is counted too.
    const beforeLayout = performance.now();
    void document.body.offsetHeight;
    const layout = performance.now() - beforeLayout;
    if (k < WARM_UP) {
      cold.push(performance.now() - start);
      continue;
    }
    (parts.compute ??= []).push(computed);
    (parts.layout ??= []).push(layout);
    times.push(performance.now() - start);
    const timings = page.timings();
    parts.model.push(timings.model);
    parts.panels.push(timings.panels);
    for (const [name, ms] of Object.entries(timings.views)) (parts[name] ??= []).push(ms);
  }
  const at = (q, list = times) => {
    const sorted = [...list].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  };
  page.change({ acts: original, preset: saved.preset });
  page.change({ hidden: saved.hidden, text: saved.text });
  page.render();
  const { model: modelTimes, panels, layout, compute, ...viewTimes } = parts;
  const waited = VIEWS.filter((row) => row.waits && document.getElementById(row.section) && !(row.name in viewTimes)).map((row) => row.name);
  return {
    [`the first ${cold.length} changes after load (warm-up, not in the figures below), median and slowest (ms)`]:
      `${at(0.5, cold).toFixed(2)}, ${Math.max(...cold).toFixed(2)}`,
    'redraw after a control change, 256 steps × 32 units, median (ms)': at(0.5).toFixed(2),
    'redraw after a control change, 256 steps × 32 units, p95 (ms)': at(0.95).toFixed(2),
    'of which the run recomputed with the new activation, median (ms)': at(0.5, compute).toFixed(2),
    'of which the model (summary and step), median (ms)': at(0.5, modelTimes).toFixed(2),
    ...Object.fromEntries(Object.entries(viewTimes).map(([name, list]) => [`view ${name}, median (ms)`, at(0.5, list).toFixed(2)])),
    ...Object.fromEntries(Object.entries(viewTimes).map(([name, list]) => [`view ${name}, p95 (ms)`, at(0.95, list).toFixed(2)])),
    'controls and notes, median (ms)': at(0.5, panels).toFixed(2),
    'style and layout in the browser, median and p95 (ms)': `${at(0.5, layout).toFixed(2)}, ${at(0.95, layout).toFixed(2)}`,
    'views out of sight, so not redrawn (each is updated when scrolled back)': waited.join(', ') || 'none',
    'changes timed': times.length,
  };
}

/**
 * Installs window.__gatelab. `page` gives the page's live state(), change(patch), render(),
 * idle() (no redraw scheduled), view(name) (a view's instance), timeWindow, timings(), waiting(),
 * training(), walk(), presenter() and theme().
 */
export function installTestHooks(page) {
  const view = () => page.view('timeline').view();
  window.__gatelab = {
    ready: true,
    /** A copy of the page's state. */
    state: () => structuredClone(page.state()),
    /** True when no redraw is waiting for the next frame. */
    idle: page.idle,
    /** The query string the page writes for its state (it lands in the URL shortly after). */
    url: () => writeState(page.state()),
    /** How long the parts of the last render took (ms): the model, each view, the panels. */
    timings: () => structuredClone(page.timings()),
    /** The views not updated because they are out of sight (updated when scrolled back). */
    waiting: page.waiting,
    /** Which wasm module the page runs on: 'full', 'lite' (without the two line charts), or 'full, no SIMD'. */
    module: () => model.moduleKind(),
    /** The page module's wasm memory in bytes (it never shrinks: the peak so far). */
    wasmMemory: () => model.memoryBytes(),
    /** The link reader and writer themselves, for the round-trip property test. */
    readLink: (query) => {
      const { state, notices } = readState(query);
      return { state, notices };
    },
    writeLink: (state) => writeState(state),
    /** What a random state may hold: every name the URL table accepts. */
    linkVocabulary: () => ({
      presets: presets().map((p) => ({ name: p.name, sized: p.sized, cell: p.cell })),
      activations: catalog().activations.slice(0, -1).map((a) => a.name),
      // Site → the fixed activations it takes (the coupled forget gate is the forget site's).
      siteActivations: Object.fromEntries(sites().map((s) => [s.name,
        catalog().activations.slice(0, -1).filter((a) => !a.only_at || a.only_at === s.name).map((a) => a.name)])),
      morph: morphFamily().name,
      sites: sites().map((s) => s.name),
      cells: catalog().cells.map((c) => c.name),
      limits: catalog().limits,
      lessons: parameter('lesson').type.range[1],
      views: viewNames(),
      controls: controlNames(),
    }),
    catalog,
    summary: () => model.summary(),
    step: (t) => model.step(t),
    values: (q) => model.values(q),
    notices: currentNotices,
    window: () => page.timeWindow.get(),
    /** The canvases' text scale now (presenter mode scales it), and the sizes it multiplies. */
    textScale: () => page.presenter().scale(),
    presenterScale,
    canvasTextSizes: () => {
      const scale = page.presenter().scale();
      const { small, normal } = catalog().text_sizes;
      return { small: small * scale, normal: normal * scale };
    },
    diagramFontSize: () => page.view('diagram').fontSize(),
    /** The one-step calculator's last result (every value of the step by name, as lists). */
    calculator: () => page.view('calculator')?.result() ?? null,
    presenter: () => page.presenter().active(),
    enterPresenter: () => page.presenter().enter({ fullscreen: false }),
    leavePresenter: () => page.presenter().leave(),
    dark: () => page.theme().dark(),
    lesson: (n) => page.walk().enter(n),
    /** The lessons as data: the views they name (the first is the key view) and their setup. */
    lessons: () => LESSONS.map(({ question, title, views, setup, variants, also, related }) => ({
      question, title, views, setup, also: also ?? null, related: related ?? null, variants: variants?.map((v) => ({ label: v.label, acts: v.acts })) ?? null,
    })),
    /** The id of the element holding a view (views/table.js). */
    viewSection: (name) => VIEWS.find((v) => v.name === name)?.section,
    leaveLesson: () => page.walk().leave(),
    /** The timeline's hit-testing, in the canvas's device pixels: [row, t, unit] or undefined. */
    locate: (x, y) => view()?.locate(x, y),
    rowName: (row) => view()?.rowName(row),
    /** The step whose column holds device x, or undefined. */
    stepAt: (x) => view()?.stepAt(x),
    renderNow: page.render,
    /** Applies a change as a control would (main.js change). */
    change: page.change,
    // A WebAssembly trap, as a Rust panic would raise, to test the recovery.
    simulateCrash: () => model.guard(() => {
      throw new WebAssembly.RuntimeError('unreachable (simulated by the test hook)');
    }),
    training: () => page.training().state(),
    /** The training worker's own {step, playing, comparing, build}, after any work it had queued. */
    trainingStatus: () => page.training().status(),
    /** The Study panel's {running, settings, done, runs, report, results}. */
    study: () => page.view('study')?.state() ?? null,
    /** Resolves once the Study panel has its built-in studies. */
    studyReady: () => page.view('study')?.ready(),
    benchTraining: benchmarkTraining,
    bench: () => benchmarkRedraw(page),
  };
}
