"""A custom action that does not answer within ``ACTION_TIMEOUT_SECONDS`` (default 10) fails.

Rasa 3.6 waits ``DEFAULT_REQUEST_TIMEOUT`` (300 s) for the action server, with no setting
in endpoints.yml, so a hanging action server meant five minutes of silence, and a client
that gave up earlier lost the message. With a short bound the failing action is handled as
when the action server is down: Rasa logs it and ``channels.never_silent`` sends its Dutch
apology, within seconds. Our actions are in-memory lookups (milliseconds). Applied by
``ops/rasa_cli.py`` to every Rasa server, also with ``RASA_PATCHES=off``.
"""
from __future__ import annotations

import os

DEFAULT_SECONDS = 10.0


def action_timeout_seconds() -> float:
    try:
        value = float(os.environ.get("ACTION_TIMEOUT_SECONDS", DEFAULT_SECONDS))
    except ValueError:
        return DEFAULT_SECONDS
    return value if value > 0 else DEFAULT_SECONDS


def apply() -> float:
    """Bound Rasa's calls to the action server; returns the bound in seconds."""
    import rasa.core.actions.action as action
    import rasa.utils.endpoints as endpoints

    seconds = action_timeout_seconds()
    action.DEFAULT_REQUEST_TIMEOUT = seconds  # the per-request timeout of RemoteAction.run
    endpoints.DEFAULT_REQUEST_TIMEOUT = seconds  # the session default (same endpoint)
    return seconds
