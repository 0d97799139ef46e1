"""The lookup actions with rasa_sdk's real Tracker and CollectingDispatcher (no mocks)."""
from __future__ import annotations

import asyncio
import json
import logging
import re
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Tuple

import pytest
import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import messages as msgs
from actions.form_validation import ValidateClientondersteunerForm, ValidateZorgkantoorForm
from actions.location import KIND_CLIENTONDERSTEUNER, KIND_ZORGKANTOOR, answer, outcome_for, stated_place
from actions.lookup_actions import (
    ActionChangeLocation,
    ActionFindClientondersteuner,
    ActionFindZorgkantoor,
    ActionLocationShared,
    ActionOfferLookupForPlace,
)
from lookup import get_lookup

ROOT = Path(__file__).resolve().parent.parent
DOMAIN: Dict[str, Any] = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


def tracker(text: str, intent: str, entities: Iterable[Tuple[str, Any]] = (), slots: Optional[Dict[str, Any]] = None,
            set_now: Iterable[Tuple[str, Any]] = (), active_loop: Optional[str] = None) -> Tracker:
    """A tracker as the action server receives it: the user message, then the slots that
    Rasa set for it (set_now) as trailing slot events."""
    all_slots: Dict[str, Any] = {name: None for name in DOMAIN["slots"]}
    all_slots["requested_slot"] = None
    all_slots.update(slots or {})
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.99},
        "intent_ranking": [{"name": intent, "confidence": 0.99}],
        "entities": [{"entity": e, "value": v} for e, v in entities],
    }
    events: List[Dict[str, Any]] = [{"event": "action", "name": "action_listen"},
                                    {"event": "user", "text": text, "parse_data": latest}]
    for name, value in set_now:
        all_slots[name] = value
        events.append({"event": "slot", "name": name, "value": value})
    loop = {"name": active_loop} if active_loop else {}
    return Tracker("test-user", all_slots, latest, events, False, None, loop, "action_listen")


def run(action: Action, t: Tracker) -> Tuple[Dict[str, Any], List[Dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, t, DOMAIN))
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    return slots, dispatcher.messages


