"""Remember the options offered as numbered text, so that a reply "2" means option 2.

Used when buttons cannot be sent as WhatsApp buttons (more than 10 on the Cloud API, always
on Twilio without content templates), and for button ids that had to be shortened.

- ``ChoiceMemory`` (one machine, the default): in memory, bounded and expiring.
- ``RedisChoiceMemory`` (several replicas, when ``REDIS_HOST`` is set; chosen in
  ``channels.shared_state``): ``wa:<channel>:opt:<digest>`` holds the offered titles and
  payloads (the bot's own words, never the user's) as JSON with the same TTL, so the "2"
  may reach another replica than the one that offered the list. When Redis does not
  answer, nothing is remembered or found: the number goes to Rasa as plain text.
"""
from __future__ import annotations

import json
import re
import threading
import time
from collections import OrderedDict
from typing import Callable, Dict, List, Optional, Tuple

from channels.redis_store import RedisStore, StateUnavailable

DEFAULT_TTL_SECONDS = 24 * 3600
DEFAULT_MAX_USERS = 100_000

_NUMBER = re.compile(r"^\s*(\d{1,2})\s*[.)]?\s*$")


def _options(buttons: List[Dict[str, str]]) -> List[Dict[str, str]]:
    return [{"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))} for b in buttons]


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
        options = _options(buttons)
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


class RedisChoiceMemory(ChoiceMemory):
    """The same contract, shared by all replicas through Redis (see the module docstring).

    Reading the options also removes them (GET and DEL in one transaction): the channels
    forget them after every inbound message anyway, and so of two replies racing on two
    replicas only one can pick from the list, as on one machine's event loop."""

    def __init__(self, store: RedisStore, channel: str, ttl_seconds: float = DEFAULT_TTL_SECONDS) -> None:
        super().__init__(ttl_seconds=ttl_seconds)
        self.store = store
        self.channel = channel

    def _key(self, user_id: str) -> str:
        return self.store.key(self.channel, "opt", user_id)

    def remember(self, user_id: str, buttons: List[Dict[str, str]]) -> None:
        key = self._key(user_id)
        value = json.dumps(_options(buttons), ensure_ascii=False, separators=(",", ":"))
        ttl_ms = max(1, int(self.ttl * 1000))
        try:
            self.store.run(lambda client: client.set(key, value, px=ttl_ms))
        except StateUnavailable:
            pass  # a typed number will reach Rasa as plain text

    def _current(self, user_id: str) -> List[Dict[str, str]]:
        key = self._key(user_id)

        def take(client) -> Optional[str]:
            pipe = client.pipeline(transaction=True)
            pipe.get(key)
            pipe.delete(key)
            return pipe.execute()[0]

        try:
            raw = self.store.run(take)
        except StateUnavailable:
            return []
        try:
            options = json.loads(raw) if raw else []
        except ValueError:
            return []
        return _options([o for o in options if isinstance(o, dict)]) if isinstance(options, list) else []

    def forget(self, user_id: str) -> None:
        key = self._key(user_id)
        try:
            self.store.run(lambda client: client.delete(key))
        except StateUnavailable:
            pass  # they expire with their TTL
