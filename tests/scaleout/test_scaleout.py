"""Scale-out: two Rasa replicas behind a load balancer share one conversation.

Real processes on loopback: a private PostgreSQL cluster (tracker store) and a private
redis-server (lock store) from Debian's packages (tests/scaleout/services.py), one action server,
two `rasa run` replicas started with config/endpoints.production.yml itself (filled from
environment variables, exactly as in production) and the same model, and the round-robin
balancer from tests/scaleout/balancer.py in front. The replicas' WhatsApp channels send to the fake
Meta and Twilio APIs (tests/fakes.py) and share their state in Redis db 2
(channels/shared_state.py); the WhatsApp tests post signed webhooks to each replica directly,
as a load balancer would spread Meta's and Twilio's deliveries.

Run: `bash scripts/scaleout_test.sh` (installs the Debian packages when missing).
"""
from __future__ import annotations

import json
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple

import pytest
import requests

from channels.redis_store import digest
from channels.shared_state import DEFAULT_DB
from channels.signatures import twilio_signature
from tests.scaleout.balancer import RoundRobinBalancer
from ops.model_state import ROOT
from tests.scaleout.services import PostgresServer, RedisServer
from ops.stack import Stack
from tests.conversation import bot_texts, sender_ids
from tests.fakes import (TWILIO_AUTH_TOKEN, FakeGraphAPI, FakeTwilioAPI, channel_env,
                         twilio_webhook_url)
from tests.test_twilio_whatsapp import form as twilio_form
from tests.test_whatsapp_cloud import envelope, new_wa_id, post_webhook, texts

pytestmark = pytest.mark.scaleout

PRODUCTION_ENDPOINTS = ROOT / "config" / "endpoints.production.yml"
# Behind the proxy every replica has the same public address; Twilio signs that URL.
PUBLIC_URL = "https://rasa.gemeente.example"


@dataclass
class Cluster:
    pg: PostgresServer
    redis: RedisServer
    actions: Stack
    replicas: List[Stack]
    balancer: RoundRobinBalancer
    token: str
    timings: Dict[str, float]
    graph: FakeGraphAPI
    twilio: FakeTwilioAPI

    def send(self, sender: str, text: str, pin: int = -1) -> Tuple[int, List[Dict[str, Any]]]:
        """One message through the balancer; returns (backend index, bot messages)."""
        headers = {"X-Backend-Pin": str(pin)} if pin >= 0 else {}
        response = requests.post(f"{self.balancer.url}/webhooks/rest/webhook", headers=headers,
                                 json={"sender": sender, "message": text}, timeout=60)
        response.raise_for_status()
        return int(response.headers["X-Backend"]), response.json()

    def tracker(self, replica: int, sender: str, namespace: str = "rest") -> Dict[str, Any]:
        return self.replicas[replica].tracker(sender, namespace)


@pytest.fixture(scope="module")
def cluster(model_path: Path, tmp_path_factory: pytest.TempPathFactory,
            fake_graph: FakeGraphAPI, fake_twilio: FakeTwilioAPI) -> Iterator[Cluster]:
    timings: Dict[str, float] = {}
    t0 = time.monotonic()
    pg, redis = PostgresServer(), RedisServer()
    workdir = tmp_path_factory.mktemp("scaleout")
    actions = Stack(model=model_path, workdir=workdir / "actions")
    token = actions.token
    replicas: List[Stack] = []
    balancer = None
    try:
        pg.start()
        redis.start()
        timings["services_s"] = time.monotonic() - t0
        env = {**pg.env(), **redis.env(), "ACTION_SERVER_URL": f"{actions.action_url}/webhook",
               **channel_env(fake_graph, fake_twilio, PUBLIC_URL)}
        replicas = [Stack(model=model_path, workdir=workdir / f"replica{i}", token=token,
                          action_port=actions.action_port, endpoints=PRODUCTION_ENDPOINTS, env=env)
                    for i in range(2)]
        actions.workdir.mkdir(parents=True, exist_ok=True)
        t1 = time.monotonic()
        # the action server and both replicas load in parallel (the replicas dominate)
        with ThreadPoolExecutor(max_workers=3) as pool:
            futures = [pool.submit(actions.start_action_server)]
            futures += [pool.submit(r.start_rasa) for r in replicas]
            for future in futures:
                future.result()
        timings["replicas_ready_s"] = time.monotonic() - t1
        balancer = RoundRobinBalancer([r.rasa_url for r in replicas]).start()
        yield Cluster(pg, redis, actions, replicas, balancer, token, timings, fake_graph, fake_twilio)
    finally:
        if balancer is not None:
            balancer.stop()
        for replica in replicas:
            replica.stop_rasa()
        actions.stop_action_server()
        redis.stop()
        pg.stop()
        timings["total_s"] = time.monotonic() - t0
        print(f"\nscale-out timings: {json.dumps({k: round(v, 1) for k, v in timings.items()})}")


