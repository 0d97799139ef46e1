"""Zorgkantoorregio's (31), their gemeenten and one zorgkantoor record per region.

The record (`lookup/data/zorgkantoren.csv`, from the December 2026 research file with a
source per region) says which organisation runs each zorgkantoor and how sure that is:
`verified` (a page ties it to the region) or `likely` (only an undated overview table).
An editor who checked a record with the zorgkantoor or insurer fills in `confirmed_by` and
`confirmed_on`; the record then counts as verified. No phone numbers were found.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Tuple

from lookup.places import DATA_DIR, Places

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


class Zorgkantoren:
    """Regions and their zorgkantoor records."""

    def __init__(self, places: Places, data_dir: Path = DATA_DIR) -> None:
        self.data_dir = data_dir
        self.regions: Dict[str, Region] = {}
        self.records: Dict[str, Zorgkantoor] = {}
        self._load_regions(places)
        self._load_records()

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
                self.records[row["zk_code"]] = Zorgkantoor(
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

    def region(self, zk_code: str) -> Region:
        return self.regions[zk_code]

    def record(self, zk_code: str) -> Zorgkantoor:
        return self.records[zk_code]
