// Trains in the background, so typing and dragging on the page stay smooth. The page posts
// commands; this posts progress a few times a second. A panic here ends only this worker:
// the page reports it and starts a new one.

/** Longest stretch of training between looks at the message queue (ms). */
const SLICE_MS = 30;
/** Time between progress reports (ms); trained weights go out at most this often too. */
const REPORT_MS = 250;
/**
 * The gradient view reads at most this many characters of the text, as many as the page's views
 * trace (the catalog's max_steps, read once the module is loaded).
 */
let maxText = 0;

/**
 * The training module: the SIMD build, or the build without SIMD when the page's probe found
 * none (www/wasm-support.js). The page says which in its first message, 'load'.
 */
let wasm = null;
let simd = true;
let ready = null;

function load(withSimd) {
  simd = withSimd;
  ready = (simd ? import('../pkg-train/gatelab.js') : import('../pkg-train-nosimd/gatelab.js')).then(async (module) => {
    await module.default();
    wasm = module;
    maxText = module.catalog().limits.max_steps;
  });
  // A failure to load is reported when the first command awaits it.
  ready.catch(() => {});
}
let run = null;
let text = '';
let playing = false;
let lastReport = 0;
let comparison = null;
/** The page's id for the comparison under way, sent back with each snapshot. */
let comparisonId = null;

/** Reports a failure of one job ('train', 'compare' or 'study') and stops only that job. */
function fail(error, job) {
  const crashed = error instanceof WebAssembly.RuntimeError;
  const panic = crashed ? wasm?.take_panic_message() ?? null : null;
  if (job === 'compare') comparison = null;
  else playing = false;
  postMessage({ type: 'error', job, message: panic ?? error.message ?? String(error), crashed });
}

function clip(textIn) {
  return Array.from(textIn ?? '').slice(0, maxText).join('');
}

/** Progress, the curve, the trained weights and the gradient through the typed text. */
function report() {
  lastReport = performance.now();
  const progress = run.progress();
  postMessage({
    type: 'progress',
    playing,
    progress,
    curve: run.curve(),
    task: run.task(),
    weights: run.export_weights(),
    gradient: text ? run.gradient_flow(text) : null,
    predictions: text ? run.predict(text) : null,
  });
}

/** Trains up to `steps` (the run adds its own curve points as it goes); stops at divergence. */
function trainSome(steps) {
  const p = run.train(steps);
  if (p.diverged_at !== undefined && p.diverged_at !== null) playing = false;
}

function loop() {
  if (!playing || !run) return;
  try {
    const start = performance.now();
    while (playing && performance.now() - start < SLICE_MS) trainSome(5);
    if (!playing || performance.now() - lastReport > REPORT_MS) report();
  } catch (error) {
    fail(error, 'train');
    return;
  }
  setTimeout(loop, 0);
}

function compareLoop() {
  if (!comparison) return;
  try {
    const start = performance.now();
    let finished = false;
    while (!finished && performance.now() - start < SLICE_MS * 3) finished = comparison.advance(20);
    postMessage({ type: 'comparison', id: comparisonId, snapshot: comparison.snapshot(), finished });
    if (finished) {
      comparison.free();
      comparison = null;
      return;
    }
  } catch (error) {
    fail(error, 'compare');
    return;
  }
  setTimeout(compareLoop, 0);
}

/** The run, or an error the page shows: training needs Reset (or Train) first. */
function current() {
  if (!run) throw new Error('nothing to train yet: press Reset or Train');
  return run;
}

onmessage = async ({ data }) => {
  if (data.type === 'load') {
    load(data.simd);
    return;
  }
  const job = data.type === 'compare' || data.type === 'stop-compare' ? 'compare' : data.type === 'study-job' ? 'study' : 'train';
  try {
    await ready;
    switch (data.type) {
      case 'reset':
        playing = false;
        run?.free();
        run = null;
        run = new wasm.TrainingRun(data.setup);
        text = clip(data.text);
        report();
        break;
      case 'play':
        current();
        playing = true;
        loop();
        break;
      case 'pause':
        playing = false;
        if (run) report();
        break;
      case 'step':
        playing = false;
        current();
        trainSome(1);
        run.evaluate();
        report();
        break;
      case 'text':
        text = clip(data.text);
        if (run) {
          postMessage({
            type: 'gradient',
            gradient: text ? run.gradient_flow(text) : null,
            predictions: text ? run.predict(text) : null,
          });
        }
        break;
      case 'compare':
        comparison?.free();
        comparison = null;
        comparisonId = data.id;
        comparison = new wasm.ComparisonRun(data.setup);
        compareLoop();
        break;
      case 'stop-compare':
        comparison?.free();
        comparison = null;
        break;
      case 'study-job':
      {
        // One run of a study, to the end (a study's worker does nothing else meanwhile), timed
        // here as gatelab study times it: the table's time per step.
        const started = performance.now();
        const result = wasm.run_study_job(data.settings, data.job);
        result.seconds = (performance.now() - started) / 1000;
        postMessage({ type: 'study-result', job: data.job, result });
        break;
      }
      case 'status':
        // Answered after any slice of training already queued, so a run still going shows it.
        setTimeout(() => postMessage({
          type: 'status',
          step: run ? run.progress().step : 0,
          playing,
          comparing: comparison !== null,
          build: simd ? 'SIMD' : 'no SIMD',
        }), 0);
        break;
      default:
        throw new Error(`unknown command ${data.type}`);
    }
  } catch (error) {
    fail(error, job);
  }
};
