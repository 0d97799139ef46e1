"""Where the time of one turn goes, measured inside the Rasa server (for bench/long_conversation.py).

With ``RASA_TURN_PROFILE=<file>`` set, ``ops/rasa_cli.py`` wraps a handful of Rasa's own
functions with timers and appends one JSON line per handled message to that file:

* ``lock`` — acquiring and releasing the conversation's lock (lock store);
* ``tracker_retrieve`` — the tracker store's query and JSON decoding of the stored events;
* ``event_replay`` — rebuilding the tracker from those events (``DialogueStateTracker.from_dict``);
* ``tracker_save`` — the tracker store's save (finding the new events and writing them);
* ``policies`` — predicting the next actions (policy featurization of the history included);
* ``action_payload`` — serialising the tracker for the action server (``_action_call_format``);
* ``action_call`` — the HTTP round trip to the action server (its own parsing included);
* ``nlu`` — parsing the message; ``slot_extraction`` — Rasa's ``action_extract_slots``;
* ``total`` — the whole ``Agent.handle_message``; ``events_loaded`` and ``payload_bytes`` too.

Meant for one conversation at a time (one accumulator per process); off by default, and
nothing here changes what Rasa does.
"""
from __future__ import annotations

import contextlib
import functools
import json
import os
import time
from collections import defaultdict
from typing import Any, AsyncIterator, Callable, Dict

_current: Dict[str, float] = defaultdict(float)


def _timed(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(func)
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return await func(*args, **kwargs)
        finally:
            _current[name] += (time.perf_counter() - started) * 1000

    return wrapper


def _timed_sync(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return func(*args, **kwargs)
        finally:
            _current[name] += (time.perf_counter() - started) * 1000

    return wrapper


def apply(path: str) -> None:
    """Install the timers; every handled message appends one line to ``path``."""
    from rasa.core.actions.action import RemoteAction
    from rasa.core.agent import Agent
    from rasa.core.lock_store import LockStore
    from rasa.core.processor import MessageProcessor
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.trackers import DialogueStateTracker

    original_from_dict = DialogueStateTracker.from_dict.__func__  # type: ignore[attr-defined]

    def from_dict(cls: Any, sender_id: str, events_as_dict: Any, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return original_from_dict(cls, sender_id, events_as_dict, *args, **kwargs)
        finally:
            _current["event_replay"] += (time.perf_counter() - started) * 1000
            _current["events_loaded"] += len(events_as_dict)

    DialogueStateTracker.from_dict = classmethod(from_dict)  # type: ignore[assignment]

    original_retrieve = SQLTrackerStore._retrieve

    async def retrieve(self: Any, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        replay_before = _current["event_replay"]
        try:
            return await original_retrieve(self, *args, **kwargs)
        finally:
            spent = (time.perf_counter() - started) * 1000
            _current["tracker_retrieve"] += spent - (_current["event_replay"] - replay_before)

    SQLTrackerStore._retrieve = retrieve  # type: ignore[assignment]
    SQLTrackerStore.save = _timed("tracker_save", SQLTrackerStore.save)  # type: ignore[assignment]
    MessageProcessor._predict_next_with_tracker = _timed_sync(  # type: ignore[assignment]
        "policies", MessageProcessor._predict_next_with_tracker)
    MessageProcessor.parse_message = _timed("nlu", MessageProcessor.parse_message)  # type: ignore[assignment]
    MessageProcessor.run_action_extract_slots = _timed(  # type: ignore[assignment]
        "slot_extraction", MessageProcessor.run_action_extract_slots)

    original_format = RemoteAction._action_call_format

    def action_call_format(self: Any, tracker: Any, domain: Any) -> Dict[str, Any]:
        started = time.perf_counter()
        body = original_format(self, tracker, domain)
        _current["payload_bytes"] += len(json.dumps(body))
        _current["action_payload"] += (time.perf_counter() - started) * 1000
        return body

    RemoteAction._action_call_format = action_call_format  # type: ignore[assignment]

    original_run = RemoteAction.run

    async def remote_run(self: Any, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> Any:
        started = time.perf_counter()
        payload_before = _current["action_payload"]
        try:
            return await original_run(self, output_channel, nlg, tracker, domain)
        finally:
            spent = (time.perf_counter() - started) * 1000
            _current["action_call"] += spent - (_current["action_payload"] - payload_before)

    RemoteAction.run = remote_run  # type: ignore[assignment]

    original_lock = LockStore.lock

    @contextlib.asynccontextmanager
    async def lock(self: Any, conversation_id: str, *args: Any, **kwargs: Any) -> AsyncIterator[Any]:
        manager = original_lock(self, conversation_id, *args, **kwargs)
        started = time.perf_counter()
        value = await manager.__aenter__()
        _current["lock"] += (time.perf_counter() - started) * 1000
        try:
            yield value
        finally:
            started = time.perf_counter()
            await manager.__aexit__(None, None, None)
            _current["lock"] += (time.perf_counter() - started) * 1000

    LockStore.lock = lock  # type: ignore[assignment]

    original_handle = Agent.handle_message

    async def handle_message(self: Any, message: Any) -> Any:
        _current.clear()
        started = time.perf_counter()
        try:
            return await original_handle(self, message)
        finally:
            record = {k: round(v, 3) for k, v in _current.items()}
            record["total"] = round((time.perf_counter() - started) * 1000, 3)
            with open(path, "a", encoding="utf-8") as out:
                out.write(json.dumps(record) + "\n")

    Agent.handle_message = handle_message  # type: ignore[assignment]


def apply_from_environment() -> None:
    path = os.environ.get("RASA_TURN_PROFILE")
    if path:
        apply(path)
