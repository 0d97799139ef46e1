"""Remember the options offered as numbered text, so that a reply "2" means option 2.

Used when buttons cannot be sent as WhatsApp buttons (more than 10 on the Cloud API, always
on Twilio without content templates), and for button ids that had to be shortened.
In memory per replica, bounded and expiring, like ``channels.dedup``.
"""
from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from typing import Callable, Dict, List, Optional, Tuple

DEFAULT_TTL_SECONDS = 24 * 3600
DEFAULT_MAX_USERS = 100_000

_NUMBER = re.compile(r"^\s*(\d{1,2})\s*[.)]?\s*$")


class ChoiceMemory:
    def __init__(self, ttl_seconds: float = DEFAULT_TTL_SECONDS,
                 max_users: int = DEFAULT_MAX_USERS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl_seconds
        self.max_users = max_users
        self._clock = clock
        self._options: "OrderedDict[str, Tuple[float, List[Dict[str, str]]]]" = OrderedDict()
        self._lock = threading.Lock()

    def remember(self, user_id: str, buttons: List[Dict[str, str]]) -> None:
        """The latest options offered to ``user_id`` (title + payload, in order)."""
        options = [{"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
                   for b in buttons]
        with self._lock:
            self._options[user_id] = (self._clock(), options)
            self._options.move_to_end(user_id)
            while len(self._options) > self.max_users:
                self._options.popitem(last=False)

    def _current(self, user_id: str) -> List[Dict[str, str]]:
        entry = self._options.get(user_id)
        if entry is None or self._clock() - entry[0] > self.ttl:
            return []
        return entry[1]

    def payload_at(self, user_id: str, index: int) -> Optional[str]:
        """Payload of option ``index`` (0-based), if it is still remembered."""
        options = self._current(user_id)
        if 0 <= index < len(options):
            return options[index]["payload"]
        return None

    def forget(self, user_id: str) -> None:
        with self._lock:
            self._options.pop(user_id, None)

    def resolve(self, user_id: str, text: str) -> Optional[str]:
        """The payload meant by a typed reply: the option's number, or its exact title.

        Options are valid for the user's next message only: the caller forgets them after
        each inbound message, so a later "3" (a house number, say) is never misread."""
        options = self._current(user_id)
        if not options or not text:
            return None
        match = _NUMBER.match(text)
        if match:
            number = int(match.group(1))
            if 1 <= number <= len(options):
                return options[number - 1]["payload"]
            return None
        typed = text.strip().casefold()
        for option in options:
            if option["title"].strip().casefold() == typed:
                return option["payload"]
        return None
