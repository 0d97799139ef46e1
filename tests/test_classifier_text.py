"""What the topic classifier reads: places as placeholders, numbers folded, ages kept apart by range."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nlp.topic_classifier import build_classifier, classifier_text, load_pipeline, save_pipeline


@pytest.mark.parametrize("text, word", [
    ("Ik ben 52 en zorg voor mijn moeder", "ikleeftijdvolwassen"),
    ("ik ben 16 en zorg voor mijn moeder", "ikleeftijdjong"),
    ("mijn moeder van 84 woont nog thuis", "leeftijdoud"),
    ("een 15-jarige die voor zijn broer zorgt", "leeftijdjong"),
    ("mijn vader is 91 jaar oud", "leeftijdoud"),
])
def test_an_age_gets_a_word_for_its_range(text: str, word: str) -> None:
    assert word in classifier_text(text, ages=True).split()


@pytest.mark.parametrize("text", ["al 8 jaar zorg ik voor hem", "bel 14 + het netnummer",
                                  "binnen 8 weken een besluit", "van 2 tot 5 uur", "ik ben 2 keer gevallen"])
def test_other_numbers_stay_a_plain_zero(text: str) -> None:
    folded = classifier_text(text, ages=True)
    assert "leeftijd" not in folded and not any(ch.isdigit() and ch != "0" for ch in folded)


def test_without_ages_every_number_is_zero() -> None:
    assert classifier_text("Ik ben 52", ages=False).split() == ["ik", "ben", "0"]


def test_saved_weights_are_float32_and_load_in_the_layout_the_product_wants(tmp_path: Path) -> None:
    config = {"char_ngrams": [1, 3], "word_ngrams": [1, 1], "C": 1.0, "random_seed": 42}
    model = build_classifier(config)
    texts = ["wat is respijtzorg", "respijtzorg aanvragen", "hallo", "goedemorgen"]
    model.fit(texts, ["faq/respijtzorg", "faq/respijtzorg", "greet", "greet"])
    before = model.predict_proba(texts)
    save_pipeline(model, tmp_path)
    loaded = load_pipeline(tmp_path, config)
    coef = loaded[-1].coef_
    assert coef.dtype == np.float32 and coef.T.flags["C_CONTIGUOUS"]
    assert np.allclose(loaded.predict_proba(texts), before, atol=1e-5)
