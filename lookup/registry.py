"""The provider registry: cliëntondersteuning organisations that a gemeente maintains.

The file is an editor-friendly CSV (`registry/aanbieders.csv`, see `registry/README.md`).
`parse_registry` checks every row and returns the valid providers plus a list of
issues (line number + Dutch explanation). `RegistryStore` keeps the registry in
memory for the action server, reloads it when the file changes and keeps the last
good version when a reload finds errors. Nothing here raises on bad content.
"""
from __future__ import annotations

import csv
import heapq
import io
import logging
import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

from lookup.file_watch import FileWatch
from lookup.geo import haversine_km
from lookup.places import Places
from lookup.text import place_key, parse_postcode

logger = logging.getLogger(__name__)

# kind key -> label used in answers
KINDS: Dict[str, str] = {
    "wmo-clientondersteuning": "Wmo-cliëntondersteuning",
    "mee": "MEE",
    "mantelzorgconsulent": "mantelzorgconsulent",
    "ouderenadviseur": "ouderenadviseur",
    "metgezel": "Metgezel",
    "vrijwillig": "vrijwillige cliëntondersteuning",
}

# what editors may write in the column 'soort' (normalised) -> kind key
_KIND_SYNONYMS: Dict[str, str] = {
    "wmo clientondersteuning": "wmo-clientondersteuning",
    "wmo clientondersteuner": "wmo-clientondersteuning",
    "wmo": "wmo-clientondersteuning",
    "clientondersteuning": "wmo-clientondersteuning",
    "onafhankelijke clientondersteuning": "wmo-clientondersteuning",
    "mee": "mee",
    "mantelzorgconsulent": "mantelzorgconsulent",
    "mantelzorgconsulenten": "mantelzorgconsulent",
    "mantelzorgondersteuning": "mantelzorgconsulent",
    "ouderenadviseur": "ouderenadviseur",
    "ouderenadviseurs": "ouderenadviseur",
    "metgezel": "metgezel",
    "vrijwillig": "vrijwillig",
    "informeel": "vrijwillig",
    "vrijwillig informeel": "vrijwillig",
    "vrijwillige clientondersteuning": "vrijwillig",
    "informele clientondersteuning": "vrijwillig",
}

COLUMNS: Tuple[str, ...] = (
    "naam", "soort", "gemeenten", "adres", "postcode", "plaats", "telefoon", "website",
    "openingstijden", "talen", "mantelzorgers", "fictief",
)
REQUIRED_COLUMNS: Tuple[str, ...] = ("naam", "soort", "gemeenten", "postcode")
LIST_SEPARATOR = "|"

_YES = {"ja", "j", "true", "waar", "yes", "y", "1", "x"}
_NO = {"nee", "n", "false", "onwaar", "no", "0", ""}
_PHONE_OK = (
    re.compile(r"(\+31|0031|0)[1-9]\d{8}"),  # ten digits starting with 0, or +31 and nine digits
    re.compile(r"14\d{3,4}"),  # gemeente: 14 + netnummer
    re.compile(r"0[89]0[0-9]\d{4,7}"),  # 0800 / 0900 numbers
)
_WEBSITE_OK = re.compile(r"^https?://[^\s/]+\.[^\s/]+(/\S*)?$", re.IGNORECASE)


def phone_is_valid(phone: str) -> bool:
    """Ten digits from 0 (or +31), 14 + netnummer, or an 0800/0900 number; spaces and dashes allowed."""
    digits = re.sub(r"[\s\-().]", "", phone)
    return any(p.fullmatch(digits) for p in _PHONE_OK)


def website_is_valid(url: str) -> bool:
    """An http(s) address with a host that has a dot, and no spaces."""
    return bool(_WEBSITE_OK.match(url))


@dataclass(frozen=True)
class Provider:
    name: str
    kind: str  # key of KINDS
    gm_codes: Tuple[str, ...]  # gemeenten served
    address: str
    postcode: str  # '9712 AB' or '9712'
    pc4: str
    place: str
    phone: str
    website: str
    opening_hours: str
    languages: Tuple[str, ...]
    supports_carers: bool
    fictitious: bool
    lat: float
    lon: float
    line: int  # line in the source file, for editors

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]


@dataclass(frozen=True)
class ProviderHit:
    provider: Provider
    distance_km: float
    serves_gemeente: bool


