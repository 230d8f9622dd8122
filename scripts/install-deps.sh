#!/usr/bin/env bash
# What the build and the tests need on Debian 12, installed only when missing:
# - SQLCipher and OpenSSL are built from source by rusqlite's bundled-sqlcipher-vendored-openssl
#   feature (a C compiler, make and perl);
# - the letter tests check PDFs with poppler-utils (pdftotext, pdffonts, pdftoppm) and qpdf;
# - the sync tests start throwaway PostgreSQL clusters (Debian's postgresql package);
# - the desktop app builds against WebKitGTK 4.1 (Tauri 2), and its end-to-end tests run it
#   under Xvfb through tauri-driver and WebKitWebDriver (webkit2gtk-driver), and take their
#   screenshots from the display with xwd (x11-apps);
# - the UI is built with Node 20+ and npm (`npm install` of the root package.json);
# - tauri-driver comes from crates.io (`cargo install tauri-driver --locked`).
set -euo pipefail
need=()
for cmd in cc make perl pkg-config pdftotext pdffonts qpdf xvfb-run xauth xwd WebKitWebDriver; do
  command -v "$cmd" >/dev/null 2>&1 || need+=("$cmd")
done
if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  need+=(postgresql)
fi
if ! pkg-config --exists webkit2gtk-4.1 javascriptcoregtk-4.1 libsoup-3.0 ayatana-appindicator3-0.1 librsvg-2.0 2>/dev/null; then
  need+=(webkit2gtk-dev)
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "== installing Debian packages for: ${need[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    build-essential perl pkg-config file poppler-utils qpdf postgresql \
    libwebkit2gtk-4.1-dev libxdo-dev libssl-dev libayatana-appindicator3-dev librsvg2-dev \
    xvfb xauth x11-apps webkit2gtk-driver
fi
command -v cargo >/dev/null 2>&1 || { echo "cargo is missing: install Rust (rustup) first" >&2; exit 1; }
command -v npm >/dev/null 2>&1 || { echo "npm is missing: install Node.js 20 or newer first" >&2; exit 1; }
if ! command -v tauri-driver >/dev/null 2>&1 && [ ! -x "$HOME/.cargo/bin/tauri-driver" ]; then
  echo "== installing tauri-driver"
  cargo install tauri-driver --locked --quiet
fi
