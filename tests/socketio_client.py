"""A minimal web-chat client for tests: the same socket.io events as the widget."""
from __future__ import annotations

import asyncio
import json
import time
from typing import Any, Dict, List, Tuple

import requests
import socketio


async def _chat(rasa_url: str, text: str, wait_seconds: float) -> List[Dict[str, Any]]:
    client = socketio.AsyncClient(reconnection=False)
    replies: List[Dict[str, Any]] = []
    confirmed = asyncio.Event()
    got_reply = asyncio.Event()
    session: Dict[str, str] = {}

    @client.on("session_confirm")
    async def on_confirm(session_id: Any) -> None:
        session["id"] = session_id  # issued (and signed) by the server
        confirmed.set()

    @client.on("bot_uttered")
    async def on_bot(data: Dict[str, Any]) -> None:
        replies.append(data)
        got_reply.set()

    # long-polling: the installed engineio's websocket transport needs a newer aiohttp
    await client.connect(rasa_url, socketio_path="/socket.io", transports=["polling"])
    try:
        await client.emit("session_request", {"session_id": None})
        await asyncio.wait_for(confirmed.wait(), 10)
        await client.emit("user_uttered", {"message": text, "session_id": session["id"]})
        await asyncio.wait_for(got_reply.wait(), wait_seconds)
        await asyncio.sleep(1.0)  # a reply may have more than one message
    finally:
        await client.disconnect()
    return replies


def chat(rasa_url: str, text: str, wait_seconds: float = 30) -> List[Dict[str, Any]]:
    """Send one message in a new web-chat session; return the bot messages it got."""
    return asyncio.run(_chat(rasa_url, text, wait_seconds))


def polling_burst(rasa_url: str, texts: List[str], wait_seconds: float = 120) -> Tuple[int, List[str]]:
    """Raw engine.io long polling: one session, then all ``texts`` in ONE POST (as a browser
    sends the messages it queued while offline). Returns the POST's status and the bot
    messages' texts received within ``wait_seconds``."""
    base = f"{rasa_url}/socket.io/"
    http = requests.Session()
    opened = http.get(base, params={"EIO": "4", "transport": "polling"}, timeout=30).text
    sid = json.loads(opened[1:])["sid"]
    params = {"EIO": "4", "transport": "polling", "sid": sid}

    def post(*packets: str) -> int:
        return http.post(base, params=params, data="\x1e".join(packets).encode(), timeout=30).status_code

    def poll() -> List[str]:
        packets = http.get(base, params=params, timeout=60).text.split("\x1e")
        if "2" in packets:
            post("3")  # pong
        return packets

    post("40")
    poll()  # the namespace's connect answer
    post('42["session_request",{}]')
    session_id = None
    deadline = time.monotonic() + 30
    while session_id is None and time.monotonic() < deadline:
        for packet in poll():
            if packet.startswith('42["session_confirm"'):
                session_id = json.loads(packet[2:])[1]
    assert session_id, "no session_confirm"
    status = post(*('42' + json.dumps(["user_uttered", {"message": text, "session_id": session_id}])
                    for text in texts))
    replies: List[str] = []
    deadline = time.monotonic() + wait_seconds
    while status == 200 and len(replies) < len(texts) and time.monotonic() < deadline:
        for packet in poll():
            if packet.startswith('42["bot_uttered"'):
                replies.append(json.loads(packet[2:])[1].get("text", ""))
    return status, replies


async def _confirmed_session(rasa_url: str, requested: Any) -> str:
    client = socketio.AsyncClient(reconnection=False)
    confirmed: "asyncio.Future[str]" = asyncio.get_running_loop().create_future()

    @client.on("session_confirm")
    async def on_confirm(session_id: Any) -> None:
        if not confirmed.done():
            confirmed.set_result(session_id)

    await client.connect(rasa_url, socketio_path="/socket.io", transports=["polling"])
    try:
        await client.emit("session_request", {"session_id": requested})
        return await asyncio.wait_for(confirmed, 10)
    finally:
        # close without waiting for the long-poll in flight: a plain disconnect() waits for it
        # to come back, which takes the server's ping interval (about 25 s) per session
        await client.eio.disconnect(abort=True)


def confirmed_session(rasa_url: str, requested: Any) -> str:
    """The session id the server confirms for a ``session_request`` with ``requested``."""
    return asyncio.run(_confirmed_session(rasa_url, requested))
