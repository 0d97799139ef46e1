"""The failures of the security probe (reviews/security-2026-12-01.md), each driven on the
real servers: bounded requests, small leaks, secrets at rest, never silent quickly.

The review's numbers are in the test names' comments ("review 13" = failure 13)."""
from __future__ import annotations

import http.client
import json
import os
import stat
import time
import uuid
from pathlib import Path
from typing import Any, Dict, List

import pytest
import requests

import channels.input_text as input_text
from channels.signatures import meta_signature
from ops.stack import Stack
from tests.conversation import bot_texts
from tests.fakes import WA_APP_SECRET
from tests.test_http_safety import HangingServer
from tests.test_whatsapp_cloud import PATH as CLOUD_PATH
from tests.test_whatsapp_cloud import envelope, new_wa_id

pytestmark = pytest.mark.server

REST = "/webhooks/rest/webhook"
LOOKUP_QUESTION = "ik zoek een clientondersteuner in 9712 CP"


def _sender(tag: str) -> str:
    return f"harden-{tag}-{uuid.uuid4().hex[:8]}"


def raw_request(stack: Stack, method: str, path: str, body: bytes = b"",
                headers: Dict[str, str] = None) -> "http.client.HTTPResponse":
    """One request with the path exactly as given (no client-side normalisation)."""
    connection = http.client.HTTPConnection("127.0.0.1", stack.rasa_port, timeout=30)
    connection.putrequest(method, path, skip_accept_encoding=True)
    for key, value in (headers or {}).items():
        connection.putheader(key, value)
    connection.putheader("Content-Length", str(len(body)))
    connection.endheaders(body)
    response = connection.getresponse()
    response.body = response.read()
    connection.close()
    return response


def last_user_event(stack: Stack, sender: str) -> Dict[str, Any]:
    events = stack.tracker(sender)["events"]  # the REST conversation rest:<sender>
    return [e for e in events if e["event"] == "user"][-1]


# --- bounded requests ------------------------------------------------------------------------

def test_a_body_larger_than_64_kb_is_refused_on_the_public_routes(stack: Stack) -> None:
    # review 3: Sanic took 100 MB without a token
    big = json.dumps({"sender": _sender("big"), "message": "x" * 200_000}).encode()
    assert requests.post(stack.rasa_url + REST, data=big, timeout=60).status_code == 413
    assert post_cloud(stack, b'{"entry": [], "x": "' + b"y" * 200_000 + b'"}').status_code == 413
    # a normal message still works, and the token-protected API keeps Sanic's own limit
    assert bot_texts(stack.send(_sender("small"), "hallo"))
    parse = requests.post(f"{stack.rasa_url}/model/parse", params={"token": stack.token},
                          json={"text": "hallo " * 20_000}, timeout=120)
    assert parse.status_code == 200


def test_rest_metadata_is_dropped_when_large_or_deep(stack: Stack) -> None:
    # review 3: 5 MB metadata strings grew the tracker store by 40 MB
    for metadata in ({"blob": "m" * 5_000}, {"a": {"b": {"c": {"d": {"e": 1}}}}}):
        sender = _sender("meta")
        answer = requests.post(stack.rasa_url + REST, timeout=60,
                               json={"sender": sender, "message": "hallo", "metadata": metadata})
        assert answer.status_code == 200 and answer.json()
        stored = last_user_event(stack, sender).get("metadata") or {}
        assert "blob" not in stored and "a" not in stored, stored
    small = _sender("meta-small")
    requests.post(stack.rasa_url + REST, timeout=60,
                  json={"sender": small, "message": "hallo", "metadata": {"pagina": "/wmo"}})
    assert last_user_event(stack, small)["metadata"].get("pagina") == "/wmo"


def test_the_raw_text_is_cut_before_it_is_cleaned(monkeypatch: pytest.MonkeyPatch) -> None:
    # review 4: clean_text ran over all 10 MB on the event loop before the 2,000-character cut
    seen: List[int] = []
    original = input_text.strip_controls
    monkeypatch.setattr(input_text, "strip_controls", lambda text: seen.append(len(text)) or original(text))
    cleaned = input_text.clean_text("woord " * 2_000_000)
    assert cleaned.truncated and len(cleaned.text) <= input_text.MAX_MESSAGE_CHARS
    assert seen and max(seen) <= input_text.MAX_RAW_CHARS


