"""Evaluate a trained model on the held-out questions, and cross-validate the training data.

The label of an FAQ message is the full retrieval intent ``faq/<topic>`` (intent ``faq``
plus the response selector's ``intent_response_key``); other intents count as they are.
``nlu_fallback`` is a prediction like any other, so a question the model is unsure about
counts as wrong.

    from editor.evaluate import evaluate_model
    result = evaluate_model("models/model-abc.tar.gz")           # tests/nlu/heldout
    result.macro_f1, result.accuracy, result.per_label, result.errors, result.to_json()

Cross-validation (``cross_validate``): by default a fast proxy — stratified k-fold with a
light classifier (character n-grams + word unigrams, logistic regression) over exactly the
training examples Rasa sees. It finds topics whose questions look alike in seconds; the
held-out evaluation of the real model stays the publishing criterion. ``method="rasa"``
trains the real NLU pipeline once per fold instead (slow: minutes per fold on 2 cores).
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
import tempfile
import threading
import time
import zlib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple, Union

from editor.content import FAQ_PREFIX, Example, load_corpus, load_heldout_examples
from editor.settings import ROOT
from editor.topic_file import double_quoted

PathLike = Union[str, Path]


@dataclass
class EvalResult:
    """Scores of one model (or one cross-validation) on one set of questions."""

    model: str
    n: int
    accuracy: float
    macro_f1: float
    weighted_f1: float
    per_label: Dict[str, Dict[str, float]]
    labels: List[str]
    confusion: List[List[int]]
    errors: List[Dict[str, Any]]
    kind: str = "heldout"
    seconds: float = 0.0
    extra: Dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> Dict[str, Any]:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=1)

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> "EvalResult":
        return cls(**data)

    @classmethod
    def from_json(cls, text: str) -> "EvalResult":
        return cls.from_dict(json.loads(text))

    def headline(self) -> str:
        return (f"macro-F1 {self.macro_f1:.3f}, nauwkeurigheid {self.accuracy:.3f} "
                f"({self.n} vragen, {len(self.errors)} fout)")


def label_of(parsed: Dict[str, Any], unknown: str = "geen") -> Tuple[str, float]:
    """(label, confidence) of a parse result: 'faq/<topic>' for FAQ questions; ``unknown``
    when the parse names no intent."""
    intent = parsed.get("intent") or {}
    name = intent.get("name") or unknown
    confidence = float(intent.get("confidence") or 0.0)
    if name == "faq":
        selectors = parsed.get("response_selector") or {}
        selector = selectors.get("faq") or selectors.get("default") or {}
        response = selector.get("response") or {}
        key = response.get("intent_response_key")
        if key:
            name = key if key.startswith(FAQ_PREFIX) else FAQ_PREFIX + key
            confidence = min(confidence, float(response.get("confidence") or confidence))
    return name, confidence


# A safety level that gives the same help as a topic answers that topic's question: a
# statement of an exhausted carer gets the exhausted answer (everything the overload answer
# gives, plus 113), one of ontspoorde zorg the violence answer (Veilig Thuis).
SAME_HELP = {("faq/overbelasting", "safety_exhausted"), ("faq/overbelasting", "safety_exhausted_risk"),
             ("faq/ontspoorde_zorg", "safety_violence"),
             ("faq/ontspoorde_zorg", "safety_acute")}


def counted_as(expected: str, predicted: str) -> str:
    """The prediction as scored: the expected label when it gives the same help."""
    return expected if (expected, predicted) in SAME_HELP else predicted


def scores(y_true: Sequence[str], y_pred: Sequence[str]) -> Dict[str, Any]:
    """Per-label precision/recall/F1, macro-F1 over the true labels, accuracy, confusion matrix."""
    from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

    gold = sorted(set(y_true))
    labels = sorted(set(y_true) | set(y_pred))
    if not y_true:
        return {"accuracy": 0.0, "macro_f1": 0.0, "weighted_f1": 0.0, "per_label": {},
                "labels": labels, "confusion": []}
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=gold, zero_division=0)
    per_label = {label: {"precision": round(float(p[i]), 4), "recall": round(float(r[i]), 4),
                         "f1": round(float(f[i]), 4), "support": int(s[i])}
                 for i, label in enumerate(gold)}
    macro = float(sum(f) / len(gold))
    weighted = float(sum(f[i] * s[i] for i in range(len(gold))) / max(sum(s), 1))
    accuracy = sum(t == q for t, q in zip(y_true, y_pred)) / len(y_true)
    matrix = confusion_matrix(y_true, y_pred, labels=labels).tolist()
    return {"accuracy": round(accuracy, 4), "macro_f1": round(macro, 4), "weighted_f1": round(weighted, 4),
            "per_label": per_label, "labels": labels, "confusion": matrix}


def _run(coro: Any) -> Any:
    """Run a coroutine from sync code, also when an event loop is already running."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    box: Dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = asyncio.run(coro)
        except BaseException as e:  # noqa: BLE001 - re-raised in the caller's thread
            box["error"] = e

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box["value"]


