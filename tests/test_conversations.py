"""Rasa's own checks: the training data validates and every conversation test story
is predicted exactly (rasa test core --fail-on-prediction-errors)."""
from __future__ import annotations

import subprocess
from pathlib import Path

from ops.model_state import ROOT, rasa_bin, rasa_env


def _run(args: list, timeout: int = 900) -> subprocess.CompletedProcess:
    return subprocess.run([rasa_bin(), *args], cwd=ROOT, env=rasa_env(), capture_output=True,
                          text=True, timeout=timeout)


def test_rasa_data_validate() -> None:
    result = _run(["data", "validate", "--domain", "domain.yml", "--data", "data"])
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_conversation_stories(model_path: Path, tmp_path: Path) -> None:
    stories = sorted((ROOT / "tests" / "stories").glob("*.yml"))
    assert len(stories) >= 2
    result = _run(["test", "core", "--model", str(model_path), "--stories", "tests/stories",
                   "--out", str(tmp_path), "--fail-on-prediction-errors"])
    failed = (tmp_path / "failed_test_stories.yml")
    detail = failed.read_text() if failed.exists() else ""
    assert result.returncode == 0, detail[-4000:] + result.stdout[-2000:] + result.stderr[-2000:]
