"""Process a repeated webhook delivery once.

Meta and Twilio retry a webhook when they did not see a 2xx in time, so the same message
id can arrive twice, and with several Rasa replicas the retry can land on another replica.

- ``MessageDeduplicator`` (one machine, the default): ids in memory, oldest first out when
  full, each entry expires after a TTL.
- ``RedisMessageDeduplicator`` (several replicas, when ``REDIS_HOST`` is set; chosen in
  ``channels.shared_state``): ``SET wa:<channel>:msg:<digest> <token> NX PX <ttl>`` in the
  shared Redis, so exactly one replica processes a message id. The id is hashed (a Meta
  message id contains the sender's number). When Redis does not answer, the message is
  processed (never lost); only a retry reaching the same replica during the outage is
  still caught, by that replica's memory.
"""
from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from typing import Callable, Optional

from channels.redis_store import RedisStore, StateUnavailable

DEFAULT_TTL_SECONDS = 24 * 3600
DEFAULT_MAX_ENTRIES = 100_000
LOCAL_MAX_ENTRIES = 10_000  # the Redis version's own memory, used only while Redis is down


class MessageDeduplicator:
    def __init__(self, ttl_seconds: float = DEFAULT_TTL_SECONDS,
                 max_entries: int = DEFAULT_MAX_ENTRIES,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = float(ttl_seconds)
        self.max_entries = int(max_entries)
        self._clock = clock
        self._seen: "OrderedDict[str, float]" = OrderedDict()
        self._lock = threading.Lock()
        self.duplicates = 0

    def first_time(self, message_id: Optional[str]) -> bool:
        """Record ``message_id``; True when it was not seen within the TTL (process it)."""
        if not message_id:
            return True  # nothing to deduplicate on; process
        now = self._clock()
        with self._lock:
            self._expire(now)
            seen_at = self._seen.get(message_id)
            if seen_at is not None and now - seen_at < self.ttl:
                self.duplicates += 1
                return False
            self._seen[message_id] = now
            self._seen.move_to_end(message_id)
            while len(self._seen) > self.max_entries:
                self._seen.popitem(last=False)
            return True

    def forget(self, message_id: Optional[str]) -> None:
        """Allow a retry of a message whose processing failed."""
        if message_id:
            with self._lock:
                self._seen.pop(message_id, None)

    def __len__(self) -> int:
        return len(self._seen)

    def _expire(self, now: float) -> None:
        # entries are in insertion/refresh order, so the oldest come first
        while self._seen:
            oldest_id, seen_at = next(iter(self._seen.items()))
            if now - seen_at < self.ttl:
                break
            self._seen.popitem(last=False)


class RedisMessageDeduplicator(MessageDeduplicator):
    """The same contract, shared by all replicas through Redis.

    ``duplicates`` counts the duplicates this replica ignored. The in-memory part inherited
    from ``MessageDeduplicator`` is used only while Redis does not answer."""

    def __init__(self, store: RedisStore, channel: str, ttl_seconds: float = DEFAULT_TTL_SECONDS,
                 max_entries: int = LOCAL_MAX_ENTRIES,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(ttl_seconds=ttl_seconds, max_entries=max_entries, clock=clock)
        self.store = store
        self.channel = channel

    def _key(self, message_id: str) -> str:
        return self.store.key(self.channel, "msg", message_id)

    def first_time(self, message_id: Optional[str]) -> bool:
        if not message_id:
            return True
        key = self._key(message_id)
        token = secrets.token_hex(4)
        ttl_ms = max(1, int(self.ttl * 1000))

        def claim(client) -> bool:
            if client.set(key, token, nx=True, px=ttl_ms):
                return True
            # a retried call: our first SET may have been applied before the connection dropped
            return client.get(key) == token

        try:
            first = self.store.run(claim)
        except StateUnavailable:
            return super().first_time(message_id)  # process it, unless this replica just did
        if not first:
            with self._lock:
                self.duplicates += 1
        return first

    def forget(self, message_id: Optional[str]) -> None:
        if not message_id:
            return
        super().forget(message_id)
        key = self._key(message_id)
        try:
            self.store.run(lambda client: client.delete(key))
        except StateUnavailable:
            pass

    def __len__(self) -> int:
        """Ids remembered in Redis (a SCAN over this channel's keys: for tests and operators)."""
        pattern = f"{self._key('x').rsplit(':', 1)[0]}:*"
        try:
            return self.store.run(lambda client: sum(1 for _ in client.scan_iter(match=pattern, count=1000)))
        except StateUnavailable:
            return super().__len__()
