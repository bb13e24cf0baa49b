// A study's runs shared among Web Workers: each worker loads the training module and takes the
// next run whenever it finishes one, so the page's own thread stays idle while they train. A
// run depends on nothing but its settings and seed, so the results do not depend on how many
// workers there are or which one ran what.

import { hasSimd } from '../wasm-support.js';

/**
 * Runs `jobs` of the study `settings` in `workers` workers. `onResult({job, result})` hears each
 * finished run; `onFailure(text)` a failure (every worker is then ended); `onDone()` the end of
 * the last run. Returns {stop()}, which ends every worker: the runs already reported are kept by
 * whoever heard them, the ones under way are lost.
 */
export function runInWorkers({ settings, jobs, workers, onResult, onFailure, onDone }) {
  const pool = [];
  let next = 0;
  let ended = false;

  function end() {
    ended = true;
    for (const w of pool) w.terminate();
    pool.length = 0;
  }

  function fail(text) {
    if (ended) return;
    end();
    // Heard after this function has returned its handle, even for a worker that never started.
    queueMicrotask(() => onFailure(text));
  }

  /** Gives `worker` the next run, or ends it when there is none; the last one out says done. */
  function feed(worker) {
    if (ended) return;
    if (next < jobs.length) {
      worker.postMessage({ type: 'study-job', settings, job: jobs[next] });
      next += 1;
      return;
    }
    worker.terminate();
    pool.splice(pool.indexOf(worker), 1);
    if (pool.length === 0) {
      ended = true;
      onDone();
    }
  }

  const count = Math.max(1, Math.min(workers, jobs.length));
  for (let k = 0; k < count; k += 1) {
    let worker;
    try {
      worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
    } catch (error) {
      fail(`this browser did not start a worker (${error?.message ?? error})`);
      break;
    }
    pool.push(worker);
    worker.postMessage({ type: 'load', simd: hasSimd() });
    worker.onmessage = ({ data }) => {
      if (ended) return;
      if (data.type === 'study-result') {
        onResult({ job: data.job, result: data.result });
        feed(worker);
      } else if (data.type === 'error') {
        fail(data.crashed ? `a run crashed (${data.message})` : data.message);
      }
    };
    worker.onerror = (e) => {
      e.preventDefault();
      fail(`a worker failed: ${e.message || 'an error with no message'}`);
    };
    feed(worker);
  }
  if (jobs.length === 0 && !ended) {
    end();
    onDone();
  }
  return { stop: end };
}
