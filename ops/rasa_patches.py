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
