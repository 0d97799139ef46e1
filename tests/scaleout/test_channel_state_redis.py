"""The WhatsApp channels' shared state (channels/shared_state.py and the Redis classes in
channels/dedup.py, service_window.py, choices.py) against a real, private redis-server.

Two ``RedisStore`` objects with their own connection pools play two replicas. Redis is
never mocked; where a lost answer is needed, a thin proxy lets the real command run and
then drops its answer, as a broken connection would.
"""
from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from typing import Any, Callable, Iterator, List

import pytest
import redis

from channels.choices import ChoiceMemory, RedisChoiceMemory
from channels.dedup import MessageDeduplicator, RedisMessageDeduplicator
from channels.redis_store import RedisStore, digest
from channels.service_window import (SEND, SUPPRESS, TEMPLATE, RedisServiceWindow,
                                     ServiceWindow)
from channels.shared_state import DEFAULT_DB, MEMORY, REDIS, channel_state, redis_settings
from tests.scaleout.services import RedisServer
from ops.stack import free_port

pytestmark = pytest.mark.scaleout

NUMBER = "31612345678"


class Clock:
    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def server() -> Iterator[RedisServer]:
    with RedisServer() as running:
        yield running


@pytest.fixture
def db(server: RedisServer) -> Iterator[redis.Redis]:
    """The channel-state database, emptied before each test."""
    client = server.client(db=DEFAULT_DB, decode_responses=True)
    client.flushdb()
    yield client
    client.close()


def replica(server: RedisServer, retry_after: float = 5.0) -> RedisStore:
    """One replica's connection to the shared Redis (its own pool and circuit breaker)."""
    return RedisStore.connect(server.host, server.port, server.password, db=DEFAULT_DB,
                              retry_after=retry_after)


def all_keys_and_values(client: redis.Redis) -> str:
    dump = []
    for key in client.scan_iter():
        kind = client.type(key)
        value = client.hgetall(key) if kind == "hash" else client.get(key)
        dump.append(f"{key} {json.dumps(value)}")
    return "\n".join(dump)


def in_parallel(count: int, work: Callable[[int], Any]) -> List[Any]:
    start = threading.Barrier(count)
    results: List[Any] = [None] * count

    def run(i: int) -> None:
        start.wait()
        results[i] = work(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


class DropFirstAnswer:
    """A real client whose first ``method`` call runs in Redis, then loses its answer."""

    def __init__(self, client: redis.Redis, method: str) -> None:
        self._client, self._method, self.dropped = client, method, 0

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._client, name)
        if name != self._method or self.dropped:
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            attr(*args, **kwargs)
            self.dropped += 1
            raise redis.ConnectionError("connection reset after the command ran")
        return call


# --- choosing the store ---------------------------------------------------------------------

def test_the_environment_chooses_memory_or_redis(server: RedisServer) -> None:
    memory = channel_state("cloud", env={})
    assert memory.backend == MEMORY
    assert type(memory.dedup) is MessageDeduplicator and type(memory.window) is ServiceWindow
    assert type(memory.choices) is ChoiceMemory

    shared = channel_state("cloud", dedup_ttl_seconds=60, env=server.env())
    assert shared.backend == REDIS
    assert isinstance(shared.dedup, RedisMessageDeduplicator) and shared.dedup.ttl == 60
    assert isinstance(shared.window, RedisServiceWindow)
    assert isinstance(shared.choices, RedisChoiceMemory)
    assert shared.dedup.store.client.connection_pool.connection_kwargs["db"] == 2  # not the lock store's 1
    # both channels of a process share one connection pool
    assert channel_state("twilio", env=server.env()).dedup.store is shared.dedup.store

    assert redis_settings({**server.env(), "CHANNEL_STATE_REDIS_DB": "5"}).db == 5
    assert redis_settings({"REDIS_HOST": "redis", "REDIS_PORT": "", "REDIS_PASSWORD": ""}).port == 6379
    with pytest.raises(ValueError, match="REDIS_PORT"):
        redis_settings({"REDIS_HOST": "redis", "REDIS_PORT": "zes"})
    with pytest.raises(ValueError, match="CHANNEL_STATE_REDIS_DB"):
        redis_settings({"REDIS_HOST": "redis", "CHANNEL_STATE_REDIS_DB": "-1"})


