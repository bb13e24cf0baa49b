// Retakes the README's screenshots from the built page (run `npm run build` first): the whole
// page, the cell diagram, and a lesson of the guided walk at 1280×720.
// Usage: node scripts/screenshot.mjs [OUT_DIR]
import path from 'node:path';
import { startStaticServer, launchBrowser, openPage } from '../tests/browser/harness.mjs';

const server = await startStaticServer('dist');
const browser = await launchBrowser();
const dir = process.argv[2] ?? 'docs';
const text = encodeURIComponent('((x)(y(z)))((()))');
// The production build has no test hooks: each page is waited for until it shows itself, which
// it does just before its first drawing, in the same task; a font or layout change after that
// is waited out by the frame below.
const settled = (page) => page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
const shots = [
  { file: 'screenshot.png', query: `?preset=counter&text=${text}&t=5`, viewport: { width: 1400, height: 960 } },
  { file: 'diagram.png', query: `?preset=counter&text=${text}&t=3`, viewport: { width: 1280, height: 720 }, element: '#diagram-view' },
  { file: 'lesson.png', query: '?lesson=11', viewport: { width: 1280, height: 720 }, click: '#lesson-answer-toggle' },
];
try {
  for (const shot of shots) {
    const page = await openPage(browser, server.url + shot.query, { viewport: shot.viewport, hooks: false });
    if (shot.click) await page.click(shot.click);
    await settled(page);
    const out = path.join(dir, shot.file);
    if (shot.element) await page.locator(shot.element).screenshot({ path: out });
    else await page.screenshot({ path: out });
    console.log(`wrote ${out}`);
    await page.close();
  }
} finally {
  await browser.close();
  await server.close();
}
