"""The lookup library on the real data in lookup/data (no mocks)."""
from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest

from lookup import Lookup, Status, get_lookup
from lookup.geo import GridIndex, haversine_km
from lookup.places import DATA_DIR
from lookup.text import find_postcodes, place_key, parse_postcode


@pytest.fixture(scope="module")
def lk() -> Lookup:
    return get_lookup()


def names(lk: Lookup, codes) -> list:
    return [lk.gemeente(c).name for c in codes]


# --- data integrity -------------------------------------------------------------------


def test_counts(lk: Lookup) -> None:
    assert len(lk.places.gemeenten) == 342
    assert len(lk.places.postcodes) == 4086
    assert len(lk.zorgkantoren.regions) == 31
    assert len(lk.zorgkantoren.records) == 31
    assert sum(1 for p in lk.places.postcodes.values() if p.crosses_border) == 47


def test_every_gemeente_in_exactly_one_region(lk: Lookup) -> None:
    seen = {}
    for region in lk.zorgkantoren.regions.values():
        for code in region.gm_codes:
            assert code not in seen, f"{code} in {seen.get(code)} and {region.code}"
            seen[code] = region.code
    assert set(seen) == set(lk.places.gemeenten)
    for gm in lk.places.gemeenten.values():
        # the region list and the gemeente table agree
        assert seen[gm.code] == gm.zk_code
        assert lk.region_for(gm.code).code == gm.zk_code


