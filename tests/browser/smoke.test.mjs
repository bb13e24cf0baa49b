import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, screenshot, useBrowser } from './harness.mjs';

const env = useBrowser({ before, after });

test('page loads without errors and is titled Gate Lab', async () => {
  const page = await openPage(env.browser, env.server.url);
  await screenshot(page, 'smoke');
  assert.deepEqual(page.problems, []);
  assert.match(await page.title(), /Gate Lab/);
  await page.close();
});