@dataclass(frozen=True)
class Issue:
    """One problem in the registry file. `code` and `field` carry no content values."""

    file: str
    line: int
    code: str
    field: str
    message: str  # Dutch, for editors; may quote the cell
    error: bool = True  # False: a warning, the row is still used

    def __str__(self) -> str:
        prefix = "" if self.error else "waarschuwing: "
        return f"{self.file}:{self.line}: {prefix}{self.message}"

    def log_text(self) -> str:
        """For logs: line, field and kind of problem, no cell values."""
        return f"{self.file}:{self.line}: {self.code} (kolom {self.field or '-'})"


@dataclass
class RegistryParse:
    providers: List[Provider] = field(default_factory=list)
    issues: List[Issue] = field(default_factory=list)
    rows: int = 0

    @property
    def errors(self) -> List[Issue]:
        return [i for i in self.issues if i.error]

    @property
    def warnings(self) -> List[Issue]:
        return [i for i in self.issues if not i.error]


# --- parsing -------------------------------------------------------------------


def _decode(raw: bytes, file: str, issues: List[Issue]) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        issues.append(
            Issue(file, 1, "geen_utf8", "", "het bestand is niet opgeslagen als UTF-8. "
                  "Sla het op als 'CSV UTF-8 (door komma's gescheiden)'. "
                  "Letters met accenten kunnen nu verkeerd staan.", error=False)
        )
        return raw.decode("cp1252", errors="replace")


def _delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def _bool(value: str) -> Optional[bool]:
    v = value.strip().lower()
    if v in _YES:
        return True
    if v in _NO:
        return False
    return None


def _kind(value: str) -> Optional[str]:
    key = place_key(value)
    if key in _KIND_SYNONYMS:
        return _KIND_SYNONYMS[key]
    return _KIND_SYNONYMS.get(key.replace(" ", ""))


class NumberedRows:
    """The rows of a csv reader with the line each starts on, blank rows skipped.

    ``next_line`` is the line after the last row read: where a csv error is reported.
    Shared by the provider registry and the zorgkantoor edits (lookup/zorgkantoor.py).
    """

    def __init__(self, reader: Any) -> None:
        self.reader = reader
        self.next_line = 1

    def __iter__(self) -> Iterator[Tuple[int, List[str]]]:
        for record in self.reader:
            start, self.next_line = self.next_line, self.reader.line_num + 1
            if any(cell.strip() for cell in record):
                yield start, record


def parse_registry_text(text: str, places: Places, file: str = "aanbieders.csv") -> RegistryParse:
    """Check a registry given as text. Never raises on bad content."""
    result = RegistryParse()
    lines = text.splitlines(keepends=True)
    first = next((ln for ln in lines if ln.strip()), "")
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(first))
    header: Optional[List[str]] = None
    columns: Dict[str, int] = {}
    seen: Dict[Tuple[str, str], int] = {}
    rows = NumberedRows(reader)
    try:
        for start, record in rows:
            if header is None:
                header = [place_key(c).replace(" ", "") for c in record]
                columns = {name: i for i, name in enumerate(header) if name}
                missing = [c for c in REQUIRED_COLUMNS if c not in columns]
                if missing:
                    result.issues.append(Issue(
                        file, start, "kolom_ontbreekt", ",".join(missing),
                        "de kopregel mist de kolom(men): " + ", ".join(missing)
                        + ". De eerste regel moet de kolomnamen bevatten: " + ", ".join(COLUMNS) + ".",
                    ))
                    return result
                for name in header:
                    if name and name not in COLUMNS:
                        result.issues.append(Issue(
                            file, start, "onbekende_kolom", name,
                            f"kolom '{name}' wordt niet gebruikt en is overgeslagen.", error=False,
                        ))
                continue
            result.rows += 1
            provider, row_issues = _parse_row(record, columns, len(header), start, file, places)
            result.issues.extend(row_issues)
            if provider is None:
                continue
            key = (place_key(provider.name), provider.pc4)
            if key in seen:
                result.issues.append(Issue(
                    file, start, "dubbele_regel", "naam",
                    f"dubbele regel: dezelfde naam en postcode staan al op regel {seen[key]}.",
                ))
                continue
            seen[key] = start
            result.providers.append(provider)
    except csv.Error as exc:  # e.g. a quote that is never closed
        result.issues.append(Issue(
            file, rows.next_line, "csv_fout", "",
            f"het bestand is hier niet goed te lezen ({exc}). Controleer de aanhalingstekens.",
        ))
    if header is None:
        result.issues.append(Issue(file, 1, "leeg_bestand", "", "het bestand is leeg: er staat geen kopregel in."))
    return result


