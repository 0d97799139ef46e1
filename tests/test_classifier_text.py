"""What the topic classifier reads: places as placeholders, numbers folded, ages kept apart by range."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nlp.topic_classifier import TopicClassifier, build_classifier, classifier_text, load_pipeline, save_pipeline


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
                                  "binnen 8 weken een besluit", "van 2 tot 5 uur", "ik ben 2 keer gevallen",
                                  "het nummer is 14 + het netnummer", "open van 9 tot 17 uur"])
def test_other_numbers_stay_a_plain_zero(text: str) -> None:
    folded = classifier_text(text, ages=True)
    assert "leeftijd" not in folded and not any(ch.isdigit() and ch != "0" for ch in folded)


def test_without_ages_every_number_is_zero() -> None:
    assert classifier_text("Ik ben 52", ages=False).split() == ["ik", "ben", "0"]


def test_saved_weights_are_float32_and_load_in_the_layout_the_product_wants(tmp_path: Path) -> None:
    config = {"char_ngrams": [1, 3], "word_ngrams": [1, 1], "C": 1.0, "random_seed": 42}
    model = build_classifier(config)
    texts = ["wat is respijtzorg", "respijtzorg aanvragen", "hallo", "goedemorgen", "wat kost dat"]
    model.fit(texts, ["faq/respijtzorg", "faq/respijtzorg", "greet", "greet", "faq/kosten"])
    before = model.predict_proba(texts)
    save_pipeline(model, tmp_path)
    assert np.load(tmp_path / "weights.npz")["coef"].dtype == np.float32
    # the safety classifier multiplies with sklearn: float64 in memory, as before
    assert load_pipeline(tmp_path, config)[-1].coef_.dtype == np.float64
    loaded = load_pipeline(tmp_path, config, float32_weights=True)
    coef = loaded[-1].coef_
    assert coef.dtype == np.float32 and coef.T.flags["C_CONTIGUOUS"]
    classifier = TopicClassifier.__new__(TopicClassifier)
    classifier.model, classifier._weights = loaded, None
    assert np.allclose(classifier._predict_proba(texts), before, atol=1e-5)
    assert classifier._weights.dtype == np.float32 and np.shares_memory(classifier._weights, coef)
