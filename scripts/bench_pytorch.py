"""The training benchmark's work in PyTorch, on one CPU thread: the reference Gate Lab's
training speed is compared with (see `cargo bench --bench train` and scripts/bench.sh).

Delayed recall (k = 3) over 16 one-hot symbols, sequences of 64, batch 16, an nn.LSTM with
H = 32 and an nn.Linear read-out scored by cross-entropy at every step from the 4th on, Adam
(lr 0.01) with gradient-norm clipping at 1. Prints one line of JSON:
{"torch": version, "ms_per_step": median over 5 timed rounds, "rounds": [...]}.
Exits with status 3 and prints "skipped: PyTorch not installed" when torch is missing.
With the argument `gru`, the same with an nn.GRU.
"""
import json
import sys
import time

try:
    import torch
except ImportError:
    print("skipped: PyTorch not installed (pip install torch)")
    sys.exit(3)

SYMBOLS, LENGTH, BATCH, HIDDEN, DELAY = 16, 64, 16, 32, 3

torch.set_num_threads(1)
torch.manual_seed(1)
gen = torch.Generator().manual_seed(42)
letters = torch.randint(0, SYMBOLS, (256, LENGTH), generator=gen)
inputs = torch.nn.functional.one_hot(letters, SYMBOLS).float()
targets = letters.roll(DELAY, dims=1)
targets[:, :DELAY] = -100  # not scored, like the Rust task

CELL = sys.argv[1] if len(sys.argv) > 1 else "lstm"
lstm = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[CELL](SYMBOLS, HIDDEN, batch_first=True)
readout = torch.nn.Linear(HIDDEN, SYMBOLS)
params = list(lstm.parameters()) + list(readout.parameters())
optimiser = torch.optim.Adam(params, lr=0.01)
loss_fn = torch.nn.CrossEntropyLoss(ignore_index=-100)


def step(k):
    rows = torch.randint(0, 256, (BATCH,), generator=gen)
    x, y = inputs[rows], targets[rows]
    optimiser.zero_grad()
    h, _ = lstm(x)
    loss = loss_fn(readout(h).reshape(-1, SYMBOLS), y.reshape(-1))
    loss.backward()
    torch.nn.utils.clip_grad_norm_(params, 1.0)
    optimiser.step()
    return loss.item()


for k in range(20):
    step(k)
rounds = []
for _ in range(5):
    start = time.perf_counter()
    for k in range(100):
        step(k)
    rounds.append((time.perf_counter() - start) * 1000 / 100)
rounds.sort()
print(json.dumps({"torch": torch.__version__, "cell": CELL, "ms_per_step": rounds[2], "rounds": [round(r, 3) for r in rounds]}))