def test_zorgkantoor_records_follow_the_research_and_invent_nothing(lk: Lookup) -> None:
    with open(DATA_DIR / "zorgkantoren.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 31
    for row in rows:
        assert row["concern_confidence"] in ("verified", "likely")
        assert row["verified"] == ("true" if row["concern_confidence"] == "verified" else "false")
        assert row["phone"] == ""  # no zorgkantoor phone number was found
        assert row["source"].startswith("https://")
    verified = {code for code, r in lk.zorgkantoren.records.items() if r.verified}
    assert verified == {"ZK04", "ZK09", "ZK21", "ZK23", "ZK29", "ZK31"}
    # the seven regions where the research corrected the older guess
    corrected = {"ZK01": "Zorg en Zekerheid", "ZK11": "Zilveren Kruis", "ZK12": "VGZ", "ZK13": "VGZ",
                 "ZK14": "Zorgkantoor Midden-IJssel", "ZK24": "VGZ", "ZK30": "CZ"}
    for code, concern in corrected.items():
        assert lk.zorgkantoren.record(code).concern.startswith(concern), code


def test_an_editor_confirmation_makes_a_record_verified(tmp_path) -> None:
    import shutil

    from lookup.places import Places
    from lookup.zorgkantoor import Zorgkantoren

    for path in DATA_DIR.iterdir():
        shutil.copy(path, tmp_path / path.name)
    table = tmp_path / "zorgkantoren.csv"
    with open(table, encoding="utf-8") as f:
        reader = csv.DictReader(f)
        fields, rows = reader.fieldnames, list(reader)
    for row in rows:
        if row["zk_code"] == "ZK12":
            row.update(confirmed_by="redacteur J.", confirmed_on="2026-12-05")
    with open(table, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    record = Zorgkantoren(Places(tmp_path), tmp_path).record("ZK12")
    assert record.verified and record.confirmed_by == "redacteur J." and record.confirmed_on == "2026-12-05"


# --- postcodes ---------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["3511AB", "3511 ab", "3511 AB", "3511", " 3511ab "])
def test_postcode_formats(lk: Lookup, text: str) -> None:
    res = lk.resolve(text)
    assert res.status is Status.RESOLVED
    assert (res.gm_code, res.pc4, res.via) == ("GM0344", "3511", "postcode")


def test_every_pc4_resolves(lk: Lookup) -> None:
    for pc in lk.places.postcodes.values():
        res = lk.resolve(pc.pc4)
        assert res.pc4 == pc.pc4
        if pc.crosses_border:
            assert res.status is Status.AMBIGUOUS
            assert set(res.candidates) == set(pc.gm_codes)
        else:
            assert res.status is Status.RESOLVED and res.gm_code == pc.gm_code


def test_border_postcode_asks_and_a_named_gemeente_decides(lk: Lookup) -> None:
    res = lk.resolve("1216")
    assert res.status is Status.AMBIGUOUS
    assert names(lk, res.candidates) == ["Hilversum", "Wijdemeren"]
    res = lk.resolve("1216 Wijdemeren")
    assert res.status is Status.RESOLVED and res.gm_code == "GM1696" and res.pc4 == "1216"


def test_all_border_postcodes_resolve_with_each_gemeente_named(lk: Lookup) -> None:
    for pc in (p for p in lk.places.postcodes.values() if p.crosses_border):
        for code in pc.gm_codes:
            res = lk.resolve(f"{pc.pc4} {lk.gemeente(code).name}")
            assert res.status is Status.RESOLVED and res.gm_code == code, (pc.pc4, code)


def test_postcode_in_a_sentence(lk: Lookup) -> None:
    res = lk.resolve("Ik woon in 9712 CP, waar vind ik een cliëntondersteuner?")
    assert res.status is Status.RESOLVED and res.gm_code == "GM0014" and res.pc4 == "9712"


@pytest.mark.parametrize("text,reason", [("1000 AA", ""), ("1000", ""), ("0123 AB", "format"), ("1234 SS", "format")])
def test_unknown_or_malformed_postcode(lk: Lookup, text: str, reason: str) -> None:
    res = lk.resolve(text)
    assert res.status is Status.UNKNOWN_POSTCODE
    assert res.reason == reason


def test_postcode_parsing_details() -> None:
    assert parse_postcode("3511ab").text == "3511 AB"
    assert parse_postcode("35111") is None
    assert [t.digits for t in find_postcodes("tel 0301234567 of 52.3702")] == []
    # '1234 en' is a postcode without letters, not '1234 EN'
    assert find_postcodes("1234 en verder")[0].letters is None


def test_a_year_next_to_a_gemeente_is_not_a_postcode(lk: Lookup) -> None:
    res = lk.resolve("sinds 2025 woon ik in Tilburg")
    assert res.status is Status.RESOLVED and res.gm_code == "GM0855" and res.pc4 is None


# --- names ---------------------------------------------------------------------------------


def test_every_official_gemeente_name_resolves_to_itself(lk: Lookup) -> None:
    for gm in lk.places.gemeenten.values():
        res = lk.resolve(gm.name)
        assert res.status is Status.RESOLVED and res.gm_code == gm.code, gm.name
        res = lk.resolve(f"Ik woon in {gm.name}.")
        assert res.status is Status.RESOLVED and res.gm_code == gm.code, gm.name


@pytest.mark.parametrize("text,expected", [
    ("Amsterdm", "Amsterdam"),
    ("ik woon in amsterdm", "Amsterdam"),
    ("Leeuwardn", "Leeuwarden"),
    ("Nijmegem", "Nijmegen"),
    ("Rotterdan", "Rotterdam"),
    ("Eindhovn", "Eindhoven"),
    ("Groningn", "Groningen"),
    ("Apeldorn", "Apeldoorn"),
])
def test_typos(lk: Lookup, text: str, expected: str) -> None:
    res = lk.resolve(text)
    assert res.status is Status.RESOLVED and lk.gemeente(res.gm_code).name == expected
    assert res.via == "fuzzy"


@pytest.mark.parametrize("text,expected", [
    ("Den Bosch", "'s-Hertogenbosch"),
    ("den bosch", "'s-Hertogenbosch"),
    ("'s-Hertogenbosch", "'s-Hertogenbosch"),
    ("s-Hertogenbosch", "'s-Hertogenbosch"),
    ("’s-Hertogenbosch", "'s-Hertogenbosch"),
    ("Den Haag", "'s-Gravenhage"),
    ("ik woon in den haag", "'s-Gravenhage"),
    ("'s Gravenhage", "'s-Gravenhage"),
    ("Capelle a/d IJssel", "Capelle aan den IJssel"),
    ("Alphen a/d Rijn", "Alphen aan den Rijn"),
    ("Ljouwert", "Leeuwarden"),
])
def test_aliases(lk: Lookup, text: str, expected: str) -> None:
    res = lk.resolve(text)
    assert res.status is Status.RESOLVED and lk.gemeente(res.gm_code).name == expected


@pytest.mark.parametrize("text,expected", [
    ("Súdwest-Fryslân", "Súdwest-Fryslân"),
    ("Sudwest Fryslan", "Súdwest-Fryslân"),
    ("Zuidwest-Friesland", "Súdwest-Fryslân"),
    ("Noardeast-Fryslân", "Noardeast-Fryslân"),
    ("De Fryske Marren", "De Fryske Marren"),
    ("De Friese Meren", "De Fryske Marren"),
    ("Tytsjerksteradiel", "Tytsjerksteradiel"),
    ("Tietjerksteradeel", "Tytsjerksteradiel"),
    ("Dantumadeel", "Dantumadiel"),
])
def test_frisian_names(lk: Lookup, text: str, expected: str) -> None:
    res = lk.resolve(text)
    assert res.status is Status.RESOLVED and lk.gemeente(res.gm_code).name == expected


@pytest.mark.parametrize("text,expected", [
    ("Bergen (NH.)", "Bergen (NH.)"),
    ("Bergen NH", "Bergen (NH.)"),
    ("Bergen (L.)", "Bergen (L.)"),
    ("Bergen Limburg", "Bergen (L.)"),
    ("Hengelo (O.)", "Hengelo (O.)"),
    ("Hengelo", "Hengelo (O.)"),
    ("Rijswijk (ZH.)", "Rijswijk (ZH.)"),
    ("Middelburg", "Middelburg (Z.)"),
    ("Laren NH", "Laren (NH.)"),
    ("Beek (L.)", "Beek (L.)"),
])
def test_province_suffixes(lk: Lookup, text: str, expected: str) -> None:
    res = lk.resolve(text)
    assert res.status is Status.RESOLVED and lk.gemeente(res.gm_code).name == expected


def test_shared_short_name_asks(lk: Lookup) -> None:
    res = lk.resolve("Bergen")
    assert res.status is Status.AMBIGUOUS
    assert set(names(lk, res.candidates)) == {"Bergen (NH.)", "Bergen (L.)"}


@pytest.mark.parametrize("text,expected", [
    ("Drachten", "Smallingerland"),
    ("Hoofddorp", "Haarlemmermeer"),
    ("Sneek", "Súdwest-Fryslân"),
    ("Harkstede", "Groningen"),
    ("Leidschendam", "Leidschendam-Voorburg"),
    ("Sint Willebrord", "Rucphen"),
    ("St. Willebrord", "Rucphen"),
    ("Hengelo Gld", "Bronckhorst"),
    ("Nuenen", "Nuenen, Gerwen en Nederwetten"),
    ("ik woon in Velp", "Rheden"),
])
def test_villages(lk: Lookup, text: str, expected: str) -> None:
    res = lk.resolve(text)
    assert res.status is Status.RESOLVED and lk.gemeente(res.gm_code).name == expected
    assert res.via == "place"


@pytest.mark.parametrize("text,expected", [
    ("Ik woon in Hoogvliet", "Rotterdam"),  # BAG: 'Hoogvliet Rotterdam', found by its own name
    ("Pernis", "Rotterdam"),
    ("Hoogvliet Rotterdam", "Rotterdam"),
    ("We wonen in Amsterdam-Zuid", "Amsterdam"),  # a city with a compass district is the city
    ("in rotterdam-zuid", "Rotterdam"),
    ("Den Haag-Zuidwest", "'s-Gravenhage"),
])
def test_a_kern_named_after_its_city_or_a_compass_district_resolves(lk: Lookup, text: str, expected: str) -> None:
    res = lk.resolve(text)
    assert res.status is Status.RESOLVED and lk.gemeente(res.gm_code).name == expected


@pytest.mark.parametrize("file_name", ["wijken.csv", "voormalige_gemeenten.csv", "friese_plaatsnamen.csv"])
def test_every_district_and_former_gemeente_resolves_to_its_gemeente(lk: Lookup, file_name: str) -> None:
    """Each row has a source, and its name leads to its gemeente (or asks among the gemeenten a
    former gemeente was split over)."""
    import csv

    from lookup.places import DATA_DIR

    with open(DATA_DIR / file_name, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) >= 90
    gemeenten: dict = {}
    for row in rows:
        assert row["source"].startswith(("http://", "https://")), row
        gemeenten.setdefault(row["name"], set()).add(row["gm_code"])
    for name, codes in gemeenten.items():
        res = lk.resolve(f"Ik woon in {name}")
        assert set(res.candidates) == codes, (name, res)
        assert res.status is (Status.RESOLVED if len(codes) == 1 else Status.AMBIGUOUS), (name, res)


@pytest.mark.parametrize("text,expected", [
    ("Ik woon in Damwoude", "Dantumadiel"),  # Dutch name; BAG: Damwâld (friese_plaatsnamen.csv)
    ("Mijn moeder woont in Grouw", "Leeuwarden"),  # Dutch name; BAG: Grou
    ("wij wonen in De Jouwer", "De Fryske Marren"),  # Frisian name; BAG: Joure
])
def test_the_other_language_name_of_a_frisian_village_resolves(lk: Lookup, text: str, expected: str) -> None:
    res = lk.resolve(text)
    assert res.status is Status.RESOLVED and lk.gemeente(res.gm_code).name == expected, res


def test_a_first_word_that_is_no_place_alone_is_not_indexed(lk: Lookup) -> None:
    """'Klein Zundert', 'Oude Pekela': 'Klein' or 'Oude' alone is no place."""
    assert lk.places.lookup_key("klein") is None and lk.places.lookup_key("oude") is None


@pytest.mark.parametrize("text, place", [
    ("We wonen in Amsterdam-Zuid.", "Amsterdam-Zuid"),
    ("kan iemand langsgaan in rotterdam-zuid?", "rotterdam-zuid"),
    ("Wij wonen in Den Haag-Zuidwest", "Den Haag-Zuidwest"),
    ("ik woon in Amsterdam-Nieuw-West", "Amsterdam-Nieuw-West"),
    ("Amsterdam Zuid-Oost", "Amsterdam"),  # a compass word alone is no place
    ("Ik kom uit Noord-Holland", None),
])
def test_the_entity_ruler_reads_a_city_with_a_compass_district_as_one_place(text: str, place) -> None:
    import spacy

    from ops.model_state import SPACY_DIR, ensure_spacy_pipeline

    ensure_spacy_pipeline()
    ents = [e.text for e in spacy.load(SPACY_DIR)(text).ents if e.label_ == "gemeente"]
    assert ents == ([place] if place else []), ents


@pytest.mark.parametrize("text, place", [
    ("Ik durf mijn kinderen en buren niet om nog meer hulp te vragen", None),
    ("Dat kan leiden tot problemen met de zorg", None),
    ("Hoe kom ik het best aan hulp?", None),
    ("Hij kan de houten trap niet meer op", None),
    ("Welk zorgkantoor hoort bij Best?", "Best"),
    ("Ik woon in Leiden", "Leiden"),
    ("Mijn vader woont in Buren en heeft hulp nodig", "Buren"),
    ("Mijn moeder woont in Amsterdam", "Amsterdam"),
    ("mijn moeder woont in amsterdam", "amsterdam"),
])
def test_a_gemeente_name_that_is_also_a_word_is_a_place_only_as_a_name(text: str, place) -> None:
    """'buren' (neighbours), 'best', 'leiden', 'houten' in lower case are the word; written as a
    name they are the gemeente. In lower case after "in" nlp/misspelt_place.py still reads them."""
    import spacy

    from ops.model_state import SPACY_DIR, ensure_spacy_pipeline

    ensure_spacy_pipeline()
    ents = [e.text for e in spacy.load(SPACY_DIR)(text).ents if e.label_ == "gemeente"]
    assert ents == ([place] if place else []), ents


@pytest.mark.parametrize("text,expected", [
    ("Zevenhuizen", {"Zuidplas", "Noordenveld"}),
    ("Nes", {"Ameland", "Noardeast-Fryslân"}),
    ("Alphen", {"Alphen aan den Rijn", "Alphen-Chaam"}),
    ("Valkenburg", {"Valkenburg aan de Geul", "Katwijk"}),
])
def test_village_in_several_gemeenten_asks(lk: Lookup, text: str, expected: set) -> None:
    res = lk.resolve(text)
    assert res.status is Status.AMBIGUOUS
    assert expected <= set(names(lk, res.candidates))


def test_common_words_are_not_places(lk: Lookup) -> None:
    assert lk.resolve("wat is het best?").status is Status.NOT_FOUND
    assert lk.resolve("Ik heb een vraag over de Wlz").status is Status.NOT_FOUND
    assert lk.resolve("waar vind ik hulp in de buurt").status is Status.NOT_FOUND
    # but a capital or 'in' makes it a place
    assert lk.resolve("Ik woon in Best").gm_code == "GM0753"
    assert lk.resolve("Best").gm_code == "GM0753"


def test_unknown_place_and_nothing_found(lk: Lookup) -> None:
    res = lk.resolve("Xyzdorp")
    assert res.status is Status.UNKNOWN_PLACE and res.query == "Xyzdorp"
    res = lk.resolve("ik woon in Qwertyhuizen")
    assert res.status is Status.UNKNOWN_PLACE and res.query == "Qwertyhuizen"
    assert lk.resolve("hallo").status is Status.NOT_FOUND
    assert lk.resolve("").status is Status.NOT_FOUND


def test_province_is_not_enough(lk: Lookup) -> None:
    res = lk.resolve("ik woon in Zeeland")
    assert res.status is Status.NOT_FOUND and res.reason == "province"
    # Groningen and Utrecht are also gemeenten
    assert lk.resolve("Utrecht").gm_code == "GM0344"


def test_button_payloads(lk: Lookup) -> None:
    res = lk.resolve('/inform_location{"gemeente":"Hilversum"}')
    assert res.status is Status.RESOLVED and res.gm_code == "GM0402"
    res = lk.resolve('/share_location{"latitude":52.37,"longitude":4.89}')
    assert res.status is Status.RESOLVED and res.gm_code == "GM0363" and res.via == "coordinates"
    assert lk.resolve("/find_zorgkantoor").status is Status.NOT_FOUND


# --- shared locations -----------------------------------------------------------------


def test_shared_location_maps_to_nearest_postcode_and_region(lk: Lookup) -> None:
    res = lk.resolve_point(52.3731, 4.8926)  # Dam, Amsterdam
    assert res.status is Status.RESOLVED and res.gm_code == "GM0363" and res.pc4 is not None
    assert lk.region_for(res.gm_code).name == "Amsterdam"
    res = lk.resolve_point(51.5555, 5.0913)  # Tilburg centre
    assert lk.region_for(res.gm_code).name == "Midden-Brabant"


def test_shared_location_abroad(lk: Lookup) -> None:
    assert lk.resolve_point(48.8566, 2.3522).status is Status.OUTSIDE  # Paris
    assert lk.resolve_point(95.0, 4.0).status is Status.OUTSIDE


def test_shared_location_on_a_border_postcode_asks(lk: Lookup) -> None:
    pc = lk.places.postcode("1216")
    res = lk.resolve_point(pc.lat, pc.lon)
    assert res.status is Status.AMBIGUOUS and set(res.candidates) == {"GM0402", "GM1696"}


def test_every_pc4_point_maps_back_to_its_postcode(lk: Lookup) -> None:
    for pc in lk.places.postcodes.values():
        dist, nearest = lk.places.nearest_postcode(pc.lat, pc.lon)
        assert dist == pytest.approx(0.0, abs=1e-6) or nearest.pc4 == pc.pc4


def test_grid_index_matches_brute_force() -> None:
    rnd = random.Random(7)
    points = [(rnd.uniform(50.7, 53.6), rnd.uniform(3.3, 7.3), i) for i in range(500)]
    grid = GridIndex(points, cell_deg=0.05)
    for _ in range(300):
        lat, lon = rnd.uniform(50.5, 53.8), rnd.uniform(3.0, 7.5)
        brute = sorted((haversine_km(lat, lon, a, b), i) for a, b, i in points)[:3]
        got = grid.nearest(lat, lon, k=3)
        assert [round(d, 9) for d, _ in got] == [round(d, 9) for d, _ in brute]


def test_haversine() -> None:
    # Amsterdam Dam -> Utrecht Dom is about 35 km
    assert 34 < haversine_km(52.3731, 4.8926, 52.0907, 5.1214) < 36
    assert haversine_km(52.0, 5.0, 52.0, 5.0) == 0.0


# --- reused by the NLU pipeline ---------------------------------------------------------------


def test_gazetteer_still_works() -> None:
    from lookup.text import strip_accents
    from nlp.gazetteer import apostrophe_names, gemeente_names

    surface = gemeente_names()
    assert surface["Den Haag"] == "GM0518"
    assert surface["Súdwest-Fryslân"] == surface["Sudwest-Fryslan"] == "GM1900"
    assert "'s-Hertogenbosch" in apostrophe_names(surface)
    assert strip_accents("Súdwest-Fryslân") == "Sudwest-Fryslan"


def test_place_key() -> None:
    assert place_key("'s-Hertogenbosch") == "s hertogenbosch"
    assert place_key("Bergen (NH.)") == "bergen nh"
    assert place_key("Capelle a/d IJssel") == place_key("Capelle aan den IJssel")


def test_missing_registry_file_gives_an_empty_registry(tmp_path: Path) -> None:
    lk = Lookup.load(registry_path=tmp_path / "missing.csv")
    assert len(lk.registry) == 0
    assert lk.resolve("Tilburg").gm_code == "GM0855"


def test_village_names_for_the_entity_ruler_leave_out_ordinary_words() -> None:
    from nlp.gazetteer import village_names

    names = village_names({"hulp", "zorg", "best"})
    assert {"Monster", "Krommenie", "Ouddorp", "Vlagtwedde"} <= names
    assert "Zwolle" not in names  # gemeenten have their own patterns
    assert not any(len(n) < 4 for n in names)
    # as people write them: a space for the hyphen, 'Ij' for 'IJ'
    assert {"Oud Beijerland", "Oud-Beijerland", "Ijsselmuiden", "IJsselmuiden"} <= names


def test_two_places_in_one_message_ask_which_one_is_meant(lk: Lookup) -> None:
    """Parents in one town, the carer in another: a choice between the two, said as such."""
    from actions.messages import ask_which_gemeente

    res = lk.resolve("Mijn ouders wonen in Tilburg en hebben steeds meer zorg nodig. Ik woon in Amsterdam.")
    assert res.status is Status.AMBIGUOUS and res.via == "several"
    assert set(names(lk, res.candidates)) == {"Tilburg", "Amsterdam"}
    text = ask_which_gemeente(res, [lk.gemeente(c) for c in res.candidates])[0]["text"]
    assert text.startswith("U noemt meer plaatsen: ") and "kan bij meer gemeenten horen" not in text
    assert "gemeente waar uw naaste woont" in text  # what decides the choice, said once


@pytest.mark.parametrize("text, value", [
    ("Ik woon in Vrieschelo en mijn man kan niet meer", "Vriescheloo"),
    ("wij wonen sinds kort in Oud Beierland", "Oud-Beijerland"),
    ("Mijn moeder woont in Amsterdm", "Amsterdam"),
])
def test_a_misspelt_place_after_ik_woon_in_becomes_the_known_place(text: str, value: str) -> None:
    from nlp.misspelt_place import MisspeltPlaceExtractor
    from lookup.places import Places

    entity = MisspeltPlaceExtractor(Places()).entity_for(text)
    assert entity is not None and entity["entity"] == "gemeente" and entity["value"] == value
    assert text[entity["start"]:entity["end"]].lower().startswith(value[:3].lower())


@pytest.mark.parametrize("text, value", [
    ("ik woon in rockanje en kan door mijn reuma niet meer zelf koken", "Rockanje"),
    ("mijn moeder woont in oud-beijerland", "Oud-Beijerland"),
    ("ik woon in nieuw lekkerland sinds kort", "Nieuw-Lekkerland"),
    ("ik woon in den helder", "Den Helder"),
    ("ik woon in bergen", "bergen"),  # in two gemeenten: kept as written, so the lookup asks which
    ("wij wonen in de bijlmer en mijn moeder heeft hulp nodig", "Bijlmer"),  # a city district (wijken.csv)
    ("ik woon in scheveningen", "Scheveningen"),
    ("ik woon in de meern", "De Meern"),  # 'De' belongs to this place's name
    ("wat voor hulp is er voor jonge mantelzorgers in lemelerveld", "Lemelerveld"),  # after a bare "in"
    ("ik zorg voor mijn moeder in den haag, kan ik een waardebon krijgen?", "Den Haag"),
    ("bij ons in capelle is er een inloop voor mantelzorgers?", "Capelle"),
    ("ik kom uit zwolle en zoek een cliëntondersteuner", "Zwolle"),
    ("is er in leiden een mantelzorgconsulent", "Leiden"),  # a gemeente that is also a word still counts
])
def test_a_place_written_without_capitals_after_in_is_read(text: str, value: str) -> None:
    """WhatsApp style: the entity ruler takes kernen only as written with a capital."""
    from nlp.misspelt_place import MisspeltPlaceExtractor
    from lookup.places import Places

    extractor = MisspeltPlaceExtractor(Places())
    entity = extractor.lowercase_entity_for(text)
    assert entity is not None and entity["value"] == value, entity
    assert place_key(text[entity["start"]:entity["end"]]) == place_key(value)  # the span is the place


@pytest.mark.parametrize("text", [
    "ik woon in een flat op drie hoog", "ik woon in het buitenland", "ik woon in nederland",
    "mijn vader woont in een zorginstelling", "wij wonen in de buurt van de kerk", "ik woon in zuid-holland",
    "ik woon in vrieschelo",  # misspelt and without capitals: too unsure to take
    # after a bare "in": village names that are ordinary words there (De Wijk, Heel, Loon, De Hoek)
    "de zorg in de wijk is goed geregeld", "dat is in heel nederland hetzelfde", "ik zit in de hoek",
    "hij krijgt het in loon uitbetaald", "ik doe alles in mijn eentje", "de zorg in elkaar zetten",
])
def test_no_place_is_made_up_from_lowercase_words_after_in(text: str) -> None:
    from nlp.misspelt_place import MisspeltPlaceExtractor
    from lookup.places import Places

    assert MisspeltPlaceExtractor(Places()).lowercase_entity_for(text) is None


@pytest.mark.parametrize("text, value", [
    ("Mijn vader wil niet weg uit Hoek maar zijn huis heeft een trap", "Hoek"),  # a word, written as a place
    ("Mijn vader woont in Capelle en is eenzaam", "Capelle"),
    ("is er in Hoek van Holland een steunpunt", "Hoek van Holland"),  # the longest known name
    ("Mijn moeder woont in Engelen en heeft dementie", "Engelen"),  # a village with no woonplaats of its own
])
def test_a_capitalised_place_after_in_that_is_also_a_word_is_read(text: str, value: str) -> None:
    from nlp.misspelt_place import MisspeltPlaceExtractor
    from lookup.places import Places

    entity = MisspeltPlaceExtractor(Places()).capitalised_entity_for(text)
    assert entity is not None and place_key(entity["value"]) == place_key(value), entity
    assert place_key(text[entity["start"]:entity["end"]]) == place_key(value)


@pytest.mark.parametrize("text", [
    "Ik woon in Nederland en zorg voor mijn vader",
    "Hij was vroeger leraar in Engeland",
    "In Hoek staat de kast",  # a capital at the start of a sentence is no sign of a place
    "ik lees het in De Telegraaf",
])
def test_no_place_is_made_up_from_capitalised_words_after_in(text: str) -> None:
    from nlp.misspelt_place import MisspeltPlaceExtractor
    from lookup.places import Places

    assert MisspeltPlaceExtractor(Places()).capitalised_entity_for(text) is None


def test_a_village_named_with_an_article_is_read_with_a_lowercase_article() -> None:
    """'in de Westereen', 'in de Meern': the article in lowercase, the name with its capital."""
    from nlp.gazetteer import village_names

    names = village_names({"hulp", "zorg", "steeg"})
    assert {"De Westereen", "de Westereen", "de Meern", "'t Harde"} <= names
    assert "de Steeg" not in names  # "in de steeg" is an alley when the word is an ordinary one
    assert "de Waal" not in names  # a river first


@pytest.mark.parametrize("text", [
    "Ik woon in Nederland, wat kost een cliëntondersteuner?",  # also a village: an ordinary word here
    "Ik woon in Holland",
    "ik woon in een flat op drie hoog",
    "Ik woon in Zwolle",  # spelt right: the entity ruler has it, nothing to correct
    "Ik woon in Qwxyzplk",  # nothing close
])
def test_no_place_is_made_up_after_ik_woon_in(text: str) -> None:
    from nlp.misspelt_place import MisspeltPlaceExtractor
    from lookup.places import Places

    assert MisspeltPlaceExtractor(Places()).entity_for(text) is None