def _parse_row(
    record: List[str], columns: Dict[str, int], width: int, line: int, file: str, places: Places
) -> Tuple[Optional[Provider], List[Issue]]:
    issues: List[Issue] = []

    def err(code: str, column: str, message: str) -> None:
        issues.append(Issue(file, line, code, column, message))

    def cell(name: str) -> str:
        i = columns.get(name)
        return record[i].strip() if i is not None and i < len(record) else ""

    if len(record) > width and any(c.strip() for c in record[width:]):
        err("te_veel_kolommen", "", f"deze regel heeft {len(record)} kolommen, de kopregel {width}. "
            "Staat er een komma in een tekst zonder aanhalingstekens eromheen?")
        return None, issues

    name = cell("naam")
    if not name:
        err("naam_ontbreekt", "naam", "de naam ontbreekt.")

    kind_text = cell("soort")
    kind = _kind(kind_text) if kind_text else None
    if not kind_text:
        err("soort_ontbreekt", "soort", "de soort ontbreekt. Kies uit: " + ", ".join(KINDS) + ".")
    elif kind is None:
        err("onbekende_soort", "soort", f"soort '{kind_text}' is onbekend. Kies uit: " + ", ".join(KINDS) + ".")

    gm_codes: List[str] = []
    gemeenten_text = cell("gemeenten")
    if not gemeenten_text:
        err("gemeenten_ontbreken", "gemeenten", "de kolom gemeenten is leeg. Noem minstens één gemeente.")
    for raw in (g.strip() for g in gemeenten_text.split(LIST_SEPARATOR)):
        if not raw:
            continue
        codes = places.gemeente_by_name(raw)
        if len(codes) == 1:
            if codes[0] not in gm_codes:
                gm_codes.append(codes[0])
        elif len(codes) > 1:
            options = " of ".join(f"'{places.gemeente(c).name}'" for c in codes)
            err("gemeente_niet_eenduidig", "gemeenten", f"gemeente '{raw}' is niet eenduidig: schrijf {options}.")
        else:
            hint = places.suggest_gemeente(raw)
            extra = f" Bedoelt u '{hint.name}'?" if hint else ""
            err("onbekende_gemeente", "gemeenten", f"gemeente '{raw}' bestaat niet (gemeenten 2025).{extra}")

    postcode_text = cell("postcode")
    pc = None
    token = parse_postcode(postcode_text) if postcode_text else None
    if not postcode_text:
        err("postcode_ontbreekt", "postcode", "de postcode ontbreekt (bijvoorbeeld 3511 AB).")
    elif token is None or not token.valid_format:
        err("ongeldige_postcode", "postcode",
            f"postcode '{postcode_text}' is geen geldige postcode. Schrijf 4 cijfers en 2 letters, "
            "bijvoorbeeld 3511 AB.")
    else:
        pc = places.postcode(token.digits)
        if pc is None:
            err("onbekende_postcode", "postcode", f"postcode '{postcode_text}' bestaat niet in de postcodelijst.")

    phone = cell("telefoon")
    if phone:
        if not phone_is_valid(phone):
            err("ongeldig_telefoonnummer", "telefoon",
                f"telefoonnummer '{phone}' klopt niet. Schrijf tien cijfers die met 0 beginnen "
                "(zoals 0xx xxx xxxx) of 14 + het netnummer.")

    website = cell("website")
    if website and website.lower().startswith("www."):
        website = "https://" + website
    if website and not website_is_valid(website):
        err("ongeldige_website", "website", f"website '{website}' klopt niet. Begin met https://.")

    flags: Dict[str, bool] = {}
    for column in ("mantelzorgers", "fictief"):
        value = _bool(cell(column))
        if value is None:
            err("ongeldige_ja_nee", column, f"kolom {column}: schrijf 'ja' of 'nee', niet '{cell(column)}'.")
            value = False
        flags[column] = value

    if issues or kind is None or pc is None:
        return None, issues
    letters = token.letters if token else None
    return Provider(
        name=name,
        kind=kind,
        gm_codes=tuple(gm_codes),
        address=cell("adres"),
        postcode=f"{pc.pc4} {letters}" if letters else pc.pc4,
        pc4=pc.pc4,
        place=cell("plaats"),
        phone=phone,
        website=website,
        opening_hours=cell("openingstijden"),
        languages=tuple(x.strip() for x in cell("talen").split(LIST_SEPARATOR) if x.strip()),
        supports_carers=flags["mantelzorgers"],
        fictitious=flags["fictief"],
        lat=pc.lat,
        lon=pc.lon,
        line=line,
    ), issues


