"""The editor format: topic files ↔ spreadsheet (CSV) ↔ Rasa YAML, without loss."""
from __future__ import annotations

import csv
import shutil
from pathlib import Path
from typing import Dict

import pytest
import yaml

from editor.content import TopicFile, load_titles
from editor.settings import ROOT
from editor.spreadsheet import SpreadsheetError, export_csv, import_csv, main
from tests.editor_project import make_project
from editor.validate import validate

TRICKY = '''version: "3.1"
# Onderwerp: lastige tekens — "aanhalingstekens", 'apostrof', #hekje en: dubbele punt
# tweede regel toelichting
nlu:
  - intent: faq/lastig
    metadata:
      bron: "Bron met \\"quotes\\", een ; en een nieuwe\\nregel"
      gecontroleerd: {"door": "redactie", "op": "2025-01-31"}
    examples: |
      - wat is een "keukentafelgesprek"?
      - kan ik 's avonds bellen: ja of nee
      - #hashtag vraag; met puntkomma, en komma
      - prijs € 12,50 — klopt dat?
      - ik woon in [Utrecht](gemeente)
responses:
  utter_faq/lastig:
    - text: "Eerste variant met \\"quotes\\" en een regeleinde:\\n- punt één\\n- punt twee"
      buttons:
        - title: "Kies 'dit'"
          payload: '/choose_topic{{"topic":"kosten"}}'
        - title: "Zoeken"
          payload: "/find_clientondersteuner"
          extra_veld: 3
    - text: "Tweede variant, zonder knoppen."
    - text: "Derde variant met plaatje."
      image: "https://example.org/plaatje.png"
      buttons: []
'''


def parsed_topics(root: Path) -> Dict[str, object]:
    return {p.name: yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((root / "data/faq").glob("*.yml"))}


def roundtrip(root: Path, tmp_path: Path) -> Path:
    """Export root's topics, import them into an empty copy, return the copy."""
    sheet = tmp_path / "onderwerpen.csv"
    export_csv(sheet, root)
    target = tmp_path / "terug"
    (target / "data/faq").mkdir(parents=True)
    (target / "actions").mkdir()
    (target / "actions/topic_titles.yml").write_text("# titels\nfaq:\n", encoding="utf-8")
    result = import_csv(sheet, target)
    assert len(result["created"]) == len(list((root / "data/faq").glob("*.yml")))
    return target


def test_real_topics_roundtrip_without_loss(tmp_path: Path) -> None:
    assert list((ROOT / "data/faq").glob("*.yml")), "no topic files in data/faq"
    target = roundtrip(ROOT, tmp_path)
    assert parsed_topics(target) == parsed_topics(ROOT)
    titles = load_titles(ROOT)
    assert load_titles(target) == {slug: titles[slug] for slug in load_titles(target)}
    # importing an unchanged export into the real files changes nothing
    copy = tmp_path / "kopie"
    shutil.copytree(ROOT / "data", copy / "data")
    shutil.copytree(ROOT / "actions", copy / "actions")
    result = import_csv(tmp_path / "onderwerpen.csv", copy)
    assert result["changed"] == [] and result["created"] == [] and result["titles"] == []


def test_written_files_keep_the_hand_written_layout(tmp_path: Path) -> None:
    root = make_project(tmp_path / "project")
    target = roundtrip(root, tmp_path)
    for path in sorted((root / "data/faq").glob("*.yml")):
        assert (target / "data/faq" / path.name).read_text(encoding="utf-8") == path.read_text(encoding="utf-8")


def test_tricky_topic_roundtrip_without_loss(tmp_path: Path) -> None:
    root = make_project(tmp_path / "project")
    (root / "data/faq/lastig.yml").write_text(TRICKY, encoding="utf-8")
    target = roundtrip(root, tmp_path)
    assert parsed_topics(target) == parsed_topics(root)
    assert TopicFile.from_path(target / "data/faq/lastig.yml").comment == \
        TopicFile.from_path(root / "data/faq/lastig.yml").comment
    assert load_titles(target) == load_titles(root)


def test_rasa_reads_the_same_training_data(tmp_path: Path) -> None:
    """Rasa's own reader sees identical examples and responses after the round trip."""
    from rasa.shared.nlu.training_data.loading import load_data

    root = make_project(tmp_path / "project")
    (root / "data/faq/lastig.yml").write_text(TRICKY, encoding="utf-8")
    target = roundtrip(root, tmp_path)

    def summary(folder: Path) -> object:
        data = load_data(str(folder / "data/faq"))
        examples = sorted((m.get("text"), m.get("intent"), m.get("intent_response_key") or "")
                          for m in data.intent_examples)
        return examples, data.responses

    assert summary(target) == summary(root)


