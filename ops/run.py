"""The run command: train when needed, start action server, Rasa server, the demo page and
the editors' studio.

The model it serves is the published one (models/live.json, written by ``make retrain``
and ``make rollback``) when there is one; otherwise the current content's model, trained
first when none is current (a fresh clone).

Prints where to talk to the assistant and keeps running until Ctrl-C.
"""
from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Mapping

from ops.model_state import ROOT, STATE_FILE, current_model, live_model_path, train_if_needed
from ops.stack import Stack, write_endpoints

ENV_FILE = ROOT / ".env.local"


def load_or_create_token() -> str:
    """API token from RASA_TOKEN, else a random one kept in .env.local (git-ignored)."""
    if os.environ.get("RASA_TOKEN"):
        return os.environ["RASA_TOKEN"]
    if ENV_FILE.exists():
        for line in ENV_FILE.read_text().splitlines():
            if line.startswith("RASA_TOKEN="):
                return line.split("=", 1)[1].strip()
    token = secrets.token_urlsafe(24)
    with open(ENV_FILE, "a", encoding="utf-8") as f:
        f.write(f"RASA_TOKEN={token}\n")
    os.chmod(ENV_FILE, 0o600)
    return token


def cors_setting(environ: Mapping[str, str], web_port: int) -> str:
    """Origins allowed to call Rasa from a browser: CORS_ORIGINS (comma- or space-separated),
    else the demo page (as localhost and 127.0.0.1). Never "*": any site could then call the
    REST channel and the API from a visitor's browser."""
    demo = f"http://localhost:{web_port} http://127.0.0.1:{web_port}"
    value = (environ.get("CORS_ORIGINS") or "").strip() or demo
    if "*" in value:
        raise SystemExit("CORS_ORIGINS mag geen '*' bevatten: noem de sites die de chat tonen, "
                         "bijvoorbeeld CORS_ORIGINS=https://www.gemeente.nl")
    return value


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


def main() -> int:
    model = model_to_serve()
    rasa_port = int(os.environ.get("RASA_PORT", "5005"))
    action_port = int(os.environ.get("ACTION_PORT", "5055"))
    web_port = int(os.environ.get("WEB_PORT", "8080"))
    studio_port = int(os.environ.get("STUDIO_PORT", "8090"))
    workdir = ROOT / "build" / "run"
    workdir.mkdir(parents=True, exist_ok=True)
    endpoints = Path(os.environ.get("RASA_ENDPOINTS", "")) if os.environ.get("RASA_ENDPOINTS") else \
        write_endpoints(workdir / "endpoints.yml", action_port, ROOT / "rasa_tracker.db")
    token = load_or_create_token()
    stack = Stack(model=model, workdir=workdir, token=token,
                  rasa_port=rasa_port, action_port=action_port, endpoints=endpoints,
                  cors=cors_setting(os.environ, web_port))
    print("Starting the action server and the Rasa server (this takes about half a minute) ...", flush=True)
    stack.start()
    web = subprocess.Popen(
        [sys.executable, "-m", "web.serve", "--port", str(web_port), "--rasa-url", f"http://localhost:{rasa_port}"],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    studio = subprocess.Popen(
        [sys.executable, "-m", "studio.serve", "--port", str(studio_port)], cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "RASA_URL": f"http://localhost:{rasa_port}", "RASA_TOKEN": token,
             "STUDIO_TRACKER_ENDPOINTS": str(endpoints)},
        stdout=open(workdir / "studio.log", "ab"), stderr=subprocess.STDOUT,
    )
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
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        while not stopping:
            processes = ((stack.rasa_proc, "Rasa server"), (stack.action_proc, "action server"), (web, "web server"),
                         (studio, "studio"))
            for proc, what in processes:
                if proc is not None and proc.poll() is not None:
                    print(f"The {what} stopped (exit {proc.returncode}); see {workdir}", file=sys.stderr)
                    stopping = True
            time.sleep(1)
    finally:
        web.terminate()
        studio.terminate()
        stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
