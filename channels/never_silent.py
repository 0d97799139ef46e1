"""The "never silent" safeguard shared by our input channels.

Rasa 3.6 swallows a failing custom action (``MessageProcessor._run_action`` logs the
exception, drops the action's events and goes on), so with the action server down a
question such as "ik zoek een cliëntondersteuner in 9712 CP" gets no answer at all: the
user waits in silence. There is no hook for this in Rasa (no event, no fallback action), so
the channel checks afterwards: ``NeverSilent`` wraps the channel's ``on_new_message`` and,
when handling a user message produced no bot message, sends ``SILENCE_REPLY`` (``channels.replies``) through the
same output channel and records it in the tracker as a ``BotUttered`` (metadata
``{"never_silent": true}``), under the conversation's lock, so the conversation stays
consistent and goes on normally once the action server is back.

"Produced no bot message": for the REST channel the collected replies tell at once (no
extra work on the hot path); for channels that send as they go, it is read from the
tracker: no ``BotUttered`` after the
``UserUttered`` with this message's id. A message that got part of an answer (for
example a form question, but not the lookup) is not silent and gets nothing extra.

Safety never waits: a safety answer needs no action server (``safety.policy`` predicts a
response), but a conversation's turns run one at a time, so a danger message behind an
earlier message that waits for a hanging action server would wait too. When a message is
not handled within ``SAFETY_REPLY_SECONDS`` (default 4), the channel reads it with the
model (``safety.channel_reply``) and, when it has a safety level, sends that answer at once;
Rasa's own handling goes on in the background (its answer may then arrive a second time).

Message text is never logged.
"""
from __future__ import annotations

import asyncio
import logging
import os
from typing import Any, Awaitable, Callable, Iterable, Optional, Set

from rasa.core.channels.channel import UserMessage
from rasa.shared.core.events import BotUttered, Event, UserUttered
from sanic import Blueprint

from channels.pseudonym import user_ref
from channels.replies import SILENCE_REPLY
from safety.channel_reply import safety_answer

logger = logging.getLogger(__name__)


SAFETY_REPLY_SECONDS = float(os.environ.get("SAFETY_REPLY_SECONDS", "4"))

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
        self.safety_deadline = SAFETY_REPLY_SECONDS
        self._late: Set["asyncio.Task[Any]"] = set()  # handlings that outlived the deadline

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
            if await self._answered_safety_first(message):
                return
        except Exception:
            await self._ensure_reply(message)
            raise
        if isinstance(collected, list) and before is not None and len(collected) > before:
            return  # the bot answered: no need to read the tracker
        await self._ensure_reply(message)

    async def _answered_safety_first(self, message: UserMessage) -> bool:
        """Handle ``message``; True when it was slow and a safety answer was sent instead of
        waiting (the handling then goes on in the background)."""
        task = asyncio.ensure_future(self._handle(message))
        try:
            await asyncio.wait_for(asyncio.shield(task), timeout=self.safety_deadline)
            return False
        except asyncio.TimeoutError:
            pass
        answer = await safety_answer(self._agent(), message.text)
        if answer is None:
            await task
            return False
        logger.warning("never_silent: a safety message of user %s waited more than %.0f s; "
                       "sent the safety answer", user_ref(message.sender_id), self.safety_deadline)
        await message.output_channel.send_text_message(message.sender_id, answer)
        self._late.add(task)
        task.add_done_callback(self._forget_late)
        return True

    def _forget_late(self, task: "asyncio.Task[Any]") -> None:
        self._late.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.error("never_silent: a late handling failed (%s)", type(task.exception()).__name__)

    def _agent(self) -> Optional[Any]:
        return getattr(getattr(self.app, "ctx", None), "agent", None)

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
        agent = self._agent()
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
