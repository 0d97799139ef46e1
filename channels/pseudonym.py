"""Keyed pseudonyms and signatures with the one channel secret (``CHANNEL_SECRET``).

A plain SHA-256 of a Dutch phone number can be reversed in about a minute (there are only
10^8 numbers in the 06 range), so a user reference in a log line or a Redis key is an HMAC
with a secret from the environment instead. The same secret signs the web chat's session
ids (``channels.sender_ids``). Each use has its own ``purpose``, so a value from one use
is no use in another.

``CHANNEL_SECRET`` must be the same on every replica (Redis keys and session ids are shared).
The run command writes a random one to ``.env.local`` on first run. When it is unset the
process makes a random one and says so once: fine for one process, but then every restart
forgets the web chat's sessions and the WhatsApp state kept in Redis.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
import threading
from typing import Optional

logger = logging.getLogger(__name__)

SECRET_VARIABLE = "CHANNEL_SECRET"

_lock = threading.Lock()
_process_secret: Optional[bytes] = None


def channel_secret() -> bytes:
    """``CHANNEL_SECRET`` from the environment, else one random secret for this process."""
    value = os.environ.get(SECRET_VARIABLE)
    if value:
        return value.encode("utf-8")
    global _process_secret
    with _lock:
        if _process_secret is None:
            _process_secret = secrets.token_bytes(32)
            logger.warning("%s is not set: using a random secret for this process only; set it "
                           "(the same on every replica) to keep web-chat sessions and WhatsApp "
                           "state across restarts", SECRET_VARIABLE)
        return _process_secret


def keyed_digest(value: str, purpose: str, hex_chars: int = 32) -> str:
    """HMAC-SHA-256 of ``value`` for ``purpose``, as ``hex_chars`` hex characters."""
    message = f"{purpose}\x00{value}".encode("utf-8", "surrogatepass")
    return hmac.new(channel_secret(), message, hashlib.sha256).hexdigest()[:hex_chars]


def user_ref(user_id: str) -> str:
    """A short, stable reference to a user for logs: not the id, and not reversible without
    the secret."""
    return keyed_digest(str(user_id), "log-user", 12)
