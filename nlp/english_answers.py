"""Which English answer a topic has: the responses ``utter_english_*`` in domain.yml (their sources
beside them). Shared by ``action_answer_other_language`` and ``safety.policy`` (the English
exhausted answer is followed by the English answer of a topic the carer also asked about).
"""
from __future__ import annotations

from typing import Dict, Optional

ROUTES = "utter_english_routes"
ROUTES_IN_ENGLISH_AND_DUTCH = "utter_other_language_routes"
ENGLISH_ANSWER_OF_TOPIC: Dict[str, str] = {
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
    "faq/kind_wordt_18": "utter_english_turning_18",
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
    "faq/gebruikelijke_zorg": "utter_english_usual_care",
    "faq/wmo_route_termijnen": "utter_english_wmo_steps",
    "faq/crisisopname": "utter_english_crisis_admission",
    "faq/mantelzorgmakelaar": "utter_english_care_broker",
    "faq/geen_clientondersteuning_gevonden": "utter_english_no_client_support_found",
    "faq/thuis_na_ziekenhuis": "utter_english_hospital_discharge",
    "faq/personenalarmering": "utter_english_personal_alarm",
    "faq/eenzaamheid_contact": "utter_english_loneliness",
    "faq/maaltijdvoorziening": "utter_english_meals",
    "faq/dubbele_kinderbijslag": "utter_english_double_child_benefit",
    "faq/pgb_beheer_svb": "utter_english_pgb_management",
    "out_of_scope": "utter_english_out_of_scope",
}

# the English exhausted answer already says what this answer says (Mantelzorglijn, support)
COVERED_BY_THE_EXHAUSTED_ANSWER = frozenset({"utter_english_carer"})


def english_answer_after_exhaustion(topic: Optional[str]) -> Optional[str]:
    """The English answer to give after the English exhausted answer, if the topic has one
    that adds something."""
    if not topic or not topic.startswith("faq/"):
        return None
    response = ENGLISH_ANSWER_OF_TOPIC.get(topic)
    return None if response in COVERED_BY_THE_EXHAUSTED_ANSWER else response
