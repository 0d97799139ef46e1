"""The answer to a message in another language: English where the topic is simple, else the routes.

The English answers are responses in domain.yml (``utter_english_*``, sources beside them);
this module only chooses one from the topic the classifier found (``nlp.other_language``).
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from nlp.language import ENGLISH

ROUTES = "utter_english_routes"
ENGLISH_ANSWER_OF_TOPIC = {
    "faq/wat_is_clientondersteuning": "utter_english_clientondersteuning",
    "faq/wat_doet_ondersteuner": "utter_english_clientondersteuning",
    "faq/waarom_clientondersteuning": "utter_english_clientondersteuning",
    "faq/toegankelijkheid": "utter_english_clientondersteuning",
    "faq/kosten": "utter_english_free",
    "faq/regelen_via_gemeente": "utter_english_where",
    "faq/wmo_loket_wijkteam": "utter_english_where",
    "faq/hulp_bij_het_huishouden": "utter_english_where",
    "ask_route": "utter_english_where",
    "faq/wmo_of_wlz": "utter_english_where",
    "find_clientondersteuner": "utter_english_where",
    "faq/wat_is_zorgkantoor": "utter_english_zorgkantoor",
    "faq/regelen_via_zorgkantoor": "utter_english_zorgkantoor",
    "find_zorgkantoor": "utter_english_zorgkantoor",
    "faq/wat_is_mantelzorger": "utter_english_carer",
    "faq/overbelasting": "utter_english_carer",
    "faq/mantelzorglijn": "utter_english_carer",
    "faq/mantelzorger_ondersteuning_voor_zichzelf": "utter_english_carer",
}


class ActionAnswerOtherLanguage(Action):
    """English answer for the topic when there is one; otherwise the routes in English and Dutch."""

    def name(self) -> Text:
        return "action_answer_other_language"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        language = tracker.latest_message.get("language") or {}
        response = ROUTES
        if language.get("code") == ENGLISH:
            response = ENGLISH_ANSWER_OF_TOPIC.get(str(language.get("topic")), ROUTES)
        dispatcher.utter_message(response=response)
        return []
