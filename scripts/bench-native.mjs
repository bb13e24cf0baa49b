// Gate Lab's native training step (`cargo bench --bench train`) beside PyTorch's own nn.LSTM
// and nn.GRU doing the same work on one thread (scripts/bench_pytorch.py), with the ratio; then
// the minimal cells' step beside the GRU's and the LSTM's. The
// two are timed in turn, three times over, and each ratio is taken between neighbours in time:
// on a shared machine a whole second can run slower than the next, for either side.
// PyTorch is optional: without it this prints a line saying it was skipped.
import fs from 'node:fs';
import { spawnSync } from 'node:child_process';

const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];

/** Ours: a short criterion run of one design's training step (ms, its median). */
function gateLab(bench) {
  const run = spawnSync('cargo', ['bench', '--bench', 'train', '--', `train_step_h32_batch16_len64/${bench}$`,
    '--warm-up-time', '1', '--measurement-time', '3', '--noplot'], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`cargo bench failed:\n${run.stderr}`);
  const estimates = `target/criterion/train_step_h32_batch16_len64/${bench}/new/estimates.json`;
  return JSON.parse(fs.readFileSync(estimates, 'utf8')).median.point_estimate / 1e6;
}

/** PyTorch's, or the line saying why it was skipped. */
function pytorch(cell) {
  const run = spawnSync('python3', ['scripts/bench_pytorch.py', cell], { encoding: 'utf8' });
  if (run.status !== 0) return { skipped: run.stdout.trim() || `skipped: PyTorch could not run (${run.stderr.trim().split('\n').pop() ?? 'no python3'})` };
  return JSON.parse(run.stdout.trim().split('\n').pop());
}

for (const [cell, bench, module] of [['lstm', 'standard', 'nn.LSTM'], ['gru', 'gru', 'nn.GRU']]) {
  const first = pytorch(cell);
  const what = `Gate Lab native ${module.slice(3)} training step (H = 32, batch 16, length 64`;
  if (first.skipped) {
    console.log(`${what}, median): ${gateLab(bench).toFixed(3)} ms`);
    console.log(`${module}: ${first.skipped}`);
    continue;
  }
  const pairs = [];
  for (let k = 0; k < 3; k++) {
    const torch = k === 0 ? first : pytorch(cell);
    const ours = gateLab(bench);
    pairs.push({ ours, torch: torch.ms_per_step, version: torch.torch });
    console.log(`${module} round ${k + 1}: Gate Lab ${ours.toFixed(3)} ms, PyTorch ${torch.ms_per_step.toFixed(3)} ms (${(ours / torch.ms_per_step).toFixed(2)}×)`);
  }
  const ours = median(pairs.map((p) => p.ours));
  const theirs = median(pairs.map((p) => p.torch));
  const ratio = median(pairs.map((p) => p.ours / p.torch));
  console.log(`${what}, median of 3 rounds): ${ours.toFixed(3)} ms`);
  console.log(`PyTorch ${pairs[0].version} ${module}, the same work on one thread (median of 3 rounds of 5): ${theirs.toFixed(3)} ms`);
  console.log(`${module} ratio (median of the 3 rounds' ratios): Gate Lab's step takes ${ratio.toFixed(2)}× PyTorch's (${ratio <= 1 ? 'at most' : 'more than'} PyTorch's time)`);
}

// Feng et al.'s time per step: the minimal cells, whose gates see only x, beside the GRU and the
// LSTM, each timed by the same short criterion run in turn (run sequentially here, as the page
// and the CLI run them; the paper's speed-up also comes from a parallel scan over time).
const times = Object.fromEntries([['LSTM', 'standard'], ['GRU', 'gru'], ['minLSTM', 'minlstm'], ['minGRU', 'mingru']]
  .map(([label, bench]) => [label, gateLab(bench)]));
console.log(`training step, native (H = 32, batch 16, length 64, median): ${Object.entries(times).map(([label, ms]) => `${label} ${ms.toFixed(3)} ms`).join(', ')}`);
console.log(`minLSTM / LSTM: ${(times.minLSTM / times.LSTM).toFixed(2)}×; minGRU / GRU: ${(times.minGRU / times.GRU).toFixed(2)}×`);
