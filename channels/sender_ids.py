"""One conversation, one channel: every channel has its own sender-id namespace.

Rasa keys a conversation by its sender id alone. When all channels shared one namespace,
anyone could post to the public REST webhook with a WhatsApp user's phone number and read
or change that user's conversation, and a web-chat client could pick any id. Now the
conversation id is ``<namespace>:<the channel's own id>``:

=================  ==========  =================================================
channel            namespace   the channel's own id
=================  ==========  =================================================
REST               ``rest``    the ``sender`` of the request
web chat           ``web``     a session id issued and signed by the server
WhatsApp (Meta)    ``wa``      the WhatsApp id (phone number)
WhatsApp (Twilio)  ``tw``      Twilio's ``From`` (``whatsapp:+31...``)
=================  ==========  =================================================

A REST sender ``wa:316...`` becomes ``rest:wa:316...``: another conversation. Output
channels get the conversation id back from Rasa and send to ``channel_user(...)``.

Web-chat session ids are ``<32 hex>-<24 hex>``: a random part and an HMAC of it with
``CHANNEL_SECRET`` (``channels.pseudonym``), checked with ``hmac.compare_digest``. A
``session_request`` with an id that is not ours starts a new conversation.
"""
from __future__ import annotations

import hmac
import re
import secrets
from typing import Optional

from channels.pseudonym import keyed_digest

REST, WEB, WHATSAPP_CLOUD, TWILIO = "rest", "web", "wa", "tw"
SEPARATOR = ":"

_SESSION_ID = re.compile(r"^([0-9a-f]{32})-([0-9a-f]{24})$")
_SESSION_PURPOSE = "web-session"


def conversation_id(namespace: str, channel_id: str) -> str:
    """The tracker's sender id for ``channel_id`` of the channel ``namespace``."""
    return f"{namespace}{SEPARATOR}{channel_id}"


def channel_user(namespace: str, conversation: str) -> str:
    """The channel's own id in a conversation id (unchanged when it has no such prefix)."""
    prefix = namespace + SEPARATOR
    return conversation[len(prefix):] if conversation.startswith(prefix) else conversation


def _signature(random_part: str) -> str:
    return keyed_digest(random_part, _SESSION_PURPOSE, 24)


def new_session_id() -> str:
    """A fresh web-chat session id, signed by this server."""
    random_part = secrets.token_hex(16)
    return f"{random_part}-{_signature(random_part)}"


def is_our_session_id(value: object) -> bool:
    """Whether ``value`` is a session id this server (or a replica with the same secret) issued."""
    if not isinstance(value, str):
        return False
    match = _SESSION_ID.match(value)
    if match is None:
        return False
    return hmac.compare_digest(match.group(2), _signature(match.group(1)))


def resumable_session_id(requested: object) -> Optional[str]:
    """``requested`` when the client may resume it, else None (start a new conversation)."""
    return requested if isinstance(requested, str) and is_our_session_id(requested) else None
