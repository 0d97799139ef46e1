"""Names of gemeenten (official, short and aliases) for the entity ruler.

The name logic lives in the lookup library (`lookup.text`, `lookup.places`); this module
keeps the functions the spaCy pipeline builder uses. No Rasa or spaCy imports.
"""
from __future__ import annotations

from pathlib import Path
from typing import Dict, Iterable, Set

from lookup.places import DATA_DIR, Places
from lookup.text import ORDINARY_AFTER_IN, name_variants, strip_accents

__all__ = ["apostrophe_names", "gemeente_names", "lowercase_article_variants", "village_names",
           "written_variants"]


def gemeente_names(data_dir: Path = DATA_DIR) -> Dict[str, str]:
    """Map every surface form of a gemeente name to its CBS code (GM0363)."""
    return Places(data_dir).surface_names()


def apostrophe_names(names: Iterable[str]) -> Set[str]:
    """Names starting with 's- that the tokenizer must keep whole."""
    return {n for n in names if n.startswith(("'s-", "’s-", "'s ", "s-"))}


def village_names(common_words: Iterable[str], data_dir: Path = DATA_DIR) -> Set[str]:
    """Village names (kernen) as written, for a case-sensitive pattern: 'Monster', 'Ouddorp'.

    Left out: names shorter than 4 letters and names that are also ordinary words in
    ``common_words`` (e.g. from the training examples), so a sentence-initial word is not
    taken for a place.
    """
    common = {w.lower() for w in common_words}
    return {variant for name in Places(data_dir).village_names()
            for variant in written_variants(name) | lowercase_article_variants(name, common)
            if len(name) >= 4 and not _is_common(name, common)}


def _is_common(word: str, common: Set[str]) -> bool:
    """An ordinary word, with or without its accents ('Hé' and 'he')."""
    return word.lower() in common or strip_accents(word.lower()) in common


_ARTICLES = ("De ", "Den ", "Het ", "'t ", "'T ", "Ter ", "Ten ")
# Written with a capital after "de" they are a river or region first: "zwemmen in de Waal".
_OTHER_PROPER_NOUNS = frozenset({"waal", "krim", "marne", "maas", "rijn", "lek"})


def lowercase_article_variants(name: str, common: Set[str]) -> Set[str]:
    """'De Westereen' as people write it in a sentence: 'in de Westereen', 'in de Meern'.

    Left out when the word after the article is an ordinary word ('De Steeg': "in de steeg"
    is an alley, 'De Waal' a river one swims in), so only the capital marks the place.
    """
    article = next((a for a in _ARTICLES if name.startswith(a)), None)
    if article is None:
        return set()
    rest = name[len(article):]
    if article.lower() + rest.lower() in ORDINARY_AFTER_IN or rest.lower() in _OTHER_PROPER_NOUNS:
        return set()
    if any(_is_common(word, common) for word in rest.split()):
        return set()
    return {article.lower() + variant for variant in written_variants(rest)}


def written_variants(name: str) -> Set[str]:
    """How people write a village name with a capital: 'Oud-Beijerland' also as 'Oud Beijerland',
    'IJsselmuiden' also as 'Ijsselmuiden', accents left off."""
    variants = name_variants(name)
    return variants | {v.replace("IJ", "Ij") for v in variants if "IJ" in v}
