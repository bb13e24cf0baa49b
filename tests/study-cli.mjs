// `gatelab study` on a study's settings, for the tests that compare the page and the training
// module with it: the debug build when there is one (cargo test makes it), else cargo run.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';

/** The CLI's JSON for `study` (settings as the page holds them): {study, table, card, runs}. */
export function runStudyCli(study) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatelab-study-'));
  try {
    fs.writeFileSync(path.join(dir, 'study.json'), JSON.stringify(study));
    const args = ['study', '--file', path.join(dir, 'study.json'), '--threads', '2'];
    const binary = 'target/debug/gatelab';
    const out = fs.existsSync(binary)
      ? execFileSync(binary, args, { encoding: 'utf8', maxBuffer: 1 << 28 })
      : execFileSync('cargo', ['run', '-q', '--bin', 'gatelab', '--', ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
    return JSON.parse(out);
  } finally {
    fs.rmSync(dir, { recursive: true });
  }
}

/** JSON writes a missing value as null; the training module leaves it out. */
export const plain = (value) => JSON.parse(JSON.stringify(value, (k, v) => (v === null ? undefined : v)));
