"""Phrases that signal acute danger. Plain Python so tests and channels can reuse it.

Kept deliberately narrow: explicit suicide or self-harm, violence and medical
emergencies. General overload ("ik trek het niet meer") is left to the classifier,
whose crisis examples and overload answer both point to help.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Optional

_PATTERNS = [
    r"zelfmoord", r"su[iï]cid", r"su[iï]cide", r"zelfdoding", r"\bnoodsituatie\b", r"\bnoodgeval\b",
    r"\b(?:heeft|hebben|werd|word|ben)\s+(?:me|mij|ik)\s+(?:\w+\s+)?geslagen\b",
    r"\bdood\s+willen\b", r"\bwil\s+(?:ik\s+)?dood\b", r"\bwil\s+niet\s+meer\s+leven\b",
    r"\bniet\s+meer\s+(?:willen\s+)?leven\b", r"\beinde\s+aan\s+(?:mijn|m'n|het)\s+leven\b",
    r"\bmezelf\s+(?:iets\s+)?aan\s*doen\b", r"\bmijzelf\s+(?:iets\s+)?aan\s*doen\b",
    r"\bmezelf\s+(?:iets\s+)?aandoen\b", r"\bmijzelf\s+(?:iets\s+)?aandoen\b",
    r"\bmijn\s+leven\s+beëindigen\b", r"\bleven\s+beeindigen\b", r"\bmezelf\s+van\s+kant\b",
    r"\bik\s+ga\s+(?:mezelf|mijzelf)\b",
    r"\bademt\s+niet\b", r"\bbewusteloos\b", r"\bniet\s+meer\s+wakker\s+te\s+krijgen\b",
    r"\bhartaanval\b", r"\bberoerte\b",
    r"\bmishandel", r"\bslaat\s+(?:mij|me)\b", r"\bbedreigt\s+(?:mij|me)\b",
    r"\bhuiselijk\s+geweld\b",
]
_REGEX = re.compile("|".join(_PATTERNS), re.IGNORECASE)


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFC", text).lower()


def matches_crisis(text: str) -> bool:
    """True when ``text`` contains an explicit danger phrase."""
    return bool(_REGEX.search(_normalise(text)))


def crisis_phrase(text: str) -> Optional[str]:
    """The first explicit danger phrase in ``text`` (lower case), or None."""
    found = _REGEX.search(_normalise(text))
    return found.group(0) if found else None
