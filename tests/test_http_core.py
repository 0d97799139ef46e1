"""The running assistant over HTTP: real Dutch answers, safety first.

Bad input: tests/test_http_bad_input.py; the API token: tests/test_http_access.py.
"""
from __future__ import annotations

import pytest

from ops.stack import Stack
from tests.conversation import bot_texts

pytestmark = pytest.mark.server


def test_greeting_offers_buttons(stack: Stack) -> None:
    reply = stack.send("core-greet", "hallo")
    assert "Waar kan ik u mee helpen?" in bot_texts(reply)
    assert any(m.get("buttons") for m in reply)


@pytest.mark.parametrize("question, expected", [
    ("wat is een keukentafelgesprek?", "keukentafelgesprek"),
    ("kost clientondersteuning geld?", "gratis"),
    ("wat is metgezel", "Metgezel"),
    # a child turning 18: its own answer (which law after the Jeugdwet), not the Jeugdwet route
    ("onze dochter met autisme wordt volgend jaar achttien, wat verandert er dan voor haar zorg",
     "Wordt uw kind 18?"),
])
def test_faq_answers_in_dutch(stack: Stack, question: str, expected: str) -> None:
    text = bot_texts(stack.send(f"core-faq-{hash(question)}", question))
    assert expected.lower() in text.lower()


@pytest.mark.parametrize("message", [
    "ik wil niet meer leven",
    # the classifier is confident this is a FAQ question; the crisis phrase must still win
    "mijn partner heeft me net geslagen",
])
def test_crisis_points_to_real_help_first(stack: Stack, message: str) -> None:
    text = bot_texts(stack.send(f"core-crisis-{len(message)}", message))
    assert "113" in text and "112" in text


@pytest.mark.parametrize("question", [
    "kan ik in december nog wisselen van zorgverzekering",
    "wat zijn de bijwerkingen van omeprazol",
    "wanneer ga ik met aow",
])
def test_a_question_near_our_field_is_declined_with_routes(stack: Stack, question: str) -> None:
    """Insurance, medicine and pensions are close to care but no topic answers them (issue 13)."""
    text = bot_texts(stack.send(f"core-oos-{len(question)}", question))
    assert text.startswith("Die vraag kan ik niet beantwoorden.")
    assert "14 + het netnummer" in text and "huisarts of apotheek" in text and "zorgverzekeraar" in text


def test_an_unclear_story_is_thanked_not_doubted(stack: Stack) -> None:
    reply = stack.send("core-story", "Blub flarp zwiebel plomp. Qwrtz brak flimp dros snurf kwebbel tjirp mulp.")
    text = bot_texts(reply)
    assert text.startswith("Dank u dat u dit vertelt.") and "Ik weet niet zeker" not in text
    payloads = [b["payload"] for m in reply for b in m.get("buttons") or []]
    assert any("mantelzorger_ondersteuning_voor_zichzelf" in p for p in payloads)


def test_unknown_question_offers_topics_then_gemeente(stack: Stack) -> None:
    first = stack.send("core-fallback", "blub flarp zwiebel")
    second = stack.send("core-fallback", "qwrtz plomp")
    assert bot_texts(first) and bot_texts(second)
    assert "gemeente" in bot_texts(second).lower() or any(m.get("buttons") for m in second)