_sender = sender_ids("scaleout")


def _comparable(tracker: Dict[str, Any]) -> Dict[str, Any]:
    """What both replicas must agree on (everything read from the tracker store)."""
    return {"events": tracker["events"], "slots": tracker["slots"],
            "latest_message": tracker["latest_message"], "active_loop": tracker["active_loop"]}


class RedisMonitor:
    """Records every command Redis executes between start() and stop() (MONITOR)."""

    def __init__(self, server: RedisServer) -> None:
        self.server = server
        self.commands: List[Dict[str, Any]] = []
        self.marker = f"monitor-stop-{uuid.uuid4().hex}"
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        client = self.server.client(db=0, socket_timeout=None)
        with client.monitor() as monitor:
            self._ready.set()
            for command in monitor.listen():
                if self.marker in command["command"]:
                    return
                self.commands.append(command)

    def __enter__(self) -> "RedisMonitor":
        self._thread.start()
        assert self._ready.wait(10), "MONITOR did not start"
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.client().echo(self.marker)
        self._thread.join(10)

    def lock_writes(self, sender: str) -> List[int]:
        """Rasa's RedisLockStore writes of this conversation's ticket lock, in order: the
        number of tickets in each (the tickets are JSON inside JSON, escaped again by
        MONITOR, so they are counted rather than parsed)."""
        counts = []
        for command in self.commands:
            parts = command["command"].split(" ", 2)
            if len(parts) == 3 and parts[0].upper() == "SET" and parts[1] == f"lock:{sender}":
                counts.append(parts[2].count("number"))
        return counts


def test_replicas_use_the_production_endpoints_file(cluster: Cluster) -> None:
    for replica in cluster.replicas:
        assert replica.endpoints == PRODUCTION_ENDPOINTS
    text = PRODUCTION_ENDPOINTS.read_text(encoding="utf-8")
    assert "dialect: \"postgresql\"" in text
    assert "type: ops.lock_store.AtomicRedisLockStore" in text


def test_conversation_alternating_between_replicas_keeps_its_state(cluster: Cluster) -> None:
    sender = _sender("woonplaats")
    served: List[int] = []

    backend, reply = cluster.send(sender, "hallo")
    served.append(backend)
    assert "Waar kan ik u mee helpen?" in bot_texts(reply)

    # the place is said once, to one replica ...
    backend, reply = cluster.send(sender, "Ik woon in 9712 CP, waar vind ik een cliëntondersteuner?")
    served.append(backend)
    text = bot_texts(reply)
    assert "Groningen" in text, text
    told_to = backend

    # ... and remembered by the other one, which reads it from PostgreSQL
    backend, reply = cluster.send(sender, "En welk zorgkantoor hoort bij mij?")
    served.append(backend)
    assert backend != told_to
    text = bot_texts(reply)
    assert "In welke gemeente woont u" not in text, text
    assert "Groningen" in text, text

    assert set(served) == {0, 1}, served
    assert served[0] != served[1] != served[2], served

    from_a, from_b = cluster.tracker(0, sender), cluster.tracker(1, sender)
    assert from_a["slots"]["gm_code"] == "GM0014"
    assert from_a["slots"]["woonplaats"]
    assert _comparable(from_a) == _comparable(from_b)

    # the events really are in PostgreSQL, the same ones the replicas return
    with cluster.pg.connect() as conn, conn.cursor() as cur:
        cur.execute("SELECT type_name FROM events WHERE sender_id = %s ORDER BY id", ("rest:" + sender,))
        stored = [row[0] for row in cur.fetchall()]
    assert stored == [event["event"] for event in from_a["events"]]
    assert stored.count("user") == 3


def _turns(events: List[Dict[str, Any]]) -> List[List[Dict[str, Any]]]:
    """Split events at each user message: one list per turn, starting with the user event."""
    turns: List[List[Dict[str, Any]]] = []
    for event in events:
        if event["event"] == "user":
            turns.append([event])
        elif turns:
            turns[-1].append(event)
    return turns


def _assert_turn_complete(turn: List[Dict[str, Any]]) -> None:
    """A turn handled under the lock: bot replies, and it ends by listening again."""
    actions = [e["name"] for e in turn if e["event"] == "action"]
    assert any(e["event"] == "bot" for e in turn), turn
    assert actions and actions[-1] == "action_listen", actions
    assert "action_listen" not in actions[:-1], actions


