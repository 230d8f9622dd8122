#!/usr/bin/env bash
# System packages the build and the tests need on Debian 12. SQLCipher and OpenSSL are built
# from source by rusqlite's bundled-sqlcipher-vendored-openssl feature (a C compiler, make and
# perl); the letter tests check PDFs with poppler-utils (pdftotext, pdffonts, pdftoppm) and
# qpdf; the sync tests start throwaway PostgreSQL clusters on loopback with the server
# programs of Debian's postgresql package (initdb, pg_ctl, pg_dump). Skipped when everything
# is already there.
set -euo pipefail
need=()
for cmd in cc make perl pkg-config pdftotext pdffonts qpdf; do
  command -v "$cmd" >/dev/null 2>&1 || need+=("$cmd")
done
if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  need+=(postgresql)
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "== installing Debian packages for: ${need[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    build-essential perl pkg-config poppler-utils qpdf postgresql
fi
command -v cargo >/dev/null 2>&1 || { echo "cargo is missing: install Rust (rustup) first" >&2; exit 1; }
