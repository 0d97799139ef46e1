"""The provider registry: the sample file, row-by-row errors, the checker CLI and reloads."""
from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest

from lookup import KINDS, get_lookup
from lookup.geo import haversine_km
from lookup.places import Places
from lookup.registry import (
    COLUMNS,
    Registry,
    RegistryStore,
    default_registry_path,
    parse_registry,
    parse_registry_text,
)

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "registry" / "aanbieders.csv"
HEADER = ",".join(COLUMNS)


@pytest.fixture(scope="module")
def places() -> Places:
    return get_lookup().places


def row(naam="Voorbeeld Test", soort="wmo-clientondersteuning", gemeenten="Utrecht", adres="Voorbeeldstraat 1",
        postcode="3511 ZZ", plaats="Utrecht", telefoon="", website="https://voorbeeld.invalid/test",
        openingstijden="ma 9-12 uur", talen="Nederlands", mantelzorgers="ja", fictief="ja") -> str:
    cells = [naam, soort, gemeenten, adres, postcode, plaats, telefoon, website, openingstijden, talen,
             mantelzorgers, fictief]
    return ",".join(f'"{c}"' if "," in c else c for c in cells)


# --- the shipped sample --------------------------------------------------------------------


def test_sample_registry_is_valid(places: Places) -> None:
    result = parse_registry(SAMPLE, places)
    assert result.issues == []
    assert len(result.providers) == result.rows >= 25


def test_sample_covers_25_gemeenten_in_all_12_provinces(places: Places) -> None:
    providers = parse_registry(SAMPLE, places).providers
    served = {code for p in providers for code in p.gm_codes}
    assert len(served) >= 25
    provinces = {places.gemeente(code).province for code in served}
    assert len(provinces) == 12
    assert {p.kind for p in providers} == set(KINDS)  # every kind has an example


def test_sample_is_plainly_fictitious(places: Places) -> None:
    for p in parse_registry(SAMPLE, places).providers:
        assert p.fictitious, p.name
        assert p.name.startswith("Voorbeeld "), p.name
        assert p.phone == "", p.name  # no real-looking phone numbers
        assert urlparse(p.website).hostname.endswith(".invalid"), p.website
        assert p.address.startswith("Voorbeeldstraat")


def test_sample_serves_groningen_and_tilburg(places: Places) -> None:
    registry = Registry(parse_registry(SAMPLE, places).providers)
    assert registry.serving("GM0014")
    assert registry.serving("GM0855")