def test_adding_a_question_row_updates_only_that_topic(tmp_path: Path) -> None:
    root = make_project(tmp_path / "project")
    sheet = tmp_path / "onderwerpen.csv"
    export_csv(sheet, root)
    with open(sheet, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f, delimiter=";"))
    rows.append(["respijtzorg", "vraag", "kan ik een weekend vrij krijgen", "", ""])
    rows.append(["respijtzorg", "titel", "Even vrij (respijt)", "", ""])
    with open(sheet, "w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f, delimiter=";").writerows(rows)
    before = (root / "data/faq/kosten.yml").read_text(encoding="utf-8")
    result = import_csv(sheet, root)
    assert result["changed"] == ["data/faq/respijtzorg.yml"]
    assert result["titles"] == ["respijtzorg"]
    written = (root / "data/faq/respijtzorg.yml").read_text(encoding="utf-8")
    assert "      - kan ik een weekend vrij krijgen\n" in written
    assert (root / "data/faq/kosten.yml").read_text(encoding="utf-8") == before
    titles_text = (root / "actions/topic_titles.yml").read_text(encoding="utf-8")
    assert "# Korte knoptitels per onderwerp." in titles_text  # comments kept
    assert load_titles(root)["respijtzorg"] == "Even vrij (respijt)"
    assert validate(root, run_rasa=False, run_registry=False) == []


def test_comma_separated_file_is_accepted(tmp_path: Path) -> None:
    root = make_project(tmp_path / "project")
    sheet = tmp_path / "komma.csv"
    sheet.write_text("onderwerp,soort,tekst,koppeling,extra\n"
                     "nieuw_onderwerp,titel,Nieuw,,\n"
                     "nieuw_onderwerp,bron,Eigen redactie,,\n"
                     "nieuw_onderwerp,vraag,\"vraag een, met komma\",,\n"
                     "nieuw_onderwerp,antwoord,Dit is het antwoord.,,\n"
                     "nieuw_onderwerp,knop,Zoeken,/find_clientondersteuner,\n", encoding="utf-8")
    result = import_csv(sheet, root)
    assert result["created"] == ["data/faq/nieuw_onderwerp.yml"]
    topic = TopicFile.from_path(root / "data/faq/nieuw_onderwerp.yml")
    assert topic.examples == ["vraag een, met komma"]
    assert topic.responses == [{"text": "Dit is het antwoord.",
                                "buttons": [{"title": "Zoeken", "payload": "/find_clientondersteuner"}]}]


def test_bad_rows_are_reported_with_line_and_nothing_is_written(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture) -> None:
    root = make_project(tmp_path / "project")
    before = {p: p.read_text(encoding="utf-8") for p in (root / "data/faq").glob("*.yml")}
    sheet = tmp_path / "fout.csv"
    sheet.write_text("onderwerp;soort;tekst;koppeling;extra\n"
                     "kosten;vraag;een goede vraag;;\n"
                     "Kosten Eigen;vraag;slechte naam;;\n"
                     "kosten;knoppie;iets;;\n"
                     "los_onderwerp;knop;Knop zonder antwoord;/greet;\n", encoding="utf-8")
    with pytest.raises(SpreadsheetError) as error:
        import_csv(sheet, root)
    message = str(error.value)
    assert "fout.csv:3: 'Kosten Eigen' is geen geldige naam" in message
    assert "fout.csv:4: onbekende soort 'knoppie'" in message
    assert "fout.csv:5: een knop moet onder een antwoord staan" in message
    assert {p: p.read_text(encoding="utf-8") for p in (root / "data/faq").glob("*.yml")} == before
    assert not (root / "data/faq/los_onderwerp.yml").exists()


def test_command_line_export_import(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    copy = tmp_path / "kopie"
    shutil.copytree(ROOT / "data", copy / "data")
    shutil.copytree(ROOT / "actions", copy / "actions")
    sheet = tmp_path / "uit.csv"
    assert main(["export", str(sheet), "--root", str(copy)]) == 0
    assert main(["import", str(sheet), "--root", str(copy)]) == 0
    assert "Geen veranderingen." in capsys.readouterr().out
    sheet.write_text("onderwerp;soort;tekst\nkosten;raar;x\n", encoding="utf-8")
    assert main(["import", str(sheet), "--root", str(copy)]) == 1
    assert "uit.csv:2: onbekende soort 'raar'" in capsys.readouterr().err