def test_deeply_nested_json_gets_400(stack: Stack) -> None:
    # review 13: RecursionError in json.loads answered 500
    body = b'{"sender": "x", "message": "hallo", "metadata": ' + b"[" * 5000 + b"]" * 5000 + b"}"
    answer = requests.post(stack.rasa_url + REST, data=body, timeout=60)
    assert answer.status_code == 400 and answer.json()["field"] == "body"


@pytest.mark.parametrize("sender", ["probe\nx", "probe\rx", "probe\tx", "x\n", "a\x85b"])
def test_a_sender_with_any_control_character_gets_400(stack: Stack, sender: str) -> None:
    # review 19: a line feed was accepted
    answer = requests.post(stack.rasa_url + REST, json={"sender": sender, "message": "hallo"}, timeout=60)
    assert answer.status_code == 400 and answer.json()["field"] == "sender"


# --- small leaks ---------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/version/", "/version//", "//", "///", "//version"])
def test_the_token_guard_covers_path_variants(stack: Stack, path: str) -> None:
    # review 10
    answer = raw_request(stack, "GET", path)
    assert answer.status in (401, 403, 404), (path, answer.status, answer.body[:80])
    assert b"minimum_compatible_version" not in answer.body and b"Hello from Rasa" not in answer.body


@pytest.mark.parametrize("channel", ["whatsapp_cloud", "twilio_whatsapp"])
def test_whatsapp_health_says_only_ok_without_the_token(stack: Stack, channel: str) -> None:
    # review 11: flags, state backend and counters were public
    url = f"{stack.rasa_url}/webhooks/{channel}/"
    assert requests.get(url, timeout=10).json() == {"status": "ok"}
    assert requests.get(url, params={"token": "wrong"}, timeout=10).json() == {"status": "ok"}
    full = requests.get(url, params={"token": stack.token}, timeout=10).json()
    assert full["status"] == "ok" and "state" in full and "duplicates_ignored" in full


def post_cloud(stack: Stack, body: bytes) -> requests.Response:
    return requests.post(stack.rasa_url + CLOUD_PATH, data=body, timeout=60,
                         headers={"Content-Type": "application/json",
                                  "X-Hub-Signature-256": meta_signature(WA_APP_SECRET, body)})


ODD_SHAPES = [
    {"entry": "not a list"}, {"entry": ["a", "b"]}, {"entry": [{"changes": "x"}]},
    {"entry": [{"changes": [{"value": "text"}]}]},
    {"entry": [{"changes": [{"field": "messages", "value": {"metadata": [1, 2]}}]}]},
    [1, 2, 3], "string", None,
]


def test_a_signed_cloud_payload_of_unknown_shape_gets_200_and_is_counted(stack: Stack) -> None:
    # review 12: 500, which Meta retries
    def counted() -> int:
        return requests.get(f"{stack.rasa_url}/webhooks/whatsapp_cloud/",
                            params={"token": stack.token}, timeout=10).json()["unknown_shapes"]

    before = counted()
    for shape in ODD_SHAPES:
        answer = post_cloud(stack, json.dumps(shape).encode())
        assert answer.status_code == 200, (shape, answer.status_code)
    assert counted() >= before + len(ODD_SHAPES)
    # odd messages inside a known shape are answered 200 as well
    wa_id = new_wa_id()
    for message in ({"type": "text", "text": "plain string"}, {"type": "interactive", "interactive": 3},
                    {"type": ["x"]}, {"type": "location", "location": "52,5"}):
        assert post_cloud(stack, json.dumps(envelope(wa_id, message)).encode()).status_code == 200


# --- secrets and data at rest ----------------------------------------------------------------

