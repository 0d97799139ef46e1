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


@pytest.mark.server
def test_the_run_command_starts_the_studio_beside_the_assistant(tmp_path: Path, model_path: Path) -> None:
    """`python -m ops.run` prints the studio's address, and the studio answers there (login first)."""
    import os
    import re
    import signal
    import subprocess
    import sys
    import threading
    import time

    import requests

    from ops.model_state import ROOT, rasa_env
    from ops.stack import free_port, write_endpoints

    action_port = free_port()
    env = {**rasa_env(), "RASA_PORT": str(free_port()), "ACTION_PORT": str(action_port),
           "WEB_PORT": str(free_port()), "STUDIO_PORT": str(free_port()), "RASA_TOKEN": "run-test-token",
           "RASA_ENDPOINTS": str(write_endpoints(tmp_path / "endpoints.yml", action_port, tmp_path / "tracker.db")),
           "STUDIO_SQLITE": str(tmp_path / "studio.db"), "STUDIO_SECRET_KEY": "run-test-" + "x" * 40}
    proc = subprocess.Popen([sys.executable, "-m", "ops.run"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    lines: list = []
    threading.Thread(target=lambda: [lines.append(line) for line in proc.stdout], daemon=True).start()
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and not any("Redactiestudio:" in line for line in lines):
            assert proc.poll() is None, "".join(lines)[-3000:]
            time.sleep(0.5)
        banner = next(line for line in lines if "Redactiestudio:" in line)
        url = re.search(r"http://localhost:(\d+)/", banner).group(0)
        assert url.endswith(f":{env['STUDIO_PORT']}/")
        while time.monotonic() < deadline:
            try:
                response = requests.get(url + "onderwerpen/", allow_redirects=False, timeout=5)
                break
            except requests.ConnectionError:
                time.sleep(0.5)
        assert response.status_code == 302 and response.headers["Location"].startswith("/inloggen/")
        assert "Inloggen" in requests.get(url + "inloggen/", timeout=10).text
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)
