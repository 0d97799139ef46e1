"""The provider registry (registry/aanbieders.csv) for the studio: read it as a table, check
it with lookup.registry's own parser (the checks of `python -m lookup.registry_check`), write
it back. The action server reloads the file by itself, so no retraining is needed."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List

from lookup.places import Places
from lookup.registry import KINDS, _delimiter, default_registry_path, parse_registry_text
from studio.content_bridge import write_lock

REGISTRY_COLUMNS = ("naam", "soort", "gemeenten", "adres", "postcode", "plaats", "telefoon", "website",
                    "openingstijden", "talen", "mantelzorgers", "fictief")
_places: Dict[str, Any] = {}


def places_data() -> Places:
    """The places (gemeenten, postcodes), loaded once per studio process."""
    if "places" not in _places:
        _places["places"] = Places()
    return _places["places"]


def registry_path() -> Path:
    return default_registry_path()


def registry_kinds() -> Dict[str, str]:
    return dict(KINDS)


@dataclass
class RegistryTable:
    header: List[str]
    rows: List[Dict[str, str]]
    delimiter: str = ","


def read_registry() -> RegistryTable:
    text = registry_path().read_text(encoding="utf-8-sig") if registry_path().exists() else ""
    first = next((ln for ln in text.splitlines() if ln.strip()), ",".join(REGISTRY_COLUMNS))
    delimiter = _delimiter(first)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    records = [r for r in reader if any(c.strip() for c in r)]
    header = [c.strip().lower() for c in records[0]] if records else list(REGISTRY_COLUMNS)
    for column in REGISTRY_COLUMNS:
        if column not in header:
            header.append(column)
    rows = [{name: (record[i] if i < len(record) else "") for i, name in enumerate(header)} for record in records[1:]]
    return RegistryTable(header, rows, delimiter)


def registry_text(table: RegistryTable) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=table.delimiter, lineterminator="\n")
    writer.writerow(table.header)
    for row in table.rows:
        writer.writerow([row.get(name, "") for name in table.header])
    return out.getvalue()


@dataclass
class RegistryCheck:
    issues: List[Any]
    served: Dict[int, List[str]]   # data row index -> names of the gemeenten it serves

    def errors_for(self, index: int) -> List[str]:
        return [i.message for i in self.issues if i.error and i.line == index + 2]

    def warnings_for(self, index: int) -> List[str]:
        return [i.message for i in self.issues if not i.error and i.line == index + 2]

    @property
    def errors(self) -> List[Any]:
        return [i for i in self.issues if i.error]


def check_registry(table: RegistryTable) -> RegistryCheck:
    """The checks of lookup.registry_check on the table as it would be saved."""
    places = places_data()
    parsed = parse_registry_text(registry_text(table), places, registry_path().name)
    served = {p.line - 2: sorted(places.gemeente(code).name for code in p.gm_codes) for p in parsed.providers}
    return RegistryCheck(list(parsed.issues), served)


def save_registry(table: RegistryTable) -> None:
    """Write the registry; the action server reloads it on its own (no retraining)."""
    path = registry_path()
    with write_lock:
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_text(registry_text(table), encoding="utf-8")
        tmp.replace(path)
