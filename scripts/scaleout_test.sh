#!/usr/bin/env bash
# Only the scale-out tests: PostgreSQL + Redis (Debian packages, private instances on
# loopback), one action server, two Rasa replicas on config/endpoints.production.yml, and a
# round-robin balancer in front. They also run as part of scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/install_scaleout_deps.sh
export RASA_TELEMETRY_ENABLED=false PYTHONPATH=.
.venv/bin/python -m ops.model_state
exec .venv/bin/python -m pytest -m scaleout tests/scaleout "$@"
