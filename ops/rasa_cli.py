"""The `rasa` command with ops/rasa_patches.py applied first.

    python -m ops.rasa_cli run --model models/... --enable-api ...

Used by ops/stack.py for every `rasa run` (run command, tests, benchmarks). Same
arguments and behaviour as `rasa`; only the two inefficiencies described there differ.
RASA_PATCHES=off starts stock Rasa (bench/run_all.py measures both). RASA_TURN_PROFILE=<file>
records where each turn's time goes (ops/turn_profile.py, for bench/long_conversation.py).
TensorFlow is imported only when a component uses it (ops/deferred_imports.py;
RASA_DEFER_TENSORFLOW=off imports it at start, as Rasa does).
"""
from __future__ import annotations

import os
import sys

from ops.deferred_imports import apply as defer_tensorflow
from ops.rasa_patches import apply
from ops.turn_profile import apply_from_environment as apply_turn_profile


def main() -> None:
    if os.environ.get("RASA_DEFER_TENSORFLOW", "on").lower() != "off":
        defer_tensorflow()  # before anything imports Rasa
    if os.environ.get("RASA_PATCHES", "on").lower() != "off":
        apply()
    apply_turn_profile()
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
