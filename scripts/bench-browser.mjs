// Sizes of the built page (gzipped, as a host would serve them) and the app's own
// in-browser figures from window.__gatelab.bench(), if the app provides it.
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { startStaticServer, launchBrowser, openPage } from '../tests/browser/harness.mjs';

const dist = process.argv[2] ?? 'dist';

function files(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? files(p) : [p];
  });
}
const gz = (file) => gzipSync(fs.readFileSync(file), { level: 9 }).length;
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

const server = await startStaticServer(dist);
const browser = await launchBrowser();
try {
  const page = await openPage(browser, server.url);

  const all = files(dist);
  for (const f of all.filter((f) => f.endsWith('.wasm'))) {
    console.log(`gzipped ${path.relative(dist, f)}: ${kb(gz(f))}`);
  }
  console.log(`gzipped ${dist}/ total (${all.length} files): ${kb(all.reduce((sum, f) => sum + gz(f), 0))}`);

  if (await page.evaluate(() => typeof window.__gatelab?.bench === 'function')) {
    const figures = await page.evaluate(() => window.__gatelab.bench());
    for (const [name, value] of Object.entries(figures ?? {})) console.log(`${name}: ${value}`);
  } else {
    console.log('(window.__gatelab.bench() not provided by the page: no in-browser figures)');
  }
  if (page.problems.length) {
    console.error(`page problems:\n  ${page.problems.join('\n  ')}`);
    process.exitCode = 1;
  }
} finally {
  await browser.close();
  await server.close();
}
