"""Zorgkantoorregio's (31), their gemeenten and one zorgkantoor record per region.

The shipped record (`lookup/data/zorgkantoren.csv`, from the December 2026 research file with
a source per region) says which organisation runs each zorgkantoor and how sure that is:
`verified` (a page ties it to the region) or `likely` (only an undated overview table).
No phone numbers were found.

The gemeente's editors keep their changes and confirmations in a separate file
(`registry/zorgkantoren.csv`, or `ZORGKANTOREN_CSV`), written by the studio: one row per region
that an editor changed or checked, on top of the shipped record. That file lies outside the
model's hashed inputs (lookup/ is hashed), so a confirmation never makes the model out of date;
it is reloaded when it changes, like the provider registry. A record with a confirmation
(`confirmed_by`, `confirmed_on`) counts as verified.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import os
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from lookup.file_watch import FileWatch
from lookup.places import DATA_DIR, Places
from lookup.registry import Issue, NumberedRows, phone_is_valid, website_is_valid

logger = logging.getLogger(__name__)

_TRUE = {"true", "ja", "yes", "1", "waar"}


@dataclass(frozen=True)
class Region:
    code: str  # 'ZK12'
    name: str  # 'Midden-Brabant'
    iwlz_codes: Tuple[str, ...]
    gm_codes: Tuple[str, ...]


@dataclass(frozen=True)
class Zorgkantoor:
    zk_code: str
    region_name: str
    concern: str  # which insurer runs it; a best guess unless verified
    concern_confidence: str  # verified / likely (research), or high / medium / low (older guesses)
    phone: str
    website: str
    verified: bool
    source: str
    confirmed_by: str = ""  # the editor who confirmed the record with a primary source
    confirmed_on: str = ""  # and when (YYYY-MM-DD)
    confirmed_source: str = ""  # how it was checked (a page, or 'telefonisch bij …')
    changed_by: str = ""  # the editor who last changed concern, phone or website
    changed_on: str = ""
    shipped_source: str = ""  # the source of the shipped record, kept when an editor changed it

    @property
    def confirmed(self) -> bool:
        return bool(self.confirmed_by and self.confirmed_on)

    @property
    def concern_is_uncertain(self) -> bool:
        """True when even the best guess is doubtful ('CZ?', 'CZ or Zilveren Kruis?')."""
        return (
            not self.concern
            or "?" in self.concern
            or " or " in self.concern
            or "/" in self.concern
            or self.concern_confidence.lower() == "low"
        )


# --- the editors' file: changes and confirmations on top of the shipped records ---------------

EDIT_COLUMNS: Tuple[str, ...] = (
    "zk_code", "zk_name", "concern", "phone", "website", "source", "changed_by", "changed_on",
    "confirmed_by", "confirmed_on", "confirmed_source",
)
EDITABLE = ("concern", "phone", "website")
CLEARED = "-"  # in the editors' file: this field is empty on purpose (an empty cell keeps the shipped value)


def default_edits_path() -> Path:
    """`ZORGKANTOREN_CSV` if set, else `registry/zorgkantoren.csv` in the repository."""
    env = os.environ.get("ZORGKANTOREN_CSV")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent.parent / "registry" / "zorgkantoren.csv"


@dataclass(frozen=True)
class ZorgkantoorEdit:
    """One row of the editors' file. For concern/phone/website: '' keeps the shipped value,
    CLEARED makes it empty."""

    zk_code: str
    zk_name: str = ""
    concern: str = ""
    phone: str = ""
    website: str = ""
    source: str = ""
    changed_by: str = ""
    changed_on: str = ""
    confirmed_by: str = ""
    confirmed_on: str = ""
    confirmed_source: str = ""
    line: int = 0

    @property
    def changes_data(self) -> bool:
        return any(getattr(self, name) for name in EDITABLE)

    def row(self) -> Dict[str, str]:
        return {name: getattr(self, name) for name in EDIT_COLUMNS}


@dataclass
class EditsParse:
    edits: Dict[str, ZorgkantoorEdit] = field(default_factory=dict)
    issues: List[Issue] = field(default_factory=list)

    @property
    def errors(self) -> List[Issue]:
        return [i for i in self.issues if i.error]


def _valid_date(text: str, today: Optional[dt.date] = None) -> bool:
    """YYYY-MM-DD and not in the future; one day of slack, since the studio writes its local
    date (Europe/Amsterdam) and a server may run on UTC."""
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return False
    return day <= (today or dt.date.today()) + dt.timedelta(days=1)


def check_edit(edit: ZorgkantoorEdit, regions: Dict[str, Region], file: str = "zorgkantoren.csv",
               today: Optional[dt.date] = None) -> List[Issue]:
    """The checks on one row of the editors' file; Dutch messages for editors (and the studio)."""
    issues: List[Issue] = []

    def err(code: str, column: str, message: str) -> None:
        issues.append(Issue(file, edit.line, code, column, message))

    if edit.zk_code not in regions:
        err("onbekende_regio", "zk_code", f"zorgkantoorregio '{edit.zk_code}' bestaat niet (ZK01 tot en met ZK31).")
    if edit.phone and edit.phone != CLEARED and not phone_is_valid(edit.phone):
        err("ongeldig_telefoonnummer", "phone",
            f"telefoonnummer '{edit.phone}' klopt niet. Schrijf tien cijfers die met 0 beginnen "
            "(zoals 0xx xxx xxxx), of een 0800- of 0900-nummer.")
    if edit.website and edit.website != CLEARED and not website_is_valid(edit.website):
        err("ongeldige_website", "website", f"website '{edit.website}' klopt niet. Begin met https://.")
    if edit.changes_data:
        if not edit.source:
            err("bron_ontbreekt", "source", "bij een wijziging hoort een bron: het webadres (https://…) van de "
                "pagina waar de nieuwe gegevens staan.")
        elif not website_is_valid(edit.source):
            err("ongeldige_bron", "source", f"bron '{edit.source}' is geen webadres. Begin met https://.")
    if edit.changed_on and not _valid_date(edit.changed_on, today):
        err("ongeldige_datum", "changed_on", f"datum '{edit.changed_on}' klopt niet. Schrijf JJJJ-MM-DD, "
            "niet in de toekomst.")
    if bool(edit.confirmed_by) != bool(edit.confirmed_on):
        err("controle_onvolledig", "confirmed_by", "een controle heeft een naam én een datum nodig "
            "(confirmed_by en confirmed_on).")
    elif edit.confirmed_on and not _valid_date(edit.confirmed_on, today):
        err("ongeldige_datum", "confirmed_on", f"datum '{edit.confirmed_on}' klopt niet. Schrijf JJJJ-MM-DD, "
            "niet in de toekomst.")
    return issues


