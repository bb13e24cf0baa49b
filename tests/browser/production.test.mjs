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

test('the built page carries a Content-Security-Policy that refuses inline script, and the page breaks none of it', async () => {
  for (const dir of ['dist', 'dist-test']) {
    const html = fs.readFileSync(path.join(dir, 'index.html'), 'utf8');
    const csp = html.match(/<meta http-equiv="Content-Security-Policy" content="([^"]+)">/)?.[1];
    assert.ok(csp, `${dir}/index.html has a CSP`);
    assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, `${dir}/index.html has no inline script`);
  }
  const page = await openPage(env.browser, env.server.url + '?preset=random&candidate=relu', { hooks: false });
  // Work every part that loads something: the training worker and its wasm, the charts module
  // (a saved PNG is drawn from a blob), the Embed dialog's preview.
  await page.click('#train-step');
  await page.waitForFunction(() => /step 1\b/.test(document.getElementById('train-status').textContent));
  await page.click('#open-save');
  const [download] = await Promise.all([page.waitForEvent('download'),
    page.locator('#save-list li', { hasText: 'heatmaps' }).getByRole('button', { name: 'PNG' }).click()]);
  assert.match(download.suggestedFilename(), /\.png$/);
  await page.click('#save-close');
  await page.click('#open-embed');
  await page.frameLocator('#embed-preview').locator('#timeline').waitFor();
  assert.deepEqual(page.problems, [], 'no CSP violation (each is a console error)');
  // Not vacuous: an inline script is refused, and reported.
  const ran = await page.evaluate(() => {
    const script = document.createElement('script');
    script.textContent = 'window.inlineRan = true';
    document.head.append(script);
    return window.inlineRan === true;
  });
  assert.equal(ran, false);
  // (waitForTimeout, not a timer: Firefox's and WebKit's drivers read the page's reports then.)
  await page.waitForTimeout(200);
  assert.ok(page.problems.some((p) => /CSP violation: script-src/.test(p)), page.problems.join('\n'));
});
