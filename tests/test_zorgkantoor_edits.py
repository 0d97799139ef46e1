"""The editors' zorgkantoor file (registry/zorgkantoren.csv) on top of the shipped records:
its checks, how a change or a confirmation changes what residents are told, the reload while
running, and the studio's adapter that writes it. No browser; the live path is in test_studio."""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import replace
from pathlib import Path

import pytest

from actions import messages as msgs
from lookup import get_lookup
from lookup.places import Places
from lookup.zorgkantoor import (
    CLEARED,
    EDIT_COLUMNS,
    ZorgkantoorEdit,
    Zorgkantoren,
    check_edit,
    default_edits_path,
    edits_text,
    parse_edits_text,
)
from ops.model_state import HASHED_PATHS, ROOT

HEADER = ",".join(EDIT_COLUMNS) + "\n"
TODAY = dt.date(2026, 12, 5)


@pytest.fixture(scope="module")
def places() -> Places:
    return get_lookup().places


@pytest.fixture
def edits_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "zorgkantoren.csv"
    monkeypatch.setenv("ZORGKANTOREN_CSV", str(path))
    return path


def zorgkantoren(places: Places, path: Path) -> Zorgkantoren:
    return Zorgkantoren(places, edits_path=path, check_interval_s=0)


def texts(gm_code: str, zk: Zorgkantoren) -> str:
    lk = get_lookup()
    region = zk.region(lk.places.gemeente(gm_code).zk_code)
    return " ".join(m["text"] for m in msgs.zorgkantoor(lk.gemeente(gm_code), region, zk.record(region.code)))


def test_the_editors_file_is_outside_the_models_hashed_inputs() -> None:
    relative = default_edits_path().resolve().relative_to(ROOT)
    assert relative == Path("registry/zorgkantoren.csv")
    assert relative.parts[0] not in HASHED_PATHS
    # the shipped file holds no editor rows: every region starts from the research data
    assert (ROOT / relative).read_text(encoding="utf-8") == HEADER


def test_without_edits_the_shipped_records_are_used(places: Places, tmp_path: Path) -> None:
    zk = zorgkantoren(places, tmp_path / "missing.csv")
    record = zk.record("ZK12")
    assert record.concern.startswith("VGZ") and not record.verified and not record.confirmed
    assert record.shipped_source == record.source and record.source.startswith("https://")
    assert "Volgens onze gegevens" in texts("GM0855", zk)  # Tilburg: a likely record


def test_a_confirmation_makes_the_answer_plain_with_its_date(places: Places, edits_file: Path) -> None:
    edits_file.write_text(HEADER + "ZK12,Midden-Brabant,,,,,,,Bram de Vries,2026-12-05,gebeld met het zorgkantoor\n",
                          encoding="utf-8")
    zk = zorgkantoren(places, edits_file)
    record = zk.record("ZK12")
    assert record.verified and record.confirmed
    assert (record.confirmed_by, record.confirmed_on) == ("Bram de Vries", "2026-12-05")
    assert record.concern == zk.shipped["ZK12"].concern and record.source == zk.shipped["ZK12"].source
    body = texts("GM0855", zk)
    assert "Het zorgkantoor in uw regio is van VGZ" in body and "gecontroleerd op 5 december 2026" in body
    assert "Volgens onze gegevens" not in body and "niet zeker" not in body
    assert "Bram" not in body  # the editor's name stays in the studio and the audit log
    assert all(msgs.word_count(m["text"]) <= msgs.MAX_WORDS
               for m in msgs.zorgkantoor(get_lookup().gemeente("GM0855"), zk.region("ZK12"), record))


def test_a_changed_concern_keeps_both_sources_and_is_no_longer_verified(places: Places, edits_file: Path) -> None:
    # ZK04 Arnhem is verified by the research; an editor names another concern
    edits_file.write_text(HEADER + "ZK04,Arnhem,Anders Zorgkantoor,,-,https://voorbeeld.invalid/arnhem,"
                          "Bram,2026-12-04,,,\n", encoding="utf-8")
    zk = zorgkantoren(places, edits_file)
    record, shipped = zk.record("ZK04"), zk.shipped["ZK04"]
    assert shipped.verified and shipped.website
    assert record.concern == "Anders Zorgkantoor" and record.website == ""  # '-' clears the shipped website
    assert not record.verified and record.concern_confidence == "edited"
    assert record.source == "https://voorbeeld.invalid/arnhem" and record.shipped_source == shipped.source
    assert (record.changed_by, record.changed_on) == ("Bram", "2026-12-04")
    assert "Volgens onze gegevens voert Anders Zorgkantoor" in texts("GM0202", zk)  # Arnhem


