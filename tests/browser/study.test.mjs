// The Study panel: a study runs in the page's workers and gives the numbers `gatelab study`
// gives, to the last bit, with one worker or two; Stop keeps the finished runs and Resume runs
// the rest; bad settings, a bad link and a bad file get a message and lose nothing shown.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { axe, openPage, seeView, studyDone, useBrowser } from './harness.mjs';
import { plain, runStudyCli as cli } from '../study-cli.mjs';
import { num } from '../../www/format.js';
import { spread } from '../../www/training/study-panel.js';

const env = useBrowser({ before, after });

test('the table shows a spread with enough digits to tell its ends apart, as the card does', () => {
  assert.equal(spread({ median: 0.97, min: 0.912, max: 1, count: 5 }), '0.97 [0.91–1.00]');
  assert.equal(spread({ median: 1, min: 0.9987, max: 1, count: 5 }), '1.000 [0.999–1.000]');
  assert.equal(spread({ median: 1, min: 1, max: 1, count: 5 }), '1.00 (all 5)');
  assert.equal(spread({ median: 35, min: 34, max: 36, count: 5 }, 0), '35 [34–36]');
  assert.equal(spread(null), '—');
});

async function openStudy(query) {
  const page = await openPage(env.browser, `${env.server.url}?${query}`);
  await page.waitForFunction(() => window.__gatelab.idle());
  await page.evaluate(() => window.__gatelab.studyReady());
  await seeView(page, 'study');
  return page;
}

/** Runs the study shown with `workers` workers and waits for its report on every run. */
async function runToEnd(page, workers) {
  await page.fill('#study-workers', String(workers));
  await page.click('#study-run');
  await studyDone(page);
  return page.evaluate(() => window.__gatelab.study());
}

test('a linked study runs in the workers and equals gatelab study to the last bit, with one worker and with two', async () => {
  const query = 'study=weiss&study_seeds=2&study_steps=60';
  let first = null;
  for (const workers of [1, 2]) {
    const page = await openStudy(query);
    assert.equal(await page.locator('#study-pick').inputValue(), 'weiss');
    assert.equal(await page.locator('#study-seeds').inputValue(), '2');
    assert.equal(await page.locator('#study-steps').inputValue(), '60');
    const s = await runToEnd(page, workers);
    assert.equal(s.runs, 2 * 2 * 2);
    assert.match(await page.locator('#study-status').textContent(), new RegExp(`done: 8 runs in [0-9.]+ s with ${workers} worker`));
    if (first === null) {
      const native = cli(s.settings);
      assert.deepEqual(s.results.map((r) => r.job), native.runs.map((r) => r.job));
      assert.deepEqual(plain(s.results), plain(native.runs), 'every run, curve by curve');
      assert.deepEqual(plain(s.report.table), plain(native.table));
      assert.deepEqual(plain(s.report.card), plain(native.card));
      first = s;
    } else {
      assert.deepEqual(plain(s.results), plain(first.results), 'two workers give what one gave');
      // The CSV holds the table's figures, compared above, and its measured times.
      assert.deepEqual(plain({ ...s.report, csv: null }), plain({ ...first.report, csv: null }));
    }
    // Every run was timed in its worker; the table gives each variant's time per step.
    assert.ok(s.results.every(({ result }) => result.seconds > 0), 'every run timed');
    for (const row of s.report.table.groups.flatMap((g) => g.rows)) {
      assert.ok(row.ms_per_step.count === 2 && row.ms_per_step.min > 0, JSON.stringify(row.ms_per_step));
      const shown = await page.locator(`#study-table tr[data-variant="${row.label}"] td`).nth(1).textContent();
      assert.match(shown, /^[0-9.]+ \[[0-9.]+–[0-9.]+\]$|^[0-9.]+ \(all 2\)$/, shown);
    }
    // On aⁿbⁿ (task 0) each run carries its counting unit on the longest test string, n = 300;
    // the note under the curves names the first seed's of each variant, with its correlation.
    for (const { job, result } of s.results) {
      if (job.task !== 0) assert.equal(result.counter, undefined);
      else assert.ok(result.counter.n === 300 && result.counter.values.length === 601, JSON.stringify(job));
    }
    const note = await page.locator('#study-counter-note').textContent();
    for (const variant of [0, 1]) {
      const { job, result: { counter } } = s.results.find((r) => r.job.task === 0 && r.job.variant === variant);
      assert.ok(note.includes(`${s.settings.variants[variant].label} (seed ${job.seed}), ${counter.state} of unit ${counter.unit}, correlation ${num(counter.correlation)}`), note);
    }
    assert.match(note, /^On \^aⁿbⁿ with n = 300 \(trained on n ≤ 30\)/);
    assert.ok(await page.locator('#study-counter').isVisible());
    // The card on screen is the report's: the claim, a line per finding, the summary.
    const card = await page.locator('#study-card').innerText();
    assert.ok(card.includes(s.settings.claim));
    for (const line of s.report.card.lines) assert.ok(card.includes(line.text), line.text);
    assert.ok(card.includes(s.report.card.summary));
    // The table: a body per task, a row per variant, with its parameters and runs.
    const rows = await page.locator('#study-table tbody tr[data-variant]').count();
    assert.equal(rows, 4);
    const lstm = await page.locator('#study-table tbody tr[data-variant="LSTM"]').first().innerText();
    const row = s.report.table.groups[0].rows[0];
    const reached = s.results.filter((r) => r.job.task === 0 && r.job.variant === 0 && r.result.steps_to_target != null).length;
    assert.equal(row.reached_target, reached);
    assert.ok(lstm.includes(row.parameters.toLocaleString('en')) && lstm.includes(`${reached} of 2`), lstm);
    assert.equal(await page.locator('#study-command').textContent(), 'gatelab study weiss --seeds 2 --steps 60');
    assert.deepEqual(await page.evaluate(() => window.__gatelab.notices()), []);
    if (workers === 2) assert.deepEqual(await axe(page), []);
    await page.close();
  }
});

