"""The Dutch text the custom actions send (B1, 'u', at most 80 words per message, a next step).

The lookup answers (where do you live, cliëntondersteuners, zorgkantoor), and the two-stage
fallback and the hand-over to a person. The Mantelzorglijn's number and the gemeente's
"14 + het netnummer" are named once here (``MANTELZORGLIJN_NUMBER``, ``GEMEENTE_NUMBER``).

Every function returns a list of messages: dicts with "text" and optionally "buttons",
ready for `dispatcher.utter_message(**message)`. No Rasa imports, so the wording can be
tested on its own.
"""
from __future__ import annotations

import datetime as dt
import json
from typing import Any, Dict, List, Optional, Sequence

from lookup import Gemeente, ProviderHit, Region, Resolution, Status, Zorgkantoor

Message = Dict[str, Any]
MAX_WORDS = 80

MANTELZORGLIJN_NUMBER = "030 760 60 55"  # MantelzorgNL (lookup/data/PROVENANCE.md)
GEMEENTE_NUMBER = "14 + het netnummer"  # every gemeente answers on 14 + its area code
ROUTE_GEMEENTE = f"bel {GEMEENTE_NUMBER} van uw gemeente, of kijk op de website van uw gemeente"
MANTELZORGLIJN = f"de Mantelzorglijn: {MANTELZORGLIJN_NUMBER}"


MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
          "oktober", "november", "december")


def dutch_date(iso: str) -> str:
    """'2026-12-05' -> '5 december 2026'; anything else unchanged."""
    try:
        day = dt.date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def word_count(text: str) -> int:
    return len(text.split())


def _msg(text: str, buttons: Optional[List[Dict[str, str]]] = None) -> Message:
    message: Message = {"text": text}
    if buttons:
        message["buttons"] = buttons
    return message


