"""Rasa NLU component for messages without words: empty, whitespace, emoji or
punctuation only. They get the intent ``no_text`` so the assistant can ask, in Dutch,
for a question in words instead of guessing a topic."""
from __future__ import annotations

from typing import Optional

from rasa.engine.recipes.default_recipe import DefaultV1Recipe

from nlp.intent_override import IntentOverride

NO_TEXT_INTENT = "no_text"


def has_words(text: Optional[str]) -> bool:
    """True when the text holds at least one letter or digit (any script)."""
    return bool(text) and any(ch.isalnum() for ch in text)  # type: ignore[union-attr]


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class NoTextDetector(IntentOverride):
    """Sets ``no_text`` at full confidence for messages without letters or digits
    (button payloads such as ``/greet`` are left alone)."""

    intent_name = NO_TEXT_INTENT

    def applies(self, text: Optional[str]) -> bool:
        return not has_words(text) and not (text or "").startswith("/")
