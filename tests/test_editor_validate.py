"""Each validation rule fails on a crafted bad file, with file, line and a Dutch message."""
from __future__ import annotations

import re
from pathlib import Path
from typing import List

import pytest

from editor.content import Problem
from editor.readability import measure, syllables
from tests.editor_project import make_project
from editor.validate import check_rasa, main, validate


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "project")


def run(root: Path) -> List[Problem]:
    return validate(root, run_rasa=False, run_registry=False)


def errors(problems: List[Problem], rule: str) -> List[Problem]:
    return [p for p in problems if p.rule == rule and p.severity == "error"]


def line_of(path: Path, needle: str) -> int:
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return n
    raise AssertionError(f"{needle!r} not in {path}")


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_sample_project_is_clean(project: Path) -> None:
    assert run(project) == []


def test_unreadable_yaml(project: Path) -> None:
    topic = project / "data/faq/kosten.yml"
    replace(topic, "    examples: |", "   examples: |")
    (problem,) = errors(run(project), "yaml")
    assert problem.path == "data/faq/kosten.yml"
    assert problem.line > 1
    assert "geen geldige YAML" in problem.message and "inspringing" in problem.message


def test_topic_without_answer(project: Path) -> None:
    topic = project / "data/faq/kosten.yml"
    text = topic.read_text(encoding="utf-8")
    topic.write_text(text[: text.index("responses:")], encoding="utf-8")
    problems = run(project)
    (problem,) = errors(problems, "answer")
    assert (problem.path, problem.line) == ("data/faq/kosten.yml", line_of(topic, "- intent: faq/kosten"))
    assert "geen antwoord" in problem.message and "utter_faq/kosten" in problem.message


def test_answer_without_questions(project: Path) -> None:
    path = project / "data/core/extra.yml"
    path.write_text('version: "3.1"\nresponses:\n  utter_faq/wees:\n    - text: "Een antwoord zonder vragen."\n',
                    encoding="utf-8")
    (problem,) = errors(run(project), "answer")
    assert (problem.path, problem.line) == ("data/core/extra.yml", 4)
    assert "geen onderwerp met voorbeeldvragen" in problem.message


def test_topic_without_source(project: Path) -> None:
    topic = project / "data/faq/respijtzorg.yml"
    replace(topic, '    metadata:\n      bron: "MantelzorgNL: respijtzorg — https://www.mantelzorg.nl"\n', "")
    (problem,) = errors(run(project), "source")
    assert (problem.path, problem.line) == ("data/faq/respijtzorg.yml", line_of(topic, "faq/respijtzorg"))
    assert "geen bron" in problem.message


def test_empty_source(project: Path) -> None:
    topic = project / "data/faq/respijtzorg.yml"
    replace(topic, 'bron: "MantelzorgNL: respijtzorg — https://www.mantelzorg.nl"', 'bron: ""')
    assert errors(run(project), "source")


@pytest.mark.parametrize("source", ["MantelzorgNL: respijtzorg",
                                    "seeds/003_x.txt ; Rijksoverheid: respijtzorg"])
def test_source_without_a_page(project: Path, source: str) -> None:
    topic = project / "data/faq/respijtzorg.yml"
    replace(topic, 'bron: "MantelzorgNL: respijtzorg — https://www.mantelzorg.nl"', f'bron: "{source}"')
    (problem,) = errors(run(project), "source")
    assert "noemt geen pagina" in problem.message and "respijtzorg" in problem.message


def test_example_in_two_topics(project: Path) -> None:
    topic = project / "data/faq/respijtzorg.yml"
    replace(topic, "      - ik heb een pauze nodig\n", "      - ik heb een pauze nodig\n      - Wat kost het?\n")
    (problem,) = errors(run(project), "duplicate")
    assert (problem.path, problem.line) == ("data/faq/respijtzorg.yml", line_of(topic, "Wat kost het?"))
    assert "faq/kosten" in problem.message and "data/faq/kosten.yml:" in problem.message
    assert "maar bij één onderwerp" in problem.message


def test_heldout_question_in_training(project: Path) -> None:
    topic = project / "data/faq/kosten.yml"
    replace(topic, "      - kost dat geld\n", "      - kost dat geld\n      - wat gaat het mij kosten\n")
    (problem,) = errors(run(project), "heldout")
    assert (problem.path, problem.line) == ("data/faq/kosten.yml", line_of(topic, "wat gaat het mij kosten"))
    assert "tests/nlu/heldout/kosten.yml:" in problem.message and "testvraag" in problem.message


def test_b1_readability_score(project: Path) -> None:
    topic = project / "data/faq/keukentafelgesprek.yml"
    hard = ("Gemeentelijke maatschappelijke ondersteuningsvoorzieningen vereisen systematische "
            "behoeftenonderzoeken. Administratieve verantwoordingsverplichtingen compliceren daadwerkelijke "
            "dienstverlening.")
    replace(topic, "Vraagt u hulp bij de gemeente? Dan komt er iemand met u praten. Dat heet het "
                   "keukentafelgesprek. U vertelt wat u nodig heeft.", hard)
    problems = errors(run(project), "b1-score")
    assert len(problems) == 1
    assert problems[0].line == line_of(topic, "- text:")
    assert re.search(r"leesbaarheid \(Flesch-Douma\) -?\d+, minimaal 60", problems[0].message)
    assert errors(run(project), "b1-words")  # and too many long words