def test_concurrent_messages_of_one_sender_are_serialized_by_the_redis_lock(cluster: Cluster) -> None:
    sender = _sender("gelijktijdig")
    cluster.send(sender, "hallo")
    questions = [("wat is een keukentafelgesprek?", "wat is metgezel"),
                 ("kost clientondersteuning geld?", "wat is respijtzorg?"),
                 ("wat is de Wlz?", "wat is de Wmo?")]
    with RedisMonitor(cluster.redis) as monitor:
        for first, second in questions:
            barrier = threading.Barrier(2)

            def send(pin: int, text: str) -> Tuple[int, List[Dict[str, Any]]]:
                barrier.wait()
                return cluster.send(sender, text, pin=pin)

            with ThreadPoolExecutor(max_workers=2) as pool:
                results = list(pool.map(send, [0, 1], [first, second]))
            assert [backend for backend, _ in results] == [0, 1]
            for _, reply in results:
                assert bot_texts(reply), "a concurrent message got no answer"
    conversation = f"rest:{sender}"  # the REST channel's conversation id (channels.sender_ids)
    watched = [c for c in monitor.commands
               if c["command"].upper().startswith(f"WATCH LOCK:{conversation.upper()}")]
    assert watched, "no WATCH on the lock: the replicas do not use ops.lock_store.AtomicRedisLockStore"
    locks = monitor.lock_writes(conversation)
    print(f"\nticket counts of the lock writes: {locks}")
    assert locks, "no lock:<sender> key was written to Redis: the lock store is not Redis"
    # a lock holding two tickets: one replica waited in Redis for the other to finish
    waited = sum(1 for tickets in locks if tickets >= 2)
    assert waited >= 1, f"the two replicas never overlapped in {len(questions)} rounds: {locks}"
    assert not cluster.redis.client().exists(f"lock:{sender}"), "lock left behind"

    tracker = cluster.tracker(0, sender)
    turns = _turns(tracker["events"])
    texts = [turn[0]["text"] for turn in turns]
    assert sorted(texts[1:]) == sorted(q for pair in questions for q in pair), texts
    for turn in turns:
        _assert_turn_complete(turn)
    assert _comparable(tracker) == _comparable(cluster.tracker(1, sender))


def test_redis_and_postgres_need_their_passwords(cluster: Cluster) -> None:
    import psycopg2
    import redis

    with pytest.raises(redis.AuthenticationError):
        redis.Redis(host="127.0.0.1", port=cluster.redis.port, socket_timeout=5).ping()
    with pytest.raises(psycopg2.OperationalError):
        psycopg2.connect(host="127.0.0.1", port=cluster.pg.port, dbname=cluster.pg.db,
                         user=cluster.pg.user, password="wrong", connect_timeout=5)


# --- WhatsApp: any replica may receive any webhook ------------------------------------------

def _wa_health(replica: Stack, channel: str = "whatsapp_cloud") -> Dict[str, Any]:
    return requests.get(f"{replica.rasa_url}/webhooks/{channel}/", params={"token": replica.token},
                        timeout=10).json()


def _post_twilio(replica: Stack, data: Dict[str, str]) -> requests.Response:
    """A form post signed for the public URL (as Twilio does), delivered to one replica."""
    signature = twilio_signature(TWILIO_AUTH_TOKEN, twilio_webhook_url(PUBLIC_URL), data)
    return requests.post(twilio_webhook_url(replica.rasa_url), data=data,
                         headers={"X-Twilio-Signature": signature}, timeout=60)


def _twilio_sender() -> str:
    return f"whatsapp:+316{uuid.uuid4().int % 10 ** 8:08d}"


def _user_texts(tracker: Dict[str, Any]) -> List[str]:
    return [e["text"] for e in tracker["events"] if e["event"] == "user"]


def test_a_whatsapp_retry_on_the_other_replica_is_processed_once(cluster: Cluster) -> None:
    a, b = cluster.replicas
    assert _wa_health(a)["state"] == _wa_health(b)["state"] == "redis"
    wa_id = new_wa_id()
    payload = envelope(wa_id, {"type": "text", "text": {"body": "hallo"}})
    duplicates_before = _wa_health(b)["duplicates_ignored"]
    first = post_webhook(a, payload)
    assert first.status_code == 200 and first.json()["handled"] == ["text"]
    replies = len(cluster.graph.wait_for_messages(wa_id, timeout=60))
    retry = post_webhook(b, payload)  # Meta retries the same delivery; the balancer picks B
    assert retry.status_code == 200 and retry.json()["handled"] == ["duplicate"]
    time.sleep(1.0)
    assert len(cluster.graph.messages_to(wa_id)) == replies
    assert _user_texts(cluster.tracker(1, wa_id, "wa")) == ["hallo"]
    assert _wa_health(b)["duplicates_ignored"] == duplicates_before + 1


