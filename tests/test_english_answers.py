"""The English answers in domain.yml against the Dutch topics they render (plain Python, no servers).

Every topic that ``action_answer_other_language`` maps must have its response; every English
answer must read as English and give no number, phone or otherwise, that its Dutch topic (or
the routes reply) does not give.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Dict, List, Set

import pytest
import yaml

from nlp.english_answers import ENGLISH_ANSWER_OF_TOPIC, ROUTES, ROUTES_IN_ENGLISH_AND_DUTCH
from nlp.language import ENGLISH, detect

ROOT = Path(__file__).resolve().parents[1]
OPENING = "I am a Dutch-speaking assistant; here is a short answer in English. "
MAX_WORDS_AFTER_OPENING = 80
# Dutch phone numbers (030 760 60 55, 0900-8020, 0800 0113) and the short ones (112, 113).
_PHONE = re.compile(r"(?<![\d€.,])(?:0\d{2,3}(?:[ -]?\d{2,4}){1,3}|11[23])(?![\d%.,]\d)")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_BRACKETS = re.compile(r"\([^)]*\)")
_SENTENCE_END = re.compile(r"(?<=[.?!])\s+")
_DUTCH_ONLY_WORDS = frozenset("de het een u uw bent wordt niet voor met bij van naar ook dan als".split())
_ENGLISH_ONLY_WORDS = frozenset(
    "the a an you your is are for with to of and or can they it if do does not at on by has have".split())


def _responses() -> Dict[str, str]:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    return {name: variants[0].get("text", "") for name, variants in domain["responses"].items()}


RESPONSES = _responses()
ENGLISH_ANSWERS = sorted(set(ENGLISH_ANSWER_OF_TOPIC.values()))


def _dutch_answer(topic: str) -> str:
    """The Dutch answer of ``faq/<name>`` from data/faq/<name>.yml."""
    name = topic.split("/", 1)[1]
    data = yaml.safe_load((ROOT / "data" / "faq" / f"{name}.yml").read_text(encoding="utf-8"))
    return " ".join(variant["text"] for variant in data["responses"][f"utter_{topic}"])


def _dutch_sources(response: str) -> str:
    """All Dutch answers mapped to one English response: FAQ topics, or a reply in domain.yml
    for an intent that is not a topic (``out_of_scope`` renders ``utter_out_of_scope``)."""
    topics = [t for t, r in ENGLISH_ANSWER_OF_TOPIC.items()
              if r == response and (t.startswith("faq/") or f"utter_{t}" in RESPONSES)]
    assert topics, f"{response} renders no Dutch answer"
    return " ".join(_dutch_answer(topic) if topic.startswith("faq/") else RESPONSES[f"utter_{topic}"]
                    for topic in topics)


def _phones(text: str) -> Set[str]:
    return {re.sub(r"[ -]", "", phone) for phone in _PHONE.findall(text)}


def _numbers(text: str) -> List[str]:
    """Every number that is not part of a phone number, with a decimal point for a comma."""
    return [n.replace(",", ".") for n in _NUMBER.findall(_PHONE.sub(" ", text))]


def test_every_mapped_response_exists_and_every_faq_topic_exists() -> None:
    for response in [*ENGLISH_ANSWERS, ROUTES, ROUTES_IN_ENGLISH_AND_DUTCH]:
        assert RESPONSES.get(response), f"{response} is not a response in domain.yml"
    for topic in ENGLISH_ANSWER_OF_TOPIC:
        if topic.startswith("faq/"):
            assert _dutch_answer(topic), topic


def test_every_english_response_in_the_domain_is_used() -> None:
    english = {name for name in RESPONSES if name.startswith("utter_english_")}
    assert english == set(ENGLISH_ANSWERS) | {ROUTES}


@pytest.mark.parametrize("response", ENGLISH_ANSWERS)
def test_english_answer_reads_as_short_english(response: str) -> None:
    text = RESPONSES[response]
    assert text.startswith(OPENING)
    body = text[len(OPENING):]
    assert len(body.split()) <= MAX_WORDS_AFTER_OPENING, f"{response}: {len(body.split())} words"
    assert detect(body) == ENGLISH
    for sentence in _SENTENCE_END.split(_BRACKETS.sub(" ", body)):
        words = re.findall(r"[a-zà-ÿ]+", sentence.lower())
        dutch = sum(w in _DUTCH_ONLY_WORDS for w in words)
        english = sum(w in _ENGLISH_ONLY_WORDS for w in words)
        assert dutch == 0 or english > dutch, f"{response}: Dutch-looking sentence {sentence!r}"


@pytest.mark.parametrize("response", ENGLISH_ANSWERS)
def test_english_answer_gives_no_number_beyond_its_dutch_topic(response: str) -> None:
    english, dutch, routes = RESPONSES[response], _dutch_sources(response), RESPONSES[ROUTES]
    assert _phones(english) <= _phones(dutch) | _phones(routes), response
    allowed = set(_numbers(dutch)) | {"14"}  # 14 + area code: every gemeente (the routes)
    assert set(_numbers(english)) <= allowed, f"{response}: {set(_numbers(english)) - allowed}"


def test_phone_pattern_finds_the_numbers_it_guards() -> None:
    assert _phones(RESPONSES[ROUTES]) == {"0307606055", "112", "113", "08000113"}
    assert _phones("bel 0900-8020 (betaald nummer)") == {"09008020"}
    assert _numbers("per 12 maanden, minimaal 70% loon, € 21,80") == ["12", "70", "21.80"]


def test_routes_in_english_end_calmly_with_the_emergency_numbers() -> None:
    routes = RESPONSES[ROUTES]
    helpful, last_line = routes.rsplit("\n", 1)
    assert "only some questions in English" in helpful
    assert "14 followed by your area code" in helpful and "030 760 60 55" in helpful
    assert "112" not in helpful and "113" not in helpful
    assert "112" in last_line and "113 (0800 0113)" in last_line and "\n\n" not in routes
    other = RESPONSES[ROUTES_IN_ENGLISH_AND_DUTCH]
    other_helpful, other_last_line = other.rsplit("\n", 1)
    assert "Ik spreek Nederlands" in other_helpful and "112" not in other_helpful
    assert "112" in other_last_line and "113" in other_last_line