def test_b1_sentence_length(project: Path) -> None:
    topic = project / "data/faq/kosten.yml"
    long_sentence = ("U hoeft niet te betalen want de gemeente of het zorgkantoor betaalt de hulp van de "
                     "ondersteuner voor u en voor uw naaste en ook voor de mensen om u heen.")
    replace(topic, "U hoeft niet te betalen.", long_sentence)
    (problem,) = errors(run(project), "b1-sentence")
    assert problem.path == "data/faq/kosten.yml"
    assert "zin te lang" in problem.message and "maximaal 20" in problem.message


def test_u_form(project: Path) -> None:
    topic = project / "data/faq/kosten.yml"
    replace(topic, "U hoeft niet te betalen.", "Je hoeft niet te betalen, ook niet voor jouw naaste.")
    (problem,) = errors(run(project), "u-form")
    assert problem.path == "data/faq/kosten.yml" and problem.line == line_of(topic, "- text:")
    assert "'je', 'jouw'" in problem.message and "met 'u'" in problem.message


def test_b1_answer_length(project: Path) -> None:
    topic = project / "data/faq/kosten.yml"
    replace(topic, "Het kost u niets.", "Het kost u niets. " + "Dat is fijn voor u. " * 25)
    (problem,) = errors(run(project), "b1-length")
    assert "te lang" in problem.message and "maximaal 100" in problem.message


def test_button_to_unknown_topic(project: Path) -> None:
    topic = project / "data/faq/respijtzorg.yml"
    replace(topic, '{{"topic":"kosten"}}', '{{"topic":"kostne"}}')
    (problem,) = errors(run(project), "ref-topic")
    assert (problem.path, problem.line) == ("data/faq/respijtzorg.yml", line_of(topic, "kostne"))
    assert "onderwerp 'kostne'" in problem.message and "bestaat" in problem.message


def test_button_to_unknown_intent(project: Path) -> None:
    domain = project / "domain.yml"
    replace(domain, 'payload: "/find_clientondersteuner"', 'payload: "/zoek_ondersteuner"')
    (problem,) = errors(run(project), "ref-intent")
    assert (problem.path, problem.line) == ("domain.yml", line_of(domain, "/zoek_ondersteuner"))
    assert "'/zoek_ondersteuner'" in problem.message and "domain.yml" in problem.message


def test_rule_with_unknown_response(project: Path) -> None:
    rules = project / "data/core/rules.yml"
    replace(rules, "- action: utter_greet", "- action: utter_groet")
    (problem,) = errors(run(project), "ref-utter")
    assert (problem.path, problem.line) == ("data/core/rules.yml", line_of(rules, "utter_groet"))
    assert "'utter_groet'" in problem.message and "bestaat niet" in problem.message


def test_rule_with_unknown_action_and_intent(project: Path) -> None:
    rules = project / "data/core/rules.yml"
    replace(rules, "- action: action_answer_topic", "- action: action_antwoord")
    replace(rules, "- intent: greet", "- intent: groet")
    problems = run(project)
    assert errors(problems, "ref-action")[0].line == line_of(rules, "action_antwoord")
    assert errors(problems, "ref-intent")[0].line == line_of(rules, "intent: groet")


def test_topic_without_title(project: Path) -> None:
    replace(project / "actions/topic_titles.yml", '  respijtzorg: "Even vrij"\n', "")
    (problem,) = errors(run(project), "title")
    assert problem.path == "data/faq/respijtzorg.yml"
    assert "knoptitel" in problem.message and "actions/topic_titles.yml" in problem.message


def test_rasa_data_validate_is_translated(project: Path) -> None:
    rules = project / "data/core/rules.yml"
    replace(rules, "      - intent: greet\n", "      - intnt: greet\n")
    problems = [p for p in check_rasa(project) if p.severity == "error"]
    assert problems, "rasa data validate should reject an unknown key"
    assert problems[0].path == "data/core/rules.yml"
    assert problems[0].line == line_of(rules, "intnt")
    assert "'intnt'" in problems[0].message and "hoort hier niet" in problems[0].message


