"""The realistic set (tests/nlu/realistic): how a model does on real people's messages, by kind.

Shared by the retrain report (editors see which kinds of real message the model misses,
so they know what to add) and ``bench/realistic_bench.py`` (which also reads the replies).
Scoring rules: a message is right when the model's label is one of the expected labels,
a lookup intent for an expected lookup, a fallback or out-of-scope for ``out_of_scope``,
or a safety answer that gives the same help (``editor.evaluate.counted_as``).
"""
from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

import yaml

from editor.evaluate import counted_as, label_of, load_agent, parse_texts
from editor.settings import ROOT

REALISTIC_DIR = ROOT / "tests" / "nlu" / "realistic"
SET = REALISTIC_DIR / "questions.yml"
# Set 2 and later sets: other pages, collected later; they check whether fixes made from set 1's misses
# generalise, so only their figures are shown (never their misses) where editors and engineers look for
# what to fix.
SET_2 = REALISTIC_DIR / "questions_2.yml"


def discover_sets(directory: Path = REALISTIC_DIR) -> Dict[str, Path]:
    """Every realistic set, in the order collected: questions.yml is set 1, questions_<n>.yml set n."""
    numbered = {1: directory / "questions.yml"} if (directory / "questions.yml").exists() else {}
    for path in directory.glob("questions_*.yml"):
        if path.stem.split("_", 1)[1].isdigit():
            numbered[int(path.stem.split("_", 1)[1])] = path
    return {f"set {n}": numbered[n] for n in sorted(numbered)}


SETS = discover_sets()
LOOKUP_LABELS = {"lookup_clientondersteuner": {"find_clientondersteuner", "inform_location"},
                 "lookup_zorgkantoor": {"find_zorgkantoor"}}
OUT_OF_SCOPE = {"out_of_scope", "nlu_fallback"}
# topics that were drafts when the set was labelled and are now part of a neighbour
FOLDED = {"faq/logeeropvang": "faq/respijtzorg", "faq/calamiteitenverlof": "faq/mantelzorg_en_werk",
          "faq/langdurend_zorgverlof": "faq/mantelzorg_en_werk", "faq/ciz_indicatie": "faq/hulp_wlz_aanvraag",
          "faq/wat_ondersteuner_niet_doet": "faq/wat_doet_ondersteuner"}
KIND_NAMES = {"question": "vragen", "story": "verhalen", "place": "vragen met een plaats",
              "english": "Engelse berichten", "out_of_scope": "vragen buiten ons onderwerp"}


def understood_label(parsed: Dict[str, Any]) -> str:
    """The label a parse stands for; for a message in another language, the topic found in it
    (``nlp.other_language`` keeps it under ``language``; the answer follows that topic); for an
    exhausted carer who also asked about a topic, that topic (its answer follows the safety one)."""
    label = label_of(parsed)[0]
    if label == "other_language":
        return str((parsed.get("language") or {}).get("topic") or label)
    topic = (parsed.get("safety") or {}).get("topic")
    if label.startswith("safety_exhausted") and topic:
        return str(topic)  # the exhausted answer, then this topic's answer (safety/policy.py)
    return label


def load_set(path: Path = SET) -> List[Dict[str, Any]]:
    if not path.exists():
        return []
    return list((yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("messages") or [])


def expected_labels(item: Dict[str, Any]) -> List[str]:
    expect = item.get("expect")
    labels = [FOLDED.get(str(e), str(e)) for e in (expect if isinstance(expect, list) else [expect])]
    return list(dict.fromkeys(labels))


def is_covered(item: Dict[str, Any]) -> bool:
    """False for messages that no topic answers (``expect: no_topic``)."""
    return expected_labels(item)[0] != "no_topic"


def is_right(item: Dict[str, Any], predicted: str) -> bool:
    for expect in expected_labels(item):
        if counted_as(expect, predicted) == expect or predicted in LOOKUP_LABELS.get(expect, ()):
            return True
        if expect == "out_of_scope" and predicted in OUT_OF_SCOPE:
            return True
    return False


def by_kind(items: Sequence[Dict[str, Any]], predicted: Sequence[str]) -> Dict[str, Dict[str, Any]]:
    """Per kind of message: how many, how many right (covered messages only)."""
    counts: Dict[str, Counter] = defaultdict(Counter)
    for item, label in zip(items, predicted):
        if is_covered(item):
            counts[item.get("kind", "?")]["n"] += 1
            counts[item.get("kind", "?")]["right"] += is_right(item, label)
    return {kind: {"n": c["n"], "right": c["right"], "accuracy": round(c["right"] / c["n"], 3)}
            for kind, c in counts.items()}


def misses(items: Sequence[Dict[str, Any]], predicted: Sequence[str]) -> List[Dict[str, Any]]:
    return [{"text": item["text"], "expected": expected_labels(item), "predicted": label,
             "kind": item.get("kind"), "source": item.get("source")}
            for item, label in zip(items, predicted) if is_covered(item) and not is_right(item, label)]


def figures_only(result: Optional[Dict[str, Any]]) -> Optional[Dict[str, Any]]:
    """A set's scores without its misses: what is shown of set 2 and later (see ``SET_2``)."""
    return None if result is None else {k: v for k, v in result.items() if k != "misses"}


def evaluate_realistic_sets(model_path: Path, agent: Any = None) -> Dict[str, Optional[Dict[str, Any]]]:
    """Each realistic set scored apart (never merged), one model load: {"set 1": ..., "set 2": ..., ...}."""
    agent = agent or load_agent(model_path)
    return {name: evaluate_realistic(model_path, agent, path) for name, path in SETS.items()}


def evaluate_realistic(model_path: Path, agent: Any = None, path: Path = SET) -> Optional[Dict[str, Any]]:
    """The model's labels on the realistic set (parse only), scored by kind; None without a set."""
    items = load_set(path)
    if not items:
        return None
    agent = agent or load_agent(model_path)
    predicted = [understood_label(p) for p in parse_texts(agent, [item["text"] for item in items])]
    covered = sum(1 for item in items if is_covered(item))
    right = sum(1 for item, label in zip(items, predicted) if is_covered(item) and is_right(item, label))
    return {"n": len(items), "covered": covered, "accuracy": round(right / max(covered, 1), 3),
            "by_kind": by_kind(items, predicted), "misses": misses(items, predicted)}
