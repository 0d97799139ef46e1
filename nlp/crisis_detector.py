"""Rasa NLU component that recognises acute distress before anything else.

Runs after the intent classifier. When a message contains an unmistakable signal of
danger (suicide, self-harm, violence, a medical emergency) the intent is overwritten
with ``crisis`` at full confidence, so no fallback or topic can hide it.
"""
from __future__ import annotations

from typing import Optional

from rasa.engine.recipes.default_recipe import DefaultV1Recipe

from nlp.crisis_terms import matches_crisis
from nlp.intent_override import IntentOverride

CRISIS_INTENT = "crisis"


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class CrisisDetector(IntentOverride):
    """Overrides the intent with ``crisis`` when a danger phrase is present."""

    intent_name = CRISIS_INTENT

    def applies(self, text: Optional[str]) -> bool:
        return bool(text) and matches_crisis(text)  # type: ignore[arg-type]
