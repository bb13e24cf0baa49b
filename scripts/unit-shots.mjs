// The README's three units, found with the unit search on the shipped model (real-source) over
// docs/units/sample.rs: for each, the search's span and quantity, the top unit's score on that
// span and on two more spans of the same kind (held out: they did not pick the unit), its value
// at every character, and screenshots of the search's results (and, for one, of the heatmaps
// with the span shaded).
// Usage (after a test build: GATELAB_TEST_HOOKS=1 vite build --outDir dist-test, as npm test makes):
//   node scripts/unit-shots.mjs [OUT_DIR]   (default docs/units)
import fs from 'node:fs';
import { startStaticServer, launchBrowser, openPage } from '../tests/browser/harness.mjs';

const out = process.argv[2] ?? 'docs/units';
const text = fs.readFileSync('docs/units/sample.rs', 'utf8');
/** A needle's first and last step (Unicode characters) in the text. */
const span = (needle) => {
  const first = [...text.slice(0, text.indexOf(needle))].length;
  return [first, first + [...needle].length - 1];
};
const HUNTS = [
  { name: 'comment', quantity: 'h', spans: ['// a comment runs to the end', '// another comment line here', '// and a third comment'] },
  { name: 'code', quantity: 'h', spans: ['(y + z) * 2', '(h, (i - j))', '(p, q, r)'], heatmaps: true },
  { name: 'count', quantity: 'c', spans: ['(y + z) * 2', '(h, (i - j))', '(p, q, r)'] },
];
const server = await startStaticServer('dist-test');
const browser = await launchBrowser();
for (const { name, quantity, spans, heatmaps } of HUNTS) {
  const [first, ...heldOut] = spans.map(span);
  const link = `?preset=real-source&text=${encodeURIComponent(text)}&find=${first.join('-')}&find_q=${quantity}`;
  const page = await openPage(browser, `${server.url}${link}`, { viewport: { width: 1280, height: 900 } });
  await page.waitForFunction(() => window.__gatelab.summary().model.startsWith('real'));
  await page.locator('#search-view').scrollIntoViewIfNeeded();
  await page.waitForFunction(() => document.querySelector('#search-results button'));
  const unit = Number(await page.$eval('#search-results button', (b) => b.dataset.unit));
  await page.click('#search-results button');
  await new Promise((r) => setTimeout(r, 500));
  // The same score the search gives, on each span, from the page's own values.
  const values = await page.evaluate((q) => Array.from(window.__gatelab.values(q)), quantity);
  const hidden = values.length / [...text].length;
  const series = values.filter((_, k) => k % hidden === unit);
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const score = ([a, b]) => (mean(series.slice(a, b + 1)) - mean([...series.slice(0, a), ...series.slice(b + 1)])) / (Math.max(...series) - Math.min(...series));
  console.log(`${name}: ${quantity} unit ${unit}; score ${score(first).toFixed(3)} on steps ${first.join('–')}, held out ${heldOut.map((s) => `${score(s).toFixed(3)} on ${s.join('–')}`).join(', ')}`);
  // The unit's value at every character, a line of the text per line, for reading it by eye.
  const chars = [...text];
  let line = '';
  series.forEach((v, t) => {
    line += `${chars[t] === '\n' ? '↵' : chars[t]}${v >= 0 ? '+' : ''}${v.toFixed(2)} `;
    if (chars[t] === '\n') {
      console.log(`  ${line}`);
      line = '';
    }
  });
  await page.locator('#search-view').screenshot({ path: `${out}/${name}-search.png` });
  if (heatmaps) {
    await page.locator('#timeline-view').scrollIntoViewIfNeeded();
    await new Promise((r) => setTimeout(r, 500));
    await page.locator('#timeline-view').screenshot({ path: `${out}/${name}-heatmaps.png` });
  }
  await page.close();
}
await browser.close();
await server.close();
