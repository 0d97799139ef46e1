"""The safety answer a channel can give on its own, when Rasa is slow to answer a message.

A conversation's turns run one at a time (Rasa's lock store): when an earlier message of
the same person waits for a hanging action server, a danger message behind it would wait
too. ``channels.never_silent`` then asks this module for the answer: the message is read by
the loaded model's NLU pipeline (no lock, no action server, a few milliseconds) and, when
it has a safety level, that level's answer from the domain is returned.
"""
from __future__ import annotations

import logging
from typing import Any, Optional

from safety.levels import RESPONSE_OF_INTENT, in_language, language_of

logger = logging.getLogger(__name__)


def response_text(domain: Any, response: str) -> Optional[str]:
    """The text of the first variation of ``response`` in the domain, or None."""
    variations = (getattr(domain, "responses", None) or {}).get(response) or []
    return variations[0].get("text") if variations else None


async def safety_answer(agent: Any, text: Optional[str]) -> Optional[str]:
    """The safety answer for ``text`` (any level, or the check question), or None."""
    if agent is None or not text or text.startswith("/"):
        return None
    try:
        parsed = await agent.parse_message(text)
    except Exception as exc:  # a parse failure must not hide the normal handling
        logger.error("safety: could not read a message (%s)", type(exc).__name__)
        return None
    intent = ((parsed or {}).get("intent") or {}).get("name")
    response = RESPONSE_OF_INTENT.get(intent or "")
    if not response:
        return None
    return response_text(agent.domain, in_language(response, language_of(parsed)))
