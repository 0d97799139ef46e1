"""The answer to a message in another language: English where the topic has an answer, else the routes.

The English answers are responses in domain.yml (``utter_english_*``, sources beside them);
this module only chooses one from the topic the classifier found (``nlp.other_language``).
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.location import SLOT_PC4, outcome_for, stated_place
from lookup import Status, get_lookup
from nlp.language import ENGLISH

ROUTES = "utter_english_routes"
ROUTES_IN_ENGLISH_AND_DUTCH = "utter_other_language_routes"
ENGLISH_ANSWER_OF_TOPIC = {
    "faq/wat_is_clientondersteuning": "utter_english_clientondersteuning",
    "faq/wat_doet_ondersteuner": "utter_english_clientondersteuning",
    "faq/waarom_clientondersteuning": "utter_english_clientondersteuning",
    "faq/toegankelijkheid": "utter_english_clientondersteuning",
    # their Dutch answers are about the same free, independent support; the English one fits
    "faq/wie_heeft_recht": "utter_english_clientondersteuning",
    "faq/onafhankelijkheid": "utter_english_clientondersteuning",
    "faq/andere_namen": "utter_english_clientondersteuning",
    "faq/levensbreed": "utter_english_clientondersteuning",
    "faq/mee": "utter_english_clientondersteuning",
    "faq/sociale_kaart": "utter_english_where",
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
    "faq/gemeente_voor_mantelzorgers": "utter_english_carer",
    "faq/overbelasting": "utter_english_carer",
    "faq/mantelzorglijn": "utter_english_carer",
    "faq/mantelzorger_ondersteuning_voor_zichzelf": "utter_english_carer",
    "faq/pgb_wat": "utter_english_pgb",
    "faq/pgb_mantelzorger_betalen": "utter_english_pgb_family",
    "faq/mantelzorg_en_werk": "utter_english_work",
    "faq/respijtzorg": "utter_english_respite",
    "faq/keukentafelgesprek_wat": "utter_english_keukentafelgesprek",
    "faq/keukentafelgesprek_voorbereiden": "utter_english_keukentafelgesprek",
    "faq/keukentafelgesprek_wie_mag_mee": "utter_english_keukentafelgesprek",
    "faq/eigen_bijdrage_wmo": "utter_english_eigen_bijdrage",
    "faq/informele_ondersteuning": "utter_english_informal_support",
    "faq/jonge_mantelzorgers": "utter_english_young_carers",
    "faq/casemanager_dementie": "utter_english_dementia_casemanager",
    "faq/alzheimer_telefoon": "utter_english_alzheimer",
    "faq/mantelzorgwaardering": "utter_english_appreciation",
    "faq/klacht_of_bezwaar": "utter_english_complaint",
    "faq/hulp_bij_bezwaar": "utter_english_objection_help",
    "faq/wlz_thuis": "utter_english_wlz_home",
    "faq/hulp_wlz_aanvraag": "utter_english_wlz_application",
    "faq/wachtlijst_verpleeghuis": "utter_english_waiting_list",
    "faq/jeugdwet_route": "utter_english_jeugdwet",
    "faq/zvw_wijkverpleging": "utter_english_district_nursing",
    "faq/mentorschap_bewind_curatele": "utter_english_protective_measures",
    "faq/levenstestament_volmacht": "utter_english_power_of_attorney",
    "faq/geheugenklachten": "utter_english_memory_problems",
    "faq/woningaanpassing_hulpmiddelen": "utter_english_home_adaptations",
    "faq/vervoer_valys": "utter_english_transport",
    "faq/sollicitatieplicht_mantelzorg": "utter_english_job_search_exemption",
    "faq/palliatieve_zorg_thuis": "utter_english_palliative_care",
    "faq/dagbesteding": "utter_english_day_care",
    "faq/eigen_bijdrage_wlz": "utter_english_wlz_contribution",
    "out_of_scope": "utter_english_out_of_scope",
}


def english_place_note(tracker: Tracker) -> Tuple[Optional[str], List[EventType]]:
    """A sentence naming the gemeente of the place an English message names, and the slots that
    remember it (a later lookup uses it); nothing when no place is named or it is not sure."""
    latest = tracker.latest_message or {}
    place = stated_place(str(latest.get("text") or ""), latest.get("entities") or [])
    if not place:
        return None, []
    lookup = get_lookup()
    res = lookup.resolve(place)
    if res.status is not Status.RESOLVED or not res.gm_code or res.via == "fuzzy":
        return None, []
    gemeente = lookup.short_name(res.gm_code)
    named = res.matched_name or place
    where = (f"{named} is in the municipality (gemeente) of {gemeente}"
             if named.lower() != str(gemeente).lower() else f"Your municipality (gemeente) is {gemeente}")
    slots = outcome_for(lookup, res, tracker.get_slot(SLOT_PC4)).slots
    return (f"{where}: call 14 followed by your area code, or see its website.",
            [SlotSet(name, value) for name, value in slots.items()])


class ActionAnswerOtherLanguage(Action):
    """English: the topic's English answer, else the routes in English.

    Another language: the routes in English and Dutch.
    """

    def name(self) -> Text:
        return "action_answer_other_language"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        language = tracker.latest_message.get("language") or {}
        response = ROUTES_IN_ENGLISH_AND_DUTCH
        if language.get("code") == ENGLISH:
            response = ENGLISH_ANSWER_OF_TOPIC.get(str(language.get("topic")), ROUTES)
        dispatcher.utter_message(response=response)
        if language.get("code") != ENGLISH:
            return []
        note, events = english_place_note(tracker)  # a place named in English is not dropped
        if note:
            dispatcher.utter_message(text=note)
        return events
