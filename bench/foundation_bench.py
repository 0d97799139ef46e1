"""Measure the foundation figures: model load time, one-turn latency, training time and
held-out scores, and write them to results/foundation.md (with machine, date, commit).

Usage: PYTHONPATH=. .venv/bin/python bench/foundation_bench.py
(training time comes from results/training.json, written by the last `python -m ops.model_state`;
held-out scores from results/nlu_heldout.json, written by tests/test_nlu_heldout.py)."""
from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from ops.model_state import ROOT, current_model
from ops.stack import Stack

MESSAGES = ["hallo", "wat is een keukentafelgesprek", "kost het geld?", "wat is metgezel",
            "ik ben overbelast", "wie heeft recht op clientondersteuning"]


def main() -> None:
    model = current_model()
    if model is None:
        raise SystemExit("no current model: run python -m ops.model_state first")
    with tempfile.TemporaryDirectory() as tmp:
        stack = Stack(model=model, workdir=Path(tmp))
        stack.start_action_server()
        started = time.monotonic()
        stack.start_rasa()
        load_seconds = time.monotonic() - started
        latencies = []
        for i in range(60):
            t = time.perf_counter()
            stack.send(f"bench-{i // 6}", MESSAGES[i % len(MESSAGES)])
            latencies.append((time.perf_counter() - t) * 1000)
        stack.stop()
    training = _read("training.json")
    heldout = _read("nlu_heldout.json")
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip() or "uncommitted"
    lines = [
        "# Foundation measurements", "",
        f"- date: {time.strftime('%Y-%m-%d %H:%M')}; machine: {platform.platform()}, {os.cpu_count()} CPUs; commit {commit}",
        f"- model: {model.name}",
        f"- training time: {training.get('train_seconds', 'n/a')} s ({training.get('command', '')}, {training.get('date', '')})",
        f"- model load (rasa run start until /status answers, incl. process start): {load_seconds:.1f} s",
        f"- one turn over REST, sequential, 60 messages: p50 {statistics.median(latencies):.0f} ms, "
        f"max {max(latencies):.0f} ms",
        f"- held-out NLU ({heldout.get('n', 'n/a')} messages, {heldout.get('labels', 'n/a')} labels): "
        f"intent macro-F1 {heldout.get('macro_f1', 'n/a')}, accuracy {heldout.get('accuracy', 'n/a')}",
        "", "Command: `PYTHONPATH=. .venv/bin/python bench/foundation_bench.py`", "",
    ]
    (ROOT / "results" / "foundation.md").write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


def _read(name: str) -> dict:
    path = ROOT / "results" / name
    return json.loads(path.read_text()) if path.exists() else {}


if __name__ == "__main__":
    main()
