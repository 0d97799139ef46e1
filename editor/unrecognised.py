"""What did people ask that the assistant did not understand?

Reads the tracker store (Rasa's SQLTrackerStore: table ``events``) and lists the user
messages that ended in ``nlu_fallback`` or had a low confidence, with personal data
removed, grouped and counted, ready to paste as ``- example`` lines into a topic file.

    python -m editor.unrecognised                          # rasa_tracker.db (SQLite), last 30 days
    python -m editor.unrecognised --db pad/naar/tracker.db --days 7
    python -m editor.unrecognised --url postgresql://user:pw@host/db
    python -m editor.unrecognised --endpoints config/endpoints.production.yml
    python -m editor.unrecognised --csv onbegrepen.csv     # also as a spreadsheet

After the residents' messages it lists the realistic set's misses by kind from the latest
retrain report (editor/realistic_misses.py); ``--zonder-testset`` leaves them out.
"""
from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Tuple

from editor.content import example_key
from editor.evaluate import label_of
from editor.redact import redact
from editor.settings import ROOT, load_settings
from ops.settings import sql_tracker_store

FALLBACK = "nlu_fallback"


@dataclass
class Unrecognised:
    """One distinct (redacted) message and how often it came in."""

    text: str
    count: int = 0
    guess: str = ""              # the topic or intent the model leaned to
    confidence: float = 1.0      # the lowest confidence seen
    fallback: int = 0            # how many times it ended in nlu_fallback
    last_seen: float = 0.0
    senders: set = field(default_factory=set)


def database_url(db: Optional[str] = None, url: Optional[str] = None,
                 endpoints: Optional[str] = None) -> str:
    """SQLAlchemy URL: --url, else --db (SQLite), else the tracker store in an endpoints file."""
    if url:
        return url
    if db:
        return f"sqlite:///{Path(db).resolve()}"
    endpoints_file = Path(endpoints) if endpoints else ROOT / "endpoints.yml"
    if endpoints_file.exists():
        # a relative SQLite file: beside the endpoints file given, else in the repository
        store = sql_tracker_store(endpoints_file, relative_to=endpoints_file.parent if endpoints else ROOT)
        if store is not None:
            built = store.url
            return built if isinstance(built, str) else built.render_as_string(hide_password=False)
    return f"sqlite:///{(ROOT / 'rasa_tracker.db').resolve()}"


def _guess(parse: Dict[str, Any]) -> Tuple[str, float]:
    """(label the model leaned to, its confidence); for nlu_fallback the runner-up."""
    if (parse.get("intent") or {}).get("name") == FALLBACK:
        for ranked in parse.get("intent_ranking") or []:
            if ranked.get("name") and ranked.get("name") != FALLBACK:
                parse = {**parse, "intent": ranked}
                break
    return label_of(parse, unknown="")


def collect(database: str, days: Optional[float] = 30, threshold: float = 0.6,
            known: Iterable[str] = ()) -> List[Unrecognised]:
    """Fallback and low-confidence user messages, redacted and grouped, most frequent first."""
    import sqlalchemy as sa

    engine = sa.create_engine(database)
    since = time.time() - days * 86400 if days else 0.0
    query = sa.text("SELECT sender_id, timestamp, intent_name, data FROM events "
                    "WHERE type_name = 'user' AND timestamp >= :since ORDER BY timestamp")
    known_set = {example_key(k) for k in known}
    groups: Dict[str, Unrecognised] = {}
    forms: Dict[str, Counter] = defaultdict(Counter)
    try:
        with engine.connect() as connection:
            rows = connection.execute(query, {"since": since}).fetchall()
    finally:
        engine.dispose()
    for sender_id, timestamp, intent_name, data in rows:
        try:
            event = json.loads(data or "{}")
        except json.JSONDecodeError:
            continue
        text = (event.get("text") or "").strip()
        if not text or text.startswith("/"):  # empty, or a button press
            continue
        parse = event.get("parse_data") or {}
        intent = (parse.get("intent") or {}).get("name") or intent_name
        guess, confidence = _guess(parse)
        is_fallback = intent == FALLBACK
        if not is_fallback and confidence >= threshold:
            continue
        clean = re.sub(r"\s+", " ", redact(text)).strip()
        key = example_key(clean)
        if not key or key in known_set:
            continue
        item = groups.setdefault(key, Unrecognised(text=clean, guess=guess, confidence=confidence))
        item.count += 1
        item.fallback += int(is_fallback)
        item.confidence = min(item.confidence, confidence)
        item.last_seen = max(item.last_seen, float(timestamp or 0))
        item.senders.add(sender_id)
        forms[key][clean] += 1
    for key, item in groups.items():
        item.text = forms[key].most_common(1)[0][0]
    return sorted(groups.values(), key=lambda u: (-u.count, u.guess, u.text))


