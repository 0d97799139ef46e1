"""Helpers for tests that talk to the assistant: fresh sender ids and the reply's text."""
from __future__ import annotations

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
