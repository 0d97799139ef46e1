"""Rasa's Redis lock store, with each read-modify-write step made atomic.

Rasa Open Source 3.6's ``RedisLockStore`` changes a conversation's ticket lock with a
plain GET, a change in Python, and a SET. Two replicas that receive a message of the same
sender at the same moment can both read "no lock", both take ticket 0 and both process at
once; the SQL tracker store then stores only one replica's events (it appends "the events
beyond the number already stored"), so a user message and its answer vanish from the
conversation. The scale-out test saw exactly that (tests/scaleout/). Rasa's fix for this,
``ConcurrentRedisLockStore``, is only in the commercial edition.

``AtomicRedisLockStore`` keeps Rasa's ticket-lock algorithm and data format (the same
``lock:<sender>`` keys) and runs every change of a lock as a Redis transaction
(WATCH / MULTI / EXEC, retried when another replica changed the lock in between).

endpoints (config/endpoints.production.yml):

    lock_store:
      type: ops.lock_store.AtomicRedisLockStore
      url: ${REDIS_HOST}
      port: ${REDIS_PORT}
      password: ${REDIS_PASSWORD}
      db: 1
"""
from __future__ import annotations

import json
from typing import Any, Callable, Optional, Text, Tuple

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

Change = Callable[[Optional[TicketLock]], Tuple[Optional[TicketLock], Any]]


class AtomicRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, **kwargs: Any) -> None:
        # Rasa builds a lock store named by module path as cls(endpoint_config=...)
        if endpoint_config is not None:
            kwargs = {**endpoint_config.kwargs, **kwargs}
            if endpoint_config.url:
                kwargs.setdefault("host", endpoint_config.url)
        super().__init__(**kwargs)

    def _atomic(self, conversation_id: Text, change: Change) -> Any:
        """Read the lock, apply ``change``, write the result (None deletes), atomically."""
        key = self.key_prefix + conversation_id

        def step(pipe: Any) -> Any:
            raw = pipe.get(key)  # immediate: the key is WATCHed
            lock = TicketLock.from_dict(json.loads(raw)) if raw else None
            new, result = change(lock)
            pipe.multi()
            if new is not None:
                pipe.set(key, new.dumps())
            elif raw is not None:
                pipe.delete(key)
            return result

        return self.red.transaction(step, key, value_from_callable=True)

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def change(lock: Optional[TicketLock]) -> Tuple[TicketLock, int]:
            lock = lock or self.create_lock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._atomic(conversation_id, change)
        except Exception as error:  # the same contract as Rasa's LockStore.issue_ticket
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def update_lock(self, conversation_id: Text) -> None:
        def change(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], None]:
            if lock is not None:
                lock.remove_expired_tickets()
            return lock, None

        self._atomic(conversation_id, change)

    def finish_serving(self, conversation_id: Text, ticket_number: int) -> None:
        def change(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], None]:
            if lock is not None:
                lock.remove_ticket_for(ticket_number)
            return lock, None

        self._atomic(conversation_id, change)

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        """Remove our ticket; delete the lock only if nobody is waiting, in one step."""
        def change(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], bool]:
            if lock is None:
                return None, False
            lock.remove_ticket_for(ticket_number)
            if lock.is_someone_waiting():
                return lock, False
            return None, True

        deleted = self._atomic(conversation_id, change)
        self._log_deletion(conversation_id, deleted)