def test_a_phone_change_of_a_verified_record_keeps_it_verified(places: Places, edits_file: Path) -> None:
    edits_file.write_text(HEADER + "ZK04,Arnhem,,0800 1234567,,https://voorbeeld.invalid/tel,Bram,2026-12-04,,,\n",
                          encoding="utf-8")
    record = zorgkantoren(places, edits_file).record("ZK04")
    assert record.verified and record.phone == "0800 1234567" and record.concern.startswith("Menzis")


@pytest.mark.parametrize("row, code", [
    ("ZK99,,,,,,,,,,", "onbekende_regio"),
    ("ZK12,,,12345,,https://a.invalid/x,,,,,", "ongeldig_telefoonnummer"),
    ("ZK12,,,,geen website,https://a.invalid/x,,,,,", "ongeldige_website"),
    ("ZK12,,VGZ,,,,,,,,", "bron_ontbreekt"),
    ("ZK12,,VGZ,,,zomaar ergens,,,,,", "ongeldige_bron"),
    ("ZK12,,,,,,,,Bram,,", "controle_onvolledig"),
    ("ZK12,,,,,,,,Bram,5-12-2026,", "ongeldige_datum"),
])
def test_bad_rows_are_refused_with_a_dutch_reason(row: str, code: str) -> None:
    parse = parse_edits_text(HEADER + row + "\n", get_lookup().zorgkantoren.regions)
    assert parse.edits == {}  # a refused row is never used
    assert [i.code for i in parse.issues] == [code], parse.issues
    issue = parse.issues[0]
    assert issue.line == 2 and issue.error and issue.message[0].islower()
    for cell in ("12345", "geen website", "zomaar ergens", "5-12-2026"):
        assert cell not in issue.log_text()  # logs name line and column, never the content


def test_a_date_in_the_future_is_refused_with_a_day_of_slack() -> None:
    regions = get_lookup().zorgkantoren.regions

    def codes(day: str) -> list:
        edit = ZorgkantoorEdit(zk_code="ZK12", confirmed_by="Bram", confirmed_on=day)
        return [i.code for i in check_edit(edit, regions, today=TODAY)]
    assert codes("2026-12-05") == [] and codes("2026-12-06") == []  # Amsterdam may be a day ahead of UTC
    assert codes("2026-12-08") == ["ongeldige_datum"]


def test_duplicate_region_and_missing_header_column() -> None:
    zk = get_lookup().zorgkantoren
    twice = parse_edits_text(HEADER + "ZK12,,,,,,,,Bram,2026-12-01,x\nZK12,,,,,,,,Anna,2026-12-02,y\n", zk.regions)
    assert [i.code for i in twice.errors] == ["dubbele_regel"] and twice.edits["ZK12"].confirmed_by == "Bram"
    assert [i.code for i in parse_edits_text("regio,naam\nZK12,x\n", zk.regions).errors] == ["kolom_ontbreekt"]


def test_written_text_reads_back_the_same() -> None:
    edit = ZorgkantoorEdit(zk_code="ZK12", zk_name="Midden-Brabant", phone=CLEARED, website="https://a.invalid/b",
                           source="https://a.invalid/bron", changed_by="Bram, redactie", changed_on="2026-12-05")
    parse = parse_edits_text(edits_text([edit]), get_lookup().zorgkantoren.regions)
    assert parse.issues == [] and parse.edits["ZK12"].row() == edit.row()


def test_the_running_lookup_reloads_and_keeps_the_last_good_file(places: Places, edits_file: Path) -> None:
    zk = zorgkantoren(places, edits_file)
    assert not zk.record("ZK12").confirmed
    edits_file.write_text(HEADER + "ZK12,Midden-Brabant,,,,,,,Bram,2026-12-05,https://www.vgz.nl/x\n",
                          encoding="utf-8")
    assert zk.record("ZK12").confirmed  # picked up without a restart
    edits_file.write_text(HEADER + "ZK12,Midden-Brabant,,1,,,,,Bram,2026-12-05,x\n", encoding="utf-8")
    stamp = edits_file.stat().st_mtime_ns
    os.utime(edits_file, ns=(stamp + 1_000_000, stamp + 1_000_000))
    record = zk.record("ZK12")
    assert zk.reload_rejected and record.confirmed and record.phone == ""  # the bad version is not used
    assert [i.code for i in zk.last_issues] == ["ongeldig_telefoonnummer", "bron_ontbreekt"]


