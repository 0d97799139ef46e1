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
from pathlib import Path
from typing import Any, Dict, List, Optional

from editor.settings import ROOT, load_settings, rasa_token, rasa_url

STEPS = 6


def step(n: int, text: str) -> None:
    print(f"\n=== Stap {n}/{STEPS}: {text} ===", flush=True)


def _rel(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


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


def main(argv: Optional[List[str]] = None) -> int:
    settings = load_settings()
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
    args = parser.parse_args(argv)
    url = args.url or rasa_url(settings)
    token = args.token if args.token is not None else rasa_token()
    timings: Dict[str, float] = {}

    # 1. validate
    step(1, "inhoud controleren")
    started = time.monotonic()
    from editor.validate import summary, validate

    problems = validate(ROOT, settings)
    for p in problems:
        print(p.format())
    print(summary(problems))
    timings["controle"] = time.monotonic() - started
    if any(p.severity == "error" for p in problems):
        print("\nEr is niets getraind of gepubliceerd. Los de fouten hierboven op en start opnieuw.")
        return 1

    # 2. train
    step(2, "model trainen (de voortgang staat hieronder)")
    started = time.monotonic()
    from ops.model_state import train_if_needed

    new_model = train_if_needed(force=args.force_train)
    timings["trainen"] = time.monotonic() - started

    # 3. evaluate new and live on the same held-out questions
    step(3, "meten op de testvragen (nieuw en live model)")
    started = time.monotonic()
    from editor.evaluate import cross_validate, evaluate_model

    heldout = settings.get("evaluation", {}).get("heldout_dir", "tests/nlu/heldout")
    try:
        new = evaluate_model(new_model, heldout)
    except ValueError as e:
        print(f"Het model kan niet gemeten worden: {e}")
        print(f"Zonder testvragen in {heldout} wordt er niets gepubliceerd.")
        return 2
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
    timings["meten"] = time.monotonic() - started

    # 4. cross-validation
    step(4, f"kruisvalidatie ({args.cv})")
    started = time.monotonic()
    cv = None
    if args.cv != "off":
        folds = args.folds or (settings["cross_validation"].get("rasa_folds", 3) if args.cv == "rasa"
                               else settings["cross_validation"].get("folds", 5))
        cv = cross_validate(ROOT, folds, args.cv)
        print(f"Kruisvalidatie ({cv.extra.get('folds')} vouwen): {cv.headline()}")
    else:
        print("Overgeslagen.")
    timings["kruisvalidatie"] = time.monotonic() - started

    # 5. gate + report
    step(5, "vergelijken met het live model en rapport schrijven")
    from editor.gate import decide
    from editor.report import new_report_dir, write_report

    gate = settings.get("gate", {})
    decision = decide(new, live if live is not new else None, args.tolerance,
                      float(gate.get("min_macro_f1") or 0.0), gate.get("max_topic_drop"))
    if live is new:
        decision.reasons.insert(0, "Het nieuwe model is hetzelfde als het live model.")
    print(decision.summary())
    report_dir = new_report_dir()
    report_args: Dict[str, Any] = dict(new=new, live=live if live is not new else None, cv=cv,
                                       decision=decision.to_dict(),
                                       problems=[p.to_dict() for p in problems], new_model=_rel(new_model),
                                       live_model=_rel(live_model) if live_model else "", timings=timings)
    index = write_report(report_dir, **report_args)
    print(f"Rapport: {_rel(index)}")

    # 6. publish
    step(6, "publiceren")
    from editor.publish import PublishError, publish

    scores = {"macro_f1": new.macro_f1, "accuracy": new.accuracy}
    if not decision.accepted:
        print("Het nieuwe model wordt NIET gepubliceerd; het live model blijft draaien.")
        write_report(report_dir, publication="Niet gepubliceerd.", **report_args)
        return 2
    if live is new and live_model is not None:
        print("Niets te doen: dit model is al live.")
        return 0
    if args.no_publish:
        print("Niet gepubliceerd (--no-publish).")
        write_report(report_dir, publication="Niet gepubliceerd (--no-publish).", **report_args)
        return 0
    try:
        result = publish(new_model, url, token, scores=scores, report=_rel(index))
    except PublishError as e:
        print(f"Publiceren mislukt: {e}")
        write_report(report_dir, publication=f"Publiceren mislukt: {e}", **report_args)
        return 3
    if result["published"]:
        message = f"Gepubliceerd: de assistent op {url} gebruikt nu {_rel(new_model)}."
    else:
        message = (f"De server op {url} draait niet. Het model {_rel(new_model)} is goedgekeurd en "
                   "vastgelegd als live model; het wordt gebruikt bij de volgende start (make run).")
    print(message)
    print("Terug naar het vorige model: make rollback")
    write_report(report_dir, publication=message, **report_args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
