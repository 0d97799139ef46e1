"""Access to the running Rasa server: the API token and CORS.

Choice (see README, "Toegang"): every HTTP endpoint needs the token except the chat
channels (``/webhooks/...``) and socket.io (``/socket.io/``). Rasa itself leaves ``/``
(hello) and ``/version`` open; ``channels.api_guard`` closes them too, so there is no
deliberate exception. A load balancer checks health with ``GET /webhooks/rest/`` (no token,
answers ``{"status": "ok"}``) or ``GET /status?token=...``.

The routes are enumerated from the installed Rasa's ``rasa/server.py`` (its ``@app.get``,
``@app.post``, ... decorators), so a Rasa upgrade that adds a route is checked too; every
one is called on the running server without the token and with a wrong one.

CORS: only the configured origins get ``Access-Control-Allow-Origin``; the run command's
default is the demo page's origin and never "*". The web chat's socket (socket.io, which
``--cors`` does not cover) is opened only from those origins too, over WebSocket and over
long polling.
"""
from __future__ import annotations

import asyncio
import importlib.util
import re
from pathlib import Path
from typing import List, Tuple

import pytest
import requests

import websockets

from channels.socketio_channel import allowed_origins
from ops.settings import cors_setting
from ops.stack import Stack
from tests.conftest import ALLOWED_ORIGIN

pytestmark = pytest.mark.server

RASA_SERVER = Path(importlib.util.find_spec("rasa").origin).parent / "server.py"  # no import
ROUTE = re.compile(r'@app\.(get|post|put|delete)\(\s*"([^"]+)"')
NAMED_IN_THE_ISSUE = {
    ("GET", "/status"), ("GET", "/version"), ("GET", "/"), ("GET", "/domain"),
    ("GET", "/conversations/<conversation_id:path>/tracker"),
    ("POST", "/conversations/<conversation_id:path>/messages"),
    ("POST", "/conversations/<conversation_id:path>/execute"),
    ("POST", "/conversations/<conversation_id:path>/trigger_intent"),
    ("POST", "/conversations/<conversation_id:path>/predict"),
    ("POST", "/conversations/<conversation_id:path>/tracker/events"),
    ("PUT", "/conversations/<conversation_id:path>/tracker/events"),
    ("GET", "/conversations/<conversation_id:path>/story"),
    ("POST", "/model/train"), ("POST", "/model/test/stories"), ("POST", "/model/test/intents"),
    ("POST", "/model/predict"), ("POST", "/model/parse"), ("PUT", "/model"), ("DELETE", "/model"),
}


def api_routes() -> List[Tuple[str, str]]:
    """(method, path) of every route in Rasa's HTTP API."""
    return sorted({(method.upper(), path) for method, path in ROUTE.findall(RASA_SERVER.read_text())})


def test_the_route_list_is_complete() -> None:
    assert NAMED_IN_THE_ISSUE <= set(api_routes()), set(api_routes()) ^ NAMED_IN_THE_ISSUE


@pytest.mark.parametrize("method, path", api_routes())
def test_every_api_route_needs_the_token(stack: Stack, method: str, path: str) -> None:
    url = stack.rasa_url + path.replace("<conversation_id:path>", "access-probe")
    for params in ({}, {"token": "wrong-" + stack.token}):
        response = requests.request(method, url, params=params, json={}, timeout=30)
        assert response.status_code in (401, 403), (method, path, params, response.status_code)


@pytest.mark.parametrize("path", ["/status", "/version", "/"])
def test_the_token_opens_harmless_routes(stack: Stack, path: str) -> None:
    response = requests.get(stack.rasa_url + path, params={"token": stack.token}, timeout=30)
    assert response.status_code == 200


def test_channels_need_no_token(stack: Stack) -> None:
    assert requests.get(f"{stack.rasa_url}/webhooks/rest/", timeout=10).json() == {"status": "ok"}
    handshake = requests.get(f"{stack.rasa_url}/socket.io/", params={"EIO": "4", "transport": "polling"},
                             timeout=10)
    assert handshake.status_code == 200 and '"sid"' in handshake.text


# --- CORS -------------------------------------------------------------------------------

