"""The studio's adapter to editor/ (studio/content_bridge.py), without a browser: a topic
opened and saved unchanged stays byte-for-byte the same file, and the live check says what
make validate says."""
from __future__ import annotations

import pytest

from editor.content import FAQ_DIR, topic_paths
from editor.settings import ROOT
from studio import content_bridge as content


@pytest.mark.parametrize("path", topic_paths(ROOT), ids=lambda p: p.stem)
def test_open_and_save_unchanged_keeps_the_file(path) -> None:
    draft = content.read_topic(path.stem)
    assert draft.exists
    assert content.topic_file_from_draft(draft).dump() == path.read_text(encoding="utf-8")


def test_sources_split_into_title_and_url_and_back() -> None:
    bron = "Regelhulp: Zorgkantoor — https://www.regelhulp.nl/x ; seeds/003_a.txt (MantelzorgNL)"
    rows = content.split_sources(bron)
    assert rows == [content.SourceRow("Regelhulp: Zorgkantoor", "https://www.regelhulp.nl/x"),
                    content.SourceRow("seeds/003_a.txt (MantelzorgNL)", "")]
    assert content.join_sources(rows) == "Regelhulp: Zorgkantoor — https://www.regelhulp.nl/x; seeds/003_a.txt (MantelzorgNL)"


def test_live_check_uses_the_validate_rules() -> None:
    draft = content.read_topic("kosten")
    assert [p for p in content.check_draft(draft).problems if p.severity == "error"] == []
    draft.answer = "Je betaalt niets."
    draft.examples.append("wie heeft recht op clientondersteuning?")
    draft.sources = [content.SourceRow("Een bron zonder pagina")]
    rules = {p.rule for p in content.check_draft(draft).errors}
    assert {"u-form", "duplicate", "source"} <= rules
    draft.sources = []
    assert "source" in {p.rule for p in content.check_draft(draft).errors}
    assert (ROOT / FAQ_DIR / "kosten.yml").read_text(encoding="utf-8").count("Je betaalt niets") == 0
