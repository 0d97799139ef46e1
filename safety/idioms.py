"""Figures of speech with death words, made plain before the safety classifier reads a message.

"Ik schrok me dood", "als de dood voor spinnen", "het is hier de dood in de pot", "ik schaam
me kapot": in these "dood" and "kapot" only mean "very" or "dull". The classifier learns from
character n-grams, so the bare word pulls such messages towards a suicide answer (false alarms
in every safety test set). Each figure is replaced by a plain word with the same meaning, in
training and at prediction alike. Literal uses ("hij is dood", "ik ga dood van de pijn",
"doodmoe") are left alone.
"""
from __future__ import annotations

import re
from typing import List, Tuple

_PRONOUN = r"(?:me|mij|zich|je|ons|haar|hem|zichzelf|mezelf)"
_INTENSIFIED_VERB = (r"(?:schrik|schrikt|schrok|schrokken|lach|lacht|lachte|lachten|erger|ergert|ergerde|"
                     r"schaam|schaamt|schaamde|verveel|verveelt|verveelde|werk|werkt|werkte|zoek|zoekt|zocht|"
                     r"zweet|zweette|vervelen|ergeren|schamen|lachen|werken|zoeken|schrikken)")
_FIGURES: List[Tuple["re.Pattern[str]", str]] = [
    # "ik schrok me dood", "hij verveelt zich kapot", "ik schrik me een hoedje"
    (re.compile(r"\b(" + _INTENSIFIED_VERB + r")\s+(" + _PRONOUN + r")\s+(?:\w+\s+)?"
                r"(?:dood|kapot|rot|suf|een\s+hoedje)\b"),
     r"\1 \2 erg"),
    # "… me dood te schrikken", "zich kapot te vervelen"
    (re.compile(r"\b(" + _PRONOUN + r")\s+(?:dood|kapot|rot)\s+(te\s+)?(" + _INTENSIFIED_VERB + r")\b"),
     r"\1 erg \2\3"),
    (re.compile(r"\bals\s+de\s+dood\s+(voor|dat|om)\b"), r"heel bang \1"),
    (re.compile(r"\bde\s+dood\s+in\s+de\s+pot\b"), "heel saai"),
    (re.compile(r"\bom\s+dood\s+te\s+gaan\b"), "heel erg"),
    (re.compile(r"\bval\s+dood\b"), "rot op"),
    (re.compile(r"\bdoodleuk\b"), "zomaar"),
    (re.compile(r"\bdoodnormaal\b"), "heel normaal"),
]


def without_figures(text: str) -> str:
    """``text`` (lower case) with figurative death words replaced by plain ones."""
    for pattern, plain in _FIGURES:
        text = pattern.sub(plain, text)
    return text
