""""Meer lezen": the source page of an FAQ answer, for the channels that can show a link.

The page has one home: the topic's ``bron`` in data/faq/<topic>.yml (the same field editors
see and ``make validate`` checks). Nothing is copied into the answer or the domain: Rasa hands
every output channel the name of the response it sends (``utter_action``, for the built-in
``utter_faq`` and for ``action_answer_topic`` alike), and for ``utter_faq/<topic>`` this module
reads that topic's file. So safety answers (``utter_safety_*``), lookup answers (text from the
action server) and every other reply get no link, and changing or retraining nothing else is
needed. The file is read again when it changes (editors publish without a restart).

The page is the first part of ``bron`` that holds an https address; a part without one
(``seeds/…``, ``repo:…``) is skipped, and a topic without any https page gets no link. An
address is used only when it is a plain ``https://host/…`` URL (no user name, spaces, quotes
or angle brackets).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Tuple
from urllib.parse import urlsplit

from editor.topic_file import FAQ_DIR, RESPONSE_PREFIX, SLUG, TopicFile

ROOT = Path(__file__).resolve().parent.parent
MAX_URL = 500
_URL = re.compile(r"https://[^\s<>\"'`]+")
_UNSAFE = re.compile(r"[\s<>\"'`\\\x00-\x1f\x7f]")
_TITLE_END = " \t—–-:,;("


@dataclass(frozen=True)
class SourcePage:
    """The page a resident can open to read more: a title (may be empty) and an https URL."""

    title: str
    url: str

    def as_dict(self) -> Dict[str, str]:
        return {"title": self.title, "url": self.url}


def https_url(url: str) -> Optional[str]:
    """``url`` when it is a plain https address of a named host, else None."""
    if not url or len(url) > MAX_URL or _UNSAFE.search(url):
        return None
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
    except ValueError:
        return None
    if parts.scheme != "https" or not hostname or "." not in hostname or "@" in parts.netloc:
        return None
    return url


def _clean_url(found: str) -> str:
    """An address found in running text, without the punctuation that follows it."""
    url = found.rstrip(".,;:!?")
    while url.endswith(")") and url.count("(") < url.count(")"):
        url = url[:-1].rstrip(".,;:!?")
    return url


def _title(before: str) -> str:
    title = " ".join(before.split()).rstrip(_TITLE_END)
    if title.count("(") > title.count(")"):
        title += ")"
    return title


def first_page(source: Optional[str]) -> Optional[SourcePage]:
    """The first https page named in a ``bron`` ("Titel — https://…; seeds/…; …"), or None."""
    for part in (source or "").split(";"):
        match = _URL.search(part)
        if not match:
            continue
        url = https_url(_clean_url(match.group(0)))
        if url:
            return SourcePage(_title(part[:match.start()]), url)
    return None


_cache: Dict[str, Tuple[int, Optional[SourcePage]]] = {}


def topic_page(topic: str, root: Path = ROOT) -> Optional[SourcePage]:
    """The source page of FAQ topic ``topic`` (its file's ``bron``), or None."""
    if not SLUG.match(topic or ""):
        return None
    path = root / FAQ_DIR / f"{topic}.yml"
    try:
        changed = path.stat().st_mtime_ns
    except OSError:
        return None
    key = str(path)
    cached = _cache.get(key)
    if cached is not None and cached[0] == changed:
        return cached[1]
    try:
        page = first_page(TopicFile.from_path(path).source)
    except Exception:  # noqa: BLE001 - a broken topic file costs its link, never the answer
        page = None
    _cache[key] = (changed, page)
    return page


def source_page(message: Mapping[str, Any]) -> Optional[SourcePage]:
    """The source page for an outgoing bot message (Rasa's message dict or a channel's
    ``**kwargs``): only an FAQ answer, ``utter_action`` ``utter_faq/<topic>``, has one."""
    action = message.get("utter_action")
    if not isinstance(action, str) or not action.startswith(RESPONSE_PREFIX):
        return None
    return topic_page(action[len(RESPONSE_PREFIX):])


def page_url(message: Mapping[str, Any]) -> Optional[str]:
    page = source_page(message)
    return page.url if page else None


def attach(messages: List[Dict[str, Any]], page: Optional[SourcePage]) -> None:
    """Put ``page`` as ``read_more`` on the last message with text (the end of the answer)."""
    if page is None:
        return
    for message in reversed(messages):
        if message.get("text"):
            message["read_more"] = page.as_dict()
            return
