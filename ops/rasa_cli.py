"""The `rasa` command with ops/rasa_patches.py applied first.

    python -m ops.rasa_cli run --model models/... --enable-api ...

Used by ops/stack.py for every `rasa run` (run command, tests, benchmarks). Same
arguments and behaviour as `rasa`; only the inefficiencies described there differ.
RASA_PATCHES=off starts stock Rasa (bench/run_all.py measures both). RASA_TURN_PROFILE=<file>
records where each turn's time goes (ops/turn_profile.py, for bench/long_conversation.py).
TensorFlow is imported only when a component uses it (ops/deferred_imports.py;
RASA_DEFER_TENSORFLOW=off imports it at start, as Rasa does).

Two safeguards for the API token:
- `rasa run` without `--auth-token` takes it from the environment variable `RASA_TOKEN`
  and adds it to the arguments inside this process, so it is not on the command line,
  which every local user can read (`ps`, /proc/<pid>/cmdline);
- `ops.log_redaction`: no log line carries `token=...` (Sanic logs the URL of a failed
  request in full).
`ops.action_timeout` bounds the wait for the action server (Rasa's is 300 s).
"""
from __future__ import annotations

import os
import sys
from typing import List, Mapping

from ops import action_timeout, log_redaction
from ops.deferred_imports import apply as defer_tensorflow
from ops.rasa_patches import apply
from ops.settings import api_token
from ops.turn_profile import apply_from_environment as apply_turn_profile


def with_token_from_environment(argv: List[str], environ: Mapping[str, str]) -> List[str]:
    """``argv`` plus ``--auth-token=$RASA_TOKEN`` for ``rasa run`` when none is given."""
    token = api_token(environ, env_file=None)
    if len(argv) < 2 or argv[1] != "run" or not token:
        return argv
    if any(arg == "--auth-token" or arg.startswith("--auth-token=") for arg in argv):
        return argv
    return [*argv, f"--auth-token={token}"]


def main() -> None:
    if os.environ.get("RASA_DEFER_TENSORFLOW", "on").lower() != "off":
        defer_tensorflow()  # before anything imports Rasa
    log_redaction.install()
    action_timeout.apply()
    if os.environ.get("RASA_PATCHES", "on").lower() != "off":
        apply()
    apply_turn_profile()
    from rasa.__main__ import main as rasa_main

    sys.argv = with_token_from_environment(sys.argv, os.environ)
    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
