"""One resident who keeps chatting: does a turn get slower as the conversation grows?

One conversation (one sender id) of N turns of the serving benchmark's scripted mix (FAQ
questions, lookups by postcode/gemeente, the cliëntondersteuner form), sent one at a time
over the REST webhook to the real stack. Reported: the median turn over the first and over
the last 50 turns, and their ratio (the figure to compare; the machine is noisy).

``--profile`` also records inside the Rasa server where each turn's time goes
(ops/turn_profile.py: lock store, tracker retrieval, event replay, policies, action server
payload and call, tracker save) and reports each share around turns 50, 300 and 1,000.

    PYTHONPATH=. .venv/bin/python -m bench.long_conversation --profile        # SQLite and PostgreSQL
    PYTHONPATH=. .venv/bin/python -m bench.long_conversation --stores sqlite --turns 300

``--stores postgresql`` starts private PostgreSQL and Redis servers (tests/scaleout/services.py, Debian's
packages) and runs Rasa on config/endpoints.production.yml, as the scale-out test does.
Results: results/long_conversation.{md,json}, with machine, date and commit.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sqlite3
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Sequence

import aiohttp

from bench.common import RESULTS, peak_rss_mb, report_text, stamp
from ops.model_state import ROOT
from ops.stack import Stack

# The serving benchmark's scripts, one after another, as one long conversation.
def turn_mix() -> List[str]:
    from bench.serving_bench import SCRIPTS

    return [text for script in SCRIPTS for text in script]


COMPONENTS = ["lock", "tracker_retrieve", "event_replay", "nlu", "slot_extraction", "policies", "action_payload",
              "action_call", "tracker_save"]
PRODUCTION_ENDPOINTS = ROOT / "config" / "endpoints.production.yml"
WINDOW = 50


async def drive(url: str, turns: int, sender: Optional[str] = None) -> Dict[str, Any]:
    """Send `turns` messages of the mix as one conversation; latency of each, failures."""
    sender = sender or f"long-{uuid.uuid4().hex[:12]}"
    mix = turn_mix()
    latencies: List[float] = []
    failures = 0
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session:
        for i in range(turns):
            started = time.perf_counter()
            try:
                async with session.post(url, json={"sender": sender, "message": mix[i % len(mix)]}) as response:
                    ok = response.status == 200 and bool(await response.json())
            except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
                ok = False
            latencies.append((time.perf_counter() - started) * 1000)
            failures += 0 if ok else 1
    return {"sender": sender, "latencies_ms": latencies, "failures": failures}


def summary(latencies: Sequence[float], failures: int, window: int = WINDOW) -> Dict[str, Any]:
    first = statistics.median(latencies[:window])
    last = statistics.median(latencies[-window:])
    return {"turns": len(latencies), "failures": failures, "first_50_median_ms": round(first, 1),
            "last_50_median_ms": round(last, 1), "last_over_first": round(last / first, 2) if first else None}


def long_conversation(url: str, turns: int) -> Dict[str, Any]:
    """The serving benchmark's long-conversation shape on a running stack."""
    run = asyncio.run(drive(url, turns))
    return summary(run["latencies_ms"], run["failures"])


def profile_shares(records: List[Dict[str, float]], at: Sequence[int]) -> Dict[str, Dict[str, Any]]:
    """Mean milliseconds of each part over the 20 turns up to each turn in `at` (means add up)."""
    out: Dict[str, Dict[str, Any]] = {}
    for turn in at:
        if turn > len(records):
            continue
        window = records[max(0, turn - 20):turn]
        total = statistics.mean(r.get("total", 0.0) for r in window)
        row: Dict[str, Any] = {"total_ms": round(total, 2)}
        for name in COMPONENTS:
            ms = statistics.mean(r.get(name, 0.0) for r in window)
            row[name] = {"ms": round(ms, 2), "share": round(ms / total, 3) if total else 0.0}
        explained = sum(row[n]["ms"] for n in COMPONENTS)
        row["other"] = {"ms": round(max(total - explained, 0.0), 2),
                        "share": round(max(total - explained, 0.0) / total, 3) if total else 0.0}
        row["events_loaded"] = int(max(r.get("events_loaded", 0) for r in window))
        row["payload_bytes"] = int(max(r.get("payload_bytes", 0) for r in window))
        out[str(turn)] = row
    return out


