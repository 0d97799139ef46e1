"""``python -m ops.purge`` against the tracker database of the running shared stack.

Two conversations are made through the REST channel; one is made old by moving its event
timestamps 100 days back (the only direct database write: there is no other way to age a
conversation). The purge with ``--days 90`` must delete exactly that one, which the HTTP
tracker API then shows as empty, and keep the recent one and all others.
"""
from __future__ import annotations

import sqlite3
from contextlib import closing
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any, Dict, List

import pytest

from ops.model_state import ROOT, rasa_env
from ops.stack import Stack

pytestmark = pytest.mark.server

QUESTION = "ik zoek een clientondersteuner in 9712 CP"
HUNDRED_DAYS = 100 * 24 * 3600


def _purge(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ops.purge", *args], cwd=ROOT, env=rasa_env(),
                          capture_output=True, text=True, timeout=120)


def _user_events(tracker: Dict[str, Any]) -> List[Dict[str, Any]]:
    return [e for e in tracker["events"] if e["event"] == "user"]


def _db(stack: Stack) -> Path:
    return stack.workdir / "tracker.db"


def _count(stack: Stack, sql: str, *params: Any) -> int:
    with closing(sqlite3.connect(_db(stack))) as connection:
        return int(connection.execute(sql, params).fetchone()[0])


def test_purge_deletes_only_conversations_older_than_n_days(stack: Stack) -> None:
    old, recent = (f"purge-{kind}-{uuid.uuid4().hex[:8]}" for kind in ("old", "recent"))
    for sender in (old, recent):
        assert stack.send(sender, QUESTION)
    with closing(sqlite3.connect(_db(stack))) as connection, connection:
        connection.execute("UPDATE events SET timestamp = timestamp - ? WHERE sender_id = ?",
                           (HUNDRED_DAYS, "rest:" + old))
    old_events = _count(stack, "SELECT COUNT(*) FROM events WHERE sender_id = ?", "rest:" + old)
    senders_before = _count(stack, "SELECT COUNT(DISTINCT sender_id) FROM events")
    endpoints = str(stack.endpoints)

    dry = _purge("--days", "90", "--endpoints", endpoints, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert f"1 gesprek ({old_events} gebeurtenissen)" in dry.stdout and "Proefdraai" in dry.stdout
    assert _user_events(stack.tracker(old))

    done = _purge("--days", "90", "--endpoints", endpoints)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"Verwijderd: 1 gesprek ({old_events} gebeurtenissen)"), done.stdout
    assert old not in done.stdout + done.stderr and recent not in done.stdout + done.stderr

    assert _count(stack, "SELECT COUNT(DISTINCT sender_id) FROM events") == senders_before - 1
    gone = stack.tracker(old)
    assert _user_events(gone) == [] and not gone["slots"].get("gm_code")
    kept = stack.tracker(recent)
    assert [e["text"] for e in _user_events(kept)] == [QUESTION] and kept["slots"]["gm_code"] == "GM0014"
    assert stack.send(recent, "hallo")  # the server goes on as before


def test_purge_refuses_an_unusable_configuration(tmp_path: Path) -> None:
    missing = _purge("--endpoints", str(tmp_path / "nope.yml"))
    assert missing.returncode == 2 and "bestaat niet" in missing.stderr
    no_db = tmp_path / "endpoints.yml"
    no_db.write_text(f"tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: {tmp_path / 'none.db'}\n")
    refused = _purge("--endpoints", str(no_db))
    assert refused.returncode == 2 and "bestaat niet" in refused.stderr
    assert not (tmp_path / "none.db").exists()
    in_memory = tmp_path / "memory.yml"
    in_memory.write_text("tracker_store:\n  type: in_memory\n")
    assert _purge("--endpoints", str(in_memory)).returncode == 2


def test_make_purge_passes_days_and_endpoints() -> None:
    dry = subprocess.run(["make", "-n", "purge", "DAYS=30", "ENDPOINTS=config/x.yml"], cwd=ROOT,
                         capture_output=True, text=True, timeout=30)
    assert "-m ops.purge --days 30 --endpoints config/x.yml" in dry.stdout, dry.stdout + dry.stderr
    default = subprocess.run(["make", "-n", "purge"], cwd=ROOT, capture_output=True, text=True, timeout=30)
    assert "-m ops.purge --days 90" in default.stdout
