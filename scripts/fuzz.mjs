// The fuzz suite: seeded, deterministic hostile input for the built page (dist-test/) and the
// CLI, one line per family. Exits non-zero if any family finds a page error, a console error,
// an unhandled rejection, a model crash, injected HTML, a CLI panic or signal, or a page that
// stops answering. Usage: node scripts/fuzz.mjs [--seed N] [--scale F]   (--scale 0.05: a slice)
import { startStaticServer, launchBrowser } from '../tests/browser/harness.mjs';
import { FAMILIES, failed, line } from '../tests/fuzz/families.mjs';

const option = (name, fallback) => {
  const at = process.argv.indexOf(name);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
};
const seed = option('--seed', 20261130);
const scale = option('--scale', 1);
const binary = process.env.GATELAB_BIN ?? 'target/release/gatelab';

const server = await startStaticServer('dist-test');
const browser = await launchBrowser();
let total = 0;
let bad = false;
try {
  console.log(`seed ${seed}, scale ${scale}`);
  for (const [k, family] of FAMILIES.entries()) {
    const count = Math.max(1, Math.round(family.share * scale));
    const start = Date.now();
    const stats = family.cli
      ? family.run(binary, count, seed + k)
      : await family.run(browser, server.url, count, seed + k);
    console.log(line(family.name, stats, (Date.now() - start) / 1000));
    for (const problem of stats.problems) console.log(`    ${problem}`);
    total += stats.inputs;
    bad ||= failed(stats);
  }
  console.log(`${total.toLocaleString('en')} inputs in all${bad ? '; FAILURES above' : '; nothing went wrong'}`);
} finally {
  await browser.close();
  await server.close();
}
process.exitCode = bad ? 1 : 0;
