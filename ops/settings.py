"""The settings several programs read from the environment, each read in one place.

- the HTTP API token: ``RASA_TOKEN``, else the one the run command keeps in ``.env.local``
  (git-ignored, readable by the owner only);
- the sites a browser may call Rasa from: ``CORS_ORIGINS``, comma- or space-separated;
- the SQL tracker store of an endpoints file, as a SQLAlchemy URL, read the way Rasa reads
  it (``${VAR}`` values from the environment, quoted ones too).

Readers: the run command and the stack (``ops/run.py``, ``ops/stack.py``), ``ops/rasa_cli.py``,
the purge command, the editors' commands (``editor/``) and the socket.io channel, so nothing
heavy is imported at module level (Rasa only inside ``sql_tracker_store``).
"""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any, List, Mapping, Optional, Union

from ops.model_state import ROOT

ENV_FILE = ROOT / ".env.local"
TOKEN_VARIABLE = "RASA_TOKEN"
CORS_VARIABLE = "CORS_ORIGINS"


def local_secret(name: str, environ: Optional[Mapping[str, str]] = None,
                 env_file: Optional[Path] = ENV_FILE) -> Optional[str]:
    """``name`` from the environment, else from ``env_file`` (when given), else None."""
    environ = os.environ if environ is None else environ
    if environ.get(name):
        return environ[name]
    if env_file is not None and env_file.exists():
        for line in env_file.read_text(encoding="utf-8").splitlines():
            if line.startswith(f"{name}="):
                return line.split("=", 1)[1].strip()
    return None


def load_or_create_secret(name: str, env_file: Path = ENV_FILE) -> str:
    """``name`` from the environment, else from .env.local, else a new random one kept
    there (git-ignored, readable by the owner only)."""
    value = local_secret(name, env_file=env_file)
    if value is not None:
        return value
    value = secrets.token_urlsafe(24)
    fd = os.open(env_file, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as f:
        f.write(f"{name}={value}\n")
    os.chmod(env_file, 0o600)
    return value


def api_token(environ: Optional[Mapping[str, str]] = None,
              env_file: Optional[Path] = ENV_FILE) -> Optional[str]:
    """The HTTP API token: RASA_TOKEN, else the one the run command keeps in .env.local
    (``env_file=None``: the environment only)."""
    return local_secret(TOKEN_VARIABLE, environ, env_file)


def load_or_create_token(env_file: Path = ENV_FILE) -> str:
    """The API token, a new random one kept in .env.local when there is none yet."""
    return load_or_create_secret(TOKEN_VARIABLE, env_file)


def split_origins(value: str) -> List[str]:
    """Origins from a comma- or space-separated string."""
    return value.replace(",", " ").split()


def cors_origins(environ: Optional[Mapping[str, str]] = None) -> List[str]:
    """The origins in CORS_ORIGINS (empty when unset)."""
    environ = os.environ if environ is None else environ
    return split_origins(environ.get(CORS_VARIABLE) or "")


def cors_setting(environ: Mapping[str, str], web_port: int) -> str:
    """The run command's origins: CORS_ORIGINS, else the demo page (as localhost and
    127.0.0.1). Never "*": any site could then call the REST channel and the API from a
    visitor's browser."""
    demo = f"http://localhost:{web_port} http://127.0.0.1:{web_port}"
    value = (environ.get(CORS_VARIABLE) or "").strip() or demo
    if "*" in value:
        raise SystemExit(f"{CORS_VARIABLE} mag geen '*' bevatten: noem de sites die de chat tonen, "
                         f"bijvoorbeeld {CORS_VARIABLE}=https://www.gemeente.nl")
    return value


@dataclass(frozen=True)
class SqlTrackerStore:
    """The SQL tracker store an endpoints file names."""

    dialect: str
    url: Union[str, Any]  # str or sqlalchemy.engine.URL, as Rasa builds it
    sqlite_file: Optional[Path] = None  # the database file, for SQLite without a url


def sql_tracker_store(endpoints: Path, relative_to: Optional[Path] = None) -> Optional[SqlTrackerStore]:
    """The endpoints file's SQL tracker store, or None when it names another kind (or none).

    A relative SQLite file is taken relative to ``relative_to``; without it, relative to
    the working directory, as Rasa does."""
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.utils.endpoints import read_endpoint_config

    store = read_endpoint_config(str(endpoints), "tracker_store")
    if store is None or str(store.type or "").lower() != "sql":
        return None
    # Rasa expands ${VAR} in plain YAML values only; a quoted "${VAR}" is expanded here too
    kwargs = {key: os.path.expandvars(value) if isinstance(value, str) else value
              for key, value in store.kwargs.items()}
    dialect = str(kwargs.get("dialect") or "sqlite")
    db = str(kwargs.get("db") or "rasa.db")
    host = os.path.expandvars(store.url) if store.url else kwargs.get("host")
    sqlite_file = None
    if dialect == "sqlite" and not host:
        sqlite_file = Path(db) if relative_to is None or Path(db).is_absolute() else relative_to / db
        db = str(sqlite_file)
    port = int(kwargs["port"]) if str(kwargs.get("port") or "").isdigit() else None
    url = SQLTrackerStore.get_db_url(dialect, host, port, db, kwargs.get("username"),
                                     kwargs.get("password"), None, kwargs.get("query"))
    return SqlTrackerStore(dialect, url, sqlite_file)
