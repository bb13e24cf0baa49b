// The Study panel: one of the papers' experiments on gates (or the training lab's comparison)
// rerun over many seeds in parallel workers (study-pool.js). It shows progress per variant, the
// study's card (the paper's claim beside what was measured, made by the training module from
// the runs), learning curves with each variant's seed spread and the table with its Welch tests.
// Stop keeps the finished runs, and Resume runs the rest. The table, the card and the CSV come
// from the same Rust code as `gatelab study`, so the page and the CLI agree to the last bit.

import * as model from '../model.js';
import { TRAINING } from '../config.js';
import { download, setText } from '../dom.js';
import { num } from '../format.js';
import { limits } from '../catalog.js';
import { MAX_LINK_RATES } from '../state.js';
import { hasSimd } from '../wasm-support.js';
import { fitCanvas, watchWidth } from '../views/canvas.js';
import { createChartPainter } from './charts.js';
import { runInWorkers } from './study-pool.js';

const $ = (id) => document.getElementById(id);

/** "1 run", "24 runs". */
const runsText = (n) => `${n} run${n === 1 ? '' : 's'}`;

/** The value of the study menu that runs the training lab's comparison as a study. */
export const CUSTOM = 'custom';
/** A study opened from a file. */
const FILE = 'file';

/** The training module, loaded on the panel's thread for the studies' settings and reports. */
let trainingModule = null;
function loadTrainingModule() {
  trainingModule ??= (hasSimd() ? import('../pkg-train/gatelab.js') : import('../pkg-train-nosimd/gatelab.js')).then(async (m) => {
    await m.default();
    return m;
  });
  return trainingModule;
}

/**
 * The keys of `given` (a study file, as parsed) that `known` (the same settings as the training
 * module read them, every field written out) does not have, as paths: `variants[1].colour`.
 */
export function unknownKeys(given, known, at = '') {
  if (Array.isArray(given)) return given.flatMap((item, k) => unknownKeys(item, known?.[k], `${at}[${k}]`));
  if (given === null || typeof given !== 'object') return [];
  return Object.keys(given).flatMap((key) => {
    const path = at ? `${at}.${key}` : key;
    return known !== null && typeof known === 'object' && key in known ? unknownKeys(given[key], known[key], path) : [path];
  });
}

/**
 * A spread over seeds as the table shows it: "0.97 [0.91–1.00]", or "—". Where `digits` would
 * show different ends as one ("1.00 [1.00–1.00]"), more are shown, up to four (as the card does).
 */
export function spread(s, digits = 2) {
  if (!s) return '—';
  let d = digits;
  while (d > 0 && d < 4 && s.min !== s.max && s.min.toFixed(d) === s.max.toFixed(d)) d += 1;
  const f = (x) => (d === 0 ? String(Math.round(x * 2) / 2) : x.toFixed(d));
  return s.min === s.max ? `${f(s.median)} (all ${s.count})` : `${f(s.median)} [${f(s.min)}–${f(s.max)}]`;
}

/** Welch's test as the table shows it. */
function pValue(w) {
  if (!w) return '—';
  const p = w.p < 0.001 ? 'p < 0.001' : `p = ${w.p.toFixed(3)}`;
  return `${w.difference >= 0 ? '+' : '−'}${Math.abs(w.difference).toFixed(2)}, ${p}`;
}

function cells(row, texts, tag = 'td') {
  for (const text of texts) {
    const cell = document.createElement(tag);
    cell.textContent = text;
    if (tag === 'th') cell.scope = 'col';
    row.append(cell);
  }
}

