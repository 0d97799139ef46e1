"""Rasa NLU component: a question about where to go, naming a place, becomes a lookup for that place.

A resident who writes "Ik woon in Zeewolde. Waar kan ik terecht voor ondersteuning?" wants the
help in Zeewolde, not the general answer that says "bel uw gemeente". When the message names
a gemeente, kern or postcode (the entity ruler found it), asks where or who (or is only a few
words, "Mantelzorgondersteuning Uitgeest") and the classifier's topic is one whose answer sends
people to their gemeente or a cliëntondersteuner (or the classifier is unsure), the intent becomes
``inform_location``: ``action_change_location`` then remembers the place and, because the
message asks where to go, answers with the lookup for that place in the same turn. A question
which zorgkantoor a named place has ("welk zorgkantoor hoort bij Monster", "het zorgkantoor
voor Ouddorp") becomes ``find_zorgkantoor``, whose form takes the place from the message.

A question of another kind that names a place ("Ik ben mantelzorger in Drachten. Hoe meld ik me
aan voor de uitnodiging?", "Wat doet de gemeente voor mantelzorgers als je in Schinnen woont?")
keeps its topic: the answer comes first, then the place is remembered and its lookups offered
(data/core/rules.yml), instead of a list of cliëntondersteuners that does not answer it.
"""
from __future__ import annotations

import re
from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from nlp.intent_override import IntentOverride
from nlp.other_language import topic_label

INTENT_NAME = "inform_location"
ZORGKANTOOR_INTENT = "find_zorgkantoor"
PLACE_ENTITIES = {"gemeente", "postcode"}
# topics whose answer is "go to your gemeente / a cliëntondersteuner near you"
WHERE_TO_GO_TOPICS = frozenset({
    "faq/regelen_via_gemeente", "faq/wmo_loket_wijkteam", "faq/gemeente_voor_mantelzorgers",
    "faq/geen_clientondersteuning_gevonden", "faq/sociale_kaart", "faq/wat_is_clientondersteuning",
    "faq/mantelzorger_ondersteuning_voor_zichzelf",
})
# an unsure classifier on a message that names a place and asks who or where: the lookup
UNSURE_BELOW = 0.5
# ("is er bij haar in de buurt iemand die ons helpt", "iemand die met mij meedenkt": who, too)
_WHO_OR_WHERE = re.compile(r"\b(?:terecht|bij wie|wie biedt|wie helpt|waar kan|waar moet|waar vind|aankloppen"
                           r"|iemand\s+die|in\s+de\s+buurt|dichtbij)\b", re.I)
# a where-to-go topic becomes the lookup only when the message asks where or who, or names
# what the lookup lists; "hoe meld ik me aan", "wat organiseert de gemeente" get the answer
_ASKS_WHERE_OR_WHO = re.compile(
    r"\b(?:waar|wie|terecht|aankloppen|steunpunt\w*|loket\w*|contact\w*|aanspreekpunt\w*|adres\w*"
    r"|telefoonnummer|langs\s?komen|huisbezoek|ouderenadvis\w*|cli[eë]nt(?:en)?ondersteun\w*"
    r"|dorpsondersteun\w*|sociaal\s+team|wijkteam\w*|buurtteam\w*|in\s+de\s+buurt|dichtbij)\b", re.I)
# "Mantelzorgondersteuning Uitgeest": a few words around a place want the lookup too
SHORT_WORDS = 6
# asks which zorgkantoor a place has (not what a zorgkantoor is): the zorgkantoor lookup
_WHICH_ZORGKANTOOR = re.compile(
    r"\b(?:welk|welke|wie\s+is)\s+(?:\w+\s+){0,2}zorgkantoor\b"
    r"|\bzorgkantoor\s+(?:van|voor|bij|in|hoort|zit|is)\b", re.I)
# or asks where to go and names a zorgkantoor ("Ik woon in Leiden. Kan ik terecht bij
# Zorgkantoor Zorg en Zekerheid?"); "wat is een zorgkantoor" is explained, not looked up
_ZORGKANTOOR = re.compile(r"\bzorgkantoor", re.I)
_WHAT_IS_ZORGKANTOOR = re.compile(r"\bwat\s+(?:is|doet)\s+(?:een|het|dat)\s+(?:\w+\s+)?zorgkantoor\b", re.I)


def asks_for_a_zorgkantoor(text: str) -> bool:
    """Which zorgkantoor a place has, or where to go naming a zorgkantoor."""
    if _WHICH_ZORGKANTOOR.search(text):
        return True
    return bool(_ZORGKANTOOR.search(text) and _WHO_OR_WHERE.search(text)
                and not _WHAT_IS_ZORGKANTOOR.search(text))


def asks_where_or_who(text: str) -> bool:
    """Asks where to go or who helps, or is so short that the place is the question."""
    return bool(_ASKS_WHERE_OR_WHO.search(text)) or len(text.split()) <= SHORT_WORDS


def names_a_place(message: Message) -> bool:
    return any(entity.get("entity") in PLACE_ENTITIES for entity in message.get(ENTITIES) or [])


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class PlaceQuestionDetector(IntentOverride):
    """Where-to-go questions with a place: see the module docstring."""

    intent_name = INTENT_NAME

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if text.startswith("/") or not names_a_place(message):
                continue
            if asks_for_a_zorgkantoor(text):
                self.override(message, ZORGKANTOOR_INTENT)
                continue
            confidence = float((message.get(INTENT) or {}).get("confidence") or 0.0)
            unsure_where = confidence < UNSURE_BELOW and _WHO_OR_WHERE.search(text)
            where_topic = topic_label(message) in WHERE_TO_GO_TOPICS and asks_where_or_who(text)
            if where_topic or unsure_where:
                self.override(message)
        return messages
