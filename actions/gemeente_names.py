"""Display names of gemeenten for messages (CBS code -> short name), from the lookup library."""
from __future__ import annotations

from typing import Optional

from lookup import get_lookup


def gemeente_name(gm_code: Optional[str]) -> Optional[str]:
    gemeente = get_lookup().places.gemeenten.get(gm_code or "")
    return gemeente.name_short if gemeente else None
