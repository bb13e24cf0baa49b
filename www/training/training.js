// The training lab: one run trained live in a Web Worker (run-panel.js) and comparisons of
// variants across seeds (compare-panel.js), wired to one worker (client.js).

import { watchWidth } from '../views/canvas.js';
import { createWorkerClient } from './client.js';
import { createChartPainter } from './charts.js';
import { createComparePanel } from './compare-panel.js';
import { createRunPanel } from './run-panel.js';
import { comparisonSettings, fillTrainingForm, runSettings } from './settings.js';
import { tasks } from '../catalog.js';
import { createVariantPicker } from './variants.js';

const $ = (id) => document.getElementById(id);

/**
 * Builds the lab. `context()` returns {text, acts, peepholes} from the page; `onWeights(json, name)`
 * shows trained weights in the views above; `onError(message)` reports a problem.
 */
export function createTraining({ context, onWeights, onError, onResults = () => {}, scale = () => 1 }) {
  fillTrainingForm();
  /** The picked task's one line: what its input and its target are. */
  const showTaskAbout = () => {
    const task = tasks().find((t) => t.name === $('train-task').value);
    $('train-task-about').textContent = task ? task.about : '';
  };
  $('train-task').addEventListener('change', showTaskAbout);
  showTaskAbout();
  const width = watchWidth($('training'), () => {
    run.draw();
    compare.draw();
  });
  const paint = createChartPainter(onError);
  /** Answers to status questions (test builds only), oldest first. */
  const statusWaiters = [];
  const client = createWorkerClient({
    progress: (data) => run.progress(data),
    gradient: (data) => run.gradient(data),
    comparison: (data) => {
      compare.progress(data);
      onResults();
    },
    status: ({ step, playing, comparing, build }) => statusWaiters.shift()?.({ step, playing, comparing, build }),
    error(data) {
      if (data.job === 'compare') compare.failed();
      else run.failed();
      if (data.crashed) {
        // The worker's memory may be broken: start a fresh one on the next command.
        client.discard();
        run.lost();
        compare.lost();
      }
      onError(data.crashed
        ? `Training crashed (${data.message}). Press Train or Compare to start again.`
        : `Training: ${data.message}`);
    },
  }, (reason, { started }) => {
    run.failed();
    if (compare.state().comparing) compare.failed();
    if (started) {
      onError(`The training worker stopped: ${reason}. Press Train or Compare to start again.`);
      return;
    }
    // The lab can't work at all here: it says so in its place, and the views above go on.
    $('train-unavailable').textContent = `The training lab trains in a background Web Worker, and ${reason}. The views above work without it.`;
    $('training').classList.add('unavailable');
  });
  const send = (message) => client.send(message);
  const run = createRunPanel({ send, context, onWeights, paint, width, scale });
  let drawnScale = 1;
  const picker = createVariantPicker($('compare-variants'));
  const chosen = picker.chosen;
  /** Compare's settings as the worker takes them; throws an Error naming a bad field. */
  const comparisonSetup = () => {
    const page = context();
    return { ...runSettings(page), variants: chosen(page.acts, page.peepholes), ...comparisonSettings() };
  };
  const compare = createComparePanel({ send, setup: comparisonSetup, onError, paint, width, scale });

  return {
    /** Presenter mode scales the charts' text: they are drawn again at the new scale. */
    update(frame) {
      if (frame.scale === drawnScale) return;
      drawnScale = frame.scale;
      run.draw();
      compare.draw();
    },
    stopShowing: run.stopShowing,
    textChanged: run.textChanged,
    state: () => ({ ...run.state(), ...compare.state() }),
    comparisonSetup,
    /**
     * Sets the form as a lesson asks: {task, variants (labels to tick; the rest are unticked),
     * seeds, steps, target}. A comparison under way is stopped, and its results are cleared.
     */
    configure({ task, variants: labels, seeds, steps, target }) {
      compare.clear();
      if (task) $('train-task').value = task;
      if (labels) picker.select(labels);
      if (seeds) $('compare-seeds').value = String(seeds);
      if (steps) $('compare-steps').value = String(steps);
      if (target) $('compare-target').value = String(target);
      showTaskAbout();
    },
    /**
     * The worker's own view ({step, playing, comparing}), answered after any training it had
     * already queued, so a run that is still going shows it. For tests.
     */
    status: () => new Promise((resolve) => {
      statusWaiters.push(resolve);
      send({ type: 'status' });
    }),
  };
}
