#!/usr/bin/env bash
# The whole test suite: formatting, lints, and every test of every crate (unit tests, the
# store's integration tests including the SIGKILL crash test, the CLI's end-to-end tests).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cargo fmt --all --check
cargo clippy --workspace --all-targets -- -D warnings
cargo test --workspace
