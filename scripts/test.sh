#!/usr/bin/env bash
# Every test, stopping at the first failure: native Rust, then the built page in Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

stage() { printf '\n===== %s =====\n' "$*"; }

stage "setup"
bash scripts/setup.sh --browser

stage "cargo test (native)"
cargo test

stage "build: wasm + vite build"
bash scripts/build-wasm.sh
node_modules/.bin/vite build

# One at a time: browser tests would otherwise fight over the 2 cores.
stage "node tests: wasm + browser"
dirs=()
for d in tests/wasm tests/browser; do
  if [ -d "$d" ]; then dirs+=("$d/"); fi
done
node --test --test-concurrency=1 "${dirs[@]}"
