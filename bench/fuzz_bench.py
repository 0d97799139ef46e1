"""The longer fuzz run: schemathesis against the HTTP API (with the token) and the REST
webhook, and signed WhatsApp Cloud / Twilio payloads, on a real stack with the fake Graph
and Twilio APIs. Writes ``results/fuzz.md`` and ``results/fuzz.json`` (requests tried,
status codes, 5xx, hangs, with machine, date and commit).

    python -m bench.fuzz_bench [--examples 60] [--whatsapp 600] [--seed 0]

Not part of the test command (``tests/test_fuzz.py`` is its short, seeded version).
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

from bench.common import RESULTS, stamp
from bench.fuzz import FuzzReport, fuzz_api, fuzz_twilio, fuzz_whatsapp_cloud
from ops.model_state import train_if_needed
from ops.stack import Stack


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=60, help="schemathesis cases per operation and mode")
    parser.add_argument("--whatsapp", type=int, default=600, help="signed payloads per WhatsApp channel")
    parser.add_argument("--seed", type=int, default=0, help="0: hypothesis' fixed derandomised run")
    args = parser.parse_args(argv)

    from tests.fakes import (TWILIO_AUTH_TOKEN, WA_APP_SECRET, FakeGraphAPI, FakeTwilioAPI,
                             channel_env, twilio_webhook_url)

    model = train_if_needed()
    runs = {}
    started = time.monotonic()
    with FakeGraphAPI() as graph, FakeTwilioAPI() as twilio, tempfile.TemporaryDirectory() as tmp:
        stack = Stack(model=model, workdir=Path(tmp))
        stack.env = channel_env(graph, twilio, stack.rasa_url)
        stack.start()
        try:
            runs["HTTP API + REST webhook (schemathesis)"] = fuzz_api(
                stack.rasa_url, stack.token, args.examples, args.seed)
            runs["WhatsApp Cloud webhook (signed, hypothesis)"] = fuzz_whatsapp_cloud(
                stack.rasa_url, WA_APP_SECRET, args.whatsapp, args.seed)
            runs["Twilio webhook (signed, hypothesis)"] = fuzz_twilio(
                stack.rasa_url, TWILIO_AUTH_TOKEN, twilio_webhook_url(stack.rasa_url), args.whatsapp, args.seed)
            alive = bool(stack.send("fuzz-after", "hallo"))
        finally:
            stack.stop()
    total = FuzzReport()
    for report in runs.values():
        total.requests += report.requests
        total.statuses.update(report.statuses)
        total.server_errors += report.server_errors
        total.hangs += report.hangs
        total.echoes += report.echoes
        total.slowest_seconds = max(total.slowest_seconds, report.slowest_seconds)
    result: Dict[str, Any] = {**stamp(), "seconds": round(time.monotonic() - started), "settings": vars(args),
              "answers_after_the_fuzz": alive, "total": total.as_dict(),
              "runs": {name: report.as_dict() for name, report in runs.items()}}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "fuzz.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    lines = [
        "# Fuzz run (`python -m bench.fuzz_bench`)", "",
        f"{result['date']}, commit `{result['commit']}`, {result['machine']['cpus']} CPUs "
        f"({result['machine']['cpu']}), {result['seconds']} s. Settings: {json.dumps(vars(args))}.", "",
        "| target | requests | 5xx | hangs (> 30 s) | echoed markup | slowest (s) | status codes |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, report in [*runs.items(), ("**total**", total)]:
        d = report.as_dict()
        lines.append(f"| {name} | {d['requests']} | {d['server_errors']} | {d['hangs']} | {d['echoes']} | "
                     f"{d['slowest_seconds']} | {', '.join(f'{k}: {v}' for k, v in d['statuses'].items())} |")
    lines += ["", f"The assistant answered a normal message after the fuzz: {'yes' if alive else 'NO'}."]
    if total.server_errors:
        lines += ["", "5xx examples:", *[f"- `{e}`" for e in total.server_errors[:10]]]
    (RESULTS / "fuzz.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0 if not total.server_errors and not total.hangs and alive else 1


if __name__ == "__main__":
    sys.exit(main())
