"""Rasa's socket.io channel, with ``session_persistence`` that works on python-socketio 5.10+.

Rasa 3.6's ``SocketIOInput`` calls ``sio.enter_room(...)`` without ``await``
(RasaHQ/rasa#13027, unfixed in 3.6.21). Since python-socketio 5.10 ``AsyncServer.enter_room``
is a real coroutine, so the client never joins its session's room and, with
``session_persistence: true``, every bot reply is emitted to an empty room: the web chat
stays silent ("coroutine 'AsyncServer.enter_room' was never awaited" in the log).

This subclass keeps Rasa's channel (same name ``socketio``, same URL, events and
credentials), checks the page's origin and replaces two handlers:

- the origin: Rasa creates its socket.io server with ``cors_allowed_origins=[]``, which
  switches python-engineio's origin check off, so any website could open a chat socket
  (``rasa run --cors`` only covers HTTP routes). Here a browser's socket is accepted only
  from the sites in ``CORS_ORIGINS`` (the same variable the run command passes to
  ``--cors``); unset, only pages on the Rasa server's own origin. Clients that send no
  ``Origin`` header (no browser) are not affected.

- ``session_request``: awaits ``enter_room`` (and still works where it is synchronous),
  leaves the previous session's room on a new request ("Nieuw gesprek"), and resumes only a
  session id this server issued and signed (``channels.sender_ids``); any other id starts a
  new conversation with a new id. The conversation (and room) is ``web:<session id>``, so a
  web chat never reaches a REST or WhatsApp conversation;
- ``user_uttered``: only for a session this socket has joined, so one browser cannot write
  into another conversation by sending its id. The text is cleaned like every channel's
  (``channels.input_text``: control characters out, at most 2,000 characters, with a note
  when cut) and a message without any answer gets the ``channels.never_silent`` apology.

Replies go out as in Rasa's ``SocketIOOutput``; an FAQ answer's last text part also carries
its source page, ``"read_more": {"title": ..., "url": "https://..."}`` (``channels.read_more``),
which the web widget shows as a "Meer lezen" link.

Message text is never logged.
"""
from __future__ import annotations

import inspect
import json
import logging
import os
from typing import Any, Awaitable, Callable, Dict, List, Mapping, Optional, Text, Tuple, Union

import engineio.payload
from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput as RasaSocketIOInput
from rasa.core.channels.socketio import SocketIOOutput
from sanic import Blueprint

from channels.input_text import clean_text
from channels.read_more import attach, source_page
from channels.never_silent import NeverSilent
from channels.replies import LONG_MESSAGE_NOTE
from channels.request_limits import PUBLIC_MAX_BYTES, cap_metadata
from channels.sender_ids import WEB, conversation_id, new_session_id, resumable_session_id
from ops.settings import cors_origins

logger = logging.getLogger(__name__)

# python-engineio refuses a long-polling POST of more than 16 packets whole ("Too many
# packets in payload"): a browser that queued messages while offline lost them all. The
# body limit (PUBLIC_MAX_BYTES) bounds a payload anyway.
MAX_PACKETS_PER_POLL = 256


async def _maybe_await(result: Any) -> Any:
    if inspect.isawaitable(result):
        return await result
    return result


def allowed_origins(environ: Mapping[str, str]) -> Union[None, str, List[str]]:
    """python-engineio's ``cors_allowed_origins`` from ``CORS_ORIGINS`` (comma- or
    space-separated): a list of sites, ``"*"`` for any site (only the test stacks use it),
    or None (unset) for the server's own origin only."""
    origins = cors_origins(environ)
    if not origins:
        return None
    if "*" in origins:
        return "*"
    return origins


class SocketIOOutputWithSources(SocketIOOutput):
    """Rasa's socket.io output; an FAQ answer's last text part gets its ``read_more`` page.
    The answer's parts are held until the answer is complete, then emitted in order."""

    def __init__(self, sio: Any, bot_message_evt: Text) -> None:
        super().__init__(sio, bot_message_evt)
        self._held: Optional[List[Tuple[Text, Any]]] = None

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        page = source_page(message)
        if page is None:
            await super().send_response(recipient_id, message)
            return
        self._held = []
        try:
            await super().send_response(recipient_id, message)
        finally:
            held, self._held = self._held or [], None
        attach([response for _, response in held if isinstance(response, dict)], page)
        for socket_id, response in held:
            await super()._send_message(socket_id, response)

    async def _send_message(self, socket_id: Text, response: Any) -> None:
        if self._held is not None:
            self._held.append((socket_id, response))
        else:
            await super()._send_message(socket_id, response)


class SocketIOInput(RasaSocketIOInput):
    """Rasa's socket.io input channel with the room-join fix (see module docstring)."""

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        guarded = NeverSilent(on_new_message)
        socketio_webhook = guarded.attach(super().blueprint(on_new_message))
        sio = self.sio
        assert sio is not None
        sio.eio.cors_allowed_origins = allowed_origins(os.environ)
        sio.eio.max_http_buffer_size = PUBLIC_MAX_BYTES  # WebSocket messages too
        engineio.payload.Payload.max_decode_packets = MAX_PACKETS_PER_POLL
        # CORS response headers stay with `rasa run --cors` (sanic-cors covers this route
        # too); engineio adding its own would send the header twice, which browsers refuse.
        sio.eio._cors_headers = lambda environ: []
        namespace = self.namespace

        def joined_sessions(sid: Text) -> set:
            try:
                rooms = sio.rooms(sid, namespace=namespace or "/")
            except (KeyError, ValueError):
                rooms = []
            return {room for room in rooms if room != sid}

        @sio.on("session_request", namespace=namespace)
        async def session_request(sid: Text, data: Optional[Dict]) -> None:
            requested = data.get("session_id") if isinstance(data, dict) else None
            session_id = resumable_session_id(requested) or new_session_id()
            if self.session_persistence:
                room = conversation_id(WEB, session_id)  # the room is the conversation id
                for joined in joined_sessions(sid):
                    if joined != room:
                        await _maybe_await(sio.leave_room(sid, joined, namespace=namespace))
                await _maybe_await(sio.enter_room(sid, room, namespace=namespace))
            await sio.emit("session_confirm", session_id, room=sid, namespace=namespace)
            logger.debug("socketio: %s joined its session", sid)

        @sio.on(self.user_message_evt, namespace=namespace)
        async def handle_message(sid: Text, data: Dict) -> None:
            if not isinstance(data, dict):
                return
            output_channel = SocketIOOutputWithSources(sio, self.bot_message_evt)
            if self.session_persistence:
                session_id = data.get("session_id")
                sender_id = conversation_id(WEB, session_id) if isinstance(session_id, str) else ""
                if sender_id not in joined_sessions(sid):
                    logger.warning("socketio: message for a session this socket has not joined; "
                                   "ignored (send session_request first)")
                    return
            else:
                sender_id = conversation_id(WEB, sid)
            metadata = data.get(self.metadata_key) or {}
            if isinstance(metadata, str):
                try:
                    metadata = json.loads(metadata)
                except ValueError:
                    metadata = {}
            text = data.get("message", "")
            cleaned = clean_text(text if isinstance(text, str) else "")
            logger.debug("socketio: message of %d characters", len(cleaned.text))
            if cleaned.truncated:
                await output_channel.send_text_message(sender_id, LONG_MESSAGE_NOTE)
            await guarded(UserMessage(cleaned.text, output_channel, sender_id,
                                      input_channel=self.name(),
                                      metadata=cap_metadata(metadata)))

        return socketio_webhook
