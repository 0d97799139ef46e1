"""Keep a turn's cost independent of the conversation's length: long sessions roll over.

Rasa 3.6 rebuilds the whole current session on every turn: the SQL tracker store loads and
replays every event since the last ``session_started``, the policies featurize that history,
and every custom action receives it. A carer on WhatsApp keeps one sender id for months and
may never be silent for the 60 minutes that end a session, so a turn grew from 17 ms to
over 100 ms in 300 turns (results/long_conversation_before.md).

Rasa's own answer to "forget old history" is the conversation session, so we use it:

* A session also ends after ``SESSION_MAX_TURNS`` user messages (default 20; ``0`` turns this
  off), at the next *rest point*: not while the bot waits for the answer to one of its own
  questions (``OPEN_QUESTIONS``, e.g. the safety check "is er direct gevaar?") and not right
  after a message it did not understand (the second miss is counted from the previous
  message). The next turn then starts with Rasa's ``action_session_start``.
* Such a length rollover is invisible to the user: the new session carries over every slot
  with a value (the woonplaats included) and an open form with the question it asked
  (``ActiveLoop`` + ``requested_slot``). Its ``session_started`` event has metadata
  ``{"rollover": "length"}``.
* A session that ends by silence (``session_expiration_time``, 60 minutes) carries over
  nothing, as before: ``carry_over_slots_to_new_session: false`` in domain.yml — a carer who
  comes back another day is asked for the woonplaats again (privacy over convenience; see
  docs/sessions.md).

Everything before the newest ``session_started`` stays stored (``GET /conversations/<id>/
tracker?include_events=ALL``, the purge command's retention) but is no longer loaded for a turn.
"""
from __future__ import annotations

import os
import time
from typing import Any, List, Optional

# The bot's questions whose answer is read against the question (rules "action, then intent"
# in data/**/rules.yml, and the safety policy's check question). tests/test_session_rollover.py
# checks this list against the rules and safety/levels.py.
OPEN_QUESTIONS = frozenset({"utter_ask_route", "utter_safety_check", "utter_safety_check_en"})
# After a message that was not understood, the next miss is answered differently
# (actions/faq_actions.py reads the previous user message's intent).
CONTEXT_INTENTS = frozenset({"nlu_fallback"})

DEFAULT_MAX_TURNS = 20
ROLLOVER_METADATA = {"rollover": "length"}


def max_turns() -> int:
    """User messages after which a session rolls over at the next rest point (0: never)."""
    try:
        return max(0, int(os.environ.get("SESSION_MAX_TURNS", DEFAULT_MAX_TURNS)))
    except ValueError:
        return DEFAULT_MAX_TURNS


def _current_session(tracker: Any) -> List[Any]:
    """The tracker's events since its latest ``session_started``."""
    from rasa.shared.core.events import SessionStarted

    events = list(tracker.events)
    for index in range(len(events) - 1, -1, -1):
        if isinstance(events[index], SessionStarted):
            return events[index + 1:]
    return events


def at_rest(session_events: List[Any]) -> bool:
    """True when the next user message does not depend on the turn before it."""
    from rasa.shared.core.constants import ACTION_LISTEN_NAME
    from rasa.shared.core.events import ActionExecuted, UserUttered

    last_action: Optional[str] = None
    last_intent: Optional[str] = None
    for event in reversed(session_events):
        if last_action is None and isinstance(event, ActionExecuted) and event.action_name \
                and event.action_name != ACTION_LISTEN_NAME:
            last_action = event.action_name
        if isinstance(event, UserUttered):
            last_intent = (event.intent or {}).get("name")
            break
    return last_action not in OPEN_QUESTIONS and last_intent not in CONTEXT_INTENTS


def is_too_long(tracker: Any, limit: int) -> bool:
    """The current session holds at least ``limit`` user messages and is at a rest point."""
    from rasa.shared.core.events import UserUttered

    if limit <= 0:
        return False
    session = _current_session(tracker)
    turns = sum(1 for event in session if isinstance(event, UserUttered))
    return turns >= limit and at_rest(session)


def is_length_rollover(tracker: Any, expiration_minutes: float, limit: int) -> bool:
    """A session start because the session is long, in a conversation that is still going."""
    from rasa.shared.core.events import UserUttered

    last = tracker.get_last_event_for(UserUttered)
    if last is None or not is_too_long(tracker, limit):
        return False
    return expiration_minutes <= 0 or (time.time() - last.timestamp) / 60 <= expiration_minutes


def carried_over(tracker: Any, domain: Any) -> List[Any]:
    """Events that give a new session the state of the old one: slots and an open form."""
    from rasa.shared.core.constants import REQUESTED_SLOT, SESSION_START_METADATA_SLOT
    from rasa.shared.core.events import ActiveLoop, SlotSet

    events: List[Any] = []
    for slot in domain.slots:
        if slot.name in (REQUESTED_SLOT, SESSION_START_METADATA_SLOT):
            continue
        value = tracker.get_slot(slot.name)
        if value != slot.initial_value:
            events.append(SlotSet(slot.name, value))
    loop = tracker.active_loop_name
    if loop:
        events.append(ActiveLoop(loop))
        events.append(SlotSet(REQUESTED_SLOT, tracker.get_slot(REQUESTED_SLOT)))
    return events


def apply() -> None:
    """Patch Rasa's session check and session start (ops/rasa_patches.py calls this)."""
    from rasa.core.actions.action import ActionSessionStart
    from rasa.core.processor import MessageProcessor
    from rasa.shared.core.constants import ACTION_LISTEN_NAME
    from rasa.shared.core.events import ActionExecuted, SessionStarted

    limit = max_turns()
    if limit <= 0:
        return
    original_expired = MessageProcessor._has_session_expired

    def has_session_expired(self: MessageProcessor, tracker: Any) -> bool:
        return original_expired(self, tracker) or (
            self.domain.session_config.are_sessions_enabled() and is_too_long(tracker, limit))

    MessageProcessor._has_session_expired = has_session_expired  # type: ignore[assignment]

    original_run = ActionSessionStart.run

    async def run(self: ActionSessionStart, output_channel: Any, nlg: Any, tracker: Any,
                  domain: Any) -> List[Any]:
        if not is_length_rollover(tracker, domain.session_config.session_expiration_time, limit):
            return await original_run(self, output_channel, nlg, tracker, domain)
        return [SessionStarted(metadata=dict(ROLLOVER_METADATA)), *carried_over(tracker, domain),
                ActionExecuted(ACTION_LISTEN_NAME)]

    ActionSessionStart.run = run  # type: ignore[assignment]
