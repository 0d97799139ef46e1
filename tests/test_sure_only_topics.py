"""A topic whose answer speaks of harm (ontspoorde zorg) answers only when the classifier is sure."""
from __future__ import annotations

import numpy as np
from rasa.shared.nlu.training_data.message import Message

from nlp.topic_classifier import TopicClassifier

LABELS = ["faq/ontspoorde_zorg", "faq/respijtzorg", "greet"]


def _intent_after(row: list) -> dict:
    classifier = TopicClassifier.__new__(TopicClassifier)
    classifier.config = TopicClassifier.get_default_config()
    classifier.responses = {}
    message = Message({"text": "mijn vader zijn hart slaat soms over"})
    classifier._set_output(message, LABELS, np.array(row))
    return message.get("intent")


def test_an_unsure_harm_topic_goes_to_the_fallback() -> None:
    assert _intent_after([0.45, 0.35, 0.2]) == {"name": "faq", "confidence": 0.0}


def test_a_sure_harm_topic_and_an_unsure_ordinary_topic_still_answer() -> None:
    assert _intent_after([0.8, 0.1, 0.1])["confidence"] == 0.8
    assert _intent_after([0.1, 0.3, 0.6])["name"] == "greet"
    assert _intent_after([0.2, 0.45, 0.35]) == {"name": "faq", "confidence": 0.45}
