"""Base for rule-based NLU components that overrule the classifier for some messages."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message


class IntentOverride(GraphComponent):
    """Sets ``intent_name`` at full confidence on every message ``applies`` to.

    The intent stands alone in the ranking: a confident runner-up must not make the
    FallbackClassifier call the message ambiguous.
    """

    intent_name: str = ""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {}

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "IntentOverride":
        return cls()

    def applies(self, text: Optional[str]) -> bool:
        raise NotImplementedError

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            if self.applies(message.get(TEXT)):
                self.override(message)
        return messages

    def override(self, message: Message, intent_name: Optional[str] = None) -> None:
        """``intent_name`` (or the class's) at full confidence, alone in the ranking."""
        intent = {"name": intent_name or self.intent_name, "confidence": 1.0}
        message.set(INTENT, intent, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [intent], add_to_output=True)

    def process_training_data(self, training_data: Any) -> Any:
        return training_data
