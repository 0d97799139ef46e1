"""Upstream inefficiencies of Rasa 3.6 fixed for our server process.

The first two keep Rasa's behaviour exactly; the third (ops/session_rollover.py) ends a
session after ``SESSION_MAX_TURNS`` user messages, carrying its state over, so that a turn's
cost does not grow with the conversation.

Profiled with py-spy under load (bench/serving_bench.py, see results/benchmarks.md):

1. Every custom-action response is checked with ``jsonschema.validate(result, schema)``,
   which first re-validates the (large, constant) schema itself against the JSON-Schema
   meta-schema. That was ~40 % of the Rasa server's CPU time. We build the validator once
   and validate each response against it: the same checks, the same ``ValidationError``.
2. The SQLite tracker store opens and closes a database connection for every read and
   write (SQLAlchemy 1.4 uses no pool for SQLite files) and commits with a full fsync.
   For SQLite only we keep a small connection pool and switch on WAL with
   ``synchronous=NORMAL``: still crash-safe for the application; a power cut can lose the
   last commits. Production uses PostgreSQL (config/endpoints.production.yml), untouched.

3. Loading a conversation (``SQLTrackerStore._event_query``, on every read and, counted, on
   every save) finds the latest ``session_started`` and then the events after it with one
   query whose ``OR ... IS NULL`` keeps the database from using an index on the timestamp:
   every event the sender ever had is read, twice a turn. We add two indexes (sender +
   type + timestamp, sender + timestamp; ``CREATE INDEX IF NOT EXISTS``, SQLite and
   PostgreSQL) and ask the same in two index-bounded steps: the same events, in the same
   order, in time that does not grow with the conversation's older sessions.

``apply()`` is idempotent; ``ops/rasa_cli.py`` calls it before Rasa's own CLI starts.
"""
from __future__ import annotations

import functools
from typing import Any, Dict, Text

from ops import session_rollover

_applied = False


def apply() -> None:
    global _applied
    if _applied:
        return
    _cache_action_response_validator()
    _sqlite_wal()
    _indexed_session_query()
    session_rollover.apply()
    _applied = True


@functools.lru_cache(maxsize=1)
def _action_response_validator() -> Any:
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)  # once, instead of on every response
    return cls(schema)


def _cache_action_response_validator() -> None:
    from jsonschema.exceptions import best_match
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.constants import DOCS_BASE_URL

    def validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
        error = best_match(_action_response_validator().iter_errors(result))
        if error is None:
            return True
        error.message += (
            ". Failed to validate Action server response from API, make sure your response "
            f"from the Action endpoint is valid. For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise error

    RemoteAction._validate_action_result = validate_action_result  # type: ignore[assignment]


def _sqlite_wal() -> None:
    import rasa.core.tracker_store as tracker_store
    from sqlalchemy import event
    from sqlalchemy.engine import Engine
    from sqlalchemy.pool import QueuePool

    original = tracker_store.create_engine_kwargs

    def engine_kwargs(url: Any) -> Dict[Text, Any]:
        if str(url).startswith("sqlite") and ":memory:" not in str(url):
            return {"poolclass": QueuePool, "pool_size": 2, "max_overflow": 8,
                    "connect_args": {"check_same_thread": False}}
        return original(url)

    tracker_store.create_engine_kwargs = engine_kwargs

    @event.listens_for(Engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        if type(dbapi_connection).__module__.startswith("sqlite3"):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()


EVENT_INDEXES = {
    "ix_events_sender_type_time": "events (sender_id, type_name, timestamp)",
    "ix_events_sender_time": "events (sender_id, timestamp)",
}


def create_event_indexes(engine: Any) -> None:
    """Add the two indexes the session query needs; harmless when they exist already."""
    import logging

    import sqlalchemy as sa
    from sqlalchemy.exc import SQLAlchemyError

    for name, target in EVENT_INDEXES.items():
        try:
            with engine.begin() as connection:
                connection.execute(sa.text(f"CREATE INDEX IF NOT EXISTS {name} ON {target}"))
        except SQLAlchemyError as error:  # another replica creating it at the same moment
            logging.getLogger(__name__).warning("index %s not created: %s", name, type(error).__name__)


def _indexed_session_query() -> None:
    import sqlalchemy as sa
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.events import SessionStarted

    original_init = SQLTrackerStore.__init__

    def __init__(self: SQLTrackerStore, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        create_event_indexes(self.engine)

    def _event_query(self: SQLTrackerStore, session: Any, sender_id: Text,
                     fetch_events_from_all_sessions: bool) -> Any:
        event = self.SQLEvent
        query = session.query(event).filter(event.sender_id == sender_id)
        if not fetch_events_from_all_sessions:
            session_start = (
                session.query(sa.func.max(event.timestamp))
                .filter(event.sender_id == sender_id, event.type_name == SessionStarted.type_name)
                .scalar()
            )
            if session_start is not None:
                query = query.filter(event.timestamp >= session_start)
        return query.order_by(event.id)

    SQLTrackerStore.__init__ = __init__  # type: ignore[assignment]
    SQLTrackerStore._event_query = _event_query  # type: ignore[assignment]
