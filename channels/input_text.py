"""Clean the text of an incoming user message before Rasa sees it.

Shared by all our input channels (REST, socket.io, WhatsApp Cloud, Twilio):

- Unicode NFC, so "cliënt" typed with a combining diaeresis matches the training data;
- control characters are removed (NUL, BEL, ESC, ...; a line break stays, a tab or carriage
  return becomes a space or line break), and so are lone surrogates (they crash the
  pipeline) and the bidi embedding/override/isolate controls (U+202A-202E, U+2066-2069),
  which can make an echoed text read backwards. The marks U+200E/U+200F and U+061C, needed
  in Arabic and Hebrew text, stay;
- at most ``MAX_MESSAGE_CHARS`` characters are kept. Longer text is cut (at a word boundary
  when there is one near the end) and the channel sends ``channels.replies.LONG_MESSAGE_NOTE`` before the
  answer, so the user knows only the first part was read. A danger phrase in the part that
  was cut is kept (appended to the first part), so a crisis is never missed because a
  message was long. Only the first ``MAX_RAW_CHARS`` characters are read at all: cleaning
  runs on the server's one event loop, and a message of megabytes would stall every user.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from safety.terms import danger_phrase, has_danger_phrase

MAX_MESSAGE_CHARS = 2000
MAX_RAW_CHARS = 10 * MAX_MESSAGE_CHARS  # read no further than this (the cut is noted anyway)

_BIDI_CONTROLS = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}
_WORD_BOUNDARY_WINDOW = 100


@dataclass(frozen=True)
class CleanText:
    """The cleaned text and whether it was cut to ``MAX_MESSAGE_CHARS``."""

    text: str
    truncated: bool = False


def _keep(char: str) -> bool:
    if char == "\n":
        return True
    if char in _BIDI_CONTROLS:
        return False
    return unicodedata.category(char) not in ("Cc", "Cs")


def has_controls(text: str) -> bool:
    """Whether ``text`` holds any control character (line breaks and tabs included), lone
    surrogate or bidi override: not allowed in an identifier such as a sender id."""
    return any(unicodedata.category(char) in ("Cc", "Cs") or char in _BIDI_CONTROLS
               for char in text)


def strip_controls(text: str) -> str:
    """``text`` without control characters, lone surrogates and bidi overrides."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return "".join(char for char in text if _keep(char))


def clean_text(text: str, limit: int = MAX_MESSAGE_CHARS) -> CleanText:
    """Normalise, strip control characters and cap the length of a user message."""
    raw_cut = len(text) > MAX_RAW_CHARS
    text = unicodedata.normalize("NFC", strip_controls(text[:MAX_RAW_CHARS]))
    if raw_cut and len(text) <= limit:
        return CleanText(text, truncated=True)
    if len(text) <= limit:
        return CleanText(text)
    danger = danger_phrase(text)
    if danger and not has_danger_phrase(text[:limit]):
        limit -= len(danger) + 3
    cut = text[:limit]
    boundary = cut.rfind(" ", limit - _WORD_BOUNDARY_WINDOW)
    if boundary > 0:
        cut = cut[:boundary]
    cut = cut.rstrip()
    if danger and not has_danger_phrase(cut):
        cut = f"{cut} … {danger}"
    return CleanText(cut, truncated=True)
