"""Settings for the editors' workflow, read from editor/settings.yml."""
from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any, Dict, Optional

import yaml

ROOT = Path(__file__).resolve().parent.parent
SETTINGS_FILE = Path(__file__).with_name("settings.yml")
ENV_FILE = ROOT / ".env.local"


def load_settings(path: Optional[Path] = None) -> Dict[str, Any]:
    """The settings as a nested dict (a fresh copy each call)."""
    with open(path or SETTINGS_FILE, encoding="utf-8") as f:
        return copy.deepcopy(yaml.safe_load(f) or {})


def rasa_url(settings: Optional[Dict[str, Any]] = None) -> str:
    settings = settings or load_settings()
    return os.environ.get("RASA_URL") or settings.get("server", {}).get("url", "http://localhost:5005")


def rasa_token(env_file: Path = ENV_FILE) -> Optional[str]:
    """The HTTP API token: RASA_TOKEN, else the one ops/run.py keeps in .env.local."""
    if os.environ.get("RASA_TOKEN"):
        return os.environ["RASA_TOKEN"]
    if env_file.exists():
        for line in env_file.read_text(encoding="utf-8").splitlines():
            if line.startswith("RASA_TOKEN="):
                return line.split("=", 1)[1].strip()
    return None
