"""Realistic questions: what the assistant understands and answers, on messages nobody on the team wrote.

Two sets (tests/nlu/realistic/questions.yml and questions_2.yml, see the README) were taken
from public pages, each message with its source URL, and are never trained on
(tests/test_realistic_set.py). Set 2 comes from other pages, collected after set 1's misses were
read: it shows whether the fixes generalise, so it is scored apart (never merged) and its misses
are not listed in results/realistic.md. Every
message is sent as the first message of a new conversation to the real stack (action server
and Rasa server, REST channel); the parse (``/model/parse``) gives the label, the reply is
kept for hand grading (results/realistic_replies.jsonl, set 2: results/realistic_2_replies.jsonl).

Scored:
- top-1 label accuracy and macro-F1 over the messages whose expectation the assistant covers
  (a topic, a lookup, out of scope); per label, the share right;
- messages with ``expect: no_topic`` are counted apart: a fallback or out-of-scope reply is
  the honest answer there;
- English messages: whether the reply is in English (the label is scored as above).

A safety answer that gives the same help as the expected topic counts as right (the
exhausted answer for an overloaded carer: ``editor.evaluate.SAME_HELP``).

    PYTHONPATH=. .venv/bin/python -m bench.realistic_bench [--model models/model-x.tar.gz]

Writes results/realistic.{json,md} and the replies of each set (JSON lines).
"""
from __future__ import annotations

import argparse
import json
import tempfile
import uuid
from collections import Counter
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

import requests

from bench.common import RESULTS, stamp
from editor.evaluate import label_of, scores
from editor.settings import ROOT
from editor.realistic import (SETS, by_kind, expected_labels, figures_only, is_covered, is_right, load_set,
                              misses, understood_label)
from ops.model_state import current_model
from ops.stack import Stack

ENGLISH_MARKERS = (" the ", " you ", " your ", " is ", " can ", " and ")
# the realistic sets hold no danger (their collectors left it to the safety sets), so every one of
# these replies is a false alarm in the sense of issue 11's goal (at most 1 in 100)
ALARM_LABELS = ("safety_acute", "safety_violence")


def scored_label(item: Dict[str, Any], predicted: str) -> str:
    """The label the prediction counts as: the expected one when right (lists, lookups)."""
    return expected_labels(item)[0] if is_right(item, predicted) else predicted


def looks_english(replies: Sequence[str]) -> bool:
    text = " " + " ".join(replies).lower() + " "
    return sum(marker in text for marker in ENGLISH_MARKERS) >= 3


def ask(stack: Stack, text: str) -> Dict[str, Any]:
    parsed = requests.post(f"{stack.rasa_url}/model/parse", params={"token": stack.token},
                           json={"text": text}, timeout=60).json()
    label, confidence = understood_label(parsed), label_of(parsed)[1]
    sender = f"realistic-{uuid.uuid4().hex}"
    messages = stack.send(sender, text, timeout=60)
    replies = [m.get("text") or "" for m in messages]
    # the buttons too: a grader reading the replies must see which topics a fallback offered
    buttons = [button.get("title", "") for m in messages for button in m.get("buttons") or []]
    return {"label": label, "confidence": round(confidence, 3), "replies": replies, "buttons": buttons}


def score(items: Sequence[Dict[str, Any]], answers: Sequence[Dict[str, Any]]) -> Dict[str, Any]:
    covered = [(i, a) for i, a in zip(items, answers) if is_covered(i)]
    gold = [expected_labels(i)[0] for i, _ in covered]
    pred = [scored_label(i, a["label"]) for i, a in covered]
    s = scores(gold, pred)
    per_label = {label: {"n": v["support"], "right": round(v["recall"], 3)} for label, v in s["per_label"].items()}
    verbatim = [(i, a) for i, a in covered if not i.get("note")]
    no_topic = [(i, a) for i, a in zip(items, answers) if not is_covered(i)]
    english = [(i, a) for i, a in zip(items, answers) if i.get("kind") == "english"]
    return {
        "n": len(items), "covered": len(covered), "accuracy": s["accuracy"], "macro_f1": s["macro_f1"],
        "labels_accepted_per_message": round(sum(len(expected_labels(i)) for i, _ in covered) / max(len(covered), 1), 2),
        "per_label": per_label,
        "verbatim": {"n": len(verbatim),
                     "accuracy": round(sum(is_right(i, a["label"]) for i, a in verbatim) / max(len(verbatim), 1), 3)},
        "by_kind": by_kind(items, [a["label"] for a in answers]),
        "no_topic": {"n": len(no_topic),
                     "replies": dict(Counter(a["label"] for _, a in no_topic).most_common())},
        "english": {"n": len(english), "reply_in_english": sum(looks_english(a["replies"]) for _, a in english)},
        "alarms": sum(a["label"] in ALARM_LABELS for a in answers),
        "misses": misses(items, [a["label"] for a in answers]),
        "n_misses": len(misses(items, [a["label"] for a in answers])),
    }


def replies_file(name: str) -> str:
    """Where a set's replies go: results/realistic_replies.jsonl for set 1, else
    results/realistic_<n>_replies.jsonl (git-ignored: later sets are figures-only)."""
    return "realistic_replies.jsonl" if name == "set 1" else f"realistic_{name.split()[-1]}_replies.jsonl"


