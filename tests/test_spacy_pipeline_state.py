"""The spaCy pipeline in build/ follows its inputs: a new place in the data means a new build."""
from __future__ import annotations

import shutil
from pathlib import Path

from ops.model_state import ROOT, SPACY_DIR, SPACY_STAMP, spacy_inputs_hash


def test_the_built_pipeline_carries_the_hash_of_its_inputs(model_path: Path) -> None:
    # the session's model was made current through train_if_needed, which builds the pipeline
    assert (SPACY_DIR / SPACY_STAMP).read_text().strip() == spacy_inputs_hash()


def test_a_change_in_the_place_data_changes_the_inputs_hash(tmp_path: Path) -> None:
    for rel in ("lookup", "data"):
        shutil.copytree(ROOT / rel, tmp_path / rel, ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "nlp").mkdir()
    for rel in ("nlp/build_spacy_pipeline.py", "nlp/gazetteer.py"):
        shutil.copy2(ROOT / rel, tmp_path / rel)
    before = spacy_inputs_hash(tmp_path)
    assert before == spacy_inputs_hash(ROOT)
    with open(tmp_path / "lookup" / "data" / "wijken.csv", "a", encoding="utf-8") as f:
        f.write("Nieuwwijk,GM0363,https://example.invalid/\n")
    assert spacy_inputs_hash(tmp_path) != before
