import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStaticServer, launchBrowser, openPage, screenshot } from './harness.mjs';

let server, browser;
before(async () => {
  server = await startStaticServer(process.env.GATELAB_DIST ?? 'dist');
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

test('page loads without errors and is titled Gate Lab', async () => {
  const page = await openPage(browser, server.url);
  await screenshot(page, 'smoke');
  assert.deepEqual(page.problems, []);
  assert.match(await page.title(), /Gate Lab/);
  await page.close();
});
