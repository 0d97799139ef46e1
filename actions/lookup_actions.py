"""Custom actions that answer with the lookup library.

- action_find_clientondersteuner: up to 3 nearest providers serving the gemeente + the
  gemeente's own route.
- action_find_zorgkantoor: the zorgkantoorregio and its zorgkantoor (says so when the
  record is not verified).
- action_change_location: a new postcode/gemeente outside a form; reruns the last lookup
  or asks what the user wants.
- action_location_shared: a shared location (WhatsApp) -> nearest PC4 -> answer.
- action_offer_lookup_for_place: after an FAQ answer to a message that named a place,
  remember the place and offer its lookups (the place is not dropped).

No message text or postcode is logged above DEBUG.
"""
from __future__ import annotations

import abc

import logging
import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import messages as msgs
from actions.location import (
    KIND_CLIENTONDERSTEUNER,
    KIND_ZORGKANTOOR,
    SLOT_GM_CODE,
    SLOT_LOOKUP_KIND,
    SLOT_PC4,
    SLOT_WOONPLAATS,
    answer,
    offer_for_stated_place,
    outcome_for,
    resolve_from_tracker,
    shared_point,
)
from actions.safe_log import log_failure
from lookup import Resolution, Status, get_lookup

logger = logging.getLogger(__name__)


def _send(dispatcher: CollectingDispatcher, messages: List[Dict[str, Any]]) -> None:
    for message in messages:
        dispatcher.utter_message(**message)


def _slot_events(slots: Dict[str, Any]) -> List[EventType]:
    return [SlotSet(name, value) for name, value in slots.items()]


