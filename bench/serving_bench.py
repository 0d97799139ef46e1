"""Speed and memory of the real servers: action server + `rasa run`, over the REST webhook.

Conversations follow realistic multi-turn scripts, lookups included (postcode, gemeente,
zorgkantoor). Three load shapes:

* sequential — one conversation, one message at a time; p50 is the cost of one turn;
* saturated  — 20 conversations sending without pause; messages per second;
* realistic  — 50 residents who pause 1–5 s between messages (as people type); p50/p95/p99.

Also: model load time (process start until /status answers) and peak RSS (VmHWM) of both
servers. The load generator runs on the same 2 CPUs and is included in what is measured.

A fourth shape, *long conversation*: one sender, 1,000 turns of these scripts one after
another; the median of the first and of the last 50 turns (bench/long_conversation.py), on
the same SQLite stack after the other shapes, then on PostgreSQL + Redis
(config/endpoints.production.yml, private servers as in the scale-out test).

    PYTHONPATH=. .venv/bin/python -m bench.serving_bench --write     # results/serving.{md,json}
"""
from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

import aiohttp

from bench.common import RESULTS, peak_rss_mb, percentile, rss_mb, stamp
from bench.long_conversation import long_conversation, store_stack
from ops.stack import Stack

# Each script is one resident's conversation; lookups ask the form for a place.
SCRIPTS: List[List[str]] = [
    ["hallo", "wat is een keukentafelgesprek", "wie mag er mee naar het gesprek?", "dank je wel"],
    ["Ik woon in 9712 CP, waar vind ik een cliëntondersteuner?", "kost dat geld?", "bedankt, doei"],
    ["ik zoek een cliëntondersteuner", "Zwolle", "is die onafhankelijk?", "top"],
    ["welk zorgkantoor hoort bij Tilburg?", "hoe vraag ik de wlz aan", "dank u"],
    ["ik kan het niet meer aan, ik zorg elke dag voor mijn moeder", "wat is respijtzorg",
     "wat is de mantelzorglijn", "bedankt"],
    ["goedemorgen", "wat is metgezel", "voor wie is metgezel?", "ik woon in Utrecht",
     "waar vind ik een clientondersteuner", "dank je"],
    ["wat is het verschil tussen wmo en wlz", "welk zorgkantoor is er voor 5611", "oke bedankt"],
    ["heb ik recht op mantelzorgwaardering", "ik werk ook nog, hoe combineer ik dat?", "fijn, doei"],
]


class Client:
    """REST webhook client that records the latency of every message."""

    def __init__(self, session: aiohttp.ClientSession, url: str) -> None:
        self.session = session
        self.url = url
        self.latencies_ms: List[float] = []
        self.failures = 0

    async def send(self, sender: str, text: str) -> None:
        started = time.perf_counter()
        try:
            async with self.session.post(self.url, json={"sender": sender, "message": text}) as response:
                body = await response.json()
                ok = response.status == 200 and bool(body)
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
            ok = False
        self.latencies_ms.append((time.perf_counter() - started) * 1000)
        if not ok:
            self.failures += 1

    async def conversation(self, script: Sequence[str], pause: Optional[random.Random] = None,
                           pause_range: tuple = (1.0, 5.0)) -> None:
        sender = f"bench-{uuid.uuid4().hex[:12]}"
        for text in script:
            if pause is not None:
                await asyncio.sleep(pause.uniform(*pause_range))
            await self.send(sender, text)


def _summary(client: Client, seconds: float) -> Dict[str, Any]:
    lat = client.latencies_ms
    return {"messages": len(lat), "failures": client.failures, "seconds": round(seconds, 1),
            "messages_per_second": round(len(lat) / seconds, 1) if seconds else 0.0,
            "p50_ms": round(percentile(lat, 50), 1), "p95_ms": round(percentile(lat, 95), 1),
            "p99_ms": round(percentile(lat, 99), 1), "max_ms": round(max(lat), 1) if lat else 0.0}


async def sequential(url: str, rounds: int) -> Dict[str, Any]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session:
        warm = Client(session, url)
        await warm.conversation(SCRIPTS[0])
        client = Client(session, url)
        started = time.perf_counter()
        for i in range(rounds):
            await client.conversation(SCRIPTS[i % len(SCRIPTS)])
        return _summary(client, time.perf_counter() - started)


async def saturated(url: str, conversations: int, seconds: float) -> Dict[str, Any]:
    """`conversations` residents, each starting a new script as soon as one ends, no pauses."""
    connector = aiohttp.TCPConnector(limit=conversations)
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120), connector=connector) as session:
        client = Client(session, url)
        deadline = time.perf_counter() + seconds

        async def resident(n: int) -> None:
            i = n
            while time.perf_counter() < deadline:
                await client.conversation(SCRIPTS[i % len(SCRIPTS)])
                i += 1

        started = time.perf_counter()
        await asyncio.gather(*(resident(n) for n in range(conversations)))
        return _summary(client, time.perf_counter() - started)