test('a learning-rate sweep from the link runs as a table group per rate, as gatelab study --rates gives it', async () => {
  const page = await openStudy('study=xlstm&study_seeds=1&study_steps=20&study_rates=0.01,0.03');
  assert.equal(await page.locator('#study-rates').inputValue(), '0.01, 0.03');
  assert.match(await page.locator('#study-about').textContent(), /4 variants × 2 tasks × 2 learning rates × 1 seed = 16 runs/);
  assert.equal(await page.locator('#study-command').textContent(), 'gatelab study xlstm --seeds 1 --steps 20 --rates 0.01,0.03');
  const s = await runToEnd(page, 2);
  assert.deepEqual(s.report.table.groups.map((g) => g.learning_rate), [0.01, 0.03, 0.01, 0.03]);
  assert.deepEqual(plain(s.report.table), plain(cli(s.settings).table));
  // Rates that are not numbers are refused by name, and the table stays.
  await page.fill('#study-rates', '0.01, fast');
  await page.click('#study-run');
  await page.waitForFunction(() => window.__gatelab.notices().some((n) => n.includes('Learning rates must be numbers separated by commas')));
  assert.equal(await page.locator('#study-table tbody tr[data-variant]').count(), 16);
  await page.close();
});

test('Stop keeps the finished runs in the table and card, and Resume runs only the rest', async () => {
  const page = await openStudy('study=xlstm&study_seeds=3&study_steps=400');
  await page.fill('#study-workers', '1');
  await page.click('#study-run');
  await page.waitForFunction(() => window.__gatelab.study().done >= 2, null, { timeout: 60_000 });
  await page.click('#study-run');
  await page.waitForFunction(() => !window.__gatelab.study().running);
  // The report follows the last finished run.
  await page.waitForFunction(() => {
    const s = window.__gatelab.study();
    return s.report?.card.runs_done === s.done;
  });
  const stopped = await page.evaluate(() => window.__gatelab.study());
  assert.ok(stopped.done >= 2 && stopped.done < stopped.runs, `${stopped.done} of ${stopped.runs}`);
  assert.equal(await page.locator('#study-run').textContent(), 'Resume');
  assert.match(await page.locator('#study-status').textContent(), new RegExp(`stopped: ${stopped.done} of 24 runs finished`));
  const counted = stopped.report.table.groups.flatMap((g) => g.rows).reduce((sum, r) => sum + r.runs, 0);
  assert.equal(counted, stopped.done);
  assert.ok(await page.locator('#study-table tbody tr[data-variant]').count() > 0);
  // Changing the seeds makes it another study: the button says so, and back again says Resume.
  await page.fill('#study-seeds', '2');
  await page.dispatchEvent('#study-seeds', 'change');
  await page.waitForFunction(() => document.querySelector('#study-run').textContent === 'Run study');
  await page.fill('#study-seeds', '3');
  await page.dispatchEvent('#study-seeds', 'change');
  await page.waitForFunction(() => document.querySelector('#study-run').textContent === 'Resume');
  // Resume: the finished runs are kept as they were, and only the others run.
  const s = await runToEnd(page, 2);
  assert.equal(s.done, 24);
  assert.match(await page.locator('#study-status').textContent(), new RegExp(`done: all 24 runs \\(the last ${24 - stopped.done} in [0-9.]+ s with 2 workers\\)`));
  for (const run of stopped.results) {
    const same = s.results.find((r) => JSON.stringify(r.job) === JSON.stringify(run.job));
    assert.deepEqual(plain(same), plain(run));
  }
  await page.close();
});

