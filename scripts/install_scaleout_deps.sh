#!/usr/bin/env bash
# System packages the scale-out test drives for real: Debian's postgresql and redis-server.
# Idempotent and quiet; needs no network when both are already installed. The test starts
# its own private PostgreSQL cluster and redis-server on loopback (tests/scaleout/services.py); the
# packages' own system services are neither needed nor started.
set -euo pipefail
missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "==> installing ${missing[*]} (Debian packages) for the scale-out test"
  SUDO=""; [ "$(id -u)" = "0" ] || SUDO="sudo"
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "apt-get not found: install ${missing[*]} yourself (the scale-out test needs them)." >&2
    exit 1
  fi
  log=$(mktemp)
  if ! { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
         $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
    cat "$log" >&2; rm -f "$log"
    echo "Could not install ${missing[*]} with apt-get (see above); the scale-out test needs them." >&2
    exit 1
  fi
  rm -f "$log"
fi
