"""Train a small character model in PyTorch and save it for Gate Lab: the README's walk-through.

    python3 scripts/train_char_model.py [TEXT_FILE] [--minutes M] [--out NAME]

It trains Embedding(V, 16) -> LSTM(16, 64, num_layers=2) -> Linear(64, V) on next-character
prediction over TEXT_FILE (by default this repository's README), for M minutes (default 1),
and writes NAME.json and NAME.safetensors (default char-model): drop either on the page.
Needs torch; the safetensors file is written by the `safetensors` package when it is installed,
else by hand to the same format.
"""
import argparse
import json
import math
import struct
import time
from pathlib import Path

import torch

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("text", nargs="?", default=str(Path(__file__).resolve().parents[1] / "README.md"))
parser.add_argument("--minutes", type=float, default=1.0)
parser.add_argument("--out", default="char-model")
args = parser.parse_args()

text = Path(args.text).read_text(encoding="utf-8")
vocab = sorted(set(text))
index = {c: k for k, c in enumerate(vocab)}
data = torch.tensor([index[c] for c in text])
split = len(data) * 9 // 10
train, heldout = data[:split], data[split:]


class CharModel(torch.nn.Module):
    def __init__(self, symbols):
        super().__init__()
        self.embed = torch.nn.Embedding(symbols, 16)
        self.lstm = torch.nn.LSTM(16, 64, num_layers=2)
        self.head = torch.nn.Linear(64, symbols)

    def forward(self, x):  # x: (time, batch) of character indices
        h, _ = self.lstm(self.embed(x))
        return self.head(h)


torch.manual_seed(0)
model = CharModel(len(vocab))
optimiser = torch.optim.Adam(model.parameters(), lr=0.003)
loss_of = torch.nn.CrossEntropyLoss()
WINDOW, BATCH = 64, 32


def loss_on(part, starts):
    x = torch.stack([part[s : s + WINDOW] for s in starts], dim=1)
    y = torch.stack([part[s + 1 : s + WINDOW + 1] for s in starts], dim=1)
    return loss_of(model(x).reshape(-1, len(vocab)), y.reshape(-1))


deadline = time.time() + 60 * args.minutes
step = 0
while time.time() < deadline:
    starts = torch.randint(0, len(train) - WINDOW - 1, (BATCH,)).tolist()
    loss = loss_on(train, starts)
    optimiser.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optimiser.step()
    step += 1
    if step % 200 == 0:
        with torch.no_grad():
            held = loss_on(heldout, range(0, len(heldout) - WINDOW - 1, WINDOW)).item()
        print(f"step {step}: held-out {held / math.log(2):.2f} bits per character")

state = model.state_dict()
Path(f"{args.out}.json").write_text(json.dumps({**{k: v.tolist() for k, v in state.items()}, "vocab": vocab}))
metadata = {"vocab": json.dumps(vocab)}
try:
    from safetensors.torch import save_file

    save_file({k: v.contiguous() for k, v in state.items()}, f"{args.out}.safetensors", metadata=metadata)
except ImportError:
    # The format by hand: an 8-byte little-endian header length, the JSON header, the data.
    header, blobs, offset = {"__metadata__": metadata}, [], 0
    for name, value in state.items():
        blob = value.contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(value.shape), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    encoded = json.dumps(header).encode()
    Path(f"{args.out}.safetensors").write_bytes(struct.pack("<Q", len(encoded)) + encoded + b"".join(blobs))
print(f"wrote {args.out}.json and {args.out}.safetensors ({len(vocab)} characters, {step} steps): drop either on the page")