def stored_size(stack: Stack, sender: str, turns: int) -> Dict[str, Any]:
    """Events and bytes (event JSON) the tracker store holds for one conversation, per turn."""
    marker = getattr(stack, "db_marker", "?")  # DB-API parameter style: sqlite3 "?", psycopg2 "%s"
    connection = stack.db_connect()  # type: ignore[attr-defined]
    try:
        cursor = connection.cursor()
        cursor.execute(f"SELECT COUNT(*), SUM(LENGTH(data)) FROM events WHERE sender_id = {marker}", (sender,))
        events, data_bytes = cursor.fetchone()
    finally:
        connection.close()
    return {"events": int(events), "data_bytes": int(data_bytes or 0),
            "events_per_turn": round(events / turns, 1), "bytes_per_turn": int((data_bytes or 0) / turns)}


@contextlib.contextmanager
def store_stack(store: str, model: Path, workdir: Path, env: Dict[str, str]) -> Iterator[Stack]:
    """A running action server + Rasa server on the given tracker store."""
    services: List[Any] = []
    stack = Stack(model=model, workdir=workdir)
    stack.db_connect = lambda: sqlite3.connect(workdir / "tracker.db")  # type: ignore[attr-defined]
    try:
        if store == "postgresql":
            from tests.scaleout.services import PostgresServer, RedisServer

            pg, redis = PostgresServer(), RedisServer()
            services = [pg, redis]
            pg.start()
            redis.start()
            stack.endpoints = PRODUCTION_ENDPOINTS
            stack.db_connect = pg.connect  # type: ignore[attr-defined]
            stack.db_marker = "%s"  # type: ignore[attr-defined]
            env = {**env, **pg.env(), **redis.env(), "ACTION_SERVER_URL": f"{stack.action_url}/webhook"}
        stack.env = dict(env)
        stack.start()
        yield stack
    finally:
        stack.stop()
        for service in reversed(services):
            service.stop()


def measure(model: Path, stores: Sequence[str], turns: int, profile: bool,
            extra_env: Optional[Dict[str, str]] = None, partial: Optional[Path] = None) -> Dict[str, Any]:
    result: Dict[str, Any] = {"model": model.name, "turns": turns, "stores": {}}
    for store in stores:
        with tempfile.TemporaryDirectory(prefix="long-") as tmp:
            profile_file = Path(tmp) / "turns.jsonl"
            env = dict(extra_env or {})
            if profile:
                env["RASA_TURN_PROFILE"] = str(profile_file)
            print(f"{store}: {turns} turns ...", flush=True)
            with store_stack(store, model, Path(tmp) / "stack", env) as stack:
                run = asyncio.run(drive(f"{stack.rasa_url}/webhooks/rest/webhook", turns))
                row = summary(run["latencies_ms"], run["failures"])
                row["stored"] = stored_size(stack, run["sender"], turns)
                row["rasa_peak_rss_mb"] = peak_rss_mb(stack.rasa_proc.pid if stack.rasa_proc else None)
                if profile:
                    records = [json.loads(line) for line in profile_file.read_text().splitlines() if line]
                    row["profile"] = profile_shares(records, [50, 300, 1000])
            print(json.dumps({k: v for k, v in row.items() if k != "profile"}), flush=True)
            result["stores"][store] = row
            if partial is not None:  # a long run keeps what it has measured so far
                partial.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return result


