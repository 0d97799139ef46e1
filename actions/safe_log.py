"""Log a failure without personal data.

``logger.exception`` prints the exception's message, and that may hold what the user typed
(a ``KeyError('9712 CP')``, a ``ValueError`` quoting the woonplaats). ``log_failure`` logs at
ERROR only the exception type and the code frames (file, line, code); the message itself
goes to DEBUG, which is off by default.
"""
from __future__ import annotations

import logging
import sys
import traceback


def log_failure(logger: logging.Logger, what: str) -> None:
    """Call inside an ``except`` block: ``what`` failed, with type and frames only."""
    exc_type, exc, tb = sys.exc_info()
    name = exc_type.__name__ if exc_type else "unknown error"
    frames = "".join(traceback.format_tb(tb)) if tb else ""
    logger.error("%s failed (%s); frames (no message):\n%s", what, name, frames)
    logger.debug("%s failed: %r", what, exc)
