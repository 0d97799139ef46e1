"""Names of gemeenten (official, short and aliases) for the entity ruler.

The name logic lives in the lookup library (`lookup.text`, `lookup.places`); this module
keeps the functions the spaCy pipeline builder uses. No Rasa or spaCy imports.
"""
from __future__ import annotations

from pathlib import Path
from typing import Dict, Iterable, Set

from lookup.places import DATA_DIR, Places
from lookup.text import name_variants, strip_accents

__all__ = ["apostrophe_names", "gemeente_names", "village_names", "written_variants"]


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
    return {variant for name in Places(data_dir).village_names() for variant in written_variants(name)
            if len(name) >= 4 and name.lower() not in common and strip_accents(name.lower()) not in common}


def written_variants(name: str) -> Set[str]:
    """How people write a village name with a capital: 'Oud-Beijerland' also as 'Oud Beijerland',
    'IJsselmuiden' also as 'Ijsselmuiden', accents left off."""
    variants = name_variants(name)
    return variants | {v.replace("IJ", "Ij") for v in variants if "IJ" in v}