class _FindAction(Action, abc.ABC):
    """Shared run() of the two lookups; abstract so rasa_sdk does not register it."""

    kind: str = KIND_CLIENTONDERSTEUNER

    @abc.abstractmethod
    def name(self) -> Text:
        """The action name of the concrete lookup."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        events: List[EventType] = [SlotSet(SLOT_LOOKUP_KIND, self.kind)]
        try:
            lookup = get_lookup()
            gm_code: Optional[str] = tracker.get_slot(SLOT_GM_CODE)
            pc4: Optional[str] = tracker.get_slot(SLOT_PC4)
            if not gm_code or gm_code not in lookup.places.gemeenten:
                # normally the form has filled gm_code; resolve what we have as a fallback
                res = resolve_from_tracker(lookup, tracker, tracker.get_slot(SLOT_WOONPLAATS))
                outcome = outcome_for(lookup, res, pc4)
                if not outcome.resolved:
                    _send(dispatcher, outcome.messages)
                    return events + _slot_events(outcome.slots)
                events += _slot_events(outcome.slots)
                _send(dispatcher, outcome.messages)
                gm_code, pc4 = outcome.slots[SLOT_GM_CODE], outcome.slots[SLOT_PC4]
            assert gm_code is not None  # resolved above; a failure is answered below like any other
            _send(dispatcher, answer(lookup, self.kind, gm_code, pc4))
        except Exception:
            log_failure(logger, self.name())
            _send(dispatcher, msgs.lookup_unavailable())
        return events


class ActionFindClientondersteuner(_FindAction):
    kind = KIND_CLIENTONDERSTEUNER

    def name(self) -> Text:
        return "action_find_clientondersteuner"


class ActionFindZorgkantoor(_FindAction):
    kind = KIND_ZORGKANTOOR

    def name(self) -> Text:
        return "action_find_zorgkantoor"


_WHERE_TO_GO = re.compile(r"\?|\b(?:terecht|bij wie|wie kan|waar kan|waar moet|hulp|helpen)\b", re.I)


def asks_where_to_go(text: str) -> bool:
    """A message with a place that also asks where to go for help: answer with the lookup."""
    return bool(_WHERE_TO_GO.search(text))


def _answer_or_ask(
    dispatcher: CollectingDispatcher, tracker: Tracker, res: Resolution, default_kind: Optional[str]
) -> List[EventType]:
    """Common tail of change/shared location: set slots, then rerun the lookup or ask."""
    lookup = get_lookup()
    outcome = outcome_for(lookup, res, tracker.get_slot(SLOT_PC4))
    kind = tracker.get_slot(SLOT_LOOKUP_KIND) or default_kind
    if not outcome.resolved:
        _send(dispatcher, outcome.messages)
        if res.status is Status.AMBIGUOUS:
            # remember the border postcode; the chosen gemeente comes back as inform_location
            events = _slot_events({SLOT_PC4: res.pc4, SLOT_GM_CODE: None, SLOT_WOONPLAATS: None})
        else:
            # keep the location we already had (if any) and say so
            known = tracker.get_slot(SLOT_GM_CODE)
            if known in lookup.places.gemeenten:
                _send(dispatcher, msgs.location_kept(lookup.gemeente(known)))
            events = []
        if kind:
            events.append(SlotSet(SLOT_LOOKUP_KIND, kind))
        return events
    events = _slot_events(outcome.slots)
    gm_code, pc4 = outcome.slots[SLOT_GM_CODE], outcome.slots[SLOT_PC4]
    _send(dispatcher, outcome.messages)  # e.g. 'Drachten hoort bij de gemeente Smallingerland.'
    if not kind and asks_where_to_go(tracker.latest_message.get("text") or ""):
        kind = KIND_CLIENTONDERSTEUNER  # "Ik woon in Lelystad, bij wie kan ik terecht?"
    if kind:
        _send(dispatcher, answer(lookup, kind, gm_code, pc4))
        events.append(SlotSet(SLOT_LOOKUP_KIND, kind))
    else:
        first = tracker.get_slot(SLOT_GM_CODE) not in lookup.places.gemeenten
        _send(dispatcher, msgs.location_changed(lookup.gemeente(gm_code), pc4, first=first))
        _send(dispatcher, msgs.what_next())
    return events


class ActionChangeLocation(Action):
    """inform_location outside a form: change the remembered location."""

    def name(self) -> Text:
        return "action_change_location"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        try:
            # only the latest message counts: the slot may still hold the old location
            res = resolve_from_tracker(get_lookup(), tracker, None)
            logger.debug("change location: %s via %s", res.status.value, res.via)
            return _answer_or_ask(dispatcher, tracker, res, default_kind=None)
        except Exception:
            log_failure(logger, "action_change_location")
            _send(dispatcher, msgs.lookup_unavailable())
            return []


class ActionLocationShared(Action):
    """share_location (WhatsApp): nearest PC4 -> gemeente -> nearest cliëntondersteuners
    (or the zorgkantoor when that was the last question)."""

    def name(self) -> Text:
        return "action_location_shared"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        try:
            lookup = get_lookup()
            point = shared_point(tracker)
            if point is None:
                res = Resolution(Status.NOT_FOUND)
            else:
                res = lookup.resolve_point(*point)
            logger.debug("shared location: %s", res.status.value)
            return _answer_or_ask(dispatcher, tracker, res, default_kind=KIND_CLIENTONDERSTEUNER)
        except Exception:
            log_failure(logger, "action_location_shared")
            _send(dispatcher, msgs.lookup_unavailable())
            return []


# topics about the Wlz, after which the zorgkantoor is the likelier next step
ZORGKANTOOR_TOPICS = frozenset({
    "regelen_via_zorgkantoor", "wlz_thuis", "wachtlijst_verpleeghuis", "hulp_wlz_aanvraag",
    "wat_is_zorgkantoor", "crisisopname",
})
# topics whose answer ends "this differs per gemeente: ask your gemeente" (data/faq): after one,
# a named place is turned into the gemeente to ask
GEMEENTE_TOPICS = frozenset({
    "mantelzorgwaardering", "gemeente_voor_mantelzorgers", "hulp_bij_het_huishouden", "wmo_loket_wijkteam",
    "regelen_via_gemeente", "woningaanpassing_hulpmiddelen", "dagbesteding", "maaltijdvoorziening",
    "eenzaamheid_contact", "keukentafelgesprek_wat", "keukentafelgesprek_wie_mag_mee", "wmo_route_termijnen",
    "jeugdwet_route", "inwonen_mantelzorgwoning", "jonge_mantelzorgers",
})


def answered_topic(tracker: Tracker) -> Optional[str]:
    """The FAQ topic the latest message was answered with ('wlz_thuis'), if any."""
    selector = ((tracker.latest_message or {}).get("response_selector") or {}).get("faq") or {}
    key = (selector.get("response") or {}).get("intent_response_key") or ""
    return key.split("/", 1)[1] if "/" in key else None


class ActionOfferLookupForPlace(Action):
    """Runs after an FAQ answer when the message named a gemeente, kern or postcode
    (data/core/rules.yml): "Ik woon in Monster, wat kost dat?" gets the answer, then the
    place is remembered and its lookups are offered; a place in two gemeenten asks which."""

    def name(self) -> Text:
        return "action_offer_lookup_for_place"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        try:
            topic = answered_topic(tracker)
            messages, slots = offer_for_stated_place(
                get_lookup(), tracker, zorgkantoor_first=topic in ZORGKANTOOR_TOPICS,
                gemeente_arranges=topic in GEMEENTE_TOPICS)
            _send(dispatcher, messages)
            return _slot_events(slots)
        except Exception:
            log_failure(logger, "action_offer_lookup_for_place")
            return []  # the answer was sent already; the offer is an extra


def _warm_up() -> None:
    """Load the lookup data when the action server starts, so registry problems are
    logged at start-up and the first user does not wait."""
    try:
        get_lookup()
    except Exception:  # the actions retry on first use and answer politely if it fails
        log_failure(logger, "loading the lookup data at start-up")


_warm_up()