/** Fills `table` from a study's table: a body per task and rate. */
function renderTable(table, studyTable) {
  table.replaceChildren();
  const caption = document.createElement('caption');
  const anyN = studyTable.groups.some((g) => g.rows.some((r) => r.largest_n));
  caption.textContent = 'What each variant reached, over seeds';
  $('study-table-note').textContent = `Medians over seeds with [least–greatest]; the last column is the difference in final held-out accuracy from the first variant, with Welch's t-test. Time per step is each run's wall time, its evaluations included, over its steps: measured on this machine, it varies from run to run.${anyN ? ' A largest n of 0: the first n tested past training was already missed.' : ''}`;
  table.append(caption);
  const head = document.createElement('thead');
  const tr = document.createElement('tr');
  cells(tr, [
    'variant', 'parameters', 'ms per step', `reached ${Math.round(studyTable.target * 100)}%`, 'steps to target', 'final held-out accuracy',
    'held-out loss', 'longer sequences', ...(anyN ? ['largest n recognised'] : []), 'Δ accuracy from the first, p',
  ], 'th');
  head.append(tr);
  table.append(head);
  for (const group of studyTable.groups) {
    const body = document.createElement('tbody');
    const title = document.createElement('tr');
    const th = document.createElement('th');
    th.colSpan = anyN ? 10 : 9;
    th.scope = 'rowgroup';
    th.textContent = studyTable.groups.length > 1 || group.learning_rate ? `${group.task_title}, learning rate ${group.learning_rate}` : group.task_title;
    title.append(th);
    body.append(title);
    for (const row of group.rows) {
      const r = document.createElement('tr');
      r.dataset.variant = row.label;
      const name = document.createElement('th');
      name.scope = 'row';
      name.textContent = row.label;
      r.append(name);
      cells(r, [
        row.parameters.toLocaleString('en'),
        spread(row.ms_per_step, row.ms_per_step?.median < 1 ? 3 : 2),
        `${row.reached_target} of ${row.runs}${row.diverged ? ` (${row.diverged} diverged)` : ''}`,
        spread(row.steps_to_target, 0),
        spread(row.final_accuracy),
        spread(row.final_loss),
        spread(row.long_accuracy),
        ...(anyN ? [spread(row.largest_n, 0)] : []),
        pValue(row.against_baseline),
      ]);
      body.append(r);
    }
    table.append(body);
  }
}

/** Fills the card: the paper and its claim, each finding beside what was measured, the setups. */
function renderCard(host, card, custom) {
  host.replaceChildren();
  const h = document.createElement('h3');
  h.textContent = card.title;
  host.append(h);
  const add = (tag, text, className) => {
    const el = document.createElement(tag);
    el.textContent = text;
    if (className) el.className = className;
    host.append(el);
    return el;
  };
  if (!custom) {
    add('p', card.paper, 'study-paper');
    add('p', `The paper's claim: ${card.claim}`);
  }
  if (card.lines.length) {
    const list = add('ul', '', 'study-findings');
    for (const line of card.lines) {
      const li = document.createElement('li');
      li.className = `verdict-${line.verdict}`;
      const mark = document.createElement('span');
      mark.className = 'study-mark';
      mark.setAttribute('aria-hidden', 'true');
      mark.textContent = { agrees: '✓', differs: '✗', not_shown: '○' }[line.verdict] ?? '…';
      li.append(mark, line.text);
      list.append(li);
    }
  }
  add('p', `${card.summary} Runs finished: ${card.runs_done} of ${card.runs}.`, 'study-summary');
  add('p', `How the setups differ: ${card.setup}`, 'hint');
}

/**
 * Builds the panel. `page` gives state(), change(patch), notify(message, kind), scale() and
 * comparisonSetup() (the training lab's Compare settings, or null where the lab is not shown).
 */
