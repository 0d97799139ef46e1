#!/usr/bin/env bash
# The test command: the same setup as run, the browser for the page tests, PostgreSQL and
# Redis for the scale-out tests, style and type checks (ruff, mypy; pyproject.toml), a current
# model, then every test. The last line printed is pytest's summary.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/install_test_deps.sh
bash scripts/install_scaleout_deps.sh
export RASA_TELEMETRY_ENABLED=false PYTHONPATH=.
.venv/bin/ruff check --quiet .
.venv/bin/mypy
.venv/bin/python -m ops.model_state
exec .venv/bin/python -m pytest "$@"
