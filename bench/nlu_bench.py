"""Held-out NLU accuracy: our configuration against Rasa's default and TF-IDF + LR baselines.

All are trained on the same training examples (data/) and scored on the same held-out
questions (tests/nlu/heldout, never trained on). FAQ questions count on their full label
``faq/<topic>``; a fallback counts as wrong.

    PYTHONPATH=. .venv/bin/python -m bench.nlu_bench --ours models/model-x.tar.gz \
        --default models/bench_default-y.tar.gz
(bench/run_all.py trains both models first and calls this.)
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

from editor.evaluate import EvalResult, evaluate_model, proxy_classifier, scores, training_examples
from editor.settings import ROOT
from editor.content import load_heldout_examples

HELDOUT = ROOT / "tests" / "nlu" / "heldout"


def tfidf_lr_baselines() -> Dict[str, Dict[str, Any]]:
    """Plain scikit-learn baselines on the raw text (no Rasa, no spaCy, no rules)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    train = training_examples()
    heldout, problems = load_heldout_examples(HELDOUT, ROOT)
    if problems:
        raise SystemExit("\n".join(p.format() for p in problems))
    variants = {
        # the textbook baseline: word TF-IDF, logistic regression with default settings
        "TF-IDF (words) + logistic regression": make_pipeline(
            TfidfVectorizer(), LogisticRegression(max_iter=3000, random_state=42)),
        # a strong linear baseline: the editors' cross-validation classifier
        # (character 2-4-grams + words, C=10)
        "TF-IDF (characters 2-4 + words) + logistic regression": proxy_classifier(),
    }
    out: Dict[str, Dict[str, Any]] = {}
    for name, model in variants.items():
        started = time.monotonic()
        model.fit([e.text for e in train], [e.intent for e in train])
        predicted = list(model.predict([e.text for e in heldout]))
        s = scores([e.intent for e in heldout], predicted)
        out[name] = {"macro_f1": s["macro_f1"], "accuracy": s["accuracy"], "n": len(heldout),
                     "train_and_test_seconds": round(time.monotonic() - started, 1)}
    return out


def rasa_model_scores(model: Path) -> Dict[str, Any]:
    result: EvalResult = evaluate_model(model, HELDOUT)
    return {"macro_f1": round(result.macro_f1, 4), "accuracy": round(result.accuracy, 4), "n": result.n,
            "errors": len(result.errors), "model": model.name}


def run(ours: Path, default: Optional[Path]) -> Dict[str, Dict[str, Any]]:
    results: Dict[str, Dict[str, Any]] = {"ours (config.yml)": rasa_model_scores(ours)}
    if default is not None:
        results["Rasa default config (config/bench_default.yml)"] = rasa_model_scores(default)
    results.update(tfidf_lr_baselines())
    return results


def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ours", type=Path, required=True)
    parser.add_argument("--default", type=Path)
    args = parser.parse_args(argv)
    print(json.dumps(run(args.ours, args.default), indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