def test_the_api_token_never_reaches_the_log(stack: Stack) -> None:
    # review 8: a 500 on an API route logged the URL with ?token=
    answer = requests.post(f"{stack.rasa_url}/conversations/{_sender('tok')}/messages",
                           params={"token": stack.token}, json={"text": 1, "sender": "user"}, timeout=60)
    assert answer.status_code == 400  # channels.api_input: no longer a 500 at all
    time.sleep(0.5)
    assert stack.token not in stack.rasa_log.read_text(errors="replace")
    # what a 500 would log is redacted: test_log_lines_never_carry_the_token


def test_the_api_token_is_not_on_the_command_line(stack: Stack) -> None:
    # review 9: /proc/<pid>/cmdline is readable by every local user
    assert stack.rasa_proc is not None
    cmdline = Path(f"/proc/{stack.rasa_proc.pid}/cmdline").read_bytes()
    assert stack.token.encode() not in cmdline and b"--auth-token" not in cmdline


def test_the_action_server_starts_without_channel_secrets(stack: Stack) -> None:
    # review note: least privilege
    assert stack.action_proc is not None
    environ = Path(f"/proc/{stack.action_proc.pid}/environ").read_bytes().split(b"\0")
    names = {entry.split(b"=", 1)[0].decode() for entry in environ if b"=" in entry}
    assert not {n for n in names if n.startswith(("WHATSAPP_", "TWILIO_"))}
    assert "RASA_TOKEN" not in names and "CHANNEL_SECRET" not in names


def test_the_logs_are_readable_by_the_owner_only(stack: Stack) -> None:
    # review 17
    for log in (stack.rasa_log, stack.action_log):
        assert stat.S_IMODE(os.stat(log).st_mode) & 0o077 == 0, (log, oct(os.stat(log).st_mode))


def test_the_user_reference_is_keyed(monkeypatch: pytest.MonkeyPatch) -> None:
    # review 16: sha256(number)[:10] was reversed in 1.4 s
    import hashlib

    from channels.pseudonym import user_ref
    from channels.redis_store import digest

    number = "31698765432"
    monkeypatch.setenv("CHANNEL_SECRET", "first")
    first, key = user_ref(number), digest(number)
    assert not hashlib.sha256(number.encode()).hexdigest().startswith(first)
    monkeypatch.setenv("CHANNEL_SECRET", "second")
    assert user_ref(number) != first and digest(number) != key
    assert number not in key


# --- never silent, quickly ---------------------------------------------------------------

def test_a_hanging_action_server_gets_the_apology_within_seconds(action_server_down: Stack) -> None:
    # review 5: Rasa waited 300 s for the action server
    stack = action_server_down
    hanging = HangingServer(stack.action_port)
    try:
        started = time.monotonic()
        text = bot_texts(stack.send(_sender("hang"), LOOKUP_QUESTION, timeout=60))
        waited = time.monotonic() - started
    finally:
        hanging.close()
    assert "er ging even iets mis" in text, text
    assert waited < 60


def test_a_burst_of_queued_web_chat_messages_over_long_polling_is_answered(stack: Stack) -> None:
    # review 15: a polling POST with more than 16 packets was refused whole
    from tests.socketio_client import polling_burst

    texts = [f"hallo {i}" for i in range(40)]
    status, replies = polling_burst(stack.rasa_url, texts)
    assert status == 200
    assert len(replies) >= len(texts), len(replies)


# --- one conversation, one channel -----------------------------------------------------------

def test_rest_with_a_whatsapp_number_never_reaches_that_whatsapp_conversation(
        stack: Stack, fake_graph: Any) -> None:
    # review 2: REST with a WhatsApp user's number read and changed that user's gemeente
    from tests.test_whatsapp_cloud import post_webhook, texts

    wa_id = new_wa_id()
    message = {"type": "text", "text": {"body": LOOKUP_QUESTION}}
    assert post_webhook(stack, envelope(wa_id, message)).status_code == 200
    assert "Groningen" in " ".join(texts(fake_graph.wait_for_messages(wa_id)))

    for sender in (wa_id, f"wa:{wa_id}", f"+{wa_id}"):
        reply = bot_texts(stack.send(sender, "welk zorgkantoor hoort bij mij?"))
        assert "Groningen" not in reply, (sender, reply)
        stack.send(sender, "ik woon in Maastricht")
    whatsapp = stack.tracker(wa_id, "wa")
    assert whatsapp["slots"]["gm_code"] == "GM0014"
    assert [e["text"] for e in whatsapp["events"] if e["event"] == "user"] == [LOOKUP_QUESTION]
    assert stack.send(wa_id, "hallo")[0]["recipient_id"] == wa_id  # REST answers name its sender


