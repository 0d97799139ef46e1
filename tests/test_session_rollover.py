"""Long conversations roll over into a new session without losing what they must remember.

Against the shared running stack (SESSION_MAX_TURNS at its default): after that many user
messages, at a rest point, Rasa starts a new session that carries over the slots (the
woonplaats) and an open form; Rasa loads only that session for the next turn. After 60
minutes of silence the new session forgets the woonplaats (privacy; docs/sessions.md).
The events are read from the stack's SQLite tracker store; the one direct write ages a
conversation (there is no other way to make an hour pass).
"""
from __future__ import annotations

import json
import sqlite3
import uuid
from contextlib import closing
from typing import Any, Dict, List, Set, Tuple

import pytest
import yaml

from ops.model_state import ROOT
from ops.session_rollover import CONTEXT_INTENTS, DEFAULT_MAX_TURNS, OPEN_QUESTIONS, ROLLOVER_METADATA
from channels.sender_ids import conversation_id
from ops.stack import Stack
from tests.conversation import bot_texts
from nlp.language import ENGLISH
from safety.levels import ACUTE_RESPONSE, CHECK_RESPONSE, in_language

FAQ = "wat is respijtzorg"
ASK_WOONPLAATS = "In welke gemeente woont u?"


def _sender(kind: str) -> str:
    return f"rollover-{kind}-{uuid.uuid4().hex[:8]}"


def _events(stack: Stack, sender: str) -> List[Tuple[str, float, Dict[str, Any]]]:
    with closing(sqlite3.connect(stack.workdir / "tracker.db")) as connection:
        rows = connection.execute("SELECT type_name, timestamp, data FROM events WHERE sender_id = ? "
                                  "ORDER BY id", (conversation_id("rest", sender),)).fetchall()
    return [(kind, ts, json.loads(data)) for kind, ts, data in rows]


def _rollovers(stack: Stack, sender: str) -> List[Dict[str, Any]]:
    return [data for kind, _, data in _events(stack, sender)
            if kind == "session_started"
            and all((data.get("metadata") or {}).get(k) == v for k, v in ROLLOVER_METADATA.items())]


def _loaded(stack: Stack, sender: str) -> List[Tuple[str, float, Dict[str, Any]]]:
    """The events Rasa loads for the next turn: those since the latest session start."""
    events = _events(stack, sender)
    starts = [ts for kind, ts, _ in events if kind == "session_started"]
    return [e for e in events if not starts or e[1] >= max(starts)]


def _chat(stack: Stack, sender: str, texts: List[str]) -> List[str]:
    replies = []
    for text in texts:
        reply = bot_texts(stack.send(sender, text))
        assert reply, f"no answer to {text!r}"
        replies.append(reply)
    return replies


def _rules() -> List[List[Dict[str, Any]]]:
    steps = []
    for path in (ROOT / "data").rglob("*.yml"):
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for rule in doc.get("rules", []) + doc.get("stories", []):
            steps.append(rule.get("steps", []))
    return steps


def test_every_bot_question_that_a_rule_answers_is_an_open_question() -> None:
    """A rule 'bot action, then intent' needs the action in the same session: no rollover there."""
    asked: Set[str] = set()
    for steps in _rules():
        for before, after in zip(steps, steps[1:]):
            if "action" in before and "intent" in after and before["action"] != "action_listen":
                asked.add(before["action"])
    assert asked, "no rule with a question found; the check would be empty"
    assert asked | {CHECK_RESPONSE, in_language(CHECK_RESPONSE, ENGLISH)} <= OPEN_QUESTIONS
    assert "nlu_fallback" in CONTEXT_INTENTS


@pytest.mark.server
def test_a_long_conversation_rolls_over_and_keeps_the_woonplaats(stack: Stack) -> None:
    sender = _sender("woonplaats")
    first = _chat(stack, sender, ["Ik woon in 9712 CP, waar vind ik een cliëntondersteuner?"])[0]
    assert "Groningen" in first
    _chat(stack, sender, [FAQ] * (2 * DEFAULT_MAX_TURNS))
    assert len(_rollovers(stack, sender)) >= 1
    loaded = _loaded(stack, sender)
    assert sum(1 for kind, _, _ in loaded if kind == "user") <= DEFAULT_MAX_TURNS
    # the new session knows the woonplaats: no question, the answer for Groningen at once
    again = _chat(stack, sender, ["waar vind ik een cliëntondersteuner"])[0]
    assert ASK_WOONPLAATS not in again and "Groningen" in again
    assert stack.tracker(sender)["slots"]["gm_code"] == "GM0014"


@pytest.mark.server
def test_an_open_form_goes_on_in_the_new_session(stack: Stack) -> None:
    sender = _sender("form")
    _chat(stack, sender, [FAQ] * (DEFAULT_MAX_TURNS - 1))
    question = _chat(stack, sender, ["ik zoek een cliëntondersteuner"])[0]
    assert ASK_WOONPLAATS in question and not _rollovers(stack, sender)
    answer = _chat(stack, sender, ["Zwolle"])[0]
    assert len(_rollovers(stack, sender)) == 1, "the session should have rolled over before 'Zwolle'"
    assert "Zwolle" in answer and ASK_WOONPLAATS not in answer
    tracker = stack.tracker(sender)
    assert tracker["active_loop"] == {} or not tracker["active_loop"].get("name")


@pytest.mark.server
def test_the_safety_check_question_and_its_answer_stay_in_one_session(stack: Stack) -> None:
    sender = _sender("check")
    _chat(stack, sender, [FAQ] * (DEFAULT_MAX_TURNS - 1) + ["/safety_check"])
    answer = _chat(stack, sender, ["ja"])[0]
    assert not _rollovers(stack, sender), "no rollover between the check question and its answer"
    assert "112" in answer
    kinds = [data.get("name") for kind, _, data in _events(stack, sender) if kind == "action"]
    assert ACUTE_RESPONSE in kinds
    _chat(stack, sender, [FAQ])
    assert len(_rollovers(stack, sender)) == 1, "at the next rest point the session rolls over"


@pytest.mark.server
def test_after_an_hour_of_silence_the_woonplaats_is_forgotten(stack: Stack) -> None:
    sender = _sender("silence")
    assert "Groningen" in _chat(stack, sender, ["Ik woon in 9712 CP, waar vind ik een cliëntondersteuner?"])[0]
    with closing(sqlite3.connect(stack.workdir / "tracker.db")) as connection, connection:
        # Rasa rebuilds events from `data`, whose timestamp is what the session check reads
        connection.execute("UPDATE events SET timestamp = timestamp - :s, data = json_set(data, '$.timestamp', "
                           "json_extract(data, '$.timestamp') - :s) WHERE sender_id = :id",
                           {"s": 61 * 60, "id": conversation_id("rest", sender)})
    again = _chat(stack, sender, ["waar vind ik een cliëntondersteuner"])[0]
    assert ASK_WOONPLAATS in again
    assert not _rollovers(stack, sender)
    assert not stack.tracker(sender)["slots"].get("gm_code")
