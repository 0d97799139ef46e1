"""Fake Graph API (Meta) and fake Twilio API on loopback, recording what the connectors send.

Small threaded HTTP servers on 127.0.0.1 with a random port. The stack under test gets their
URLs and the test secrets below through its environment (see conftest.py), so the real
connectors send real HTTP requests here instead of to Meta or Twilio.
"""
from __future__ import annotations

import base64
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, List, Optional
from urllib.parse import parse_qsl

# Test secrets (never real ones).
WA_VERIFY_TOKEN = "test-verify-token"
WA_APP_SECRET = "test-app-secret"
WA_ACCESS_TOKEN = "test-access-token"
WA_PHONE_NUMBER_ID = "109876543210"
WA_TEMPLATE_NAME = "mantelzorg_heropen_gesprek"

TWILIO_ACCOUNT_SID = "AC00000000000000000000000000000000"
TWILIO_AUTH_TOKEN = "test-twilio-auth-token"
TWILIO_NUMBER = "whatsapp:+14155238886"


@dataclass
class Recorded:
    method: str
    path: str
    headers: Dict[str, str]
    body: bytes
    json: Any = None
    form: Dict[str, str] = field(default_factory=dict)


class _Recorder:
    """A threaded HTTP server that records every request and answers via ``respond``."""

    def __init__(self) -> None:
        self.requests: List[Recorded] = []
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                rec = Recorded("POST", self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                ctype = rec.headers.get("content-type", "")
                if "json" in ctype:
                    try:
                        rec.json = json.loads(body.decode("utf-8"))
                    except ValueError:
                        rec.json = None
                elif "x-www-form-urlencoded" in ctype:
                    rec.form = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
                status, answer = recorder.respond(rec)
                with recorder._lock:
                    recorder.requests.append(rec)
                data = json.dumps(answer).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def respond(self, rec: Recorded):  # pragma: no cover - overridden
        return 200, {}

    def next_id(self) -> int:
        return next(self._ids)

    def start(self) -> "_Recorder":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def snapshot(self) -> List[Recorded]:
        with self._lock:
            return list(self.requests)

    def wait_for(self, predicate: Callable[[List[Recorded]], bool], timeout: float = 20.0) -> List[Recorded]:
        """Wait until ``predicate(requests)`` holds; return the requests (raises on timeout)."""
        deadline = time.monotonic() + timeout
        while True:
            requests = self.snapshot()
            if predicate(requests):
                return requests
            if time.monotonic() > deadline:
                raise AssertionError(f"fake API: condition not met within {timeout} s; "
                                     f"{len(requests)} request(s) recorded")
            time.sleep(0.05)


class FakeGraphAPI(_Recorder):
    """``POST /v20.0/{phone_number_id}/messages`` like Meta's Graph API."""

    version = "v20.0"

    @property
    def url(self) -> str:
        return f"{self.base_url}/{self.version}"

    def respond(self, rec: Recorded):
        if rec.headers.get("authorization") != f"Bearer {WA_ACCESS_TOKEN}":
            return 401, {"error": {"message": "Invalid OAuth access token.", "code": 190}}
        if rec.path != f"/{self.version}/{WA_PHONE_NUMBER_ID}/messages" or not isinstance(rec.json, dict):
            return 400, {"error": {"message": "Unsupported post request.", "code": 100}}
        to = rec.json.get("to", "")
        return 200, {"messaging_product": "whatsapp", "contacts": [{"input": to, "wa_id": to}],
                     "messages": [{"id": f"wamid.fake.{self.next_id()}"}]}

    def messages_to(self, wa_id: str) -> List[Dict[str, Any]]:
        return [r.json for r in self.snapshot() if isinstance(r.json, dict) and r.json.get("to") == wa_id]

    def wait_for_messages(self, wa_id: str, count: int = 1, timeout: float = 20.0) -> List[Dict[str, Any]]:
        self.wait_for(lambda _: len(self.messages_to(wa_id)) >= count, timeout)
        return self.messages_to(wa_id)


class FakeTwilioAPI(_Recorder):
    """``POST /2010-04-01/Accounts/{sid}/Messages.json`` like Twilio's REST API."""

    def respond(self, rec: Recorded):
        expected = "Basic " + base64.b64encode(f"{TWILIO_ACCOUNT_SID}:{TWILIO_AUTH_TOKEN}".encode()).decode()
        if rec.headers.get("authorization") != expected:
            return 401, {"code": 20003, "message": "Authenticate", "status": 401}
        if rec.path != f"/2010-04-01/Accounts/{TWILIO_ACCOUNT_SID}/Messages.json":
            return 404, {"code": 20404, "message": "Not found", "status": 404}
        return 201, {"sid": f"SM{self.next_id():032d}", "status": "queued", "to": rec.form.get("To")}

    def messages_to(self, to: str) -> List[Dict[str, str]]:
        return [r.form for r in self.snapshot() if r.form.get("To") == to]

    def wait_for_messages(self, to: str, count: int = 1, timeout: float = 20.0) -> List[Dict[str, str]]:
        self.wait_for(lambda _: len(self.messages_to(to)) >= count, timeout)
        return self.messages_to(to)


def twilio_webhook_url(rasa_url: str) -> str:
    return f"{rasa_url}/webhooks/twilio_whatsapp/webhook"


def channel_env(graph: Optional[FakeGraphAPI], twilio: Optional[FakeTwilioAPI], rasa_url: str) -> Dict[str, str]:
    """Environment for the stack under test: the fakes' URLs and the test secrets."""
    env: Dict[str, str] = {}
    if graph is not None:
        env.update({
            "WHATSAPP_VERIFY_TOKEN": WA_VERIFY_TOKEN,
            "WHATSAPP_APP_SECRET": WA_APP_SECRET,
            "WHATSAPP_ACCESS_TOKEN": WA_ACCESS_TOKEN,
            "WHATSAPP_PHONE_NUMBER_ID": WA_PHONE_NUMBER_ID,
            "WHATSAPP_API_URL": graph.url,
            "WHATSAPP_TEMPLATE_NAME": WA_TEMPLATE_NAME,
        })
    if twilio is not None:
        env.update({
            "TWILIO_ACCOUNT_SID": TWILIO_ACCOUNT_SID,
            "TWILIO_AUTH_TOKEN": TWILIO_AUTH_TOKEN,
            "TWILIO_WHATSAPP_NUMBER": TWILIO_NUMBER,
            "TWILIO_API_URL": twilio.base_url,
            "TWILIO_WEBHOOK_URL": twilio_webhook_url(rasa_url),
        })
    return env
