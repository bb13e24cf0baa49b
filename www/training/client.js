// The page's side of the training worker: starts it on first use, routes its messages by type,
// and ends it when its memory may be broken (after a panic), so the next command starts afresh.

import { hasSimd } from '../wasm-support.js';

/**
 * `handlers[type](message)` receives each message the worker posts; `onFailure(text, {started})`
 * hears about a worker that failed (an uncaught error), `started` false when it never ran at all
 * (the browser refused to start it, or its module failed to load).
 */
export function createWorkerClient(handlers, onFailure) {
  let worker = null;
  /** Whether any worker has answered yet. */
  let started = false;

  function start() {
    try {
      worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
    } catch (error) {
      worker = null;
      onFailure(`this browser did not start it (${error?.message ?? error})`, { started: false });
      return false;
    }
    // First, which build of the training module to load: the one the page's probe chose.
    worker.postMessage({ type: 'load', simd: hasSimd() });
    worker.onmessage = ({ data }) => {
      started = true;
      handlers[data.type]?.(data);
    };
    worker.onerror = (e) => {
      e.preventDefault();
      worker?.terminate();
      worker = null;
      onFailure(started ? `it failed: ${e.message || 'an error with no message'}` : `it could not load (${e.message || 'no reason given'})`, { started });
    };
    return true;
  }

  return {
    /** Posts a command, starting the worker first if there is none; false if none could start. */
    send(message) {
      if (!worker && !start()) return false;
      worker.postMessage(message);
      return true;
    },
    /** Ends the worker; the next command starts a fresh one. */
    discard() {
      worker?.terminate();
      worker = null;
    },
  };
}