def test_default_path_and_env_override(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("AANBIEDERS_CSV", raising=False)
    assert default_registry_path() == SAMPLE
    monkeypatch.setenv("AANBIEDERS_CSV", str(tmp_path / "eigen.csv"))
    assert default_registry_path() == tmp_path / "eigen.csv"


# --- bad rows are reported row by row --------------------------------------------------------


def test_bad_rows_are_reported_with_line_numbers(places: Places) -> None:
    text = "\n".join([
        HEADER,
        row(naam="Voorbeeld Goed"),                       # 2 ok
        row(naam=""),                                      # 3 missing name
        row(naam="Voorbeeld A", gemeenten="Amsterdm"),     # 4 unknown gemeente (with a hint)
        row(naam="Voorbeeld B", postcode="35111"),         # 5 malformed postcode
        row(naam="Voorbeeld C", postcode="1000 AA"),       # 6 postcode that does not exist
        row(naam="Voorbeeld D", soort="huisarts"),         # 7 unknown kind
        row(naam="Voorbeeld E", gemeenten="Bergen"),       # 8 ambiguous gemeente
        row(naam="Voorbeeld F", telefoon="bel ons"),       # 9 bad phone
        row(naam="Voorbeeld G", website="ftp:/x"),         # 10 bad website
        row(naam="Voorbeeld H", mantelzorgers="soms"),     # 11 bad yes/no
        row(naam="Voorbeeld Goed"),                        # 12 duplicate of line 2
        row(naam="Voorbeeld I") + ",extra",                # 13 too many columns
        "",                                                # 14 blank line: skipped
        row(naam="Voorbeeld J", gemeenten="Den Haag|GM0363", website="www.voorbeeld.invalid"),  # 15 ok
    ])
    result = parse_registry_text(text, places, file="aanbieders.csv")
    by_line = {}
    for issue in result.errors:
        by_line.setdefault(issue.line, []).append(issue)
    assert sorted(by_line) == [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]
    assert "naam ontbreekt" in by_line[3][0].message
    assert "Amsterdm" in by_line[4][0].message and "Bedoelt u 'Amsterdam'" in by_line[4][0].message
    assert "geen geldige postcode" in by_line[5][0].message
    assert "bestaat niet" in by_line[6][0].message
    assert "soort 'huisarts' is onbekend" in by_line[7][0].message
    assert "niet eenduidig" in by_line[8][0].message
    assert str(by_line[3][0]).startswith("aanbieders.csv:3: ")
    # the valid rows are still there
    assert [p.name for p in result.providers] == ["Voorbeeld Goed", "Voorbeeld J"]
    j = result.providers[1]
    assert j.gm_codes == ("GM0518", "GM0363") and j.website == "https://www.voorbeeld.invalid"


def test_multiline_cells_keep_line_numbers(places: Places) -> None:
    text = HEADER + "\n" + row(openingstijden='ma 9-12\nwo 13-17') + "\n" + row(naam="")
    text = text.replace("ma 9-12\nwo 13-17", '"ma 9-12\nwo 13-17"')
    result = parse_registry_text(text, places)
    assert len(result.providers) == 1
    assert [i.line for i in result.errors] == [4]


def test_missing_column_rejects_the_file(places: Places) -> None:
    result = parse_registry_text("naam,soort,adres\nVoorbeeld,mee,Straat 1\n", places)
    assert result.providers == []
    assert result.errors[0].line == 1 and "gemeenten" in result.errors[0].message


def test_empty_file(places: Places) -> None:
    result = parse_registry_text("", places)
    assert result.providers == [] and result.errors[0].code == "leeg_bestand"


def test_excel_exports_semicolons_bom_and_cp1252(places: Places, tmp_path: Path) -> None:
    text = HEADER.replace(",", ";") + "\n" + row(naam="Voorbeeld Cliëntondersteuning").replace(",", ";") + "\n"
    utf8 = tmp_path / "utf8.csv"
    utf8.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    result = parse_registry(utf8, places)
    assert result.issues == [] and result.providers[0].name == "Voorbeeld Cliëntondersteuning"
    legacy = tmp_path / "cp1252.csv"
    legacy.write_bytes(text.encode("cp1252"))
    result = parse_registry(legacy, places)
    assert result.errors == [] and result.warnings[0].code == "geen_utf8"
    assert result.providers[0].name == "Voorbeeld Cliëntondersteuning"


def test_unknown_column_is_a_warning(places: Places) -> None:
    result = parse_registry_text(HEADER + ",opmerking\n" + row() + ",iets\n", places)
    assert result.errors == [] and len(result.providers) == 1
    assert result.warnings[0].code == "onbekende_kolom"


def test_real_phone_formats_are_accepted(places: Places) -> None:
    for phone in ("010 123 4567", "+31 10 123 4567", "14 010", "0800-1234", "(030) 123 45 67"):
        result = parse_registry_text(HEADER + "\n" + row(telefoon=phone), places)
        assert result.errors == [], phone


# --- the checker CLI ---------------------------------------------------------------------------


def _check(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lookup.registry_check", *args], cwd=ROOT,
                          capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
                          timeout=120)


def test_cli_accepts_the_sample() -> None:
    done = _check(str(SAMPLE))
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout == ""
    assert "in orde" in done.stderr


def test_cli_reports_each_bad_row(tmp_path: Path) -> None:
    bad = tmp_path / "aanbieders.csv"
    bad.write_text("\n".join([HEADER, row(), row(naam="", postcode="12AB"), row(naam="X", gemeenten="Nergensdorp")]),
                   encoding="utf-8")
    done = _check(str(bad))
    assert done.returncode == 1
    lines = done.stdout.strip().splitlines()
    assert lines[0].startswith("aanbieders.csv:3: ")
    assert any(line.startswith("aanbieders.csv:4: gemeente 'Nergensdorp' bestaat niet") for line in lines)
    assert all(line.startswith(("aanbieders.csv:3: ", "aanbieders.csv:4: ")) for line in lines)


# --- the action server's store: last good data stays in use ---------------------------------


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))  # a visible change