def _join_names(names: Sequence[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " en " + names[-1]


def format_km(km: float) -> str:
    """Dutch distance: 'minder dan 1 km', '2,4 km', '12 km'."""
    if km < 1.0:
        return "minder dan 1 km"
    if km < 10.0:
        return f"{km:.1f}".replace(".", ",") + " km"
    return f"{round(km)} km"


def choose_gemeente_payload(gemeente_name: str) -> str:
    return "/inform_location" + json.dumps({"gemeente": gemeente_name}, ensure_ascii=False)


def gemeente_buttons(gemeenten: Sequence[Gemeente]) -> List[Dict[str, str]]:
    return [{"title": gm.name, "payload": choose_gemeente_payload(gm.name)} for gm in gemeenten]


# --- where do you live? -----------------------------------------------------------


def ask_which_gemeente(res: Resolution, gemeenten: Sequence[Gemeente]) -> List[Message]:
    names = _join_names([gm.name for gm in gemeenten])
    if res.via == "postcode" and res.pc4:
        text = f"Postcode {res.pc4} ligt in meer dan één gemeente: {names}. Kies hieronder uw gemeente."
    elif res.via == "coordinates" and res.pc4:
        text = (f"Uw locatie ligt bij postcode {res.pc4}. Die postcode ligt in meer dan één gemeente: "
                f"{names}. Kies hieronder uw gemeente.")
    elif res.via == "several":
        # the usual case is a carer and the cared-for in two towns; help for the cared-for
        # comes from the gemeente where they live (Wmo: "vraag aan uw gemeente", e.g.
        # https://www.zilverenkruis.nl/zorgkantoor/klanten/zo-werkt-wlz/wmo), so the choice is made
        # with that in mind
        text = (f"U noemt meer plaatsen: {names}. Hulp voor uw naaste vraagt u aan bij de gemeente "
                "waar uw naaste woont. Voor welke gemeente zoekt u hulp? Kies hieronder.")
    else:
        place = res.matched_name or res.query
        text = f"'{place}' kan bij meer gemeenten horen: {names}. Kies hieronder uw gemeente."
    return [_msg(text, gemeente_buttons(gemeenten))]


def understood_as(res: Resolution, gemeente: Gemeente) -> List[Message]:
    """Say how a village or a misspelt name was read, so the user can correct it."""
    if res.via == "place" and res.matched_name:
        return [_msg(f"{res.matched_name} hoort bij de gemeente {gemeente.name}.")]
    if res.via == "fuzzy" and res.matched_name and res.matched_name != gemeente.name:
        return [_msg(f"Ik ga uit van {res.matched_name}, in de gemeente {gemeente.name}. "
                     "Klopt dat niet? Stuur dan uw postcode.")]
    if res.via == "fuzzy":
        return [_msg(f"Ik ga uit van de gemeente {gemeente.name}. Klopt dat niet? Stuur dan uw postcode.")]
    return []


def not_understood_location(res: Resolution) -> List[Message]:
    """Unknown postcode, unknown place, a province, a location abroad, or nothing found."""
    if res.status is Status.UNKNOWN_POSTCODE:
        if res.reason == "format":
            text = (f"'{res.query}' is geen Nederlandse postcode. Een postcode heeft 4 cijfers en "
                    "2 letters, bijvoorbeeld 3511 AB. U mag ook de naam van uw gemeente sturen.")
        else:
            text = (f"Postcode {res.query} kan ik niet vinden. Klopt de postcode? Een postcode heeft "
                    "4 cijfers en 2 letters, bijvoorbeeld 3511 AB. U mag ook de naam van uw gemeente sturen.")
    elif res.status is Status.UNKNOWN_PLACE:
        text = (f"Ik ken geen gemeente of woonplaats '{res.query}'. Kijkt u de spelling nog even na? "
                "U mag ook uw postcode sturen, bijvoorbeeld 3511 AB.")
    elif res.status is Status.OUTSIDE:
        text = ("Deze locatie ligt niet in Nederland. Ik kan alleen zoeken in Nederland. "
                "Stuur de postcode of de gemeente waar u of uw naaste woont.")
    elif res.reason == "province":
        text = (f"{res.query.title()} is een provincie. Ik heb de gemeente nodig. "
                "In welke gemeente woont u? U mag ook uw postcode sturen.")
    else:
        text = ("Ik heb geen postcode of gemeente in uw bericht gevonden. Stuur uw postcode, "
                "bijvoorbeeld 3511 AB, of de naam van uw gemeente.")
    return [_msg(text)]


# --- cliëntondersteuners -----------------------------------------------------------


def _you_live_in(gemeente: Gemeente, pc4: Optional[str]) -> str:
    if pc4:
        return f"U woont in de gemeente {gemeente.name} (postcode {pc4})."
    return f"U woont in de gemeente {gemeente.name}."


def _provider_text(index: int, hit: ProviderHit, extras: bool = True) -> str:
    p = hit.provider
    parts = [f"{index}. {p.name} ({p.kind_label}), {format_km(hit.distance_km)}."]
    address = ", ".join(x for x in (p.address, " ".join(x for x in (p.postcode, p.place) if x)) if x)
    if address:
        parts.append(address + ".")
    if p.phone:
        parts.append(f"Tel. {p.phone}.")
    if p.website:
        parts.append(p.website)
    if extras and p.opening_hours:
        parts.append(f"Open: {p.opening_hours}.")
    if extras and p.supports_carers:
        parts.append("Ook voor mantelzorgers.")
    other_languages = [lang for lang in p.languages if lang.lower() != "nederlands"]
    if extras and other_languages:
        parts.append("Ook in het " + _join_names(other_languages) + ".")
    return " ".join(parts)


def _fit(intro: str, hits: Sequence[ProviderHit]) -> List[Message]:
    """One message within MAX_WORDS: full details, else without opening hours and
    languages, else the intro and one message per provider."""
    for extras in (True, False):
        combined = "\n".join([intro] + [_provider_text(i, h, extras) for i, h in enumerate(hits, 1)])
        if word_count(combined) <= MAX_WORDS:
            return [_msg(combined)]
    return [_msg(intro)] + [_msg(_provider_text(i, h)) for i, h in enumerate(hits, 1)]


FICTITIOUS_NOTICE = "Let op: dit zijn voorbeeldgegevens, deze organisaties bestaan niet echt."


def clientondersteuners(gemeente: Gemeente, pc4: Optional[str], hits: Sequence[ProviderHit]) -> List[Message]:
    if hits:
        origin = f"postcode {pc4}" if pc4 else "het midden van de gemeente"
        # the fictitious notice comes first, before anyone reads a name from the list
        note = (f"{FICTITIOUS_NOTICE} "
                if any(h.provider.fictitious for h in hits) else "")
        intro = (f"{note}Gratis cliëntondersteuning voor de gemeente {gemeente.name} "
                 f"(afstand vanaf {origin}):")
        messages = _fit(intro, hits)
        messages.append(_msg(
            f"U kunt ook zelf contact opnemen met de gemeente {gemeente.name}: {ROUTE_GEMEENTE}. "
            "Vraag naar onafhankelijke cliëntondersteuning. Woont u ergens anders? "
            "Stuur dan uw postcode of gemeente."
        ))
        return messages
    return [
        _msg(f"{_you_live_in(gemeente, pc4)} Voor uw gemeente staat nog geen cliëntondersteuner in mijn lijst. "
             f"Neem contact op met de gemeente {gemeente.name}: {ROUTE_GEMEENTE}. Vraag naar gratis "
             "onafhankelijke cliëntondersteuning."),
        _msg(f"Wilt u eerst met iemand praten over de zorg voor uw naaste? Bel {MANTELZORGLIJN}. "
             "Woont u ergens anders? Stuur dan uw postcode of gemeente."),
    ]


# --- zorgkantoor (Wlz) ----------------------------------------------------------------


def zorgkantoor(gemeente: Gemeente, region: Region, record: Zorgkantoor) -> List[Message]:
    first = (f"De gemeente {gemeente.name} hoort bij zorgkantoorregio {region.name}. Het zorgkantoor "
             "regelt zorg uit de Wet langdurige zorg (Wlz). U kunt daar ook vragen om een gratis "
             "cliëntondersteuner voor de Wlz.")
    if record.verified:
        details = [f"Het zorgkantoor in uw regio is van {record.concern}." if record.concern else ""]
        if record.confirmed:  # an editor checked it with the zorgkantoor or insurer (their name stays internal)
            details.append(f"Dit is gecontroleerd op {dutch_date(record.confirmed_on)}.")
        if record.phone:
            details.append(f"Telefoon: {record.phone}.")
        if record.website:
            details.append(f"Website: {record.website}")
        second = " ".join(d for d in details if d) or (
            f"Uw zorgverzekeraar kan u vertellen hoe u het zorgkantoor {region.name} bereikt.")
    elif record.concern and not record.concern_is_uncertain:
        second = (f"Volgens onze gegevens voert {record.concern} dit zorgkantoor uit. Dat is niet "
                  f"recent bevestigd. Vraag het na bij uw zorgverzekeraar en noem de regio {region.name}.")
    else:
        second = ("Let op: wij weten niet zeker welke zorgverzekeraar dit zorgkantoor uitvoert. "
                  f"Vraag het na bij uw zorgverzekeraar en noem de regio {region.name}.")
    next_step = ("Heeft uw naaste nog geen Wlz-indicatie? Die vraagt u aan bij het CIZ. "
                 "Woont u ergens anders? Stuur dan uw postcode of gemeente.")
    return [_msg(first), _msg(f"{second} {next_step}")]


# --- location changes ------------------------------------------------------------------


def location_changed(gemeente: Gemeente, pc4: Optional[str], first: bool = False) -> List[Message]:
    """``first``: no woonplaats was known before, so nothing was 'aangepast'."""
    where = f"de gemeente {gemeente.name}" + (f" (postcode {pc4})" if pc4 else "")
    if first:
        return [_msg(f"Ik onthoud dat u in {where} woont.")]
    return [_msg(f"Ik heb uw woonplaats aangepast naar {where}.")]


def what_next() -> List[Message]:
    return [_msg(
        "Waar kan ik u mee helpen?",
        [
            {"title": "Cliëntondersteuner zoeken", "payload": "/find_clientondersteuner"},
            {"title": "Zorgkantoor zoeken (Wlz)", "payload": "/find_zorgkantoor"},
        ],
    )]


def lookup_offer_for_place(gemeente: Gemeente, zorgkantoor_first: bool = False,
                           gemeente_arranges: bool = False) -> List[Message]:
    """After an FAQ answer to a message that named a place: the place is not lost, the lookup
    for it is one tap away (the slots already hold it, so the form asks nothing).

    ``gemeente_arranges``: the answer said "this differs per gemeente, ask your gemeente"; the
    person named the place, so we say which gemeente that is (hand grading: a place used only
    in the buttons read as not heard)."""
    buttons = [
        {"title": f"Cliëntondersteuner in {gemeente.name_short}", "payload": "/find_clientondersteuner"},
        {"title": f"Zorgkantoor voor {gemeente.name_short} (Wlz)", "payload": "/find_zorgkantoor"},
    ]
    if zorgkantoor_first:
        buttons.reverse()
        text = f"Zoekt u het zorgkantoor voor de gemeente {gemeente.name}, of een cliëntondersteuner daar?"
    elif gemeente_arranges:
        text = (f"Hiervoor kunt u terecht bij de gemeente {gemeente.name}: kijk op haar website "
                "of bel 14 met het netnummer. Zoekt u ook een cliëntondersteuner daar, of het zorgkantoor?")
    else:
        text = f"Zoekt u een cliëntondersteuner in de gemeente {gemeente.name}, of het zorgkantoor daarvoor?"
    return [_msg(f"{text} Kies hieronder.", buttons)]


def location_kept(gemeente: Optional[Gemeente]) -> List[Message]:
    if gemeente is None:
        return []
    return [_msg(f"Ik gebruik voorlopig nog de gemeente {gemeente.name}.")]


def lookup_unavailable() -> List[Message]:
    return [_msg("Het zoeken lukt nu even niet. Probeer het over een paar minuten opnieuw. "
                 f"Heeft u nu hulp nodig? {ROUTE_GEMEENTE[0].upper() + ROUTE_GEMEENTE[1:]}.")]


# --- the two-stage fallback and the hand-over to a person ------------------------------

SOMETHING_ELSE = {"title": "Iets anders", "payload": "/human_handoff"}


def gemeente_phrase(gemeente_name: Optional[str]) -> str:
    """'de gemeente Den Haag', or 'uw gemeente' when it is not known."""
    return f"de gemeente {gemeente_name}" if gemeente_name else "uw gemeente"


def suggest_topics(buttons: List[Dict[str, str]], told_a_story: bool = False) -> List[Message]:
    """First stage: the likeliest topics, and a way out to a person.

    A carer who tells their situation instead of asking is thanked first: "Ik weet niet
    zeker wat u bedoelt" after a story reads as not listening (hand grading of real stories).
    """
    opening = ("Dank u dat u dit vertelt. Wilt u met iemand praten over uw situatie? "
               f"Bel {MANTELZORGLIJN}. Of kies hieronder een onderwerp."
               if told_a_story else
               "Ik weet niet zeker wat u bedoelt. Gaat uw vraag over een van deze onderwerpen?")
    return [_msg(opening, [*buttons, dict(SOMETHING_ELSE)])]


def handoff_after_fallback(gemeente_name: Optional[str]) -> List[Message]:
    """Second stage: still not understood, so point to a person at the gemeente."""
    return [_msg(
        f"Ik kan u hier helaas niet verder helpen. Een medewerker van {gemeente_phrase(gemeente_name)} "
        f"helpt u graag. Bel {GEMEENTE_NUMBER} van uw gemeente, of kijk op de website van de gemeente. "
        f"Wilt u praten over de zorg voor uw naaste? Bel {MANTELZORGLIJN}."
    )]


def human_handoff(gemeente_name: Optional[str]) -> List[Message]:
    """The user asked for a person: the gemeente (named when known) and the Mantelzorglijn."""
    return [_msg(
        f"U kunt een medewerker van {gemeente_phrase(gemeente_name)} spreken. Bel {GEMEENTE_NUMBER} "
        "van uw gemeente, of kijk op de website van de gemeente. Voor advies over mantelzorg kunt u "
        f"ook de Mantelzorglijn bellen: {MANTELZORGLIJN_NUMBER}."
    )]
