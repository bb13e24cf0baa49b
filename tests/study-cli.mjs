// The gatelab command line, for the tests that compare the page with it (`gatelab study` on a
// study's settings, `gatelab trace`): the debug build when there is one (cargo test makes it),
// else cargo run.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';

/** What `gatelab ARGS…` prints (its standard output). */
export function runCli(args) {
  const binary = 'target/debug/gatelab';
  return fs.existsSync(binary)
    ? execFileSync(binary, args, { encoding: 'utf8', maxBuffer: 1 << 28 })
    : execFileSync('cargo', ['run', '-q', '--bin', 'gatelab', '--', ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
}

/** The CLI's JSON for `study` (settings as the page holds them): {study, table, card, runs}. */
export function runStudyCli(study) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatelab-study-'));
  try {
    fs.writeFileSync(path.join(dir, 'study.json'), JSON.stringify(study));
    return JSON.parse(runCli(['study', '--file', path.join(dir, 'study.json'), '--threads', '2']));
  } finally {
    fs.rmSync(dir, { recursive: true });
  }
}

/** Wall-clock times, measured where a run ran: the one thing two runs of a study may differ in. */
const MEASURED_TIMES = new Set(['seconds', 'ms_per_step']);

/**
 * A study's JSON to compare with another's: nulls dropped (JSON writes a missing value as null;
 * the training module leaves it out), and the measured times too.
 */
export const plain = (value) => JSON.parse(JSON.stringify(value, (k, v) => (v === null || MEASURED_TIMES.has(k) ? undefined : v)));
