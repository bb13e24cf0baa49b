// The single-run panel: Train, Step, Reset and Download, the status line, the learning curves,
// the gradient through the typed text, and (when ticked) the trained cell shown in the views.
// Its state: whether the run is playing, and the worker's latest report on it.

import * as model from '../model.js';
import { TRAINING } from '../config.js';
import { num, percent, sci, visibleChar } from '../format.js';
import { download, setText } from '../dom.js';
import { fitCanvas } from '../views/canvas.js';
import { runSettings } from './settings.js';

const $ = (id) => document.getElementById(id);

/** The most steps of the text the predictions table shows. */
const PREDICTION_STEPS = 64;

/**
 * Fills `table` with what the trained network predicts at each step of the text (the first
 * PREDICTION_STEPS): the input, the target by the task's rule, the most likely class and the
 * probabilities of both. A correct step is marked.
 */
export function renderPredictions(table, predictions) {
  table.replaceChildren();
  const caption = document.createElement('caption');
  table.append(caption);
  if (!predictions?.length) {
    caption.textContent = 'Type a text above to see what the trained cell predicts at each step.';
    return;
  }
  const shown = predictions.slice(0, PREDICTION_STEPS);
  const scored = shown.filter((p) => p.target !== null);
  const right = scored.filter((p) => p.target === p.predicted).length;
  caption.textContent = `What the trained cell predicts at each step of the text above: ${right} of ${scored.length} scored steps right` +
    (predictions.length > shown.length ? ` (the first ${shown.length} of ${predictions.length} steps)` : '') + '.';
  const rows = [
    ['input', (p) => visibleChar(p.input)],
    ['target', (p) => (p.target === null ? '—' : visibleChar(p.target))],
    ['predicted', (p) => visibleChar(p.predicted)],
    ['p(predicted)', (p) => num(p.probability)],
    ['p(target)', (p) => (p.target_probability === null ? '—' : num(p.target_probability))],
  ];
  for (const [label, cell] of rows) {
    const tr = document.createElement('tr');
    const th = document.createElement('th');
    th.scope = 'row';
    th.textContent = label;
    tr.append(th);
    for (const p of shown) {
      const td = document.createElement('td');
      td.textContent = cell(p);
      if (p.target !== null) td.classList.add(p.target === p.predicted ? 'right' : 'wrong');
      tr.append(td);
    }
    table.append(tr);
  }
}

/**
 * What the gradient chart's L is, with its value beside the held-out loss it is not.
 */
export function gradientNote(gradient, last) {
  const heldout = last ? ` The held-out loss above is a mean per scored step over the task's own held-out sequences (now ${num(last.heldout_loss)}), so the two can be far apart when the typed text is unlike the task's data.` : '';
  return `L is the cross-entropy summed over the scored steps of the text above, each labelled by the task's rule: L = ${sci(gradient.loss)} now. ` +
    `The chart shows, per step t, how much L would change with c_t and h_t (‖∂L/∂c_t‖, ‖∂L/∂h_t‖).${heldout}`;
}

/** "933 parameters (816 in the cell, 117 in the read-out)": the views above count the cell's. */
export function parameterText({ parameters, readout_parameters: readout }) {
  return `${parameters.toLocaleString('en')} parameters (${(parameters - readout).toLocaleString('en')} in the cell, ${readout.toLocaleString('en')} in the read-out)`;
}

/**
 * `send(command)` posts to the worker; `context()` gives the page's {text, acts, peepholes};
 * `onWeights(json, name)` shows trained weights in the views; `paint(draw)` draws guarded;
 * `width()` is the panel's CSS width; `scale()` the canvases' text scale (presenter mode).
 */
