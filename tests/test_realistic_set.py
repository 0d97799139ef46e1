"""The realistic sets (tests/nlu/realistic) are well-formed, kept apart and never trained on."""
from __future__ import annotations

import re

import pytest

from editor.content import example_key
from editor.evaluate import training_examples
from editor.realistic import SET, SET_2, SETS, discover_sets, expected_labels, load_set
from editor.settings import ROOT
from tests.source_pages import page_key, pages_in

KINDS = {"question", "story", "place", "english", "out_of_scope"}
SIZES = {SET: 190, SET_2: 200}  # later sets: at least 140 each (pages shared with a safety set leave)


def test_sets_are_found_in_the_order_they_were_collected(tmp_path) -> None:
    for name in ("questions.yml", "questions_2.yml", "questions_10.yml", "questions_3.yml", "questions_old.yml"):
        (tmp_path / name).write_text("messages: []\n", encoding="utf-8")
    assert list(discover_sets(tmp_path)) == ["set 1", "set 2", "set 3", "set 10"]
    assert list(SETS)[:2] == ["set 1", "set 2"]


@pytest.mark.parametrize("path", list(SETS.values()), ids=list(SETS))
def test_every_message_has_a_source_page_a_kind_and_an_expectation(path) -> None:
    items = load_set(path)
    assert len(items) >= SIZES.get(path, 140)
    for item in items:
        assert re.match(r"https?://", str(item.get("source", ""))), item
        assert item.get("kind") in KINDS, item
        assert expected_labels(item) and all(expected_labels(item)), item


@pytest.mark.parametrize("path", list(SETS.values()), ids=list(SETS))
def test_realistic_messages_are_never_trained_on(path) -> None:
    trained = {example_key(e.text) for e in training_examples()}
    overlap = [item["text"] for item in load_set(path) if example_key(item["text"]) in trained]
    assert overlap == []


def safety_set_pages() -> set[str]:
    return pages_in(sorted(ROOT.glob("tests/safety*/*.yml")))


@pytest.mark.parametrize("name", list(SETS)[1:], ids=list(SETS)[1:])
def test_a_later_set_comes_from_other_pages_and_other_messages_than_the_sets_before_it(name) -> None:
    names = list(SETS)
    earlier = [item for before in names[:names.index(name)] for item in load_set(SETS[before])]
    later = load_set(SETS[name])
    shared_pages = {page_key(str(i["source"])) for i in earlier} & {page_key(str(i["source"])) for i in later}
    assert shared_pages == set()
    assert {page_key(str(i["source"])) for i in later} & safety_set_pages() == set()
    shared_texts = {example_key(i["text"]) for i in earlier} & {example_key(i["text"]) for i in later}
    assert shared_texts == set()
    assert len({str(i["source"]) for i in later}) >= 0.6 * len(later)
    assert len({example_key(i["text"]) for i in later}) == len(later)
