"""'What did people ask that we did not understand?' on a tracker store written by Rasa itself."""
from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest

from editor.unrecognised import collect, database_url, format_for_editors, main, write_csv

NOW = time.time()
DAY = 86400.0


def parse(intent: str, confidence: float, text: str, topic: Optional[str] = None,
          topic_confidence: float = 0.9, runner_up: Optional[str] = None) -> Dict[str, Any]:
    ranking = [{"name": intent, "confidence": confidence}]
    if runner_up:
        ranking.append({"name": runner_up, "confidence": 0.3})
    data: Dict[str, Any] = {"text": text, "intent": {"name": intent, "confidence": confidence},
                            "intent_ranking": ranking, "entities": []}
    if topic:
        data["response_selector"] = {"faq": {"response": {"intent_response_key": f"faq/{topic}",
                                                          "confidence": topic_confidence}}}
    return data


# (sender, text, parse data, age in days)
MESSAGES: List[tuple] = [
    ("a", "mag mijn buurman de zorg overnemen", parse("nlu_fallback", 0.45, "", runner_up="faq"), 1),
    ("b", "Mag mijn buurman de zorg overnemen?", parse("nlu_fallback", 0.45, "", runner_up="faq"), 2),
    ("c", "mag mijn buurman  de zorg overnemen", parse("nlu_fallback", 0.45, ""), 3),
    ("a", "ik woon op 3511 AB, bel me op 06-12345678", parse("nlu_fallback", 0.45, "", runner_up="greet"), 1),
    ("d", "mijn bsn is 111222333 en mail is p@example.nl", parse("faq", 0.5, "", "kosten", 0.4), 1),
    ("e", "wat kost dat eigenlijk", parse("faq", 0.95, "", "kosten", 0.35), 1),   # low topic confidence
    ("e", "wat kost het", parse("faq", 0.98, "", "kosten", 0.97), 1),             # understood: skipped
    ("f", "hallo", parse("greet", 0.99, ""), 1),                                  # understood: skipped
    ("f", '/choose_topic{"topic":"kosten"}', parse("choose_topic", 1.0, ""), 1),  # button: skipped
    ("g", "een hele oude vraag", parse("nlu_fallback", 0.3, ""), 90),            # too old for --days 30
    ("h", "wat is een keukentafelgesprek", parse("nlu_fallback", 0.4, ""), 1),   # already a training example
]


async def _write(db: Path) -> None:
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    store = SQLTrackerStore(domain=Domain.empty(), dialect="sqlite", db=str(db))
    by_sender: Dict[str, list] = {}
    for sender, text, data, age in MESSAGES:
        data = dict(data, text=text)
        stamp = NOW - age * DAY
        by_sender.setdefault(sender, []).extend([
            ActionExecuted("action_listen", timestamp=stamp - 1),
            UserUttered(text, intent=data["intent"], parse_data=data, timestamp=stamp),
            BotUttered("antwoord", timestamp=stamp + 1),
        ])
    for sender, events in by_sender.items():
        await store.save(DialogueStateTracker.from_events(sender, events))
    store.engine.dispose()


@pytest.fixture(scope="module")
def tracker_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("tracker") / "rasa_tracker.db"
    asyncio.run(_write(db))
    return db


def test_rasa_wrote_the_events_table(tracker_db: Path) -> None:
    import sqlite3

    with sqlite3.connect(tracker_db) as connection:
        columns = {row[1] for row in connection.execute("PRAGMA table_info(events)")}
        users = connection.execute("SELECT count(*) FROM events WHERE type_name = 'user'").fetchone()[0]
    assert {"sender_id", "type_name", "timestamp", "intent_name", "action_name", "data"} <= columns
    assert users == len(MESSAGES)


def test_fallback_and_low_confidence_grouped_counted_redacted(tracker_db: Path) -> None:
    items = collect(database_url(db=str(tracker_db)), days=30, threshold=0.6,
                    known=["wat is een keukentafelgesprek"])
    by_text = {i.text: i for i in items}
    # the three spellings of one question are one line, counted three times, from three people
    buurman = [i for i in items if "buurman" in i.text]
    assert len(buurman) == 1 and buurman[0].count == 3 and buurman[0].fallback == 3
    assert len(buurman[0].senders) == 3
    assert items[0] is buurman[0]  # most frequent first
    assert "ik woon op [postcode], bel me op [telefoonnummer]" in by_text
    assert "mijn bsn is [bsn] en mail is [e-mail]" in by_text
    assert by_text["mijn bsn is [bsn] en mail is [e-mail]"].guess == "faq/kosten"
    assert "wat kost dat eigenlijk" in by_text  # high intent but low topic confidence
    assert "wat kost het" not in by_text and "hallo" not in by_text
    assert not any(t.startswith("/") for t in by_text)
    assert "een hele oude vraag" not in by_text  # older than 30 days
    assert "wat is een keukentafelgesprek" not in by_text  # already trained on
    everything = " ".join(by_text)
    for secret in ("3511", "06-12345678", "111222333", "p@example.nl"):
        assert secret not in everything


def test_all_days_includes_old_messages(tracker_db: Path) -> None:
    items = collect(database_url(db=str(tracker_db)), days=None, threshold=0.6)
    assert "een hele oude vraag" in {i.text for i in items}


def test_output_pastes_as_examples(tracker_db: Path, capsys: pytest.CaptureFixture, tmp_path: Path) -> None:
    sheet = tmp_path / "onbegrepen.csv"
    assert main(["--db", str(tracker_db), "--days", "30", "--csv", str(sheet)]) == 0
    out = capsys.readouterr().out
    example_lines = [line for line in out.splitlines() if line.strip().startswith("- ")]
    assert "      - mag mijn buurman de zorg overnemen" in example_lines
    assert all(not line.strip().startswith("- /") for line in example_lines)
    assert all(line.startswith("#") or line.startswith("      - ") or not line for line in out.splitlines())
    assert "# beste gok: faq/kosten" in out
    assert "3511" not in out and "06-12345678" not in out
    assert sheet.read_text(encoding="utf-8-sig").startswith("vraag;aantal;beste_gok")


def test_database_url_from_endpoints(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text('tracker_store:\n  type: SQL\n  dialect: "sqlite"\n  db: "gesprekken.db"\n', encoding="utf-8")
    assert database_url(endpoints=str(endpoints)) == f"sqlite:///{tmp_path / 'gesprekken.db'}"
    monkeypatch.setenv("PG_HOST", "db.example")
    monkeypatch.setenv("PG_PASSWORD", "geheim")
    endpoints.write_text('tracker_store:\n  type: SQL\n  dialect: "postgresql"\n  url: "${PG_HOST}"\n'
                         '  port: 5432\n  db: "rasa"\n  username: "rasa"\n  password: "${PG_PASSWORD}"\n',
                         encoding="utf-8")
    assert database_url(endpoints=str(endpoints)) == "postgresql://rasa:geheim@db.example:5432/rasa"
    assert database_url(url="postgresql://u:p@h/db") == "postgresql://u:p@h/db"


def test_missing_database_is_explained(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["--db", str(tmp_path / "bestaat-niet.db")]) == 1
    assert "bestaat niet" in capsys.readouterr().err


def test_empty_result_says_so() -> None:
    assert "Niets gevonden" in format_for_editors([], 30)


def test_csv_writer(tmp_path: Path, tracker_db: Path) -> None:
    items = collect(database_url(db=str(tracker_db)), days=30)
    write_csv(items, tmp_path / "x.csv")
    lines = (tmp_path / "x.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == len(items) + 1
