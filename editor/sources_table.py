"""The editors' review table: every topic with its source pages (``docs/bronnen.md``).

    python -m editor.sources_table          # writes docs/bronnen.md
    python -m editor.sources_table --check  # exit 1 when docs/bronnen.md is out of date

A test keeps the file current, so editors always review what the assistant really cites.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import List, Optional

from editor.content import load_corpus, load_titles
from editor.settings import ROOT

TABLE = ROOT / "docs" / "bronnen.md"
_URL = re.compile(r"https://\S+")


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "/")


def render(root: Path = ROOT) -> str:
    corpus = load_corpus(root)
    titles = load_titles(root)
    lines = ["# Bronnen per onderwerp", "",
             "Gemaakt met `python -m editor.sources_table`; niet met de hand bewerken. Elk antwoord "
             "moet kloppen met de pagina's die hier staan. `seeds/…` zijn de brondocumenten in "
             "`../shared/seeds/`; `repo:` is een bestand in deze map.", "",
             "| onderwerp | knoptitel | bron | pagina's |", "|---|---|---|---|"]
    for slug, blocks in sorted(corpus.topics().items()):
        source = str(blocks[0].metadata.get("bron") or "")
        pages = " ".join(f"<{url.rstrip(').,;')}>" for url in _URL.findall(source))
        lines.append(f"| {slug} | {_cell(titles.get(slug, ''))} | {_cell(source)} | {pages} |")
    return "\n".join(lines) + "\n"


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = TABLE.read_text(encoding="utf-8") if TABLE.exists() else ""
        if current != text:
            print("docs/bronnen.md is niet actueel: draai python -m editor.sources_table", file=sys.stderr)
            return 1
        return 0
    TABLE.write_text(text, encoding="utf-8")
    print(f"Geschreven: {TABLE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
