"""Safety test set E (tests/safety_e) is well formed and its pages are new.

Set E was collected after sets A, B, C and D had been looked at while the assistant was improved, so
it only counts as fresh if none of its pages was already a source there or in the realistic question
sets, and no page dominates it. These checks read files only; they start no servers.
"""
from collections import Counter
from pathlib import Path
from typing import Dict, List, Set

import pytest
import yaml

from tests.source_pages import page_key, pages_in

ROOT = Path(__file__).resolve().parents[1]
SET_E = ROOT / "tests" / "safety_e" / "messages.yml"
EARLIER_SETS = [ROOT / "tests" / "safety", ROOT / "tests" / "safety_b", ROOT / "tests" / "safety_c",
                ROOT / "tests" / "safety_d", ROOT / "tests" / "nlu" / "realistic"]
LEVELS = {"acute", "violence", "exhausted", "none"}
FIELDS = {"text", "level", "source"}
MAX_PER_PAGE = 3


def earlier_pages() -> Set[str]:
    return pages_in(path for directory in EARLIER_SETS for path in sorted(directory.glob("*.yml")))


@pytest.fixture(scope="module")
def items() -> List[Dict[str, str]]:
    loaded = yaml.safe_load(SET_E.read_text(encoding="utf-8"))
    assert isinstance(loaded, list) and loaded, "set E must be a non-empty YAML list"
    return loaded


def test_every_message_has_text_level_and_source(items: List[Dict[str, str]]) -> None:
    wrong = [item for item in items if not isinstance(item, dict) or set(item) != FIELDS
             or not all(isinstance(item[field], str) and item[field].strip() for field in FIELDS)]
    assert wrong == []
    assert {item["level"] for item in items} == LEVELS
    assert all(item["source"].startswith(("https://", "http://")) for item in items)


def test_no_message_is_in_the_set_twice(items: List[Dict[str, str]]) -> None:
    keys = Counter(" ".join(item["text"].lower().split()) for item in items)
    assert [text for text, count in keys.items() if count > 1] == []


def test_no_page_gives_more_than_three_messages(items: List[Dict[str, str]]) -> None:
    per_page = Counter(page_key(item["source"]) for item in items)
    assert {page: count for page, count in per_page.items() if count > MAX_PER_PAGE} == {}


def test_no_page_was_a_source_of_an_earlier_set(items: List[Dict[str, str]]) -> None:
    earlier = earlier_pages()
    assert len(earlier) > 1000  # the earlier sets were found and read
    assert sorted({item["source"] for item in items if page_key(item["source"]) in earlier}) == []
