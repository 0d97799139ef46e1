"""Other languages: detection (plain Python) and the answers over the real servers.

A question in English gets an English answer where the topic is simple, otherwise a short
English reply with the routes; a message in another script gets the routes in English and
Dutch; danger in English still gets the acute answer; Dutch questions are not touched.
"""
from __future__ import annotations

import pytest

from nlp.language import DUTCH, ENGLISH, OTHER, detect
from ops.stack import Stack
from tests.conversation import bot_texts, sender_ids

_sender = sender_ids("language")


@pytest.mark.parametrize("text", [
    "What is informal care?", "Is it free?", "Where can I find help for my mother in Utrecht?",
    "Do you speak English?", "I care for my father with dementia, what help is there?",
])
def test_english_is_detected(text: str) -> None:
    assert detect(text) == ENGLISH


@pytest.mark.parametrize("text", [
    "Wat kost een cliëntondersteuner?", "ok thanks", "hoe werkt de wmo in the netherlands",
    "mijn moeder heeft dementie, is there help", "ja", "Is er hulp voor mij?", "hi",
])
def test_dutch_and_short_messages_stay_dutch(text: str) -> None:
    assert detect(text) == DUTCH


def test_other_scripts_are_detected() -> None:
    assert detect("مرحبا أحتاج مساعدة لأمي") == OTHER
    assert detect("Мне нужна помощь для мамы") == OTHER


def _reply(stack: Stack, text: str) -> str:
    return "\n".join(bot_texts(stack.send(_sender(), text)))


@pytest.mark.server
def test_english_question_gets_an_english_answer(stack: Stack) -> None:
    reply = _reply(stack, "Is independent client support free? Do I have to pay for it?")
    assert "Dutch-speaking assistant" in reply
    assert "free" in reply and "14 followed by your area code" in reply


@pytest.mark.server
def test_english_question_without_english_answer_gets_the_routes(stack: Stack) -> None:
    reply = _reply(stack, "Can I take care leave from my job to look after my neighbour?")
    assert "Dutch-speaking assistant" in reply
    assert "14 followed by your area code" in reply


@pytest.mark.server
def test_other_script_gets_routes_in_english_and_dutch(stack: Stack) -> None:
    reply = _reply(stack, "مرحبا أحتاج مساعدة لأمي المريضة")
    assert "Ik spreek Nederlands" in reply and "113" in reply and "112" in reply


@pytest.mark.server
def test_danger_in_english_gets_the_acute_answer(stack: Stack) -> None:
    reply = _reply(stack, "I can't go on, I want to die")
    assert "0800 0113" in reply and "112" in reply


@pytest.mark.server
def test_dutch_question_is_answered_in_dutch(stack: Stack) -> None:
    reply = _reply(stack, "Wat kost een cliëntondersteuner?")
    assert "Dutch-speaking" not in reply and "gratis" in reply
