"""Plain-language (B1) measures for Dutch text: Flesch-Douma, sentence and word length.

Flesch-Douma = 206.835 - 0.93 * (words / sentence) - 77 * (syllables / word).
Syllables are estimated by counting vowel groups, with the Dutch specifics that
"ij" is one vowel sound and a diaeresis (ë, ï, ö, ü) starts a new syllable
("cliënt" = cli-ënt, "geïnteresseerd" = ge-ïn-te-res-seerd).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, List, Optional

VOWELS = "aeiouyáàâäéèêíìîóòôúùûý"
DIAERESIS = "ëïöüÿ"
_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*", re.UNICODE)
# Common Dutch abbreviations whose full stop does not end a sentence.
_ABBREVIATIONS = ["bijv.", "bv.", "o.a.", "d.w.z.", "enz.", "etc.", "ca.", "nr.", "tel.", "t.o.v.",
                  "z.s.m.", "m.b.t.", "i.p.v.", "incl.", "excl.", "evt.", "resp.", "max.", "min.",
                  "mevr.", "dhr.", "jl.", "a.s.", "o.b.v."]
_URL = re.compile(r"\b(?:https?://\S+|www\.\S+|[\w.-]+\.(?:nl|com|org|eu)\b\S*)", re.IGNORECASE)
# Phone numbers such as "030 760 60 55" or "0800 0113" count as one word.
_PHONE = re.compile(r"(?<!\w)(?:\+31|0)\d{1,3}(?:[ -]?\d{2,4}){1,4}(?!\w)")


def syllables(word: str) -> int:
    """Estimated number of syllables of one Dutch word (at least 1)."""
    w = word.lower().replace("ij", "y")
    count = 0
    previous_vowel = False
    for ch in w:
        if ch in DIAERESIS:
            count += 1
            previous_vowel = True
        elif ch in VOWELS:
            if not previous_vowel:
                count += 1
            previous_vowel = True
        else:
            previous_vowel = False
    return max(count, 1)


def _protect(text: str) -> str:
    text = _URL.sub("site", text)
    text = _PHONE.sub("nummer", text)
    for abbr in _ABBREVIATIONS:
        text = re.sub(re.escape(abbr), abbr.replace(".", ""), text, flags=re.IGNORECASE)
    return text


def sentences(text: str) -> List[str]:
    """Split into sentences at . ! ? ; : followed by a space or the end, and at line breaks."""
    text = _protect(text)
    parts: List[str] = []
    for line in text.splitlines():
        for part in re.split(r"(?<=[.!?;:])\s+", line):
            if _WORD.search(part):
                parts.append(part.strip())
    return parts


def words(text: str) -> List[str]:
    return _WORD.findall(_protect(text))


@dataclass
class Readability:
    """The measures of one text."""

    words: int
    sentences: int
    syllables: int
    flesch_douma: float
    longest_sentence: str
    longest_sentence_words: int
    long_words: List[str] = field(default_factory=list)

    @property
    def long_word_share(self) -> float:
        return len(self.long_words) / self.words if self.words else 0.0


def measure(text: str, long_word_letters: int = 13,
            allowed_long_words: Optional[Iterable[str]] = None) -> Readability:
    """Readability measures of one answer text."""
    allowed = {w.lower() for w in (allowed_long_words or [])}
    sents = sentences(text) or [text]
    ws = words(text)
    n_words = max(len(ws), 1)
    n_sents = max(len(sents), 1)
    n_syll = sum(syllables(w) for w in ws) or 1
    score = 206.835 - 0.93 * (n_words / n_sents) - 77 * (n_syll / n_words)
    longest = max(sents, key=lambda s: len(words(s)))
    long_words = [w for w in ws if len(w) >= long_word_letters and w.lower() not in allowed]
    return Readability(words=len(ws), sentences=len(sents), syllables=n_syll,
                       flesch_douma=round(score, 1), longest_sentence=longest,
                       longest_sentence_words=len(words(longest)), long_words=long_words)


# Informal address ('je', 'jij', ...); our answers speak to the reader with 'u'.
_INFORMAL = re.compile(r"(?<![\w'’-])(je|jij|jou|jouw|jezelf|jullie)(?![\w'’-])", re.IGNORECASE)


def informal_words(text: str) -> List[str]:
    """The informal pronouns in ``text`` (in order, as written)."""
    return [m.group(0) for m in _INFORMAL.finditer(_URL.sub(" ", text))]

