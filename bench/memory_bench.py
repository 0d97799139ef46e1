"""What the Rasa server's resident memory is made of, and that it still answers everything.

1. Attribution: a fresh Python process imports what the server imports, in stages (each
   stage's top-level packages, then Rasa's agent, then the model loaded as `rasa run` does),
   and records the RSS growth of every stage: once as the server starts now
   (ops/deferred_imports.py applied) and once as Rasa starts by itself (TensorFlow imported).
2. The real server: action server + `rasa run` (ops/stack.py), RSS after load and after every
   message of the serving benchmark's scripts, each of which must get an answer; with
   RASA_DEFER_TENSORFLOW=on and =off.
3. Python allocations held after loading, by the file that made them (tracemalloc, in a
   separate process because tracing costs memory).

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
import asyncio, importlib, json, sys
sys.path.insert(0, {root!r})
def status(field="VmRSS"):
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
rss = status
rows = [["python itself", round(rss(), 1), round(status("VmHWM"), 1)]]
def stage(name, before):
    rows.append([name, round(rss() - before, 1), round(status("VmHWM"), 1)])
before = rss()
if {defer!r}:
    from ops.deferred_imports import apply
    apply()
stage("ops.deferred_imports.apply() (imports rasa.engine and thinc)", before)
for names in {stages!r}:
    before = rss()
    for name in names:
        importlib.import_module(name)
    stage(" + ".join(names), before)
before = rss()
from nlp.sentence_embedding import encoder
encoder()
stage("sentence encoder (nlp/encoder_files.py, files in build/usem3)", before)
before = rss()
from rasa.core.agent import Agent
agent = Agent.load({model!r})
stage("rest of the model loaded (spaCy pipeline, classifiers, rules, domain)", before)
before = rss()
asyncio.run(agent.parse_message("hallo, wat is respijtzorg?"))
stage("first message parsed (agent.parse_message)", before)
out = {{"rows": rows, "total_mb": round(rss(), 1), "peak_mb": round(status("VmHWM"), 1),
       "tensorflow_imported": "tensorflow" in sys.modules,
       "top_level_packages": sorted({{m.split(".")[0] for m in sys.modules if not m.startswith("_")}})}}
print("RESULT" + json.dumps(out))
'''

# Python-level allocations (numpy arrays included) still held after loading the model and
# parsing one message, by the file that made them: a separate process, as tracing costs memory.
_TRACE = r'''
import asyncio, collections, importlib, json, sys, tracemalloc
sys.path.insert(0, {root!r})
from ops.deferred_imports import apply
apply()
for names in {stages!r}:
    for name in names:
        importlib.import_module(name)
tracemalloc.start()
from nlp.sentence_embedding import encoder
encoder()
from rasa.core.agent import Agent
agent = Agent.load({model!r})
loaded = tracemalloc.take_snapshot()
asyncio.run(agent.parse_message("hallo, wat is respijtzorg?"))
parsed = tracemalloc.take_snapshot()
def where(filename):
    if "site-packages/" in filename:
        return filename.split("site-packages/")[1].split("/")[0]
    if filename.startswith({root!r}):
        return filename[len({root!r}) + 1:]
    return "python stdlib / interpreter"
def grouped(stats):
    sizes = collections.Counter()
    for stat in stats:
        sizes[where(stat.traceback[0].filename)] += stat.size_diff if hasattr(stat, "size_diff") else stat.size
    return [[name, round(size / 2**20, 1)] for name, size in sizes.most_common(12)]
out = {{"load_top": grouped(loaded.statistics("filename")),
       "load_total_mb": round(sum(s.size for s in loaded.statistics("filename")) / 2**20, 1),
       "first_parse_top": grouped(parsed.compare_to(loaded, "filename"))[:5]}}
print("RESULT" + json.dumps(out))
'''


# The spaCy pipeline's parts, each in a fresh process that has imported spaCy already.
SPACY_PARTS: List[List[str]] = [
    ["spacy.blank('nl') (Dutch language data, tokenizer rules)", "spacy.blank('nl')"],
    ["build/spacy_nl without its entity rulers (+ vocab, tokenizer from disk)",
     "spacy.util.load_model_from_path(Path('build/spacy_nl'), exclude=['village_ruler', 'entity_ruler'])"],
    ["build/spacy_nl complete (+ the two entity rulers' patterns)", "spacy.load('build/spacy_nl')"],
]

_SPACY_PART = r"""
import json, sys
from pathlib import Path
import spacy
def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
before = rss()
nlp = {expression}
print("RESULT" + json.dumps(round(rss() - before, 1)))
"""


def spacy_parts() -> List[List[Any]]:
    rows: List[List[Any]] = []
    for label, expression in SPACY_PARTS:
        done = subprocess.run([sys.executable, "-c", _SPACY_PART.format(expression=expression)], cwd=ROOT,
                              env=rasa_env(), capture_output=True, text=True, timeout=300)
        found = [line for line in done.stdout.splitlines() if line.startswith("RESULT")]
        rows.append([label, json.loads(found[0][len("RESULT"):]) if found else None])
    return rows


def _run_script(template: str, model: Path, defer: bool) -> Dict[str, Any]:
    code = template.format(root=str(ROOT), defer=defer, stages=STAGES, model=str(model))
    env = {**rasa_env(), "RASA_DEFER_TENSORFLOW": "on" if defer else "off"}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=900)
    for line in done.stdout.splitlines():
        if line.startswith("RESULT"):
            return json.loads(line[len("RESULT"):])
    raise RuntimeError(f"attribution failed:\n{done.stderr[-3000:]}")


def attribute(model: Path, defer: bool) -> Dict[str, Any]:
    return _run_script(_ATTRIBUTE, model, defer)


def traced(model: Path) -> Dict[str, Any]:
    return _run_script(_TRACE, model, True)


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
             "RSS (VmRSS) after loading and after the messages, and the peak (VmHWM) of the whole run. The",
             "sentence encoder is assembled from files built once in a short-lived process",
             "(nlp/encoder_files.py: `python -m nlp.encoder_files`, run by scripts/setup.sh), so the server",
             "never holds usem3's 65 MB embedding table, 251,000-key prefix dict or 128,000-string piece list,",
             "not even while loading (it did until 6c3358d: peak 481 MB, 382 after load, 399 after messages).", "",
             "| start | RSS after load MB | RSS after messages MB | peak RSS MB | messages | unanswered | TensorFlow loaded |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for key, label in (("deferred", "now (TensorFlow deferred)"), ("rasa_default", "RASA_DEFER_TENSORFLOW=off (as Rasa)")):
        v = r["served"][key]
        lines.append(f"| {label} | {v['rss_after_load_mb']} | {v.get('rss_after_messages_mb')} | "
                     f"{v['peak_rss_mb']} | {v['messages']} | "
                     f"{v['unanswered']} | {'yes' if v['tensorflow_mapped'] else 'no'} |")
    lines += ["", "## What it is made of (RSS growth per stage, one fresh process each; peak = VmHWM so far)", "",
              "| stage | now MB | now peak MB | as Rasa MB | as Rasa peak MB |", "| --- | --- | --- | --- | --- |"]
    for (name, a, a_peak), (_, b, b_peak) in zip(now["rows"], rasa["rows"]):
        lines.append(f"| {name} | {a} | {a_peak} | {b} | {b_peak} |")
    lines.append(f"| **total** | {now['total_mb']} | {now['peak_mb']} | {rasa['total_mb']} | {rasa['peak_mb']} |")
    lines += ["", f"TensorFlow imported: now {now['tensorflow_imported']}, as Rasa {rasa['tensorflow_imported']}. "
              "As Rasa, TensorFlow (with Keras, JAX, TensorBoard and SciPy parts) comes in twice over: spaCy's thinc "
              "tries it at import, and every policy does (rasa.core.policies.policy → featurizers → "
              "extractor → rasa.utils.train_utils → tensorflow); loading a model imports DIET/TED through the "
              "training graph's validator. What remains now: Python and numpy, scikit-learn/SciPy for the "
              "TopicClassifier and SafetyClassifier, spaCy, the web and database libraries, Rasa's core, and the "
              "model itself.", ""]
    trace = r.get("traced")
    if trace:
        lines += ["## Python allocations held after loading (tracemalloc, by the file that made them)", "",
                  f"Traced in a separate process (tracing costs memory), TensorFlow deferred: "
                  f"{trace['load_total_mb']} MB held after the encoder and the model are loaded; "
                  "C libraries' own memory (BLAS, the interpreter's code objects) is not traced.", "",
                  "| made in | MB after load |", "| --- | --- |"]
        lines += [f"| {name} | {mb} |" for name, mb in trace["load_top"] if mb >= 0.5]
        lines += ["", "Held in addition after the first parsed message: "
                  + ", ".join(f"{name} {mb} MB" for name, mb in trace["first_parse_top"] if mb >= 0.5) + ".", "",
                  "Traced by line (looked up once): loading the TopicClassifier's pipeline (n-gram "
                  "vocabularies and weights) holds about 17 MB, the SafetyClassifier's about 10 MB; numpy's "
                  "share is arrays, among them the encoder's dense weights (13.5 MB, nlp/encoder_files.py); "
                  "spaCy's is its language data, vocab, tokenizer and the entity rulers' patterns (RSS by "
                  "part below). On the first message "
                  "the TopicClassifier makes a row-major copy of its weights (nlp/topic_classifier.py "
                  "`_predict_proba`) and keeps `coef_` as well: that copy is most of the growth from 'after "
                  "load' to 'after messages'; keeping only one of the two (`coef_` as a view of the copy) "
                  "would save about 14 MB. `rasa.server` imports `rasa.nlu.test`, which imports matplotlib "
                  "(about 10 MB RSS) for evaluation plots the server never draws.", ""]
    if r.get("spacy_parts"):
        lines += ["## The spaCy pipeline (RSS growth in a fresh process that has imported spaCy)", "",
                  "| part | MB |", "| --- | --- |"]
        lines += [f"| {label} | {mb} |" for label, mb in r["spacy_parts"]]
        lines.append("")
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
    print("traced allocations ...", flush=True)
    result["traced"] = traced(model)
    result["spacy_parts"] = spacy_parts()
    result["stamp"] = stamp()
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "memory.json").write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    text = markdown(result)
    (RESULTS / "memory.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