def format_for_editors(items: List[Unrecognised], days: Optional[float]) -> str:
    """Grouped by the topic the model leaned to; each block pastes under 'examples: |'."""
    total = sum(u.count for u in items)
    period = f"de laatste {days:g} dagen" if days else "alle gesprekken"
    lines = [f"# Niet begrepen of onzeker ({period}): {total} berichten, {len(items)} verschillende.",
             "# Persoonsgegevens zijn vervangen door [postcode], [telefoonnummer], [e-mail], [bsn], [iban], [nummer].",
             "# Kies per vraag het juiste onderwerp en plak de regel onder 'examples: |' in data/faq/<onderwerp>.yml.",
             "# De 'beste gok' is wat de assistent dacht; die kan fout zijn."]
    by_guess: Dict[str, List[Unrecognised]] = defaultdict(list)
    for item in items:
        by_guess[item.guess or "onbekend"].append(item)
    for guess, group in sorted(by_guess.items(), key=lambda kv: (-sum(u.count for u in kv[1]), kv[0])):
        count = sum(u.count for u in group)
        lines.append("")
        lines.append(f"# beste gok: {guess} — {len(group)} vragen, {count} keer gesteld "
                     f"(aantallen: {', '.join(str(u.count) for u in group)})")
        for item in group:
            lines.append(f"      - {item.text}")
    if not items:
        lines.append("")
        lines.append("# Niets gevonden: alle vragen in deze periode werden met voldoende zekerheid begrepen.")
    return "\n".join(lines)


def write_csv(items: List[Unrecognised], path: Path) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f, delimiter=";")
        writer.writerow(["vraag", "aantal", "beste_gok", "laagste_zekerheid", "niet_begrepen", "gesprekken",
                         "laatst_gezien"])
        for u in items:
            writer.writerow([u.text, u.count, u.guess, f"{u.confidence:.2f}", u.fallback, len(u.senders),
                             time.strftime("%Y-%m-%d %H:%M", time.localtime(u.last_seen))])


def known_examples(root: Path = ROOT) -> List[str]:
    from editor.content import load_corpus

    return [e.text for block in load_corpus(root).intents for e in block.examples]


def main(argv: Optional[List[str]] = None) -> int:
    settings = load_settings().get("unrecognised", {})
    parser = argparse.ArgumentParser(description="Welke vragen begreep de assistent niet?")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--db", help="SQLite-bestand van de tracker store (standaard rasa_tracker.db)")
    source.add_argument("--url", help="database-URL, bijv. postgresql://gebruiker:wachtwoord@host:5432/rasa")
    source.add_argument("--endpoints", help="endpoints-bestand met de tracker store (bijv. productie)")
    parser.add_argument("--days", type=float, default=settings.get("days", 30),
                        help="hoeveel dagen terug (0 = alles)")
    parser.add_argument("--threshold", type=float, default=settings.get("confidence_threshold", 0.6),
                        help="zekerheid waaronder een bericht als onzeker telt")
    parser.add_argument("--include-known", action="store_true",
                        help="ook vragen tonen die al als voorbeeldvraag in de trainingsdata staan")
    parser.add_argument("--csv", type=Path, help="schrijf de lijst ook als CSV (Excel)")
    parser.add_argument("--zonder-testset", action="store_true",
                        help="de gemiste echte vragen uit het laatste trainrapport niet tonen")
    args = parser.parse_args(argv)
    url = database_url(args.db, args.url, args.endpoints)
    if url.startswith("sqlite:///") and not Path(url[len("sqlite:///"):]).exists():
        print(f"De database {url[len('sqlite:///'):]} bestaat niet. Is de assistent al gebruikt? "
              "Geef anders het pad op met --db.", file=sys.stderr)
        return 1
    known = [] if args.include_known else known_examples()
    try:
        items = collect(url, args.days or None, args.threshold, known)
    except Exception as e:  # noqa: BLE001 - database errors are shown in Dutch
        print(f"De gesprekken konden niet worden gelezen: {type(e).__name__}: {str(e).splitlines()[0]}",
              file=sys.stderr)
        return 1
    print(format_for_editors(items, args.days or None))
    if not args.zonder_testset:
        from editor.realistic_misses import format_realistic_misses, latest_realistic

        print("\n" + format_realistic_misses(latest_realistic()))
    if args.csv:
        write_csv(items, args.csv)
        print(f"\n# Ook opgeslagen als {args.csv}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
