"""The realistic set (tests/nlu/realistic) is well-formed and never trained on."""
from __future__ import annotations

import re

from bench.realistic_bench import SET, expected_labels, load_set
from editor.content import example_key
from editor.evaluate import training_examples

KINDS = {"question", "story", "place", "english", "out_of_scope"}


def test_every_message_has_a_source_page_a_kind_and_an_expectation() -> None:
    items = load_set(SET)
    assert len(items) >= 190
    for item in items:
        assert re.match(r"https?://", str(item.get("source", ""))), item
        assert item.get("kind") in KINDS, item
        assert expected_labels(item) and all(expected_labels(item)), item


def test_realistic_messages_are_never_trained_on() -> None:
    trained = {example_key(e.text) for e in training_examples()}
    overlap = [item["text"] for item in load_set(SET) if example_key(item["text"]) in trained]
    assert overlap == []
