"""Distances and a small grid index for points in the Netherlands (WGS84)."""
from __future__ import annotations

import math
from typing import Dict, Generic, Iterable, List, Tuple, TypeVar

EARTH_RADIUS_KM = 6371.0088

T = TypeVar("T")

def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


class GridIndex(Generic[T]):
    """Nearest-point search over a fixed set of points, bucketed in cells of `cell_deg`.

    Searches rings of cells around the query until the best hit is provably nearest.
    """

    def __init__(self, points: Iterable[Tuple[float, float, T]], cell_deg: float = 0.1) -> None:
        self._cell = cell_deg
        self._cells: Dict[Tuple[int, int], List[Tuple[float, float, T]]] = {}
        for lat, lon, item in points:
            self._cells.setdefault(self._key(lat, lon), []).append((lat, lon, item))
        self._size = sum(len(v) for v in self._cells.values())

    def __len__(self) -> int:
        return self._size

    def _key(self, lat: float, lon: float) -> Tuple[int, int]:
        return (math.floor(lat / self._cell), math.floor(lon / self._cell))

    def nearest(self, lat: float, lon: float, k: int = 1, max_rings: int = 40) -> List[Tuple[float, T]]:
        """Up to k (distance_km, item) pairs, nearest first."""
        if self._size == 0 or k <= 0:
            return []
        ci, cj = self._key(lat, lon)
        found: List[Tuple[float, T]] = []
        for ring in range(max_rings + 1):
            for i in range(ci - ring, ci + ring + 1):
                for j in range(cj - ring, cj + ring + 1):
                    if max(abs(i - ci), abs(j - cj)) != ring:
                        continue
                    for plat, plon, item in self._cells.get((i, j), ()):
                        found.append((haversine_km(lat, lon, plat, plon), item))
            if len(found) >= k:
                found.sort(key=lambda pair: pair[0])
                # anything outside the searched square is at least ring cells away;
                # a cell is narrowest (in km) at the highest latitude of the square
                top = min(abs(lat) + (ring + 1) * self._cell, 89.0)
                cell_km = self._cell * 110.5 * math.cos(math.radians(top))
                if found[k - 1][0] <= ring * cell_km:
                    return found[:k]
        found.sort(key=lambda pair: pair[0])
        return found[:k]