async def realistic(url: str, residents: int, seconds: float, seed: int = 42) -> Dict[str, Any]:
    """`residents` people who think 1–5 s before each message; arrivals spread over 5 s."""
    connector = aiohttp.TCPConnector(limit=residents)
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120), connector=connector) as session:
        client = Client(session, url)
        deadline = time.perf_counter() + seconds

        async def resident(n: int) -> None:
            rng = random.Random(seed + n)
            await asyncio.sleep(rng.uniform(0, 5))
            i = n
            while time.perf_counter() < deadline:
                await client.conversation(SCRIPTS[i % len(SCRIPTS)], pause=rng)
                i += 1

        started = time.perf_counter()
        await asyncio.gather(*(resident(n) for n in range(residents)))
        return _summary(client, time.perf_counter() - started)


def measure(model: Path, rounds: int = 25, saturated_seconds: float = 30,
            realistic_seconds: float = 60, extra_env: Optional[Dict[str, str]] = None,
            long_turns: int = 0) -> Dict[str, Any]:
    """Start the real stack with `model`, run the shapes, return every figure.

    With ``long_turns`` the long-conversation shape runs too: on this SQLite stack after the
    other shapes, then on a PostgreSQL + Redis stack of its own."""
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        stack = Stack(model=model, workdir=Path(tmp))
        stack.env = dict(extra_env or {})
        stack.start_action_server()
        started = time.monotonic()
        stack.start_rasa()
        load_seconds = time.monotonic() - started
        rss_after_load = rss_mb(stack.rasa_proc.pid if stack.rasa_proc else None)  # now, not the peak
        url = f"{stack.rasa_url}/webhooks/rest/webhook"
        try:
            result: Dict[str, Any] = {"model": model.name, "load_seconds": round(load_seconds, 1),
                                      "rasa_rss_after_load_mb": rss_after_load}
            result["sequential"] = asyncio.run(sequential(url, rounds))
            result["saturated"] = asyncio.run(saturated(url, 20, saturated_seconds))
            result["realistic"] = asyncio.run(realistic(url, 50, realistic_seconds))
            if long_turns:
                result["long_conversation"] = {"sqlite": long_conversation(url, long_turns)}
            result["rasa_rss_end_mb"] = rss_mb(stack.rasa_proc.pid if stack.rasa_proc else None)
            result["rasa_peak_rss_mb"] = peak_rss_mb(stack.rasa_proc.pid if stack.rasa_proc else None)
            result["action_peak_rss_mb"] = peak_rss_mb(stack.action_proc.pid if stack.action_proc else None)
        finally:
            stack.stop()
    if long_turns:
        result["long_conversation"]["postgresql"] = long_conversation_postgresql(model, long_turns, extra_env)
    return result


def long_conversation_postgresql(model: Path, turns: int, extra_env: Optional[Dict[str, str]] = None) -> Dict[str, Any]:
    """The long-conversation shape on PostgreSQL + Redis (the production endpoints)."""
    with tempfile.TemporaryDirectory(prefix="bench-pg-") as tmp:
        with store_stack("postgresql", model, Path(tmp), dict(extra_env or {})) as stack:
            return long_conversation(f"{stack.rasa_url}/webhooks/rest/webhook", turns)


def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", type=Path, default=None, help="default: the current content's model")
    parser.add_argument("--rounds", type=int, default=25, help="sequential: scripts run one after another")
    parser.add_argument("--saturated-seconds", type=float, default=30)
    parser.add_argument("--realistic-seconds", type=float, default=60)
    parser.add_argument("--long-turns", type=int, default=1000, help="long conversation (0: skip)")
    parser.add_argument("--write", action="store_true", help="write results/serving.{md,json}")
    parser.add_argument("--compare", action="append", default=[], metavar="NAME=VALUE",
                        help="also measure the three shapes with this server environment, alternating with "
                             "ours (e.g. SESSION_MAX_TURNS=0 and RASA_DEFER_TENSORFLOW=off: Rasa's behaviour)")
    parser.add_argument("--repeat", type=int, default=1, help="with --compare: rounds of ours/compared")
    args = parser.parse_args(argv)
    from ops.model_state import current_model

    model = args.model or current_model()
    if model is None:
        raise SystemExit("no model for the current content: run python -m ops.model_state first")
    result = measure(model, args.rounds, args.saturated_seconds, args.realistic_seconds,
                     long_turns=args.long_turns)
    print(json.dumps(result, indent=1))
    if args.compare:
        compare_env = dict(item.split("=", 1) for item in args.compare)
        result["comparison"] = {"env": compare_env, "rounds": []}
        for _ in range(args.repeat):
            pair = {"ours": measure(model, args.rounds, args.saturated_seconds, args.realistic_seconds),
                    "compared": measure(model, args.rounds, args.saturated_seconds, args.realistic_seconds,
                                        extra_env=compare_env)}
            result["comparison"]["rounds"].append(pair)
            print(json.dumps(pair), flush=True)
    if args.write:
        result = {"stamp": stamp(), "command": "PYTHONPATH=. .venv/bin/python -m bench.serving_bench "
                  + " ".join(argv if argv is not None else sys.argv[1:]), "serving": result}
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "serving.json").write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
        (RESULTS / "serving.md").write_text(markdown(result), encoding="utf-8")
        print(markdown(result))


