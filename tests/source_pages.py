"""The page a test message came from, compared however its address is written.

Shared by the checks that keep every test set's pages apart from the sets collected before it
(tests/test_realistic_set.py, tests/test_fresh_safety_sets.py)."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable, Set


def page_key(url: str) -> str:
    """The same page however it is written: no scheme, www., query, fragment or trailing slash."""
    url = re.sub(r"^https?://(www\.)?", "", url.strip().lower())
    return url.split("#")[0].split("?")[0].rstrip("/")


def pages_in(paths: Iterable[Path]) -> Set[str]:
    """Every page an address in these files names (sources, and addresses in their comments)."""
    pages: Set[str] = set()
    for path in paths:
        pages |= {page_key(u) for u in re.findall(r"https?://[^\s'\"]+", path.read_text(encoding="utf-8"))}
    return pages