test('a link whose study settings are not JSON, or name a setting no study has, gets a message and shows a built-in study', async () => {
  for (const [settings, message] of [
    ['{"name": "x",', 'it is not JSON'],
    [JSON.stringify({ name: 'x', title: '<b>x</b>', paper: '', claim: '', variants: [{ label: 'a' }], tasks: [{ kind: 'parity' }], seeds: 1, hidden: 4, batch_size: 4, learning_rates: [0.01], max_steps: 5, target: 0.9, colour: 'red' }), 'unknown field `colour`'],
  ]) {
    const page = await openStudy(`study_settings=${encodeURIComponent(settings)}`);
    await page.waitForFunction((m) => window.__gatelab.notices().some((n) => n.includes(`The study in the link could not be used: ${m}`)), message);
    assert.equal(await page.locator('#study-pick').inputValue(), 'greff');
    assert.equal(await page.locator('#study-pick option[value=file]').count(), 0);
    // The bad settings leave the link.
    await page.waitForFunction(() => !location.search.includes('study_settings'));
    await page.close();
  }
});

test('bad settings, a bad link and a bad file each get a message, and the results shown stay', async () => {
  const page = await openStudy('study=nosuch&study_seeds=0');
  const notices = await page.evaluate(() => window.__gatelab.notices());
  assert.ok(notices.some((n) => n.includes('No study named "nosuch"') && n.includes('greff, weiss, jozefowicz, xlstm, feng')), notices.join('\n'));
  assert.ok(notices.some((n) => n.includes('study_seeds="0" in the link is not 1 to 20')), notices.join('\n'));
  await page.selectOption('#study-pick', 'weiss');
  await page.fill('#study-seeds', '2');
  await page.fill('#study-steps', '30');
  const done = await runToEnd(page, 2);
  const table = await page.locator('#study-table').innerText();
  const expectNotice = async (text) => {
    await page.waitForFunction((text) => window.__gatelab.notices().some((n) => n.includes(text)), text);
  };
  await page.fill('#study-seeds', '0');
  await page.click('#study-run');
  await expectNotice('The study cannot run: seeds must be 1 to 20; this study asks for 0');
  await page.fill('#study-seeds', '2');
  await page.fill('#study-steps', '1000000000');
  await page.click('#study-run');
  await expectNotice('The study cannot run: steps must be 1 to 20000; this study asks for 1000000000');
  // Your comparison with no variant ticked.
  await page.fill('#study-steps', '30');
  await page.selectOption('#study-pick', 'custom');
  await page.evaluate(() => document.querySelectorAll('#compare-variants input').forEach((box) => { box.checked = false; }));
  await page.click('#study-run');
  await expectNotice('The study cannot run: pick 2 to 6 variants to compare (got 0)');
  // A study file with a key the study does not have.
  const file = { ...done.settings, variants: [{ ...done.settings.variants[0], bias: 1 }, ...done.settings.variants.slice(1)], colour: 'red' };
  await page.setInputFiles('#study-file', { name: 'mine.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(file)) });
  await expectNotice('The study file "mine.json" could not be used: unknown field `variants[0].bias`, `colour`');
  await page.setInputFiles('#study-file', { name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"name": "x",') });
  await expectNotice('The study file "broken.json" could not be used: it is not JSON');
  // Nothing was lost: the table of the finished study is still there, and nothing is running.
  assert.equal(await page.locator('#study-table').innerText(), table);
  const after = await page.evaluate(() => window.__gatelab.study());
  assert.equal(after.running, false);
  assert.equal(after.done, done.runs);
  await page.close();
});

test('your comparison runs as a study, and a saved study file opens and runs', async () => {
  const page = await openStudy('');
  await page.selectOption('#train-task', 'parity');
  await page.evaluate(() => {
    const boxes = [...document.querySelectorAll('#compare-variants label')];
    const picked = ['standard', 'forget bias 1', 'Keras initialisation', 'GRU'];
    for (const label of boxes) label.querySelector('input').checked = picked.includes(label.textContent.trim());
  });
  await page.selectOption('#study-pick', 'custom');
  await page.fill('#study-seeds', '2');
  await page.fill('#study-steps', '20');
  const s = await runToEnd(page, 2);
  assert.deepEqual(s.settings.variants.map((v) => [v.label, v.cell, v.forget_bias ?? null, v.init]), [
    ['standard', 'lstm', null, 'pytorch'],
    ['forget bias 1', 'lstm', 1, 'pytorch'],
    ['Keras initialisation', 'lstm', null, 'keras'],
    ['GRU', 'gru', null, 'pytorch'],
  ]);
  // The same seed starts each variant differently, so each learns its own curve.
  const firstCurve = (variant) => JSON.stringify(s.results.find((r) => r.job.variant === variant && r.job.seed === s.settings.first_seed).result.curve);
  assert.equal(new Set([0, 1, 2].map(firstCurve)).size, 3);
  assert.deepEqual(s.settings.tasks, [{ kind: 'parity' }]);
  assert.equal(s.report.card.summary, "This study names no paper's finding to check: the table gives what was measured.");
  const native = cli(s.settings);
  assert.deepEqual(plain(s.report.table), plain(native.table));
  // The link carries the study run (Compare's ticks are not in it): opened, it offers that study
  // and runs it to the same table.
  await page.waitForFunction(() => location.search === window.__gatelab.url() && location.search.includes('study_settings='));
  const linked = await openPage(env.browser, page.url());
  await linked.waitForFunction(() => window.__gatelab.idle());
  await linked.evaluate(() => window.__gatelab.studyReady());
  await seeView(linked, 'study');
  await linked.waitForFunction(() => document.querySelector('#study-pick').value === 'file');
  assert.equal(await linked.locator('#study-pick option[value=file]').textContent(), 'From the link: Your comparison: parity');
  assert.deepEqual([await linked.inputValue('#study-seeds'), await linked.inputValue('#study-steps')], ['2', '20']);
  const fromLink = await runToEnd(linked, 1);
  assert.deepEqual(fromLink.settings, s.settings);
  assert.deepEqual(plain(fromLink.report.table), plain(s.report.table));
  assert.deepEqual(await linked.evaluate(() => window.__gatelab.notices()), []);
  await linked.close();
  // The settings saved as a file (the forget bias and the Keras scheme with them) open again as a
  // study of their own, with no key reported unknown.
  const study = { ...s.settings, name: 'mine', title: 'My parity study', seeds: 3 };
  await page.setInputFiles('#study-file', { name: 'mine.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(study)) });
  await page.waitForFunction(() => document.querySelector('#study-pick').value === 'file');
  assert.equal(await page.locator('#study-seeds').inputValue(), '3');
  assert.match(await page.locator('#study-pick option[value=file]').textContent(), /From mine\.json: My parity study/);
  const again = await runToEnd(page, 2);
  assert.equal(again.runs, 3 * 4);
  assert.deepEqual(again.settings.variants, s.settings.variants);
  assert.deepEqual(await page.evaluate(() => window.__gatelab.notices()), []);
  assert.equal(again.report.card.title, 'My parity study');
  await page.close();
});
