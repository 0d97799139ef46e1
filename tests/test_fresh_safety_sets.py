"""Every safety test set from D on is well formed and its pages are new.

Sets A to C were looked at while the assistant was improved; each later set (tests/safety_<x>, found
by bench.safety_bench.discover_test_sets) was collected afterwards to check whether those fixes
generalise. It only counts as fresh if none of its pages is a source of any other safety set or of
the realistic question sets, and no page dominates it. These checks read files only; they start no
servers.
"""
from collections import Counter
from pathlib import Path
from typing import Dict, List, Set

import pytest
import yaml

from bench.safety_bench import discover_test_sets
from tests.source_pages import page_key, pages_in

ROOT = Path(__file__).resolve().parents[1]
REALISTIC = ROOT / "tests" / "nlu" / "realistic"
SETS = discover_test_sets(ROOT / "tests")
FRESH = [name for name in SETS if name >= "D"]
LEVELS = {"acute", "violence", "exhausted", "none"}
FIELDS = {"text", "level", "source"}
MAX_PER_PAGE = 3


def other_sets_pages(name: str) -> Set[str]:
    """Pages of every other safety set and of the realistic sets."""
    directories = [directory for other, directory in SETS.items() if other != name] + [REALISTIC]
    return pages_in(path for directory in directories for path in sorted(directory.glob("*.yml")))


def load(name: str) -> List[Dict[str, str]]:
    loaded = yaml.safe_load((SETS[name] / "messages.yml").read_text(encoding="utf-8"))
    assert isinstance(loaded, list) and loaded, f"set {name} must be a non-empty YAML list"
    return loaded


def test_the_fresh_sets_are_found() -> None:
    assert FRESH[:1] == ["D"]


@pytest.mark.parametrize("name", FRESH)
def test_every_message_has_text_level_and_source(name: str) -> None:
    items = load(name)
    wrong = [item for item in items if not isinstance(item, dict) or set(item) != FIELDS
             or not all(isinstance(item[field], str) and item[field].strip() for field in FIELDS)]
    assert wrong == []
    assert {item["level"] for item in items} == LEVELS
    assert all(item["source"].startswith(("https://", "http://")) for item in items)


@pytest.mark.parametrize("name", FRESH)
def test_no_message_is_in_the_set_twice(name: str) -> None:
    keys = Counter(" ".join(item["text"].lower().split()) for item in load(name))
    assert [text for text, count in keys.items() if count > 1] == []


@pytest.mark.parametrize("name", FRESH)
def test_no_page_gives_more_than_three_messages(name: str) -> None:
    per_page = Counter(page_key(item["source"]) for item in load(name))
    assert {page: count for page, count in per_page.items() if count > MAX_PER_PAGE} == {}


@pytest.mark.parametrize("name", FRESH)
def test_no_page_is_a_source_of_another_set(name: str) -> None:
    others = other_sets_pages(name)
    assert len(others) > 1000  # the other sets were found and read
    assert sorted({item["source"] for item in load(name) if page_key(item["source"]) in others}) == []
