// Retakes the README's screenshot from the built page (run `npm run build` first).
// Usage: node scripts/screenshot.mjs [OUT.png [WIDTH HEIGHT]]
import { startStaticServer, launchBrowser, openPage } from '../tests/browser/harness.mjs';

const server = await startStaticServer('dist');
const browser = await launchBrowser();
try {
  const [out = 'docs/screenshot.png', width = '1400', height = '960'] = process.argv.slice(2);
  // The production build has no test hooks: this waits until the page shows itself, which it
  // does just before its first drawing, in the same task.
  const page = await openPage(browser, `${server.url}?preset=counter&text=${encodeURIComponent('((x)(y(z)))((()))')}&t=5`, {
    viewport: { width: Number(width), height: Number(height) },
    hooks: false,
  });
  await page.screenshot({ path: out });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  await server.close();
}
