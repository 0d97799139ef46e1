"""The Redis lock store the replicas share (ops/lock_store.py), against a real redis-server.

Two store objects with their own connections play two replicas. The race is made
deterministic: a second replica issues a ticket between the first one's read and write.
"""
from __future__ import annotations

import threading
from typing import Iterator, List

import pytest
from rasa.core.lock import TicketLock
from rasa.core.lock_store import RedisLockStore

from ops.lock_store import AtomicRedisLockStore
from tests.conversation import run_in_threads
from tests.scaleout.services import RedisServer
from rasa.utils.endpoints import EndpointConfig

pytestmark = pytest.mark.scaleout


@pytest.fixture(scope="module")
def redis_server() -> Iterator[RedisServer]:
    with RedisServer() as server:
        yield server


def _store(cls, server: RedisServer):
    return cls(host=server.host, port=server.port, password=server.password, db=1)


def _issue_while_another_replica_issues(monkeypatch, first, second, conversation: str) -> List[int]:
    """``first`` issues a ticket; ``second`` issues one after ``first`` read the lock."""
    original = TicketLock.issue_ticket
    calls = {"n": 0}

    def racing(lock: TicketLock, lifetime: float) -> int:
        calls["n"] += 1
        if calls["n"] == 1:  # first has read the lock and is about to write it back
            tickets.append(second.issue_ticket(conversation))
        return original(lock, lifetime)

    tickets: List[int] = []
    monkeypatch.setattr(TicketLock, "issue_ticket", racing)
    tickets.insert(0, first.issue_ticket(conversation))
    monkeypatch.setattr(TicketLock, "issue_ticket", original)
    return tickets


def test_rasas_redis_lock_store_gives_two_replicas_the_same_ticket(redis_server, monkeypatch) -> None:
    """Why ops/lock_store.py exists: the stock store's GET-change-SET is not atomic."""
    a, b = _store(RedisLockStore, redis_server), _store(RedisLockStore, redis_server)
    tickets = _issue_while_another_replica_issues(monkeypatch, a, b, "stock-race")
    assert tickets == [0, 0]  # both would be served at once


def test_atomic_store_gives_each_replica_its_own_ticket(redis_server, monkeypatch) -> None:
    a, b = _store(AtomicRedisLockStore, redis_server), _store(AtomicRedisLockStore, redis_server)
    conversation = "atomic-race"
    tickets = _issue_while_another_replica_issues(monkeypatch, a, b, conversation)
    assert sorted(tickets) == [0, 1]
    lock = a.get_lock(conversation)
    assert lock is not None and [t.number for t in lock.tickets] == [0, 1]
    # the second ticket waits until the first is done; then the lock is gone
    assert not lock.is_locked(0) and lock.is_locked(1)
    a.cleanup(conversation, 0)
    assert not b.get_lock(conversation).is_locked(1)
    b.cleanup(conversation, 1)
    assert a.get_lock(conversation) is None


def test_atomic_store_under_many_concurrent_issuers(redis_server) -> None:
    conversation = "atomic-many"
    stores = [_store(AtomicRedisLockStore, redis_server) for _ in range(4)]
    issued: List[int] = []
    guard = threading.Lock()
    start = threading.Barrier(len(stores))

    def work(store: AtomicRedisLockStore) -> None:
        start.wait()
        for _ in range(15):
            ticket = store.issue_ticket(conversation)
            with guard:
                issued.append(ticket)

    run_in_threads(work, stores, 30)
    assert sorted(issued) == list(range(60))
    assert len(stores[0].get_lock(conversation).tickets) == 60


def test_rasa_builds_it_from_the_endpoints_entry(redis_server) -> None:
    from rasa.core.lock_store import LockStore

    config = EndpointConfig.from_dict({
        "type": "ops.lock_store.AtomicRedisLockStore", "url": redis_server.host,
        "port": str(redis_server.port), "password": redis_server.password, "db": 1})
    store = LockStore.create(config)
    assert isinstance(store, AtomicRedisLockStore)
    assert store.issue_ticket("from-endpoints") == 0
    store.cleanup("from-endpoints", 0)
    assert store.get_lock("from-endpoints") is None
