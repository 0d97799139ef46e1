"""Rasa NLU component: a misspelt place after "ik woon in" becomes a place entity, spelt right.

The entity ruler (nlp/build_spacy_pipeline.py) knows every gemeente and kern as written, so
"Ik woon in Vrieschelo" (Vriescheloo) or "wij wonen in Oud Beierland" name no place and the
question's place is lost. Here a capitalised name right after "woon(t)/wonen in", when the
message has no place entity yet, is matched to the closest known place (the resolver's fuzzy
match); the entity carries the known spelling, so the reply says "Vriescheloo hoort bij de
gemeente Westerwolde" and the user can correct it. An exact name that the ruler left out is an
ordinary word there ("Nederland" is also a village), so only a misspelling is taken.

Written without capitals, as on WhatsApp ("ik woon in rockanje", "mijn moeder woont in
oud-beijerland"), a village is not in the ruler at all: it matches kernen as written, so that
"dieren" or "vries" in a sentence are no places. After "woon in" a lowercase name that is
exactly a known kern or gemeente (four letters or more, not a Dutch stop word) is taken.
After a bare "in", "uit", "regio" or "gemeente" ("is er in eibergen iets voor jonge
mantelzorgers?") the same holds, except for village names that are also words there
("in de wijk", "in heel nederland": ``ORDINARY_AFTER_IN``); gemeente names always count.
Written with a capital after a lowercase "in" or "uit", such a word is the place: "wil niet weg
uit Hoek" (Terneuzen), "woont in Capelle" (the short name the ruler leaves to the resolver).
"""
from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from spacy.lang.nl.stop_words import STOP_WORDS

from lookup.places import Places
from lookup.text import ORDINARY_AFTER_IN, place_key, without_province_marker
from lookup.resolve import Status, resolve_text
from nlp.place_question import names_a_place

_AFTER_LIVES_IN = r"\b(?:woon|woont|wonen|woonde|woonden)\s+(?:\w+\s+){0,2}?in\s+"
_LIVES_IN = re.compile(_AFTER_LIVES_IN + r"([A-Z][\w'’-]+(?:\s+(?:aan\s+de\s+|a/d\s+)?[A-Z][\w'’-]+)?)")
# the same, written without capitals: one to three words, tried longest first
_LOWERCASE_NAME = r"([a-z][\w'’-]+(?:\s+[a-z][\w'’/-]+){0,2})"
_LIVES_IN_LOWERCASE = re.compile(_AFTER_LIVES_IN + _LOWERCASE_NAME)
# a lowercase word that often comes before a place: "in", "uit", "regio", "gemeente"
_PLACE_CUE = r"\b(?:in|uit|regio|gemeente)\s+"
_IN_LOWERCASE = re.compile(_PLACE_CUE + _LOWERCASE_NAME)
# written with a capital after a lowercase cue, up to three more words of the name
_IN_CAPITALISED = re.compile(
    _PLACE_CUE + r"([A-Z][\w'’-]+(?:\s+(?:aan|den|de|van|op|a/d|[A-Z][\w'’-]+)){0,3})")
_COUNTRY_WORDS = {"nederland", "holland"}
MIN_LETTERS = 4


def lives_in_name(text: str) -> Optional["re.Match[str]"]:
    """The capitalised name after "ik woon in" (group 1), unless it is the country."""
    found = _LIVES_IN.search(text)
    if not found or found.group(1).lower() in _COUNTRY_WORDS:
        return None
    return found


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class MisspeltPlaceExtractor(GraphComponent):
    """See the module docstring."""

    def __init__(self, places: Places) -> None:
        self._places = places

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {}

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "MisspeltPlaceExtractor":
        return cls(Places())

    def entity_for(self, text: str) -> Optional[Dict[str, Any]]:
        """A gemeente entity with the known spelling of the place the text misspells, or None."""
        found = lives_in_name(text)
        if found is None:
            return None
        res = resolve_text(found.group(1), self._places)
        if res.status is not Status.RESOLVED or res.via != "fuzzy" or not res.matched_name:
            return None
        return {"entity": "gemeente", "value": res.matched_name, "start": found.start(1),
                "end": found.end(1), "confidence_entity": 1.0, "extractor": type(self).__name__}

    def lowercase_entity_for(self, text: str) -> Optional[Dict[str, Any]]:
        """A gemeente entity for a kern or gemeente written without capitals after "woon in",
        or after "in" / "uit" / "regio" / "gemeente" unless the name is also a word there."""
        found = _LIVES_IN_LOWERCASE.search(text)
        if found:
            entity = self._known_place(found, ordinary_words_are_places=True)
            if entity:
                return entity
        for found in _IN_LOWERCASE.finditer(text):
            entity = self._known_place(found, ordinary_words_are_places=False)
            if entity:
                return entity
        return None

    def capitalised_entity_for(self, text: str) -> Optional[Dict[str, Any]]:
        """A kern written with a capital after a lowercase "in" / "uit" / "regio" / "gemeente"
        that the entity ruler leaves out because it is also a word ("uit Hoek", "in Capelle")."""
        for found in _IN_CAPITALISED.finditer(text):
            entity = self._known_place(found, ordinary_words_are_places=True)
            if entity:
                return entity
        return None

    def _known_place(self, found: "re.Match[str]", ordinary_words_are_places: bool) -> Optional[Dict[str, Any]]:
        """The longest known place at the start of the match's group 1, as an entity."""
        words, skipped = found.group(1).split(), 0
        if words[0].lower() == "de" and len(words) > 1 and place_key(words[1]) in self._places.district_keys:
            # "in de bijlmer": the article before a city district (but "de meern" is De Meern)
            skipped = found.group(1).index(words[1])
            words = words[1:]
        for count in range(len(words), 0, -1):
            name = " ".join(words[:count])
            lowered = name.lower()
            if len(name) < MIN_LETTERS or lowered in _COUNTRY_WORDS or (count == 1 and lowered in STOP_WORDS):
                continue
            if not ordinary_words_are_places and place_key(name) in ORDINARY_AFTER_IN \
                    and not self._places.gemeente_by_name(name):
                continue
            res = resolve_text(name, self._places)
            if res.status in (Status.RESOLVED, Status.AMBIGUOUS) and res.via not in ("fuzzy", "several") \
                    and res.matched_name and without_province_marker(place_key(res.matched_name)) == place_key(name):
                start = found.start(1) + skipped
                # a kern in two gemeenten keeps the words as written: the lookup then asks which
                value = res.matched_name if res.status is Status.RESOLVED else name
                return {"entity": "gemeente", "value": value, "start": start,
                        "end": start + len(name), "confidence_entity": 1.0, "extractor": type(self).__name__}
        return None

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if text.startswith("/") or names_a_place(message):
                continue
            entity = self.entity_for(text) or self.lowercase_entity_for(text) or self.capitalised_entity_for(text)
            if entity is not None:
                message.set(ENTITIES, list(message.get(ENTITIES) or []) + [entity], add_to_output=True)
        return messages

    def process_training_data(self, training_data: Any) -> Any:
        return training_data