def test_the_web_chat_resumes_only_session_ids_the_server_issued(stack: Stack) -> None:
    # review 2 and 14: socket.io accepted any id of a sane shape, a phone number included
    from tests.socketio_client import confirmed_session

    issued = confirmed_session(stack.rasa_url, None)
    assert confirmed_session(stack.rasa_url, issued) == issued  # a reload continues
    forged = [new_wa_id(), uuid.uuid4().hex, issued[:-1] + ("0" if issued[-1] != "0" else "1"),
              issued.split("-")[0] + "-" + "0" * 24, f"rest:{issued}", 31611110099, {"x": 1}]
    for requested in forged:
        confirmed = confirmed_session(stack.rasa_url, requested)
        assert confirmed != requested and confirmed != issued, requested
    # the web chat's conversation lives under web:<session id>, apart from REST's
    assert stack.tracker(issued, "web")["sender_id"] == f"web:{issued}"


@pytest.fixture(scope="module")
def production_channels(model_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A stack on the production credentials (config/credentials.production.yml)."""
    from ops.model_state import ROOT

    running = Stack(model=model_path, workdir=tmp_path_factory.mktemp("production-channels"),
                    credentials=ROOT / "config" / "credentials.production.yml")
    try:
        running.start()
        yield running
    finally:
        running.stop()


def test_the_production_rest_channel_needs_the_token(production_channels: Stack) -> None:
    # review 2: "REST behind the token (or off) in the production configuration"
    url = production_channels.rasa_url + REST
    body = {"sender": _sender("prod"), "message": "hallo"}
    for params in ({}, {"token": "wrong"}):
        answer = requests.post(url, params=params, json=body, timeout=60)
        assert answer.status_code == 401 and "token" in answer.json()["message"]
    answer = requests.post(url, params={"token": production_channels.token}, json=body, timeout=60)
    assert answer.status_code == 200 and bot_texts(answer.json())
    assert requests.get(production_channels.rasa_url + "/webhooks/rest/", timeout=10).json() == {"status": "ok"}


# --- the demo page ---------------------------------------------------------------------------

def test_a_nul_byte_in_a_page_path_gets_404() -> None:
    # review 18: "embedded null byte" ended the request without any HTTP answer
    import threading

    from web.serve import make_server

    server = make_server("127.0.0.1", 0, "http://localhost:5005")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        for path in ("/widget/chat.js%00.html", "/%00", "/index.html%00", "/widget/%00/chat.js"):
            connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=10)
            connection.request("GET", path)
            answer = connection.getresponse()
            assert answer.status == 404, (path, answer.status)
            assert answer.getheader("Content-Security-Policy")
            connection.close()
    finally:
        server.shutdown()
        server.server_close()


def test_log_lines_never_carry_the_token() -> None:
    # review 8: Sanic's "Exception occurred while handling uri: '...?token=...'" at ERROR
    import io
    import logging

    from ops import log_redaction

    log_redaction.install()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger = logging.getLogger("sanic.error.redaction-test")
    logger.addHandler(handler)
    try:
        logger.error("Exception occurred while handling uri: %s",
                     repr("http://127.0.0.1:5005/conversations/x/messages?token=s3cr3t-T0ken&x=1"))
        logger.error("auth_token=abc def")
    finally:
        logger.removeHandler(handler)
    written = stream.getvalue()
    assert "s3cr3t-T0ken" not in written and "abc" not in written
    assert "token=[verborgen]" in written and "/conversations/x/messages" in written
