"""Other languages: detection (plain Python) and the answers over the real servers.

A question in English gets the English answer of its topic where there is one, otherwise a
short English reply with the routes; a message in another script gets the routes in English
and Dutch; danger in English still gets the acute answer; Dutch questions are not touched.
"""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from nlp.language import DUTCH, ENGLISH, OTHER, detect
from ops.stack import Stack
from tests.conversation import bot_texts, sender_ids

_sender = sender_ids("language")
RESPONSES = {name: variants[0]["text"] for name, variants in yaml.safe_load(
    (Path(__file__).resolve().parents[1] / "domain.yml").read_text(encoding="utf-8"))["responses"].items()}


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


def test_every_example_of_the_english_intents_is_detected_as_english() -> None:
    """data/other_language/english.yml trains English messages only: each must reach the English answer."""
    english = Path(__file__).resolve().parents[1] / "data" / "other_language" / "english.yml"
    blocks = yaml.safe_load(english.read_text(encoding="utf-8"))["nlu"]
    examples = [line[2:] for block in blocks for line in block["examples"].splitlines() if line.startswith("- ")]
    assert len(examples) >= 20
    assert [text for text in examples if detect(text) != ENGLISH] == []


def _reply(stack: Stack, text: str) -> str:
    return bot_texts(stack.send(_sender("answer"), text))


@pytest.mark.server
def test_english_question_gets_an_english_answer(stack: Stack) -> None:
    reply = _reply(stack, "Is independent client support free? Do I have to pay for it?")
    assert "Dutch-speaking assistant" in reply
    assert "free" in reply and "14 followed by your area code" in reply


@pytest.mark.server
@pytest.mark.parametrize("text, response", [
    ("What is a personal budget (pgb) and where do I apply for one?", "utter_english_pgb"),
    ("What if my employer rejects my request for care leave?", "utter_english_work"),
    ("Will the municipality pay for a stairlift in my mother's house?", "utter_english_home_adaptations"),
    ("My mother is in hospital after a fall and cannot go home alone yet. Who arranges the care after discharge?",
     "utter_english_hospital_discharge"),
])
def test_english_question_gets_its_topics_english_answer(stack: Stack, text: str,
                                                         response: str) -> None:
    assert _reply(stack, text) == RESPONSES[response]


@pytest.mark.server
def test_english_question_without_english_answer_gets_the_routes(stack: Stack) -> None:
    reply = _reply(stack, "Can I build a small house in my garden for my mother?")
    assert reply == RESPONSES["utter_english_routes"]
    assert "Dutch-speaking assistant" in reply and "only some questions in English" in reply
    assert "14 followed by your area code" in reply and "Ik spreek Nederlands" not in reply
    assert reply.rsplit("\n", 1)[1].startswith("In an emergency call 112")


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


@pytest.mark.server
def test_a_place_named_in_english_is_used_not_dropped(stack: Stack) -> None:
    sender = _sender("place")
    replies = [m["text"] for m in stack.send(sender, "We live in Heteren. Where can my mother get help at home?")
               if m.get("text")]
    assert replies[0].startswith("I am a Dutch-speaking assistant")  # the topic's English answer
    assert replies[-1] == ("Heteren is in the municipality (gemeente) of Overbetuwe: "
                          "call 14 followed by your area code, or see its website.")
    # the place is remembered: a lookup afterwards needs no question about the woonplaats
    later = bot_texts(stack.send(sender, "Waar vind ik een cliëntondersteuner?"))
    assert "Overbetuwe" in later and "In welke gemeente woont u?" not in later


@pytest.mark.server
def test_english_question_near_our_field_gets_the_english_routes_not_a_topic(stack: Stack) -> None:
    reply = _reply(stack, "Can I change to a different health insurance company next January?")
    assert reply == RESPONSES["utter_english_out_of_scope"]
    assert "health insurer" in reply and "14 followed by your area code" in reply
