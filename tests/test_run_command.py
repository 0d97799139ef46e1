"""The run command serves the published model (models/live.json) when there is one."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from editor.publish import record_live
from ops.run import model_to_serve


def test_without_a_published_model_the_current_content_is_served(tmp_path: Path, model_path: Path) -> None:
    assert model_to_serve(tmp_path / "live.json") == model_path


def test_a_published_model_survives_a_restart(tmp_path: Path, model_path: Path,
                                              capsys: pytest.CaptureFixture) -> None:
    # e.g. after 'make rollback' to an older model: a restart must not undo it
    current = model_path
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


def test_a_published_model_that_is_gone_falls_back_to_the_current_content(tmp_path: Path,
                                                                          model_path: Path) -> None:
    state = tmp_path / "live.json"
    gone = tmp_path / "model-gone.tar.gz"
    gone.write_bytes(b"")
    record_live(gone, state_file=state)
    gone.unlink()
    assert model_to_serve(state) == model_path
