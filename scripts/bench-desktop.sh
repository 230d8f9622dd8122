#!/usr/bin/env bash
# The desktop benchmark of BENCHMARKS.md: builds the release app and the `qorgau` command,
# makes a demo workspace of 100,000 workers (once; kept in target/bench-desktop-workspace),
# and measures through WebDriver under Xvfb: start to unlock screen, unlock to dashboard,
# search keystroke-to-results (p95 over 200 queries) and the app's memory after opening a case.
# Usage: bash scripts/bench-desktop.sh [WORKERS] [QUERIES]
set -euo pipefail
cd "$(dirname "$0")/.."
WORKERS="${1:-100000}"
QUERIES="${2:-200}"
bash scripts/install-deps.sh
export PATH="$HOME/.cargo/bin:$PATH"
npm install --no-audit --no-fund --loglevel=error
echo "== building the release app and qorgau"
npm run build --workspace ui
cargo build --release -p qorgau-cli -p qorgau-desktop --features qorgau-desktop/custom-protocol
TARGET="${CARGO_TARGET_DIR:-target}"
WS="$PWD/target/bench-desktop-workspace-$WORKERS"
PASS="qorgau bench 2026"
if [ ! -f "$WS/workspace.json" ]; then
  echo "== creating a demo workspace of $WORKERS workers in $WS"
  QORGAU_PASSPHRASE="$PASS" "$TARGET/release/qorgau" demo --workspace "$WS" \
    --workers "$WORKERS" --cases $((WORKERS * 18 / 10))
fi
echo "== machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r)"
# The WebDriver client is built like the test suite (debug, same features), so it reuses that
# build; it only sends HTTP requests. What it measures is the release app.
cargo build -q --workspace --features qorgau-desktop/custom-protocol --examples
QORGAU_DESKTOP_BIN="$TARGET/release/qorgau-desktop" xvfb-run -a -s '-screen 0 1366x768x24 -noreset' \
  "$TARGET/debug/examples/bench_desktop" "$WS" "$PASS" "$QUERIES"
