"""Actions around the curated answers: answer a chosen topic, the two-stage fallback
and the hand-over to a person at the gemeente (their wording: ``actions/messages.py``)."""
from __future__ import annotations

import logging
import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions import messages as msgs
from actions.location import offer_for_stated_place
from actions.topics import intent_title, topic_title
from lookup import get_lookup

logger = logging.getLogger(__name__)

FALLBACK_INTENT = "nlu_fallback"
RETRIEVAL_INTENT = "faq"
MAX_SUGGESTIONS = 3
MIN_SUGGESTION_CONFIDENCE = 0.05


def choose_topic_payload(topic: str) -> str:
    return '/choose_topic{"topic":"%s"}' % topic


class ActionAnswerTopic(Action):
    """Answer the FAQ topic a button asked for (payload /choose_topic{"topic": ...})."""

    def name(self) -> Text:
        return "action_answer_topic"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[Text, Any]) -> List[EventType]:
        topic = tracker.get_slot("topic") or ""
        response = f"utter_{RETRIEVAL_INTENT}/{topic}"
        if topic and response in domain.get("responses", {}):
            dispatcher.utter_message(response=response)
        else:
            dispatcher.utter_message(response="utter_default")
        return [SlotSet("topic", None)]


def _previous_user_intent(tracker: Tracker) -> Optional[str]:
    """Intent of the user message before the current one (reverted ones included)."""
    user_events = [e for e in tracker.events if e.get("event") == "user"]
    if len(user_events) < 2:
        return None
    return (user_events[-2].get("parse_data") or {}).get("intent", {}).get("name")


STORY_MIN_WORDS = 12
# offered after a story we did not understand, when there is room: most stories are a carer
# telling how heavy it is, and this topic says where a carer gets support for themselves
CARER_SUPPORT_TOPIC = "mantelzorger_ondersteuning_voor_zichzelf"


# a sentence that opens with one of these asks something, however long it is
QUESTION_OPENERS = frozenset(
    "wat hoe waar wie wanneer welke welk waarom waarvoor hoeveel kan kun kunnen mag mogen moet moeten "
    "heb hebben is zijn krijg krijgen ben bestaat zit weet wil what how where who when which why can "
    "could do does is are may should".split())


def is_story(text: str) -> bool:
    """A message that tells a situation rather than asks: long, or more than one sentence.
    One sentence that asks (a question mark, or a question word first and no full stop) is a question, however
    long: "Dank u dat u dit vertelt" to a long question reads as not listening too."""
    sentences = [part for part in re.split(r"[.!?]+\s", text.strip()) if part.strip()]
    if len(sentences) > 1:
        return True
    words, end = text.lower().split(), text.rstrip()[-1:]
    # WhatsApp style asks without a question mark; "Wat echt zou helpen is ..." ends in a full stop
    asks = end == "?" or (bool(words) and words[0].strip(",:") in QUESTION_OPENERS and end not in ".!")
    return len(words) >= STORY_MIN_WORDS and not asks


def suggestions(latest_message: Dict[str, Any], carer_support: bool = False) -> List[Dict[str, str]]:
    """The likeliest topics of a message we did not understand, as buttons; after a story
    (``carer_support``) the carer's own support fills a free place."""
    buttons: List[Dict[str, str]] = []
    seen = set()

    def add(title: str, payload: str) -> None:
        if payload not in seen and len(buttons) < MAX_SUGGESTIONS:
            seen.add(payload)
            buttons.append({"title": title, "payload": payload})

    selector = (latest_message.get("response_selector") or {}).get(RETRIEVAL_INTENT) or {}
    faq_ranking = selector.get("ranking") or []
    for intent in latest_message.get("intent_ranking") or []:
        name, confidence = intent.get("name"), intent.get("confidence", 0.0)
        if confidence < MIN_SUGGESTION_CONFIDENCE:
            continue
        if name == RETRIEVAL_INTENT:
            for candidate in faq_ranking[:2]:
                key = candidate.get("intent_response_key", "")
                topic = key.split("/", 1)[-1]
                if topic:
                    add(topic_title(topic), choose_topic_payload(topic))
        elif name:
            title = intent_title(name)
            if title:
                add(title, f"/{name}")
    if carer_support:
        add(topic_title(CARER_SUPPORT_TOPIC), choose_topic_payload(CARER_SUPPORT_TOPIC))
    return buttons


class ActionSuggestTopics(Action):
    """Two-stage fallback: first offer the likeliest topics, then point to the gemeente."""

    def name(self) -> Text:
        return "action_suggest_topics"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[Text, Any]) -> List[EventType]:
        if _previous_user_intent(tracker) == FALLBACK_INTENT:
            _utter(dispatcher, msgs.handoff_after_fallback(_gemeente_name(tracker.get_slot("gm_code"))))
            return [UserUtteranceReverted()]
        latest = tracker.latest_message or {}
        story = is_story(str(latest.get("text") or ""))
        buttons = suggestions(latest, carer_support=story)
        if buttons:
            _utter(dispatcher, msgs.suggest_topics(buttons, told_a_story=story))
        else:
            dispatcher.utter_message(response="utter_default")
        # a place the message named is not dropped: remembered, and its lookups offered
        # (the revert already undoes what the slots took from this message)
        place_messages, slots = offer_for_stated_place(get_lookup(), tracker)
        if not place_messages:
            return [UserUtteranceReverted()]
        _utter(dispatcher, place_messages)
        return [UserUtteranceReverted()] + [SlotSet(name, value) for name, value in slots.items()]


def _gemeente_name(gm_code: Optional[str]) -> Optional[str]:
    """The gemeente's short name ('Den Haag'), or None when it is not known."""
    return get_lookup().short_name(gm_code) if gm_code else None


def _utter(dispatcher: CollectingDispatcher, messages: List[Dict[str, Any]]) -> None:
    for message in messages:
        dispatcher.utter_message(**message)


class ActionHumanHandoff(Action):
    """Point to a person: the gemeente (named when known) and the Mantelzorglijn."""

    def name(self) -> Text:
        return "action_human_handoff"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[Text, Any]) -> List[EventType]:
        _utter(dispatcher, msgs.human_handoff(_gemeente_name(tracker.get_slot("gm_code"))))
        return []