def test_a_twilio_retry_on_the_other_replica_is_processed_once(cluster: Cluster) -> None:
    a, b = cluster.replicas
    sender = _twilio_sender()
    data = twilio_form(sender, "hallo")
    assert _post_twilio(a, data).status_code == 200
    replies = len(cluster.twilio.wait_for_messages(sender, timeout=60))
    assert _post_twilio(b, data).status_code == 200
    time.sleep(1.0)
    assert len(cluster.twilio.messages_to(sender)) == replies
    assert _user_texts(cluster.tracker(0, sender, "tw")) == ["hallo"]
    assert _wa_health(b, "twilio_whatsapp")["duplicates_ignored"] >= 1


def test_a_number_typed_to_one_replica_picks_the_option_offered_by_the_other(cluster: Cluster) -> None:
    """Twilio sends every set of buttons as a numbered list, so "2" needs the memory."""
    a, b = cluster.replicas
    sender = _twilio_sender()
    offered = [button for message in a.send(f"rest-{sender}", "hallo")
               for button in message.get("buttons") or []]
    assert len(offered) >= 2, offered
    assert _post_twilio(a, twilio_form(sender, "hallo")).status_code == 200
    listed = cluster.twilio.wait_for_messages(sender, timeout=60)[-1]["Body"]
    assert f"2. {offered[1]['title']}" in listed, listed

    assert _post_twilio(b, twilio_form(sender, "2")).status_code == 200
    latest = cluster.tracker(1, sender, "tw")["latest_message"]
    assert latest["text"] == offered[1]["payload"], latest["text"]
    assert "/" + latest["intent"]["name"] == offered[1]["payload"].split("{")[0]


def _trigger(replica: Stack, token: str, wa_id: str) -> None:
    """A message the assistant starts itself (not an answer), sent from this replica."""
    response = requests.post(f"{replica.rasa_url}/conversations/{wa_id}/trigger_intent",
                             params={"token": token, "output_channel": "whatsapp_cloud"},
                             json={"name": "greet"}, timeout=60)
    assert response.status_code == 200, response.text


def test_a_message_received_by_one_replica_opens_the_window_for_the_other(cluster: Cluster) -> None:
    a, b = cluster.replicas
    graph = cluster.graph

    silent = new_wa_id()  # control: B sends a user it never heard from the template
    _trigger(b, cluster.token, silent)
    assert [m["type"] for m in graph.wait_for_messages(silent, timeout=60)] == ["template"]

    wa_id = new_wa_id()
    assert post_webhook(a, envelope(wa_id, {"type": "text", "text": {"body": "hallo"}})).status_code == 200
    answered = len(graph.wait_for_messages(wa_id, timeout=60))
    _trigger(b, cluster.token, wa_id)
    sent = graph.wait_for_messages(wa_id, answered + 1, timeout=60)[answered:]
    assert sent and all(m["type"] in ("text", "interactive") for m in sent), sent
    assert texts(sent)

    # a window closed long ago: A sends the template, and B then sends nothing, not a second one
    late = new_wa_id()
    old = envelope(late, {"type": "text", "text": {"body": "hallo"}})
    old["entry"][0]["changes"][0]["value"]["messages"][0]["timestamp"] = str(int(time.time()) - 25 * 3600)
    assert post_webhook(a, old).status_code == 200
    assert [m["type"] for m in graph.wait_for_messages(late, timeout=60)] == ["template"]
    suppressed = _wa_health(b)["outside_window"]["suppressed"]
    _trigger(b, cluster.token, late)
    time.sleep(1.0)
    assert [m["type"] for m in graph.messages_to(late)] == ["template"]
    assert _wa_health(b)["outside_window"]["suppressed"] > suppressed


def test_the_shared_whatsapp_state_holds_no_readable_numbers(cluster: Cluster) -> None:
    wa_id = new_wa_id()
    hello = envelope(wa_id, {"type": "text", "text": {"body": "hallo"}})
    assert post_webhook(cluster.replicas[0], hello).status_code == 200
    cluster.graph.wait_for_messages(wa_id, timeout=60)
    client = cluster.redis.client(db=DEFAULT_DB, decode_responses=True)
    keys = list(client.scan_iter())
    assert any(digest(wa_id) in key for key in keys)
    assert keys and all(key.startswith(("wa:cloud:", "wa:twilio:")) for key in keys), keys
    for key in keys:
        value = client.hgetall(key) if client.type(key) == "hash" else client.get(key)
        assert wa_id not in key + json.dumps(value) and "+316" not in key + json.dumps(value)
        assert client.pttl(key) > 0
    assert not any(key.startswith("wa:") for key in cluster.redis.client(db=1, decode_responses=True).scan_iter())
