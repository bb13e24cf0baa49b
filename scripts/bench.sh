#!/usr/bin/env bash
# Native criterion figures, then sizes and in-browser figures of the built page.
source "$(dirname "$0")/common.sh"

stage "setup"
bash scripts/setup.sh --browser

stage "cargo bench (native, criterion)"
cargo bench --bench forward --bench train

# The same training step in PyTorch's own nn.LSTM on one thread, when it is installed
# (pip install torch), and the ratio, both from this run.
stage "native training against PyTorch (one thread)"
node scripts/bench-native.mjs

# Sizes are measured on dist/ (what is published); the in-browser figures need the hooks of the
# test build, dist-test/ (see vite.config.js).
stage "build: wasm + vite build (dist/ and dist-test/), and the CLI for the study's native time"
bash scripts/build-wasm.sh
cargo build --release --bin gatelab
node_modules/.bin/vite build
GATELAB_TEST_HOOKS=1 node_modules/.bin/vite build --outDir dist-test

stage "browser: sizes and figures"
node scripts/bench-browser.mjs dist dist-test
