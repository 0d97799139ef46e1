"""Scoring of the realistic set, and its section in the retrain report (misses by kind)."""
from __future__ import annotations

from pathlib import Path

from editor.realistic import by_kind, expected_labels, is_right, misses
from editor.report import _later_set_section, _realistic_section

ITEMS = [
    {"text": "Wat is logeeropvang?", "kind": "question", "expect": "faq/logeeropvang"},
    {"text": "Ik ben zo moe, ik slaap niet meer", "kind": "story", "expect": ["faq/overbelasting"]},
    {"text": "Welk zorgkantoor hoort bij Monster?", "kind": "place", "expect": "lookup_zorgkantoor"},
    {"text": "Mag ik een schutting plaatsen?", "kind": "out_of_scope", "expect": "out_of_scope"},
    {"text": "Hoe werkt de AOW?", "kind": "question", "expect": "no_topic"},
    {"text": "<script>x</script> wie helpt?", "kind": "story", "expect": "faq/respijtzorg"},
]
PREDICTED = ["faq/respijtzorg", "safety_exhausted", "find_zorgkantoor", "nlu_fallback", "nlu_fallback",
             "faq/kosten"]


def test_folded_topics_same_help_lookups_and_fallbacks_count_as_right() -> None:
    assert expected_labels(ITEMS[0]) == ["faq/respijtzorg"]
    assert [is_right(i, p) for i, p in zip(ITEMS, PREDICTED)][:4] == [True, True, True, True]
    assert not is_right(ITEMS[5], "faq/kosten")


def test_by_kind_leaves_out_messages_no_topic_covers() -> None:
    kinds = by_kind(ITEMS, PREDICTED)
    assert kinds["question"] == {"n": 1, "right": 1, "accuracy": 1.0}
    assert kinds["story"]["n"] == 2 and kinds["story"]["right"] == 1


def test_report_section_lists_misses_by_kind_escaped() -> None:
    realistic = {"accuracy": 0.8, "covered": 5, "by_kind": by_kind(ITEMS, PREDICTED),
                 "misses": misses(ITEMS, PREDICTED)}
    html = _realistic_section(realistic)
    assert "Gemist: verhalen (1)" in html
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert "Train er nooit op" in html


def test_later_set_section_shows_figures_but_never_its_messages() -> None:
    realistic_2 = {"accuracy": 0.8, "covered": 5, "by_kind": by_kind(ITEMS, PREDICTED),
                   "misses": misses(ITEMS, PREDICTED)}
    html = _later_set_section("set 2", realistic_2)
    assert "set 2 (80% goed van 5)" in html and "verhalen" in html and "questions_2.yml" in html
    assert not any(item["text"] in html for item in ITEMS)


def test_make_unrecognised_shows_the_latest_reports_misses_as_comments(tmp_path: Path) -> None:
    import json

    from editor.realistic_misses import format_realistic_misses, latest_realistic

    assert latest_realistic(tmp_path) is None
    assert "nog geen trainrapport" in format_realistic_misses(None)
    older, newer = tmp_path / "20261201-100000", tmp_path / "20261205-100000"
    for directory, accuracy in ((older, 0.4), (newer, 0.6)):
        directory.mkdir()
        (directory / "results.json").write_text(json.dumps({"realistic": {
            "accuracy": accuracy, "covered": 10,
            "by_kind": {"story": {"n": 4, "accuracy": 0.25}, "place": {"n": 6, "accuracy": 0.5}},
            "misses": [{"text": "Mijn vader slaapt niet meer", "kind": "story",
                        "expected": ["faq/overbelasting"], "predicted": "nlu_fallback"},
                       {"text": "zorgkantoor Monster", "kind": "place",
                        "expected": ["lookup_zorgkantoor"], "predicted": "faq/wat_is_zorgkantoor"}]}}))
    (tmp_path / "20261206-100000").mkdir()  # a report without the section is skipped
    (tmp_path / "20261206-100000" / "results.json").write_text(json.dumps({"realistic": None}))
    found = latest_realistic(tmp_path)
    assert found is not None and found["report"] == "20261205-100000"
    text = format_realistic_misses(found)
    assert "60% goed van 10" in text
    assert "# Gemist: verhalen (1, 25% goed)" in text and "# Gemist: vragen met een plaats (1, 50% goed)" in text
    assert "#   Mijn vader slaapt niet meer   [verwacht: faq/overbelasting; gekozen: nlu_fallback]" in text
    assert all(line.startswith("#") for line in text.splitlines())


def test_an_exhausted_carer_with_a_topic_counts_as_that_topic() -> None:
    from editor.realistic import understood_label

    with_topic = {"intent": {"name": "safety_exhausted", "confidence": 1.0},
                  "safety": {"level": "exhausted", "topic": "faq/respijtzorg"}}
    assert understood_label(with_topic) == "faq/respijtzorg"
    alone = {"intent": {"name": "safety_exhausted_risk", "confidence": 1.0}, "safety": {"level": "exhausted"}}
    assert understood_label(alone) == "safety_exhausted_risk"
    acute = {"intent": {"name": "safety_acute", "confidence": 1.0}, "safety": {"topic": "faq/respijtzorg"}}
    assert understood_label(acute) == "safety_acute"