def load_agent(model_path: PathLike) -> Any:
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)
    for name in ("rasa", "tensorflow", "absl"):
        logging.getLogger(name).setLevel(logging.WARNING)
    return Agent.load(str(model_path))


def parse_texts(agent: Any, texts: Sequence[str]) -> List[Dict[str, Any]]:
    async def parse_all() -> List[Dict[str, Any]]:
        return [await agent.parse_message(text) for text in texts]

    return _run(parse_all())


def evaluate_examples(model_path: PathLike, examples: Sequence[Example], kind: str = "heldout",
                      agent: Any = None) -> EvalResult:
    """Parse every example with the model and score the predictions against its label."""
    started = time.monotonic()
    agent = agent or load_agent(model_path)
    parsed = parse_texts(agent, [e.text for e in examples])
    y_true, y_pred, errors = [], [], []
    for example, result in zip(examples, parsed):
        predicted, confidence = label_of(result)
        predicted = counted_as(example.intent, predicted)
        y_true.append(example.intent)
        y_pred.append(predicted)
        if predicted != example.intent:
            ranking = [{"name": r.get("name"), "confidence": round(float(r.get("confidence") or 0), 3)}
                       for r in (result.get("intent_ranking") or [])[:3]]
            errors.append({"text": example.text, "expected": example.intent, "predicted": predicted,
                           "confidence": round(confidence, 3), "path": example.path, "line": example.line,
                           "ranking": ranking})
    s = scores(y_true, y_pred)
    return EvalResult(model=str(model_path), n=len(examples), errors=errors, kind=kind,
                      seconds=round(time.monotonic() - started, 1), **s)


def evaluate_model(model_path: PathLike, heldout_dir: PathLike = "tests/nlu/heldout") -> EvalResult:
    """Scores of the model on the held-out questions (one file per topic, never trained on)."""
    folder = Path(heldout_dir)
    if not folder.is_absolute():
        folder = ROOT / folder
    examples, problems = load_heldout_examples(folder, ROOT if _inside(folder, ROOT) else folder)
    if problems:
        raise ValueError("\n".join(p.format() for p in problems))
    if not examples:
        raise ValueError(f"geen testvragen gevonden in {folder}")
    return evaluate_examples(model_path, examples)


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
        return True
    except ValueError:
        return False


# -- cross-validation ---------------------------------------------------------------------

def training_examples(root: Path = ROOT, data: str = "data") -> List[Example]:
    """Every training example with its label (faq/<topic> for FAQ), skipping button payloads."""
    corpus = load_corpus(root, data=data)
    return [e for block in corpus.intents for e in block.examples
            if e.text and not e.text.startswith("/")]


def cross_validate(root: Path = ROOT, folds: int = 5, method: str = "proxy", seed: int = 42,
                   config: str = "config.yml", stable_folds: bool = False) -> EvalResult:
    """k-fold cross-validation on the training examples. With ``stable_folds`` each example's fold
    follows from its own label and text (``stable_fold``), so adding or removing examples leaves
    every other example in its fold and a before/after comparison of an edit compares like with like
    (the default stratified split reshuffles every fold when one example is added)."""
    examples = training_examples(root)
    if method == "rasa":
        return _cross_validate_rasa(root, examples, folds, seed, config)
    return _cross_validate_proxy(examples, folds, seed, stable_folds)


def stable_fold(label: str, text: str, folds: int) -> int:
    """The fold of one example, from its label and text only."""
    return zlib.crc32(f"{label}\n{text}".encode("utf-8")) % folds


