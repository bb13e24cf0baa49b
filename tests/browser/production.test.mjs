// The production build (dist/, from `npm run build`) ships no test or benchmark hooks, and works
// without them. The other browser tests drive dist-test/, the same page built with the hooks.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { openPage, useBrowser } from './harness.mjs';

const env = useBrowser({ before, after }, 'dist');

/** Every file under `dir`. */
function files(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? files(p) : [p];
  });
}

const mentions = (dir, word) => files(dir).filter((f) => fs.readFileSync(f).includes(word));

test('the production build has no test hooks; the test build has them', () => {
  for (const word of ['__gatelab', '__TEST_HOOKS__', 'simulateCrash']) {
    assert.deepEqual(mentions('dist', word), [], `${word} in dist/`);
  }
  // Not a vacuous check: the hooked build, made from the same sources, does name them.
  assert.ok(mentions('dist-test', '__gatelab').length > 0, 'dist-test/ has the hooks');
});

test('the production page starts, draws and has no window.__gatelab', async () => {
  const page = await openPage(env.browser, env.server.url + '?text=' + encodeURIComponent('(()'), { hooks: false });
  assert.equal(await page.evaluate(() => typeof window.__gatelab), 'undefined');
  // The menus come from the catalog, and the timeline has been drawn.
  assert.ok((await page.locator('#preset option').count()) > 1);
  assert.ok((await page.locator('#train-task option').count()) > 0);
  const inked = await page.evaluate(() => {
    const canvas = document.getElementById('timeline');
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let count = 0;
    for (let k = 0; k < data.length; k += 4) if (data[k] < 200 || data[k + 1] < 200) count += 1;
    return count;
  });
  assert.ok(inked > 1000, `the timeline is drawn (${inked} inked pixels)`);
  assert.deepEqual(page.problems, []);
  await page.close();
});
