#!/usr/bin/env bash
# Run the assistant: set up, train when data or config changed, then start the action
# server, the Rasa server (REST + socket.io, HTTP API with token) and the demo web page.
set -euo pipefail
umask 077  # conversations and logs: readable by the owner only
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export RASA_TELEMETRY_ENABLED=false PYTHONPATH=.
exec .venv/bin/python -m ops.run
