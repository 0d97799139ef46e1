"""Answer a malformed request to Rasa's HTTP API with 400 instead of Rasa's 500.

Rasa 3.6 reads API bodies without checking their types: ``POST /model/parse`` with
``{"text": 1}``, an empty body or a JSON array, ``/conversations/<id>/messages`` with
``"text": 1`` and a few more end in an exception and a 500 (found by ``tests/test_fuzz.py``).
A 500 means "the server is broken" to monitoring, and Sanic logs it at ERROR with a
traceback. This request middleware checks the shape of the JSON body of those routes and
answers 400 with the field that is wrong, in Rasa's own error format.

It only looks at requests that carry the API token: without it Rasa answers 401 as before
(a 400 would tell a stranger more than "not authenticated").
"""
from __future__ import annotations

import json
import re
from typing import Any, Callable, Dict, Optional, Tuple

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

_MARK = "mantelzorg_api_input"

Check = Callable[[Any], Optional[str]]  # the problem, or None when the body is fine


def _kind(kind: Any) -> str:
    return "number" if isinstance(kind, tuple) else {"str": "text", "dict": "object"}.get(kind.__name__, kind.__name__)


def _object_with(required: Dict[str, Any], optional: Dict[str, Any]) -> Check:
    def check(body: Any) -> Optional[str]:
        if not isinstance(body, dict):
            return "body: a JSON object is expected"
        for name, kind in required.items():
            if not isinstance(body.get(name), kind) or isinstance(body.get(name), bool) and kind is not bool:
                return f"{name}: required, {_kind(kind)} expected"
        for name, kind in optional.items():
            if body.get(name) is not None and not isinstance(body.get(name), kind):
                return f"{name}: {_kind(kind)} expected"
        return None
    return check


def _event(value: Any) -> Optional[str]:
    if not isinstance(value, dict) or not isinstance(value.get("event"), str):
        return "events: each event is an object with an 'event' name"
    return None


def _events(body: Any) -> Optional[str]:
    """Events Rasa can read: ``append_events`` turns its own 400 for unreadable events into
    a 500 (its ``except Exception`` catches the ErrorResponse), so they are checked here with
    Rasa's own ``Event.from_parameters``."""
    from rasa.shared.core.events import Event

    items = body if isinstance(body, list) else [body]
    if not items:
        return "events: at least one event is expected"
    for item in items:
        problem = _event(item)
        if problem:
            return problem
        try:
            if Event.from_parameters(item) is None:
                return f"events: '{str(item['event'])[:40]}' is not an event Rasa knows"
        except Exception as exc:  # noqa: BLE001 - any reason Rasa cannot read it
            return f"events: an event could not be read ({type(exc).__name__})"
    return None


def _event_list(body: Any) -> Optional[str]:
    if not isinstance(body, list):
        return "body: a JSON list of events is expected"
    return _events(body)


_CONVERSATION = r"/+conversations/.*"  # the id is a <path>: it may hold slashes
_EXECUTE = re.compile(rf"^{_CONVERSATION}/execute/*$")
CHECKS: Tuple[Tuple[str, "re.Pattern[str]", Check], ...] = (
    ("POST", re.compile(r"^/+model/+parse/*$"),
     _object_with({"text": str}, {"message_id": str})),
    ("POST", re.compile(rf"^{_CONVERSATION}/messages/*$"),
     _object_with({"text": str, "sender": str}, {"parse_data": dict})),
    ("POST", re.compile(rf"^{_CONVERSATION}/trigger_intent/*$"),
     _object_with({"name": str}, {"entities": dict})),
    ("POST", _EXECUTE,
     _object_with({"name": str}, {"policy": str, "confidence": (int, float)})),
    ("POST", re.compile(rf"^{_CONVERSATION}/tracker/events/*$"), _events),
    ("PUT", re.compile(rf"^{_CONVERSATION}/tracker/events/*$"), _event_list),
    ("POST", re.compile(r"^/+model/+predict/*$"), _event_list),
)


def problem_with(method: str, path: str, raw: bytes, agent: Any = None) -> Optional[str]:
    """What is wrong with the body of an API request, or None (also for other routes)."""
    for check_method, pattern, check in CHECKS:
        if method == check_method and pattern.match(path):
            try:
                body = json.loads(raw.decode("utf-8")) if raw else None
            except (UnicodeDecodeError, ValueError, RecursionError):
                return "body: not valid JSON"
            problem = check(body)
            if problem is None and pattern is _EXECUTE and agent is not None:
                # Rasa answers an unknown action with a 500 (its except catches its own 400)
                known = getattr(getattr(agent, "domain", None), "action_names_or_texts", None)
                if known is not None and isinstance(body, dict) and body.get("name") not in known:
                    return "name: not an action of this assistant"
            return problem
    return None


def bad_request(problem: str) -> HTTPResponse:
    import rasa

    return response.json({"version": rasa.__version__, "status": "failure", "reason": "BadRequest",
                          "message": f"Invalid request: {problem}.", "details": {}, "help": None,
                          "code": 400}, status=400)


def check_api_input(app: Sanic) -> None:
    """Register the middleware on ``app`` (once)."""
    if getattr(app.ctx, _MARK, False):
        return
    setattr(app.ctx, _MARK, True)
    from channels.api_guard import has_api_token

    async def check_body(request: Request) -> Optional[HTTPResponse]:
        if request.method not in ("POST", "PUT") or request.path.startswith("/webhooks/"):
            return None
        agent = getattr(request.app.ctx, "agent", None)
        problem = problem_with(request.method, request.path, request.body or b"", agent)
        if problem is None or not await has_api_token(request):
            return None
        return bad_request(problem)

    app.register_middleware(check_body, "request")