def markdown(result: Dict[str, Any]) -> str:
    s, m = result["stamp"], result["stamp"]["machine"]
    lines = ["# Long conversation: the cost of a turn against the conversation's length", "",
             f"- date: {s['date']}; commit: {s['commit']}",
             f"- machine: {m['cpu']}, {m['cpus']} CPUs, {m['memory_gb']} GB; {m['os']}; Python {m['python']}",
             f"- command: `{result['command']}`",
             "- one conversation of the serving benchmark's scripted mix, one message at a time over the REST webhook",
             "",
             "| store | turns | first 50 median ms | last 50 median ms | last/first | failures | Rasa peak RSS MB | "
             "events stored per turn | bytes stored per turn |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for store, row in result["stores"].items():
        st = row.get("stored") or {}
        lines.append(f"| {store} | {row['turns']} | {row['first_50_median_ms']} | {row['last_50_median_ms']} | "
                     f"{row['last_over_first']} | {row['failures']} | {row['rasa_peak_rss_mb']} | "
                     f"{st.get('events_per_turn', '—')} | {st.get('bytes_per_turn', '—')} |")
    for store, row in result["stores"].items():
        if "profile" not in row:
            continue
        lines += ["", f"## Where a turn's time goes ({store}; mean of the 20 turns up to turn N, in the Rasa server)", "",
                  "| part | " + " | ".join(f"turn {t}" for t in row["profile"]) + " |",
                  "| --- |" + " --- |" * len(row["profile"])]
        for name in COMPONENTS + ["other"]:
            cells = [f"{p[name]['ms']} ms ({round(p[name]['share'] * 100)} %)" if name in p else "—"
                     for p in row["profile"].values()]
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
        lines.append("| **total** | " + " | ".join(f"{p['total_ms']} ms" for p in row["profile"].values()) + " |")
        lines.append("| events loaded (most in one turn) | " + " | ".join(str(p["events_loaded"]) for p in row["profile"].values()) + " |")
        lines.append("| action server payload bytes (largest) | " + " | ".join(str(p["payload_bytes"]) for p in row["profile"].values()) + " |")
    lines += ["", "Parts: *lock* = lock store acquire + release; *tracker_retrieve* = tracker store query and JSON "
              "decoding; *event_replay* = rebuilding the tracker from its events; *policies* = predicting the next "
              "actions (featurizing the history included); *action_payload* = serialising the tracker for the action "
              "server; *action_call* = the HTTP call to the action server; *tracker_save* = writing the new events; "
              "*nlu* = parsing the message; *slot_extraction* = Rasa's action_extract_slots; *other* = the rest of "
              "the processor (session check, events and responses on the tracker) and the channel; parts not measured "
              "in a run show 0. Total is measured inside the server (without HTTP).", ""]
    return report_text(lines, result)


def main(argv: Optional[List[str]] = None) -> None:
    from ops.model_state import current_model

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=None, help="default: the current content's model")
    parser.add_argument("--turns", type=int, default=1000)
    parser.add_argument("--stores", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"])
    parser.add_argument("--profile", action="store_true", help="record where each turn's time goes")
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                        help="extra environment for the servers (e.g. SESSION_MAX_TURNS=0 for Rasa's behaviour)")
    parser.add_argument("--out", default="long_conversation", help="results/<out>.{md,json}")
    parser.add_argument("--note", default="", help="a sentence added to the report")
    args = parser.parse_args(argv)
    model = args.model or current_model()
    if model is None:
        raise SystemExit("no model for the current content: run python -m ops.model_state first")
    extra_env = dict(item.split("=", 1) for item in args.env)
    RESULTS.mkdir(exist_ok=True)
    result = measure(model, args.stores, args.turns, args.profile, extra_env,
                     partial=RESULTS / f"{args.out}.partial.json")
    (RESULTS / f"{args.out}.partial.json").unlink(missing_ok=True)
    result["stamp"] = stamp()
    result["env"] = extra_env
    result["note"] = args.note
    result["command"] = "PYTHONPATH=. .venv/bin/python -m bench.long_conversation " + " ".join(argv or __import__("sys").argv[1:])
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{args.out}.json").write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    text = markdown(result)
    (RESULTS / f"{args.out}.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
