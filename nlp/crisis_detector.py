"""Rasa NLU component that recognises acute distress before anything else.

Runs after the intent classifier. When a message contains an unmistakable signal of
danger (suicide, self-harm, violence, a medical emergency) the intent is overwritten
with ``crisis`` at full confidence, so no fallback or topic can hide it.
"""
from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from nlp.crisis_terms import matches_crisis

CRISIS_INTENT = "crisis"


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class CrisisDetector(GraphComponent):
    """Overrides the intent with ``crisis`` when a danger phrase is present."""

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "CrisisDetector":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text: Optional[str] = message.get(TEXT)
            if text and matches_crisis(text):
                intent = {"name": CRISIS_INTENT, "confidence": 1.0}
                message.set(INTENT, intent, add_to_output=True)
                # Crisis alone in the ranking: a confident runner-up must not make the
                # FallbackClassifier call the message ambiguous.
                message.set(INTENT_RANKING_KEY, [intent], add_to_output=True)
        return messages

    def process_training_data(self, training_data: Any) -> Any:
        return training_data
