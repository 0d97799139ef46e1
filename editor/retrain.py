"""The one command: validate → train → evaluate → report → gate → publish.

    python -m editor.retrain                 # what `make retrain` runs
    python -m editor.retrain --no-publish    # everything except putting the model live
    python -m editor.retrain --tolerance 0.02 --cv rasa --folds 3

Exit codes: 0 = done (published, already live, or --no-publish), 1 = the content has
errors, 2 = the new model is worse than the live one (not published), 3 = publishing failed.
"""
from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional

from editor.content import Problem, relative_to_root
from editor.evaluate import EvalResult
from editor.gate import GateDecision
from editor.settings import ROOT, load_settings, rasa_url
from ops.settings import api_token

STEPS = 6


def step(n: int, text: str) -> None:
    print(f"\n=== Stap {n}/{STEPS}: {text} ===", flush=True)


def _rel(path: Path) -> str:
    return relative_to_root(path, ROOT)


def find_live_model(url: str, token: Optional[str]) -> Optional[Path]:
    """The live model: from models/live.json, else the model the running server reports."""
    from editor.publish import PublishError, live_model_path, server_status

    recorded = live_model_path()
    if recorded:
        return recorded
    try:
        name = Path(str(server_status(url, token).get("model_file") or "")).name
    except PublishError:
        return None
    candidate = ROOT / "models" / name
    return candidate if name and candidate.exists() else None


@dataclass
class Measured:
    """Step 3: the new model's scores and, when known, the live model's (``live is new``
    when the new model is the live one)."""

    new: EvalResult
    live: Optional[EvalResult]
    live_model: Optional[Path]


@dataclass
class Report:
    """Step 5: the gate's decision and the report it is written to (rewritten in step 6)."""

    decision: GateDecision
    directory: Path
    index: Path
    args: Dict[str, Any]

    def write(self, publication: str) -> None:
        from editor.report import write_report

        write_report(self.directory, publication=publication, **self.args)