def _stable_folds(labels: Sequence[str], texts: Sequence[str], folds: int) -> List[Tuple[List[int], List[int]]]:
    fold_of = [stable_fold(label, text, folds) for label, text in zip(labels, texts)]
    return [([i for i, f in enumerate(fold_of) if f != k], [i for i, f in enumerate(fold_of) if f == k])
            for k in range(folds)]


def proxy_classifier() -> Any:
    """Character 2-4-grams + words, logistic regression (C=10): fast, and a strong linear baseline."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, make_pipeline

    features = FeatureUnion([
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True, lowercase=True)),
        ("words", TfidfVectorizer(analyzer="word", ngram_range=(1, 1), lowercase=True)),
    ])
    return make_pipeline(features, LogisticRegression(C=10.0, max_iter=3000))


def _folds(labels: Sequence[str], folds: int, seed: int) -> List[Tuple[List[int], List[int]]]:
    from sklearn.model_selection import StratifiedKFold
    import warnings

    counts: Dict[str, int] = {}
    for label in labels:
        counts[label] = counts.get(label, 0) + 1
    k = max(2, min(folds, max(counts.values())))
    splitter = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # labels with fewer examples than folds
        return [(list(a), list(b)) for a, b in splitter.split(list(range(len(labels))), list(labels))]


def _cross_validate_proxy(examples: List[Example], folds: int, seed: int,
                          stable_folds: bool = False) -> EvalResult:
    started = time.monotonic()
    labels = [e.intent for e in examples]
    texts = [e.text for e in examples]
    predicted: List[Optional[str]] = [None] * len(examples)
    splits = _stable_folds(labels, texts, folds) if stable_folds else _folds(labels, folds, seed)
    for fold in in_parallel(_fold_predictions, [(texts, labels, train, test) for train, test in splits]):
        for i, label in fold:
            predicted[i] = label
    y_pred = [p or "geen" for p in predicted]
    errors: List[Dict[str, Any]] = [{"text": e.text, "expected": e.intent, "predicted": p, "confidence": None,
               "path": e.path, "line": e.line, "ranking": []}
              for e, p in zip(examples, y_pred) if p != e.intent]
    s = scores(labels, y_pred)
    return EvalResult(model="kruisvalidatie (snelle benadering)", n=len(examples), errors=errors,
                      kind="cross-validation", seconds=round(time.monotonic() - started, 1),
                      extra={"method": "proxy" + (", vaste vouwen" if stable_folds else ""),
                             "folds": len(splits)}, **s)


def _fold_predictions(texts: Sequence[str], labels: Sequence[str], train_idx: Sequence[int],
                      test_idx: Sequence[int]) -> List[Tuple[int, str]]:
    """One fold of the proxy cross-validation: (index, predicted label) for its test examples."""
    train_labels = [labels[i] for i in train_idx]
    if len(set(train_labels)) < 2:
        return []
    model = proxy_classifier()
    model.fit([texts[i] for i in train_idx], train_labels)
    return [(i, str(label)) for i, label in zip(test_idx, model.predict([texts[i] for i in test_idx]))]


def in_parallel(function: Any, calls: Sequence[Tuple[Any, ...]]) -> List[Any]:
    """``function(*call)`` for every call, one process per CPU, in the order of ``calls``: for
    independent folds the result is the one a loop gives. Used by the proxy cross-validation here (in a
    loop a 5-fold run took 224 s of the studio's 520-s retrain) and by bench/safety_bench.py."""
    from joblib import Parallel, delayed

    jobs = max(1, min(len(calls), os.cpu_count() or 1))
    return list(Parallel(n_jobs=jobs)(delayed(function)(*call) for call in calls))


def _cross_validate_rasa(root: Path, examples: List[Example], folds: int, seed: int,
                         config: str) -> EvalResult:
    """Real k-fold: train the NLU pipeline on k-1 folds, test on the remaining one."""
    from rasa.model_training import train_nlu

    started = time.monotonic()
    corpus = load_corpus(root)
    responses = [r for r in corpus.responses if r.name.startswith("utter_faq/")]
    splits = _folds([e.intent for e in examples], folds, seed)
    y_true: List[str] = []
    y_pred: List[str] = []
    errors: List[Dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="cv-") as tmp:
        for n, (train_idx, test_idx) in enumerate(splits, 1):
            print(f"  vouw {n}/{len(splits)}: trainen op {len(train_idx)} vragen ...", flush=True)
            fold_dir = Path(tmp) / f"fold{n}"
            fold_dir.mkdir()
            nlu_file = fold_dir / "nlu.yml"
            nlu_file.write_text(_nlu_yaml([examples[i] for i in train_idx], root, responses), encoding="utf-8")
            model = train_nlu(config=str(root / config), nlu_data=str(nlu_file), output=str(fold_dir),
                              domain=str(root / "domain.yml"), fixed_model_name=f"fold{n}")
            result = evaluate_examples(model, [examples[i] for i in test_idx], kind="fold")
            for e in result.errors:
                errors.append(e)
            agent_labels = {(e["text"], e["expected"]): e["predicted"] for e in result.errors}
            for i in test_idx:
                y_true.append(examples[i].intent)
                y_pred.append(agent_labels.get((examples[i].text, examples[i].intent), examples[i].intent))
    s = scores(y_true, y_pred)
    return EvalResult(model="kruisvalidatie (Rasa)", n=len(y_true), errors=errors, kind="cross-validation",
                      seconds=round(time.monotonic() - started, 1),
                      extra={"method": "rasa", "folds": len(splits)}, **s)


def _nlu_yaml(examples: Iterable[Example], root: Path, responses: List[Any]) -> str:
    by_intent: Dict[str, List[str]] = {}
    for e in examples:
        by_intent.setdefault(e.intent, []).append(e.text)
    out = ['version: "3.1"', "nlu:"]
    for intent, texts in by_intent.items():
        out += [f"  - intent: {intent}", "    examples: |"] + [f"      - {t}" for t in texts]
    present = {f"utter_{i}" for i in by_intent}
    kept = [r for r in responses if r.name in present and r.text]
    if kept:
        out.append("responses:")
        for r in kept:
            out += [f"  {r.name}:", f"    - text: {double_quoted(r.text)}"]
    return "\n".join(out) + "\n"


def _print_cross_validation(folds: int, method: str, stable_folds: bool = False) -> EvalResult:
    cv = cross_validate(ROOT, folds, method, stable_folds=stable_folds)
    print(f"Kruisvalidatie ({cv.extra.get('method')}, {cv.extra.get('folds')} vouwen): {cv.headline()}")
    return cv


def main(argv: Optional[List[str]] = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description="Meet een model op de testvragen (en kruisvalidatie).")
    parser.add_argument("model", nargs="?", help="modelbestand; standaard het huidige model")
    parser.add_argument("--heldout", default="tests/nlu/heldout")
    parser.add_argument("--cross-validation", choices=["proxy", "rasa", "off"], default="off")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--json", type=Path, help="schrijf het resultaat als JSON")
    parser.add_argument("--alleen-kruisvalidatie", dest="only_cv", action="store_true",
                        help="alleen de kruisvalidatie op de trainingsvoorbeelden; de testvragen blijven "
                             "ongezien (voor wie voorbeelden schrijft: zo stemt niemand af op de testvragen)")
    parser.add_argument("--vaste-vouwen", dest="stable_folds", action="store_true",
                        help="elk voorbeeld houdt zijn vouw als u voorbeelden toevoegt of weghaalt: zo vergelijkt "
                             "u voor en na een wijziging op dezelfde verdeling (alleen de snelle benadering)")
    args = parser.parse_args(argv)
    if args.only_cv:
        cv = _print_cross_validation(args.folds, "proxy" if args.cross_validation == "off" else args.cross_validation,
                                     args.stable_folds)
        if args.json:
            args.json.write_text(cv.to_json(), encoding="utf-8")
        return 0
    model = args.model
    if not model:
        from ops.model_state import current_model
        found = current_model()
        if not found:
            raise SystemExit("Geen actueel model; train eerst (make retrain).")
        model = str(found)
    result = evaluate_model(model, args.heldout)
    print(f"Testvragen: {result.headline()}")
    for e in result.errors:
        print(f"  {e['path']}:{e['line']}: '{e['text']}' hoort bij {e['expected']}, model zegt {e['predicted']}")
    if args.cross_validation != "off":
        _print_cross_validation(args.folds, args.cross_validation, args.stable_folds)
    if args.json:
        args.json.write_text(result.to_json(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
