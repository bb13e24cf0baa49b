// A seeded slice of the fuzz suite (about 600 inputs over every family, under a minute), so a
// regression shows up on every submission; `npm run fuzz` runs the whole suite.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser } from './harness.mjs';
import { FAMILIES, MOST_ENGINE_CRASHES, failed, line, webkitCrash } from '../fuzz/families.mjs';

const env = useBrowser({ before, after });

for (const [k, family] of FAMILIES.entries()) {
  test(`fuzz slice: ${family.name}`, async () => {
    const count = Math.max(4, Math.round(family.share / 20));
    const start = Date.now();
    // A WebKitGTK web process crash (see webkitCrash) runs the family again, from the start on
    // new pages, at most twice; the log says so. (The CLI families run the one `cargo test` built.)
    let stats;
    for (let crashes = 0; ; crashes++) {
      try {
        stats = family.cli
          ? family.run('target/debug/gatelab', count, 7 + k)
          : await family.run(env.browser, env.server.url, count, 7 + k);
        stats.engineCrashes = crashes;
        break;
      } catch (e) {
        if (!webkitCrash(e) || crashes >= MOST_ENGINE_CRASHES) throw e;
      }
    }
    const summary = line(family.name, stats, (Date.now() - start) / 1000);
    // An engine crash ridden out is said in the log, not hidden.
    if (stats.engineCrashes) console.log(summary);
    assert.ok(stats.inputs >= count, summary);
    assert.ok(!failed(stats), `${summary}\n${stats.problems.join('\n')}`);
  });
}
