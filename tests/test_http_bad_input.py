"""Bad input over the REST webhook (``POST /webhooks/rest/webhook``) of the running servers.

Odd text gets a Dutch reply; a broken request gets a 400 with a Dutch explanation (see
channels/rest_channel.py). Either way the server keeps serving: afterwards a normal
question is answered and the conversation's tracker can be read.
"""
from __future__ import annotations

import json
import re
import uuid
from typing import Any, Dict, List

import pytest
import requests

from channels.input_text import MAX_MESSAGE_CHARS
from channels.replies import LONG_MESSAGE_NOTE
from ops.stack import Stack
from tests.conversation import bot_texts, sender_ids

pytestmark = pytest.mark.server

DUTCH_WORDS = {"u", "uw", "de", "het", "een", "ik", "en", "van", "is", "wilt", "kunt", "dat", "dit",
               "kan", "niet", "geen", "moet", "zijn", "of", "als", "met", "voor", "naar"}
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


_sender = sender_ids("bad")


def _post_raw(stack: Stack, body: bytes) -> requests.Response:
    return requests.post(f"{stack.rasa_url}/webhooks/rest/webhook", data=body,
                         headers={"Content-Type": "application/json"}, timeout=60)


def _looks_dutch(text: str) -> bool:
    return len(DUTCH_WORDS & set(re.findall(r"\w+", text.lower()))) >= 2


def _user_texts(tracker: Dict[str, Any]) -> List[str]:
    return [e.get("text") or "" for e in tracker["events"] if e["event"] == "user"]


def _still_serving(stack: Stack, sender: str) -> None:
    """A normal question still gets its answer; the same conversation goes on too (its
    reply depends on where it was, e.g. a form asking for the woonplaats)."""
    assert "Waar kan ik u mee helpen?" in bot_texts(stack.send(_sender("fresh"), "hallo"))
    assert bot_texts(stack.send(sender, "hallo"))
    assert stack.tracker(sender)["latest_message"]["text"] == "hallo"


# --- odd text: a Dutch reply ------------------------------------------------------------

ODD_TEXT = {
    "empty": "",
    "whitespace": "  \t \n ",
    "emoji": "😀😀😀",
    "punctuation": "!!!",
    "very-long-20000": "x" * 20_000,
    "long-5000": "x" * 5000,
    "long-story": "Ik zorg voor mijn moeder " * 200,
    "arabic": "مرحبا، أنا أعتني بوالدتي وأحتاج إلى مساعدة",
    "hebrew": "שלום, אני מטפל באמא שלי וצריך עזרה",
    "html-script": "<script>alert('x')</script><b>hallo</b>",
    "sql": "'; DROP TABLE events; --",
    "control-chars": "hallo\x00 wereld\x07\x1b[31m rood\x1b[0m\x08\x7f",
    "bidi-override": "\u202ewoonplaats\u202c Utrecht",
}


@pytest.mark.parametrize("name", list(ODD_TEXT))
def test_odd_text_gets_a_dutch_reply_and_the_server_keeps_serving(stack: Stack, name: str) -> None:
    sender = _sender(name)
    reply = stack.send(sender, ODD_TEXT[name])
    text = bot_texts(reply)
    assert text and _looks_dutch(text), reply
    assert "<script>" not in text
    assert not CONTROL.search(text), "a control character came back to the user"
    stored = _user_texts(stack.tracker(sender))
    assert len(stored) == 1 and len(stored[0]) <= MAX_MESSAGE_CHARS
    assert not CONTROL.search(stored[0]) and "\u202e" not in stored[0]
    _still_serving(stack, sender)


@pytest.mark.parametrize("message", ["", "   ", "😀😀😀", "!!!", "\x00\x07"])
def test_messages_without_words_are_asked_for_words(stack: Stack, message: str) -> None:
    assert "woorden" in bot_texts(stack.send(_sender("nowords"), message))


def test_a_long_message_is_cut_and_the_user_is_told(stack: Stack) -> None:
    sender = _sender("long")
    reply = stack.send(sender, "Wat is een keukentafelgesprek? " + "bla " * 5000)
    assert reply[0]["text"] == LONG_MESSAGE_NOTE
    assert _looks_dutch(bot_texts(reply[1:])), "the note came, but no answer after it"
    assert len(_user_texts(stack.tracker(sender))[0]) <= MAX_MESSAGE_CHARS


