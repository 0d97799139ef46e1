"""Which language a message is in: Dutch, English, or another language (offline, no model).

Function words tell Dutch and English apart reliably from three or four words on, which
is what a chat message gives: a word list per language, no download, no randomness.
Messages in a script other than Latin (Arabic, Cyrillic, Turkish is Latin and is not
detected) count as "other". Short or mixed messages stay Dutch: a Dutch reply to "ok" or
"thanks!" is never wrong, an English reply to a Dutch question would be.
"""
from __future__ import annotations

import re
import unicodedata

DUTCH = "nl"
ENGLISH = "en"
OTHER = "other"

_ENGLISH_WORDS = frozenset("""
the a an is are was were be been do does did can could would should will my your our their
his her it this that these those what where when who how which why i you we they me him them
of to for with from at about into and or not no help care carer caregiver support need get
have has there here please anyone someone mother father mom dad husband wife parent parents
municipality home am any free cost costs pay paid does english speak language
""".split())
_DUTCH_WORDS = frozenset("""
de het een is zijn ben bent was waren wordt word kan kun kunt mag moet wil wat waar wanneer
wie hoe welke waarom ik u je jij we wij ze zij hij mijn uw onze hun van voor met bij op aan
in uit en of niet geen hulp zorg mantelzorg mantelzorger heb heeft hebben er hier daar iemand
moeder vader man vrouw ouders gemeente thuis dat die dit deze nog ook al naar om te als dan
""".split())
_SHARED = _ENGLISH_WORDS & _DUTCH_WORDS  # "is", "in", "me": evidence for neither
_WORD = re.compile(r"[a-zà-ÿ']+")


def _non_latin_letters(text: str) -> int:
    return sum(1 for ch in text if ch.isalpha() and not unicodedata.name(ch, "").startswith("LATIN"))


def detect(text: str) -> str:
    """DUTCH, ENGLISH or OTHER for one message."""
    letters = sum(1 for ch in text if ch.isalpha())
    if letters and _non_latin_letters(text) / letters > 0.5:
        return OTHER
    words = _WORD.findall(text.lower())
    english = sum(w in _ENGLISH_WORDS and w not in _SHARED for w in words)
    dutch = sum(w in _DUTCH_WORDS and w not in _SHARED for w in words)
    if english >= 2 and english > 2 * dutch:
        return ENGLISH
    return DUTCH
