#!/usr/bin/env bash
# Sets Qorgau up on a fresh Debian 12 machine and starts it. Until the desktop app exists this
# builds the `qorgau` command, creates an encrypted demo workspace with synthetic data and runs a
# short tour of it. Safe to run again: an existing demo workspace is reused.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh

echo "== building qorgau (release)"
cargo build --release -p qorgau-cli
QORGAU=target/release/qorgau

export QORGAU_WORKSPACE="${QORGAU_WORKSPACE:-$PWD/demo-workspace}"
export QORGAU_PASSPHRASE="${QORGAU_PASSPHRASE:-qorgau demo 2026}"
export QORGAU_ACTOR="${QORGAU_ACTOR:-demo caseworker}"

if [ ! -f "$QORGAU_WORKSPACE/workspace.json" ]; then
  echo "== creating the demo workspace $QORGAU_WORKSPACE"
  "$QORGAU" demo
fi

tour() { echo; echo "\$ qorgau $*"; "$QORGAU" "$@"; }
tour status
tour search "Nurlan" --limit 5
tour search "нұрлан" --limit 3
tour search "누를란" --limit 3
tour search "Tsoy" --limit 3
tour search "임금체불" --limit 3
first_worker=$("$QORGAU" search "Нұрлан" --json --limit 1 | sed -n 's/.*"id": "\([^"]*\)".*/\1/p' | head -1)
tour worker show "$first_worker"
tour case list --status waiting_on_agency --limit 5
tour case list --overdue --limit 5
tour validate iin 791028302728
tour validate phone "010-1234-5678"
tour validate arn 911124-5678906

# A letter: the first wage-arrears case whose data is complete, to the Seoul labour office.
mkdir -p "$QORGAU_WORKSPACE/out"
labour=$("$QORGAU" agency list --kind labour_office --json | sed -n 's/.*"id": "\([^"]*\)".*/\1/p' | head -1)
letter_case=""
for c in $("$QORGAU" case list --type unpaid_wages --json --limit 50 | sed -n 's/^    "id": "\([^"]*\)".*/\1/p'); do
  if "$QORGAU" letter check --case "$c" --template wage_arrears --agency "$labour" >/dev/null 2>&1; then
    letter_case=$c
    break
  fi
done
tour mission show
tour letter templates
if [ -n "$letter_case" ]; then
  tour letter register --case "$letter_case" --template wage_arrears --agency "$labour" \
    --out "$QORGAU_WORKSPACE/out/wage-arrears-letter.pdf"
  tour letter verify "$QORGAU_WORKSPACE/out/wage-arrears-letter.pdf"
  tour letter list --case "$letter_case"
fi
tour audit verify

cat <<MSG

The demo workspace is $QORGAU_WORKSPACE (passphrase: "$QORGAU_PASSPHRASE").
Try: QORGAU_WORKSPACE=$QORGAU_WORKSPACE QORGAU_PASSPHRASE='$QORGAU_PASSPHRASE' $QORGAU --help
MSG
