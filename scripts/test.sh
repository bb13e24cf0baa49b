#!/usr/bin/env bash
# Every test, stopping at the first failure: native Rust, then the built page in Chromium.
source "$(dirname "$0")/common.sh"

stage "setup"
bash scripts/setup.sh --browser

stage "cargo test (native)"
cargo test

# The lints the project adopts are in Cargo.toml's [lints]; both targets must be clean (the
# wasm boundary, src/web/, is only compiled for wasm).
stage "cargo clippy (native and wasm)"
cargo clippy --all-targets -- -D warnings
cargo clippy --lib --target wasm32-unknown-unknown --features trainer,page_charts -- -D warnings
cargo clippy --lib --target wasm32-unknown-unknown -- -D warnings
cargo clippy --lib --target wasm32-unknown-unknown --features charts -- -D warnings

# dist/ is the production build (no test hooks); dist-test/ is the same page with
# window.__gatelab, which the browser tests drive (see vite.config.js).
stage "build: wasm + vite build (dist/ and dist-test/)"
bash scripts/build-wasm.sh
node_modules/.bin/vite build
GATELAB_TEST_HOOKS=1 node_modules/.bin/vite build --outDir dist-test

# One at a time: browser tests would otherwise fight over the 2 cores.
stage "node tests: wasm + browser"
dirs=()
for d in tests/wasm tests/browser; do
  if [ -d "$d" ]; then dirs+=("$d/"); fi
done
node --test --test-concurrency=1 "${dirs[@]}"