def test_first_load_uses_valid_rows_and_logs_without_values(places: Places, tmp_path: Path,
                                                            caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "aanbieders.csv"
    _write(path, "\n".join([HEADER, row(naam="Voorbeeld Een"), row(naam="Voorbeeld Twee", gemeenten="Amsterdm")]))
    with caplog.at_level(logging.WARNING, logger="lookup.registry"):
        store = RegistryStore(path, places, check_interval_s=0)
    assert [p.name for p in store.current().providers] == ["Voorbeeld Een"]
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "aanbieders.csv:3" in logged and "onbekende_gemeente" in logged
    assert "Amsterdm" not in logged and "Voorbeeld Twee" not in logged


def test_reload_with_errors_keeps_the_last_good_registry(places: Places, tmp_path: Path) -> None:
    path = tmp_path / "aanbieders.csv"
    _write(path, "\n".join([HEADER, row(naam="Voorbeeld Een"), row(naam="Voorbeeld Twee", gemeenten="Zwolle",
                                                                   postcode="8011 ZZ")]))
    store = RegistryStore(path, places, check_interval_s=0)
    assert len(store.current()) == 2
    # an editor breaks one row: the reload is refused, both old providers stay
    _write(path, "\n".join([HEADER, row(naam="Voorbeeld Een"), row(naam="", gemeenten="Zwolle")]))
    assert len(store.current()) == 2
    assert store.reload_rejected and store.last_issues[0].line == 3
    # the file disappears: still the last good data
    path.unlink()
    assert len(store.current()) == 2
    # a fixed file is picked up without a restart
    _write(path, "\n".join([HEADER, row(naam="Voorbeeld Drie")]))
    assert [p.name for p in store.current().providers] == ["Voorbeeld Drie"]
    assert not store.reload_rejected


def test_unchanged_file_is_not_parsed_again(places: Places, tmp_path: Path) -> None:
    path = tmp_path / "aanbieders.csv"
    _write(path, HEADER + "\n" + row())
    store = RegistryStore(path, places, check_interval_s=0)
    first = store.current()
    assert store.current() is first
    assert store.reload() is False


# --- nearest providers -------------------------------------------------------------------------


def test_nearest_serving_matches_a_full_scan(places: Places) -> None:
    registry = Registry(parse_registry(SAMPLE, places).providers)
    for pc in list(places.postcodes.values())[::7]:
        got = registry.nearest_serving(pc.lat, pc.lon, pc.gm_code, k=3)
        naive = sorted(
            ((haversine_km(pc.lat, pc.lon, p.lat, p.lon), p.line) for p in registry.providers
             if pc.gm_code in p.gm_codes)
        )[:3]
        assert [(round(h.distance_km, 9), h.provider.line) for h in got] == [(round(d, 9), line) for d, line in naive]
        assert all(h.serves_gemeente for h in got)


def test_nearest_any_ignores_who_is_served(places: Places) -> None:
    registry = Registry(parse_registry(SAMPLE, places).providers)
    hits = registry.nearest_any(53.2194, 6.5665, k=3)  # Groningen
    assert len(hits) == 3 and hits[0].distance_km <= hits[1].distance_km <= hits[2].distance_km
    assert registry.nearest_any(53.2194, 6.5665, k=3, max_km=0.001) == []
