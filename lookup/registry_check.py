"""Check a provider registry file: `python -m lookup.registry_check [pad/naar/aanbieders.csv]`.

Prints one line per problem, `aanbieders.csv:<regel>: <uitleg>`, on stdout, and a
summary on stderr. Exit code 0: no errors (warnings allowed), 1: errors, 2: usage.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import List, Optional

from lookup.places import Places
from lookup.registry import default_registry_path, parse_registry


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m lookup.registry_check",
        description="Controleer een aanbiederslijst (CSV) voordat u hem gebruikt.",
    )
    parser.add_argument("path", nargs="?", type=Path, default=None,
                        help="het CSV-bestand (standaard: registry/aanbieders.csv of $AANBIEDERS_CSV)")
    args = parser.parse_args(argv)
    path: Path = args.path or default_registry_path()

    result = parse_registry(path, Places())
    for issue in result.issues:
        print(issue)
    errors = len(result.errors)
    gemeenten = {code for p in result.providers for code in p.gm_codes}
    if errors:
        print(f"{path.name}: {errors} fout(en) in {result.rows} regels. Regels met een fout worden "
              f"niet gebruikt; een nieuwe lijst met fouten wordt door de assistent geweigerd.",
              file=sys.stderr)
        return 1
    print(f"{path.name}: in orde. {len(result.providers)} aanbieders voor {len(gemeenten)} gemeenten"
          + (f", {len(result.warnings)} waarschuwing(en)." if result.warnings else "."),
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
