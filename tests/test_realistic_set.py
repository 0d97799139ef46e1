"""The realistic sets (tests/nlu/realistic) are well-formed, kept apart and never trained on."""
from __future__ import annotations

import re

import pytest

from editor.realistic import SET, expected_labels, load_set
from editor.content import example_key
from editor.evaluate import training_examples
from editor.realistic import SET_2
from editor.settings import ROOT

KINDS = {"question", "story", "place", "english", "out_of_scope"}
SIZES = {SET: 190, SET_2: 200}


@pytest.mark.parametrize("path", [SET, SET_2], ids=["set 1", "set 2"])
def test_every_message_has_a_source_page_a_kind_and_an_expectation(path) -> None:
    items = load_set(path)
    assert len(items) >= SIZES[path]
    for item in items:
        assert re.match(r"https?://", str(item.get("source", ""))), item
        assert item.get("kind") in KINDS, item
        assert expected_labels(item) and all(expected_labels(item)), item


@pytest.mark.parametrize("path", [SET, SET_2], ids=["set 1", "set 2"])
def test_realistic_messages_are_never_trained_on(path) -> None:
    trained = {example_key(e.text) for e in training_examples()}
    overlap = [item["text"] for item in load_set(path) if example_key(item["text"]) in trained]
    assert overlap == []


def page_key(url: str) -> str:
    """The same page however it is written: no scheme, www., query, fragment or trailing slash."""
    url = re.sub(r"^https?://(www\.)?", "", url.strip().lower())
    return url.split("#")[0].split("?")[0].rstrip("/")


def safety_set_pages() -> set[str]:
    pages: set[str] = set()
    for path in sorted(ROOT.glob("tests/safety*/*.yml")):
        pages |= {page_key(u) for u in re.findall(r"https?://[^\s'\"]+", path.read_text(encoding="utf-8"))}
    return pages


def test_set_2_comes_from_other_pages_and_other_messages_than_set_1() -> None:
    first, second = load_set(SET), load_set(SET_2)
    shared_pages = {page_key(str(i["source"])) for i in first} & {page_key(str(i["source"])) for i in second}
    assert shared_pages == set()
    assert {page_key(str(i["source"])) for i in second} & safety_set_pages() == set()
    shared_texts = {example_key(i["text"]) for i in first} & {example_key(i["text"]) for i in second}
    assert shared_texts == set()
    assert len({str(i["source"]) for i in second}) >= 120
    assert len({example_key(i["text"]) for i in second}) == len(second)
