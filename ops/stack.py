"""Start and stop the real assistant: the action server and the Rasa server.

Used by the run command, the HTTP tests and the benchmarks, so that all three drive the
same processes in the same way.
"""
from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional

import requests
import yaml

from ops.model_state import ROOT, rasa_env
from ops.settings import CORS_VARIABLE, TOKEN_VARIABLE, split_origins


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def write_endpoints(path: Path, action_port: int, tracker_db: Path,
                    extra: Optional[Dict[str, Any]] = None) -> Path:
    """Endpoints for one stack: our action server and a SQLite tracker store."""
    endpoints: Dict[str, Any] = {
        "action_endpoint": {"url": f"http://127.0.0.1:{action_port}/webhook"},
        "tracker_store": {"type": "SQL", "dialect": "sqlite", "db": str(tracker_db)},
        "lock_store": {"type": "in_memory"},
    }
    endpoints.update(extra or {})
    path.write_text(yaml.safe_dump(endpoints, sort_keys=False), encoding="utf-8")
    return path


@dataclass
class Stack:
    """One action server plus one Rasa server on loopback."""

    model: Path
    workdir: Path
    token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    rasa_port: int = field(default_factory=free_port)
    action_port: int = field(default_factory=free_port)
    credentials: Path = ROOT / "credentials.yml"
    endpoints: Optional[Path] = None
    cors: str = "*"
    env: Dict[str, str] = field(default_factory=dict)
    rasa_proc: Optional[subprocess.Popen] = None
    action_proc: Optional[subprocess.Popen] = None

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def action_url(self) -> str:
        return f"http://127.0.0.1:{self.action_port}"

    @property
    def rasa_log(self) -> Path:
        return self.workdir / "rasa.log"

    @property
    def action_log(self) -> Path:
        return self.workdir / "actions.log"

    def _env(self) -> Dict[str, str]:
        # the web chat's socket.io origin check reads the same origins as --cors
        env = {**rasa_env(), CORS_VARIABLE: self.cors}
        env.update(self.env)
        return env

    def start_action_server(self) -> None:
        log = _private_log(self.action_log)
        # rasa_sdk listens on 0.0.0.0 unless SANIC_HOST says otherwise; on one machine only
        # the Rasa server calls it, so loopback (an operator's SANIC_HOST still wins)
        env = action_server_env(self._env())
        env.setdefault("SANIC_HOST", "127.0.0.1")
        self.action_proc = subprocess.Popen(
            [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(self.action_port)],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
        self._wait(f"{self.action_url}/health", 120, self.action_proc, self.action_log)

    def stop_action_server(self) -> None:
        stop_process(self.action_proc)
        self.action_proc = None

    def start_rasa(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        if self.endpoints is None:
            self.endpoints = write_endpoints(
                self.workdir / "endpoints.yml", self.action_port, self.workdir / "tracker.db")
        log = _private_log(self.rasa_log)
        # the token goes in the environment, which only this user can read; ops.rasa_cli
        # adds it to Rasa's arguments inside the process (the command line is public: ps)
        self.rasa_proc = subprocess.Popen(
            [sys.executable, "-m", "ops.rasa_cli", "run", "--model", str(self.model), "--enable-api",
             "--port", str(self.rasa_port),
             "--interface", "127.0.0.1",
             "--endpoints", str(self.endpoints), "--credentials", str(self.credentials),
             "--cors", *split_origins(self.cors)],
            cwd=ROOT, env={**self._env(), TOKEN_VARIABLE: self.token}, stdout=log,
            stderr=subprocess.STDOUT,
        )
        self._wait(f"{self.rasa_url}/status?token={self.token}", 240, self.rasa_proc, self.rasa_log)

    def stop_rasa(self) -> None:
        stop_process(self.rasa_proc)
        self.rasa_proc = None

    def start(self) -> "Stack":
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.start_action_server()
        self.start_rasa()
        return self

    def stop(self) -> None:
        self.stop_rasa()
        self.stop_action_server()

    def send(self, sender: str, text: str, timeout: float = 30) -> List[Dict[str, Any]]:
        """Send one message over the REST channel; return the bot's messages."""
        response = requests.post(
            f"{self.rasa_url}/webhooks/rest/webhook",
            json={"sender": sender, "message": text}, timeout=timeout,
        )
        response.raise_for_status()
        return response.json()

    def tracker(self, sender: str, namespace: Optional[str] = "rest") -> Dict[str, Any]:
        """The conversation of ``sender`` on the channel ``namespace`` (``channels.sender_ids``:
        rest, web, wa, tw; None when ``sender`` is already a conversation id)."""
        conversation = f"{namespace}:{sender}" if namespace else sender
        response = requests.get(
            f"{self.rasa_url}/conversations/{conversation}/tracker",
            params={"token": self.token}, timeout=30)
        response.raise_for_status()
        return response.json()

    @staticmethod
    def _wait(url: str, timeout: float, proc: Optional[subprocess.Popen], log: Path) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc is not None and proc.poll() is not None:
                raise RuntimeError(f"process exited early; see {log}:\n{log_tail(log)}")
            try:
                if requests.get(url, timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise TimeoutError(f"{url} not ready after {timeout} s; see {log}:\n{log_tail(log)}")


# What only the Rasa server needs: the action server (custom actions, which any content
# change can touch) starts without it (least privilege).
RASA_ONLY_PREFIXES = ("WHATSAPP_", "TWILIO_", TOKEN_VARIABLE, "CHANNEL_SECRET", "REDIS_PASSWORD",
                      "POSTGRES_PASSWORD")


def action_server_env(env: Dict[str, str]) -> Dict[str, str]:
    """``env`` without the channel secrets, the API token and the stores' passwords."""
    return {key: value for key, value in env.items() if not key.startswith(RASA_ONLY_PREFIXES)}


def _private_log(path: Path) -> Any:
    """A log file for appending, readable by its owner only (logs name user references)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.chmod(path, 0o600)
    return os.fdopen(fd, "ab")


def log_tail(path: Path, lines: int = 30) -> str:
    """The last lines of a log file, for error messages (empty when unreadable)."""
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def stop_process(proc: Optional[subprocess.Popen]) -> None:
    """Terminate a child process, killing it when it does not stop within 20 s."""
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


if __name__ == "__main__":
    print(json.dumps({"free_port": free_port()}))
