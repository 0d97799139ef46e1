"""Process a repeated webhook delivery once.

Meta and Twilio retry a webhook when they did not see a 2xx in time, so the same message
id can arrive twice. ``MessageDeduplicator`` remembers ids in memory, oldest first out when full,
and each entry expires after a TTL.

One replica only: with several Rasa replicas behind a load balancer the two deliveries
can land on different replicas. A multi-replica deployment needs a shared store with an
atomic "set if absent with expiry", e.g. Redis ``SET wa:msg:<id> 1 NX EX 86400`` (the same
Redis as the lock store), and sticky routing per sender is not enough on its own.
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Callable, Optional

DEFAULT_TTL_SECONDS = 24 * 3600
DEFAULT_MAX_ENTRIES = 100_000


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