export function createStudyPanel(page) {
  const notify = (message) => page.notify(message, 'error');
  const paint = createChartPainter(notify);
  const width = watchWidth($('study-view'), () => {
    drawCurves();
    if (report) drawCounter();
  });
  let studies = [];
  /** The study shown: its settings as the training module takes them. */
  let settings = null;
  /** Finished runs of `settings`, by job key. */
  let results = new Map();
  let jobs = [];
  let pool = null;
  let report = null;
  let reportTimer = 0;
  /** A study opened from a file (or a link), offered in the menu until another replaces it. */
  let fileStudy = null;
  /** The settings of the last study run from your comparison: what the link carries for it. */
  let customRun = null;

  const key = (job) => `${job.task}/${job.rate}/${job.seed}/${job.variant}`;
  const running = () => pool !== null;

  function status(text) {
    setText($('study-status'), text);
  }

  function chosenName() {
    return $('study-pick').value;
  }

  /** The learning rates typed in (several: a sweep), or throws an Error saying what is wrong. */
  function chosenRates() {
    const raw = $('study-rates').value;
    const rates = raw.split(',').map((r) => r.trim()).filter((r) => r !== '').map(Number);
    if (!rates.length || rates.some((r) => !Number.isFinite(r))) {
      throw new Error(`Learning rates must be numbers separated by commas, such as 0.01, 0.03; got ${JSON.stringify(raw.slice(0, 40))}.`);
    }
    return rates;
  }

  /** The chosen built-in study's or file's settings as they stand (undefined for your comparison). */
  function chosenStudy() {
    const name = chosenName();
    return name === FILE ? fileStudy : studies.find((s) => s.name === name);
  }

  /** The rates typed in where they differ from the built-in study's own (null: its own, or unreadable). */
  function changedRates() {
    const study = studies.find((s) => s.name === chosenName());
    let rates;
    try {
      rates = chosenRates();
    } catch {
      return null;
    }
    return study && rates.join(',') !== study.learning_rates.join(',') ? rates : null;
  }

  /** The chosen study with the seeds and steps typed in, or throws an Error naming what is bad. */
  async function chosenSettings(m) {
    const seeds = Number($('study-seeds').value);
    const steps = Number($('study-steps').value);
    if (!Number.isInteger(seeds)) throw new Error(`Seeds must be a whole number; got ${JSON.stringify($('study-seeds').value)}.`);
    if (!Number.isInteger(steps)) throw new Error(`Steps must be a whole number; got ${JSON.stringify($('study-steps').value)}.`);
    const rates = chosenRates();
    const name = chosenName();
    let study;
    if (name === CUSTOM) {
      const setup = page.comparisonSetup();
      if (!setup) throw new Error('Your comparison is set up in the training lab, which this page does not show.');
      study = { ...m.custom_study(setup, seeds, steps), learning_rates: rates };
    } else {
      study = { ...chosenStudy(), seeds, max_steps: steps, learning_rates: rates };
    }
    m.study_jobs(study); // throws the settings' first fault, by name
    return study;
  }

  /** Shows what the chosen study is, and how many runs it makes. */
  function describe() {
    const name = chosenName();
    const study = chosenStudy();
    if (name === CUSTOM) {
      setText($('study-about'), 'Your comparison: the task, variants and settings of Compare in the training lab above, run as a study with the seeds and steps set here.');
    } else if (study) {
      const rates = $('study-rates').value.split(',').filter((r) => r.trim() !== '').length || 1;
      const runs = study.variants.length * study.tasks.length * rates * Number($('study-seeds').value || 0);
      const sweep = rates > 1 ? ` × ${rates} learning rates` : '';
      setText($('study-about'), `${study.paper ? `${study.paper}. ` : ''}${study.variants.length} variants × ${study.tasks.length} task${study.tasks.length > 1 ? 's' : ''}${sweep} × ${$('study-seeds').value || '?'} seed${$('study-seeds').value === '1' ? '' : 's'} = ${runsText(runs)}.`);
    }
    const rates = changedRates();
    const command = name === CUSTOM || name === FILE
      ? 'gatelab study --file STUDY.json (save the study\'s settings first)'
      : `gatelab study ${name} --seeds ${$('study-seeds').value} --steps ${$('study-steps').value}${rates ? ` --rates ${rates.join(',')}` : ''}`;
    setText($('study-command'), command);
  }

  /** The study's own seeds and steps in the boxes (a link's, the first time). */
  function fillDefaults(fromLink) {
    const study = chosenStudy();
    const linked = page.state().study;
    $('study-seeds').value = String((fromLink && linked.seeds) || study?.seeds || 3);
    $('study-steps').value = String((fromLink && linked.steps) || study?.max_steps || 1000);
    $('study-rates').value = ((fromLink && linked.rates) || study?.learning_rates || [Number($('train-lr')?.value) || 0.01]).join(', ');
    describe();
  }

  /**
   * Keeps the link in step: a built-in study with its seeds, steps and rates reproduces from it;
   * any other, from its settings (an opened file's with the boxes' values, or the last run of your
   * comparison: Compare's ticks are not in the link).
   */
  function writeLink() {
    const name = chosenName();
    // Only values the link's reader takes back (a bad one stays in the box, with its message on Run).
    const whole = (id, most) => {
      const v = Number($(id).value);
      return Number.isInteger(v) && v >= 1 && v <= most ? v : null;
    };
    const seeds = whole('study-seeds', limits().max_study_seeds);
    const steps = whole('study-steps', limits().max_study_steps);
    const readable = (rates) => rates !== null && rates.every((r) => r > 0 && r <= 1);
    if (studies.some((s) => s.name === name)) {
      const rates = changedRates();
      page.change({ study: { name, seeds, steps, rates: readable(rates) && rates.length <= MAX_LINK_RATES ? rates : null, settings: null } });
    } else {
      let other = name === CUSTOM ? customRun : null;
      if (name === FILE && fileStudy) {
        let rates = null;
        try {
          rates = chosenRates();
        } catch {
          // Unreadable: the link keeps the file's own.
        }
        other = {
          ...fileStudy,
          ...(seeds && { seeds }),
          ...(steps && { max_steps: steps }),
          ...(readable(rates) && { learning_rates: rates }),
        };
      }
      page.change({ study: { name: null, seeds: null, steps: null, rates: null, settings: other ? JSON.stringify(other) : null } });
    }
    updateRunLabel();
  }

  function showProgress() {
    const host = $('study-progress');
    host.replaceChildren();
    if (!settings) return;
    const perVariant = jobs.length / settings.variants.length;
    settings.variants.forEach((v, k) => {
      const done = [...results.values()].filter((r) => r.job.variant === k).length;
      const label = document.createElement('label');
      const bar = document.createElement('progress');
      bar.max = perVariant;
      bar.value = done;
      label.append(bar, ` ${v.label}: ${done} of ${perVariant}`);
      host.append(label);
    });
  }

  /** The finished runs in the study's own order (the CLI's), so every sum adds up the same way. */
  const ordered = () => jobs.filter((j) => results.has(key(j))).map((j) => results.get(key(j)));

  async function refresh() {
    reportTimer = 0;
    showProgress();
    if (!settings) return;
    const m = await loadTrainingModule();
    try {
      report = m.study_report(settings, ordered());
    } catch (e) {
      notify(`The study's table could not be made: ${e.message}`);
      return;
    }
    renderCard($('study-card'), report.card, !settings.claim);
    // A lesson's answer may read the card: it follows the results as they come.
    page.schedule();
    renderTable($('study-table'), report.table);
    fillGroups();
    $('study-curves-controls').hidden = false;
    drawCurves();
    drawCounter();
    $('study-csv').disabled = results.size === 0;
  }

  /** At most a few reports a second while runs pour in. */
  function scheduleRefresh() {
    if (!reportTimer) reportTimer = setTimeout(refresh, 200);
  }

  function fillGroups() {
    const select = $('study-group');
    const labels = report.table.groups.map((g) => (settings.learning_rates.length > 1 ? `${g.task_title}, rate ${g.learning_rate}` : g.task_title));
    if ([...select.options].map((o) => o.textContent).join('\n') === labels.join('\n')) return;
    const kept = select.selectedIndex;
    select.replaceChildren(...labels.map((text, k) => new Option(text, String(k))));
    select.selectedIndex = Math.max(0, Math.min(kept, labels.length - 1));
  }

  function clearCanvas(canvas) {
    canvas.getContext('2d')?.clearRect(0, 0, canvas.width, canvas.height);
  }

  function drawCurves() {
    if (!settings || !report) return;
    const g = Number($('study-group').value) || 0;
    const task = Math.floor(g / settings.learning_rates.length);
    const rate = g % settings.learning_rates.length;
    const finished = ordered().filter(({ job }) => job.task === task && job.rate === rate);
    const series = settings.variants.map((v, k) => ({
      label: v.label,
      runs: finished.filter(({ job }) => job.variant === k).map(({ result }) => result.curve),
    })).filter((s) => s.runs.length);
    if (!series.length) {
      // No run of this task has finished yet: no other task's curves under its name.
      clearCanvas($('study-curves'));
      return;
    }
    paint(() => {
      const px = fitCanvas($('study-curves'), width(), TRAINING.curvesHeight * page.scale()) * page.scale();
      model.drawLearningCurves($('study-curves'), { series, max_step: settings.max_steps, target: settings.target }, px);
    });
  }

  /**
   * The counting chart (Weiss et al.): on aⁿbⁿ's longest test string, each variant's first
   * finished run's unit that follows the count most closely, as the training module found it.
   */
  function drawCounter() {
    const counted = ordered().filter(({ result }) => result.counter);
    $('study-counter-part').hidden = counted.length === 0;
    if (!counted.length) return;
    const first = settings.variants.map((v, k) => counted.find(({ job }) => job.variant === k)).filter(Boolean);
    const { n } = first[0].result.counter;
    const trained = settings.tasks[first[0].job.task].max_n;
    const range = (values) => `${num(Math.min(...values))} to ${num(Math.max(...values))}`;
    setText($('study-counter-note'), `On ^aⁿbⁿ with n = ${n} (trained on n ≤ ${trained}), the unit of each trained cell that follows the count (a's so far minus b's) most closely: ` +
      first.map(({ job, result: { counter } }) => `${settings.variants[job.variant].label} (seed ${job.seed}), ${counter.state} of unit ${counter.unit}, correlation ${num(counter.correlation)}, from ${range(counter.values)}`).join('; ') +
      '. The dashed line marks the first b.');
    const panels = first.map(({ job, result: { counter } }) => ({
      title: `${settings.variants[job.variant].label}, seed ${job.seed}: ${counter.state} of unit ${counter.unit}`,
      values: counter.values,
    }));
    paint(() => {
      const px = fitCanvas($('study-counter'), width(), TRAINING.gradientHeight * page.scale()) * page.scale();
      model.drawCounterTraces($('study-counter'), { panels, turn: n + 1 }, px);
    });
  }

  /** Run study, or Resume when the boxes still give the study stopped part-way. */
  async function updateRunLabel() {
    if (running()) return;
    let same = false;
    if (results.size && results.size < jobs.length) {
      try {
        same = JSON.stringify(await chosenSettings(await loadTrainingModule())) === JSON.stringify(settings);
      } catch {
        same = false;
      }
    }
    if (!running()) setText($('study-run'), same ? 'Resume' : 'Run study');
  }

  function finish(text) {
    pool = null;
    setText($('study-run'), results.size && results.size < jobs.length ? 'Resume' : 'Run study');
    status(text);
    // At once: the card and a lesson's answer say the study has ended, with every finished run.
    clearTimeout(reportTimer);
    refresh();
  }

  async function start() {
    let m;
    let next;
    try {
      m = await loadTrainingModule();
      next = await chosenSettings(m);
    } catch (e) {
      const message = `The study cannot run: ${e.message}`;
      status(message);
      notify(message);
      return;
    }
    if (chosenName() === CUSTOM) {
      customRun = next;
      writeLink();
    }
    // The same study again goes on from where it stopped; anything else starts afresh.
    if (JSON.stringify(next) !== JSON.stringify(settings)) {
      settings = next;
      jobs = m.study_jobs(settings);
      results = new Map();
      report = null;
      $('study-card').replaceChildren();
      $('study-table').replaceChildren();
      $('study-table-note').textContent = '';
      $('study-counter-part').hidden = true;
      $('study-curves-controls').hidden = true;
      $('study-group').replaceChildren();
      $('study-csv').disabled = true;
      clearCanvas($('study-curves'));
    }
    const todo = jobs.filter((j) => !results.has(key(j)));
    if (!todo.length) {
      finish(`done: all ${jobs.length} runs (change the seeds or steps to run again)`);
      return;
    }
    const workers = Math.max(1, Math.min(Number($('study-workers').value) || 1, 16));
    const started = performance.now();
    showProgress();
    setText($('study-run'), 'Stop');
    page.schedule();
    const used = Math.min(workers, todo.length);
    status(`running ${runsText(todo.length)} in ${used} worker${used > 1 ? 's' : ''}…`);
    pool = runInWorkers({
      settings,
      jobs: todo,
      workers,
      onResult(run) {
        results.set(key(run.job), run);
        status(`${results.size} of ${jobs.length} runs finished`);
        scheduleRefresh();
      },
      onFailure(text) {
        notify(`The study stopped: ${text}. The finished runs are kept; Resume runs the rest.`);
        finish(`stopped by an error: ${results.size} of ${jobs.length} runs finished`);
      },
      onDone() {
        const used = Math.min(workers, todo.length);
        const time = `${((performance.now() - started) / 1000).toFixed(1)} s with ${used} worker${used > 1 ? 's' : ''}`;
        finish(todo.length === jobs.length ? `done: ${runsText(jobs.length)} in ${time}` : `done: all ${runsText(jobs.length)} (the last ${todo.length} in ${time})`);
      },
    });
  }

  function stop() {
    pool?.stop();
    finish(`stopped: ${results.size} of ${jobs.length} runs finished; the table counts those, and Resume runs the rest`);
  }

  async function openFile(file) {
    try {
      if (file.size > 1_000_000) throw new Error(`it is ${file.size.toLocaleString('en')} bytes; a study's settings are at most 1 MB`);
      await openSettings(await file.text(), file.name);
    } catch (e) {
      notify(`The study file ${JSON.stringify(file.name)} could not be used: ${e.message}. The study shown is unchanged.`);
    }
  }

  /**
   * Offers a study's settings (JSON text from a file or a link) in the menu and picks it, or
   * throws an Error naming what is wrong (not JSON, a bad value, an unknown key).
   */
  async function openSettings(text, source) {
    let given;
    try {
      given = JSON.parse(text);
    } catch (e) {
      throw new Error(`it is not JSON (${e.message})`);
    }
    const m = await loadTrainingModule();
    const study = m.read_study(given); // names a bad value or setting
    const unknown = unknownKeys(given, study);
    if (unknown.length) throw new Error(`unknown field ${unknown.map((k) => `\`${k}\``).join(', ')} (gatelab study --file refuses it too)`);
    fileStudy = study;
    const option = $('study-pick').querySelector(`option[value=${FILE}]`) ?? $('study-pick').appendChild(new Option('', FILE));
    option.textContent = `From ${source}: ${study.title}`;
    $('study-pick').value = FILE;
    fillDefaults(false);
    writeLink();
  }

  $('study-run').addEventListener('click', () => (running() ? stop() : start()));
  $('study-pick').addEventListener('change', () => {
    fillDefaults(false);
    writeLink();
  });
  for (const id of ['study-seeds', 'study-steps', 'study-rates']) {
    $(id).addEventListener('change', () => {
      describe();
      writeLink();
    });
  }
  $('study-group').addEventListener('change', drawCurves);
  $('study-csv').addEventListener('click', () => {
    if (report) download(new Blob([report.csv], { type: 'text/csv' }), `gatelab-study-${settings.name}.csv`);
  });
  $('study-save').addEventListener('click', async () => {
    try {
      const study = await chosenSettings(await loadTrainingModule());
      download(new Blob([`${JSON.stringify(study, null, 2)}\n`], { type: 'application/json' }), `gatelab-study-${study.name}.json`);
    } catch (e) {
      notify(`The study cannot be saved: ${e.message}`);
    }
  });
  $('study-file').addEventListener('change', () => {
    const file = $('study-file').files[0];
    $('study-file').value = '';
    if (file) openFile(file);
  });

  const cores = Math.max(1, navigator.hardwareConcurrency || 1);
  $('study-workers').value = String(Math.min(cores, 16));
  $('study-workers').max = '16';
  setText($('study-workers-note'), `this device has ${cores} logical core${cores > 1 ? 's' : ''}`);

  // The built-in studies come from the training module, loaded when the panel is first in
  // sight (most visits never scroll here); a link may name one.
  let ready = null;
  const load = () => {
    ready ??= loadTrainingModule().then((m) => {
      studies = m.built_in_studies();
      const select = $('study-pick');
      select.replaceChildren(
        ...studies.map((s) => new Option(`${s.title} (${s.paper.split(',')[0]})`, s.name)),
        new Option('Your comparison (Compare in the training lab)', CUSTOM),
      );
      select.disabled = false;
      $('study-run').disabled = false;
      const linked = page.state().study;
      if (linked.name && !studies.some((s) => s.name === linked.name)) {
        notify(`No study named ${JSON.stringify(linked.name.slice(0, 40))} (the link's): the built-in ones are ${studies.map((s) => s.name).join(', ')}. Showing ${studies[0].name}.`);
      } else if (linked.name) {
        select.value = linked.name;
      }
      fillDefaults(true);
      if (linked.settings) {
        return openSettings(linked.settings, 'the link').catch((e) => {
          notify(`The study in the link could not be used: ${e.message}. Showing ${select.selectedOptions[0]?.textContent ?? 'the first study'}.`);
          writeLink();
        });
      }
      return undefined;
    }, (e) => {
      $('study-unavailable').hidden = false;
      $('study-unavailable').textContent = `Studies need the training module, which could not load (${e.message}). The views above work without it.`;
    });
    return ready;
  };

  let drawnScale = 1;
  return {
    /** Presenter mode scales the chart's text: it is drawn again at the new scale. */
    update(frame) {
      load();
      if (frame.scale === drawnScale) return;
      drawnScale = frame.scale;
      drawCurves();
      if (report) drawCounter();
    },
    /** Picks a study, as a lesson does (not run: the reader presses Run). */
    async select(name) {
      await load();
      if (running()) stop();
      $('study-pick').value = name;
      fillDefaults(false);
      writeLink();
    },
    /** For tests: the panel's own view of what ran and what it found. */
    state: () => ({ running: running(), settings, done: results.size, runs: jobs.length, report, results: ordered() }),
    ready: load,
  };
}
