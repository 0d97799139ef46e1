"""Build the offline Dutch spaCy pipeline used by Rasa's SpacyNLP.

``spacy.blank("nl")`` plus tokenizer exceptions for names such as 's-Hertogenbosch and
an entity ruler that tags gemeenten (``gemeente``) and postcodes (``postcode``). A second,
case-sensitive ruler tags village names (kernen such as Monster, Krommenie) as ``gemeente``
too: the woonplaats slot takes them and the lookup resolves them to their gemeente.
Nothing is downloaded. Usage: ``python -m nlp.build_spacy_pipeline build/spacy_nl``.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Dict, List, Set

import spacy
from spacy.language import Language

from lookup.text import COMMON_WORD_PLACES, UNUSED_LETTER_PAIRS, WORD_LETTERS, place_key
from nlp.gazetteer import apostrophe_names, gemeente_names, village_names


def postcode_patterns() -> List[Dict]:
    """Entity-ruler patterns for postcodes, from the resolver's letter rules (lookup/text.py)."""
    not_letters = sorted(WORD_LETTERS | {pair.lower() for pair in UNUSED_LETTER_PAIRS})
    four_digits = {"TEXT": {"REGEX": r"^[1-9][0-9]{3}$"}}
    letters = {"LOWER": {"REGEX": r"^[a-z]{2}$", "NOT_IN": not_letters}}
    joined = {"LOWER": {"REGEX": r"^[1-9][0-9]{3}(?!" + "|".join(not_letters) + r")[a-z]{2}$"}}
    return [
        {"label": "postcode", "pattern": [four_digits, letters]},
        {"label": "postcode", "pattern": [joined]},
        {"label": "postcode", "pattern": [four_digits]},
    ]


# 'Amsterdam-Zuid', 'Den Haag-Zuidwest': the tokenizer keeps 'Amsterdam-Zuid' whole, so the
# gemeente name alone does not match; the resolver splits the hyphen and finds the gemeente.
# Token patterns with a regex, not a phrase per name and district: 3,400 phrase patterns
# cost the Rasa server 25 MB (stop 22, over the 400 MB goal).
DISTRICT_SUFFIXES = ("noord", "zuid", "oost", "west", "centrum", "noordoost", "noordwest", "zuidoost",
                     "zuidwest", "nieuw-west")
_SUFFIX_RE = "(?:" + "|".join(DISTRICT_SUFFIXES) + ")"
# a compass word is no city: 'Zuid-Oost' and 'Noord-West' stay untagged
_ONE_WORD_DISTRICT = r"^(?!(?:noord|zuid|oost|west|nieuw|midden)-)[a-zà-ÿ][a-zà-ÿ'’]+-" + _SUFFIX_RE + "$"


def district_patterns(names: Dict[str, str]) -> List[Dict]:
    """Entity-ruler token patterns for a place with a compass district: one regex for one-word
    names ('amsterdam-zuid'), and the first words plus a regex for names of more words
    ('den' + 'haag-zuidwest'). Names with a hyphen ('Alphen-Chaam') get none."""
    patterns: List[Dict] = [{"label": "gemeente", "pattern": [{"LOWER": {"REGEX": _ONE_WORD_DISTRICT}}]}]
    seen = set()
    for name, code in sorted(names.items()):
        words = name.lower().split()
        if len(words) < 2 or "-" in name or tuple(words) in seen:
            continue
        seen.add(tuple(words))
        last = {"LOWER": {"REGEX": "^" + re.escape(words[-1]) + "-" + _SUFFIX_RE + "$"}}
        patterns.append({"label": "gemeente", "pattern": [{"LOWER": w} for w in words[:-1]] + [last],
                         "id": code})
    return patterns


def _common_words() -> Set[str]:
    """Dutch stop words and every word of the training examples: never a village here."""
    from spacy.lang.nl.stop_words import STOP_WORDS

    words: Set[str] = set(STOP_WORDS)
    for path in sorted(Path("data").rglob("*.yml")):
        words.update(re.findall(r"[^\W\d_]+", path.read_text(encoding="utf-8").lower()))
    return words


def is_ordinary_word(name: str) -> bool:
    """A gemeente name that is also an ordinary Dutch word: "de buren", "het best", "leiden tot"."""
    return len(name) >= 4 and place_key(name) in COMMON_WORD_PLACES


def build(output_dir: Path) -> Language:
    nlp = spacy.blank("nl")
    names = gemeente_names()
    # written with a capital such a name is the gemeente ("ik woon in Buren"); in lower case it is
    # the word ("ik durf mijn buren niet om hulp te vragen"), unless it follows "in", "uit",
    # "gemeente" or "regio", which nlp/misspelt_place.py reads ("ik woon in buren")
    ordinary = {name: code for name, code in names.items() if is_ordinary_word(name)}
    for name in apostrophe_names(names):
        for surface in {name, name.lower(), name.replace("'", "’"), name.lower().replace("'", "’")}:
            nlp.tokenizer.add_special_case(surface, [{"ORTH": surface}])  # type: ignore[union-attr]
    villages = nlp.add_pipe("entity_ruler", name="village_ruler", config={"phrase_matcher_attr": "ORTH"})
    villages.add_patterns([{"label": "gemeente", "pattern": name}  # type: ignore[attr-defined]
                           for name in sorted(village_names(_common_words()))])
    villages.add_patterns([{"label": "gemeente", "pattern": name, "id": code}  # type: ignore[attr-defined]
                           for name, code in sorted(ordinary.items()) if name[:1].isupper()])
    ruler = nlp.add_pipe(
        "entity_ruler", config={"phrase_matcher_attr": "LOWER", "overwrite_ents": True}
    )
    patterns: List[Dict] = [
        {"label": "gemeente", "pattern": name, "id": code} for name, code in sorted(names.items())
        if name not in ordinary
    ]
    patterns.extend(district_patterns(names))
    patterns.extend(postcode_patterns())
    ruler.add_patterns(patterns)  # type: ignore[attr-defined]
    nlp.meta["name"] = "carer_nl"
    nlp.meta["version"] = "1.0.0"
    nlp.meta["description"] = "Offline Dutch pipeline: blank nl + gemeente/postcode entity ruler"
    output_dir.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(output_dir)
    return nlp


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "build/spacy_nl")
    ruler = build(target).get_pipe("entity_ruler")
    print(f"spaCy pipeline written to {target} ({len(ruler)} patterns)")  # type: ignore[arg-type]
