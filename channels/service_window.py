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

Two implementations, chosen in ``channels.shared_state``:

- ``ServiceWindow`` (one machine, the default): in memory. A restart forgets the inbound
  times, so outbound to a user who has not written since is treated as outside the window
  (the safe side).
- ``RedisServiceWindow`` (several replicas, when ``REDIS_HOST`` is set): one Redis hash per
  user, ``wa:<channel>:win:<digest>`` with ``in`` (time of the last inbound message) and
  ``tpl`` (the template was sent since then). Each change is one Lua script, so two
  replicas never both send the template. ``in`` lives until the window closes; after a
  template the hash lives ``TEMPLATE_MEMORY_SECONDS`` (30 days, the conversations'
  retention): a user who stays silent gets the template at most once in that time.
  When Redis does not answer, the replica decides from its own memory, exactly as on one
  machine: a reply to a message this replica received goes out; a user it has not seen is
  treated as outside the window (the template at most once from this replica, or nothing).
  Sending free-form text when unsure would only be refused by Meta/Twilio, but sending the
  template on every call while Redis is down would repeat it.

Times are epoch seconds from each replica's wall clock (keep the clocks in sync with NTP).
"""
from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from typing import Callable, Dict, Optional

from channels.redis_store import RedisStore, StateUnavailable

WINDOW_SECONDS = 24 * 3600
DEFAULT_MAX_USERS = 200_000
LOCAL_MAX_USERS = 50_000  # the Redis version's own memory, for when Redis does not answer
TEMPLATE_MEMORY_SECONDS = 30 * 24 * 3600

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


# KEYS[1] the user's hash; ARGV: sent_at, time to live (ms). Only a newer message counts.
_RECORD_INBOUND = """
local previous = redis.call('HGET', KEYS[1], 'in')
if previous and tonumber(previous) >= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'in', ARGV[1])
redis.call('HDEL', KEYS[1], 'tpl')
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
"""

# KEYS[1] the user's hash; ARGV: now, window (s), template configured (1/0), token, template
# memory (ms). The token makes a retried call see its own first attempt as "template".
_DECIDE = """
local last = redis.call('HGET', KEYS[1], 'in')
if last and tonumber(ARGV[1]) - tonumber(last) < tonumber(ARGV[2]) then return 'send' end
if ARGV[3] == '1' then
  local sent = redis.call('HGET', KEYS[1], 'tpl')
  if not sent then
    redis.call('HSET', KEYS[1], 'tpl', ARGV[4])
    redis.call('PEXPIRE', KEYS[1], ARGV[5])
    return 'template'
  end
  if sent == ARGV[4] then return 'template' end
end
return 'suppress'
"""

_STAT = {SEND: "sent_in_window", TEMPLATE: "template_sent", SUPPRESS: "suppressed"}


class RedisServiceWindow(ServiceWindow):
    """The same decisions, shared by all replicas through Redis.

    Every inbound message is also recorded in the inherited memory, which decides only
    while Redis does not answer. ``stats`` counts this replica's decisions."""

    def __init__(self, store: RedisStore, channel: str, window_seconds: float = WINDOW_SECONDS,
                 clock: Callable[[], float] = time.time, max_users: int = LOCAL_MAX_USERS,
                 template_memory_seconds: float = TEMPLATE_MEMORY_SECONDS) -> None:
        super().__init__(window_seconds=window_seconds, clock=clock, max_users=max_users)
        self.store = store
        self.channel = channel
        self.template_memory = float(template_memory_seconds)
        self._record = store.client.register_script(_RECORD_INBOUND)
        self._decide = store.client.register_script(_DECIDE)

    def _key(self, user_id: str) -> str:
        return self.store.key(self.channel, "win", user_id)

    def record_inbound(self, user_id: str, sent_at: Optional[float] = None) -> None:
        now = self._clock()
        at = now if sent_at is None else min(float(sent_at), now)
        super().record_inbound(user_id, at)
        key = self._key(user_id)
        ttl_ms = max(1000, int((at + self.window - now) * 1000))  # gone when the window closes
        try:
            self.store.run(lambda client: self._record(keys=[key], args=[repr(at), ttl_ms], client=client))
        except StateUnavailable:
            pass

    def last_inbound(self, user_id: str) -> Optional[float]:
        key = self._key(user_id)
        try:
            raw = self.store.run(lambda client: client.hget(key, "in"))
        except StateUnavailable:
            return super().last_inbound(user_id)
        return float(raw) if raw is not None else None

    def is_open(self, user_id: str) -> bool:
        last = self.last_inbound(user_id)
        return last is not None and self._clock() - last < self.window

    def decide(self, user_id: str, template_configured: bool) -> str:
        key = self._key(user_id)
        args = [repr(float(self._clock())), repr(self.window), "1" if template_configured else "0",
                secrets.token_hex(4), max(1000, int(self.template_memory * 1000))]
        try:
            decision = self.store.run(lambda client: self._decide(keys=[key], args=args, client=client))
        except StateUnavailable:
            return super().decide(user_id, template_configured)  # this replica's own memory
        with self._lock:
            self.stats[_STAT[decision]] += 1
        return decision
