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
    assert content.join_sources(rows) == ("Regelhulp: Zorgkantoor — https://www.regelhulp.nl/x; "
                                          "seeds/003_a.txt (MantelzorgNL)")


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


def test_progress_follows_the_retrain_output() -> None:
    progress = content.RetrainProgress(components_total=4)
    seen = [progress.percent()]
    lines = ["=== Stap 1/6: inhoud controleren ===", "Controle geslaagd: geen fouten, 3 opmerking(en).",
             "=== Stap 2/6: model trainen (de voortgang staat hieronder) ==="]
    lines += [f"2026-12-05 INFO rasa.engine.training.hooks - Finished training component 'C{i}'." for i in range(4)]
    lines += ["=== Stap 3/6: meten op de testvragen (nieuw en live model) ===",
              "Nieuw model (models/model-abc.tar.gz): macro-F1 0.935", "=== Stap 5/6: vergelijken ===",
              "Rapport: reports/2026-12-05_2110/index.html", "=== Stap 6/6: publiceren ==="]
    for line in lines:
        progress.feed(line)
        seen.append(progress.percent())
    assert seen == sorted(seen) and 0 < seen[3] < seen[-5] < 100
    assert progress.model == "models/model-abc.tar.gz" and progress.report == "reports/2026-12-05_2110/index.html"
    assert progress.step == 6 and progress.step_text == "publiceren"