def test_a_danger_phrase_beyond_the_cut_still_gets_the_crisis_answer(stack: Stack) -> None:
    sender = _sender("long-crisis")
    story = "Ik zorg al jaren voor mijn vader en het wordt me te veel. " * 300
    reply = stack.send(sender, story + "Ik wil niet meer leven.")
    assert reply[0]["text"] == LONG_MESSAGE_NOTE
    assert "112" in bot_texts(reply[1:]) and "113" in bot_texts(reply[1:]), reply
    assert len(_user_texts(stack.tracker(sender))[0]) <= MAX_MESSAGE_CHARS


def test_sql_like_text_is_stored_as_plain_text(stack: Stack) -> None:
    sender = _sender("sql")
    stack.send(sender, ODD_TEXT["sql"])
    assert _user_texts(stack.tracker(sender)) == [ODD_TEXT["sql"]]
    _still_serving(stack, _sender("after-sql"))


def test_a_lone_surrogate_is_dropped_not_a_crash(stack: Stack) -> None:
    sender = _sender("surrogate")
    response = _post_raw(stack, json.dumps({"sender": sender, "message": "hallo\ud800"}).encode())
    assert response.status_code == 200
    assert "Waar kan ik u mee helpen?" in bot_texts(response.json())
    _still_serving(stack, sender)


# --- broken requests: a 400 with a Dutch explanation -------------------------------------

BAD_BODIES = {
    "invalid-json": (b'{"sender": "x", "message": ', "body"),
    "not-utf8": (b'{"sender": "x", "message": "\xff\xfe"}', "body"),
    "json-array": (b'["hallo"]', "body"),
    "json-string": (b'"hallo"', "body"),
    "empty-body": (b"", "body"),
    "missing-sender": (b'{"message": "hallo"}', "sender"),
    "empty-sender": (b'{"sender": "  ", "message": "hallo"}', "sender"),
    "sender-object": (b'{"sender": {"id": 1}, "message": "hallo"}', "sender"),
    "sender-too-long": (json.dumps({"sender": "s" * 256, "message": "hallo"}).encode(), "sender"),
    "sender-control": (b'{"sender": "a\\u0000b", "message": "hallo"}', "sender"),
    "missing-message": (b'{"sender": "bad-missing"}', "message"),
    "message-null": (b'{"sender": "bad-null", "message": null}', "message"),
    "message-number": (b'{"sender": "bad-number", "message": 42}', "message"),
    "message-list": (b'{"sender": "bad-list", "message": ["hallo"]}', "message"),
    "message-object": (b'{"sender": "bad-object", "message": {"text": "hallo"}}', "message"),
    "message-bool": (b'{"sender": "bad-bool", "message": true}', "message"),
    "metadata-string": (b'{"sender": "bad-meta", "message": "hallo", "metadata": "x"}', "metadata"),
}


@pytest.mark.parametrize("name", list(BAD_BODIES))
def test_broken_request_gets_400_in_dutch(stack: Stack, name: str) -> None:
    body, field = BAD_BODIES[name]
    response = _post_raw(stack, body)
    assert response.status_code == 400, response.text
    answer = response.json()
    assert answer["field"] == field
    assert _looks_dutch(answer["message"]), answer
    _still_serving(stack, _sender(f"after-{name}"))


def test_a_missing_sender_never_lands_in_a_shared_conversation(stack: Stack) -> None:
    """Rasa's own channel files a message without sender under "default"."""
    assert _post_raw(stack, b'{"message": "hallo"}').status_code == 400
    assert _user_texts(stack.tracker("default")) == []


def test_a_numeric_sender_is_accepted_as_text(stack: Stack) -> None:
    sender = int(uuid.uuid4().int % 10**12)
    response = _post_raw(stack, json.dumps({"sender": sender, "message": "hallo"}).encode())
    assert response.status_code == 200 and bot_texts(response.json())
    assert _user_texts(stack.tracker(str(sender))) == ["hallo"]


def test_stream_mode_still_answers(stack: Stack) -> None:
    """Rasa's ``?stream=true`` (one JSON message per line) still works on our channel."""
    response = requests.post(f"{stack.rasa_url}/webhooks/rest/webhook", params={"stream": "true"},
                             json={"sender": _sender("stream"), "message": "hallo"}, timeout=60)
    assert response.status_code == 200
    lines = [json.loads(line) for line in response.text.splitlines() if line.strip()]
    assert "Waar kan ik u mee helpen?" in bot_texts(lines)