def test_registry_errors_are_reported(project: Path) -> None:
    import importlib.util

    if importlib.util.find_spec("lookup.registry_check") is None:
        pytest.skip("lookup.registry_check is not there yet")
    from editor.validate import check_registry

    from editor.settings import ROOT

    good = (ROOT / "registry/aanbieders.csv").read_text(encoding="utf-8").splitlines()
    bad = project / "registry" / "aanbieders.csv"
    bad.parent.mkdir(parents=True)
    bad.write_text("\n".join(good[:2] + ["Kapot,onbekende-soort,Nergenshuizen,Straat 1,9712 ZZ,Groningen,,"
                                         "https://x.invalid,,Nederlands,ja,ja"]) + "\n", encoding="utf-8")
    problems = [p for p in check_registry(project, "registry/aanbieders.csv") if p.severity == "error"]
    assert problems
    assert {(p.path, p.line) for p in problems} == {("registry/aanbieders.csv", 3)}
    assert any("Nergenshuizen" in p.message for p in problems)
    good_file = project / "registry" / "goed.csv"
    good_file.write_text("\n".join(good) + "\n", encoding="utf-8")
    assert not [p for p in check_registry(project, "registry/goed.csv") if p.severity == "error"]


def test_command_prints_file_line_message_and_fails(project: Path, capsys: pytest.CaptureFixture) -> None:
    replace(project / "data/faq/respijtzorg.yml", '{{"topic":"kosten"}}', '{{"topic":"kostne"}}')
    code = main(["--root", str(project), "--no-rasa", "--no-registry"])
    out = capsys.readouterr().out
    assert code == 1
    assert re.search(r"^data/faq/respijtzorg\.yml:\d+: de knop verwijst naar het onderwerp 'kostne'", out, re.M)
    assert "Controle mislukt: 1 fout(en)" in out


def test_command_passes_on_clean_project(project: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["--root", str(project), "--no-rasa", "--no-registry"]) == 0
    assert "Controle geslaagd" in capsys.readouterr().out


def test_dutch_syllables_and_flesch_douma() -> None:
    assert syllables("cliënt") == 2          # diaeresis starts a syllable
    assert syllables("geïnteresseerd") == 5
    assert syllables("mantelzorger") == 4
    assert syllables("nieuw") == 1
    assert syllables("vrijwilliger") == 4    # 'ij' is one vowel
    m = measure("Ik help u graag. Wat is uw vraag?")
    # 8 words, 2 sentences, 8 syllables: 206.835 - 0.93*4 - 77*1
    assert m.words == 8 and m.sentences == 2 and m.syllables == 8
    assert m.flesch_douma == pytest.approx(206.835 - 0.93 * 4 - 77, abs=0.05)


def test_sources_table_for_editors_is_current() -> None:
    """docs/bronnen.md lists every topic with its source pages, as the content says now."""
    from editor.sources_table import TABLE, render

    assert TABLE.read_text(encoding="utf-8") == render(), "run: python -m editor.sources_table"
    assert "| hulp_bij_bezwaar |" in TABLE.read_text(encoding="utf-8")


def test_cross_validation_alone_never_shows_the_heldout_questions(capsys) -> None:
    """Whoever writes examples runs this: the held-out misses stay unseen, so nobody tunes on them."""
    from editor.evaluate import main

    assert main(["--alleen-kruisvalidatie", "--folds", "2"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Kruisvalidatie (proxy, 2 vouwen): macro-F1 0.")
    assert "Testvragen" not in out and "hoort bij" not in out


def test_stable_folds_keep_every_example_in_its_fold_when_examples_are_added() -> None:
    """An editor compares cross-validation before and after adding examples: with --vaste-vouwen
    the old examples are tested in the same folds both times."""
    from editor.evaluate import _stable_folds

    labels = [f"faq/topic_{i % 7}" for i in range(300)]
    texts = [f"voorbeeld {i} over de zorg" for i in range(300)]
    before = _stable_folds(labels, texts, 5)
    after = _stable_folds(labels + ["faq/nieuw"] * 20, texts + [f"nieuw {i}" for i in range(20)], 5)
    for (_, test_before), (_, test_after) in zip(before, after):
        assert [i for i in test_after if i < 300] == test_before
    assert sorted(i for _, test in before for i in test) == list(range(300))
    assert all(len(test) > 30 for _, test in before)


def test_stable_folds_from_the_command_line(capsys) -> None:
    from editor.evaluate import main

    assert main(["--alleen-kruisvalidatie", "--vaste-vouwen", "--folds", "2"]) == 0
    assert capsys.readouterr().out.startswith("Kruisvalidatie (proxy, vaste vouwen, 2 vouwen): macro-F1 0.")


def test_proxy_folds_in_parallel_give_what_a_loop_gives() -> None:
    """The proxy cross-validation runs its folds in parallel processes: same predictions as a loop."""
    from editor.evaluate import _fold_predictions, _folds, in_parallel

    labels = [f"faq/onderwerp_{i % 4}" for i in range(80)]
    texts = [f"vraag {i} over {['zorg', 'geld', 'werk', 'wonen'][i % 4]} en nog wat" for i in range(80)]
    calls = [(texts, labels, train, test) for train, test in _folds(labels, 4, 42)]
    expected = [_fold_predictions(*call) for call in calls]
    assert in_parallel(_fold_predictions, calls) == expected
    assert sum(len(fold) for fold in expected) == 80
