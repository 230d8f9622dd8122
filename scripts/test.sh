#!/usr/bin/env bash
# The whole test suite: formatting, lints, every Rust test of every crate (unit tests, the
# store's crash test, the CLI's and the sync server's end-to-end tests, the desktop commands
# on Tauri's mock runtime, the TypeScript bindings' freshness), the UI's type check and Vitest
# tests, and the desktop app's end-to-end tests: the real app under Xvfb, driven through
# tauri-driver and WebKitWebDriver (screenshots in target/screenshots/).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
export PATH="$HOME/.cargo/bin:$PATH"
echo "== npm install"
npm install --no-audit --no-fund --loglevel=error
echo "== UI: build, type check, unit tests"
npm run build --workspace ui
npm run check --workspace ui
npm test --workspace ui
# The desktop crate is built once, with the UI embedded (custom-protocol), for lints, tests
# and the end-to-end run alike.
FEATURES=(--features qorgau-desktop/custom-protocol)
echo "== Rust: fmt, clippy, tests"
cargo fmt --all --check
cargo clippy --workspace --all-targets "${FEATURES[@]}" -- -D warnings
cargo test --workspace "${FEATURES[@]}"
echo "== desktop end-to-end (Xvfb, tauri-driver, WebKitWebDriver)"
xvfb-run -a -s '-screen 0 1366x768x24 -noreset' \
  cargo test --workspace "${FEATURES[@]}" --test e2e -- --ignored --test-threads=1
