// Gate Lab's native training step (from `cargo bench --bench train`, just run) beside PyTorch's
// own nn.LSTM doing the same work on one thread (scripts/bench_pytorch.py), with the ratio.
// PyTorch is optional: without it this prints a line saying it was skipped.
import fs from 'node:fs';
import { spawnSync } from 'node:child_process';

const estimates = 'target/criterion/train_step_h32_batch16_len64/standard/new/estimates.json';
const ours = JSON.parse(fs.readFileSync(estimates, 'utf8')).median.point_estimate / 1e6;
console.log(`Gate Lab native training step (H = 32, batch 16, length 64, median): ${ours.toFixed(3)} ms`);
const run = spawnSync('python3', ['scripts/bench_pytorch.py'], { encoding: 'utf8' });
if (run.status !== 0) {
  console.log(run.stdout.trim() || `skipped: PyTorch could not run (${run.stderr.trim().split('\n').pop() ?? 'no python3'})`);
} else {
  const torch = JSON.parse(run.stdout.trim().split('\n').pop());
  console.log(`PyTorch ${torch.torch} nn.LSTM, the same work on one thread (median of 5 rounds): ${torch.ms_per_step.toFixed(3)} ms`);
  const ratio = ours / torch.ms_per_step;
  console.log(`ratio: Gate Lab's step takes ${ratio.toFixed(2)}× PyTorch's (${ratio <= 1 ? 'at most' : 'more than'} PyTorch's time)`);
}
