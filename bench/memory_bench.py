"""What the Rasa server's resident memory is made of, and that it still answers everything.

1. Attribution: a fresh Python process imports what the server imports, in stages (each
   stage's top-level packages, then Rasa's agent, then the model loaded as `rasa run` does),
   and records the RSS growth of every stage: once as the server starts now
   (ops/deferred_imports.py applied) and once as Rasa starts by itself (TensorFlow imported).
2. The real server: action server + `rasa run` (ops/stack.py), RSS after load and after every
   message of the serving benchmark's scripts, each of which must get an answer; with
   RASA_DEFER_TENSORFLOW=on and =off.

    PYTHONPATH=. .venv/bin/python -m bench.memory_bench       # results/memory.{md,json}
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

from bench.common import RESULTS, peak_rss_mb, report_text, rss_mb, stamp
from ops.model_state import ROOT, current_model, rasa_env
from ops.stack import Stack
from tests.conversation import bot_texts

# Stages in import order; each is a list of modules imported together.
STAGES: List[List[str]] = [
    ["numpy"],
    ["scipy.sparse", "sklearn.linear_model", "sklearn.feature_extraction.text"],
    ["spacy"],
    ["sqlalchemy", "sanic", "aiohttp", "jsonschema", "ruamel.yaml", "pydantic"],
    ["rasa.shared.core.domain", "rasa.shared.nlu.training_data.message"],
    ["rasa.core.agent", "rasa.core.run", "rasa.core.policies.rule_policy"],
]

_ATTRIBUTE = r'''
import importlib, json, sys
sys.path.insert(0, {root!r})
def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
rows = [["python itself", round(rss(), 1)]]
before = rss()
if {defer!r}:
    from ops.deferred_imports import apply
    apply()
rows.append(["ops.deferred_imports.apply() (imports rasa.engine and thinc)", round(rss() - before, 1)])
for stage in {stages!r}:
    before = rss()
    for name in stage:
        importlib.import_module(name)
    rows.append([" + ".join(stage), round(rss() - before, 1)])
before = rss()
from rasa.core.agent import Agent
agent = Agent.load({model!r})
rows.append(["model loaded (spaCy pipeline, classifiers, rules, domain)", round(rss() - before, 1)])
out = {{"rows": rows, "total_mb": round(rss(), 1), "tensorflow_imported": "tensorflow" in sys.modules,
       "top_level_packages": sorted({{m.split(".")[0] for m in sys.modules if not m.startswith("_")}})}}
print("RESULT" + json.dumps(out))
'''


def attribute(model: Path, defer: bool) -> Dict[str, Any]:
    code = _ATTRIBUTE.format(root=str(ROOT), defer=defer, stages=STAGES, model=str(model))
    env = {**rasa_env(), "RASA_DEFER_TENSORFLOW": "on" if defer else "off"}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=600)
    for line in done.stdout.splitlines():
        if line.startswith("RESULT"):
            return json.loads(line[len("RESULT"):])
    raise RuntimeError(f"attribution failed:\n{done.stderr[-3000:]}")


def served(model: Path, defer: bool) -> Dict[str, Any]:
    """RSS of the real server; every scripted message must get an answer."""
    from bench.serving_bench import SCRIPTS

    with tempfile.TemporaryDirectory(prefix="memory-") as tmp:
        stack = Stack(model=model, workdir=Path(tmp))
        stack.env = {"RASA_DEFER_TENSORFLOW": "on" if defer else "off"}
        started = time.monotonic()
        stack.start()
        load_seconds = round(time.monotonic() - started, 1)
        try:
            pid = stack.rasa_proc.pid if stack.rasa_proc else None
            after_load = rss_mb(pid)
            unanswered = 0
            messages = 0
            for i, script in enumerate(SCRIPTS):
                for text in script:
                    messages += 1
                    unanswered += 0 if bot_texts(stack.send(f"memory-{i}", text)) else 1
            maps = Path(f"/proc/{pid}/maps").read_text() if pid else ""
            return {"load_seconds_with_action_server": load_seconds, "rss_after_load_mb": after_load,
                    "rss_after_messages_mb": rss_mb(pid), "peak_rss_mb": peak_rss_mb(pid), "messages": messages, "unanswered": unanswered,
                    "tensorflow_mapped": "libtensorflow" in maps}
        finally:
            stack.stop()


def markdown(r: Dict[str, Any]) -> str:
    s, m = r["stamp"], r["stamp"]["machine"]
    now, rasa = r["attribution"]["deferred"], r["attribution"]["rasa_default"]
    lines = ["# Memory of the Rasa server", "",
             f"- date: {s['date']}; commit: {s['commit']}",
             f"- machine: {m['cpu']}, {m['cpus']} CPUs, {m['memory_gb']} GB; {m['os']}; Python {m['python']}",
             "- command: `PYTHONPATH=. .venv/bin/python -m bench.memory_bench`", "",
             "## The real server (`rasa run` via ops/rasa_cli.py), goal ≤ 400 MB", "",
             "RSS now (VmRSS) after loading and after the messages; the peak (VmHWM) is reached while",
             "loading, before the encoder's table is released (nlp/embedding_table.py).", "",
             "| start | RSS after load MB | RSS after messages MB | peak RSS MB | messages | unanswered | TensorFlow loaded |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for key, label in (("deferred", "now (TensorFlow deferred)"), ("rasa_default", "RASA_DEFER_TENSORFLOW=off (as Rasa)")):
        v = r["served"][key]
        lines.append(f"| {label} | {v['rss_after_load_mb']} | {v.get('rss_after_messages_mb')} | "
                     f"{v['peak_rss_mb']} | {v['messages']} | "
                     f"{v['unanswered']} | {'yes' if v['tensorflow_mapped'] else 'no'} |")
    lines += ["", "## What it is made of (RSS growth per import stage, one fresh process each)", "",
              "| stage | now MB | as Rasa MB |", "| --- | --- | --- |"]
    for (name, a), (_, b) in zip(now["rows"], rasa["rows"]):
        lines.append(f"| {name} | {a} | {b} |")
    lines.append(f"| **total** | {now['total_mb']} | {rasa['total_mb']} |")
    lines += ["", f"TensorFlow imported: now {now['tensorflow_imported']}, as Rasa {rasa['tensorflow_imported']}. "
              "As Rasa, TensorFlow (with Keras, JAX, TensorBoard and SciPy parts) comes in twice over: spaCy's thinc "
              "tries it at import, and every policy does (rasa.core.policies.policy → featurizers → "
              "extractor → rasa.utils.train_utils → tensorflow); loading a model imports DIET/TED through the "
              "training graph's validator. What remains now: Python and numpy, scikit-learn/SciPy for the "
              "TopicClassifier and SafetyClassifier, spaCy, the web and database libraries, Rasa's core, and the "
              "model itself (the classifiers' character n-gram vocabularies and the entity ruler with every "
              "gemeente and postcode pattern).", ""]
    return report_text(lines, r)


def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--note", default="")
    args = parser.parse_args(argv)
    model = args.model or current_model()
    if model is None:
        raise SystemExit("no model for the current content: run python -m ops.model_state first")
    result: Dict[str, Any] = {"model": model.name, "attribution": {}, "served": {}, "note": args.note}
    for key, defer in (("deferred", True), ("rasa_default", False)):
        print(f"attribution {key} ...", flush=True)
        result["attribution"][key] = attribute(model, defer)
        print(f"server {key} ...", flush=True)
        result["served"][key] = served(model, defer)
    result["stamp"] = stamp()
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "memory.json").write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    text = markdown(result)
    (RESULTS / "memory.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
