#!/usr/bin/env bash
# Every test, stopping at the first failure: native Rust, then the wasm modules in Node, then the
# built page in each browser engine: Chromium, Firefox ESR and WebKitGTK (the engine of Safari).
# GATELAB_ENGINES=firefox (say) runs the browser tests in fewer engines.
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

stage "node tests: the wasm modules"
node --test --test-concurrency=1 tests/wasm/

# One file at a time, one engine at a time: browser tests would otherwise fight over the 2 cores.
for engine in ${GATELAB_ENGINES:-chromium firefox webkit}; do
  stage "browser tests: $engine"
  started=$SECONDS
  GATELAB_ENGINE=$engine node --test --test-concurrency=1 tests/browser/
  echo "browser tests in $engine: $((SECONDS - started)) s"
done
