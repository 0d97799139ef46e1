"""The answer to a message in another language: English where the topic has an answer, else the routes.

The English answers are responses in domain.yml (``utter_english_*``, sources beside them);
``nlp.english_answers`` maps topics to them and this module chooses one from the topic the
classifier found (``nlp.other_language``).
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.location import SLOT_PC4, outcome_for, stated_place
from lookup import Status, get_lookup
from nlp.english_answers import ENGLISH_ANSWER_OF_TOPIC, ROUTES, ROUTES_IN_ENGLISH_AND_DUTCH
from nlp.language import ENGLISH



def english_place_note(tracker: Tracker) -> Tuple[Optional[str], List[EventType]]:
    """A sentence naming the gemeente of the place an English message names, and the slots that
    remember it (a later lookup uses it); nothing when no place is named or it is not sure."""
    latest = tracker.latest_message or {}
    place = stated_place(str(latest.get("text") or ""), latest.get("entities") or [])
    if not place:
        return None, []
    lookup = get_lookup()
    res = lookup.resolve(place)
    if res.status is not Status.RESOLVED or not res.gm_code or res.via == "fuzzy":
        return None, []
    gemeente = lookup.short_name(res.gm_code)
    named = res.matched_name or place
    where = (f"{named} is in the municipality (gemeente) of {gemeente}"
             if named.lower() != str(gemeente).lower() else f"Your municipality (gemeente) is {gemeente}")
    slots = outcome_for(lookup, res, tracker.get_slot(SLOT_PC4)).slots
    return (f"{where}: call 14 followed by your area code, or see its website.",
            [SlotSet(name, value) for name, value in slots.items()])


class ActionAnswerOtherLanguage(Action):
    """English: the topic's English answer, else the routes in English.

    Another language: the routes in English and Dutch.
    """

    def name(self) -> Text:
        return "action_answer_other_language"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        language = tracker.latest_message.get("language") or {}
        response = ROUTES_IN_ENGLISH_AND_DUTCH
        if language.get("code") == ENGLISH:
            response = ENGLISH_ANSWER_OF_TOPIC.get(str(language.get("topic")), ROUTES)
        dispatcher.utter_message(response=response)
        if language.get("code") != ENGLISH:
            return []
        note, events = english_place_note(tracker)  # a place named in English is not dropped
        if note:
            dispatcher.utter_message(text=note)
        return events
