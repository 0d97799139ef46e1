"""Settings for the editors' workflow, read from editor/settings.yml.

The API token and the repository root come from ``ops.settings`` (one place for what the
environment says); ``rasa_token`` is that module's ``api_token``, kept here for the studio."""
from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any, Dict, Optional

import yaml

from ops.settings import ROOT, api_token  # noqa: F401 - ROOT: the editor modules import it from here

SETTINGS_FILE = Path(__file__).with_name("settings.yml")


def load_settings(path: Optional[Path] = None) -> Dict[str, Any]:
    """The settings as a nested dict (a fresh copy each call)."""
    with open(path or SETTINGS_FILE, encoding="utf-8") as f:
        return copy.deepcopy(yaml.safe_load(f) or {})


def rasa_url(settings: Optional[Dict[str, Any]] = None) -> str:
    settings = settings or load_settings()
    return os.environ.get("RASA_URL") or settings.get("server", {}).get("url", "http://localhost:5005")


def rasa_token() -> Optional[str]:
    """The HTTP API token (``ops.settings.api_token``)."""
    return api_token()
