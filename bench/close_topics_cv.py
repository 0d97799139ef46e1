"""How often an unsure FAQ answer close to its runner-up is right: 5-fold cross-validation
(seed 42) of the topic model on the training data. Chooses ``close_topics_*`` in config.yml.

    PYTHONPATH=. .venv/bin/python -m bench.close_topics_cv
"""
from __future__ import annotations

from typing import List, Tuple

import numpy as np
import yaml

from editor.evaluate import _folds, training_examples
from nlp.topic_classifier import TopicClassifier, build_classifier, classifier_text, close_to_runner_up
from ops.model_state import ROOT

# (top confidence, runner-up topic's confidence, top right, runner-up right)
Row = Tuple[float, float, bool, bool]


def topic_config() -> dict:
    config = TopicClassifier.get_default_config()
    for step in yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))["pipeline"]:
        if step["name"].endswith("TopicClassifier"):
            config.update({k: v for k, v in step.items() if k != "name"})
    return config


def cross_validated_rows(folds: int = 5, seed: int = 42) -> List[Row]:
    config = topic_config()
    examples = training_examples()
    labels = [e.intent for e in examples]
    texts = [classifier_text(e.text, ages=bool(config.get("age_words"))) for e in examples]
    rows: List[Row] = []
    for train, test in _folds(labels, folds, seed):
        model = build_classifier(config)
        model.fit([texts[i] for i in train], [labels[i] for i in train])
        classes = [str(c) for c in model.classes_]
        for i, row in zip(test, model.predict_proba([texts[i] for i in test])):
            order = np.argsort(-row)
            topics = [j for j in order if classes[j].startswith("faq/")]
            if classes[order[0]].startswith("faq/") and len(topics) > 1:
                rows.append((float(row[order[0]]), float(row[topics[1]]),
                             classes[order[0]] == labels[i], classes[topics[1]] == labels[i]))
    return rows


def main() -> None:
    rows = cross_validated_rows()
    print(f"{len(rows)} FAQ predictions with a FAQ runner-up")
    for confidence in (0.2, 0.25, 0.3):
        for margin in (0.05, 0.1, 0.2):
            close = [r for r in rows if close_to_runner_up(r[0], r[1], confidence, margin)]
            print(f"top < {confidence}, margin < {margin}: {len(close)} answers; top right "
                  f"{sum(r[2] for r in close)}, only runner-up right {sum(r[3] and not r[2] for r in close)}, "
                  f"neither {sum(not r[2] and not r[3] for r in close)}")


if __name__ == "__main__":
    main()
