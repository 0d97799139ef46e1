"""Scoring of the realistic set, and its section in the retrain report (misses by kind)."""
from __future__ import annotations

from editor.realistic import by_kind, expected_labels, is_right, misses
from editor.report import _realistic_section

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
