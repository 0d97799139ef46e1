"""The run command heals: a crashed server is restarted with back-off and logged, each run
command has its own run directory, and what it creates is private (review 6, 7, 17).

One test drives the real run command (``python -m ops.run``) on free ports."""
from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import List, Optional

import pytest
import requests

from ops.model_state import ROOT, rasa_env
from ops.run import MAX_BACKOFF_SECONDS, Supervised, Supervisor, run_directory
from ops.stack import free_port, write_endpoints
from tests.conversation import bot_texts


def test_two_run_commands_get_their_own_run_directory() -> None:
    # review 6: both used build/run/ (endpoints file and logs)
    assert run_directory(5915) != run_directory(5916)
    assert run_directory(5915).parent == ROOT / "build"


class _Child:
    """A fake child process for the supervisor's back-off logic."""

    def __init__(self) -> None:
        self.returncode: Optional[int] = None
        self.starts = 0
        self.fail_starts = 0

    def poll(self) -> Optional[int]:
        return self.returncode

    def start(self) -> None:
        self.starts += 1
        if self.fail_starts:
            self.fail_starts -= 1
            raise RuntimeError("did not come up")
        self.returncode = None


def test_the_supervisor_restarts_with_growing_back_off(tmp_path: Path) -> None:
    now = [0.0]
    child = _Child()
    supervisor = Supervisor([Supervised("action server", child.start, lambda: child)],
                            tmp_path / "supervisor.log", clock=lambda: now[0])
    supervisor.check()
    assert child.starts == 0  # running: nothing to do
    child.returncode, child.fail_starts = -9, 2
    supervisor.check()  # noticed; restart after 1 s
    supervisor.check()
    assert child.starts == 0
    waits: List[float] = []
    for _ in range(50):
        now[0] += 0.5
        before = child.starts
        supervisor.check()
        if child.starts > before:
            waits.append(now[0])
        if child.poll() is None and child.starts:
            break
    assert child.starts == 3 and child.poll() is None
    gaps = [b - a for a, b in zip(waits, waits[1:])]
    assert gaps == sorted(gaps) and gaps[-1] > gaps[0]  # back-off grows
    log = (tmp_path / "supervisor.log").read_text()
    assert "action server stopped (exit -9)" in log and "did not start" in log and "was restarted" in log
    assert MAX_BACKOFF_SECONDS <= 120


def _children(pid: int) -> List[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _cmdline(pid: int) -> str:
    try:
        return (Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")).decode(errors="replace")
    except OSError:
        return ""


def _child_running(run_pid: int, marker: str) -> Optional[int]:
    for pid in _children(run_pid):
        if marker in _cmdline(pid):
            return pid
    return None


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).ok
    except requests.RequestException:
        return False


def _wait(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.5)
    raise AssertionError(f"not within {timeout:.0f} s: {what}")


@pytest.mark.server
def test_the_run_command_restarts_a_crashed_server(model_path: Path, tmp_path: Path) -> None:
    # review 7: one crashed process took the whole stack down, and nothing came back
    rasa_port, action_port, web_port = free_port(), free_port(), free_port()
    endpoints = write_endpoints(tmp_path / "endpoints.yml", action_port, tmp_path / "tracker.db")
    env = {**rasa_env(), "RASA_PORT": str(rasa_port), "ACTION_PORT": str(action_port),
           "WEB_PORT": str(web_port), "STUDIO_PORT": str(free_port()), "RASA_ENDPOINTS": str(endpoints),
           "RASA_TOKEN": "run-test-token"}
    run = subprocess.Popen([sys.executable, "-m", "ops.run"], cwd=ROOT, env=env, text=True,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output: List[str] = []
    threading.Thread(target=lambda: output.extend(iter(run.stdout.readline, "")), daemon=True).start()
    workdir = run_directory(rasa_port)
    rasa_url = f"http://127.0.0.1:{rasa_port}"
    try:
        _wait(lambda: any("De assistent draait" in line for line in output) or run.poll() is not None,
              420, "the run command started")
        assert run.poll() is None, "".join(output[-40:])
        assert any(str(workdir) in line for line in output)  # its own run directory

        action_pid = _child_running(run.pid, "rasa_sdk")
        rasa_pid = _child_running(run.pid, "ops.rasa_cli")
        web_pid = _child_running(run.pid, "web.serve")
        assert action_pid and rasa_pid and web_pid
        os.kill(action_pid, signal.SIGKILL)
        _wait(lambda: (_child_running(run.pid, "rasa_sdk") or action_pid) != action_pid, 180,
              "a new action server")
        _wait(lambda: _answers(f"http://127.0.0.1:{action_port}/health"), 180,
              "the new action server answers")
        assert _child_running(run.pid, "ops.rasa_cli") == rasa_pid  # the rest stayed up
        answer = requests.post(f"{rasa_url}/webhooks/rest/webhook", timeout=60,
                               json={"sender": "run-test", "message": "ik zoek een clientondersteuner in 9712 CP"})
        assert "Groningen" in bot_texts(answer.json())

        os.kill(web_pid, signal.SIGKILL)
        _wait(lambda: _answers(f"http://127.0.0.1:{web_port}/health"), 60,
              "the demo page is back")
        log = (workdir / "supervisor.log").read_text()
        assert "action server stopped" in log and "web server stopped" in log
        assert log.count("was restarted") >= 2

        # review 17: conversations and logs are readable by the owner only
        for created in (tmp_path / "tracker.db", workdir / "rasa.log", workdir / "actions.log",
                        workdir / "supervisor.log"):
            assert stat.S_IMODE(created.stat().st_mode) & 0o077 == 0, created
        # review 9: the token is not on any command line of the stack
        assert all("run-test-token" not in _cmdline(pid) for pid in _children(run.pid))
    finally:
        run.send_signal(signal.SIGTERM)
        try:
            run.wait(timeout=60)
        except subprocess.TimeoutExpired:
            run.kill()
            run.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)
