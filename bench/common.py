"""Shared helpers for the benchmark scripts: where and when a figure was measured."""
from __future__ import annotations

import os
import platform
import subprocess
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

from ops.model_state import ROOT

RESULTS = ROOT / "results"
BENCH_MODELS = ROOT / "models" / "bench"


def machine() -> Dict[str, object]:
    """Machine facts that make a figure comparable: CPU model and count, memory, OS, Python."""
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = 0.0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return {"cpu": cpu, "cpus": os.cpu_count(), "memory_gb": mem_gb,
            "os": platform.platform(), "python": platform.python_version()}


def commit() -> str:
    out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                           capture_output=True, text=True).stdout.strip()
    return (out.stdout.strip() or "unknown") + ("+local changes" if dirty else "")


def stamp() -> Dict[str, object]:
    return {"date": time.strftime("%Y-%m-%d %H:%M %Z"), "commit": commit(), "machine": machine()}


def peak_rss_mb(pid: Optional[int]) -> Optional[float]:
    """Peak resident memory (VmHWM) of a running process, in MB."""
    return rss_mb(pid, "VmHWM")


def rss_mb(pid: Optional[int], field: str = "VmRSS") -> Optional[float]:
    """Resident memory of a running process now (VmRSS) or another /proc status field, in MB."""
    if pid is None:
        return None
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100); 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, int(round(q / 100 * len(ordered) + 0.5)))
    return ordered[min(rank, len(ordered)) - 1]


def report_text(lines: List[str], result: Dict[str, Any]) -> str:
    """A report's markdown: its lines, then the run's ``note`` (``--note``) when there is one."""
    note = [str(result["note"]), ""] if result.get("note") else []
    return "\n".join([*lines, *note])
