#!/usr/bin/env bash
# `npm run fuzz`: builds what the fuzz suite drives (the CLI, and the page with its test hooks),
# then runs every family in full: over 10,000 seeded inputs, under 10 minutes on 2 cores.
# Arguments go to scripts/fuzz.mjs (--seed N, --scale F).
source "$(dirname "$0")/common.sh"

stage "setup"
bash scripts/setup.sh --browser

stage "build: the CLI, wasm, and the page with test hooks (dist-test/)"
cargo build --release --bin gatelab
bash scripts/build-wasm.sh
GATELAB_TEST_HOOKS=1 node_modules/.bin/vite build --outDir dist-test

stage "fuzz"
node scripts/fuzz.mjs "$@"