def _normalise_website(value: str) -> str:
    value = value.strip()
    return "https://" + value if value.lower().startswith("www.") else value


def parse_edits_text(text: str, regions: Dict[str, Region], file: str = "zorgkantoren.csv") -> EditsParse:
    """Check the editors' file given as text. Never raises on bad content."""
    result = EditsParse()
    reader = csv.reader(io.StringIO(text))
    header: Optional[List[str]] = None
    rows = NumberedRows(reader)
    try:
        for start, record in rows:
            if header is None:
                header = [c.strip().lower() for c in record]
                if "zk_code" not in header:
                    result.issues.append(Issue(file, start, "kolom_ontbreekt", "zk_code",
                                               "de kopregel mist de kolom zk_code. De eerste regel moet de "
                                               "kolomnamen bevatten: " + ", ".join(EDIT_COLUMNS) + "."))
                    return result
                continue
            cells = {name: (record[i].strip() if i < len(record) else "") for i, name in enumerate(header)}
            values = {name: cells.get(name, "") for name in EDIT_COLUMNS}
            values["zk_code"] = values["zk_code"].upper()
            for name in ("website", "source"):
                values[name] = _normalise_website(values[name])
            edit = ZorgkantoorEdit(line=start, **values)
            issues = check_edit(edit, regions, file)
            if edit.zk_code in result.edits:
                issues.append(Issue(file, start, "dubbele_regel", "zk_code", f"regio {edit.zk_code} staat al op "
                                    f"regel {result.edits[edit.zk_code].line}."))
            result.issues.extend(issues)
            if not any(i.error for i in issues):
                result.edits[edit.zk_code] = edit
    except csv.Error as exc:
        result.issues.append(Issue(file, rows.next_line, "csv_fout", "",
                                   f"het bestand is hier niet goed te lezen ({exc}). Controleer de aanhalingstekens."))
    return result


def edits_text(edits: List[ZorgkantoorEdit]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(EDIT_COLUMNS), lineterminator="\n")
    writer.writeheader()
    for edit in sorted(edits, key=lambda e: e.zk_code):
        writer.writerow(edit.row())
    return out.getvalue()


def apply_edit(shipped: Zorgkantoor, edit: Optional[ZorgkantoorEdit]) -> Zorgkantoor:
    """The record residents see: the shipped record with the editors' change and confirmation.

    A changed concern is no longer covered by the research's 'verified'; a change drops a
    confirmation that came with the shipped file (it confirmed other data)."""
    if edit is None:
        return replace(shipped, shipped_source=shipped.source)

    def pick(name: str) -> str:
        value = getattr(edit, name)
        return getattr(shipped, name) if not value else ("" if value == CLEARED else value)

    concern = pick("concern")
    concern_changed = concern != shipped.concern
    confirmed = bool(edit.confirmed_by and edit.confirmed_on)
    keep_shipped_confirmation = not edit.changes_data and not confirmed
    return replace(
        shipped,
        concern=concern,
        phone=pick("phone"),
        website=pick("website"),
        concern_confidence="edited" if concern_changed else shipped.concern_confidence,
        verified=confirmed or (shipped.verified and not concern_changed),
        source=edit.source if edit.changes_data else shipped.source,
        shipped_source=shipped.source,
        changed_by=edit.changed_by if edit.changes_data else "",
        changed_on=edit.changed_on if edit.changes_data else "",
        confirmed_by=edit.confirmed_by if confirmed else (shipped.confirmed_by if keep_shipped_confirmation else ""),
        confirmed_on=edit.confirmed_on if confirmed else (shipped.confirmed_on if keep_shipped_confirmation else ""),
        confirmed_source=edit.confirmed_source if confirmed else "",
    )