# --- the studio's adapter -------------------------------------------------------------------

def test_studio_confirm_change_and_withdraw(edits_file: Path) -> None:
    from studio import zorgkantoor_bridge as bridge

    view = bridge.record_view("ZK12")
    edit, issues = bridge.confirmation(view, "Bram", "", TODAY)
    assert [i.code for i in issues] == ["controle_zonder_bron"]
    edit, issues = bridge.confirmation(view, "Bram", "gebeld met het zorgkantoor", TODAY)
    assert issues == []
    bridge.save_edit(edit)
    view = bridge.record_view("ZK12")
    assert view.current.confirmed and view.current.confirmed_by == "Bram" and view.current.confirmed_on == "2026-12-05"
    assert view.edit is not None and not view.edit.changes_data

    # a change needs a source URL; with errors nothing would be saved
    values = {"concern": view.current.concern, "phone": "0800 1234567", "website": view.current.website, "source": ""}
    edit, issues, changed = bridge.propose_change(view, values, "Anna", TODAY)
    assert changed == ["phone"] and [i.code for i in issues] == ["bron_ontbreekt"]
    values["source"] = "www.vgz.nl/zorgkantoor"
    edit, issues, changed = bridge.propose_change(view, values, "Anna", TODAY)
    assert issues == [] and edit.source == "https://www.vgz.nl/zorgkantoor"
    assert edit.confirmed_by == "" and edit.concern == "" and edit.website == ""  # unchanged fields stay shipped
    bridge.save_edit(edit)
    view = bridge.record_view("ZK12")
    assert view.current.phone == "0800 1234567" and not view.current.confirmed and view.current.changed_by == "Anna"

    # unchanged form: nothing to do; back to the shipped value: the row goes away
    assert bridge.propose_change(view, {**values, "source": ""}, "Anna", TODAY)[2] == []
    assert [i.code for i in bridge.propose_change(view, {**values, "phone": "", "source": "geen adres"},
                                                  "Anna", TODAY)[1]] == ["ongeldige_bron"]
    edit, issues, changed = bridge.propose_change(view, {**values, "phone": "", "source": "https://a.invalid/x"},
                                                  "Anna", TODAY)
    assert changed == ["phone"] and issues == [] and not edit.changes_data
    bridge.save_edit(edit)
    assert edits_file.read_text(encoding="utf-8") == HEADER
    view = bridge.record_view("ZK12")
    assert view.current == replace(view.shipped, shipped_source=view.shipped.source)


def test_studio_withdraws_a_confirmation(edits_file: Path) -> None:
    from studio import zorgkantoor_bridge as bridge

    edits_file.write_text(HEADER + "ZK12,Midden-Brabant,,,,,,,Bram,2026-12-05,gebeld\n", encoding="utf-8")
    view = bridge.record_view("ZK12")
    assert view.current.confirmed
    bridge.save_edit(bridge.withdrawal(view))
    assert not bridge.record_view("ZK12").current.confirmed
    assert edits_file.read_text(encoding="utf-8") == HEADER


def test_make_validate_reports_a_bad_row_of_the_editors_file(tmp_path: Path) -> None:
    from editor.validate import check_zorgkantoor_edits

    assert check_zorgkantoor_edits(tmp_path, "registry/zorgkantoren.csv") == []  # the file is optional
    (tmp_path / "registry").mkdir()
    (tmp_path / "registry" / "zorgkantoren.csv").write_text(HEADER + "ZK12,,VGZ,,,,,,,,\n", encoding="utf-8")
    problems = check_zorgkantoor_edits(tmp_path, "registry/zorgkantoren.csv")
    assert [(p.line, p.rule, p.severity) for p in problems] == [(2, "zorgkantoren", "error")]
    assert "bron" in problems[0].message
    assert check_zorgkantoor_edits(ROOT, "registry/zorgkantoren.csv") == []
