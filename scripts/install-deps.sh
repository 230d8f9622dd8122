#!/usr/bin/env bash
# System packages the build and the tests need on Debian 12. SQLCipher and OpenSSL are built
# from source by rusqlite's bundled-sqlcipher-vendored-openssl feature (a C compiler, make and
# perl); the letter tests check PDFs with poppler-utils (pdftotext, pdffonts, pdftoppm) and
# qpdf. Skipped when everything is already there.
set -euo pipefail
need=()
for cmd in cc make perl pkg-config pdftotext pdffonts qpdf; do
  command -v "$cmd" >/dev/null 2>&1 || need+=("$cmd")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "== installing Debian packages for: ${need[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    build-essential perl pkg-config poppler-utils qpdf
fi
command -v cargo >/dev/null 2>&1 || { echo "cargo is missing: install Rust (rustup) first" >&2; exit 1; }