# --- de-duplication ---------------------------------------------------------------------------

def test_a_message_id_is_processed_by_one_replica_once_within_the_ttl(server, db) -> None:
    a = RedisMessageDeduplicator(replica(server), "cloud", ttl_seconds=1.0)
    b = RedisMessageDeduplicator(replica(server), "cloud", ttl_seconds=1.0)
    assert a.first_time("wamid.1")
    assert not b.first_time("wamid.1") and not a.first_time("wamid.1")
    assert (a.duplicates, b.duplicates) == (1, 1)
    assert len(a) == 1 and len(b) == 1
    key = RedisStore.key("cloud", "msg", "wamid.1")
    assert 0 < db.pttl(key) <= 1000
    time.sleep(1.1)
    assert b.first_time("wamid.1")  # expired: a genuinely new delivery much later
    b.forget("wamid.1")
    assert a.first_time("wamid.1")  # a failed message may be retried
    assert a.first_time(None) and a.first_time("")
    # the channels do not share ids
    assert RedisMessageDeduplicator(replica(server), "twilio").first_time("wamid.1")


def test_concurrent_deliveries_of_one_id_are_processed_exactly_once(server, db) -> None:
    dedups = [RedisMessageDeduplicator(replica(server), "cloud") for _ in range(8)]
    for round_ in range(5):
        results = in_parallel(len(dedups), lambda i: dedups[i].first_time(f"wamid.race.{round_}"))
        assert sorted(results) == [False] * 7 + [True], results


def test_a_set_whose_answer_was_lost_still_counts_as_the_first_time(server, db) -> None:
    store = replica(server)
    flaky = DropFirstAnswer(store.client, "set")
    store.client = flaky
    dedup = RedisMessageDeduplicator(store, "cloud")
    assert dedup.first_time("wamid.lost-answer")  # retried; the SET of the first try counts
    assert flaky.dropped == 1 and dedup.duplicates == 0
    assert not RedisMessageDeduplicator(replica(server), "cloud").first_time("wamid.lost-answer")


# --- the 24-hour window -----------------------------------------------------------------------

def test_window_template_once_then_nothing_across_replicas(server, db) -> None:
    clock = Clock()
    a = RedisServiceWindow(replica(server), "cloud", clock=clock)
    b = RedisServiceWindow(replica(server), "cloud", clock=clock)
    assert a.decide("u1", template_configured=True) == TEMPLATE  # never wrote to us
    assert b.decide("u1", template_configured=True) == SUPPRESS  # template already sent, by A
    b.record_inbound("u1", clock.now - 60)
    assert a.is_open("u1") and a.last_inbound("u1") == clock.now - 60
    assert a.decide("u1", template_configured=True) == SEND
    clock.now += 24 * 3600
    assert not b.is_open("u1")
    assert b.decide("u1", template_configured=False) == SUPPRESS
    assert a.decide("u1", template_configured=True) == TEMPLATE  # a new closed window: once again
    assert b.decide("u1", template_configured=True) == SUPPRESS
    a.record_inbound("u1", clock.now + 3600)  # a timestamp in the future counts as now
    assert b.last_inbound("u1") == clock.now
    b.record_inbound("u1", clock.now - 10)  # an older message does not move the time back
    assert a.last_inbound("u1") == clock.now
    assert a.stats == {"sent_in_window": 1, "template_sent": 2, "suppressed": 0}
    assert b.stats == {"sent_in_window": 0, "template_sent": 0, "suppressed": 3}
    a.record_inbound("u2", clock.now - 25 * 3600)  # a late (retried) delivery
    assert not b.is_open("u2")


