"""Fuzzing the running Rasa server over HTTP: no 5xx, no hang, no unescaped echo.

- ``API_SPEC``: a small OpenAPI description of what we fuzz with schemathesis: the REST
  webhook and the channels' health routes (public), and Rasa's HTTP API (with the token;
  ``PUT``/``DELETE /model`` and training/test routes are left out: they replace or
  retrain the live model). Rasa ships no OpenAPI file in its package, so the request
  shapes are written here from ``rasa/server.py``.
- ``fuzz_api``: schemathesis cases (valid and invalid data, ``GenerationMode``) for every
  operation, each sent with the token as ``?token=``.
- ``fuzz_whatsapp_cloud`` / ``fuzz_twilio``: hypothesis payloads, *signed* with the test
  secrets, so the fuzz reaches the parsing behind the signature check.

Used by ``tests/test_fuzz.py`` (short, seeded) and ``bench/fuzz_bench.py`` (longer,
writes ``results/fuzz.md``). A report counts requests, status codes, 5xx and slow answers.
"""
from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional
from urllib.parse import urlencode

import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

HANG_SECONDS = 30.0  # an answer slower than this counts as a hang

_CONVERSATION = {"name": "conversation_id", "in": "path", "required": True,
                 "schema": {"type": "string", "minLength": 1, "maxLength": 40,
                            "pattern": "^[A-Za-z0-9:_-]+$"}}
_TOKEN: List[Dict[str, List[str]]] = [{"token": []}]


def _json_body(schema: Dict[str, Any]) -> Dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


_EVENT = {"type": "object", "properties": {"event": {"type": "string", "enum": ["user", "bot", "slot", "action"]},
                                           "text": {"type": "string"}, "name": {"type": "string"},
                                           "value": {"type": "string"}, "timestamp": {"type": "number"}},
          "required": ["event"]}

API_SPEC: Dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Mantelzorg-assistent (Rasa 3.6) — fuzzed routes", "version": "1"},
    "components": {"securitySchemes": {"token": {"type": "apiKey", "in": "query", "name": "token"}}},
    "paths": {
        "/webhooks/rest/webhook": {"post": {
            "requestBody": _json_body({
                "type": "object", "required": ["sender", "message"],
                "properties": {"sender": {"type": "string", "minLength": 1, "maxLength": 80},
                               "message": {"type": "string", "maxLength": 3000},
                               "metadata": {"type": "object"}}}),
            "responses": {"200": {"description": "bot messages"}, "400": {"description": "bad input"}}}},
        "/webhooks/rest/": {"get": {"responses": {"200": {"description": "ok"}}}},
        "/webhooks/whatsapp_cloud/": {"get": {"responses": {"200": {"description": "ok"}}}},
        "/webhooks/twilio_whatsapp/": {"get": {"responses": {"200": {"description": "ok"}}}},
        "/status": {"get": {"security": _TOKEN, "responses": {"200": {"description": "ok"}}}},
        "/version": {"get": {"security": _TOKEN, "responses": {"200": {"description": "ok"}}}},
        "/model/parse": {"post": {
            "security": _TOKEN,
            "requestBody": _json_body({"type": "object", "required": ["text"],
                                       "properties": {"text": {"type": "string", "maxLength": 3000},
                                                      "message_id": {"type": "string"}}}),
            "responses": {"200": {"description": "parse"}}}},
        "/conversations/{conversation_id}/tracker": {"get": {
            "security": _TOKEN, "parameters": [_CONVERSATION],
            "responses": {"200": {"description": "tracker"}}}},
        "/conversations/{conversation_id}/story": {"get": {
            "security": _TOKEN, "parameters": [_CONVERSATION],
            "responses": {"200": {"description": "story"}}}},
        "/conversations/{conversation_id}/messages": {"post": {
            "security": _TOKEN, "parameters": [_CONVERSATION],
            "requestBody": _json_body({"type": "object", "required": ["text", "sender"],
                                       "properties": {"text": {"type": "string", "maxLength": 2000},
                                                      "sender": {"type": "string", "enum": ["user", "bot"]}}}),
            "responses": {"200": {"description": "tracker"}}}},
        "/conversations/{conversation_id}/trigger_intent": {"post": {
            "security": _TOKEN, "parameters": [_CONVERSATION],
            "requestBody": _json_body({"type": "object", "required": ["name"],
                                       "properties": {"name": {"type": "string"},
                                                      "entities": {"type": "object"}}}),
            "responses": {"200": {"description": "ok"}}}},
        "/conversations/{conversation_id}/execute": {"post": {
            "security": _TOKEN, "parameters": [_CONVERSATION],
            "requestBody": _json_body({"type": "object", "required": ["name"],
                                       "properties": {"name": {"type": "string"}}}),
            "responses": {"200": {"description": "ok"}}}},
        "/conversations/{conversation_id}/predict": {"post": {
            "security": _TOKEN, "parameters": [_CONVERSATION],
            "responses": {"200": {"description": "scores"}}}},
        "/conversations/{conversation_id}/tracker/events": {"post": {
            "security": _TOKEN, "parameters": [_CONVERSATION],
            "requestBody": _json_body({"oneOf": [_EVENT, {"type": "array", "items": _EVENT, "maxItems": 5}]}),
            "responses": {"200": {"description": "tracker"}}}},
        "/model/predict": {"post": {
            "security": _TOKEN,
            "requestBody": _json_body({"type": "array", "items": _EVENT, "maxItems": 5}),
            "responses": {"200": {"description": "scores"}}}},
    },
}


