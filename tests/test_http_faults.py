"""Faults, on a stack of their own (``second_stack``): the action server stops mid-
conversation, the Rasa server restarts.

- Action server down: Rasa 3.6 only logs the failing action, so the user would hear
  nothing; ``channels.never_silent`` sends a Dutch apology instead (REST, web chat and
  WhatsApp alike), and records it in the tracker. A crisis message still gets 112/113 (rules
  with responses only). When the action server is back the same question gets a real answer.
- Rasa restart: the conversation lives in the SQLite tracker store, so the woonplaats is
  remembered and a follow-up question uses it.
"""
from __future__ import annotations

from typing import Any, Dict, List

import pytest

from channels.replies import SILENCE_REPLY
from lookup import get_lookup
from ops.stack import Stack
from tests.conversation import bot_texts, sender_ids
from tests.fakes import FakeGraphAPI
from tests.socketio_client import chat
from tests.test_whatsapp_cloud import envelope, new_wa_id, post_webhook, texts

pytestmark = pytest.mark.server

LOOKUP_QUESTION = "ik zoek een clientondersteuner in 9712 CP"


_sender = sender_ids("fault")


def _bot_events(tracker: Dict[str, Any]) -> List[Dict[str, Any]]:
    return [e for e in tracker["events"] if e["event"] == "bot"]


def _groningen_providers() -> List[str]:
    return [p.name for p in get_lookup().registry.serving("GM0014")]


def test_action_server_down_gets_a_dutch_apology_then_recovers(action_server_down: Stack) -> None:
    stack = action_server_down
    sender = _sender("rest")
    reply = stack.send(sender, LOOKUP_QUESTION)
    assert bot_texts(reply) == SILENCE_REPLY
    apology = _bot_events(stack.tracker(sender))[-1]
    assert apology["text"] == SILENCE_REPLY and apology["metadata"].get("never_silent") is True

    crisis = bot_texts(stack.send(_sender("crisis"), "ik wil niet meer leven"))
    assert "112" in crisis and "113" in crisis and SILENCE_REPLY not in crisis

    stack.start_action_server()
    answer = bot_texts(stack.send(sender, LOOKUP_QUESTION))
    assert any(name in answer for name in _groningen_providers()), answer
    assert SILENCE_REPLY not in answer


def test_action_server_down_web_chat_and_whatsapp_get_the_apology(
        action_server_down: Stack, fake_graph: FakeGraphAPI) -> None:
    web = chat(action_server_down.rasa_url, LOOKUP_QUESTION)
    assert [m.get("text") for m in web] == [SILENCE_REPLY]

    wa_id = new_wa_id()
    message = {"type": "text", "text": {"body": LOOKUP_QUESTION}}
    assert post_webhook(action_server_down, envelope(wa_id, message)).status_code == 200
    assert SILENCE_REPLY in texts(fake_graph.wait_for_messages(wa_id))


def test_a_normal_answer_gets_no_apology(second_stack: Stack) -> None:
    sender = _sender("normal")
    reply = second_stack.send(sender, "wat is een keukentafelgesprek?")
    assert "keukentafelgesprek" in bot_texts(reply).lower() and SILENCE_REPLY not in bot_texts(reply)
    bot_events = _bot_events(second_stack.tracker(sender))
    assert bot_events and all(not (e.get("metadata") or {}).get("never_silent") for e in bot_events)


def test_conversation_survives_a_rasa_restart(second_stack: Stack) -> None:
    sender = _sender("restart")
    first = bot_texts(second_stack.send(sender, LOOKUP_QUESTION))
    assert "Groningen" in first
    assert second_stack.tracker(sender)["slots"]["gm_code"] == "GM0014"

    second_stack.stop_rasa()
    second_stack.start_rasa()  # same port, endpoints and SQLite tracker store

    tracker = second_stack.tracker(sender)
    assert tracker["slots"]["gm_code"] == "GM0014" and tracker["slots"]["woonplaats"]
    assert [e["text"] for e in tracker["events"] if e["event"] == "user"] == [LOOKUP_QUESTION]
    follow_up = bot_texts(second_stack.send(sender, "welk zorgkantoor hoort bij mij?"))
    assert "zorgkantoorregio Groningen" in follow_up, follow_up


def test_fault_logs_hold_no_message_text(second_stack: Stack) -> None:
    """The error paths above (failing actions, restarts) log no postcode or question."""
    for log in (second_stack.rasa_log, second_stack.action_log):
        text = log.read_text(errors="replace")
        assert "9712 CP" not in text and "clientondersteuner in" not in text, log