def test_window_keys_live_no_longer_than_needed(server, db) -> None:
    clock = Clock(time.time())
    window = RedisServiceWindow(replica(server), "cloud", clock=clock)
    window.record_inbound("u3", clock.now - 3600)
    key = RedisStore.key("cloud", "win", "u3")
    assert 22.9 * 3600 * 1000 < db.pttl(key) <= 23 * 3600 * 1000  # until the window closes
    clock.now += 24 * 3600
    assert window.decide("u3", template_configured=True) == TEMPLATE
    assert 29 * 24 * 3600 * 1000 < db.pttl(key) <= 30 * 24 * 3600 * 1000  # the template marker


def test_replicas_racing_for_a_closed_window_send_one_template(server, db) -> None:
    windows = [RedisServiceWindow(replica(server), "cloud") for _ in range(8)]
    for user in ("race-1", "race-2", "race-3"):
        decisions = in_parallel(len(windows), lambda i: windows[i].decide(user, True))
        assert sorted(decisions) == [SUPPRESS] * 7 + [TEMPLATE], decisions


def test_a_decision_whose_answer_was_lost_keeps_its_template(server, db) -> None:
    store = replica(server)
    window = RedisServiceWindow(store, "cloud")
    flaky = DropFirstAnswer(store.client, "evalsha")
    store.client = flaky
    assert window.decide("lost-answer", template_configured=True) == TEMPLATE
    assert flaky.dropped == 1
    assert RedisServiceWindow(replica(server), "cloud").decide("lost-answer", True) == SUPPRESS


# --- numbered choices -------------------------------------------------------------------------

BUTTONS = [{"title": f"Optie {i}", "payload": f"/kies{{\"optie\": {i}}}"} for i in range(1, 13)]


def test_options_offered_on_one_replica_are_understood_on_another(server, db) -> None:
    a = RedisChoiceMemory(replica(server), "cloud")
    b = RedisChoiceMemory(replica(server), "cloud")
    for reply, expected in ((" 12 ", BUTTONS[11]["payload"]), ("2.", BUTTONS[1]["payload"]),
                            ("optie 3", BUTTONS[2]["payload"]), ("13", None), ("3511 AB", None)):
        a.remember("u", BUTTONS)
        assert b.resolve("u", reply) == expected, reply
    a.remember("u", BUTTONS)
    assert b.payload_at("u", 4) == BUTTONS[4]["payload"]
    a.remember("u", BUTTONS)
    b.forget("u")
    assert a.resolve("u", "1") is None


def test_options_are_valid_for_one_reply_even_when_two_replicas_race(server, db) -> None:
    memories = [RedisChoiceMemory(replica(server), "twilio") for _ in range(4)]
    memories[0].remember("race", BUTTONS)
    picked = in_parallel(len(memories), lambda i: memories[i].resolve("race", "2"))
    assert sorted(picked, key=str) == [BUTTONS[1]["payload"]] + [None] * 3, picked


def test_options_expire(server, db) -> None:
    memory = RedisChoiceMemory(replica(server), "cloud", ttl_seconds=0.5)
    memory.remember("u", BUTTONS)
    assert 0 < db.pttl(RedisStore.key("cloud", "opt", "u")) <= 500
    time.sleep(0.6)
    assert memory.resolve("u", "1") is None


def test_redis_holds_no_readable_numbers_and_every_key_expires(server, db) -> None:
    message_id = "wamid.HBgLMzE2MTIzNDU2NzgVAgASGBQzQUIyRjQ5QzE3NzQ3MTJCN0VBNgA="
    store = replica(server)
    RedisMessageDeduplicator(store, "cloud").first_time(message_id)
    window = RedisServiceWindow(store, "cloud")
    window.record_inbound(NUMBER)
    window.decide("whatsapp:+" + NUMBER, template_configured=True)
    RedisChoiceMemory(store, "cloud").remember(NUMBER, BUTTONS[:2])
    dump = all_keys_and_values(db)
    assert dump.count("\n") == 3, dump
    for needle in (NUMBER, NUMBER[2:], message_id, message_id[6:], "MzE2MTIzNDU2Nzg"):
        assert needle not in dump
    assert digest(NUMBER) in dump
    for key in db.scan_iter():
        assert key.startswith(("wa:cloud:msg:", "wa:cloud:win:", "wa:cloud:opt:")), key
        assert db.pttl(key) > 0, key


