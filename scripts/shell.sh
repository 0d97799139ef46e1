#!/usr/bin/env bash
# Chat with the assistant in the terminal (rasa shell). Start the action server first
# (scripts/run.sh does) or custom actions will answer that searching is unavailable.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
export RASA_TELEMETRY_ENABLED=false PYTHONPATH=.
.venv/bin/python -m ops.model_state >/dev/null
MODEL=$(.venv/bin/python -m ops.model_state --print-path)
exec .venv/bin/rasa shell --model "$MODEL" --endpoints endpoints.yml "$@"
