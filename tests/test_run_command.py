"""The run command serves the published model (models/live.json) when there is one."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from editor.publish import record_live
from ops.model_state import ROOT, current_model
from ops.run import model_to_serve


def test_without_a_published_model_the_current_content_is_served(tmp_path: Path) -> None:
    current = current_model(ROOT)
    if current is None:
        pytest.fail("No current model. Run the test command (bash scripts/test.sh), which trains first.")
    assert model_to_serve(tmp_path / "live.json") == current


def test_a_published_model_survives_a_restart(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    # e.g. after 'make rollback' to an older model: a restart must not undo it
    current = current_model(ROOT)
    if current is None:
        pytest.fail("No current model. Run the test command (bash scripts/test.sh), which trains first.")
    state = tmp_path / "live.json"
    published = tmp_path / "model-published-earlier.tar.gz"
    shutil.copyfile(current, published)
    record_live(published, state_file=state)
    assert model_to_serve(state) == published
    out = capsys.readouterr().out
    assert published.name in out
    assert "make retrain" in out  # content changed since publishing: say how to put it live

    record_live(current, state_file=state)  # the current content published: nothing to warn
    assert model_to_serve(state).resolve() == current.resolve()
    assert "make retrain" not in capsys.readouterr().out


def test_a_published_model_that_is_gone_falls_back_to_the_current_content(tmp_path: Path) -> None:
    state = tmp_path / "live.json"
    gone = tmp_path / "model-gone.tar.gz"
    gone.write_bytes(b"")
    record_live(gone, state_file=state)
    gone.unlink()
    assert model_to_serve(state) == current_model(ROOT)
