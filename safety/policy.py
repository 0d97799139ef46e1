"""Rasa policy: a safety level is answered before anything else, also in the middle of a form.

Why a policy and not only rules: while a form is active, Rasa's RulePolicy predicts the
form itself (a "no user" prediction that outranks every rule) unless the form rejects the
message. The lookup forms fill the woonplaats from free text, so they never reject, and
"ik wil dood" after "In welke gemeente woont u?" got the same question again. Rejecting
would also need the action server (the form's validation runs there), which may be down.

This policy makes the same kind of prediction with a higher priority than RulePolicy:
after a ``safety_*`` intent it predicts that level's answer (a response: no action server
needed), then — for an exhausted carer who also asked about a topic — that topic's answer
(in English the topic's English answer, where it has one), then ends an open form, then
listens. After the gentle check question, "ja" gives the acute answer and "nee" a short reply.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_DEACTIVATE_LOOP_NAME, ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.core.policies.policy import Policy, PolicyPrediction, SupportedData

from nlp.english_answers import ENGLISH_ANSWER_OF_TOPIC, english_answer_after_exhaustion
from nlp.language import ENGLISH
from safety.levels import (
    ACUTE_RESPONSE,
    CHECK_DECLINED_RESPONSE,
    CHECK_RESPONSE,
    EXHAUSTED_AT_RISK_INTENT,
    INTENT_OF,
    RESPONSE_OF_INTENT,
    SAFETY_RESPONSES,
    Level,
    in_language,
    is_english,
    language_of,
)

CHECK_ANSWERS = {"affirm": ACUTE_RESPONSE, "deny": CHECK_DECLINED_RESPONSE}
# after the exhausted answer, the answer of a topic the carer also asked about: in Dutch Rasa's
# retrieval action (it reads the topic from the message's response selector), in English the
# topic's English answer where it has one that adds something (nlp.english_answers)
DUTCH_EXHAUSTED_RESPONSES = frozenset(RESPONSE_OF_INTENT[intent] for intent in (INTENT_OF[Level.EXHAUSTED],
                                                                                EXHAUSTED_AT_RISK_INTENT))
ENGLISH_EXHAUSTED_RESPONSES = frozenset(in_language(response, ENGLISH) for response in DUTCH_EXHAUSTED_RESPONSES)
EXHAUSTED_RESPONSES = DUTCH_EXHAUSTED_RESPONSES | ENGLISH_EXHAUSTED_RESPONSES
TOPIC_ANSWER_ACTION = "utter_faq"
TOPIC_ANSWER_ACTIONS = frozenset({TOPIC_ANSWER_ACTION, *ENGLISH_ANSWER_OF_TOPIC.values()})


def _previous_action(tracker: DialogueStateTracker, skip: int = 0) -> Optional[str]:
    """Name of the action executed ``skip`` actions before the latest one (listen included)."""
    seen = 0
    for event in reversed(tracker.events):
        if isinstance(event, ActionExecuted) and event.action_name:
            if seen == skip:
                return event.action_name
            seen += 1
    return None


def topic_beside_exhaustion(tracker: DialogueStateTracker) -> Optional[str]:
    """The FAQ topic the SafetyClassifier found beside an exhausted carer's message, if any."""
    parse_data = tracker.latest_message.parse_data if tracker.latest_message else {}
    return ((parse_data or {}).get("safety") or {}).get("topic")


def _safety_answer_done(tracker: DialogueStateTracker, skip: int) -> bool:
    """The action ``skip`` actions back ended a safety answer: a safety response, or the topic's
    answer that followed an exhausted answer."""
    action = _previous_action(tracker, skip)
    return action in SAFETY_RESPONSES or (action in TOPIC_ANSWER_ACTIONS
                                          and _previous_action(tracker, skip + 1) in EXHAUSTED_RESPONSES)


def topic_answer_after_exhaustion(tracker: DialogueStateTracker, exhausted_response: str) -> Optional[str]:
    """The topic's answer that follows the exhausted answer, in the exhausted answer's language."""
    topic = topic_beside_exhaustion(tracker)
    if exhausted_response in ENGLISH_EXHAUSTED_RESPONSES:
        return english_answer_after_exhaustion(topic)
    return TOPIC_ANSWER_ACTION if topic else None


def next_safety_action(tracker: DialogueStateTracker) -> Optional[str]:
    """The action this policy insists on, or None when it has nothing to say."""
    latest = tracker.latest_action_name
    if latest == ACTION_LISTEN_NAME:
        message = tracker.latest_message
        intent = (message.intent or {}).get("name") if message else None
        language = language_of(message.parse_data if message else None)
        if intent in RESPONSE_OF_INTENT:
            return in_language(RESPONSE_OF_INTENT[intent], language)
        asked = _previous_action(tracker, skip=1)
        if intent in CHECK_ANSWERS and asked in (CHECK_RESPONSE, in_language(CHECK_RESPONSE, ENGLISH)):
            # "yes" to the English question is a button or a word the detector calls Dutch
            return in_language(CHECK_ANSWERS[intent], ENGLISH if is_english(asked) else language)
        return None
    if latest in EXHAUSTED_RESPONSES:
        topic_answer = topic_answer_after_exhaustion(tracker, latest)
        if topic_answer:
            return topic_answer
    if _safety_answer_done(tracker, skip=0):
        return ACTION_DEACTIVATE_LOOP_NAME if tracker.active_loop_name else ACTION_LISTEN_NAME
    if latest == ACTION_DEACTIVATE_LOOP_NAME and _safety_answer_done(tracker, skip=1):
        return ACTION_LISTEN_NAME
    return None


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=False
)
class SafetyPolicy(Policy):
    """Answers a safety intent first (see module docstring). Nothing to learn."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # RulePolicy has priority 6; the loop's happy path must not outrank a safety answer
        return {"priority": 7}

    @staticmethod
    def supported_data() -> SupportedData:
        return SupportedData.ML_AND_RULE_DATA

    def train(self, training_trackers: List[Any], domain: Domain, **kwargs: Any) -> Resource:
        return self._resource

    def predict_action_probabilities(self, tracker: DialogueStateTracker, domain: Domain,
                                     rule_only_data: Optional[Dict[Text, Any]] = None,
                                     **kwargs: Any) -> PolicyPrediction:
        probabilities = self._default_predictions(domain)
        action = next_safety_action(tracker)
        if action is None:
            return self._prediction(probabilities)
        probabilities[domain.index_for_action(action)] = 1.0
        # "no user prediction", like a form's happy path, so that it is compared with it
        return self._prediction(probabilities, is_no_user_prediction=True)