def parse_args(argv: Optional[List[str]], settings: Dict[str, Any]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Controleren, trainen, meten, rapport, poortwachter, publiceren.")
    parser.add_argument("--no-publish", action="store_true", help="niet publiceren (alleen rapport)")
    parser.add_argument("--force-train", action="store_true", help="ook trainen als er al een actueel model is")
    parser.add_argument("--tolerance", type=float, default=settings["gate"].get("tolerance", 0.01),
                        help="hoeveel slechter (macro-F1, nauwkeurigheid) het nieuwe model mag zijn")
    parser.add_argument("--cv", choices=["proxy", "rasa", "off"],
                        default=settings.get("cross_validation", {}).get("method", "proxy"))
    parser.add_argument("--folds", type=int, default=None)
    parser.add_argument("--url", default=None)
    parser.add_argument("--token", default=None)
    return parser.parse_args(argv)


def check_content(settings: Dict[str, Any]) -> List[Problem]:
    """Step 1: every problem in the content, printed."""
    step(1, "inhoud controleren")
    from editor.validate import summary, validate

    problems = validate(ROOT, settings)
    for p in problems:
        print(p.format())
    print(summary(problems))
    return problems


def train(force: bool) -> Path:
    """Step 2: the model of the current content (trained when there is none)."""
    step(2, "model trainen (de voortgang staat hieronder)")
    from ops.model_state import train_if_needed

    return train_if_needed(force=force)


class NotMeasurable(Exception):
    """The new model cannot be measured (no held-out questions, or unreadable ones)."""


def measure(new_model: Path, heldout: str, url: str, token: Optional[str]) -> Measured:
    """Step 3: the new and the live model on the same held-out questions."""
    step(3, "meten op de testvragen (nieuw en live model)")
    from editor.evaluate import evaluate_model

    try:
        new = evaluate_model(new_model, heldout)
    except ValueError as e:
        raise NotMeasurable(str(e)) from e
    print(f"Nieuw model ({_rel(new_model)}): {new.headline()}")
    live_model = find_live_model(url, token)
    live = None
    if live_model is not None and live_model.resolve() == new_model.resolve():
        live = new
        print("Dit model is al het live model.")
    elif live_model is not None:
        try:
            live = evaluate_model(live_model, heldout)
            print(f"Live model ({_rel(live_model)}): {live.headline()}")
        except Exception as e:  # noqa: BLE001 - e.g. a live model from an older Rasa version
            print(f"Let op: het live model {_rel(live_model)} kon niet gemeten worden ({type(e).__name__}: {e}).")
            print("Het nieuwe model wordt daarom alleen aan het minimum getoetst.")
            live_model = None
    else:
        print("Er is (nog) geen live model bekend.")
    return Measured(new, live, live_model)


def cross_validation(method: str, folds: Optional[int], settings: Dict[str, Any]) -> Optional[EvalResult]:
    """Step 4: cross-validation of the training data (None when switched off)."""
    step(4, f"kruisvalidatie ({method})")
    if method == "off":
        print("Overgeslagen.")
        return None
    from editor.evaluate import cross_validate

    folds = folds or (settings["cross_validation"].get("rasa_folds", 3) if method == "rasa"
                      else settings["cross_validation"].get("folds", 5))
    cv = cross_validate(ROOT, folds, method)
    print(f"Kruisvalidatie ({cv.extra.get('folds')} vouwen): {cv.headline()}")
    return cv


def gate_and_report(measured: Measured, cv: Optional[EvalResult], new_model: Path, problems: List[Problem],
                    tolerance: float, settings: Dict[str, Any], timings: Dict[str, float]) -> Report:
    """Step 5: compare with the live model and write the report."""
    step(5, "vergelijken met het live model en rapport schrijven")
    from editor.gate import decide
    from editor.report import new_report_dir, write_report

    new, live, live_model = measured.new, measured.live, measured.live_model
    gate = settings.get("gate", {})
    decision = decide(new, live if live is not new else None, tolerance,
                      float(gate.get("min_macro_f1") or 0.0), gate.get("max_topic_drop"))
    if live is new:
        decision.reasons.insert(0, "Het nieuwe model is hetzelfde als het live model.")
    print(decision.summary())
    report_dir = new_report_dir()
    from editor.realistic import evaluate_realistic_sets, figures_only

    realistic_sets = evaluate_realistic_sets(new_model)
    realistic = realistic_sets.pop("set 1", None)
    later_sets = {name: figures_only(result) for name, result in realistic_sets.items() if result is not None}
    for name, result in (("set 1", realistic), *later_sets.items()):
        if result is not None:
            print(f"Echte vragen (tests/nlu/realistic, {name}): {result['accuracy']:.0%} goed van {result['covered']}.")
    report_args: Dict[str, Any] = dict(new=new, live=live if live is not new else None, cv=cv,
                                       decision=decision.to_dict(), realistic=realistic, later_sets=later_sets,
                                       problems=[p.to_dict() for p in problems], new_model=_rel(new_model),
                                       live_model=_rel(live_model) if live_model else "", timings=timings)
    index = write_report(report_dir, **report_args)
    print(f"Rapport: {_rel(index)}")
    return Report(decision, report_dir, index, report_args)


def publish_step(new_model: Path, measured: Measured, report: Report, no_publish: bool,
                 url: str, token: Optional[str]) -> int:
    """Step 6: put the model live when the gate accepts it; the exit code."""
    step(6, "publiceren")
    from editor.publish import PublishError, publish

    new = measured.new
    scores = {"macro_f1": new.macro_f1, "accuracy": new.accuracy}
    if not report.decision.accepted:
        print("Het nieuwe model wordt NIET gepubliceerd; het live model blijft draaien.")
        report.write("Niet gepubliceerd.")
        return 2
    if measured.live is new and measured.live_model is not None:
        print("Niets te doen: dit model is al live.")
        return 0
    if no_publish:
        print("Niet gepubliceerd (--no-publish).")
        report.write("Niet gepubliceerd (--no-publish).")
        return 0
    try:
        result = publish(new_model, url, token, scores=scores, report=_rel(report.index))
    except PublishError as e:
        print(f"Publiceren mislukt: {e}")
        report.write(f"Publiceren mislukt: {e}")
        return 3
    if result["published"]:
        message = f"Gepubliceerd: de assistent op {url} gebruikt nu {_rel(new_model)}."
    else:
        message = (f"De server op {url} draait niet. Het model {_rel(new_model)} is goedgekeurd en "
                   "vastgelegd als live model; het wordt gebruikt bij de volgende start (make run).")
    print(message)
    print("Terug naar het vorige model: make rollback")
    report.write(message)
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    settings = load_settings()
    args = parse_args(argv, settings)
    url = args.url or rasa_url(settings)
    token = args.token if args.token is not None else api_token()
    timings: Dict[str, float] = {}

    started = time.monotonic()
    problems = check_content(settings)
    timings["controle"] = time.monotonic() - started
    if any(p.severity == "error" for p in problems):
        print("\nEr is niets getraind of gepubliceerd. Los de fouten hierboven op en start opnieuw.")
        return 1

    started = time.monotonic()
    new_model = train(args.force_train)
    timings["trainen"] = time.monotonic() - started

    started = time.monotonic()
    heldout = settings.get("evaluation", {}).get("heldout_dir", "tests/nlu/heldout")
    try:
        measured = measure(new_model, heldout, url, token)
    except NotMeasurable as e:
        print(f"Het model kan niet gemeten worden: {e}")
        print(f"Zonder testvragen in {heldout} wordt er niets gepubliceerd.")
        return 2
    timings["meten"] = time.monotonic() - started

    started = time.monotonic()
    cv = cross_validation(args.cv, args.folds, settings)
    timings["kruisvalidatie"] = time.monotonic() - started

    report = gate_and_report(measured, cv, new_model, problems, args.tolerance, settings, timings)
    return publish_step(new_model, measured, report, args.no_publish, url, token)


if __name__ == "__main__":
    sys.exit(main())
