"""Small, bounded requests on the public routes (``/webhooks/...`` and ``/socket.io/``).

Sanic accepts bodies up to 100 MB by default, and anyone can reach the chat channels
without a token. A chat message, a WhatsApp webhook or a socket.io packet is a few kB, so
the public routes get ``PUBLIC_MAX_BYTES`` (64 kB): a larger body is refused with 413 while
it is being read, before it is kept in memory or parsed. The HTTP API (behind the token)
keeps Sanic's limit, because ``/model/train`` takes training data.

Client ``metadata`` (REST, socket.io) is stored in the tracker store with every message;
``cap_metadata`` keeps it only when it is small and shallow (``METADATA_MAX_BYTES``), else
drops it, so a client cannot grow the conversation store with megabytes per message.
"""
from __future__ import annotations

import json
import logging
from typing import Any, Dict, Optional

from sanic import Sanic
from sanic.request import Request

logger = logging.getLogger(__name__)

PUBLIC_MAX_BYTES = 64 * 1024
PUBLIC_PREFIXES = ("/webhooks/", "/socket.io")
METADATA_MAX_BYTES = 1024
METADATA_MAX_DEPTH = 3
_MARK = "mantelzorg_request_limits"


def is_public_path(path: str) -> bool:
    return path.startswith(PUBLIC_PREFIXES)


def limit_public_requests(app: Sanic) -> None:
    """Lower the body limit of every request to a public route (once per app)."""
    if getattr(app.ctx, _MARK, False):
        return
    setattr(app.ctx, _MARK, True)

    # "http.routing.after" runs after the route is known and before Sanic reads the body
    @app.signal("http.routing.after")
    async def lower_body_limit(request: Request, **_: Any) -> None:
        stream = getattr(request, "stream", None)
        if stream is not None and is_public_path(request.path):
            stream.request_max_size = min(stream.request_max_size, PUBLIC_MAX_BYTES)


def _deeper_than(value: Any, limit: int) -> bool:
    """Whether ``value`` nests dicts/lists more than ``limit`` levels (iterative: no recursion)."""
    stack = [(value, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, (dict, list)):
            if level + 1 > limit:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, level + 1) for child in children)
    return False


def cap_metadata(metadata: Any) -> Dict[str, Any]:
    """``metadata`` when it is a small, shallow JSON object; else an empty dict."""
    if not isinstance(metadata, dict) or not metadata:
        return {}
    try:
        size = len(json.dumps(metadata, ensure_ascii=False).encode("utf-8"))
    except (TypeError, ValueError, RecursionError):
        return {}
    if size > METADATA_MAX_BYTES or _deeper_than(metadata, METADATA_MAX_DEPTH):
        logger.debug("metadata of %d bytes dropped (limit %d bytes, depth %d)", size,
                     METADATA_MAX_BYTES, METADATA_MAX_DEPTH)
        return {}
    return metadata


def optional_metadata(metadata: Any) -> Optional[Dict[str, Any]]:
    """Like ``cap_metadata``, None instead of an empty dict (Rasa's REST default)."""
    return cap_metadata(metadata) or None
