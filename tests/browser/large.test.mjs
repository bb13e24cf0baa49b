// A model of real size on the page: the run is computed in slices after the first paint, with
// a progress note; the heatmaps show the block of units that holds the selected one; files
// beyond what the page holds are refused plainly and the model already loaded stays.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { useBrowser, openPage, seeView } from './harness.mjs';
import { load, weightsJson } from './models.mjs';

const env = useBrowser({ before, after });

const CLI = 'target/debug/gatelab';

test('a 300-unit model: the first paint comes at once, the rest in slices with a note, and the values are the CLI\'s', async () => {
  const vocab = [...'abcdefgh ()'];
  const json = weightsJson(300, vocab);
  const text = Array.from({ length: 600 }, (_, k) => vocab[(k * 5) % vocab.length]).join('');
  const page = await openPage(env.browser, `${env.server.url}?text=${encodeURIComponent(text)}`);
  await load(page, 'wide.json', json);
  await page.waitForFunction(() => window.__gatelab.notices().some((n) => n.startsWith('Loaded wide.json')));
  const first = await page.evaluate(() => window.__gatelab.summary());
  assert.equal(first.hidden, 300);
  assert.equal(first.steps, 600);
  // 108 steps of a 300-unit cell are a whole run at once; a longer one goes in slices.
  assert.ok(first.computed < 600, `first paint after ${first.computed} of 600 steps`);
  await page.waitForFunction(() => { const s = window.__gatelab.summary(); return s.computed === s.steps; });
  await page.waitForFunction(() => window.__gatelab.idle() && document.getElementById('progress').hidden);
  // Every value equals the command line's for the same file and text.
  const dir = fs.mkdtempSync('/tmp/gatelab-large-');
  fs.writeFileSync(`${dir}/wide.json`, json);
  const cli = JSON.parse(execFileSync(CLI, ['trace', '--weights', `${dir}/wide.json`, '--text', text], { maxBuffer: 1 << 28 }));
  const c = await page.evaluate(() => window.__gatelab.values('c'));
  // The CLI writes each f32 in its shortest form: Math.fround gives back the same f32.
  assert.deepEqual(c, cli.steps.flatMap((s) => s.c).map(Math.fround));
  // An edit in the middle reruns from there on; the values are the CLI's again.
  const edited = `${text.slice(0, 400)}((${text.slice(402)}`;
  await page.fill('#text', edited);
  await page.waitForFunction(() => { const s = window.__gatelab.summary(); return s.computed === s.steps; });
  const again = JSON.parse(execFileSync(CLI, ['trace', '--weights', `${dir}/wide.json`, '--text', edited], { maxBuffer: 1 << 28 }));
  assert.deepEqual(await page.evaluate(() => window.__gatelab.values('h')), again.steps.flatMap((s) => s.h).map(Math.fround));
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('the heatmaps show the block of 64 units that holds the selected unit (the last block ends at the last unit), and hit-testing names it', async () => {
  const vocab = [...'ab'];
  const page = await openPage(env.browser, `${env.server.url}?text=abba`);
  await load(page, 'wide.json', weightsJson(300, vocab));
  await page.waitForFunction(() => window.__gatelab.summary().hidden === 300 && window.__gatelab.idle());
  assert.match(await page.textContent('#units-note'), /Showing units 0–63 of 300/);
  const before = await page.evaluate(() => document.getElementById('timeline').height);
  await page.selectOption('#unit', '280');
  await page.waitForFunction(() => window.__gatelab.idle());
  assert.match(await page.textContent('#units-note'), /Showing units 236–299 of 300/);
  assert.equal(await page.evaluate(() => document.getElementById('timeline').height), before, 'the same height for any block');
  // The first row of cells of the block is unit 236.
  const hit = await page.evaluate(() => {
    const canvas = document.getElementById('timeline');
    for (let y = 0; y < canvas.height; y++) {
      const found = window.__gatelab.locate(canvas.width / 2, y);
      if (found) return found;
    }
    return null;
  });
  assert.equal(hit[2], 236);
  // The inspector shows the group of eight holding the unit; the screen-reader table its block.
  // (Its first row is waited for: it had 64 rows before, for block 0.)
  await page.waitForFunction(() => document.querySelectorAll('#step-table tbody tr').length === 64
    && document.querySelector('#step-table tbody tr th')?.textContent === '236');
  await seeView(page, 'inspector');
  assert.equal(await page.textContent('#inspector table tr:nth-child(2) td'), '280');
  assert.match(await page.textContent('#inspector-all'), /Show the 64 units of this block/);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('files beyond what the page holds are refused plainly, and the loaded model stays', async () => {
  const page = await openPage(env.browser, `${env.server.url}?text=ab`);
  await load(page, 'small.json', weightsJson(5, [...'ab']));
  await page.waitForFunction(() => window.__gatelab.summary().hidden === 5);
  // Over the size cap: refused before it is read.
  await page.evaluate(() => {
    const input = document.getElementById('weights-file');
    const data = new DataTransfer();
    data.items.add(new File([new Uint8Array(129 * 2 ** 20)], 'huge.json'));
    input.files = data.files;
    input.dispatchEvent(new Event('change'));
  });
  await page.waitForFunction(() => window.__gatelab.notices().some((n) => n.startsWith('huge.json is 129 MB') && n.includes('up to 128 MB')));
  // Over the unit cap (1,025 units, all zeros: small to write).
  const zeros = (rows, cols) => `[${Array(rows).fill(`[${Array(cols).fill(0).join(',')}]`).join(',')}]`;
  const wide = `{"weight_ih_l0":${zeros(4100, 2)},"weight_hh_l0":${zeros(4100, 1025)},"bias_ih_l0":[${Array(4100).fill(0)}],"bias_hh_l0":[${Array(4100).fill(0)}],"vocab":["a","b"]}`;
  await load(page, 'wide.json', wide);
  await page.waitForFunction(() => window.__gatelab.notices().some((n) => n.includes('wide.json') && n.includes('hidden size is 1025') && n.includes('up to 1024 units')));
  const s = await page.evaluate(() => window.__gatelab.summary());
  assert.equal(s.hidden, 5, 'the loaded model stays');
  assert.deepEqual(page.problems, []);
  await page.close();
});
