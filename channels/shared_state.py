"""Where the WhatsApp channels keep their state: the one place that decides.

The channels remember three things between webhooks: message ids already processed
(``channels.dedup``), each user's 24-hour window (``channels.service_window``) and the
numbered options offered (``channels.choices``).

- ``REDIS_HOST`` set (production, several replicas): all three in Redis, shared by every
  replica, so a webhook may reach any replica. ``REDIS_PORT`` (default 6379) and
  ``REDIS_PASSWORD`` are the lock store's; the database is ``CHANNEL_STATE_REDIS_DB``
  (default 2; the lock store uses db 1). Keys start with ``wa:`` and hold no readable
  numbers (``channels.redis_store``). If Redis does not answer at some moment, each class
  falls back as its docstring says, and the webhook still answers.
- ``REDIS_HOST`` unset (one machine, the default): in process memory, as before.
"""
from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from typing import Dict, Mapping, Optional

from channels.choices import ChoiceMemory, RedisChoiceMemory
from channels.dedup import DEFAULT_TTL_SECONDS, MessageDeduplicator, RedisMessageDeduplicator
from channels.redis_store import RedisStore
from channels.service_window import RedisServiceWindow, ServiceWindow

logger = logging.getLogger(__name__)

DB_VARIABLE = "CHANNEL_STATE_REDIS_DB"
DEFAULT_DB = 2

MEMORY = "memory"
REDIS = "redis"


@dataclass
class ChannelState:
    dedup: MessageDeduplicator
    window: ServiceWindow
    choices: ChoiceMemory
    backend: str  # MEMORY or REDIS


@dataclass(frozen=True)
class RedisSettings:
    host: str
    port: int
    password: Optional[str]
    db: int


def redis_settings(env: Optional[Mapping[str, str]] = None) -> Optional[RedisSettings]:
    """The Redis to use from the environment, or None for in-memory state.

    A malformed port or db raises ValueError at start-up: silently falling back to memory
    would make replicas answer retries twice."""
    env = os.environ if env is None else env
    host = (env.get("REDIS_HOST") or "").strip()
    if not host:
        return None

    def number(name: str, default: int) -> int:
        raw = (env.get(name) or "").strip()
        try:
            value = int(raw) if raw else default
        except ValueError:
            raise ValueError(f"{name} must be a whole number") from None
        if value < 0:
            raise ValueError(f"{name} must not be negative")
        return value

    return RedisSettings(host=host, port=number("REDIS_PORT", 6379),
                         password=env.get("REDIS_PASSWORD") or None,
                         db=number(DB_VARIABLE, DEFAULT_DB))


_stores: Dict[RedisSettings, RedisStore] = {}
_stores_lock = threading.Lock()


def shared_store(settings: RedisSettings) -> RedisStore:
    """One connection pool (and one circuit breaker) per Redis, shared by both channels."""
    with _stores_lock:
        store = _stores.get(settings)
        if store is None:
            store = RedisStore.connect(settings.host, settings.port, settings.password, settings.db)
            _stores[settings] = store
            logger.info("WhatsApp channel state: shared in Redis (database %d)", settings.db)
        return store


def channel_state(channel: str, dedup_ttl_seconds: float = DEFAULT_TTL_SECONDS,
                  env: Optional[Mapping[str, str]] = None) -> ChannelState:
    """The state objects for one channel (``channel`` names its keys: ``wa:<channel>:...``)."""
    settings = redis_settings(env)
    if settings is None:
        return ChannelState(MessageDeduplicator(ttl_seconds=dedup_ttl_seconds), ServiceWindow(),
                            ChoiceMemory(), MEMORY)
    store = shared_store(settings)
    return ChannelState(RedisMessageDeduplicator(store, channel, ttl_seconds=dedup_ttl_seconds),
                        RedisServiceWindow(store, channel), RedisChoiceMemory(store, channel), REDIS)

