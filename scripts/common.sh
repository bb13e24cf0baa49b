# Sourced by the scripts package.json runs: strict mode, the repository as working folder,
# cargo's tools on PATH, and `stage` to head each part of the output.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$HOME/.cargo/bin:$PATH"

stage() { printf '\n===== %s =====\n' "$*"; }
