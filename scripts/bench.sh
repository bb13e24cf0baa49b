#!/usr/bin/env bash
# Native criterion figures, then sizes and in-browser figures of the built page.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

stage() { printf '\n===== %s =====\n' "$*"; }

stage "setup"
bash scripts/setup.sh --browser

stage "cargo bench (native, criterion)"
cargo bench --bench forward --bench train

stage "build: wasm + vite build"
bash scripts/build-wasm.sh
node_modules/.bin/vite build

stage "browser: sizes and figures"
node scripts/bench-browser.mjs