GOALS = {"seq_p50_ms": 25, "saturated_msg_s": 40, "realistic_p95_ms": 150, "load_s": 15,
         "rasa_rss_mb": 400, "long_ratio": 1.3}


def goal_rows(v: Dict[str, Any]) -> List[List[Any]]:
    """[figure, goal, measured, met] for every serving goal of one configuration's figures."""
    rows = [["sequential p50", f"≤ {GOALS['seq_p50_ms']} ms", f"{v['sequential']['p50_ms']} ms",
             v["sequential"]["p50_ms"] <= GOALS["seq_p50_ms"]],
            ["saturated, 20 conversations", f"≥ {GOALS['saturated_msg_s']} msg/s",
             f"{v['saturated']['messages_per_second']} msg/s",
             v["saturated"]["messages_per_second"] >= GOALS["saturated_msg_s"]],
            ["realistic, 50 residents, p95", f"≤ {GOALS['realistic_p95_ms']} ms", f"{v['realistic']['p95_ms']} ms",
             v["realistic"]["p95_ms"] <= GOALS["realistic_p95_ms"]],
            ["model load (process start → /status)", f"≤ {GOALS['load_s']} s", f"{v['load_seconds']} s",
             v["load_seconds"] <= GOALS["load_s"]],
            ["peak RSS Rasa server", f"≤ {GOALS['rasa_rss_mb']} MB", f"{v['rasa_peak_rss_mb']} MB",
             (v["rasa_peak_rss_mb"] or 1e9) <= GOALS["rasa_rss_mb"]]]
    for store, lc in (v.get("long_conversation") or {}).items():
        rows.append([f"long conversation ({lc['turns']} turns, {store}): last-50 / first-50 median",
                     f"≤ {GOALS['long_ratio']}",
                     f"{lc['last_over_first']} ({lc['first_50_median_ms']} → {lc['last_50_median_ms']} ms, "
                     f"{lc['failures']} failures)",
                     lc["last_over_first"] is not None and lc["last_over_first"] <= GOALS["long_ratio"]
                     and lc["failures"] == 0])
    return rows


def markdown(r: Dict[str, Any]) -> str:
    s, m, v = r["stamp"], r["stamp"]["machine"], r["serving"]
    lines = ["# Serving benchmark: our configuration, all shapes in one run", "",
             f"- date: {s['date']}; commit: {s['commit']}",
             f"- machine: {m['cpu']}, {m['cpus']} CPUs, {m['memory_gb']} GB; {m['os']}; Python {m['python']}",
             f"- command: `{r['command']}` (the load generator shares the CPUs; the machine is shared and noisy)",
             "", "| figure | goal | measured | met |", "| --- | --- | --- | --- |"]
    for figure, goal, measured, met in goal_rows(v):
        lines.append(f"| {figure} | {goal} | {measured} | {'yes' if met else '**no**'} |")
    lines += ["", "| shape | messages | failures | msg/s | p50 ms | p95 ms | p99 ms |", "| --- | --- | --- | --- | --- | --- | --- |"]
    for shape in ("sequential", "saturated", "realistic"):
        x = v[shape]
        lines.append(f"| {shape} | {x['messages']} | {x['failures']} | {x['messages_per_second']} | {x['p50_ms']} | "
                     f"{x['p95_ms']} | {x['p99_ms']} |")
    lines += ["", f"Rasa RSS after load {v['rasa_rss_after_load_mb']} MB, after the shapes "
              f"{v.get('rasa_rss_end_mb')} MB, peak (while loading) {v['rasa_peak_rss_mb']} MB; "
              f"action server peak {v['action_peak_rss_mb']} MB.", ""]
    comparison = v.get("comparison")
    if comparison:
        env = " ".join(f"{k}={val}" for k, val in comparison["env"].items())
        lines += [f"## Ours against `{env}`, alternating in the same run (the ratio is the figure)", "",
                  "| round | server | load s | seq p50 ms | seq p95 ms | saturated msg/s | realistic p95 ms | Rasa peak RSS MB |",
                  "| --- | --- | --- | --- | --- | --- | --- | --- |"]
        for i, pair in enumerate(comparison["rounds"], 1):
            for key, label in (("ours", "ours"), ("compared", env)):
                x = pair[key]
                lines.append(f"| {i} | {label} | {x['load_seconds']} | {x['sequential']['p50_ms']} | "
                             f"{x['sequential']['p95_ms']} | {x['saturated']['messages_per_second']} | "
                             f"{x['realistic']['p95_ms']} | {x['rasa_peak_rss_mb']} |")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
