"""``ops.settings``: the API token, the CORS origins and the tracker-store URL, each read in
one place. Defaults and overrides, on real files in a temporary directory."""
from __future__ import annotations

import stat
from pathlib import Path

import pytest

from ops.model_state import ROOT
from ops.settings import (ENV_FILE, api_token, cors_origins, cors_setting, load_or_create_secret,
                          load_or_create_token, split_origins, sql_tracker_store)


# --- the API token --------------------------------------------------------------------------

def test_the_token_file_is_the_run_commands_env_local() -> None:
    assert ENV_FILE == ROOT / ".env.local"


def test_token_from_the_environment_wins_over_the_file(tmp_path: Path) -> None:
    env_file = tmp_path / ".env.local"
    env_file.write_text("RASA_TOKEN=uit-bestand\n", encoding="utf-8")
    assert api_token({"RASA_TOKEN": "uit-omgeving"}, env_file) == "uit-omgeving"
    assert api_token({}, env_file) == "uit-bestand"
    assert api_token({"RASA_TOKEN": ""}, env_file) == "uit-bestand"  # empty counts as unset


def test_no_token_anywhere_is_none(tmp_path: Path) -> None:
    assert api_token({}, tmp_path / "bestaat-niet") is None
    env_file = tmp_path / ".env.local"
    env_file.write_text("CHANNEL_SECRET=x\n", encoding="utf-8")
    assert api_token({}, env_file) is None
    # the server's own start reads the environment only, never the file
    env_file.write_text("RASA_TOKEN=uit-bestand\n", encoding="utf-8")
    assert api_token({}, env_file=None) is None


def test_a_missing_token_is_created_once_and_kept_private(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("RASA_TOKEN", "CHANNEL_SECRET"):
        monkeypatch.delenv(name, raising=False)
    env_file = tmp_path / ".env.local"
    token = load_or_create_token(env_file)
    assert len(token) >= 24
    assert load_or_create_token(env_file) == token  # kept, not made again
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
    assert api_token({}, env_file) == token
    other = load_or_create_secret("CHANNEL_SECRET", env_file)
    assert other != token
    assert env_file.read_text(encoding="utf-8").splitlines() == [f"RASA_TOKEN={token}", f"CHANNEL_SECRET={other}"]
    monkeypatch.setenv("RASA_TOKEN", "gezet")
    assert load_or_create_token(env_file) == "gezet"


# --- CORS origins ---------------------------------------------------------------------------

def test_origins_are_comma_or_space_separated() -> None:
    assert split_origins("https://a.nl, https://b.nl  https://c.nl") == ["https://a.nl", "https://b.nl",
                                                                         "https://c.nl"]
    assert cors_origins({"CORS_ORIGINS": "https://a.nl,https://b.nl"}) == ["https://a.nl", "https://b.nl"]
    assert cors_origins({}) == [] and cors_origins({"CORS_ORIGINS": " "}) == []


def test_run_command_origins_default_to_the_demo_page() -> None:
    assert cors_setting({}, 8123).split() == ["http://localhost:8123", "http://127.0.0.1:8123"]
    assert cors_setting({"CORS_ORIGINS": "  "}, 8123).split() == ["http://localhost:8123", "http://127.0.0.1:8123"]
    assert cors_setting({"CORS_ORIGINS": " https://www.gemeente.nl "}, 8123) == "https://www.gemeente.nl"
    with pytest.raises(SystemExit, match="CORS_ORIGINS"):
        cors_setting({"CORS_ORIGINS": "https://www.gemeente.nl *"}, 8123)


# --- the tracker store ----------------------------------------------------------------------

def _endpoints(tmp_path: Path, tracker_store: str) -> Path:
    path = tmp_path / "endpoints.yml"
    path.write_text(f"action_endpoint:\n  url: http://localhost:5055/webhook\n{tracker_store}", encoding="utf-8")
    return path


def test_sqlite_file_relative_to_the_working_directory_by_default(tmp_path: Path) -> None:
    endpoints = _endpoints(tmp_path, 'tracker_store:\n  type: SQL\n  dialect: "sqlite"\n  db: "gesprekken.db"\n')
    store = sql_tracker_store(endpoints)
    assert store is not None and store.dialect == "sqlite"
    assert store.sqlite_file == Path("gesprekken.db")  # as Rasa, from its working directory
    assert str(store.url) == "sqlite:///gesprekken.db"
    beside = sql_tracker_store(endpoints, relative_to=tmp_path)
    assert beside is not None and beside.sqlite_file == tmp_path / "gesprekken.db"
    assert str(beside.url) == f"sqlite:///{tmp_path / 'gesprekken.db'}"
    absolute = _endpoints(tmp_path, f'tracker_store:\n  type: SQL\n  db: "{tmp_path / "a.db"}"\n')
    store = sql_tracker_store(absolute, relative_to=ROOT)  # dialect defaults to sqlite
    assert store is not None and store.sqlite_file == tmp_path / "a.db"


def test_postgresql_with_values_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PG_HOST", "db.example")
    monkeypatch.setenv("PG_PASSWORD", "geheim")
    endpoints = _endpoints(tmp_path, 'tracker_store:\n  type: SQL\n  dialect: "postgresql"\n  url: "${PG_HOST}"\n'
                                     '  port: 5432\n  db: "rasa"\n  username: "rasa"\n  password: "${PG_PASSWORD}"\n')
    store = sql_tracker_store(endpoints, relative_to=tmp_path)
    assert store is not None and store.dialect == "postgresql" and store.sqlite_file is None
    assert store.url.render_as_string(hide_password=False) == "postgresql://rasa:geheim@db.example:5432/rasa"


def test_no_sql_tracker_store_is_none(tmp_path: Path) -> None:
    assert sql_tracker_store(_endpoints(tmp_path, "tracker_store:\n  type: InMemoryTrackerStore\n")) is None
    assert sql_tracker_store(_endpoints(tmp_path, "")) is None
