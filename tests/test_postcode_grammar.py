"""One postcode grammar: the entity ruler (nlp/) and the resolver (lookup/) agree on what is a postcode.

The ruler builds its patterns from the resolver's letter rules in lookup/text.py; these cases
once split them ("1234 km" was a postcode with letters for the ruler, a bare 4-digit one for
the resolver)."""
from __future__ import annotations

from typing import Optional

import pytest
import spacy

from lookup.text import find_postcodes
from nlp.build_spacy_pipeline import postcode_patterns


@pytest.fixture(scope="module")
def ruler() -> spacy.language.Language:
    nlp = spacy.blank("nl")
    nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"}).add_patterns(postcode_patterns())
    return nlp


def _entity(nlp: spacy.language.Language, text: str) -> Optional[str]:
    spans = [e.text for e in nlp(text).ents if e.label_ == "postcode"]
    assert len(spans) <= 1
    return spans[0] if spans else None


def _resolved(text: str) -> Optional[str]:
    found = find_postcodes(text)
    return found[0].text if found else None


@pytest.mark.parametrize("text, postcode", [
    ("het is 1234 km rijden", "1234"),
    ("om 3511 uu", "3511"),
    ("sinds 2019 jr zorg ik voor mijn moeder", "2019"),
    ("ik woon in 9712 CP", "9712 CP"),
    ("postcode 3511ab", "3511 AB"),
    ("1234 en verder", "1234"),
    ("mijn postcode is 3511", "3511"),
])
def test_entity_and_resolver_agree(ruler: spacy.language.Language, text: str, postcode: str) -> None:
    assert _resolved(text) == postcode
    entity = _entity(ruler, text)
    assert entity is not None
    assert " ".join(entity.upper().split()) in {postcode, postcode.replace(" ", "")}
