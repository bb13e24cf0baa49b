// Retakes the README's screenshot from the built page (run `npm run build` first).
import { startStaticServer, launchBrowser, openPage } from '../tests/browser/harness.mjs';

const server = await startStaticServer('dist');
const browser = await launchBrowser();
try {
  const page = await openPage(browser, `${server.url}?preset=counter&text=${encodeURIComponent('((x)(y(z)))((()))')}&t=5`, {
    viewport: { width: 1400, height: 960 },
  });
  await page.waitForTimeout(300);
  await page.screenshot({ path: 'docs/screenshot.png' });
  console.log('wrote docs/screenshot.png');
} finally {
  await browser.close();
  await server.close();
}
