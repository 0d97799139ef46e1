"""Two messages from the same sender at the same moment are handled one after the other.

Rasa's lock store serialises the messages of one conversation: both get their answer, no
event is lost, and in the tracker each user message is followed by its own reply before
the next user message (never interleaved).
"""
from __future__ import annotations

import threading
import uuid
from typing import Any, Dict, List

import pytest
import requests

from ops.stack import Stack
from tests.conversation import bot_texts, run_in_threads

pytestmark = pytest.mark.server

QUESTIONS = {
    "hallo": "Waar kan ik u mee helpen?",
    "wat is een keukentafelgesprek?": "keukentafelgesprek",
}


def _send_at_once(stack: Stack, sender: str) -> Dict[str, List[Dict[str, Any]]]:
    barrier = threading.Barrier(len(QUESTIONS))
    replies: Dict[str, List[Dict[str, Any]]] = {}
    errors: List[BaseException] = []

    def send(text: str) -> None:
        try:
            barrier.wait(10)
            response = requests.post(f"{stack.rasa_url}/webhooks/rest/webhook",
                                     json={"sender": sender, "message": text}, timeout=60)
            response.raise_for_status()
            replies[text] = response.json()
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    run_in_threads(send, QUESTIONS, 90)
    assert not errors, errors
    return replies


@pytest.mark.parametrize("round_", range(3))
def test_simultaneous_messages_are_serialised(stack: Stack, round_: int) -> None:
    sender = f"concurrent-{round_}-{uuid.uuid4().hex[:8]}"
    replies = _send_at_once(stack, sender)
    for question, expected in QUESTIONS.items():
        assert expected.lower() in bot_texts(replies[question]).lower(), (question, replies[question])

    turns: List[Dict[str, Any]] = []  # each user message with the bot texts that follow it
    for event in stack.tracker(sender)["events"]:
        if event["event"] == "user":
            turns.append({"user": event["text"], "bot": []})
        elif event["event"] == "bot" and turns:
            turns[-1]["bot"].append(event["text"])
    assert sorted(turn["user"] for turn in turns) == sorted(QUESTIONS)
    for turn in turns:
        assert turn["bot"] == [m["text"] for m in replies[turn["user"]] if m.get("text")], turn
