"""Gemeenten, 4-digit postcodes (PC4) and the names people use for them.

Loads `gemeenten_2025.csv`, `pc4_gemeente.csv`, `aliases.csv`, `wijken.csv` (city districts) and
`voormalige_gemeenten.csv` (former gemeenten), the last two with a source per row, from
`lookup/data` and answers: which gemeente has this code / name / alias / village / PC4, what
is the nearest PC4 to a point, which names are close to a misspelt one.
"""
from __future__ import annotations

import csv
import difflib
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, FrozenSet, List, Optional, Tuple

from lookup.geo import GridIndex
from lookup.text import name_variants, place_key, place_keys, without_province_marker

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Gemeente:
    code: str  # CBS code, 'GM0363'
    name: str  # official CBS 2025 name, "'s-Gravenhage", 'Bergen (NH.)'
    name_short: str
    province: str
    lat: float
    lon: float
    zk_code: str  # zorgkantoorregio, 'ZK02'


@dataclass(frozen=True)
class Postcode:
    pc4: str
    gm_code: str
    other_gm_codes: Tuple[str, ...]
    places: Tuple[str, ...]
    lat: float
    lon: float
    flag: str = ""

    @property
    def gm_codes(self) -> Tuple[str, ...]:
        """The main gemeente first, then the gemeenten across the border (if any)."""
        return (self.gm_code,) + self.other_gm_codes

    @property
    def crosses_border(self) -> bool:
        return bool(self.other_gm_codes)


@dataclass(frozen=True)
class NameHit:
    """A name found in the index: a gemeente name/alias or a village."""

    key: str
    gm_codes: Tuple[str, ...]  # best first; more than one means ambiguous
    kind: str  # 'gemeente' | 'place'


def _display_place(place: str) -> str:
    """'Spaarndam gem. Haarlem' -> 'Spaarndam'; 'Bergen (NH)' stays as it is."""
    return re.sub(r"\s+gem\.?\s+.*$", "", place).strip()


# Place names beside the postcode data, each row with its source: name,gm_code,...,source
EXTRA_PLACE_FILES = ("wijken.csv", "voormalige_gemeenten.csv", "friese_plaatsnamen.csv")

# First words of a BAG place name that are no place on their own ('Klein Zundert', 'Oude Pekela').
_NOT_A_PLACE_ALONE = frozenset({"klein", "groot", "nieuwe", "oude", "nieuw", "oud", "broek in"})

# A village resolves to one gemeente when that gemeente has at least this share of
# the evidence (postcodes that list the village, weighted by 1/number of places).
PLACE_MAJORITY = 2.0 / 3.0


