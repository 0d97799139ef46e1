"""The editors' commands exist in the Makefile and call the editor package."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from editor.settings import ROOT

TARGETS = {
    "validate": "-m editor.validate",
    "retrain": "-m editor.retrain",
    "rollback": "-m editor.publish rollback",
    "unrecognised": "-m editor.unrecognised",
    "export-csv": "-m editor.spreadsheet export onderwerpen.csv",
    "import-csv": "-m editor.spreadsheet import onderwerpen.csv",
    "studio-beheerder": "-m studio maak_beheerder",
    "setup": "bash scripts/setup.sh",
    "run": "bash scripts/run.sh",
    "test": "bash scripts/test.sh",
}


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.parametrize("target, command", sorted(TARGETS.items()))
def test_make_target(target: str, command: str) -> None:
    out = subprocess.run(["make", "-n", target], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert command in out
    if command.startswith("-m"):
        assert ".venv/bin/python " + command in out


def test_guide_mentions_every_editor_command() -> None:
    guide = (ROOT / "docs" / "editors.md").read_text(encoding="utf-8")
    for command in ("make validate", "make retrain", "make rollback", "make unrecognised",
                    "make export-csv", "make import-csv", "make studio-beheerder"):
        assert command in guide
