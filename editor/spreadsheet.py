"""Export all FAQ topics to one spreadsheet (CSV) and import it back, without loss.

    python -m editor.spreadsheet export onderwerpen.csv
    python -m editor.spreadsheet import onderwerpen.csv

One row per item, so adding a question is adding a row. Columns:
    onderwerp  the topic (file data/faq/<onderwerp>.yml)
    soort      titel | opmerking | bron | vraag | antwoord | knop | metadata
    tekst      the title, comment line, source, question, answer text or button title
    koppeling  for a knop: what the button does ('/find_clientondersteuner' or
               '/choose_topic{"topic":"kosten"}'); for metadata: the value as JSON
    extra      rarely used: other fields of an answer or button, as JSON

A 'knop' row belongs to the 'antwoord' row above it. The file is UTF-8 with ';' as
separator, which Excel and LibreOffice open directly; import also accepts ',' and tabs.
Import rewrites only the topic files (and titles) that changed; topics that are not in
the spreadsheet are left alone.
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from editor.content import (FAQ_DIR, SLUG, TopicFile, TopicFormatError, load_titles, save_titles,
                            topic_paths)
from editor.settings import ROOT

COLUMNS = ["onderwerp", "soort", "tekst", "koppeling", "extra"]
KINDS = ("titel", "opmerking", "bron", "vraag", "antwoord", "knop", "metadata")


class SpreadsheetError(ValueError):
    """Problems in the spreadsheet, as 'file:line: Dutch message' lines."""


def topic_rows(topic: TopicFile, title: Optional[str]) -> List[Dict[str, str]]:
    rows: List[Dict[str, str]] = []

    def add(kind: str, text: str = "", link: str = "", extra: Optional[Dict[str, Any]] = None) -> None:
        rows.append({"onderwerp": topic.slug, "soort": kind, "tekst": text, "koppeling": link,
                     "extra": json.dumps(extra, ensure_ascii=False) if extra else ""})

    if title is not None:
        add("titel", title)
    for line in topic.comment:
        add("opmerking", line)
    if topic.source is not None:
        add("bron", topic.source)
    for key, value in topic.metadata_extra.items():
        add("metadata", str(key), json.dumps(value, ensure_ascii=False))
    for example in topic.examples:
        add("vraag", example)
    for response in topic.responses:
        extra = {k: v for k, v in response.items() if k not in ("text", "buttons")}
        if "text" not in response:
            extra["__geen_tekst__"] = True
        buttons = response.get("buttons")
        if buttons is not None and not isinstance(buttons, list):
            extra["buttons"] = buttons
            buttons = None
        if buttons == []:
            extra["__lege_knoppen__"] = True
        add("antwoord", str(response.get("text", "")), extra=extra or None)
        for button in buttons or []:
            other = {k: v for k, v in button.items() if k not in ("title", "payload")}
            add("knop", str(button.get("title", "")), str(button.get("payload", "")), other or None)
    return rows


def export_csv(path: Path, root: Path = ROOT) -> int:
    """Write every topic in data/faq to ``path``; return the number of topics."""
    titles = load_titles(root)
    rows: List[Dict[str, str]] = []
    paths = topic_paths(root)
    for p in paths:
        rows += topic_rows(TopicFile.from_path(p), titles.get(p.stem))
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS, delimiter=";", quoting=csv.QUOTE_MINIMAL)
        writer.writeheader()
        writer.writerows(rows)
    return len(paths)


@dataclass
class _Draft:
    topic: TopicFile
    title: Optional[str] = None
    line: int = 0


def read_csv(path: Path) -> Tuple[Dict[str, _Draft], List[str]]:
    """Parse the spreadsheet into topics; problems as 'file:line: message'."""
    raw = path.read_bytes().decode("utf-8-sig")
    first = raw.splitlines()[0] if raw else ""
    delimiter = max([";", ",", "\t"], key=first.count)
    reader = csv.DictReader(io.StringIO(raw, newline=""), delimiter=delimiter)
    name = path.name
    problems: List[str] = []
    missing = {"onderwerp", "soort", "tekst"} - set(reader.fieldnames or [])
    if missing:
        return {}, [f"{name}:1: de kolommen {', '.join(sorted(missing))} ontbreken. De eerste regel moet zijn: "
                    + ";".join(COLUMNS)]
    drafts: Dict[str, _Draft] = {}
    for row in reader:
        line = reader.line_num
        slug = (row.get("onderwerp") or "").strip()
        kind = (row.get("soort") or "").strip().lower()
        text = row.get("tekst") or ""
        link = (row.get("koppeling") or "").strip()
        extra_raw = (row.get("extra") or "").strip()
        if not slug and not kind and not text.strip():
            continue  # empty row
        if not SLUG.match(slug):
            problems.append(f"{name}:{line}: '{slug}' is geen geldige naam voor een onderwerp: gebruik kleine "
                            "letters, cijfers en '_' (bijvoorbeeld 'kosten_eigen_bijdrage').")
            continue
        if kind not in KINDS:
            problems.append(f"{name}:{line}: onbekende soort '{kind}'. Kies uit: {', '.join(KINDS)}.")
            continue
        try:
            extra = json.loads(extra_raw) if extra_raw else {}
        except json.JSONDecodeError:
            problems.append(f"{name}:{line}: de kolom 'extra' is geen geldige JSON; laat hem leeg als u niet "
                            "weet wat erin hoort.")
            continue
        draft = drafts.setdefault(slug, _Draft(TopicFile(slug=slug), line=line))
        topic = draft.topic
        if kind == "titel":
            draft.title = text.strip()
        elif kind == "opmerking":
            topic.comment.append(text.strip())
        elif kind == "bron":
            topic.source = text.strip()
        elif kind == "metadata":
            try:
                topic.metadata_extra[text.strip()] = json.loads(link) if link else None
            except json.JSONDecodeError:
                problems.append(f"{name}:{line}: de waarde van metadata '{text.strip()}' is geen geldige JSON.")
        elif kind == "vraag":
            question = text.strip()
            if "\n" in question:
                problems.append(f"{name}:{line}: een vraag mag niet over meerdere regels gaan.")
            elif question:
                topic.examples.append(question)
        elif kind == "antwoord":
            response: Dict[str, Any] = {}
            no_text = bool(extra.pop("__geen_tekst__", False))
            empty_buttons = bool(extra.pop("__lege_knoppen__", False))
            if not no_text:
                response["text"] = text
            if empty_buttons:
                response["buttons"] = []
            response.update(extra)
            topic.responses.append(response)
        elif kind == "knop":
            if not topic.responses:
                problems.append(f"{name}:{line}: een knop moet onder een antwoord staan; zet eerst een regel "
                                "met soort 'antwoord'.")
                continue
            if not link:
                problems.append(f"{name}:{line}: bij de knop '{text.strip()}' ontbreekt de koppeling (wat de "
                                "knop doet), bijvoorbeeld /find_clientondersteuner.")
                continue
            button = {"title": text.strip(), "payload": link}
            button.update(extra)
            target = topic.responses[-1]
            if not isinstance(target.get("buttons"), list):
                target["buttons"] = []
            target["buttons"].append(button)
    return drafts, problems


def import_csv(path: Path, root: Path = ROOT, dry_run: bool = False) -> Dict[str, List[str]]:
    """Write the topics in the spreadsheet to data/faq; return what changed.

    Raises SpreadsheetError (Dutch, with line numbers) and then writes nothing.
    """
    drafts, problems = read_csv(path)
    faq_dir = root / FAQ_DIR
    changed: List[str] = []
    created: List[str] = []
    texts: Dict[Path, str] = {}
    for slug, draft in drafts.items():
        try:
            texts[faq_dir / f"{slug}.yml"] = draft.topic.dump()
        except TopicFormatError as e:
            problems.append(f"{path.name}:{draft.line}: {e}")
    if problems:
        raise SpreadsheetError("\n".join(problems))
    for target, text in texts.items():
        if target.exists():
            try:
                same = TopicFile.from_path(target).to_data() == TopicFile.from_text(text).to_data() \
                    and TopicFile.from_path(target).comment == TopicFile.from_text(text).comment
            except TopicFormatError:
                same = False
            if same:
                continue
            changed.append(str(target.relative_to(root)))
        else:
            created.append(str(target.relative_to(root)))
        if not dry_run:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
    titles = {slug: d.title for slug, d in drafts.items() if d.title}
    old_titles = load_titles(root)
    title_changes = [slug for slug, t in titles.items() if old_titles.get(slug) != t]
    if title_changes and not dry_run:
        save_titles(titles, root)
    untouched = sorted(p.stem for p in topic_paths(root) if p.stem not in drafts)
    return {"changed": changed, "created": created, "titles": title_changes, "untouched": untouched}


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="Onderwerpen naar/van een spreadsheet (CSV).")
    parser.add_argument("command", choices=["export", "import"])
    parser.add_argument("file", type=Path)
    parser.add_argument("--dry-run", action="store_true", help="bij import: alleen laten zien wat er verandert")
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        if args.command == "export":
            n = export_csv(args.file, args.root)
            print(f"{n} onderwerpen geschreven naar {args.file}. Open het bestand in Excel of LibreOffice "
                  "(scheidingsteken ';', UTF-8), pas het aan, sla het op als CSV en importeer het weer.")
            return 0
        result = import_csv(args.file, args.root, dry_run=args.dry_run)
    except (SpreadsheetError, TopicFormatError) as e:
        print(str(e), file=sys.stderr)
        print("Er is niets veranderd.", file=sys.stderr)
        return 1
    verb = "zou veranderen" if args.dry_run else "veranderd"
    for key, label in (("created", "nieuw"), ("changed", verb), ("titles", "knoptitel " + verb)):
        for item in result[key]:
            print(f"{label}: {item}")
    if not (result["created"] or result["changed"] or result["titles"]):
        print("Geen veranderingen.")
    if result["untouched"]:
        print(f"{len(result['untouched'])} onderwerp(en) stonden niet in het bestand en zijn niet aangeraakt.")
    print("Controleer daarna met: make validate")
    return 0


if __name__ == "__main__":
    sys.exit(main())
