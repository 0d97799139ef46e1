"""Held-out NLU evaluation of the current model: intent macro-F1 must stay >= 0.93.

The held-out questions in tests/nlu/heldout are never trained on (checked below).
Scores are written to tests/artifacts/nlu_heldout.json (ignored by git); `make bench` copies
them into results/, so a test run leaves the tree clean.
"""
from __future__ import annotations

import json
from pathlib import Path

from editor.evaluate import evaluate_model, training_examples
from ops.model_state import ROOT

MIN_MACRO_F1 = 0.93
HELDOUT_SCORES = ROOT / "tests" / "artifacts" / "nlu_heldout.json"


def test_heldout_is_never_trained_on() -> None:
    trained = {e.text.strip().lower() for e in training_examples()}
    heldout_dir = ROOT / "tests" / "nlu" / "heldout"
    assert list(heldout_dir.glob("*.yml")), "no held-out files"
    overlap = []
    for path in heldout_dir.glob("*.yml"):
        import yaml
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for block in doc.get("nlu", []):
            for line in block["examples"].splitlines():
                text = line.strip()[2:].strip().lower() if line.strip().startswith("- ") else ""
                if text and text in trained:
                    overlap.append((path.name, text))
    assert overlap == []


def test_heldout_macro_f1(model_path: Path) -> None:
    result = evaluate_model(model_path, heldout_dir=ROOT / "tests" / "nlu" / "heldout")
    out = HELDOUT_SCORES
    out.parent.mkdir(parents=True, exist_ok=True)
    summary = {"model": model_path.name, "n": result.n, "macro_f1": round(result.macro_f1, 4),
               "accuracy": round(result.accuracy, 4), "labels": len(result.labels),
               "errors": result.errors[:50]}
    out.write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    worst = sorted(result.per_label.items(), key=lambda kv: kv[1].get("f1", 0))[:5]
    assert result.macro_f1 >= MIN_MACRO_F1, f"macro-F1 {result.macro_f1:.3f}; weakest: {worst}"
