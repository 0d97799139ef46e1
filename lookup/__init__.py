"""Lookups for the carer assistant: where someone lives, their zorgkantoor, nearby providers.

Plain Python (no Rasa imports). All data is loaded once into memory:

    from lookup import get_lookup
    lk = get_lookup()
    res = lk.resolve("Ik woon in 9712 CP")      # -> Resolution(status=RESOLVED, gm_code='GM0014', ...)
    lk.providers_near(res.gm_code, res.pc4)     # -> up to 3 ProviderHit, nearest first
    lk.zorgkantoor_for("GM0855")                # -> (Region 'Midden-Brabant', Zorgkantoor record)
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import List, Optional, Sequence, Tuple

from lookup.places import DATA_DIR, Gemeente, Places, Postcode
from lookup.registry import (
    KINDS,
    Provider,
    ProviderHit,
    Registry,
    RegistryStore,
    default_registry_path,
)
from lookup.resolve import Resolution, Status, resolve_point, resolve_text
from lookup.zorgkantoor import Region, Zorgkantoor, Zorgkantoren, default_edits_path

__all__ = [
    "KINDS", "Gemeente", "Lookup", "Postcode", "Provider", "ProviderHit", "Region", "Registry",
    "Resolution", "Status", "Zorgkantoor", "get_lookup",
]


@dataclass
class Lookup:
    places: Places
    zorgkantoren: Zorgkantoren
    registry_store: RegistryStore

    @classmethod
    def load(cls, data_dir: Path = DATA_DIR, registry_path: Optional[Path] = None,
             check_interval_s: float = 1.0, zorgkantoor_edits_path: Optional[Path] = None) -> "Lookup":
        places = Places(data_dir)
        return cls(
            places=places,
            zorgkantoren=Zorgkantoren(places, data_dir, zorgkantoor_edits_path or default_edits_path(),
                                      check_interval_s=check_interval_s),
            registry_store=RegistryStore(registry_path or default_registry_path(), places,
                                         check_interval_s=check_interval_s),
        )

    # --- where someone lives -----------------------------------------------------

    def resolve(self, text: str) -> Resolution:
        return resolve_text(text, self.places)

    def resolve_point(self, lat: float, lon: float) -> Resolution:
        return resolve_point(lat, lon, self.places)

    def gemeente(self, gm_code: str) -> Gemeente:
        return self.places.gemeente(gm_code)

    def short_name(self, gm_code: Optional[str]) -> Optional[str]:
        """The gemeente's short display name ('Den Haag' for GM0518); None when unknown."""
        gemeente = self.places.gemeenten.get(gm_code or "")
        return gemeente.name_short if gemeente else None

    def origin(self, gm_code: str, pc4: Optional[str] = None) -> Tuple[float, float]:
        """The point distances are measured from: the PC4 if it lies in the gemeente,
        else the gemeente's centre (mean of its PC4 points)."""
        pc = self.places.postcode(pc4) if pc4 else None
        if pc is not None and gm_code in pc.gm_codes:
            return pc.lat, pc.lon
        gm = self.places.gemeente(gm_code)
        return gm.lat, gm.lon

    # --- providers -----------------------------------------------------------------

    @property
    def registry(self) -> Registry:
        return self.registry_store.current()

    def providers_near(self, gm_code: str, pc4: Optional[str] = None, k: int = 3,
                       kinds: Optional[Sequence[str]] = None) -> List[ProviderHit]:
        """Up to k providers that serve the gemeente, nearest first."""
        lat, lon = self.origin(gm_code, pc4)
        return self.registry.nearest_serving(lat, lon, gm_code, k=k, kinds=kinds)

    def providers_for_postcode(self, pc4: str, k: int = 3) -> List[ProviderHit]:
        """Postcode -> the k nearest providers serving its (main) gemeente."""
        pc = self.places.postcode(pc4)
        if pc is None:
            return []
        return self.registry.nearest_serving(pc.lat, pc.lon, pc.gm_code, k=k)

    # --- zorgkantoor ---------------------------------------------------------------

    def region_for(self, gm_code: str) -> Region:
        return self.zorgkantoren.region(self.places.gemeente(gm_code).zk_code)

    def zorgkantoor_for(self, gm_code: str) -> Tuple[Region, Zorgkantoor]:
        region = self.region_for(gm_code)
        return region, self.zorgkantoren.record(region.code)


@lru_cache(maxsize=1)
def get_lookup() -> Lookup:
    """The shared, lazily loaded lookup (data read once per process)."""
    return Lookup.load()
