"""Keep the API token out of the Rasa server's logs.

Sanic logs the full URL of a request that ends in a 500, ``?token=<RASA_TOKEN>`` included
(``Exception occurred while handling uri: 'http://…/conversations/x/messages?token=…'``).
``install()`` wraps the log-record factory, so every record of every logger (Sanic's, Rasa's,
ours) has ``token=…`` replaced by ``token=[verborgen]`` before any handler formats it,
whatever handlers Rasa configures later.
"""
from __future__ import annotations

import logging
import re
from typing import Any

TOKEN_IN_URL = re.compile(r"(?i)\b(token|auth[-_]token)=[^&\s'\"]+")
REDACTED = r"\1=[verborgen]"
_installed = False


def redact(text: str) -> str:
    return TOKEN_IN_URL.sub(REDACTED, text)


def install() -> None:
    """Redact tokens in every log record made from now on (idempotent)."""
    global _installed
    if _installed:
        return
    make_record = logging.getLogRecordFactory()

    def redacting_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string: leave it to the handler
            return record
        if "token=" in message.lower():
            record.msg, record.args = redact(message), ()
        return record

    logging.setLogRecordFactory(redacting_record)
    _installed = True