@dataclass
class FuzzReport:
    """What a fuzz run sent and got."""

    requests: int = 0
    statuses: Counter = field(default_factory=Counter)
    server_errors: List[str] = field(default_factory=list)  # "METHOD path -> status"
    hangs: List[str] = field(default_factory=list)
    echoes: List[str] = field(default_factory=list)
    slowest_seconds: float = 0.0

    def record(self, label: str, status: int, seconds: float) -> None:
        self.requests += 1
        self.statuses[status] += 1
        self.slowest_seconds = max(self.slowest_seconds, seconds)
        if status >= 500:
            self.server_errors.append(f"{label} -> {status}")
        if seconds > HANG_SECONDS:
            self.hangs.append(f"{label} took {seconds:.1f} s")

    def as_dict(self) -> Dict[str, Any]:
        return {"requests": self.requests, "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
                "server_errors": len(self.server_errors), "server_error_examples": self.server_errors[:10],
                "hangs": len(self.hangs), "echoes": len(self.echoes), "slowest_seconds": round(self.slowest_seconds, 2)}


def _run(strategy: Any, examples: int, seed: int, body: Callable[[Any], None]) -> None:
    """Run ``body`` over ``examples`` draws of ``strategy``, deterministically."""
    @settings(max_examples=examples, deadline=None, database=None, derandomize=seed == 0,
              suppress_health_check=list(HealthCheck), print_blob=False)
    @given(strategy)
    def run(value: Any) -> None:
        body(value)

    if seed:
        from hypothesis import seed as hypothesis_seed
        hypothesis_seed(seed)(run)()
    else:
        run()


def _echoed(case: Any, text: str) -> Optional[str]:
    """The user's markup when an answer carries it back unescaped (the webhooks never echo)."""
    body = case.body if isinstance(case.body, dict) else {}
    message = body.get("message")
    if isinstance(message, str) and "<" in message and len(message) >= 4 and message in text:
        return message[:40]
    return None