# --- Redis not answering -----------------------------------------------------------------------

def test_when_redis_goes_away_nothing_breaks_and_it_is_used_again_when_back(caplog) -> None:
    server = RedisServer().start()
    try:
        store = replica(server, retry_after=0.0)
        dedup = RedisMessageDeduplicator(store, "cloud")
        window = RedisServiceWindow(store, "cloud")
        choices = RedisChoiceMemory(store, "cloud")
        assert dedup.first_time("wamid.before")
        window.record_inbound(NUMBER)

        server.stop()
        caplog.clear()
        with caplog.at_level(logging.DEBUG):
            assert dedup.first_time("wamid.during")           # processed, never lost
            assert not dedup.first_time("wamid.during")       # this replica still sees its retry
            assert window.decide(NUMBER, True) == SEND        # it received this user's message
            assert window.decide("31600000000", True) == TEMPLATE  # unknown: outside, once
            assert window.decide("31600000000", True) == SUPPRESS
            choices.remember(NUMBER, BUTTONS)
            assert choices.resolve(NUMBER, "2") is None       # "2" goes to Rasa as plain text
            choices.forget(NUMBER)
            dedup.forget("wamid.during")
            assert len(dedup) == 0
        warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
        assert len(warnings) == 1 and warnings[0].name == "channels.redis_store"
        logged = "\n".join(r.getMessage() for r in caplog.records)
        for needle in (NUMBER, "31600000000", "wamid", "Optie", digest(NUMBER)):
            assert needle not in logged

        server.start()  # the same port and password, an empty Redis
        caplog.clear()
        with caplog.at_level(logging.INFO):
            assert dedup.first_time("wamid.after")
            assert not RedisMessageDeduplicator(replica(server), "cloud").first_time("wamid.after")
        assert any("answers again" in r.getMessage() for r in caplog.records)
    finally:
        server.stop()


def test_an_unreachable_redis_costs_one_try_per_pause(caplog) -> None:
    store = RedisStore.connect("127.0.0.1", free_port(), "x", db=2, retry_after=30.0)
    dedup = RedisMessageDeduplicator(store, "cloud")
    with caplog.at_level(logging.WARNING):
        assert all(dedup.first_time(f"wamid.{i}") for i in range(50))
    assert not store.available
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 1


def test_the_channel_hands_the_message_to_rasa_when_redis_is_unreachable(monkeypatch) -> None:
    from channels.whatsapp_cloud import WhatsAppCloudInput

    monkeypatch.setenv("REDIS_HOST", "127.0.0.1")
    monkeypatch.setenv("REDIS_PORT", str(free_port()))  # nothing listens there
    monkeypatch.setenv("REDIS_PASSWORD", "x")
    channel = WhatsAppCloudInput(verify_token="v", app_secret="s", access_token="a",
                                 phone_number_id="123")
    assert channel.state_backend == REDIS
    sent: List[Any] = []

    class Graph:
        configured = True

        async def send(self, recipient_id: str, message: Any) -> str:
            sent.append(message)
            return "wamid.out"

    channel.client = Graph()
    received: List[Any] = []

    async def on_new_message(message: Any) -> None:
        received.append(message)
        await message.output_channel.send_text_message(message.sender_id, "Hallo!")

    message = {"from": NUMBER, "id": "wamid.down", "timestamp": str(int(time.time())),
               "type": "text", "text": {"body": "2"}}
    assert asyncio.run(channel.handle_message(message, {}, on_new_message)) == "text"
    assert [m.text for m in received] == ["2"]
    assert [m["text"]["body"] for m in sent] == ["Hallo!"]  # the window: it just wrote to us
