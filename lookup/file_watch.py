"""When to re-read a file that editors change while the servers run.

The provider registry and the zorgkantoor edits are both read again when their file
changed (modification time or size), checked at most every ``check_interval_s`` seconds,
so a change reaches the running assistant within about a second without a restart.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Optional, Tuple


class FileWatch:
    """Tells whether a file is due for a check, and whether it changed since the last read."""

    def __init__(self, path: Path, check_interval_s: float = 1.0) -> None:
        self.path = path
        self.check_interval_s = check_interval_s
        self._stamp: Optional[Tuple[int, int]] = None
        self._checked_at = 0.0

    def stamp(self) -> Optional[Tuple[int, int]]:
        """(modification time, size) of the file, or None when it cannot be read."""
        try:
            st = self.path.stat()
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_size)

    def due(self) -> bool:
        """True when the last check is at least ``check_interval_s`` ago."""
        return time.monotonic() - self._checked_at >= self.check_interval_s

    def changed(self, force: bool = False) -> bool:
        """Record a check now; True when the file changed since the last read (or ``force``)."""
        self._checked_at = time.monotonic()
        stamp = self.stamp()
        if not force and stamp == self._stamp:
            return False
        self._stamp = stamp
        return True
