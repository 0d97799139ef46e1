"""Turn a Rasa reply (text + buttons) into WhatsApp messages. Pure functions, no I/O.

WhatsApp Cloud API limits (Meta, "Interactive messages" / "Text messages"):
- text body: 4,096 characters;
- reply buttons: at most 3, title at most 20 characters, id at most 256, body at most 1,024;
- list: at most 10 rows, row title 24, row description 72, row id 200, list button label 20.

So: 1-3 buttons become reply buttons (titles shortened to 20 characters), 4-10 a list
(full title kept in the row's description when shortened), more than 10 numbered text
("Typ het nummer van uw keuze"). Long text is split at paragraph, line, sentence or word
boundaries so that every message stays under the limit.

"Meer lezen": an FAQ answer's source page ends its text as one line "Meer lezen: <url>"
(WhatsApp shows the address as a link; no preview card), only when the reply then still is
one message within the limits above (Twilio: one body of at most 1,600 characters).
A reply that would need an extra message for it goes out without the line.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

MAX_TEXT = 4096
MAX_BUTTON_BODY = 1024
MAX_BUTTONS = 3
MAX_BUTTON_TITLE = 20
MAX_BUTTON_ID = 256
MAX_LIST_ROWS = 10
MAX_ROW_TITLE = 24
MAX_ROW_DESCRIPTION = 72
MAX_ROW_ID = 200
MAX_LIST_BUTTON = 20
TWILIO_MAX_BODY = 1600

LIST_BUTTON_LABEL = "Kies een optie"
LIST_SECTION_TITLE = "Opties"
DEFAULT_CHOICE_PROMPT = "Maak een keuze:"
NUMBERED_HINT = "Typ het nummer van uw keuze."
READ_MORE = "Meer lezen:"
CHOICE_ID_PREFIX = "keuze:"

_MD_LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^)\s]+)\)")
_SEPARATORS = ("\n\n", "\n", ". ", "? ", "! ", "; ", ", ", " ")


def plain_text(text: Optional[str]) -> str:
    """WhatsApp shows plain text: Markdown links become "tekst (https://...)"."""
    if not text:
        return ""
    text = _MD_LINK.sub(lambda m: f"{m.group(1)} ({m.group(2)})", text)
    return text.replace("**", "*").strip()


def split_text(text: str, limit: int = MAX_TEXT) -> List[str]:
    """Split ``text`` into parts of at most ``limit`` characters, at the most natural
    boundary available (paragraph, line, sentence, word; a hard cut only as last resort)."""
    if limit < 2:
        raise ValueError("limit too small")
    text = (text or "").strip()
    parts: List[str] = []
    while len(text) > limit:
        cut = 0
        for sep in _SEPARATORS:
            idx = text.rfind(sep, 0, limit - len(sep) + 1)
            if idx >= limit // 3:  # do not leave a tiny fragment behind
                cut = idx + len(sep)
                break
        if cut <= 0:
            cut = limit
        head, text = text[:cut].rstrip(), text[cut:].lstrip()
        if head:
            parts.append(head)
    if text:
        parts.append(text)
    return parts


def shorten(title: str, limit: int) -> str:
    """``title`` in at most ``limit`` characters, cut at a word when that keeps most of it."""
    title = " ".join(str(title or "").split())
    if len(title) <= limit:
        return title
    cut = title[: limit - 1]
    space = cut.rfind(" ")
    if space >= int(limit * 0.6):
        cut = cut[:space]
    return cut.rstrip(" ,.;:-") + "…"


def numbered_text(text: str, buttons: List[Dict[str, Any]]) -> str:
    """The reply with its options as a numbered list, for channels without buttons."""
    lines = [f"{i}. {' '.join(str(b.get('title', '')).split())}" for i, b in enumerate(buttons, 1)]
    head = plain_text(text)
    body = "\n".join(lines)
    return (f"{head}\n\n" if head else "") + f"{body}\n\n{NUMBERED_HINT}"


@dataclass
class FormattedReply:
    """Message objects for the Graph API (without ``messaging_product`` and ``to``), and
    the options the channel must remember to map a reply back to a payload."""

    messages: List[Dict[str, Any]] = field(default_factory=list)
    remember: Optional[List[Dict[str, Any]]] = None
    kind: str = "text"  # text | buttons | list | numbered


def text_message(body: str) -> Dict[str, Any]:
    return {"type": "text", "text": {"preview_url": False, "body": body}}


def _ids(buttons: List[Dict[str, Any]], max_len: int) -> Tuple[List[str], bool]:
    """Payloads as ids when they fit and are unique; else "keuze:<n>" for all."""
    payloads = [str(b.get("payload") or b.get("title") or "") for b in buttons]
    if all(0 < len(p) <= max_len for p in payloads) and len(set(payloads)) == len(payloads):
        return payloads, False
    return [f"{CHOICE_ID_PREFIX}{i}" for i in range(len(buttons))], True


def _with_last_under(text: str, last_limit: int) -> Tuple[List[str], str]:
    """Split ``text`` so that the last part fits ``last_limit`` and the rest MAX_TEXT."""
    parts = split_text(text, MAX_TEXT) or [""]
    tail = split_text(parts[-1], last_limit) or [""]
    return parts[:-1] + tail[:-1], tail[-1]


def with_read_more(text: Optional[str], url: str) -> str:
    """The reply text with the line "Meer lezen: <url>" at its end."""
    return f"{plain_text(text)}\n\n{READ_MORE} {url}".strip()


def format_reply(text: Optional[str], buttons: Optional[List[Dict[str, Any]]] = None,
                 read_more: Optional[str] = None) -> FormattedReply:
    """Text and buttons as WhatsApp Cloud API messages (see the module docstring); with
    ``read_more`` (an https URL) the "Meer lezen" line when the reply stays one message."""
    if read_more:
        linked = format_reply(with_read_more(text, read_more), buttons)
        if len(linked.messages) == 1:
            return linked
    text = plain_text(text)
    buttons = [b for b in (buttons or []) if b.get("title") or b.get("payload")]
    if not buttons:
        return FormattedReply([text_message(p) for p in split_text(text)], None, "text")

    if len(buttons) <= MAX_BUTTONS:
        titles = [shorten(str(b.get("title") or b.get("payload")), MAX_BUTTON_TITLE) for b in buttons]
        if len(set(t.casefold() for t in titles)) == len(titles):
            ids, mapped = _ids(buttons, MAX_BUTTON_ID)
            messages = _interactive(text, MAX_BUTTON_BODY, "button", {"buttons": [
                {"type": "reply", "reply": {"id": i, "title": t}} for i, t in zip(ids, titles)
            ]})
            return FormattedReply(messages, buttons if mapped else None, "buttons")

    if len(buttons) <= MAX_LIST_ROWS:
        ids, mapped = _ids(buttons, MAX_ROW_ID)
        rows = []
        for row_id, b in zip(ids, buttons):
            full = " ".join(str(b.get("title") or b.get("payload")).split())
            row: Dict[str, Any] = {"id": row_id, "title": shorten(full, MAX_ROW_TITLE)}
            if len(full) > MAX_ROW_TITLE:
                row["description"] = shorten(full, MAX_ROW_DESCRIPTION)
            rows.append(row)
        messages = _interactive(text, MAX_TEXT, "list", {
            "button": shorten(LIST_BUTTON_LABEL, MAX_LIST_BUTTON),
            "sections": [{"title": LIST_SECTION_TITLE, "rows": rows}],
        })
        return FormattedReply(messages, buttons if mapped else None, "list")

    parts = split_text(numbered_text(text, buttons))
    return FormattedReply([text_message(p) for p in parts], buttons, "numbered")


def _interactive(text: str, body_limit: int, kind: str, action: Dict[str, Any]) -> List[Dict[str, Any]]:
    """Text messages for all but the last part of ``text``, then one interactive message
    (``kind`` "button" or "list") whose body is that last part."""
    before, body = _with_last_under(text, body_limit)
    messages = [text_message(p) for p in before]
    messages.append({"type": "interactive", "interactive": {
        "type": kind, "body": {"text": body or DEFAULT_CHOICE_PROMPT}, "action": action}})
    return messages


def twilio_bodies(text: Optional[str], buttons: Optional[List[Dict[str, Any]]] = None,
                  read_more: Optional[str] = None) -> List[str]:
    """Twilio message bodies: plain text, options as a numbered list, each body at most
    ``TWILIO_MAX_BODY``; the "Meer lezen" line when the reply stays one body."""
    if read_more:
        linked = twilio_bodies(with_read_more(text, read_more), buttons)
        if len(linked) == 1:
            return linked
    body = numbered_text(text or "", buttons) if buttons else plain_text(text)
    return split_text(body, TWILIO_MAX_BODY)


def template_message(name: str, language: str = "nl") -> Dict[str, Any]:
    """A pre-approved template (the only thing allowed outside the 24-hour window)."""
    return {"type": "template", "template": {"name": name, "language": {"code": language}}}


def choice_index(reply_id: str) -> Optional[int]:
    """The option index of a "keuze:<n>" id, else None."""
    if reply_id and reply_id.startswith(CHOICE_ID_PREFIX):
        try:
            return int(reply_id[len(CHOICE_ID_PREFIX):])
        except ValueError:
            return None
    return None
