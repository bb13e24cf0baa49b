// The training lab: one run trained live in a Web Worker, with its curves, its gradient through
// the typed text and (optionally) its weights shown in the views above; and comparisons of
// variants across seeds.

import { STANDARD_ACTIVATIONS, TRAINING, VARIANTS } from '../config.js';
import { num, percent } from '../format.js';
import { setText } from '../dom.js';
import { fitCanvas, watchWidth } from './canvas.js';
import { draw_gradient_flow, draw_learning_curves } from '../pkg/gatelab.js';

const $ = (id) => document.getElementById(id);

/**
 * Builds the panel. `context()` returns {text, acts} from the page; `onWeights(json, name)`
 * shows trained weights in the views above; `onError(message)` reports a problem.
 */
export function createTraining({ context, onWeights, onError }) {
  let worker = null;
  let playing = false;
  let latest = null;
  let comparing = false;
  let lastSnapshot = null;
  /** Snapshots of any other comparison (one that was stopped) are ignored. */
  let comparisonId = 0;
  const width = watchWidth($('training'), () => redraw());

  const settings = () => ({
    task: $('train-task').value,
    text: context().text,
    hidden: Number($('train-hidden').value),
    learning_rate: Number($('train-lr').value),
    batch_size: Number($('train-batch').value),
    seed: Number($('train-seed').value),
    activations: { ...context().acts },
  });

  function start() {
    worker?.terminate();
    worker = new Worker(new URL('../training/worker.js', import.meta.url), { type: 'module' });
    worker.onmessage = ({ data }) => handle(data);
    worker.onerror = (e) => {
      e.preventDefault();
      onError(`The training worker failed: ${e.message}`);
    };
  }

  function send(message) {
    if (!worker) start();
    worker.postMessage(message);
  }

  function reset() {
    playing = false;
    latest = null;
    send({ type: 'reset', setup: settings(), text: context().text });
    showPlaying();
  }

  function showPlaying() {
    setText($('train-play'), playing ? '❚❚ Pause' : '▶ Train');
  }

  function handle(data) {
    if (data.type === 'error') {
      if (data.job === 'compare') {
        comparing = false;
        comparisonId += 1;
        setText($('compare-run'), 'Compare');
        setText($('compare-status'), 'failed');
      } else {
        playing = false;
        showPlaying();
      }
      if (data.crashed) {
        // The worker's memory may be broken: start a fresh one on the next command.
        worker.terminate();
        worker = null;
        latest = null;
        playing = false;
        comparing = false;
        showPlaying();
        setText($('compare-run'), 'Compare');
      }
      onError(data.crashed
        ? `Training crashed (${data.message}). Press Train or Compare to start again.`
        : `Training: ${data.message}`);
      return;
    }
    if (data.type === 'progress') {
      latest = data;
      playing = data.playing;
      showPlaying();
      $('train-export').disabled = false;
      const p = data.progress;
      const last = data.curve[data.curve.length - 1];
      const diverged = p.diverged_at != null ? ` · diverged at step ${p.diverged_at}` : '';
      setText($('train-status'), `step ${p.step} · held-out loss ${num(last.heldout_loss)} · held-out accuracy ${percent(last.heldout_accuracy)} · ${p.parameters.toLocaleString('en')} parameters${diverged}`);
      if ($('train-show').checked) onWeights(data.weights, `trained: ${data.task.title}, step ${p.step}`);
      drawRun();
    } else if (data.type === 'gradient') {
      if (latest) latest.gradient = data.gradient;
      drawRun();
    } else if (data.type === 'comparison') {
      if (data.id !== comparisonId) return;
      lastSnapshot = data.snapshot;
      comparing = !data.finished;
      setText($('compare-run'), comparing ? 'Stop' : 'Compare');
      $('compare-progress').value = data.snapshot.steps_done / Math.max(1, data.snapshot.steps_total);
      setText($('compare-status'), data.finished ? `done: ${data.snapshot.task.title}` : `${data.snapshot.steps_done.toLocaleString('en')} of ${data.snapshot.steps_total.toLocaleString('en')} steps`);
      drawComparison();
    }
  }

  function drawRun() {
    if (!latest) return;
    const px = fitCanvas($('train-curves'), width(), TRAINING.curvesHeight);
    const maxStep = Math.max(100, latest.progress.step);
    draw_learning_curves($('train-curves'), { series: [{ label: 'this run', runs: [latest.curve] }], max_step: maxStep, target: null }, px);
    const gradient = latest.gradient;
    fitCanvas($('train-gradient'), width(), TRAINING.gradientHeight);
    if (gradient) {
      draw_gradient_flow($('train-gradient'), { cell: gradient.cell, hidden: gradient.hidden, title: 'gradient through time, over the text above (log scale)' }, px);
    }
  }

  function drawComparison() {
    const s = lastSnapshot;
    if (!s) return;
    const px = fitCanvas($('compare-curves'), width(), TRAINING.curvesHeight);
    const series = s.variants.map((v) => ({
      label: v.variant,
      runs: s.runs.filter((r) => r.variant === v.variant).map((r) => r.curve),
    }));
    draw_learning_curves($('compare-curves'), { series, max_step: s.max_steps, target: s.target_heldout_accuracy }, px);
    renderTable(s);
  }

  function renderTable(s) {
    const table = $('compare-table');
    table.replaceChildren();
    const head = document.createElement('tr');
    for (const h of ['variant', 'parameters', `steps to ${percent(s.target_heldout_accuracy)} held-out (median, range)`, 'reached', 'final held-out accuracy', `longer sequences (${s.task.long_lengths ? s.task.long_lengths.join('–') : '—'} ${s.task.length_label})`, 'diverged']) {
      const th = document.createElement('th');
      th.textContent = h;
      head.append(th);
    }
    table.append(head);
    for (const v of s.variants) {
      const runs = s.runs.filter((r) => r.variant === v.variant);
      const steps = runs.map((r) => r.steps_to_target).filter((x) => x != null).sort((a, b) => a - b);
      const range = steps.length ? `${v.median_steps_to_target} (${steps[0]}–${steps[steps.length - 1]})` : runs.every((r) => r.finished) ? 'not reached' : '…';
      const diverged = runs.filter((r) => r.diverged_at != null).map((r) => `seed ${r.seed} at step ${r.diverged_at}`);
      const row = document.createElement('tr');
      row.dataset.variant = v.variant;
      for (const text of [
        v.variant,
        v.parameters.toLocaleString('en'),
        range,
        `${v.reached_target} of ${v.runs}`,
        v.mean_final_accuracy != null ? percent(v.mean_final_accuracy) : '…',
        v.mean_long_test_accuracy != null ? percent(v.mean_long_test_accuracy) : '…',
        diverged.length ? diverged.join(', ') : 'no',
      ]) {
        const td = document.createElement('td');
        td.textContent = text;
        row.append(td);
      }
      table.append(row);
    }
  }

  function redraw() {
    drawRun();
    drawComparison();
  }

  // Variant checkboxes, plus "your settings" (the activations chosen on the left).
  const boxes = [];
  for (const variant of [...VARIANTS, { label: 'your settings (left)', acts: null }]) {
    const label = document.createElement('label');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.checked = Boolean(variant.checked);
    label.append(box, ` ${variant.label}`);
    $('compare-variants').append(label);
    boxes.push({ box, variant });
  }

  $('train-play').addEventListener('click', () => {
    if (!latest) reset();
    playing = !playing;
    send({ type: playing ? 'play' : 'pause' });
    showPlaying();
  });
  $('train-step').addEventListener('click', () => {
    if (!latest) reset();
    playing = false;
    send({ type: 'step' });
    showPlaying();
  });
  $('train-reset').addEventListener('click', reset);
  $('train-export').addEventListener('click', () => {
    if (!latest) return;
    const blob = new Blob([latest.weights], { type: 'application/json' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `gatelab-${latest.task.name}-step${latest.progress.step}.json`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  });
  $('compare-run').addEventListener('click', () => {
    if (comparing) {
      send({ type: 'stop-compare' });
      comparisonId += 1;
      comparing = false;
      setText($('compare-run'), 'Compare');
      setText($('compare-status'), 'stopped');
      return;
    }
    const chosen = boxes.filter((b) => b.box.checked).map(({ variant }) => [
      variant.label,
      { ...STANDARD_ACTIVATIONS, ...(variant.acts ?? context().acts) },
    ]);
    const seeds = Number($('compare-seeds').value);
    const base = Number($('train-seed').value);
    if (!Number.isInteger(seeds) || seeds < 1 || seeds > 10) {
      onError('Seeds must be a whole number from 1 to 10.');
      return;
    }
    if (!Number.isInteger(base) || base < 0) {
      onError('The seed must be a whole number, 0 or more.');
      return;
    }
    comparisonId += 1;
    send({
      type: 'compare',
      id: comparisonId,
      setup: {
        ...settings(),
        variants: chosen,
        seeds: Array.from({ length: seeds }, (_, k) => base + k),
        max_steps: Number($('compare-steps').value),
        target: Number($('compare-target').value),
        eval_every: TRAINING.compareEvalEvery,
      },
    });
    comparing = true;
    setText($('compare-run'), 'Stop');
    setText($('compare-status'), 'starting…');
  });

  $('train-show').addEventListener('change', () => {
    if ($('train-show').checked && latest) onWeights(latest.weights, `trained: ${latest.task.title}, step ${latest.progress.step}`);
  });

  return {
    /** The user picked a model by hand: stop replacing it with the trained one. */
    stopShowing() {
      $('train-show').checked = false;
    },
    /** The typed text changed: the gradient view follows it. */
    textChanged(text) {
      if (latest) send({ type: 'text', text });
    },
    /** Milliseconds per training step on the benchmark task, on this thread. */
    async benchmark({ hidden, symbols, length, batch, steps }) {
      const module = await import('../pkg-train/gatelab.js');
      await module.default();
      const bench = new module.TrainingBenchmark(hidden, symbols, length, batch);
      bench.steps(3); // warm-up
      const start = performance.now();
      bench.steps(steps);
      const ms = (performance.now() - start) / steps;
      bench.free();
      return ms;
    },
    state: () => ({ playing, comparing, step: latest?.progress.step ?? 0, curve: latest?.curve ?? [], snapshot: lastSnapshot }),
  };
}
