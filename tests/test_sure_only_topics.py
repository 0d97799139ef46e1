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


def _intent_with_close_topics(row: list) -> dict:
    classifier = TopicClassifier.__new__(TopicClassifier)
    classifier.config = {**TopicClassifier.get_default_config(),
                         "close_topics_confidence": 0.2, "close_topics_margin": 0.1}
    classifier.responses = {}
    message = Message({"text": "hoe zit het met de kosten van de hulp"})
    labels = ["faq/kosten", "faq/eigen_bijdrage_wmo", "faq/respijtzorg", "greet"]
    classifier._set_output(message, labels, np.array(row))
    return message.get("intent")


def test_two_close_unsure_topics_go_to_the_fallback_which_offers_both() -> None:
    assert _intent_with_close_topics([0.19, 0.12, 0.10, 0.05]) == {"name": "faq", "confidence": 0.0}


def test_an_unsure_topic_far_ahead_of_its_runner_up_or_a_sure_one_still_answers() -> None:
    assert _intent_with_close_topics([0.19, 0.05, 0.04, 0.03]) == {"name": "faq", "confidence": 0.19}
    assert _intent_with_close_topics([0.45, 0.40, 0.10, 0.05]) == {"name": "faq", "confidence": 0.45}
    # a runner-up that is not a topic (here: greet) does not make the topics close
    assert _intent_with_close_topics([0.19, 0.02, 0.02, 0.15]) == {"name": "faq", "confidence": 0.19}


def _classifier_trained_on(examples: dict) -> TopicClassifier:
    from nlp.topic_classifier import build_classifier

    classifier = TopicClassifier.__new__(TopicClassifier)
    classifier.config = {**TopicClassifier.get_default_config(), "min_df": 1, "word_min_df": 1}
    classifier.responses = {}
    texts = [text for texts in examples.values() for text in texts]
    labels = [label for label, texts in examples.items() for _ in texts]
    classifier.model = build_classifier(classifier.config).fit(texts, labels)
    return classifier


def test_out_of_scope_needs_known_words_so_made_up_words_get_the_fallback() -> None:
    classifier = _classifier_trained_on({
        "out_of_scope": ["hoe vraag ik een paspoort aan", "waar meld ik een losse stoeptegel"],
        "faq/respijtzorg": ["ik wil even vrij van de zorg", "logeeropvang voor mijn moeder"],
    })
    assert classifier.known_word_share("hoe vraag ik een paspoort aan") == 1.0
    assert classifier.known_word_share("blub flarp zwiebel plomp ik") == 0.2
    labels = ["out_of_scope", "faq/respijtzorg"]
    made_up = Message({"text": "Blub flarp zwiebel plomp. Qwrtz brak flimp dros."})
    classifier._set_output(made_up, labels, np.array([0.7, 0.3]), "blub flarp zwiebel plomp. qwrtz brak flimp dros.")
    assert made_up.get("intent") == {"name": "out_of_scope", "confidence": 0.0}
    municipal = Message({"text": "Hoe vraag ik een paspoort aan?"})
    classifier._set_output(municipal, labels, np.array([0.7, 0.3]), "hoe vraag ik een paspoort aan?")
    assert municipal.get("intent") == {"name": "out_of_scope", "confidence": 0.7}
