"""How precise is the held-out macro-F1? A paired bootstrap over the held-out questions.

The held-out set has 299 questions over 46 labels (about 6 per label), so one question
more or less right moves macro-F1 by about 0.003-0.005. This script puts an interval on
the figure: it resamples the questions (with replacement, 2,000 times, seed 42) and
recomputes macro-F1 of our model and of the strong linear baseline on the same resample.

    PYTHONPATH=. .venv/bin/python -m bench.heldout_interval [--model models/model-x.tar.gz]

Writes results/heldout_interval.{json,md}. Nothing is tuned here: the predictions are the
ones bench/nlu_bench.py scores.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

import numpy as np

from bench.common import RESULTS, stamp
from bench.nlu_bench import HELDOUT
from editor.evaluate import label_of, load_agent, parse_texts, proxy_classifier, training_examples
from editor.settings import ROOT
from editor.content import load_heldout_examples
from ops.model_state import current_model

RESAMPLES = 2000
SEED = 42
GOAL = 0.95


def macro_f1(y_true: "Sequence[str] | np.ndarray", y_pred: "Sequence[str] | np.ndarray") -> float:
    """Macro-F1 over the labels present in ``y_true`` (as editor.evaluate.scores does)."""
    from sklearn.metrics import f1_score

    return float(f1_score(y_true, y_pred, labels=sorted(set(y_true)), average="macro", zero_division=0))


def predictions(model: Path) -> Dict[str, List[str]]:
    heldout, problems = load_heldout_examples(HELDOUT, ROOT)
    if problems:
        raise SystemExit("\n".join(p.format() for p in problems))
    texts = [e.text for e in heldout]
    ours = [label_of(parsed)[0] for parsed in parse_texts(load_agent(model), texts)]
    train = training_examples()
    baseline = proxy_classifier().fit([e.text for e in train], [e.intent for e in train])
    return {"truth": [e.intent for e in heldout], "ours": ours,
            "baseline": [str(p) for p in baseline.predict(texts)]}


def interval(values: np.ndarray) -> List[float]:
    return [round(float(np.percentile(values, 2.5)), 4), round(float(np.percentile(values, 97.5)), 4)]


def bootstrap(predicted: Dict[str, List[str]]) -> Dict[str, Any]:
    truth = np.array(predicted["truth"], dtype=object)
    ours = np.array(predicted["ours"], dtype=object)
    baseline = np.array(predicted["baseline"], dtype=object)
    rng = np.random.default_rng(SEED)
    ours_f1, baseline_f1 = np.empty(RESAMPLES), np.empty(RESAMPLES)
    for i in range(RESAMPLES):
        pick = rng.integers(0, len(truth), len(truth))
        ours_f1[i] = macro_f1(truth[pick], ours[pick])
        baseline_f1[i] = macro_f1(truth[pick], baseline[pick])
    difference = ours_f1 - baseline_f1
    return {
        "n": len(truth), "resamples": RESAMPLES, "seed": SEED,
        "ours": {"macro_f1": round(macro_f1(truth, ours), 4), "interval_95": interval(ours_f1),
                 "share_of_resamples_at_or_above_goal": round(float(np.mean(ours_f1 >= GOAL)), 3)},
        "baseline": {"macro_f1": round(macro_f1(truth, baseline), 4), "interval_95": interval(baseline_f1)},
        "ours_minus_baseline": {"interval_95": interval(difference),
                                "share_of_resamples_ours_better": round(float(np.mean(difference > 0)), 3)},
        "questions_wrong": int(np.sum(truth != ours)),
    }


def markdown(model: Path, r: Dict[str, Any]) -> str:
    s, m = r["stamp"], r["stamp"]["machine"]
    ours, base, diff = r["ours"], r["baseline"], r["ours_minus_baseline"]
    return "\n".join([
        "# Held-out macro-F1: how precise is it?", "",
        f"- date: {s['date']}; commit: {s['commit']}; model: {model.name}",
        f"- machine: {m['cpu']}, {m['cpus']} CPUs; Python {m['python']}",
        "- command: `PYTHONPATH=. .venv/bin/python -m bench.heldout_interval`",
        f"- paired bootstrap over the {r['n']} held-out questions: {r['resamples']} resamples, seed {r['seed']}",
        "",
        "| | macro-F1 | 95 % interval |", "|---|---|---|",
        f"| ours (config.yml) | {ours['macro_f1']} | {ours['interval_95'][0]} – {ours['interval_95'][1]} |",
        f"| strong linear baseline (char 2–4 + word TF-IDF + LR) | {base['macro_f1']} | "
        f"{base['interval_95'][0]} – {base['interval_95'][1]} |",
        f"| ours − baseline | | {diff['interval_95'][0]} – {diff['interval_95'][1]} |",
        "",
        f"- {r['questions_wrong']} of {r['n']} questions wrong; ours reaches the goal of {GOAL} in "
        f"{ours['share_of_resamples_at_or_above_goal']:.0%} of the resamples, and beats the baseline in "
        f"{diff['share_of_resamples_ours_better']:.0%}.",
        "- Read: a difference smaller than the interval's width is not a measured difference. "
        "Only more (real) test questions make the figure more precise.",
        "",
    ])


def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, help="default: the current content's model")
    args = parser.parse_args(argv)
    model = args.model or current_model(ROOT)
    if model is None:
        raise SystemExit("No current model: run `python -m ops.model_state` first.")
    result = {"stamp": stamp(), "model": model.name, **bootstrap(predictions(model))}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "heldout_interval.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    text = markdown(model, result)
    (RESULTS / "heldout_interval.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
