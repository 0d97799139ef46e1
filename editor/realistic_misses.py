"""The realistic set's misses from the latest retrain report, by kind, as text for editors.

``make unrecognised`` shows what residents asked that the assistant did not understand; the
realistic set (tests/nlu/realistic: real people's messages from public pages) shows the same
for messages nobody on the team wrote. The retrain report already scores it
(editor/realistic.py), so this module only reads the newest report that has the section.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List, Optional

from editor.realistic import KIND_NAMES
from editor.report import REPORTS_DIR


def latest_realistic(reports_dir: Path = REPORTS_DIR) -> Optional[Dict[str, Any]]:
    """The ``realistic`` section of the newest report that has one, with its report's name."""
    for results in sorted(reports_dir.glob("*/results.json"), reverse=True):
        try:
            realistic = json.loads(results.read_text(encoding="utf-8")).get("realistic")
        except (OSError, ValueError):
            continue
        if realistic:
            return {**realistic, "report": results.parent.name}
    return None


def format_realistic_misses(realistic: Optional[Dict[str, Any]]) -> str:
    """Misses grouped by kind (stories, places, ...); a hint when no report has the section."""
    if realistic is None:
        return ("# Echte vragen (tests/nlu/realistic): nog geen trainrapport met deze vragen.\n"
                "# Maak er een met `make retrain`.")
    lines = [f"# Echte vragen van openbare pagina's (tests/nlu/realistic), trainrapport "
             f"{realistic['report']}: {realistic['accuracy']:.0%} goed van {realistic['covered']}.",
             "# Voeg deze zinnen NIET toe als voorbeeldvraag (het is een testset): schrijf eigen",
             "# voorbeelden van hetzelfde soort, of maak een nieuw onderwerp."]
    by_kind: Dict[str, List[Dict[str, Any]]] = {}
    for miss in realistic.get("misses", []):
        by_kind.setdefault(str(miss.get("kind")), []).append(miss)
    for kind, rows in sorted(by_kind.items(), key=lambda item: -len(item[1])):
        score = realistic.get("by_kind", {}).get(kind, {})
        share = f", {score['accuracy']:.0%} goed" if "accuracy" in score else ""
        lines += ["#", f"# Gemist: {KIND_NAMES.get(kind, kind)} ({len(rows)}{share})"]
        # comment lines: a test message must never be pasted into a topic file by accident
        lines += [f"#   {m['text']}   [verwacht: {', '.join(m['expected'])}; gekozen: {m['predicted']}]"
                  for m in rows]
    return "\n".join(lines)
