"""Display names of gemeenten for messages (CBS code -> name)."""
from __future__ import annotations

import csv
import functools
from pathlib import Path
from typing import Dict, Optional

GEMEENTEN_CSV = Path(__file__).resolve().parent.parent / "lookup" / "data" / "gemeenten_2025.csv"


@functools.lru_cache(maxsize=1)
def _names() -> Dict[str, str]:
    with open(GEMEENTEN_CSV, encoding="utf-8") as f:
        return {row["gm_code"]: row["name_short"] for row in csv.DictReader(f)}


def gemeente_name(gm_code: Optional[str]) -> Optional[str]:
    return _names().get(gm_code or "")