class Zorgkantoren:
    """Regions and their zorgkantoor records: the shipped ones with the editors' file on top,
    reloaded when that file changes (checked at most every `check_interval_s`).

    First load: the valid rows of the editors' file are used. A later reload with any error is
    rejected and the last good version stays in use, as for the provider registry."""

    def __init__(self, places: Places, data_dir: Path = DATA_DIR, edits_path: Optional[Path] = None,
                 check_interval_s: float = 1.0) -> None:
        self.data_dir = data_dir
        self.edits_path = edits_path or default_edits_path()
        self.check_interval_s = check_interval_s
        self.regions: Dict[str, Region] = {}
        self.shipped: Dict[str, Zorgkantoor] = {}
        self.edits: Dict[str, ZorgkantoorEdit] = {}
        self.last_issues: List[Issue] = []
        self.reload_rejected = False
        self._records: Dict[str, Zorgkantoor] = {}
        self._lock = threading.Lock()
        self._watch = FileWatch(self.edits_path, check_interval_s)
        self._loaded = False
        self._load_regions(places)
        self._load_records()
        self.reload(force=True)

    def _load_regions(self, places: Places) -> None:
        with open(self.data_dir / "zorgkantoorregios_2025.csv", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                codes: List[str] = []
                for name in row["gemeenten"].split("|"):
                    found = places.gemeente_by_name(name)
                    official = [c for c in found if places.gemeente(c).name == name] or list(found)
                    if len(official) != 1:
                        raise ValueError(f"zorgkantoorregio {row['zk_code']}: gemeente {name!r} not unique")
                    codes.append(official[0])
                iwlz = tuple(c for c in row["iwlz_zorgkantoor_code"].replace("(", " ").split() if c.isdigit())
                self.regions[row["zk_code"]] = Region(
                    code=row["zk_code"], name=row["zk_name"], iwlz_codes=iwlz, gm_codes=tuple(codes)
                )

    def _load_records(self) -> None:
        with open(self.data_dir / "zorgkantoren.csv", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                if row["zk_code"] not in self.regions:
                    raise ValueError(f"zorgkantoren.csv: unknown region {row['zk_code']}")
                self.shipped[row["zk_code"]] = Zorgkantoor(
                    zk_code=row["zk_code"],
                    region_name=row["zk_name"],
                    concern=row["concern"].strip(),
                    concern_confidence=row["concern_confidence"].strip(),
                    phone=row["phone"].strip(),
                    website=row["website"].strip(),
                    verified=(row["verified"].strip().lower() in _TRUE
                              or bool((row.get("confirmed_by") or "").strip())),
                    source=row["source"].strip(),
                    confirmed_by=(row.get("confirmed_by") or "").strip(),
                    confirmed_on=(row.get("confirmed_on") or "").strip(),
                )

    # --- the editors' file ---------------------------------------------------------------

    def read_edits(self) -> EditsParse:
        """The editors' file as it is on disk now (a missing file has no edits)."""
        try:
            text = self.edits_path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            return EditsParse()
        except (OSError, UnicodeDecodeError) as exc:
            parse = EditsParse()
            parse.issues.append(Issue(self.edits_path.name, 0, "bestand_onleesbaar", "",
                                      f"het bestand is niet te lezen ({exc})."))
            return parse
        return parse_edits_text(text, self.regions, self.edits_path.name)

    def reload(self, force: bool = False) -> bool:
        """Reload the editors' file when it changed (or `force`). True when new data is in use."""
        with self._lock:
            if not self._watch.changed(force):
                return False
            parsed = self.read_edits()
            self.last_issues = parsed.issues
            for issue in parsed.issues:
                logger.warning("zorgkantoor edits: %s", issue.log_text())
            if parsed.errors and self._loaded:
                self.reload_rejected = True
                logger.warning("zorgkantoor edits: reload rejected (%d errors); keeping the last good version",
                               len(parsed.errors))
                return False
            self.reload_rejected = False
            self.edits = parsed.edits
            self._records = {code: apply_edit(record, parsed.edits.get(code))
                             for code, record in self.shipped.items()}
            self._loaded = True
            logger.info("zorgkantoor edits: %d region(s) changed or confirmed by editors", len(parsed.edits))
            return True

    def _refresh(self) -> None:
        if self._watch.due():
            self.reload()

    @property
    def records(self) -> Dict[str, Zorgkantoor]:
        """Every region's record as residents see it now."""
        self._refresh()
        return self._records

    def region(self, zk_code: str) -> Region:
        return self.regions[zk_code]

    def record(self, zk_code: str) -> Zorgkantoor:
        return self.records[zk_code]
