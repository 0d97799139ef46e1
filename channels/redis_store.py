"""The Redis connection behind the WhatsApp channels' shared state, and its failure policy.

Several Rasa replicas keep the WhatsApp channels' state (``channels.dedup``,
``channels.service_window``, ``channels.choices``) in one Redis database, so a webhook may
land on any replica. This module holds what the three have in common:

- key names: ``wa:<channel>:<kind>:<digest>``, where the digest is an HMAC (keyed with
  ``CHANNEL_SECRET``, ``channels.pseudonym``) of the phone number / WhatsApp id / message id
  (a Meta message id contains the sender's number in base64), so Redis holds no readable
  numbers and no hash that can be reversed by trying every number;
- short socket timeouts (the channels call Redis on Sanic's event loop);
- one immediate retry on a dropped connection (e.g. a pooled socket after a Redis restart);
  the callers make that retry safe where the first attempt may have been applied;
- a circuit breaker: after a failure Redis is left alone for ``retry_after`` seconds, so an
  outage costs one timeout, not one per call. Callers get ``StateUnavailable`` and fall
  back (see each class). One WARNING per outage, without ids or text; INFO when it is back.
"""
from __future__ import annotations

import logging
import threading
import time
from typing import Callable, Optional, TypeVar

import redis

from channels.pseudonym import keyed_digest

logger = logging.getLogger(__name__)

T = TypeVar("T")

KEY_NAMESPACE = "wa"
DIGEST_PURPOSE = "redis-wa"
DEFAULT_TIMEOUT_SECONDS = 0.5
DEFAULT_RETRY_AFTER_SECONDS = 5.0


class StateUnavailable(Exception):
    """Redis did not answer (or the circuit breaker is open): use the fallback."""


def digest(value: str) -> str:
    """A stable pseudonym for a phone number, WhatsApp id or message id (128 bits, hex)."""
    return keyed_digest(str(value), DIGEST_PURPOSE, 32)


class RedisStore:
    """One Redis client (connection pool) shared by the channels of one process."""

    def __init__(self, client: "redis.Redis", retry_after: float = DEFAULT_RETRY_AFTER_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.client = client
        self.retry_after = float(retry_after)
        self._clock = clock
        self._lock = threading.Lock()
        self._down_until: Optional[float] = None  # None: Redis answered last time

    @classmethod
    def connect(cls, host: str, port: int = 6379, password: Optional[str] = None, db: int = 2,
                timeout: float = DEFAULT_TIMEOUT_SECONDS,
                retry_after: float = DEFAULT_RETRY_AFTER_SECONDS) -> "RedisStore":
        """A store for a Redis server; connects lazily, so an unreachable Redis is no error here."""
        client = redis.Redis(host=host, port=int(port), db=int(db), password=password or None,
                             socket_timeout=timeout, socket_connect_timeout=timeout,
                             decode_responses=True)
        return cls(client, retry_after=retry_after)

    @staticmethod
    def key(channel: str, kind: str, ident: str) -> str:
        return f"{KEY_NAMESPACE}:{channel}:{kind}:{digest(ident)}"

    @property
    def available(self) -> bool:
        """False while the circuit breaker keeps Redis out of the way after a failure."""
        with self._lock:
            return self._down_until is None or self._clock() >= self._down_until

    def run(self, operation: Callable[["redis.Redis"], T]) -> T:
        """Run ``operation(client)``; raise ``StateUnavailable`` when Redis fails or is resting.

        A ``ConnectionError`` is retried once at once (the pool opens a new connection), so
        ``operation`` may run twice: it must be idempotent or detect its own first attempt."""
        with self._lock:
            if self._down_until is not None and self._clock() < self._down_until:
                raise StateUnavailable("Redis is resting after a failure")
        for attempt in (1, 2):
            try:
                result = operation(self.client)
            except redis.ConnectionError as error:
                if attempt == 1:
                    continue
                self._failed(error)
                raise StateUnavailable(type(error).__name__) from error
            except redis.RedisError as error:
                self._failed(error)
                raise StateUnavailable(type(error).__name__) from error
            self._answered()
            return result
        raise AssertionError("unreachable")  # pragma: no cover

    def _failed(self, error: Exception) -> None:
        with self._lock:
            first = self._down_until is None
            self._down_until = self._clock() + self.retry_after
        # the class name only: a message could name the host, never an id (none is in it)
        if first:
            logger.warning("WhatsApp channel state: Redis is not answering (%s); until it does, "
                           "each replica uses its own memory (retries of a message may be "
                           "processed twice, a typed number is read as plain text)",
                           type(error).__name__)
        else:
            logger.debug("WhatsApp channel state: Redis still not answering (%s)", type(error).__name__)

    def _answered(self) -> None:
        if self._down_until is None:
            return
        with self._lock:
            was_down, self._down_until = self._down_until is not None, None
        if was_down:
            logger.info("WhatsApp channel state: Redis answers again; state is shared again")
