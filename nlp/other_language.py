"""Rasa NLU component: a message in another language gets the intent ``other_language``.

Runs after the topic classifier, whose multilingual sentence embedding still finds the
topic of an English question; that topic is kept in the parse data under ``language``
(``{"code": "en", "topic": "faq/kosten", "confidence": 0.8}``) so ``action_answer_other_language``
can give the English answer where there is one (and ``safety.classifier`` can give it after the
English exhausted answer when the topic is sure enough). The safety classifier runs after this component
and overrules it: danger is answered first, in any language.
"""
from __future__ import annotations

from typing import List, Optional

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import RESPONSE_SELECTOR_PROPERTY_NAME
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from nlp.intent_override import IntentOverride
from nlp.language import DUTCH, detect

INTENT_NAME = "other_language"
LANGUAGE_KEY = "language"


def topic_label(message: Message) -> Optional[str]:
    """The classifier's label before the override: ``faq/<topic>`` or the intent name."""
    intent = (message.get(INTENT) or {}).get("name")
    if intent == "faq":
        selector = (message.get(RESPONSE_SELECTOR_PROPERTY_NAME) or {}).get("faq") or {}
        return ((selector.get("response") or {}).get("intent_response_key")) or intent
    return intent


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class OtherLanguageDetector(IntentOverride):
    """English and other languages: see the module docstring."""

    intent_name = INTENT_NAME

    def applies(self, text: Optional[str]) -> bool:
        return bool(text) and not str(text).startswith("/") and detect(str(text)) != DUTCH

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if not text or str(text).startswith("/"):
                continue
            code = detect(str(text))
            if code == DUTCH:
                continue
            confidence = round(float((message.get(INTENT) or {}).get("confidence") or 0.0), 3)
            message.set(LANGUAGE_KEY, {"code": code, "topic": topic_label(message), "confidence": confidence},
                        add_to_output=True)
            self.override(message)
        return messages
