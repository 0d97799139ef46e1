"""A conversation of 1,000 turns is still served quickly and correctly, and purged correctly.

Driving 1,000 turns over HTTP would take minutes, so the history is made from a real one: a
template conversation of one full session plus a rollover is driven over the REST channel,
and its stored events are copied into the SQLite tracker store of the shared stack as 48
earlier days of a second conversation (timestamps moved back by whole days, in the column and
in the event data Rasa reads). That conversation then goes on over HTTP past its next
rollover: each answer must be right, Rasa must load only the current session, and
``ops.purge --days 30`` must remove exactly the sessions older than 30 days and keep the rest.
"""
from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import uuid
from contextlib import closing
from typing import Any, Dict, List, Tuple

import pytest

from ops.model_state import ROOT, rasa_env
from ops.session_rollover import DEFAULT_MAX_TURNS
from channels.sender_ids import conversation_id
from ops.stack import Stack
from tests.conversation import bot_texts

pytestmark = pytest.mark.server

DAY = 24 * 3600
COPIES = 48
PURGE_TIMEOUT_S = 120
MIX = ["Ik woon in Zwolle, waar vind ik een cliëntondersteuner?", "wat is respijtzorg", "kost dat geld?",
       "welk zorgkantoor hoort bij Tilburg?", "wat is metgezel", "dank je wel"]
ASK_WOONPLAATS = "In welke gemeente woont u?"


def _rows(stack: Stack, sender: str) -> List[Tuple[Any, ...]]:
    with closing(sqlite3.connect(stack.workdir / "tracker.db")) as connection:
        return connection.execute("SELECT type_name, timestamp, intent_name, action_name, data FROM events "
                                  "WHERE sender_id = ? ORDER BY id", (sender,)).fetchall()


def _count(stack: Stack, sql: str, *params: Any) -> int:
    with closing(sqlite3.connect(stack.workdir / "tracker.db")) as connection:
        return int(connection.execute(sql, params).fetchone()[0])


def _copy_as_earlier_days(stack: Stack, template: List[Tuple[Any, ...]], sender: str) -> None:
    """The template's events, once per day for COPIES days before today, oldest first."""
    rows = []
    for day in range(COPIES, 0, -1):
        shift = day * DAY
        for type_name, timestamp, intent, action, data in template:
            event = json.loads(data)
            event["timestamp"] = event["timestamp"] - shift
            rows.append((sender, type_name, timestamp - shift, intent, action, json.dumps(event)))
    with closing(sqlite3.connect(stack.workdir / "tracker.db")) as connection, connection:
        connection.executemany("INSERT INTO events (sender_id, type_name, timestamp, intent_name, action_name, data) "
                               "VALUES (?, ?, ?, ?, ?, ?)", rows)


def _event_ages(stack: Stack, sender: str) -> Dict[int, Tuple[str, float]]:
    """Each event's id -> (type, age in days), for a failure message."""
    with closing(sqlite3.connect(stack.workdir / "tracker.db")) as connection:
        rows = connection.execute("SELECT id, type_name, strftime('%s','now') - timestamp FROM events "
                                  "WHERE sender_id = ?", (sender,)).fetchall()
    return {row[0]: (row[1], row[2] / DAY) for row in rows}


def _unexpectedly_purged(stack: Stack, sender: str, ids_before: Dict[int, Tuple[str, float]]) -> str:
    """Which events the purge removed although they were younger than 30 days, and their ages."""
    remaining = _event_ages(stack, sender)
    gone = [ids_before[i] for i in ids_before if i not in remaining and ids_before[i][1] < 30]
    return f"{len(gone)} events younger than 30 days purged, e.g. {sorted(gone, key=lambda g: g[1])[:5]}"


def _loaded_user_turns(stack: Stack, sender: str) -> int:
    """User messages Rasa loads for the next turn (events since the latest session start)."""
    return _count(stack, "SELECT COUNT(*) FROM events WHERE sender_id = ?1 AND type_name = 'user' AND timestamp >= "
                         "(SELECT MAX(timestamp) FROM events WHERE sender_id = ?1 AND type_name = 'session_started')",
                  sender)


