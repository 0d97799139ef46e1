"""Validation of the location forms (clientondersteuner_form, zorgkantoor_form).

`woonplaats` is resolved with the lookup library from the latest message (text, button
payload, shared location) and, as a fallback, the slot value. On success the slots
woonplaats (canonical), gm_code and pc4 are set; a border postcode or a place name in
several gemeenten asks which gemeente with buttons; anything else gets a clear Dutch
answer and the form asks again.
"""
from __future__ import annotations

import abc

import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions import messages as msgs
from actions.location import (
    KIND_CLIENTONDERSTEUNER,
    KIND_ZORGKANTOOR,
    SLOT_LOOKUP_KIND,
    SLOT_PC4,
    SLOT_WOONPLAATS,
    latest_intent,
    outcome_for,
    resolve_from_tracker,
    shared_point,
)
from actions.safe_log import log_failure
from lookup import Status, get_lookup
from safety.levels import SAFETY_INTENTS

logger = logging.getLogger(__name__)

# Intents that are not about a location: when such a message (e.g. a FAQ question during
# the form) names no place, the form just asks again, without 'no postcode found'.
QUIET_INTENTS = frozenset({
    "faq", "choose_topic", "greet", "goodbye", "thank", "bot_challenge", "ask_capabilities",
    "out_of_scope", "human_handoff", "affirm", "deny", "ask_route", "no_text", *SAFETY_INTENTS,
})


class _LocationFormValidation(FormValidationAction, abc.ABC):
    """Shared validation of the two location forms; abstract so rasa_sdk skips it."""

    kind: str = KIND_CLIENTONDERSTEUNER

    @abc.abstractmethod
    def name(self) -> Text:
        """The validation action name of the concrete form."""

    async def extract_woonplaats(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """A location shared (WhatsApp) while the form asks for the woonplaats.

        The message itself is the candidate, so that ``validate_woonplaats`` runs; it reads the
        shared point where every lookup reads it (``resolve_from_tracker``: the payload, else
        ``shared_point``) and sets woonplaats to the PC4 found."""
        if tracker.get_slot("requested_slot") != SLOT_WOONPLAATS:
            return {}
        if latest_intent(tracker) != "share_location":
            return {}
        if shared_point(tracker) is None:
            return {}
        return {SLOT_WOONPLAATS: (tracker.latest_message or {}).get("text") or "/share_location"}

    def validate_woonplaats(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        try:
            lookup = get_lookup()
            res = resolve_from_tracker(lookup, tracker, slot_value)
            outcome = outcome_for(lookup, res, tracker.get_slot(SLOT_PC4))
        except Exception:  # never let a lookup problem break the conversation
            log_failure(logger, "location validation")
            for message in msgs.lookup_unavailable():
                dispatcher.utter_message(**message)
            return {SLOT_WOONPLAATS: None}
        logger.debug("woonplaats validation: %s via %s", res.status.value, res.via)
        quiet = res.status in (Status.NOT_FOUND, Status.UNKNOWN_PLACE) and latest_intent(tracker) in QUIET_INTENTS
        for message in [] if quiet else outcome.messages:
            dispatcher.utter_message(**message)
        slots: Dict[Text, Any] = dict(outcome.slots)
        slots[SLOT_LOOKUP_KIND] = self.kind
        return slots


class ValidateClientondersteunerForm(_LocationFormValidation):
    kind = KIND_CLIENTONDERSTEUNER

    def name(self) -> Text:
        return "validate_clientondersteuner_form"


class ValidateZorgkantoorForm(_LocationFormValidation):
    kind = KIND_ZORGKANTOOR

    def name(self) -> Text:
        return "validate_zorgkantoor_form"


__all__: List[str] = ["ValidateClientondersteunerForm", "ValidateZorgkantoorForm"]
