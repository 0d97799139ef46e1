"""The inbound step both WhatsApp channels share (Meta's Cloud API and Twilio).

Each channel reads its own webhook format into a sender, a message id and "what the user
sent" (``to_text``: text, a chosen option, a location, media, ...). From there the step is
the same, in this order:

1. a repeated delivery (same message id) is processed once (``dedup``);
2. the 24-hour customer-service window opens (``window.record_inbound``);
3. the message is read (``to_text``), then the offered options are forgotten: numbered
   options are valid for one reply only (``choices``);
4. media and an unreadable location get the channel's own Dutch reply (``channels.replies``);
   anything else is cleaned (``channels.input_text``; a cut message gets a note first) and
   handed to Rasa as a ``UserMessage`` under the channel's conversation id.

Steps 1-3 (``admit``) and step 4 (``forward``) are separate so that a channel can treat a
failure in sending differently from a failure in its state store.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, Optional, Tuple

from rasa.core.channels.channel import OutputChannel, UserMessage

from channels.choices import ChoiceMemory
from channels.dedup import MessageDeduplicator
from channels.input_text import clean_text
from channels.pseudonym import user_ref
from channels.replies import BAD_LOCATION_REPLY, LONG_MESSAGE_NOTE, MEDIA_REPLY
from channels.sender_ids import conversation_id
from channels.service_window import ServiceWindow

logger = logging.getLogger(__name__)

# What a message turned out to be (``to_text``'s second value, and what ``handle`` returns).
TEXT, CHOICE, LOCATION, BAD_LOCATION, MEDIA, IGNORE = (
    "text", "choice", "location", "bad_location", "media", "ignore")
DUPLICATE = "duplicate"

ReadMessage = Callable[[], Tuple[Optional[str], str]]
Handler = Callable[[UserMessage], Awaitable[Any]]


def shared_location_payload(latitude: Any, longitude: Any) -> Optional[str]:
    """The ``/share_location{"latitude": .., "longitude": ..}`` intent payload for a shared
    location, or None when it is not a valid position."""
    try:
        lat, lon = float(latitude), float(longitude)
    except (TypeError, ValueError):
        return None
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0) or lat != lat or lon != lon:
        return None
    return "/share_location" + json.dumps({"latitude": lat, "longitude": lon})


@dataclass(frozen=True)
class Admitted:
    """A message past dedup, window and options: what Rasa gets (None: nothing) and why."""

    text: Optional[str]
    kind: str


@dataclass(frozen=True)
class WhatsAppInbound:
    """The shared inbound step for one WhatsApp channel and its state."""

    channel: str  # the input channel's name, also in the log lines
    namespace: str  # the channel's sender-id namespace (channels.sender_ids)
    dedup: MessageDeduplicator
    window: ServiceWindow
    choices: ChoiceMemory

    def admit(self, sender: str, message_id: str, to_text: ReadMessage,
              sent_at: Optional[float] = None) -> Admitted:
        """Steps 1-3: ``DUPLICATE`` for a repeated delivery, else the message read."""
        if not self.dedup.first_time(message_id):
            logger.debug("%s: duplicate delivery of %s ignored", self.channel, message_id)
            return Admitted(None, DUPLICATE)
        self.window.record_inbound(sender, sent_at)
        text, kind = to_text()
        self.choices.forget(sender)  # offered options are valid for one reply only
        logger.debug("%s: message %s kind %s length %d from user %s",
                     self.channel, message_id, kind, len(text or ""), user_ref(sender))
        return Admitted(text, kind)

    async def forward(self, sender: str, message_id: str, admitted: Admitted, output: OutputChannel,
                      on_new_message: Handler, metadata: Dict[str, Any]) -> str:
        """Step 4: the channel's own reply, or the cleaned text to Rasa; returns the kind."""
        kind = admitted.kind
        if kind in (DUPLICATE, IGNORE):
            return kind
        if kind == MEDIA:
            await output.send_text_message(sender, MEDIA_REPLY)
            return kind
        if kind == BAD_LOCATION:
            await output.send_text_message(sender, BAD_LOCATION_REPLY)
            return kind
        cleaned = clean_text(admitted.text or "")
        if cleaned.truncated:
            await output.send_text_message(sender, LONG_MESSAGE_NOTE)
        await on_new_message(UserMessage(cleaned.text, output, conversation_id(self.namespace, sender),
                                         input_channel=self.channel, message_id=message_id or None,
                                         metadata=metadata))
        return kind
