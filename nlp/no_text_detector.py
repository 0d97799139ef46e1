"""Rasa NLU component for messages without words: empty, whitespace, emoji or
punctuation only. They get the intent ``no_text`` so the assistant can ask, in Dutch,
for a question in words instead of guessing a topic."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

NO_TEXT_INTENT = "no_text"


def has_words(text: Optional[str]) -> bool:
    """True when the text holds at least one letter or digit (any script)."""
    return bool(text) and any(ch.isalnum() for ch in text)  # type: ignore[union-attr]


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class NoTextDetector(GraphComponent):
    """Sets ``no_text`` at full confidence for messages without letters or digits."""

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "NoTextDetector":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if not has_words(text) and not (text or "").startswith("/"):
                intent = {"name": NO_TEXT_INTENT, "confidence": 1.0}
                message.set(INTENT, intent, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [intent], add_to_output=True)
        return messages

    def process_training_data(self, training_data: Any) -> Any:
        return training_data