def fuzz_api(base_url: str, token: str, examples_per_operation: int, seed: int = 0) -> FuzzReport:
    """Schemathesis cases for every operation of ``API_SPEC``: valid and invalid data."""
    import schemathesis
    from schemathesis.generation.modes import GenerationMode

    schema = schemathesis.openapi.from_dict(API_SPEC)
    report = FuzzReport()
    session = requests.Session()
    for result in schema.get_all_operations():
        operation = result.ok()  # type: ignore[union-attr]  # our own schema: always valid
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            def send(case: Any) -> None:
                started = time.monotonic()
                response = case.call(base_url=base_url, session=session, params={"token": token},
                                     timeout=HANG_SECONDS + 30)
                body = json.dumps(case.body, default=str)[:60] if case.body is not None else ""
                where = response.request.path_url.split("?")[0] if response.status_code >= 500 else case.path
                report.record(f"{case.method} {where} {body}", response.status_code,
                              time.monotonic() - started)
                if case.path.startswith("/webhooks/"):
                    echoed = _echoed(case, response.text)
                    if echoed:
                        report.echoes.append(echoed)

            try:
                _run(operation.as_strategy(generation_mode=mode), examples_per_operation, seed, send)
            except Exception as exc:  # noqa: BLE001 - e.g. no negative data for a route without a body
                if "Unsatisfiable" not in type(exc).__name__ and "NoDataGenerated" not in type(exc).__name__ \
                        and "schema" not in str(exc).lower():
                    raise
    return report


# --- signed WhatsApp payloads --------------------------------------------------------------

_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=False),
                     st.text(max_size=30))
JSON_VALUES = st.recursive(_SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)), max_leaves=20)

_MESSAGE_TYPES = st.sampled_from(["text", "interactive", "button", "location", "image", "reaction",
                                  "unknown", "audio"])


@st.composite
def cloud_payloads(draw: Any) -> Any:
    """Payloads near Meta's shape (so the parser is reached) and anywhere else."""
    message = draw(st.fixed_dictionaries(
        {"type": _MESSAGE_TYPES},
        optional={"from": st.text(alphabet="0123456789", min_size=1, max_size=12), "id": st.text(max_size=20),
                  "timestamp": st.one_of(st.text(max_size=12), st.integers()),
                  "text": st.one_of(JSON_VALUES, st.fixed_dictionaries({"body": st.text(max_size=200)})),
                  "interactive": JSON_VALUES, "button": JSON_VALUES, "location": JSON_VALUES}))
    near = {"object": "whatsapp_business_account", "entry": [{"id": "WABA", "changes": [{
        "field": draw(st.sampled_from(["messages", "statuses", ""])),
        "value": {"metadata": draw(st.one_of(JSON_VALUES, st.just({"phone_number_id": "x"}))),
                  "messages": [message], "statuses": draw(JSON_VALUES)}}]}]}
    return draw(st.one_of(st.just(near), JSON_VALUES))


def fuzz_whatsapp_cloud(base_url: str, app_secret: str, examples: int, seed: int = 0) -> FuzzReport:
    from channels.signatures import meta_signature

    report = FuzzReport()
    session = requests.Session()

    def send(payload: Any) -> None:
        body = json.dumps(payload).encode("utf-8")
        started = time.monotonic()
        response = session.post(f"{base_url}/webhooks/whatsapp_cloud/webhook", data=body, timeout=HANG_SECONDS + 30,
                                headers={"Content-Type": "application/json",
                                         "X-Hub-Signature-256": meta_signature(app_secret, body)})
        report.record("POST /webhooks/whatsapp_cloud/webhook (signed)", response.status_code,
                      time.monotonic() - started)

    _run(cloud_payloads(), examples, seed, send)
    return report


def fuzz_twilio(base_url: str, auth_token: str, public_url: str, examples: int, seed: int = 0) -> FuzzReport:
    from channels.signatures import twilio_signature

    report = FuzzReport()
    session = requests.Session()
    fields = st.dictionaries(
        st.sampled_from(["From", "Body", "MessageSid", "NumMedia", "Latitude", "Longitude", "ButtonPayload",
                         "MediaContentType0", "To"]),
        st.text(max_size=60), max_size=8)

    def send(form: Dict[str, str]) -> None:
        form = {key: value.replace("\x00", "") for key, value in form.items()}
        started = time.monotonic()
        response = session.post(f"{base_url}/webhooks/twilio_whatsapp/webhook", data=urlencode(form).encode(),
                                timeout=HANG_SECONDS + 30,
                                headers={"Content-Type": "application/x-www-form-urlencoded",
                                         "X-Twilio-Signature": twilio_signature(auth_token, public_url, form)})
        report.record("POST /webhooks/twilio_whatsapp/webhook (signed)", response.status_code,
                      time.monotonic() - started)

    _run(fields, examples, seed, send)
    return report
