// The page's side of the training worker: starts it on first use, routes its messages by type,
// and ends it when its memory may be broken (after a panic), so the next command starts afresh.

/**
 * `handlers[type](message)` receives each message the worker posts; `onFailure(text)` hears
 * about a worker that could not run at all (a failed load, an uncaught error).
 */
export function createWorkerClient(handlers, onFailure) {
  let worker = null;

  function start() {
    worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
    worker.onmessage = ({ data }) => handlers[data.type]?.(data);
    worker.onerror = (e) => {
      e.preventDefault();
      onFailure(`The training worker failed: ${e.message}`);
    };
  }

  return {
    /** Posts a command, starting the worker first if there is none. */
    send(message) {
      if (!worker) start();
      worker.postMessage(message);
    },
    /** Ends the worker; the next command starts a fresh one. */
    discard() {
      worker?.terminate();
      worker = null;
    },
  };
}
