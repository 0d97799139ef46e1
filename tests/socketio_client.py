"""A minimal web-chat client for tests: the same socket.io events as the widget."""
from __future__ import annotations

import asyncio
import uuid
from typing import Any, Dict, List

import socketio


async def _chat(rasa_url: str, text: str, wait_seconds: float) -> List[Dict[str, Any]]:
    client = socketio.AsyncClient(reconnection=False)
    replies: List[Dict[str, Any]] = []
    confirmed = asyncio.Event()
    got_reply = asyncio.Event()
    session_id = uuid.uuid4().hex

    @client.on("session_confirm")
    async def on_confirm(_: Any) -> None:
        confirmed.set()

    @client.on("bot_uttered")
    async def on_bot(data: Dict[str, Any]) -> None:
        replies.append(data)
        got_reply.set()

    # long-polling: the installed engineio's websocket transport needs a newer aiohttp
    await client.connect(rasa_url, socketio_path="/socket.io", transports=["polling"])
    try:
        await client.emit("session_request", {"session_id": session_id})
        await asyncio.wait_for(confirmed.wait(), 10)
        await client.emit("user_uttered", {"message": text, "session_id": session_id})
        await asyncio.wait_for(got_reply.wait(), wait_seconds)
        await asyncio.sleep(1.0)  # a reply may have more than one message
    finally:
        await client.disconnect()
    return replies


def chat(rasa_url: str, text: str, wait_seconds: float = 30) -> List[Dict[str, Any]]:
    """Send one message in a new web-chat session; return the bot messages it got."""
    return asyncio.run(_chat(rasa_url, text, wait_seconds))
