#!/usr/bin/env bash
# System packages the tests drive for real: Debian's chromium for the browser tests.
set -euo pipefail
if ! command -v chromium >/dev/null 2>&1; then
  echo "==> installing chromium (Debian package) for the browser tests"
  SUDO=""; [ "$(id -u)" = "0" ] || SUDO="sudo"
  $SUDO apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