def summary_rows(sets: Dict[str, Dict[str, Any]]) -> List[str]:
    """One row per set, side by side (never merged)."""
    rows = ["| set | messages | covered | top-1 accuracy (goal ≥ 0.85) | macro-F1 | word for word: n, accuracy "
            "| labels < 60 % | English replies in English | labels accepted per message "
            "| acute or violence reply (harmless messages; safety goal ≤ 1 %) |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    for name, entry in sets.items():
        s = entry["score"]
        low = sum(1 for v in s["per_label"].values() if v["right"] < 0.6)
        rows.append(f"| {name} (`{entry['path']}`) | {s['n']} | {s['covered']} | **{s['accuracy']:.3f}** | "
                    f"{s['macro_f1']:.3f} | {s['verbatim']['n']}, {s['verbatim']['accuracy']:.3f} | "
                    f"{low} of {len(s['per_label'])} | {s['english']['reply_in_english']} of {s['english']['n']} | "
                    f"{s.get('labels_accepted_per_message', '–')} | "
                    f"{_alarm_cell(s)} |")
    kinds = sorted({k for entry in sets.values() for k in entry["score"]["by_kind"]})
    rows += ["", "A set that accepts more labels per message is easier: compare each set with itself across "
             "models, not the sets with each other."]
    rows += ["", "| kind | " + " | ".join(f"{name}: n, accuracy" for name in sets) + " |",
             "|---|" + "---|" * len(sets)]
    for kind in kinds:
        cells = []
        for entry in sets.values():
            v = entry["score"]["by_kind"].get(kind)
            cells.append(f"{v['n']}, {v['accuracy']:.3f}" if v else "–")
        rows.append(f"| {kind} | " + " | ".join(cells) + " |")
    return rows


def _alarm_cell(s: Dict[str, Any]) -> str:
    if "alarms" not in s:
        return "–"
    return f"{s['alarms']} = {s['alarms'] / max(s['n'], 1):.1%}"


def set_section(name: str, s: Dict[str, Any], with_misses: bool) -> List[str]:
    lines = [f"## {name}", "",
             f"- messages no topic covers ({s['no_topic']['n']}): replies {s['no_topic']['replies']}", "",
             "| label | n | right |", "|---|---|---|",
             *[f"| {k} | {v['n']} | {v['right']:.2f} |"
               for k, v in sorted(s["per_label"].items(), key=lambda kv: kv[1]["right"])], ""]
    if with_misses:
        lines += ["### Misses", "",
                  *[f"- `{m['expected']}` → `{m['predicted']}` ({m['kind']}): {m['text']}" for m in s["misses"]], ""]
    else:
        lines += [f"Misses: {s['n_misses']}, not listed here on purpose: this set checks whether fixes made "
                  f"from set 1's misses generalise, so nobody should tune on its messages "
                  f"(the replies are written to results/{replies_file(name)}, kept out of git).", ""]
    return lines


def markdown(result: Dict[str, Any]) -> str:
    sets = result["sets"]
    lines = [
        "# Realistic questions (tests/nlu/realistic, from public pages, never trained on)", "",
        f"Measured {result['date']} on commit {result['commit']}, model {result['model']}; "
        f"{result['machine']['cpus']} CPUs ({result['machine']['cpu']}). Each message is the first message of "
        "a new conversation on the real stack; the sets are scored apart.", "",
        *summary_rows(sets), "",
    ]
    for name, entry in sets.items():
        lines += set_section(name, entry["score"], with_misses=(name == "set 1"))
    return "\n".join(lines) + "\n"


def run(model: Path, paths: Dict[str, Path]) -> Dict[str, Any]:
    loaded = {name: load_set(path) for name, path in paths.items()}
    loaded = {name: items for name, items in loaded.items() if items}
    with tempfile.TemporaryDirectory() as workdir:
        stack = Stack(model=model, workdir=Path(workdir)).start()
        try:
            answers = {name: [ask(stack, item["text"]) for item in items] for name, items in loaded.items()}
        finally:
            stack.stop()
    RESULTS.mkdir(exist_ok=True)
    for name, items in loaded.items():
        with open(RESULTS / replies_file(name), "w", encoding="utf-8") as out:
            for item, answer in zip(items, answers[name]):
                out.write(json.dumps({**item, **answer, "right_label": is_right(item, answer["label"])},
                                     ensure_ascii=False) + "\n")
    # set 1's misses are listed; the other sets keep their figures only (see editor.realistic.SET_2)
    sets = {name: {"path": _relative(paths[name]),
                   "score": score(items, answers[name]) if name == "set 1"
                   else figures_only(score(items, answers[name]))}
            for name, items in loaded.items()}
    return {**stamp(), "model": model.name, "sets": sets}


def _relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--set", type=Path, action="append", default=None,
                        help="a realistic set (YAML); repeat for more; default: set 1 and set 2")
    args = parser.parse_args(argv)
    model = args.model or current_model()
    if model is None:
        raise SystemExit("No current model: run `python -m ops.model_state` first.")
    paths = {f"set {i}": p for i, p in enumerate(args.set, 1)} if args.set else dict(SETS)
    result = run(model, paths)
    (RESULTS / "realistic.json").write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    (RESULTS / "realistic.md").write_text(markdown(result), encoding="utf-8")
    print("\n".join(summary_rows(result["sets"])))


if __name__ == "__main__":
    main()
