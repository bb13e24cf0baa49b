// The comparison panel: Compare and Stop, the progress bar and status, the variants' learning
// curves and the table. Its state: whether a comparison is running, the id of the one the page
// is listening to (snapshots of a stopped one are ignored), and the latest snapshot.

import * as model from '../model.js';
import { TRAINING } from '../config.js';
import { setText } from '../dom.js';
import { fitCanvas } from '../views/canvas.js';
import { renderComparisonTable } from './compare-table.js';

const $ = (id) => document.getElementById(id);

/**
 * `send(command)` posts to the worker; `setup()` gives the comparison's settings (or throws an
 * Error naming a bad field); `onError(text)` reports a problem; `paint(draw)` draws
 * guarded; `width()` is the panel's CSS width; `scale()` the canvases' text scale (presenter mode).
 */
export function createComparePanel({ send, setup, onError, paint, width, scale }) {
  let comparing = false;
  let id = 0;
  let snapshot = null;

  function show(running, status) {
    comparing = running;
    setText($('compare-run'), running ? 'Stop' : 'Compare');
    if (status !== undefined) setText($('compare-status'), status);
  }

  function draw() {
    const s = snapshot;
    if (!s) return;
    paint(() => {
      const px = fitCanvas($('compare-curves'), width(), TRAINING.curvesHeight * scale()) * scale();
      const series = s.variants.map((v) => ({
        label: v.variant,
        runs: s.runs.filter((r) => r.variant === v.variant).map((r) => r.curve),
      }));
      model.drawLearningCurves($('compare-curves'), { series, max_step: s.max_steps, target: s.target_heldout_accuracy }, px);
    });
    renderComparisonTable($('compare-table'), s);
  }

  function start() {
    let chosenSetup;
    try {
      chosenSetup = setup();
    } catch (e) {
      onError(e.message);
      return;
    }
    id += 1;
    send({ type: 'compare', id, setup: chosenSetup });
    show(true, 'starting…');
  }

  function stop() {
    send({ type: 'stop-compare' });
    id += 1;
    show(false, 'stopped');
  }

  /** A snapshot from the worker. */
  function progress(data) {
    if (data.id !== id) return;
    snapshot = data.snapshot;
    const s = snapshot;
    show(!data.finished, data.finished
      ? `done: ${s.task.title}`
      : `${s.steps_done.toLocaleString('en')} of ${s.steps_total.toLocaleString('en')} steps`);
    $('compare-progress').value = s.steps_done / Math.max(1, s.steps_total);
    draw();
  }

  /** The comparison stopped with an error. */
  function failed() {
    id += 1;
    show(false, 'failed');
  }

  /** The worker was ended (after a panic): any comparison is gone with it. */
  function lost() {
    show(false);
  }

  /** Stops any comparison and forgets its results (a lesson sets up a new one). */
  function clear() {
    if (comparing) stop();
    snapshot = null;
    setText($('compare-status'), '');
    $('compare-progress').value = 0;
    $('compare-table').replaceChildren();
    const canvas = $('compare-curves');
    canvas.getContext('2d')?.clearRect(0, 0, canvas.width, canvas.height);
  }

  $('compare-run').addEventListener('click', () => (comparing ? stop() : start()));

  return { progress, failed, lost, draw, clear, state: () => ({ comparing, snapshot }) };
}
