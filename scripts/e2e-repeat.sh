#!/usr/bin/env bash
# Runs the desktop end-to-end suite N times in a row, each from a cold start: page cache
# dropped where the machine allows it (root), so WebKit, the app and the drivers load from
# disk as on a fresh machine. Every run's logs (the app's, tauri-driver's and WebKitWebDriver's
# output, core dumps if any) are kept in target/e2e-runs/<n>/. With BUSY=1 a release build of
# the workspace runs beside the suite the whole time, as on a busy machine.
# Usage: bash scripts/e2e-repeat.sh [N]   (after scripts/test.sh built everything)
set -uo pipefail
cd "$(dirname "$0")/.."
N="${1:-10}"
export PATH="$HOME/.cargo/bin:$PATH"
FEATURES=(--features qorgau-desktop/custom-protocol)
TARGET="${CARGO_TARGET_DIR:-target}"
cargo test -q --workspace "${FEATURES[@]}" --test e2e --no-run || exit 1
busy_pid=""
if [ "${BUSY:-0}" = 1 ]; then
  BUSY_TARGET="$(mktemp -d)"
  # In a session of its own, so the whole loop (cargo and every rustc under it) stops with it.
  export BUSY_TARGET
  setsid bash -c 'while true; do cargo build -q --release -p qorgau-cli -p qorgau-server \
    --target-dir "$BUSY_TARGET" >/dev/null 2>&1; rm -rf "$BUSY_TARGET"/release; done' &
  busy_pid=$!
  trap 'kill -- -"$busy_pid" 2>/dev/null; wait "$busy_pid" 2>/dev/null; rm -rf "$BUSY_TARGET"' EXIT
  sleep 20
fi
passed=0
failed=0
for i in $(seq 1 "$N"); do
  sync
  echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true
  start=$(date +%s)
  if xvfb-run -a -s '-screen 0 1366x768x24 -noreset' \
      cargo test -q --workspace "${FEATURES[@]}" --test e2e -- --ignored --test-threads=1 \
      > "target/e2e-run.log" 2>&1; then
    result=passed; passed=$((passed + 1))
  else
    result=FAILED; failed=$((failed + 1))
  fi
  rm -rf "target/e2e-runs/$i"; mkdir -p "target/e2e-runs/$i"
  mv target/e2e-run.log "target/e2e-runs/$i/test.log"
  cp -r target/e2e-logs/. "target/e2e-runs/$i/" 2>/dev/null || true
  echo "run $i: $result in $(( $(date +%s) - start )) s (load $(cut -d' ' -f1 /proc/loadavg))"
done
echo "e2e-repeat: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