def parse_registry(path: Path, places: Places) -> RegistryParse:
    """Check a registry file. A missing or unreadable file is an issue, not an exception."""
    file = path.name
    try:
        raw = path.read_bytes()
    except OSError as exc:
        result = RegistryParse()
        result.issues.append(Issue(file, 0, "bestand_onleesbaar", "",
                                   f"het bestand is niet te lezen ({exc.strerror})."))
        return result
    issues: List[Issue] = []
    result = parse_registry_text(_decode(raw, file, issues), places, file=file)
    result.issues[:0] = issues
    return result


# --- in-memory registry ---------------------------------------------------------


class Registry:
    """Valid providers indexed by the gemeenten they serve."""

    def __init__(self, providers: Iterable[Provider], source: str = "") -> None:
        self.providers: Tuple[Provider, ...] = tuple(providers)
        self.source = source
        by_gm: Dict[str, List[Provider]] = {}
        for p in self.providers:
            for code in p.gm_codes:
                by_gm.setdefault(code, []).append(p)
        self._by_gm: Dict[str, Tuple[Provider, ...]] = {k: tuple(v) for k, v in by_gm.items()}

    def __len__(self) -> int:
        return len(self.providers)

    def serving(self, gm_code: str) -> Tuple[Provider, ...]:
        return self._by_gm.get(gm_code, ())

    def served_gemeenten(self) -> Tuple[str, ...]:
        return tuple(sorted(self._by_gm))

    def nearest_serving(
        self, lat: float, lon: float, gm_code: str, k: int = 3, kinds: Optional[Sequence[str]] = None
    ) -> List[ProviderHit]:
        """Up to k providers that serve the gemeente, nearest first."""
        candidates = self._by_gm.get(gm_code, ())
        if kinds:
            candidates = tuple(p for p in candidates if p.kind in kinds)
        best = heapq.nsmallest(
            k, ((haversine_km(lat, lon, p.lat, p.lon), p.line, p) for p in candidates)
        )
        return [ProviderHit(provider=p, distance_km=d, serves_gemeente=True) for d, _, p in best]

    def nearest_any(
        self, lat: float, lon: float, k: int = 3, gm_code: Optional[str] = None,
        max_km: Optional[float] = None,
    ) -> List[ProviderHit]:
        """Up to k providers by distance only (full scan), whoever they serve."""
        scored = ((haversine_km(lat, lon, p.lat, p.lon), p.line, p) for p in self.providers)
        best = heapq.nsmallest(k, scored) if max_km is None else heapq.nsmallest(
            k, (s for s in scored if s[0] <= max_km))
        return [ProviderHit(p, d, gm_code in p.gm_codes if gm_code else False) for d, _, p in best]


def default_registry_path() -> Path:
    """`AANBIEDERS_CSV` if set, else `registry/aanbieders.csv` in the repository."""
    env = os.environ.get("AANBIEDERS_CSV")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent.parent / "registry" / "aanbieders.csv"


class RegistryStore:
    """Holds the registry in memory and reloads it when the file changes.

    First load (or while nothing is loaded): the valid rows are used and bad rows are
    logged at WARNING without cell values. A later reload with any error is rejected:
    the last good registry stays in use until the file is fixed.
    """

    def __init__(self, path: Path, places: Places, check_interval_s: float = 1.0) -> None:
        self.path = path
        self.places = places
        self.check_interval_s = check_interval_s
        self.last_issues: List[Issue] = []
        self.reload_rejected = False
        self._lock = threading.Lock()
        self._watch = FileWatch(path, check_interval_s)
        self._registry = Registry((), source=str(path))
        self.reload(force=True)

    def current(self) -> Registry:
        """The registry to use now; checks the file at most every `check_interval_s`."""
        if self._watch.due():
            self.reload()
        return self._registry

    def reload(self, force: bool = False) -> bool:
        """Reload when the file changed (or `force`). Returns True when new data is in use."""
        with self._lock:
            if not self._watch.changed(force):
                return False
            parsed = parse_registry(self.path, self.places)
            self.last_issues = parsed.issues
            for issue in parsed.issues:
                logger.warning("provider registry: %s", issue.log_text())
            # with nothing loaded yet, the valid rows are better than nothing
            first = len(self._registry) == 0
            if parsed.errors and not first:
                self.reload_rejected = True
                logger.warning(
                    "provider registry: reload rejected (%d errors); keeping the last good "
                    "registry with %d providers", len(parsed.errors), len(self._registry),
                )
                return False
            self.reload_rejected = False
            self._registry = Registry(parsed.providers, source=str(self.path))
            if parsed.errors:
                logger.warning(
                    "provider registry: loaded %d providers, skipped %d bad rows",
                    len(parsed.providers), parsed.rows - len(parsed.providers),
                )
            else:
                logger.info("provider registry: loaded %d providers", len(parsed.providers))
            return True
