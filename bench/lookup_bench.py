"""Benchmark: postcode -> 3 nearest providers, from memory.

    PYTHONPATH=. .venv/bin/python bench/lookup_bench.py [--calls 20000] [--seed 1]

Measures the library call (`Lookup.providers_for_postcode`) per call over random PC4s
(median, p95, p99) and, for comparison, a naive full scan (haversine to every provider,
filter, sort). Also times free text -> resolution -> 3 providers, the cold load, and
reports coverage of the sample registry. Writes results/lookup_bench.json and .md.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, Dict, List, Sequence

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lookup import Lookup, Status  # noqa: E402
from lookup.geo import haversine_km  # noqa: E402
from lookup.registry import Provider, ProviderHit, Registry  # noqa: E402

RESULTS = ROOT / "results"
TARGET_MEDIAN_MS = 1.0


def git_commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                             text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return "uncommitted"
    return out.stdout.strip() if out.returncode == 0 and out.stdout.strip() else "uncommitted"


def worktree_clean() -> bool:
    try:
        out = subprocess.run(["git", "status", "--porcelain", "--", "lookup", "bench", "registry"], cwd=ROOT,
                             capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return out.returncode == 0 and out.stdout.strip() == ""


def percentile(sorted_values: Sequence[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(q * (len(sorted_values) - 1))))
    return sorted_values[index]


def timed(fn: Callable[[str], object], inputs: Sequence[str]) -> Dict[str, float]:
    """Per-call wall time in milliseconds."""
    for x in inputs[:200]:  # warm-up
        fn(x)
    samples: List[float] = []
    clock = time.perf_counter_ns
    for x in inputs:
        t0 = clock()
        fn(x)
        samples.append((clock() - t0) / 1e6)
    samples.sort()
    return {
        "calls": len(samples),
        "median_ms": statistics.median(samples),
        "p95_ms": percentile(samples, 0.95),
        "p99_ms": percentile(samples, 0.99),
        "mean_ms": statistics.fmean(samples),
        "max_ms": samples[-1],
    }


def naive_nearest(lk: Lookup, registry: Registry, pc4: str, k: int = 3) -> List[ProviderHit]:
    """Reference implementation: distance to every provider, then filter and sort."""
    pc = lk.places.postcodes.get(pc4)
    if pc is None:
        return []
    scored = []
    for p in registry.providers:
        d = haversine_km(pc.lat, pc.lon, p.lat, p.lon)
        if pc.gm_code in p.gm_codes:
            scored.append((d, p.line, p))
    scored.sort(key=lambda s: (s[0], s[1]))
    return [ProviderHit(p, d, True) for d, _, p in scored[:k]]


def synthetic_registry(lk: Lookup, size: int, rnd: random.Random) -> Registry:
    """A fictitious national-size registry: `size` providers at random PC4s, each serving
    its own gemeente and sometimes a neighbour, to show how the lookup scales."""
    pcs = list(lk.places.postcodes.values())
    codes = list(lk.places.gemeenten)
    providers = []
    for i in range(size):
        pc = rnd.choice(pcs)
        served = (pc.gm_code,) if rnd.random() < 0.7 else (pc.gm_code, rnd.choice(codes))
        providers.append(Provider(
            name=f"Voorbeeld Synthetisch {i}", kind="wmo-clientondersteuning", gm_codes=served, address="",
            postcode=pc.pc4, pc4=pc.pc4, place="", phone="", website="", opening_hours="", languages=(),
            supports_carers=True, fictitious=True, lat=pc.lat, lon=pc.lon, line=i + 2,
        ))
    return Registry(providers, source="synthetic")


def coverage(lk: Lookup) -> Dict[str, object]:
    registry = lk.registry
    gemeenten = lk.places.gemeenten
    served = set(registry.served_gemeenten())
    within: Dict[str, int] = {}
    for km in (10, 25, 50):
        within[f"gemeenten_with_any_provider_within_{km}km"] = sum(
            1 for gm in gemeenten.values() if registry.nearest_any(gm.lat, gm.lon, k=1, max_km=km)
        )
    statuses: Dict[str, int] = {}
    pc4_in_served = 0
    for pc in lk.places.postcodes.values():
        res = lk.resolve(pc.pc4)
        statuses[res.status.value] = statuses.get(res.status.value, 0) + 1
        pc4_in_served += any(code in served for code in pc.gm_codes)
    provinces = sorted({gemeenten[c].province for c in served})
    return {
        "providers": len(registry),
        "gemeenten_total": len(gemeenten),
        "gemeenten_served_by_a_provider": len(served),
        "provinces_served": len(provinces),
        **within,
        "pc4_total": len(lk.places.postcodes),
        "pc4_resolved_to_one_gemeente": statuses.get(Status.RESOLVED.value, 0),
        "pc4_border_asks_which_gemeente": statuses.get(Status.AMBIGUOUS.value, 0),
        "pc4_unresolved": len(lk.places.postcodes) - statuses.get(Status.RESOLVED.value, 0)
        - statuses.get(Status.AMBIGUOUS.value, 0),
        "pc4_in_a_served_gemeente": pc4_in_served,
    }


def main(argv: List[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--scale", type=int, default=5000,
                        help="size of a synthetic registry for the scaling rows (0: skip)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    lk = Lookup.load()
    load_s = time.perf_counter() - t0
    registry = lk.registry

    rnd = random.Random(args.seed)
    all_pc4 = sorted(lk.places.postcodes)
    sample = [rnd.choice(all_pc4) for _ in range(args.calls)]

    # correctness first: the fast path equals the naive scan on every sampled PC4
    mismatches = sum(
        1 for pc4 in set(sample)
        if [(h.provider.line, round(h.distance_km, 9)) for h in lk.providers_for_postcode(pc4)]
        != [(h.provider.line, round(h.distance_km, 9)) for h in naive_nearest(lk, registry, pc4)]
    )

    indexed = timed(lambda pc4: lk.providers_for_postcode(pc4, k=3), sample)
    naive = timed(lambda pc4: naive_nearest(lk, registry, pc4, k=3), sample)

    def text_to_providers(pc4: str) -> object:
        res = lk.resolve(f"Ik woon in {pc4} AB, waar vind ik een cliëntondersteuner?")
        if res.gm_code:
            return lk.providers_near(res.gm_code, res.pc4, k=3)
        return None

    end_to_end = timed(text_to_providers, sample[: max(1000, args.calls // 10)])

    scaled: Dict[str, object] = {}
    if args.scale > 0:
        big = synthetic_registry(lk, args.scale, rnd)

        def big_indexed(pc4: str) -> object:
            pc = lk.places.postcodes[pc4]
            return big.nearest_serving(pc.lat, pc.lon, pc.gm_code, k=3)

        few = sample[: max(1000, args.calls // 10)]
        scaled = {
            "providers": len(big),
            "indexed": timed(big_indexed, few),
            "naive_full_scan": timed(lambda pc4: naive_nearest(lk, big, pc4, k=3), few),
        }
        scaled["naive_over_indexed_median_ratio"] = (
            scaled["naive_full_scan"]["median_ms"] / scaled["indexed"]["median_ms"])  # type: ignore[index]

    result = {
        "benchmark": "postcode (PC4) -> 3 nearest providers serving its gemeente",
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "git_commit": git_commit(),
        "lookup_worktree_clean": worktree_clean(),
        "machine": {
            "platform": platform.platform(),
            "processor": platform.processor() or platform.machine(),
            "cpu_count": os.cpu_count(),
            "python": platform.python_version(),
        },
        "data": {
            "gemeenten": len(lk.places.gemeenten),
            "pc4": len(lk.places.postcodes),
            "providers": len(registry),
            "registry": os.path.relpath(registry.source, ROOT),
        },
        "load_seconds": round(load_s, 4),
        "indexed": indexed,
        "naive_full_scan": naive,
        "naive_over_indexed_median_ratio": naive["median_ms"] / indexed["median_ms"],
        "text_to_3_providers": end_to_end,
        "synthetic_scale": scaled,
        "mismatches_vs_naive": mismatches,
        "target_median_ms": TARGET_MEDIAN_MS,
        "meets_target": indexed["median_ms"] <= TARGET_MEDIAN_MS and mismatches == 0,
        "coverage": coverage(lk),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "lookup_bench.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n",
                                                encoding="utf-8")
    (args.out / "lookup_bench.md").write_text(render_md(result), encoding="utf-8")
    print(render_md(result))
    return 0 if result["meets_target"] else 1


def render_md(r: Dict) -> str:
    def row(name: str, s: Dict[str, float]) -> str:
        return (f"| {name} | {s['calls']} | {s['median_ms'] * 1000:.1f} | {s['p95_ms'] * 1000:.1f} | "
                f"{s['p99_ms'] * 1000:.1f} | {s['mean_ms'] * 1000:.1f} |")

    m, c = r["machine"], r["coverage"]
    lines = [
        "# Lookup benchmark: postcode → 3 nearest providers",
        "",
        f"- date: {r['date']}",
        f"- git commit: {r['git_commit']} (lookup/bench/registry clean: {r['lookup_worktree_clean']})",
        f"- machine: {m['platform']}, {m['processor']}, {m['cpu_count']} CPUs, Python {m['python']}",
        f"- data: {r['data']['gemeenten']} gemeenten, {r['data']['pc4']} PC4, {r['data']['providers']} providers "
        f"({r['data']['registry']})",
        f"- cold load of all lookup data: {r['load_seconds'] * 1000:.0f} ms",
        "",
        "| path | calls | median µs | p95 µs | p99 µs | mean µs |",
        "|---|---|---|---|---|---|",
        row("library: PC4 → 3 nearest serving providers", r["indexed"]),
        row("naive full scan (reference)", r["naive_full_scan"]),
        row("free text → resolve → 3 providers", r["text_to_3_providers"]),
    ]
    if r.get("synthetic_scale"):
        sc = r["synthetic_scale"]
        lines += [
            row(f"synthetic {sc['providers']} providers: library", sc["indexed"]),
            row(f"synthetic {sc['providers']} providers: naive full scan", sc["naive_full_scan"]),
        ]
    lines += [
        "",
        f"Naive/indexed median ratio: {r['naive_over_indexed_median_ratio']:.1f}×. "
        f"Results identical to the naive scan: {r['mismatches_vs_naive'] == 0}. "
        f"Target median ≤ {r['target_median_ms']} ms: {'met' if r['meets_target'] else 'NOT met'}."
        + (f" With a synthetic registry of {r['synthetic_scale']['providers']} providers the naive scan is "
           f"{r['synthetic_scale']['naive_over_indexed_median_ratio']:.0f}× slower than the library."
           if r.get("synthetic_scale") else ""),
        "",
        "## Coverage of the sample registry (fictitious data)",
        "",
        f"- gemeenten served by at least one provider: {c['gemeenten_served_by_a_provider']} of "
        f"{c['gemeenten_total']} ({c['provinces_served']} provinces)",
        f"- gemeenten with any provider within 10 / 25 / 50 km of their centre: "
        f"{c['gemeenten_with_any_provider_within_10km']} / {c['gemeenten_with_any_provider_within_25km']} / "
        f"{c['gemeenten_with_any_provider_within_50km']}",
        f"- PC4 that resolve: {c['pc4_resolved_to_one_gemeente']} to one gemeente, "
        f"{c['pc4_border_asks_which_gemeente']} border postcodes ask which gemeente, "
        f"{c['pc4_unresolved']} unresolved (of {c['pc4_total']})",
        f"- PC4 in a gemeente served by the sample: {c['pc4_in_a_served_gemeente']}",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
