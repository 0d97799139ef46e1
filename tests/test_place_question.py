"""The place-question detector: a where/who question naming a place becomes the lookup; another
question naming a place keeps its topic (the answer first, then the place's lookups offered)."""
from __future__ import annotations

from typing import Optional

import pytest
from rasa.nlu.constants import RESPONSE_SELECTOR_PROPERTY_NAME
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from nlp.place_question import PlaceQuestionDetector, asks_where_or_who


def _message(text: str, topic: str, confidence: float = 0.9, place: Optional[str] = "Drachten") -> Message:
    message = Message(data={TEXT: text})
    message.set(INTENT, {"name": "faq", "confidence": confidence})
    message.set(RESPONSE_SELECTOR_PROPERTY_NAME,
                {"faq": {"response": {"intent_response_key": f"faq/{topic}"}}})
    if place:
        message.set(ENTITIES, [{"entity": "gemeente", "value": place}])
    return message


def _intent_after(message: Message) -> str:
    PlaceQuestionDetector().process([message])
    return message.get(INTENT)["name"]


@pytest.mark.parametrize("text", [
    "Ik woon in Zeewolde. Waar kan ik terecht voor ondersteuning?",
    "Wie ondersteunt mantelzorgers in Westland?",
    "Is er voor mantelzorgers in Kollum een steunpunt?",
    "Ik woon in Budel. Hoe neem ik contact op met het sociaal team?",
    "Mantelzorgondersteuning in Uitgeest",
    "Ik woon in Dinkelland. Is er hulp bij mij in de buurt voor mijn moeder met dementie?",
])
def test_a_where_or_who_question_with_a_place_becomes_the_lookup(text: str) -> None:
    assert asks_where_or_who(text)
    assert _intent_after(_message(text, "gemeente_voor_mantelzorgers")) == "inform_location"


@pytest.mark.parametrize("text", [
    "Ik ben mantelzorger in Drachten, maar de gemeente kent mij nog niet. Hoe meld ik me aan?",
    "Wat organiseert de gemeente voor mantelzorgers rond de Dag van de Mantelzorg? Ik woon in Wolvega.",
    "Waarom moet ik in Assen een eigen bijdrage betalen voor de hulp van de gemeente?",
])
def test_another_question_with_a_place_keeps_its_topic(text: str) -> None:
    assert not asks_where_or_who(text)
    assert _intent_after(_message(text, "gemeente_voor_mantelzorgers")) == "faq"


@pytest.mark.parametrize("text", [
    "Ik woon in Drachten en zorg voor mijn moeder, waar kan ik aankloppen?",
    "Is er in Drachten iemand die met mij meedenkt over de zorg voor mijn vader?",
    "mijn moeder in drachten vergeet veel. is er bij haar in de buurt iemand die helpt met regelen?",
])
def test_an_unsure_where_question_with_a_place_is_still_the_lookup(text: str) -> None:
    assert _intent_after(_message(text, "kosten", confidence=0.3)) == "inform_location"


def test_a_sure_topic_with_iemand_die_keeps_its_topic() -> None:
    """Only an unsure classifier lets "iemand die" decide: a sure topic's answer comes first."""
    text = "Ik woon in Drachten. Is er iemand die mijn moeder helpt met de pgb-administratie?"
    assert _intent_after(_message(text, "pgb_wat", confidence=0.8)) == "faq"


def test_without_a_place_nothing_changes() -> None:
    text = "Waar kan ik terecht voor ondersteuning?"
    assert _intent_after(_message(text, "gemeente_voor_mantelzorgers", place=None)) == "faq"


@pytest.mark.parametrize("text", [
    "Welk zorgkantoor hoort bij Monster?",
    "Ik woon in Leiden. Kan ik terecht bij Zorgkantoor Zorg en Zekerheid?",
    "Ik woon in Drachten, is er een zorgkantoor bij mij in de buurt?",
    "Mijn moeder woont in Drachten; is er iemand die ons bij het zorgkantoor kan helpen?",
])
def test_a_zorgkantoor_question_with_a_place_becomes_the_zorgkantoor_lookup(text: str) -> None:
    assert _intent_after(_message(text, "regelen_via_zorgkantoor")) == "find_zorgkantoor"


@pytest.mark.parametrize("text", [
    # "in de buurt" and "iemand die" also widen the zorgkantoor test; explaining still comes first
    "Wat is een zorgkantoor eigenlijk? Mijn moeder woont in Drachten, hier in de buurt.",
    "Wat doet het zorgkantoor? Ik zoek iemand die het me uitlegt, ik woon in Drachten.",
])
def test_what_a_zorgkantoor_is_stays_an_explanation_with_a_place_nearby(text: str) -> None:
    assert _intent_after(_message(text, "wat_is_zorgkantoor")) == "faq"
