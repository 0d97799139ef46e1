"""Helpers for tests that talk to the assistant: fresh sender ids and the reply's text."""
from __future__ import annotations

import threading
import uuid
from typing import Any, Callable, Dict, List


def bot_texts(messages: List[Dict[str, Any]]) -> str:
    """All text of the bot's reply, joined, for assertions."""
    return "\n".join(m.get("text", "") for m in messages if m.get("text"))


def sender_ids(prefix: str) -> Callable[[str], str]:
    """A maker of unique sender ids ('<prefix>-<name>-<8 hex>'), so tests never share a conversation."""
    def sender(name: str) -> str:
        return f"{prefix}-{name}-{uuid.uuid4().hex[:8]}"
    return sender


def run_in_threads(function: Callable[..., Any], arguments: List[Any], timeout: float) -> None:
    """Call ``function(argument)`` for every argument at once, each in its own thread, and wait."""
    threads = [threading.Thread(target=function, args=(argument,)) for argument in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