def texts(messages: List[Dict[str, Any]]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def in_form(text: str, intent: str = "inform_location", entities=(), slot_value: Any = "__text__",
            slots: Optional[Dict[str, Any]] = None, form=ValidateClientondersteunerForm):
    """The form asked for the woonplaats and the user answered `text`."""
    value = text if slot_value == "__text__" else slot_value
    set_now = [("woonplaats", value)] if value is not None else []
    name = form().form_name()
    t = tracker(text, intent, entities, {"requested_slot": "woonplaats", **(slots or {})}, set_now, active_loop=name)
    return run(form(), t)


# --- form validation --------------------------------------------------------------------------


def test_postcode_in_the_opening_question() -> None:
    text = "Ik woon in 9712 CP, waar vind ik een cliëntondersteuner?"
    t = tracker(text, "find_clientondersteuner", [("postcode", "9712 CP")], set_now=[("woonplaats", "9712 CP")],
                active_loop="clientondersteuner_form")
    slots, messages = run(ValidateClientondersteunerForm(), t)
    assert slots == {"woonplaats": "9712", "gm_code": "GM0014", "pc4": "9712", "lookup_kind": "clientondersteuner"}
    assert messages == []


def test_gemeente_with_a_typo() -> None:
    slots, messages = in_form("Amsterdm")
    assert slots["woonplaats"] == "Amsterdam" and slots["gm_code"] == "GM0363" and slots["pc4"] is None
    assert texts(messages) == "Ik ga uit van de gemeente Amsterdam. Klopt dat niet? Stuur dan uw postcode."


def test_a_misspelt_village_is_named_as_read() -> None:
    slots, messages = in_form("Vrieschelo")
    assert slots["gm_code"] == "GM1950"
    assert texts(messages) == ("Ik ga uit van Vriescheloo, in de gemeente Westerwolde. Klopt dat niet? "
                               "Stuur dan uw postcode.")


def test_alias_and_village() -> None:
    slots, _ = in_form("Den Bosch", entities=[("gemeente", "Den Bosch")], form=ValidateZorgkantoorForm)
    assert slots["gm_code"] == "GM0796" and slots["lookup_kind"] == "zorgkantoor"
    slots, messages = in_form("Drachten")
    assert slots["gm_code"] == "GM0090" and slots["woonplaats"] == "Smallingerland"
    assert texts(messages) == "Drachten hoort bij de gemeente Smallingerland."


def test_border_postcode_asks_with_buttons_then_keeps_the_postcode() -> None:
    slots, messages = in_form("1216", entities=[("postcode", "1216")])
    assert slots["woonplaats"] is None and slots["gm_code"] is None and slots["pc4"] == "1216"
    assert len(messages) == 1
    assert "Hilversum" in messages[0]["text"] and "Wijdemeren" in messages[0]["text"]
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    assert payloads == ['/inform_location{"gemeente": "Hilversum"}', '/inform_location{"gemeente": "Wijdemeren"}']
    # the user presses a button
    payload = payloads[1]
    slots, messages = in_form(payload, entities=[("gemeente", "Wijdemeren")], slot_value="Wijdemeren",
                              slots={"pc4": "1216"})
    assert slots["gm_code"] == "GM1696" and slots["pc4"] == "1216" and messages == []


def test_button_payload_is_valid_json() -> None:
    payload = msgs.choose_gemeente_payload("'s-Gravenhage")
    assert json.loads(payload[len("/inform_location"):]) == {"gemeente": "'s-Gravenhage"}


def test_a_new_gemeente_drops_a_postcode_from_elsewhere() -> None:
    slots, _ = in_form("Tilburg", entities=[("gemeente", "Tilburg")], slots={"pc4": "1216"})
    assert slots["gm_code"] == "GM0855" and slots["pc4"] is None


@pytest.mark.parametrize("text,expected", [
    ("1000 AA", "Postcode 1000 AA kan ik niet vinden"),
    ("0123 AB", "is geen Nederlandse postcode"),
    ("Xyzdorp", "Ik ken geen gemeente of woonplaats 'Xyzdorp'"),
    ("Zeeland", "Zeeland is een provincie"),
])
def test_unknown_location_gets_a_clear_dutch_answer(text: str, expected: str) -> None:
    slots, messages = in_form(text)
    assert slots["woonplaats"] is None  # the form asks again
    assert expected in texts(messages)


def test_a_faq_question_during_the_form_is_not_called_a_wrong_place() -> None:
    slots, messages = in_form("wat is een keukentafelgesprek?", intent="faq")
    assert slots["woonplaats"] is None and messages == []


def test_location_shared_while_the_form_asks() -> None:
    text = '/share_location{"latitude":53.2194,"longitude":6.5665}'
    t = tracker(text, "share_location", [("latitude", 53.2194), ("longitude", 6.5665)],
                {"requested_slot": "woonplaats"}, [("latitude", 53.2194), ("longitude", 6.5665)],
                active_loop="clientondersteuner_form")
    slots, messages = run(ValidateClientondersteunerForm(), t)
    assert slots["gm_code"] == "GM0014" and slots["pc4"] and slots["woonplaats"] == slots["pc4"]


def test_known_location_is_used_when_the_form_starts() -> None:
    # second question in the session: the old woonplaats is validated at activation
    t = tracker("en welk zorgkantoor?", "find_zorgkantoor", slots={"gm_code": "GM0014", "pc4": "9712"},
                set_now=[("woonplaats", "9712")], active_loop="zorgkantoor_form")
    slots, messages = run(ValidateZorgkantoorForm(), t)
    assert slots["gm_code"] == "GM0014" and slots["pc4"] == "9712" and messages == []


# --- find actions -------------------------------------------------------------------------------


def test_find_clientondersteuner_groningen() -> None:
    slots, messages = run(ActionFindClientondersteuner(),
                          tracker("x", "find_clientondersteuner", slots={"gm_code": "GM0014", "pc4": "9712"}))
    assert slots == {"lookup_kind": "clientondersteuner"}
    body = texts(messages)
    lk = get_lookup()
    hits = lk.providers_near("GM0014", "9712")
    assert 1 <= len(hits) <= 3
    for hit in hits:
        assert "GM0014" in hit.provider.gm_codes
        assert hit.provider.name in body
    distances = [h.distance_km for h in hits]
    assert distances == sorted(distances)
    assert re.search(r"\d+(,\d)? km|minder dan 1 km", body)
    assert "14 + het netnummer" in body  # the gemeente's own route
    # the sample is fictitious and says so before the first name
    assert body.index("voorbeeldgegevens") < min(body.index(h.provider.name) for h in hits)


def test_find_clientondersteuner_without_providers_gives_the_gemeente_route() -> None:
    lk = get_lookup()
    code = next(c for c in lk.places.gemeenten if not lk.registry.serving(c))
    _, messages = run(ActionFindClientondersteuner(), tracker("x", "find_clientondersteuner", slots={"gm_code": code}))
    body = texts(messages)
    assert "nog geen cliëntondersteuner in mijn lijst" in body
    assert "14 + het netnummer" in body and "030 760 60 55" in body


def test_find_zorgkantoor_tilburg_names_the_research_with_its_confidence() -> None:
    slots, messages = run(ActionFindZorgkantoor(), tracker("x", "find_zorgkantoor", slots={"gm_code": "GM0855"}))
    assert slots == {"lookup_kind": "zorgkantoor"}
    body = texts(messages)
    # zorgkantoren_2026_research.csv: Midden-Brabant is run by VGZ, confidence "likely"
    assert "Midden-Brabant" in body and "VGZ" in body
    assert "Volgens onze gegevens" in body and "zorgverzekeraar" in body


def test_find_zorgkantoor_verified_record_is_stated_plainly() -> None:
    lk = get_lookup()
    region, record = lk.zorgkantoor_for("GM0034")  # Almere: region 't Gooi, verified in the research
    assert record.verified and "Zilveren Kruis" in record.concern
    _, messages = run(ActionFindZorgkantoor(), tracker("x", "find_zorgkantoor", slots={"gm_code": "GM0034"}))
    body = texts(messages)
    assert "Zilveren Kruis" in body and "Volgens onze gegevens" not in body and "niet zeker" not in body


def test_find_zorgkantoor_low_confidence_names_no_insurer() -> None:
    from dataclasses import replace as changed

    lk = get_lookup()
    region, record = lk.zorgkantoor_for("GM0106")
    doubtful = changed(record, concern="CZ of VGZ?", concern_confidence="low", verified=False)
    assert doubtful.concern_is_uncertain
    body = texts(msgs.zorgkantoor(lk.gemeente("GM0106"), region, doubtful))
    assert "weten niet zeker" in body and region.name in body
    assert doubtful.concern not in body


def test_find_action_without_gm_code_resolves_the_message() -> None:
    slots, messages = run(ActionFindZorgkantoor(), tracker("welk zorgkantoor hoort bij Tilburg?", "find_zorgkantoor",
                                                           [("gemeente", "Tilburg")]))
    assert slots["gm_code"] == "GM0855" and "Midden-Brabant" in texts(messages)


# --- change location / shared location ----------------------------------------------------------


def test_change_location_reruns_the_last_lookup() -> None:
    t = tracker("ik woon nu in Breda", "inform_location", [("gemeente", "Breda")],
                slots={"gm_code": "GM0855", "woonplaats": "Tilburg", "lookup_kind": "zorgkantoor"},
                set_now=[("woonplaats", "Breda")])
    slots, messages = run(ActionChangeLocation(), t)
    assert slots["gm_code"] == "GM0758" and slots["lookup_kind"] == "zorgkantoor"
    assert "West-Brabant" in texts(messages)


def test_change_location_with_a_typo_does_not_fall_back_to_the_old_place() -> None:
    t = tracker("Amsterdm", "inform_location", slots={"gm_code": "GM0014", "woonplaats": "Groningen",
                                                      "lookup_kind": "clientondersteuner"})
    slots, messages = run(ActionChangeLocation(), t)
    assert slots["gm_code"] == "GM0363"
    assert "Amsterdam" in texts(messages)


def test_change_location_without_earlier_question_asks_what_next() -> None:
    slots, messages = run(ActionChangeLocation(), tracker("3511", "inform_location", [("postcode", "3511")],
                                                          set_now=[("woonplaats", "3511")]))
    assert slots == {"woonplaats": "3511", "gm_code": "GM0344", "pc4": "3511"}
    # the first woonplaats of a conversation is remembered, not 'aangepast'
    assert "Ik onthoud dat u in de gemeente Utrecht (postcode 3511) woont." == messages[0]["text"]
    assert [b["payload"] for b in messages[-1]["buttons"]] == ["/find_clientondersteuner", "/find_zorgkantoor"]


def test_change_location_of_a_known_woonplaats_says_aangepast() -> None:
    t = tracker("ik woon nu in Breda", "inform_location", [("gemeente", "Breda")],
                slots={"gm_code": "GM0855", "woonplaats": "Tilburg"}, set_now=[("woonplaats", "Breda")])
    _, messages = run(ActionChangeLocation(), t)
    assert "aangepast naar de gemeente Breda" in texts(messages)


def test_a_place_with_a_where_to_go_question_gets_the_lookup_at_once() -> None:
    t = tracker("Ik woon in Groningen, bij wie kan ik terecht met mijn hulpvraag?", "inform_location",
                [("gemeente", "Groningen")], set_now=[("woonplaats", "Groningen")])
    slots, messages = run(ActionChangeLocation(), t)
    body = texts(messages)
    assert slots["gm_code"] == "GM0014" and slots["lookup_kind"] == "clientondersteuner"
    assert any(p.name in body for p in get_lookup().registry.serving("GM0014"))
    assert "aangepast" not in body


def test_change_location_to_an_unknown_place_keeps_the_old_one() -> None:
    slots, messages = run(ActionChangeLocation(), tracker("Xyzdorp", "inform_location",
                                                          slots={"gm_code": "GM0014", "woonplaats": "Groningen"}))
    assert "gm_code" not in slots and "woonplaats" not in slots
    assert "Xyzdorp" in texts(messages) and "nog de gemeente Groningen" in texts(messages)


def test_change_location_border_postcode_then_button() -> None:
    slots, messages = run(ActionChangeLocation(), tracker("1216", "inform_location", [("postcode", "1216")],
                                                          slots={"lookup_kind": "clientondersteuner"}))
    assert slots["pc4"] == "1216" and slots["gm_code"] is None
    payload = messages[0]["buttons"][0]["payload"]
    slots, messages = run(ActionChangeLocation(), tracker(payload, "inform_location", [("gemeente", "Hilversum")],
                                                          slots={"lookup_kind": "clientondersteuner", "pc4": "1216"}))
    assert slots["gm_code"] == "GM0402" and slots["pc4"] == "1216"
    assert "Voorbeeld Cliëntondersteuning Gooi" in texts(messages)


def test_location_shared_gives_nearest_clientondersteuners() -> None:
    text = '/share_location{"latitude":52.37,"longitude":4.89}'
    point = [("latitude", 52.37), ("longitude", 4.89)]
    slots, messages = run(ActionLocationShared(), tracker(text, "share_location", point, set_now=point))
    assert slots["gm_code"] == "GM0363" and slots["lookup_kind"] == "clientondersteuner"
    assert "Voorbeeld Cliëntondersteuning Amsterdam" in texts(messages)


def test_location_shared_abroad() -> None:
    _, messages = run(ActionLocationShared(), tracker("/share_location", "share_location",
                                                      [("latitude", 48.8566), ("longitude", 2.3522)]))
    assert "niet in Nederland" in texts(messages)


def test_location_shared_without_coordinates() -> None:
    _, messages = run(ActionLocationShared(), tracker("/share_location", "share_location"))
    assert "postcode" in texts(messages)


# --- wording ------------------------------------------------------------------------------------


def _all_answers() -> Iterable[Dict[str, Any]]:
    lk = get_lookup()
    for code in lk.places.gemeenten:
        for kind in (KIND_CLIENTONDERSTEUNER, KIND_ZORGKANTOOR):
            yield from answer(lk, kind, code, None)


def test_every_answer_is_short_and_uses_u() -> None:
    count = 0
    for message in _all_answers():
        count += 1
        text = message["text"]
        assert msgs.word_count(text) <= msgs.MAX_WORDS, text
        assert not re.search(r"\b(je|jij|jouw|jullie)\b", text, re.IGNORECASE), text
    assert count > 342 * 3


def test_problem_messages_are_short() -> None:
    lk = get_lookup()
    for text in ("1000 AA", "0123 AB", "Xyzdorp", "Zeeland", "hallo", "1216", "Bergen", "Alphen"):
        res = lk.resolve(text)
        for message in outcome_for(lk, res).messages:
            assert msgs.word_count(message["text"]) <= msgs.MAX_WORDS


def test_no_postcode_or_message_text_in_info_logs(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO):
        in_form("Ik woon in 9712 CP", entities=[("postcode", "9712 CP")])
        run(ActionChangeLocation(), tracker("Amsterdm", "inform_location"))
        run(ActionFindClientondersteuner(),
            tracker("x", "find_clientondersteuner", slots={"gm_code": "GM0014", "pc4": "9712"}))
    for record in caplog.records:
        if record.levelno >= logging.INFO:
            message = record.getMessage()
            assert "9712" not in message and "Amsterdm" not in message, message


def test_verified_zorgkantoor_record_is_shown_without_warning() -> None:
    from lookup import Zorgkantoor

    lk = get_lookup()
    region, record = lk.zorgkantoor_for("GM0855")
    checked = Zorgkantoor(zk_code=record.zk_code, region_name=record.region_name, concern="CZ zorgkantoor",
                          concern_confidence="", phone="", website="https://zorgkantoor.invalid",
                          verified=True, source="test")
    body = texts(msgs.zorgkantoor(lk.gemeente("GM0855"), region, checked))
    assert "Midden-Brabant" in body and "CZ zorgkantoor" in body and "https://zorgkantoor.invalid" in body
    assert "niet gecontroleerd" not in body and "niet zeker" not in body


def _said(action: Action, t: Tracker) -> str:
    """What a synchronous action (actions/faq_actions.py) says."""
    dispatcher = CollectingDispatcher()
    action.run(dispatcher, t, DOMAIN)
    return texts(dispatcher.messages)


def test_hand_over_names_the_gemeente_and_both_numbers() -> None:
    from actions.faq_actions import ActionHumanHandoff, ActionSuggestTopics

    named = _said(ActionHumanHandoff(), tracker("mens", "human_handoff", slots={"gm_code": "GM0014"}))
    assert "de gemeente Groningen" in named
    unknown = _said(ActionHumanHandoff(), tracker("mens", "human_handoff"))
    assert "uw gemeente" in unknown and "de gemeente Groningen" not in unknown
    second = tracker("??", "nlu_fallback")
    second.events.insert(0, {"event": "user", "text": "?", "parse_data": {"intent": {"name": "nlu_fallback"}}})
    after_fallback = _said(ActionSuggestTopics(), second)
    for body in (named, unknown, after_fallback):
        assert msgs.GEMEENTE_NUMBER in body and msgs.MANTELZORGLIJN_NUMBER in body
    assert (msgs.GEMEENTE_NUMBER, msgs.MANTELZORGLIJN_NUMBER) == ("14 + het netnummer", "030 760 60 55")


def test_a_story_we_did_not_understand_is_thanked_and_offered_carer_support() -> None:
    from actions.faq_actions import CARER_SUPPORT_TOPIC, ActionSuggestTopics, is_story

    assert is_story("Mijn vader woont nog thuis. Ik ga er elke dag langs.")
    assert is_story("mijn vader woont nog thuis en ik ga er elke dag langs na mijn werk om te koken")
    assert not is_story("wat kost een keukentafelgesprek?")
    # one long sentence that asks is a question, not a story
    assert not is_story("Kan ik als mantelzorger van mijn moeder met dementie ergens een vergoeding voor krijgen?")
    assert not is_story("hoe lang duurt het voordat ik bericht krijg van de gemeente over de aanvraag van mijn vader")
    story = tracker("Mijn vader woont nog thuis. Ik ga er elke dag langs.", "nlu_fallback")
    dispatcher = CollectingDispatcher()
    ActionSuggestTopics().run(dispatcher, story, DOMAIN)
    [message] = dispatcher.messages
    assert message["text"].startswith("Dank u dat u dit vertelt.")
    assert "Ik weet niet zeker" not in message["text"]
    assert "Mantelzorglijn: 030 760 60 55" in message["text"]  # a next step even if no topic fits
    payloads = [b["payload"] for b in message["buttons"]]
    assert any(CARER_SUPPORT_TOPIC in p for p in payloads) and payloads[-1] == "/human_handoff"
    question = _said(ActionSuggestTopics(), tracker("wat kost een blub?", "nlu_fallback"))
    assert "Dank u dat u dit vertelt" not in question


# --- a place named in an FAQ question ------------------------------------------------------------

def _entities(text: str, *found: Tuple[str, str]) -> List[Dict[str, Any]]:
    """Entities as the entity ruler gives them, with their start in the text."""
    return [{"entity": name, "value": value, "start": text.index(value)} for name, value in found]


@pytest.mark.parametrize("text, found, expected", [
    ("Ik woon in Monster. Wat kost het?", [("gemeente", "Monster")], "Monster"),
    ("ik woon in lelystad wat kost het", [("gemeente", "lelystad")], "lelystad"),
    ("Wat kost het in 1216 AB?", [("postcode", "1216 AB")], "1216 AB"),
    ("wat kost het voor postcode 1216", [("postcode", "1216")], "1216"),
    ("De ondersteuner doet zijn best, maar het is niet genoeg", [("gemeente", "best")], None),
    ("mag dat eigenlijk, de buren zeuren", [("gemeente", "buren")], None),
    ("wat gaat er veranderen aan de eigen bijdrage in 2027", [("postcode", "2027")], None),
    ("wat is het nummer 0800 2000", [("postcode", "2000")], None),
])
def test_a_place_counts_only_when_it_is_named_as_a_place(text: str, found, expected) -> None:
    assert stated_place(text, _entities(text, *found)) == expected


def _faq_tracker(text: str, topic: str, *found: Tuple[str, str], slots: Optional[Dict[str, Any]] = None) -> Tracker:
    t = tracker(text, "faq", (), slots)
    t.latest_message["entities"] = _entities(text, *found)
    t.latest_message["response_selector"] = {"faq": {"response": {"intent_response_key": f"faq/{topic}"}}}
    return t


def test_an_faq_question_naming_a_village_offers_its_lookups() -> None:
    slots, messages = run(ActionOfferLookupForPlace(), _faq_tracker(
        "Ik woon in Monster. Hoe werkt de Wlz thuis?", "wlz_thuis", ("gemeente", "Monster")))
    assert slots == {"woonplaats": "Westland", "gm_code": "GM1783", "pc4": None}
    assert "Monster hoort bij de gemeente Westland" in texts(messages)
    assert "Zoekt u het zorgkantoor voor de gemeente Westland" in texts(messages)
    # after a Wlz topic the zorgkantoor comes first
    assert [b["payload"] for b in messages[-1]["buttons"]] == ["/find_zorgkantoor", "/find_clientondersteuner"]


def test_a_word_that_is_also_a_gemeente_is_not_taken_as_the_place() -> None:
    slots, messages = run(ActionOfferLookupForPlace(), _faq_tracker(
        "De ondersteuner doet zijn best, maar wat kost het?", "kosten", ("gemeente", "best"),
        slots={"woonplaats": "best", "gm_code": "GM0363"}))
    assert messages == []
    assert slots == {"woonplaats": "Amsterdam"}  # the known place, not 'best'


def test_a_story_we_did_not_understand_keeps_the_place_it_names() -> None:
    from actions.faq_actions import ActionSuggestTopics

    text = "Ik woon in Houten en zorg voor mijn vader. Het wordt me allemaal te veel met de papieren."
    t = tracker(text, "nlu_fallback")
    t.latest_message["entities"] = _entities(text, ("gemeente", "Houten"))
    dispatcher = CollectingDispatcher()
    events = ActionSuggestTopics().run(dispatcher, t, DOMAIN)
    assert dispatcher.messages[0]["text"].startswith("Dank u dat u dit vertelt.")
    assert "in de gemeente Houten" in dispatcher.messages[-1]["text"]
    assert {"event": "slot", "timestamp": None, "name": "gm_code", "value": "GM0321"} in events


def test_after_an_answer_that_says_ask_your_gemeente_the_named_place_becomes_that_gemeente() -> None:
    slots, messages = run(ActionOfferLookupForPlace(), _faq_tracker(
        "Ik zorg voor mijn buurman op Hollum. Hoe vraag ik het mantelzorgcompliment aan?",
        "mantelzorgwaardering", ("gemeente", "Hollum")))
    assert slots["woonplaats"] == "Ameland"
    said = texts(messages)
    assert "Hollum hoort bij de gemeente Ameland" in said
    assert "terecht bij de gemeente Ameland" in said and "14 met het netnummer" in said
    assert [b["payload"] for b in messages[-1]["buttons"]] == ["/find_clientondersteuner", "/find_zorgkantoor"]


def test_after_an_answer_about_the_lookup_itself_no_gemeente_advice_is_added() -> None:
    _, messages = run(ActionOfferLookupForPlace(), _faq_tracker(
        "Ik woon in Hollum. Kost een cliëntondersteuner geld?", "kosten", ("gemeente", "Hollum")))
    assert "terecht bij de gemeente" not in texts(messages)
    assert "Zoekt u een cliëntondersteuner in de gemeente Ameland" in texts(messages)
