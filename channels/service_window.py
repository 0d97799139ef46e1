"""WhatsApp's 24-hour customer-service window.

A business may send free-form messages to a user only within 24 hours of that user's last
message; outside it only an approved template may be sent. ``ServiceWindow`` tracks, per
user, when their last inbound message was sent, and decides for each outbound message:

- ``send``: the window is open, send as usual;
- ``template``: the window is closed and a template is configured that was not yet sent
  since the user's last message: send the template instead (once);
- ``suppress``: the window is closed and there is no template (or it was already sent):
  send nothing.

Every decision is counted in ``stats`` (no ids, no text), which the channel's health
endpoint shows and logs at DEBUG.

In memory, for one replica: a restart forgets the inbound times (so outbound to a user who
has not written since is treated as outside the window: the safe side), and several
replicas would each see only their own users' messages. A multi-replica deployment keeps
``last_inbound`` in the shared Redis (``SET wa:last_in:<user> <ts> EX 86400``).
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Callable, Dict, Optional

WINDOW_SECONDS = 24 * 3600
DEFAULT_MAX_USERS = 200_000

SEND = "send"
TEMPLATE = "template"
SUPPRESS = "suppress"


class ServiceWindow:
    def __init__(self, window_seconds: float = WINDOW_SECONDS,
                 clock: Callable[[], float] = time.time,
                 max_users: int = DEFAULT_MAX_USERS) -> None:
        self.window = float(window_seconds)
        self._clock = clock
        self.max_users = max_users
        self._last_inbound: "OrderedDict[str, float]" = OrderedDict()
        self._template_sent: Dict[str, float] = {}
        self._lock = threading.Lock()
        self.stats: Dict[str, int] = {"sent_in_window": 0, "template_sent": 0, "suppressed": 0}

    def now(self) -> float:
        return self._clock()

    def record_inbound(self, user_id: str, sent_at: Optional[float] = None) -> None:
        """The user wrote to us at ``sent_at`` (epoch seconds; default now)."""
        now = self._clock()
        at = now if sent_at is None else min(float(sent_at), now)  # never trust a future time
        with self._lock:
            previous = self._last_inbound.get(user_id)
            if previous is not None and previous >= at:
                return
            self._last_inbound[user_id] = at
            self._last_inbound.move_to_end(user_id)
            self._template_sent.pop(user_id, None)
            while len(self._last_inbound) > self.max_users:
                old, _ = self._last_inbound.popitem(last=False)
                self._template_sent.pop(old, None)

    def last_inbound(self, user_id: str) -> Optional[float]:
        return self._last_inbound.get(user_id)

    def is_open(self, user_id: str) -> bool:
        last = self._last_inbound.get(user_id)
        return last is not None and self._clock() - last < self.window

    def decide(self, user_id: str, template_configured: bool) -> str:
        """Decide (and count) what to do with one outbound message to ``user_id``."""
        with self._lock:
            last = self._last_inbound.get(user_id)
            if last is not None and self._clock() - last < self.window:
                self.stats["sent_in_window"] += 1
                return SEND
            if template_configured and user_id not in self._template_sent:
                self._template_sent[user_id] = self._clock()
                self.stats["template_sent"] += 1
                return TEMPLATE
            self.stats["suppressed"] += 1
            return SUPPRESS
