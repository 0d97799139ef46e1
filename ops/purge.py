"""Delete conversations older than N days from the SQL tracker store.

    python -m ops.purge --days 90 [--endpoints endpoints.yml] [--dry-run]
    make purge DAYS=90 [ENDPOINTS=config/endpoints.production.yml]

A conversation is old when its *last* event is older than N days; then all its events go
(one statement, so a user who writes again during the purge keeps the conversation).
A conversation that goes on (a carer on WhatsApp keeps one number for months) loses its
*older sessions*: every event older than N days that lies before the conversation's latest
``session_started``. The current session, which Rasa loads for the next message, is never
touched, and sessions roll over after ``SESSION_MAX_TURNS`` messages
(ops/session_rollover.py), so what is kept per conversation is bounded by the messages of
the last N days plus one session. Works
on the tracker store of the endpoints file: SQLite (the default) and PostgreSQL (or any SQL
dialect Rasa supports), with ``${VAR}`` values taken from the environment, as Rasa does.
The default endpoints file is ``$RASA_ENDPOINTS``, else ``endpoints.yml``.

Prints one summary line (how many conversations and events); sender ids are never printed.
Exit code 0 when done, 2 when the configuration cannot be used.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import List, Optional, Union

import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine

from ops.settings import sql_tracker_store

DEFAULT_DAYS = 90
DAY_SECONDS = 24 * 3600

# MySQL refuses a subquery on the table it deletes from, unless it is wrapped ("AS old").
OLD_SENDERS = ("SELECT sender_id FROM (SELECT sender_id FROM events GROUP BY sender_id "
               "HAVING MAX(timestamp) < :cutoff) AS old")
COUNT_CONVERSATIONS = sa.text(f"SELECT COUNT(*) FROM ({OLD_SENDERS}) AS counted")
COUNT_EVENTS = sa.text(f"SELECT COUNT(*) FROM events WHERE sender_id IN ({OLD_SENDERS})")
DELETE_EVENTS = sa.text(f"DELETE FROM events WHERE sender_id IN ({OLD_SENDERS})")
# Events older than the cutoff and older than their conversation's latest session start.
OLD_SESSION_EVENTS = ("SELECT id FROM (SELECT e.id FROM events e JOIN (SELECT sender_id, "
                      "MAX(timestamp) AS started FROM events WHERE type_name = 'session_started' "
                      "GROUP BY sender_id) s ON s.sender_id = e.sender_id "
                      "WHERE e.timestamp < s.started AND e.timestamp < :cutoff) AS old_ids")
COUNT_OLD_SESSION_EVENTS = sa.text(f"SELECT COUNT(*) FROM ({OLD_SESSION_EVENTS}) AS counted")
DELETE_OLD_SESSION_EVENTS = sa.text(f"DELETE FROM events WHERE id IN ({OLD_SESSION_EVENTS})")


class PurgeConfigError(Exception):
    """The endpoints file names no usable SQL tracker store (message in Dutch)."""


@dataclass(frozen=True)
class PurgeResult:
    conversations: int
    events: int
    cutoff: float
    dry_run: bool
    old_session_events: int = 0

    def summary(self, days: Union[int, float]) -> str:
        """One Dutch line, e.g. "Verwijderd: 2 gesprekken (57 gebeurtenissen), ..."."""
        when = datetime.fromtimestamp(self.cutoff, tz=timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        what = (f"{_count(self.conversations, 'gesprek', 'gesprekken')} "
                f"({_count(self.events, 'gebeurtenis', 'gebeurtenissen')})")
        head = "Proefdraai, niets verwijderd. Te verwijderen" if self.dry_run else "Verwijderd"
        line = f"{head}: {what}, laatste bericht ouder dan {days} dagen (vóór {when})."
        if self.old_session_events:
            line += (f" Uit lopende gesprekken: "
                     f"{_count(self.old_session_events, 'gebeurtenis', 'gebeurtenissen')} "
                     f"uit oudere sessies van vóór die datum.")
        return line


def _count(n: int, singular: str, plural: str) -> str:
    return f"{n} {singular if n == 1 else plural}"


def tracker_store_url(endpoints: Path) -> Union[str, URL]:
    """The SQLAlchemy URL of the endpoints file's SQL tracker store."""
    with warnings.catch_warnings():  # Rasa's imports warn about deprecations; not ours
        warnings.simplefilter("ignore")
        warnings.showwarning = lambda *args, **kwargs: None  # Rasa resets the filters
        return _tracker_store_url(endpoints)


def _tracker_store_url(endpoints: Path) -> Union[str, URL]:
    if not endpoints.is_file():
        raise PurgeConfigError(f"Het endpoints-bestand {endpoints} bestaat niet.")
    store = sql_tracker_store(endpoints)  # a relative SQLite file: from the working directory, as Rasa
    if store is None:
        raise PurgeConfigError(f"{endpoints} heeft geen SQL-trackerstore (tracker_store: type: SQL).")
    if store.sqlite_file is not None and not store.sqlite_file.is_file():
        # never create an empty database by accident
        raise PurgeConfigError(f"De SQLite-database {store.sqlite_file.resolve()} bestaat niet.")
    return store.url


def purge(engine: Engine, days: float, now: Optional[float] = None,
          dry_run: bool = False) -> PurgeResult:
    """Delete (or with ``dry_run`` only count) the conversations older than ``days``."""
    cutoff = (time.time() if now is None else now) - days * DAY_SECONDS
    with engine.begin() as connection:
        if not sa.inspect(connection).has_table("events"):
            return PurgeResult(0, 0, cutoff, dry_run)
        conversations = int(connection.execute(COUNT_CONVERSATIONS, {"cutoff": cutoff}).scalar() or 0)
        events = int(connection.execute(COUNT_EVENTS, {"cutoff": cutoff}).scalar() or 0)
        if not dry_run and conversations:
            deleted = connection.execute(DELETE_EVENTS, {"cutoff": cutoff}).rowcount
            events = deleted if deleted is not None and deleted >= 0 else events
        old = int(connection.execute(COUNT_OLD_SESSION_EVENTS, {"cutoff": cutoff}).scalar() or 0)
        if not dry_run and old:
            deleted = connection.execute(DELETE_OLD_SESSION_EVENTS, {"cutoff": cutoff}).rowcount
            old = deleted if deleted is not None and deleted >= 0 else old
    return PurgeResult(conversations, events, cutoff, dry_run, old)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ops.purge",
        description="Verwijder gesprekken waarvan het laatste bericht ouder is dan N dagen.")
    parser.add_argument("--days", type=float, default=DEFAULT_DAYS,
                        help=f"bewaartermijn in dagen (standaard {DEFAULT_DAYS})")
    parser.add_argument("--endpoints", type=Path,
                        default=Path(os.environ.get("RASA_ENDPOINTS") or "endpoints.yml"),
                        help="endpoints-bestand met de trackerstore (standaard $RASA_ENDPOINTS "
                             "of endpoints.yml)")
    parser.add_argument("--dry-run", action="store_true", help="alleen tellen, niets verwijderen")
    args = parser.parse_args(argv)
    if args.days <= 0:
        parser.error("--days moet groter dan 0 zijn")
    try:
        engine = sa.create_engine(tracker_store_url(args.endpoints))
    except PurgeConfigError as exc:
        print(f"Opschonen niet gelukt: {exc}", file=sys.stderr)
        return 2
    try:
        result = purge(engine, args.days, dry_run=args.dry_run)
    finally:
        engine.dispose()
    days = int(args.days) if float(args.days).is_integer() else args.days
    print(result.summary(days))
    return 0


if __name__ == "__main__":
    sys.exit(main())