def _send_all(stack: Stack, sender: str, texts: List[str]) -> List[str]:
    replies = [bot_texts(stack.send(sender, text)) for text in texts]
    assert all(replies), "every message gets an answer"
    return replies


def test_a_thousand_turn_conversation_is_served_and_purged(stack: Stack) -> None:
    template_sender, sender = (f"long-{k}-{uuid.uuid4().hex[:8]}" for k in ("template", "carer"))
    turns = (MIX * 10)[:DEFAULT_MAX_TURNS + 1]  # one full session, then the rollover's turn
    _send_all(stack, template_sender, turns)
    # the tracker store keys REST conversations as rest:<sender> (channels.sender_ids)
    stored, template_stored = conversation_id("rest", sender), conversation_id("rest", template_sender)
    template = _rows(stack, template_stored)
    _copy_as_earlier_days(stack, template, stored)
    stored_turns = _count(stack, "SELECT COUNT(*) FROM events WHERE sender_id = ? AND type_name = 'user'", stored)
    assert stored_turns == COPIES * len(turns) >= 1000 - 2 * DEFAULT_MAX_TURNS

    # it goes on today: a new session (yesterday is long ago), the woonplaats asked again
    first = _send_all(stack, sender, ["waar vind ik een cliëntondersteuner"])[0]
    assert ASK_WOONPLAATS in first
    assert "Zwolle" in _send_all(stack, sender, ["Zwolle"])[0]
    replies = _send_all(stack, sender, (MIX[1:] * 10)[:DEFAULT_MAX_TURNS + 1])
    assert "Tilburg" in replies[2] or "zorgkantoor" in replies[2].lower()
    total_turns = _count(stack, "SELECT COUNT(*) FROM events WHERE sender_id = ? AND type_name = 'user'", stored)
    assert total_turns >= 1000
    assert _loaded_user_turns(stack, stored) <= DEFAULT_MAX_TURNS
    # after the rollover the woonplaats is still known (the last one named: Tilburg)
    again = _send_all(stack, sender, ["waar vind ik een cliëntondersteuner"])[0]
    assert ASK_WOONPLAATS not in again and "Tilburg" in again

    before = _count(stack, "SELECT COUNT(*) FROM events WHERE sender_id = ?", stored)
    # the purge takes its own "now" a few seconds later: what is old lies between the events older
    # than 30 days now and those older than 30 days by the time the purge may take at most
    older_than = "SELECT COUNT(*) FROM events WHERE sender_id = ? AND timestamp < strftime('%s','now') - ?"
    old = _count(stack, older_than, stored, 30 * DAY)
    old_by_then = _count(stack, older_than, stored, 30 * DAY - PURGE_TIMEOUT_S)
    ids_before = _event_ages(stack, stored)
    purged = subprocess.run([sys.executable, "-m", "ops.purge", "--days", "30", "--endpoints", str(stack.endpoints)],
                            cwd=ROOT, env=rasa_env(), capture_output=True, text=True, timeout=PURGE_TIMEOUT_S)
    assert purged.returncode == 0, purged.stderr
    assert old > 0 and "Uit lopende gesprekken: " in purged.stdout and sender not in purged.stdout
    after = _count(stack, "SELECT COUNT(*) FROM events WHERE sender_id = ?", stored)
    assert before - old_by_then <= after <= before - old, _unexpectedly_purged(stack, stored, ids_before)
    assert _count(stack, "SELECT COUNT(*) FROM events WHERE sender_id = ? AND timestamp < strftime('%s','now') - ?",
                  stored, 30 * DAY) == 0
    # the conversation goes on unchanged: still today's session, still Tilburg
    assert "Tilburg" in _send_all(stack, sender, ["waar vind ik een cliëntondersteuner"])[0]
    assert _rows(stack, template_stored) == template, "other conversations are not touched"
