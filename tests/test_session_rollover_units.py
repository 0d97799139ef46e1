"""ops/session_rollover.py on trackers built from Rasa events: when a session rolls over, what it keeps."""
from __future__ import annotations

import time
from typing import List

from rasa.shared.core.constants import ACTION_LISTEN_NAME, REQUESTED_SLOT
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (ActionExecuted, ActiveLoop, BotUttered, Event, SessionStarted, SlotSet,
                                     UserUttered)
from rasa.shared.core.trackers import DialogueStateTracker

from ops.model_state import ROOT
from ops.session_rollover import at_rest, carried_over, is_length_rollover, is_too_long

DOMAIN = Domain.load(str(ROOT / "domain.yml"))


def _turn(intent: str, action: str, at: float) -> List[Event]:
    return [UserUttered("…", {"name": intent, "confidence": 1.0}, timestamp=at),
            ActionExecuted(action, timestamp=at), BotUttered("…", timestamp=at),
            ActionExecuted(ACTION_LISTEN_NAME, timestamp=at)]


def _tracker(events: List[Event]) -> DialogueStateTracker:
    return DialogueStateTracker.from_events("unit", events, DOMAIN.slots)


def test_rest_points() -> None:
    now = time.time()
    assert at_rest(_turn("faq", "utter_faq", now))
    assert not at_rest(_turn("safety_check", "utter_safety_check", now))
    assert not at_rest(_turn("ask_route", "utter_ask_route", now))
    assert not at_rest(_turn("nlu_fallback", "action_suggest_topics", now))


def test_only_the_current_session_counts() -> None:
    now = time.time()
    old = [e for _ in range(30) for e in _turn("faq", "utter_faq", now)]
    current = [e for _ in range(3) for e in _turn("faq", "utter_faq", now)]
    tracker = _tracker([*old, SessionStarted(timestamp=now), ActionExecuted(ACTION_LISTEN_NAME), *current])
    assert not is_too_long(tracker, 20)
    assert is_too_long(tracker, 3)
    assert not is_too_long(tracker, 0), "0 turns the rollover off"


def test_a_silent_conversation_is_not_a_length_rollover() -> None:
    long_ago = time.time() - 2 * 3600
    events = [e for _ in range(25) for e in _turn("faq", "utter_faq", long_ago)]
    assert not is_length_rollover(_tracker(events), 60, 20)
    recent = [e for _ in range(25) for e in _turn("faq", "utter_faq", time.time())]
    assert is_length_rollover(_tracker(recent), 60, 20)


def test_slots_and_an_open_form_are_carried_over() -> None:
    now = time.time()
    events = [*_turn("inform_location", "action_change_location", now),
              SlotSet("woonplaats", "Zwolle"), SlotSet("gm_code", "GM0193"),
              ActiveLoop("zorgkantoor_form"), SlotSet(REQUESTED_SLOT, "woonplaats"),
              ActionExecuted(ACTION_LISTEN_NAME)]
    carried = carried_over(_tracker(events), DOMAIN)
    assert SlotSet("woonplaats", "Zwolle") in carried and SlotSet("gm_code", "GM0193") in carried
    assert ActiveLoop("zorgkantoor_form") in carried and SlotSet(REQUESTED_SLOT, "woonplaats") in carried
    rebuilt = _tracker([SessionStarted(), *carried, ActionExecuted(ACTION_LISTEN_NAME)])
    assert rebuilt.get_slot("woonplaats") == "Zwolle" and rebuilt.active_loop_name == "zorgkantoor_form"
