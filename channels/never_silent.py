"""The "never silent" safeguard shared by our input channels.

Rasa 3.6 swallows a failing custom action (``MessageProcessor._run_action`` logs the
exception, drops the action's events and goes on), so with the action server down a
question such as "ik zoek een cliëntondersteuner in 9712 CP" gets no answer at all: the
user waits in silence. There is no hook for this in Rasa (no event, no fallback action), so
the channel checks afterwards: ``NeverSilent`` wraps the channel's ``on_new_message`` and,
when handling a user message produced no bot message, sends ``SILENCE_REPLY`` through the
same output channel and records it in the tracker as a ``BotUttered`` (metadata
``{"never_silent": true}``), under the conversation's lock, so the conversation stays
consistent and goes on normally once the action server is back.

"Produced no bot message": for the REST channel the collected replies tell at once (no
extra work on the hot path); for channels that send as they go, it is read from the
tracker: no ``BotUttered`` after the
``UserUttered`` with this message's id. A crisis message never depends on this: its rules
use responses only, which need no action server. A message that got part of an answer (for
example a form question, but not the lookup) is not silent and gets nothing extra.

Message text is never logged.
"""
from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Iterable, Optional

from rasa.core.channels.channel import UserMessage
from rasa.shared.core.events import BotUttered, Event, UserUttered
from sanic import Blueprint

from channels.outbound import user_ref

logger = logging.getLogger(__name__)

SILENCE_REPLY = (
    "Sorry, er ging even iets mis bij mij. Probeer het over een paar minuten opnieuw. "
    "Heeft u nu hulp nodig? Bel dan uw gemeente via 14 + het netnummer. "
    "Bij direct gevaar belt u 112."
)

ANSWERED, UNANSWERED, NOT_FOUND = "answered", "unanswered", "not_found"

Handler = Callable[[UserMessage], Awaitable[Any]]


def reply_state(events: Iterable[Event], message_id: str) -> str:
    """Whether the user message ``message_id`` was followed by a bot message."""
    found = False
    for event in events:
        if isinstance(event, UserUttered):
            if found:
                return UNANSWERED
            found = event.message_id == message_id
        elif found and isinstance(event, BotUttered):
            return ANSWERED
    return UNANSWERED if found else NOT_FOUND


class NeverSilent:
    """Wraps a channel's ``on_new_message`` so that no user message goes unanswered."""

    def __init__(self, on_new_message: Handler, reply: str = SILENCE_REPLY) -> None:
        self._handle = on_new_message
        self.reply = reply
        self.app: Optional[Any] = None

    def attach(self, blueprint: Blueprint) -> Blueprint:
        """Learn the Sanic app (and so Rasa's agent) when the server starts."""

        async def capture_app(app: Any, _loop: Any) -> None:
            self.app = app

        blueprint.listener("before_server_start")(capture_app)
        return blueprint

    async def __call__(self, message: UserMessage) -> None:
        # the REST channel's collector (a list; stream mode uses a queue: no fast path)
        collected = getattr(message.output_channel, "messages", None)
        before = len(collected) if isinstance(collected, list) else None
        try:
            await self._handle(message)
        except Exception:
            await self._ensure_reply(message)
            raise
        if before is not None and len(collected) > before:
            return  # the bot answered: no need to read the tracker
        await self._ensure_reply(message)

    async def _ensure_reply(self, message: UserMessage) -> None:
        try:
            if await self._record_if_silent(message):
                return
        except Exception as exc:  # the tracker store failed too: still answer the user
            logger.error("never_silent: could not check the conversation (%s)", type(exc).__name__)
        logger.warning("never_silent: no answer to a message of user %s; sent the apology",
                       user_ref(message.sender_id))
        await message.output_channel.send_text_message(message.sender_id, self.reply)

    async def _record_if_silent(self, message: UserMessage) -> bool:
        """True when the bot answered; else record the apology (if the message is in the
        tracker) and return False."""
        agent = getattr(getattr(self.app, "ctx", None), "agent", None)
        if agent is None or agent.tracker_store is None or agent.lock_store is None:
            return False
        async with agent.lock_store.lock(message.sender_id):
            tracker = await agent.tracker_store.retrieve(message.sender_id)
            state = reply_state(tracker.events if tracker else [], message.message_id)
            if state == ANSWERED:
                return True
            if state == UNANSWERED and tracker is not None:
                tracker.update(BotUttered(self.reply, metadata={"never_silent": True}))
                await agent.tracker_store.save(tracker)
        return False
