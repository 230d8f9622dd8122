#!/usr/bin/env bash
# Sets Qorgau up on a fresh Debian 12 machine and starts it: builds the `qorgau` command, the
# sync server and the desktop app, creates an encrypted demo workspace with synthetic data,
# runs a short command-line tour of it, syncs it with a second laptop's workspace through a
# server on loopback, and last opens the desktop app on the demo workspace (passphrase
# "qorgau demo 2026"). Safe to run again: existing workspaces are reused.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh

echo "== building the UI"
npm install --no-audit --no-fund --loglevel=error
npm run build --workspace ui
# One cargo build for the three binaries: the crates they share (the core, the store,
# SQLCipher, serde, tokio…) compile once, with one set of features.
echo "== building qorgau, qorgau-server and the desktop app (release, UI embedded)"
cargo build --release -p qorgau-cli -p qorgau-server -p qorgau-desktop \
  --features qorgau-desktop/custom-protocol
TARGET="${CARGO_TARGET_DIR:-target}"
QORGAU="$TARGET/release/qorgau"

export QORGAU_WORKSPACE="${QORGAU_WORKSPACE:-$PWD/demo-workspace}"
export QORGAU_PASSPHRASE="${QORGAU_PASSPHRASE:-qorgau demo 2026}"
# The demo assigns cases to three caseworkers; the desktop opens as the first of them.
export QORGAU_ACTOR="${QORGAU_ACTOR:-A. Zhaksylykova}"

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

# Sync: a server on loopback, and a second laptop that joins the demo workspace's team with a
# one-time code, then both sync and compare their state hashes.
SERVER_DATA="$QORGAU_WORKSPACE-sync-server"
LAPTOP2="$QORGAU_WORKSPACE-laptop2"
mkdir -p "$SERVER_DATA"
"$TARGET/release/qorgau-server" --data "$SERVER_DATA" --listen 127.0.0.1:8787 >"$SERVER_DATA/server.log" 2>&1 &
server_pid=$!
trap 'kill $server_pid 2>/dev/null || true' EXIT
for _ in $(seq 50); do grep -q "listening on" "$SERVER_DATA/server.log" 2>/dev/null && break; sleep 0.1; done
if grep -q "listening on" "$SERVER_DATA/server.log"; then
  if ! "$QORGAU" sync --status --json | grep -q '"in_team": true'; then
    # Creating a team needs the operator token the server keeps in its data directory.
    QORGAU_OPERATOR_TOKEN="$(cat "$SERVER_DATA/operator-token")" \
      tour team create --server http://127.0.0.1:8787
    rm -rf "$LAPTOP2" # a second laptop of an earlier team
  fi
  if [ ! -f "$LAPTOP2/workspace.json" ]; then
    QORGAU_WORKSPACE="$LAPTOP2" "$QORGAU" init --no-directory >/dev/null
    # The second laptop asks to join and shows a short code; the admin approves it after
    # comparing that code (here read straight from the second laptop's reply).
    joined="$("$QORGAU" device invite --json | sed -n 's/.*"code": "\([^"]*\)".*/\1/p' |
      QORGAU_WORKSPACE="$LAPTOP2" "$QORGAU" --json device enroll -)"
    device="$(printf '%s' "$joined" | sed -n 's/.*"device_id": "\([^"]*\)".*/\1/p')"
    sas="$(printf '%s' "$joined" | sed -n 's/.*"sas": "\([^"]*\)".*/\1/p')"
    "$QORGAU" device approve "$device" --sas "$sas" >/dev/null
  fi
  tour sync
  echo; echo "\$ QORGAU_WORKSPACE=$LAPTOP2 qorgau sync"
  QORGAU_WORKSPACE="$LAPTOP2" "$QORGAU" sync
  tour state-hash
  echo; echo "\$ QORGAU_WORKSPACE=$LAPTOP2 qorgau state-hash"
  QORGAU_WORKSPACE="$LAPTOP2" "$QORGAU" state-hash
else
  echo "(port 8787 is busy: the sync part of the tour is skipped)"
fi

# The desktop app's settings for the demo workspace: the caseworker recorded as the author.
settings="$QORGAU_WORKSPACE/desktop-settings.json"
if [ ! -f "$settings" ]; then
  printf '{"language": "%s", "caseworker": "%s", "auto_lock_minutes": 10}\n' \
    "${QORGAU_LANGUAGE:-en}" "$QORGAU_ACTOR" >"$settings"
fi

cat <<MSG

The demo workspace is $QORGAU_WORKSPACE (passphrase: "$QORGAU_PASSPHRASE").
A second laptop's workspace, in the same sync team, is $LAPTOP2 (same passphrase).
Try: QORGAU_WORKSPACE=$QORGAU_WORKSPACE QORGAU_PASSPHRASE='$QORGAU_PASSPHRASE' $QORGAU --help
MSG

if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "== starting the desktop app on $QORGAU_WORKSPACE (passphrase: \"$QORGAU_PASSPHRASE\")"
  "$TARGET/release/qorgau-desktop" --workspace "$QORGAU_WORKSPACE"
else
  echo "No display here: on a desktop, start the app with"
  echo "  $TARGET/release/qorgau-desktop --workspace $QORGAU_WORKSPACE"
fi
