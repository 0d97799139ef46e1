"""The safety levels, their intents and their answers: one home for these names.

Ordered by urgency, so ``max()`` of two levels is the more urgent one.
"""
from __future__ import annotations

from enum import IntEnum
from typing import Dict, Optional

from nlp.language import ENGLISH


class Level(IntEnum):
    NONE = 0
    EXHAUSTED = 1   # an exhausted carer: acknowledge, huisarts, Mantelzorglijn, respijtzorg, 113
    VIOLENCE = 2    # violence, abuse, ontspoorde zorg, vrijheidsbeperking, neglect: Veilig Thuis
    ACUTE = 3       # danger to life or health now: 112, 113, huisarts(enpost)


# Label names in safety/examples/*.yml
LABELS: Dict[str, Level] = {"none": Level.NONE, "exhausted": Level.EXHAUSTED,
                            "violence": Level.VIOLENCE, "acute": Level.ACUTE}
LABEL_OF: Dict[Level, str] = {level: label for label, level in LABELS.items()}

INTENT_OF: Dict[Level, str] = {Level.EXHAUSTED: "safety_exhausted",
                               Level.VIOLENCE: "safety_violence",
                               Level.ACUTE: "safety_acute"}
# Asked when the detector is unsure between danger and nothing: one gentle question.
CHECK_INTENT = "safety_check"
# An exhausted carer whose message also leans towards danger: the exhausted answer plus
# Veilig Thuis and 113. Without that lean the answer leaves them out, as the issue asks
# ("113 when they say they cannot go on"): on a sad story they read as an alarm.
EXHAUSTED_AT_RISK_INTENT = "safety_exhausted_risk"
SAFETY_INTENTS = frozenset([*INTENT_OF.values(), CHECK_INTENT, EXHAUSTED_AT_RISK_INTENT])

RESPONSE_OF_INTENT: Dict[str, str] = {intent: f"utter_{intent}" for intent in SAFETY_INTENTS}
ACUTE_RESPONSE = RESPONSE_OF_INTENT[INTENT_OF[Level.ACUTE]]
CHECK_RESPONSE = RESPONSE_OF_INTENT[CHECK_INTENT]
CHECK_DECLINED_RESPONSE = "utter_safety_check_no"
DUTCH_SAFETY_RESPONSES = frozenset([*RESPONSE_OF_INTENT.values(), CHECK_DECLINED_RESPONSE])

# Each safety answer has an English twin, ``<response>_en``, for a message in English (the
# OtherLanguageDetector puts ``{"code": "en"}`` under ``language`` in the parse data).
ENGLISH_SUFFIX = "_en"
ENGLISH_SAFETY_RESPONSES = frozenset(response + ENGLISH_SUFFIX for response in DUTCH_SAFETY_RESPONSES)
SAFETY_RESPONSES = DUTCH_SAFETY_RESPONSES | ENGLISH_SAFETY_RESPONSES


def in_language(response: str, language_code: Optional[str]) -> str:
    """The safety ``response`` in the message's language: its English twin for English."""
    if language_code == ENGLISH and response in DUTCH_SAFETY_RESPONSES:
        return response + ENGLISH_SUFFIX
    return response


def is_english(response: Optional[str]) -> bool:
    return response in ENGLISH_SAFETY_RESPONSES


def language_of(parse_data: Optional[Dict]) -> Optional[str]:
    """The language code the OtherLanguageDetector found (None for Dutch)."""
    return ((parse_data or {}).get("language") or {}).get("code")