class Places:
    """All gemeenten and PC4s in memory, with name indexes and a spatial index."""

    def __init__(self, data_dir: Path = DATA_DIR) -> None:
        self.data_dir = data_dir
        self.gemeenten: Dict[str, Gemeente] = {}
        self.postcodes: Dict[str, Postcode] = {}
        self._gemeente_keys: Dict[str, FrozenSet[str]] = {}
        self._place_weights: Dict[str, Dict[str, float]] = {}
        self._load_gemeenten()
        self._load_postcodes()
        self._load_aliases()
        self._build_place_index()
        self._build_prefix_index()
        self._gemeente_key_list: List[str] = sorted(self._gemeente_keys)
        self._place_key_list: List[str] = sorted(
            (set(self._place_weights) | set(self._prefix_gemeenten)) - set(self._gemeente_keys)
        )
        self._grid: GridIndex[Postcode] = GridIndex(
            ((p.lat, p.lon, p) for p in self.postcodes.values()), cell_deg=0.05
        )

    # --- loading ------------------------------------------------------------------

    def _load_gemeenten(self) -> None:
        with open(self.data_dir / "gemeenten_2025.csv", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                gm = Gemeente(
                    code=row["gm_code"],
                    name=row["name"],
                    name_short=row["name_short"],
                    province=row["province"],
                    lat=float(row["lat"]),
                    lon=float(row["lon"]),
                    zk_code=row["zk_code"],
                )
                self.gemeenten[gm.code] = gm
        keys: Dict[str, set] = defaultdict(set)
        for gm in self.gemeenten.values():
            for name in (gm.name, gm.name_short):
                key = place_key(name)
                keys[key].add(gm.code)
                keys[without_province_marker(key)].add(gm.code)
        self._gemeente_keys = {k: frozenset(v) for k, v in keys.items()}

    def _load_aliases(self) -> None:
        with open(self.data_dir / "aliases.csv", encoding="utf-8") as f:
            self._aliases: List[Tuple[str, str]] = [
                (r["alias"], r["gm_code"]) for r in csv.DictReader(f)
            ]
        keys: Dict[str, set] = {k: set(v) for k, v in self._gemeente_keys.items()}
        for alias, code in self._aliases:
            if code not in self.gemeenten:
                raise ValueError(f"aliases.csv: unknown gm_code {code}")
            keys.setdefault(place_key(alias), set()).add(code)
        self._gemeente_keys = {k: frozenset(v) for k, v in keys.items()}

    def _load_postcodes(self) -> None:
        with open(self.data_dir / "pc4_gemeente.csv", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                others = tuple(c for c in row["other_gm_codes"].split("|") if c)
                pc = Postcode(
                    pc4=row["pc4"],
                    gm_code=row["gm_code"],
                    other_gm_codes=others,
                    places=tuple(p for p in row["places"].split("|") if p),
                    lat=float(row["lat"]),
                    lon=float(row["lon"]),
                    flag=row.get("flag", "") or "",
                )
                self.postcodes[pc.pc4] = pc

    def _build_place_index(self) -> None:
        weights: Dict[str, Dict[str, float]] = defaultdict(lambda: defaultdict(float))
        self._place_names: Dict[str, str] = {}
        for pc in self.postcodes.values():
            share = 1.0 / max(1, len(pc.places))
            for place in pc.places:
                for key, name in self._place_forms(place, pc.gm_code):
                    self._place_names.setdefault(key, name)
                    weights[key][pc.gm_code] += share
                    # the place may lie in the gemeente across the border
                    for other in pc.other_gm_codes:
                        weights[key][other] += share / 2
        districts = self._districts()
        self.district_keys: FrozenSet[str] = frozenset(key for name, _ in districts for key in place_keys(name))
        for name, code in districts:
            for key in place_keys(name):
                self._place_names.setdefault(key, name)
                weights[key][code] += 1.0
        self._place_weights = {k: dict(v) for k, v in weights.items()}

    def _place_forms(self, place: str, gm_code: str) -> List[Tuple[str, str]]:
        """(key, written name) pairs for a postcode place; 'Hoogvliet Rotterdam' is also
        'Hoogvliet' (BAG names some kernen after their gemeente; 'Nieuwe Pekela' stays whole)."""
        forms = [(key, _display_place(place)) for key in place_keys(place)]
        words = _display_place(place).split()
        if (len(words) >= 2 and place_key(words[-1]) == place_key(self.gemeenten[gm_code].name_short)
                and place_key(" ".join(words[:-1])) not in _NOT_A_PLACE_ALONE):
            short = " ".join(words[:-1])
            forms += [(key, short) for key in place_keys(short)]
        return forms

    def _districts(self) -> List[Tuple[str, str]]:
        """Names people use for where they live that are no woonplaats, with the gemeente they lie
        in: city districts ('Scheveningen') and former gemeenten ('Dongeradeel'). A name in two
        gemeenten (a former gemeente split up) asks which, as a village does."""
        rows: List[Tuple[str, str]] = []
        for file_name in EXTRA_PLACE_FILES:
            path = self.data_dir / file_name
            if not path.exists():
                continue
            with open(path, encoding="utf-8") as f:
                for row in csv.DictReader(f):
                    name, code = row["name"].strip(), row["gm_code"].strip()
                    if code not in self.gemeenten:
                        raise ValueError(f"{file_name}: unknown gm_code {code} for {name}")
                    rows.append((name, code))
        return rows

    def _build_prefix_index(self) -> None:
        """'Alphen' -> Alphen aan den Rijn and Alphen-Chaam: the first word of a longer
        gemeente name, when that word is not a gemeente name itself."""
        skip = {"midden", "noord", "zuid", "oost", "west", "sint", "het", "den", "de"}
        prefixes: Dict[str, set] = defaultdict(set)
        for gm in self.gemeenten.values():
            words = place_key(gm.name).split()
            if len(words) > 1 and len(words[0]) >= 5 and words[0] not in skip:
                prefixes[words[0]].add(gm.code)
        self._prefix_gemeenten: Dict[str, Tuple[str, ...]] = {
            k: tuple(sorted(v, key=lambda c: self.gemeenten[c].name))
            for k, v in prefixes.items() if k not in self._gemeente_keys
        }

    # --- lookups ----------------------------------------------------------------

    def gemeente(self, code: str) -> Gemeente:
        return self.gemeenten[code]

    def postcode(self, pc4: str) -> Optional[Postcode]:
        return self.postcodes.get(pc4)

    def lookup_key(self, key: str) -> Optional[NameHit]:
        """Exact lookup of a normalised key: gemeente names and aliases first, then villages."""
        codes = self._gemeente_keys.get(key)
        if codes:
            ordered = tuple(sorted(codes, key=lambda c: self.gemeenten[c].name))
            return NameHit(key=key, gm_codes=ordered, kind="gemeente")
        weights = self._place_weights.get(key)
        prefixed = self._prefix_gemeenten.get(key, ())
        if weights or prefixed:
            candidates = list(prefixed)
            for code in self._place_candidates(weights) if weights else ():
                if code not in candidates:
                    candidates.append(code)
            return NameHit(key=key, gm_codes=tuple(candidates), kind="place")
        return None

    @staticmethod
    def _place_candidates(weights: Dict[str, float]) -> Tuple[str, ...]:
        ranked = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))
        total = sum(w for _, w in ranked)
        if ranked[0][1] / total >= PLACE_MAJORITY:
            return (ranked[0][0],)
        return tuple(code for code, _ in ranked)

    def place_name(self, key: str) -> Optional[str]:
        """How a village is written in the postcode data ('Sint Willebrord' for its keys)."""
        return self._place_names.get(key)

    def fuzzy_key(self, key: str) -> Optional[Tuple[NameHit, float]]:
        """Closest gemeente name (or else village) to a misspelt key, with its similarity."""
        if len(key) < 4:
            return None
        cutoff_gemeente = 0.8 if len(key) >= 6 else 0.86
        best = difflib.get_close_matches(key, self._gemeente_key_list, n=1, cutoff=cutoff_gemeente)
        if best:
            hit = self.lookup_key(best[0])
            assert hit is not None
            return hit, difflib.SequenceMatcher(None, key, best[0]).ratio()
        best = difflib.get_close_matches(key, self._place_key_list, n=1, cutoff=0.86)
        if best:
            hit = self.lookup_key(best[0])
            assert hit is not None
            return hit, difflib.SequenceMatcher(None, key, best[0]).ratio()
        return None

    def nearest_postcode(self, lat: float, lon: float) -> Optional[Tuple[float, Postcode]]:
        hits = self._grid.nearest(lat, lon, k=1)
        return hits[0] if hits else None

    def suggest_gemeente(self, text: str) -> Optional[Gemeente]:
        """For error messages: the gemeente whose name is closest to `text`."""
        hit = self.fuzzy_key(place_key(text))
        if hit and hit[0].kind == "gemeente" and len(hit[0].gm_codes) == 1:
            return self.gemeenten[hit[0].gm_codes[0]]
        return None

    def gemeente_by_name(self, text: str) -> Tuple[str, ...]:
        """Exact gemeente codes for a name, alias or CBS code ('GM0363'); no villages."""
        stripped = text.strip()
        if stripped.upper() in self.gemeenten:
            return (stripped.upper(),)
        codes = self._gemeente_keys.get(place_key(stripped), frozenset())
        return tuple(sorted(codes))

    # --- surface forms for the NLU entity ruler -----------------------------------

    def village_names(self) -> Dict[str, str]:
        """How each village (kern) that is not a gemeente name is written -> its key, for the
        entity ruler; resolving the key later finds the gemeente ('Monster' -> Westland)."""
        return {name: key for key, name in self._place_names.items() if key not in self._gemeente_keys}

    def surface_names(self) -> Dict[str, str]:
        """Every surface form of a gemeente name (official, short, alias) -> CBS code.

        Short names shared by two gemeenten ('Bergen') map to the first in CBS order;
        resolution of the text later asks which one is meant.
        """
        names: Dict[str, str] = {}
        for gm in self.gemeenten.values():
            for col in (gm.name, gm.name_short):
                for variant in name_variants(col):
                    names.setdefault(variant, gm.code)
        for alias, code in self._aliases:
            for variant in name_variants(alias):
                names.setdefault(variant, code)
        return names
