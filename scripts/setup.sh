#!/usr/bin/env bash
# Install what the build and tests need; a no-op (well under 2 s) when all is present.
# Usage: scripts/setup.sh [--browser]   (--browser: also the three browser engines the tests run
# in, from Debian: chromium, firefox-esr, and WebKitGTK's webkit2gtk-driver with xvfb)
set -euo pipefail

# Must equal the `=` pin of wasm-bindgen in Cargo.toml: the CLI and the crate must match exactly.
WASM_BINDGEN_VERSION=0.2.130

cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

browser=0
for arg in "$@"; do
  case "$arg" in
    --browser) browser=1 ;;
    *) echo "setup.sh: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  echo "setup: adding rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

if ! cargo clippy --version >/dev/null 2>&1; then
  echo "setup: adding rust component clippy"
  rustup component add clippy
fi

# Built from crates.io source (prebuilt-binary downloaders can't reach their hosts);
# no --locked: the published lockfile pins crates that fail to build here.
if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  echo "setup: installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (a few minutes)"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

if [ ! -f node_modules/.package-lock.json ] \
   || [ package.json -nt node_modules/.package-lock.json ] \
   || { [ -f package-lock.json ] && [ package-lock.json -nt node_modules/.package-lock.json ]; }; then
  echo "setup: npm install"
  npm install --no-audit --no-fund
  touch node_modules/.package-lock.json  # npm may leave it untouched when nothing changed
fi

# Test tools' own browser downloads can't work here; Debian's builds are used, each driven by a
# library from npm: Chromium by playwright-core, Firefox ESR by puppeteer-core over WebDriver BiDi,
# WebKitGTK (the engine of Safari) by selenium-webdriver through WebKitWebDriver under Xvfb.
if [ "$browser" = 1 ]; then
  missing=()
  [ -x /usr/lib/chromium/chromium ] || missing+=(chromium)
  [ -x /usr/bin/firefox-esr ] || missing+=(firefox-esr)
  [ -x /usr/bin/WebKitWebDriver ] || missing+=(webkit2gtk-driver)
  command -v xvfb-run >/dev/null || missing+=(xvfb)
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "setup: installing ${missing[*]} (apt)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
fi
