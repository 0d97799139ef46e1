"""Make Rasa's two open HTTP routes, ``/`` (hello) and ``/version``, need the API token too.

Rasa 3.6 protects every HTTP API route with ``--auth-token`` (or JWT) except these two.
The project's rule is: every endpoint needs the token, except the chat channels
(``/webhooks/...``) and socket.io (``/socket.io/``). A load balancer's health check uses
``GET /webhooks/rest/`` (the REST channel's own health route: ``{"status": "ok"}``, no
token, nothing revealed) or ``GET /status?token=...``.

``ChannelBlueprint`` is the blueprint our channels use; when Sanic registers it, it adds a
request middleware (once per app) that checks ``/`` and ``/version`` with Rasa's own
``requires_auth``, so the same token, the same JWT rules and the same 401/403 answers
apply as for ``/status``. The token is the one Rasa gave the ``/status`` route; if it
cannot be found (a future Rasa), the two routes are refused (fail closed). Paths are
compared as Sanic routes them (``canonical_path``): ``/version/``, ``/version//`` and
``//`` are guarded too.

``has_api_token`` lets a channel route answer more to a caller with the token (the
WhatsApp health routes). The same registration also bounds public request sizes
(``channels.request_limits``) and checks API request bodies (``channels.api_input``).
"""
from __future__ import annotations

import inspect
import logging
import re
from typing import Any, Awaitable, Callable, Optional

from rasa.server import ErrorResponse, requires_auth
from sanic import Blueprint, Sanic
from sanic.request import Request

from channels.api_input import check_api_input
from channels.request_limits import limit_public_requests

logger = logging.getLogger(__name__)

GUARDED_PATHS = frozenset({"/", "/version"})
_SLASHES = re.compile(r"/+")


def canonical_path(path: str) -> str:
    """The path as Sanic routes it: repeated slashes collapsed, no trailing slash (Sanic
    also serves ``/version/``, ``/version//`` and ``//``)."""
    return _SLASHES.sub("/", path).rstrip("/") or "/"
_MARK = "mantelzorg_api_guard"
_CHECK = "mantelzorg_api_token_check"
_UNKNOWN = object()


def _api_token(app: Sanic) -> Any:
    """The ``--auth-token`` Rasa bound to ``/status``: a str, None (no API or no token), or
    ``_UNKNOWN`` when the route is there but the token cannot be read."""
    for route in app.router.routes:
        if route.path == "status":
            try:
                return inspect.getclosurevars(route.handler).nonlocals.get("token", _UNKNOWN)
            except (TypeError, ValueError):
                return _UNKNOWN
    return None


def _check(app: Sanic) -> Callable[[Request], Awaitable[Optional[Any]]]:
    token = _api_token(app)
    if token is _UNKNOWN:
        logger.warning("api_guard: the API token could not be determined; '/' and '/version' "
                       "are refused")

        async def refuse(_: Request) -> None:
            raise ErrorResponse(401, "NotAuthenticated", "User is not authenticated.")

        return refuse

    async def allow(_: Request) -> None:
        return None

    return requires_auth(app, token)(allow)


def protect_open_routes(app: Sanic) -> None:
    """Register the middleware on ``app`` (once)."""
    if getattr(app.ctx, _MARK, False):
        return
    setattr(app.ctx, _MARK, True)
    state: dict = {}

    async def require_token(request: Request) -> None:
        if canonical_path(request.path) not in GUARDED_PATHS:
            return None
        if "check" not in state:  # routes are complete once requests arrive
            state["check"] = _check(request.app)
        return await state["check"](request)

    app.register_middleware(require_token, "request")


async def has_api_token(request: Request) -> bool:
    """Whether ``request`` carries the API token (or an admitted JWT), as ``/status`` checks it."""
    check = getattr(request.app.ctx, _CHECK, None)
    if check is None:
        check = _check(request.app)
        setattr(request.app.ctx, _CHECK, check)
    try:
        await check(request)
    except ErrorResponse:
        return False
    return True


class ChannelBlueprint(Blueprint):
    """A channel's blueprint that also closes Rasa's open routes and bounds the size of
    requests to the public routes (``channels.request_limits``) on the app it joins."""

    def register(self, app: Sanic, options: dict) -> Any:
        protect_open_routes(app)
        limit_public_requests(app)
        check_api_input(app)
        return super().register(app, options)
