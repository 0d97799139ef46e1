"""The run command: train when needed, start action server, Rasa server, the demo page and
the editors' studio.

The model it serves is the published one (models/live.json, written by ``make retrain``
and ``make rollback``) when there is one; otherwise the current content's model, trained
first when none is current (a fresh clone).

Prints where to talk to the assistant and keeps running until Ctrl-C. A server that stops
(the action server, the Rasa server or the demo page) is started again, after 1, 2, 4, ...
seconds (at most ``MAX_BACKOFF_SECONDS``; back to 1 once it has run for a minute), and
each stop and restart is logged, on the terminal and in ``<run directory>/supervisor.log``.

Each run command has its own run directory, ``build/run-<RASA_PORT>/`` (endpoints file and
logs), so two run commands on one checkout never rewrite each other's files. Everything it
creates is readable by the owner only (umask 077): conversations and logs stay private.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, List, Optional

from ops.model_state import ROOT, STATE_FILE, current_model, live_model_path, train_if_needed
from ops.settings import TOKEN_VARIABLE, cors_setting, load_or_create_secret, load_or_create_token
from ops.stack import Stack, write_endpoints

def run_directory(rasa_port: int, root: Path = ROOT) -> Path:
    """Endpoints file and logs of the run command serving on ``rasa_port``."""
    return root / "build" / f"run-{rasa_port}"


def model_to_serve(state_file: Path = STATE_FILE) -> Path:
    """The published model, else the current content's model (trained when needed).

    A restart must not put content live that the editors' quality gate has not passed,
    nor undo a rollback: both are recorded in models/live.json."""
    published = live_model_path(state_file)
    if published is None:
        return train_if_needed()
    print(f"Published model (models/live.json): {published.name}", flush=True)
    current = current_model(ROOT)
    if current is None or current.resolve() != published.resolve():
        print("Let op: de vragen en antwoorden zijn gewijzigd sinds dit model is gepubliceerd. "
              "Zet ze live met 'make retrain'.", flush=True)
    return published


MAX_BACKOFF_SECONDS = 60.0
STABLE_SECONDS = 60.0


@dataclass
class Supervised:
    """One child process the run command keeps alive."""

    name: str
    start: Callable[[], None]
    process: Callable[[], Optional[subprocess.Popen]]
    backoff: float = 1.0
    started_at: float = field(default_factory=time.monotonic)
    restart_at: Optional[float] = None


class Supervisor:
    """Restarts a stopped child with exponential back-off and logs every stop and restart."""

    def __init__(self, children: List[Supervised], log_file: Path,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.children = children
        self.log_file = log_file
        self.clock = clock

    def log(self, text: str) -> None:
        line = f"{time.strftime('%Y-%m-%d %H:%M:%S')} {text}"
        print(line, file=sys.stderr, flush=True)
        with open(self.log_file, "a", encoding="utf-8") as f:
            f.write(line + "\n")

    def check(self) -> None:
        """One round: notice stopped children, restart those whose back-off has passed."""
        now = self.clock()
        for child in self.children:
            proc = child.process()
            if child.restart_at is None:
                if proc is not None and proc.poll() is None:
                    if now - child.started_at >= STABLE_SECONDS:
                        child.backoff = 1.0
                    continue
                code = proc.returncode if proc is not None else "?"
                child.restart_at = now + child.backoff
                self.log(f"The {child.name} stopped (exit {code}); restarting in {child.backoff:.0f} s")
                continue
            if now < child.restart_at:
                continue
            try:
                child.start()
            except (RuntimeError, TimeoutError, OSError) as exc:
                child.backoff = min(child.backoff * 2, MAX_BACKOFF_SECONDS)
                child.restart_at = self.clock() + child.backoff
                self.log(f"The {child.name} did not start ({type(exc).__name__}); "
                         f"next try in {child.backoff:.0f} s")
                continue
            child.started_at = self.clock()
            child.restart_at = None
            self.log(f"The {child.name} was restarted")
            child.backoff = min(child.backoff * 2, MAX_BACKOFF_SECONDS)


def main() -> int:
    os.umask(0o077)  # conversations (tracker store) and logs: owner only
    model = model_to_serve()
    rasa_port = int(os.environ.get("RASA_PORT", "5005"))
    action_port = int(os.environ.get("ACTION_PORT", "5055"))
    web_port = int(os.environ.get("WEB_PORT", "8080"))
    studio_port = int(os.environ.get("STUDIO_PORT", "8090"))
    workdir = run_directory(rasa_port)
    workdir.mkdir(parents=True, exist_ok=True)
    endpoints = Path(os.environ.get("RASA_ENDPOINTS", "")) if os.environ.get("RASA_ENDPOINTS") else \
        write_endpoints(workdir / "endpoints.yml", action_port, ROOT / "rasa_tracker.db")
    token = load_or_create_token()
    stack = Stack(model=model, workdir=workdir, token=token,
                  rasa_port=rasa_port, action_port=action_port, endpoints=endpoints,
                  cors=cors_setting(os.environ, web_port),
                  env={"CHANNEL_SECRET": load_or_create_secret("CHANNEL_SECRET")})
    print("Starting the action server and the Rasa server (this takes about half a minute) ...", flush=True)
    stack.start()
    web: List[subprocess.Popen] = []

    def start_web() -> None:
        web[:] = [subprocess.Popen(
            [sys.executable, "-m", "web.serve", "--port", str(web_port), "--rasa-url",
             f"http://localhost:{rasa_port}"],
            cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})]

    start_web()
    studio: List[subprocess.Popen] = []

    def start_studio() -> None:
        studio[:] = [subprocess.Popen(
            [sys.executable, "-m", "studio.serve", "--port", str(studio_port)], cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT), "RASA_URL": f"http://localhost:{rasa_port}",
                 TOKEN_VARIABLE: token, "STUDIO_TRACKER_ENDPOINTS": str(endpoints)},
            stdout=open(workdir / "studio.log", "ab"), stderr=subprocess.STDOUT)]

    start_studio()
    rest_example = '{"sender": "u1", "message": "hallo"}'
    print(f"""
De assistent draait.
  Demo-webpagina (chat):   http://localhost:{web_port}/
  Redactiestudio:          http://localhost:{studio_port}/   (eerste beheerder: make studio-beheerder)
  REST:                    POST http://localhost:{rasa_port}/webhooks/rest/webhook  {rest_example}
  HTTP API (met token):    http://localhost:{rasa_port}/status?token=<RASA_TOKEN uit .env.local>
  Actieserver:             http://localhost:{action_port}/health
  Logbestanden:            {workdir}
  In de terminal chatten:  bash scripts/shell.sh   (in een tweede terminal)
Stoppen: Ctrl-C
""", flush=True)
    supervisor = Supervisor([
        Supervised("action server", stack.start_action_server, lambda: stack.action_proc),
        Supervised("Rasa server", stack.start_rasa, lambda: stack.rasa_proc),
        Supervised("web server", start_web, lambda: web[0] if web else None),
        Supervised("studio", start_studio, lambda: studio[0] if studio else None),
    ], workdir / "supervisor.log")
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        while not stopping:
            supervisor.check()
            time.sleep(1)
    finally:
        for proc in web + studio:
            proc.terminate()
        stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
