#!/usr/bin/env bash
# Compiles the crate to wasm six times and generates the JS glue: www/pkg for the page (and
# www/pkg-lite, the same without the cell-state and activation charts, for embeds without them),
# www/pkg-train (the training handles, --features trainer) for the training worker, and
# www/pkg-charts (the training view's two charts and the exports, --features charts), loaded on
# first use; so the page's own module stays small. www/pkg-nosimd and www/pkg-train-nosimd are
# the page's and the worker's modules without SIMD, for engines that lack it.
# Usage: scripts/build-wasm.sh [--dev]   (--dev: unoptimised dev profile, faster to compile)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

profile=release
cargo_flags=(--release)
case "${1:-}" in
  --dev) profile=debug; cargo_flags=() ;;
  "") ;;
  *) echo "build-wasm.sh: unknown argument: $1" >&2; exit 2 ;;
esac

build() { # out_dir target_dir [cargo features...]
  local out=$1 target=$2; shift 2
  CARGO_TARGET_DIR=$target cargo build --lib "${cargo_flags[@]}" --target wasm32-unknown-unknown "$@"
  wasm-bindgen --target web --out-dir "$out" --no-typescript \
    "$target/wasm32-unknown-unknown/$profile/gatelab.wasm"
  # npm's binaryen, not Debian's wasm-opt (108 mangles wasm-bindgen output). Optional: a
  # failure leaves the unoptimised (working) file in place.
  local wasm=$out/gatelab_bg.wasm
  if [ "$profile" = release ] && [ -d node_modules/binaryen ]; then
    if node_modules/.bin/wasm-opt -Oz --enable-simd --enable-bulk-memory --enable-nontrapping-float-to-int \
         --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
         "$wasm" -o "$wasm.opt" 2>/tmp/gatelab-wasm-opt.log; then
      mv "$wasm.opt" "$wasm"
    else
      rm -f "$wasm.opt"
      echo "warning: wasm-opt failed (see /tmp/gatelab-wasm-opt.log); keeping unoptimised $wasm" >&2
    fi
  fi
  echo "built $wasm ($(wc -c <"$wasm") bytes, $profile)"
}

# Both the page's and the training module use 128-bit SIMD (every current browser has it;
# TensorFlow.js's wasm backend does too): a 1,024-unit model runs twice as fast. Each build has
# its own target folder, so flag sets and features don't rebuild each other (or the native one).
RUSTFLAGS="${RUSTFLAGS:-} -C target-feature=+simd128" build www/pkg target/page --features page_charts
# The same without the page's two line charts, for links and embeds that show neither.
RUSTFLAGS="${RUSTFLAGS:-} -C target-feature=+simd128" build www/pkg-lite target/page-lite
RUSTFLAGS="${RUSTFLAGS:-} -C target-feature=+simd128" build www/pkg-train target/simd --features trainer
build www/pkg-charts target/charts --features charts
# For an engine without SIMD (www/wasm-support.js probes for it): the page's full module and the
# training module, built without it. The lite page falls back to the full module.
build www/pkg-nosimd target/page-nosimd --features page_charts
build www/pkg-train-nosimd target/train-nosimd --features trainer