export function createRunPanel({ send, context, onWeights, paint, width, scale }) {
  let playing = false;
  /** The latest progress report ({progress, curve, task, weights, gradient}), or null. */
  let latest = null;

  const trainedName = () => `trained: ${latest.task.title}, step ${latest.progress.step}`;

  function showPlaying() {
    setText($('train-play'), playing ? '❚❚ Pause' : '▶ Train');
    watch();
  }

  /** While there is a run, the views it changes go beside its curves (style.css, body.watching). */
  function watch() {
    const on = latest !== null && $('train-beside').checked;
    if (document.body.classList.contains('watching') === on) return;
    document.body.classList.toggle('watching', on);
    if (on) $('training').scrollIntoView({ block: 'nearest' });
  }

  /**
   * The form's settings a run was started with: a run whose task, sizes, rate or seed the form
   * no longer shows is not continued by Train or Step, but started again with what it shows.
   */
  let runForm = '';
  const formKey = (setup) => JSON.stringify([setup.task, setup.hidden, setup.learning_rate, setup.batch_size, setup.seed, setup.task === 'text' ? setup.text : '']);

  function reset() {
    playing = false;
    latest = null;
    const setup = runSettings(context());
    runForm = formKey(setup);
    send({ type: 'reset', setup, text: context().text });
    showPlaying();
  }

  /** Starts a run over if there is none, or if the form has changed since it started. */
  const fresh = () => {
    if (!latest || formKey(runSettings(context())) !== runForm) reset();
  };

  function draw() {
    if (!latest) return;
    const { curve, gradient, progress } = latest;
    paint(() => {
      const px = fitCanvas($('train-curves'), width(), TRAINING.curvesHeight * scale()) * scale();
      model.drawLearningCurves($('train-curves'), {
        series: [{ label: 'this run', runs: [curve] }],
        max_step: Math.max(100, progress.step),
        target: null,
      }, px);
      fitCanvas($('train-gradient'), width(), TRAINING.gradientHeight * scale());
      setText($('train-gradient-note'), gradient ? gradientNote(gradient, curve.at(-1)) : '');
      renderPredictions($('train-predictions'), latest.predictions);
      if (gradient) {
        model.drawGradientFlow($('train-gradient'), {
          cell: gradient.cell,
          hidden: gradient.hidden,
          title: 'gradient through time, over the text above (log scale)',
        }, px);
      }
    });
  }

  /** A progress report from the worker. */
  function progress(data) {
    latest = data;
    playing = data.playing;
    showPlaying();
    $('train-export').disabled = false;
    const p = data.progress;
    const last = data.curve[data.curve.length - 1];
    const diverged = p.diverged_at != null ? ` · diverged at step ${p.diverged_at}` : '';
    setText($('train-status'), `step ${p.step} · held-out loss ${num(last.heldout_loss)} · held-out accuracy ${percent(last.heldout_accuracy)} · ${parameterText(p)}${diverged}`);
    if ($('train-show').checked) onWeights(data.weights, trainedName());
    draw();
  }

  /** A new gradient and new predictions for the typed text. */
  function gradient(data) {
    if (latest) Object.assign(latest, { gradient: data.gradient, predictions: data.predictions });
    draw();
  }

  /** The run stopped with an error. */
  function failed() {
    playing = false;
    showPlaying();
  }

  /** The worker was ended (after a panic): the run is gone with it. */
  function lost() {
    latest = null;
    watch();
    playing = false;
    showPlaying();
  }

  $('train-play').addEventListener('click', () => {
    if (!playing) fresh();
    playing = !playing;
    send({ type: playing ? 'play' : 'pause' });
    showPlaying();
  });
  $('train-step').addEventListener('click', () => {
    fresh();
    playing = false;
    send({ type: 'step' });
    showPlaying();
  });
  $('train-reset').addEventListener('click', reset);
  $('train-export').addEventListener('click', () => {
    if (!latest) return;
    download(new Blob([latest.weights], { type: 'application/json' }), `gatelab-${latest.task.name}-step${latest.progress.step}.json`);
  });
  $('train-beside').addEventListener('change', watch);
  $('train-show').addEventListener('change', () => {
    if ($('train-show').checked && latest) onWeights(latest.weights, trainedName());
  });

  return {
    progress,
    gradient,
    failed,
    lost,
    draw,
    /** The user picked a model by hand: stop replacing it with the trained one. */
    stopShowing() {
      $('train-show').checked = false;
    },
    /** The typed text changed: the gradient view follows it. */
    textChanged(text) {
      if (latest) send({ type: 'text', text });
    },
    state: () => ({ playing, step: latest?.progress.step ?? 0, curve: latest?.curve ?? [] }),
  };
}