def _allow_origin(stack: Stack, origin: str, preflight: bool) -> str:
    url = f"{stack.rasa_url}/webhooks/rest/webhook"
    if preflight:
        response = requests.options(url, headers={
            "Origin": origin, "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type"}, timeout=30)
    else:
        response = requests.post(url, json={"sender": "cors-probe", "message": "hallo"},
                                 headers={"Origin": origin}, timeout=30)
    return response.headers.get("Access-Control-Allow-Origin", "")


@pytest.mark.parametrize("preflight", [True, False])
def test_cors_allows_only_the_configured_origin(second_stack: Stack, preflight: bool) -> None:
    assert _allow_origin(second_stack, ALLOWED_ORIGIN, preflight) == ALLOWED_ORIGIN
    assert _allow_origin(second_stack, "http://evil.example", preflight) == ""


def test_run_command_never_allows_every_origin() -> None:
    default = cors_setting({}, 8080)
    assert default.split() == ["http://localhost:8080", "http://127.0.0.1:8080"]
    assert cors_setting({"CORS_ORIGINS": "https://www.gemeente.nl"}, 8080) == "https://www.gemeente.nl"
    for wildcard in ("*", "https://www.gemeente.nl,*"):
        with pytest.raises(SystemExit, match="CORS_ORIGINS"):
            cors_setting({"CORS_ORIGINS": wildcard}, 8080)


# --- the web chat's socket ----------------------------------------------------------------

def _polling_handshake(stack: Stack, origin: str = "") -> requests.Response:
    headers = {"Origin": origin} if origin else {}
    return requests.get(f"{stack.rasa_url}/socket.io/", params={"EIO": "4", "transport": "polling"},
                        headers=headers, timeout=30)


def _websocket_opens(stack: Stack, origin: str) -> str:
    """The engine.io open packet a WebSocket from ``origin`` receives, or why it was refused."""
    url = stack.rasa_url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"

    async def connect() -> str:
        try:
            async with websockets.connect(url, origin=origin, open_timeout=30) as socket:
                return str(await asyncio.wait_for(socket.recv(), 30))
        except websockets.exceptions.InvalidStatusCode as refused:
            return f"refused {refused.status_code}"

    return asyncio.run(connect())


def test_web_chat_socket_opens_only_from_configured_origins(second_stack: Stack) -> None:
    allowed = _polling_handshake(second_stack, ALLOWED_ORIGIN)
    assert allowed.status_code == 200 and allowed.text.startswith("0{"), allowed.text[:200]
    # exactly one header (sanic-cors'), not one from engine.io beside it: browsers refuse two
    assert allowed.headers.get("Access-Control-Allow-Origin") == ALLOWED_ORIGIN

    refused = _polling_handshake(second_stack, "http://evil.example")
    assert refused.status_code == 400
    assert "Access-Control-Allow-Origin" not in refused.headers

    assert _websocket_opens(second_stack, ALLOWED_ORIGIN).startswith("0{")
    assert _websocket_opens(second_stack, "http://evil.example") == "refused 400"

    # no Origin header: not a browser page, so nothing for an origin check to protect
    assert _polling_handshake(second_stack).status_code == 200


def test_socket_origins_come_from_cors_origins() -> None:
    assert allowed_origins({"CORS_ORIGINS": "https://a.nl, https://b.nl"}) == ["https://a.nl", "https://b.nl"]
    assert allowed_origins({"CORS_ORIGINS": "https://a.nl *"}) == "*"
    # unset: engine.io's own default, the Rasa server's own origin only
    assert allowed_origins({}) is None
    assert allowed_origins({"CORS_ORIGINS": "  "}) is None


# --- the action server ----------------------------------------------------------------------

def _listening_addresses(port: int) -> set:
    """Local IPv4/IPv6 addresses with a listening TCP socket on ``port`` (from /proc/net)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except FileNotFoundError:
            continue
        for line in lines:
            fields = line.split()
            address, port_hex = fields[1].rsplit(":", 1)
            if int(port_hex, 16) == port and fields[3] == "0A":  # 0A = LISTEN
                found.add(address)
    return found


def test_action_server_listens_on_loopback_only(stack: Stack) -> None:
    """Only the Rasa server calls the action server; on one machine nobody else can reach it."""
    assert requests.get(f"{stack.action_url}/health", timeout=10).status_code == 200
    assert _listening_addresses(stack.action_port) == {"0100007F"}  # 127.0.0.1, nothing else
