"""Shared logic of the lookup actions: tracker -> Resolution -> slot values and messages.

Kept apart from the Action classes so the form validation and the stand-alone actions
(change location, shared location) behave the same way.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

from rasa_sdk import Tracker

from actions import messages as msgs
from lookup import Lookup, Resolution, Status

SLOT_WOONPLAATS = "woonplaats"
SLOT_GM_CODE = "gm_code"
SLOT_PC4 = "pc4"
SLOT_LOOKUP_KIND = "lookup_kind"
KIND_CLIENTONDERSTEUNER = "clientondersteuner"
KIND_ZORGKANTOOR = "zorgkantoor"

# The stronger result wins when the message text and the slot value disagree.
_RANK = {
    Status.RESOLVED: 5,
    Status.AMBIGUOUS: 4,
    Status.UNKNOWN_POSTCODE: 3,
    Status.OUTSIDE: 3,
    Status.UNKNOWN_PLACE: 1,
    Status.NOT_FOUND: 0,
}


@dataclass
class Outcome:
    resolution: Resolution
    slots: Dict[str, Any] = field(default_factory=dict)
    messages: List[Dict[str, Any]] = field(default_factory=list)

    @property
    def resolved(self) -> bool:
        return self.resolution.status is Status.RESOLVED


def _entity(tracker: Tracker, name: str) -> Optional[Any]:
    for ent in tracker.latest_message.get("entities", []) or []:
        if ent.get("entity") == name and ent.get("value") not in (None, ""):
            return ent.get("value")
    return None


def latest_intent(tracker: Tracker) -> Optional[str]:
    """Intent of the latest user message (also when there is no intent ranking)."""
    intent = (tracker.latest_message or {}).get("intent") or {}
    return intent.get("name") or tracker.get_intent_of_latest_message()


def shared_point(tracker: Tracker) -> Optional[Tuple[float, float]]:
    """Latitude/longitude sent with the latest message (entities, else the slots)."""
    lat = _entity(tracker, "latitude")
    lon = _entity(tracker, "longitude")
    if lat is None or lon is None:
        lat, lon = tracker.get_slot("latitude"), tracker.get_slot("longitude")
    try:
        if lat is None or lon is None:
            return None
        return float(lat), float(lon)
    except (TypeError, ValueError):
        return None


def resolve_from_tracker(lookup: Lookup, tracker: Tracker, slot_value: Optional[Any] = None) -> Resolution:
    """The latest message decides; the slot value (e.g. a location given earlier) is the
    fallback, so 'zorgkantoor zoeken' with a known woonplaats still resolves."""
    text = (tracker.latest_message or {}).get("text") or ""
    best = lookup.resolve(text) if text else Resolution(Status.NOT_FOUND)
    if _RANK[best.status] >= _RANK[Status.UNKNOWN_POSTCODE]:
        return best
    for name in ("postcode", "gemeente"):
        value = _entity(tracker, name)
        if value:
            res = lookup.resolve(str(value))
            if _RANK[res.status] > _RANK[best.status]:
                best = res
    if _RANK[best.status] < _RANK[Status.UNKNOWN_POSTCODE] and latest_intent(tracker) == "share_location":
        point = shared_point(tracker)
        if point is not None:
            return lookup.resolve_point(*point)
    if slot_value not in (None, "") and str(slot_value) != text:
        res = lookup.resolve(str(slot_value))
        if _RANK[res.status] > _RANK[best.status]:
            best = res
    return best


def outcome_for(lookup: Lookup, res: Resolution, previous_pc4: Optional[str] = None) -> Outcome:
    """Slots to set and messages to send for a resolution. When resolved, the only message
    is a short confirmation for a village or a corrected typo ('Drachten hoort bij ...')."""
    if res.status is Status.RESOLVED and res.gm_code:
        gm = lookup.gemeente(res.gm_code)
        pc4 = res.pc4
        if pc4 is None and previous_pc4:
            previous = lookup.places.postcode(str(previous_pc4))
            # after 'which gemeente?' for a border postcode, keep that postcode
            if previous is not None and gm.code in previous.gm_codes:
                pc4 = previous.pc4
        by_postcode = res.pc4 is not None and res.via in ("postcode", "coordinates")
        return Outcome(res, {
            SLOT_WOONPLAATS: res.pc4 if by_postcode else gm.name,
            SLOT_GM_CODE: gm.code,
            SLOT_PC4: pc4,
        }, msgs.understood_as(res, gm))
    if res.status is Status.AMBIGUOUS and res.candidates:
        gemeenten = [lookup.gemeente(c) for c in res.candidates]
        return Outcome(res, {SLOT_WOONPLAATS: None, SLOT_GM_CODE: None, SLOT_PC4: res.pc4},
                       msgs.ask_which_gemeente(res, gemeenten))
    return Outcome(res, {SLOT_WOONPLAATS: None}, msgs.not_understood_location(res))


def answer(lookup: Lookup, kind: str, gm_code: str, pc4: Optional[str]) -> List[Dict[str, Any]]:
    """The answer for a lookup kind at a known location."""
    gemeente = lookup.gemeente(gm_code)
    if kind == KIND_ZORGKANTOOR:
        region, record = lookup.zorgkantoor_for(gm_code)
        return msgs.zorgkantoor(gemeente, region, record)
    return msgs.clientondersteuners(gemeente, pc4, lookup.providers_near(gm_code, pc4, k=3))


# A place entity counts as a stated place only with a sign that it is meant as one: words like
# "best", "buren" or "huizen" are gemeenten too, and "in 2026" is a year, not postcode 2026
_PLACE_CUE = re.compile(r"\b(?:in|uit|bij|te|rond|omgeving|gemeente|regio|woon\w*|postcode)\s+$", re.I)
_FULL_POSTCODE = re.compile(r"^\d{4}\s?[a-z]{2}$", re.I)
# four digits alone are a postcode only after "postcode" or "woon(t) in" ("in 2027" is a year)
_POSTCODE_CUE = re.compile(r"\b(?:postcode|woon\w*(?:\s+in)?)\s+$", re.I)


def stated_place(text: str, entities: List[Dict[str, Any]]) -> Optional[str]:
    """The first gemeente, kern or postcode the message names as a place, else None:
    a full postcode ("1216 AB"), or a name written with a capital or after a cue ("in", "uit",
    "gemeente", ...)."""
    for entity in entities:
        name, value, start = entity.get("entity"), str(entity.get("value") or ""), entity.get("start")
        if name not in ("gemeente", "postcode") or not value or not isinstance(start, int):
            continue
        before = text[:start]
        if name == "postcode" and (_FULL_POSTCODE.match(value.strip()) or _POSTCODE_CUE.search(before)):
            return value
        if name == "gemeente" and (text[start:start + 1].isupper() or _PLACE_CUE.search(before)):
            return value
    return None


def offer_for_stated_place(lookup: Lookup, tracker: Tracker, zorgkantoor_first: bool = False,
                           gemeente_arranges: bool = False) -> Tuple[List[Dict[str, Any]], Dict[str, Any]]:
    """Messages and slots for a place the latest message names beside another question (an FAQ
    topic, or one we did not understand): remember it and offer its lookups, or ask which
    gemeente. A place we do not know for sure is not offered, and the word the woonplaats slot
    took from the entity ("best") gives way to the place known before."""
    latest = tracker.latest_message or {}
    place = stated_place(str(latest.get("text") or ""), latest.get("entities") or [])
    res = lookup.resolve(place) if place else Resolution(Status.NOT_FOUND)
    if res.status not in (Status.RESOLVED, Status.AMBIGUOUS) or res.via == "fuzzy":
        known = tracker.get_slot(SLOT_GM_CODE)
        return [], {SLOT_WOONPLAATS: lookup.gemeente(known).name if known in lookup.places.gemeenten else None}
    outcome = outcome_for(lookup, res, tracker.get_slot(SLOT_PC4))
    messages = list(outcome.messages)  # 'Monster hoort bij ...' or 'which gemeente?'
    if outcome.resolved:
        messages += msgs.lookup_offer_for_place(lookup.gemeente(outcome.slots[SLOT_GM_CODE]), zorgkantoor_first,
                                              gemeente_arranges)
    return messages, outcome.slots
