"""Rasa NLU component: reads whether a message needs safety help, and which level.

Runs after the topic classifier. A small linear model over character and word n-grams
(the same shape as ``nlp.topic_classifier``) is trained on ``safety/examples/*.yml``:
examples of each level and harmless messages that use the same words ("niet meer",
"kapot", "vastgemaakt", "slaan" in other senses), plus every training example of the
assistant's other intents as "none". The explicit phrases of ``safety.terms`` are a floor:
they can only raise the level the model gives.

When a level is found, the intent becomes ``safety_<level>`` at full confidence, standing
alone in the ranking, so no fallback or FAQ topic can hide it (``safety.policy`` then
answers it before anything else). When the model is unsure between danger and nothing,
the intent becomes ``safety_check``: one gentle question instead of a guess either way.

The decision (level, how it was found, probabilities) is added to the parse data as
``safety``; it never contains message text.
"""
from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence, Text, Tuple

import numpy as np
import yaml
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, INTENT_RESPONSE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlp.topic_classifier import build_classifier, load_pipeline, classifier_text, save_pipeline
from safety.levels import CHECK_INTENT, EXHAUSTED_AT_RISK_INTENT, INTENT_OF, LABEL_OF, LABELS, Level
from nlp.other_language import INTENT_NAME as OTHER_LANGUAGE_INTENT, LANGUAGE_KEY, topic_label
from safety.idioms import without_figures
from safety.terms import phrase_level, says_cannot_go_on

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
SAFETY_KEY = "safety"


def safety_text(text: str) -> str:
    """What the safety classifier reads: the topic classifier's text, figures of speech made plain
    (safety/idioms.py)."""
    return classifier_text(without_figures(text.lower()))


def example_files(directory: Path) -> List[Path]:
    return sorted(directory.glob("*.yml"))


def read_examples(directory: Path) -> List[Tuple[str, str]]:
    """(text, label) pairs from every examples file; labels are those of ``safety.levels``."""
    pairs: List[Tuple[str, str]] = []
    for path in example_files(directory):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for label, texts in document.items():
            if label not in LABELS:
                raise ValueError(f"{path}: unknown safety label {label!r}")
            pairs.extend((str(text), label) for text in texts or [] if str(text).strip())
    return pairs


def none_pairs(labelled: Iterable[Tuple[Optional[str], Optional[str]]],
               config: Dict[str, Any]) -> List[Tuple[str, str]]:
    """The assistant's other training examples, as harmless ("none") safety examples."""
    excluded = set(config["not_none_labels"])
    return [(text, "none") for text, label in labelled if text and label and label not in excluded]


def build_model(config: Dict[str, Any]) -> Any:
    """The topic classifier's model shape; the safety config asks for balanced class weights."""
    return build_classifier(config)


def decide(probabilities: Dict[str, float], floor: Level, config: Dict[str, Any],
           words: int = 0) -> Tuple[Level, str]:
    """The level to answer, and how it was found: "phrase", "model", "check" or "none".

    Levels are cumulative, most urgent first: the acute answer also names Veilig Thuis, so
    a message between acute and violence gets the acute answer; one between a level and
    the exhausted carer gets at least the exhausted answer (which names 113).
    ``Level.NONE`` with how == "check" means: ask one gentle question.
    A message of at most ``short_message_words`` words (``words``) gets the acute answer from
    the model only when acute is at least as likely as none: a few words carry few n-grams,
    and "tot snel" or "ik wil het niet" reached p(acute) 0.35 beside p(none) 0.6.
    """
    acute = probabilities.get("acute", 0.0)
    danger = acute + probabilities.get("violence", 0.0)
    any_level = danger + probabilities.get("exhausted", 0.0)
    model_level = Level.NONE
    short = 0 < words <= config.get("short_message_words", 0)
    if acute >= config["acute_threshold"] and not (short and acute < probabilities.get("none", 0.0)):
        model_level = Level.ACUTE
    elif danger >= config["violence_threshold"]:
        model_level = Level.VIOLENCE
    elif any_level >= config["exhausted_threshold"]:
        model_level = Level.EXHAUSTED
    if floor > model_level:
        return floor, "phrase"
    if model_level is not Level.NONE:
        return model_level, "model"
    if danger >= config["check_threshold"]:
        return Level.NONE, "check"
    return Level.NONE, "none"


def leans_to_danger(probabilities: Dict[str, float], config: Dict[str, Any]) -> bool:
    """Danger at least ``at_risk_threshold`` likely: an exhausted carer then also hears of
    Veilig Thuis and 113 (``safety.levels.EXHAUSTED_AT_RISK_INTENT``)."""
    return probabilities.get("acute", 0.0) + probabilities.get("violence", 0.0) >= config["at_risk_threshold"]


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True
)
class SafetyClassifier(GraphComponent):
    """Sets a ``safety_*`` intent on messages that need safety help (see module docstring)."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "examples": "safety/examples",
            # C and the character n-grams chosen by cross-validation with the thresholds below
            # (2026-12-06, bench/safety_bench.py --choose-model; C 10 and 300, n-grams [2,5] lost too): C 30 -> 100 and
            # [1,4] -> [1,5] keep every false-alarm bound at acute 0.3 (the old model needed 0.4)
            "char_ngrams": [1, 5], "word_ngrams": [1, 2], "C": 100.0, "random_seed": 42,
            # character n-grams seen in one example only are left out: 43,000 -> 29,000 features
            # (the server's peak memory had risen 14 MB with [1,5]); cross-validated the same
            # (exhausted misses 2.2 -> 2.4 %, false alarms 0.81 -> 0.79 %)
            "min_df": 2,
            "class_weight": "balanced",
            # the sentence embedding beside the n-grams (nlp/sentence_embedding.py), at this weight.
            # It was left out once: cross-validation had fewer misses with it (acute 25 -> 16 %),
            # but both public-page test sets then got more false alarms and misses (set A: 13 -> 21
            # false alarms). Stop 18, on today's 11,361 examples, the three-seed threshold search with each weight
            # (misses acute / violence / exhausted, false alarms, hard false alarms, at its best
            # thresholds): 0 -> 13.8 / 7.2 / 4.8 %, 0.83 %, 1.79 % (acute 0.4); 0.5 -> 12.4 / 6.6 /
            # 4.0 %, 0.81 %, 1.83 % (acute 0.4); 1.0 -> 13.8 / 7.1 / 4.6 %, 0.88 %, 1.96 % (acute 0.5).
            # 0.5 has the fewest misses of every level within the bounds; the test sets are in the
            # closing note of stop 18. The encoder is the topic classifier's, and a message's
            # embedding is computed once for both when they read the same text (no place or age in
            # it: the topic classifier replaces those; nlp/sentence_embedding.py _embed_one)
            "sentence_embedding": 0.5,
            # cumulative thresholds (see decide), chosen by cross-validation on the training
            # data only (bench/safety_bench.py --choose-thresholds), never on a test set; false
            # alarms bounded at 1 % of all harmless examples and 2 % of the hard ones. With the
            # practical questions of safety/examples/practical.yml (2026-12-06) the search lowers
            # acute 0.3 -> 0.2 (cross-validated: acute misses 11.8 -> 9.4 %, violence 8.2 -> 7.7 %,
            # exhausted 3.3 %, false alarms 0.73 -> 0.98 %, hard 1.53 -> 1.97 %: both bounds hold).
            # With violence and despair told in people's own words (safety/examples/own_words.yml,
            # 2026-12-06) 0.2 breaks both bounds (1.03 %, hard 2.21 %) and the search picks acute
            # 0.3 and violence 0.7 (acute misses 12.0 %, violence 6.6 %, false alarms 0.86 %,
            # hard 1.99 %). The bounds sit near the edge: other fold seeds move them by ~0.1 point.
            # With 750 more FAQ examples (English, carers' stories; harmless here) 0.3 / 0.7 gives
            # 1.04 % false alarms, mostly stories about money and housekeeping that the financial-
            # abuse examples pull to violence, and the search then picks acute 0.2, violence 0.9
            # (acute misses 10.5 %, violence 14.1 %, false alarms 0.94 %, hard 1.90 %). We keep
            # 0.3 / 0.7: its 0.04-point excess is within the ~0.1-point spread that other fold
            # seeds give, while violence misses double at 0.9 (6.6 -> 14.1 %) — and the four
            # public-page test sets agreed (more violence misses and more false alarms at
            # 0.2 / 0.9), which the closing note of 2026-12-06 says, as it is a test-set reading.
            # Since then the search averages three fold seeds (THRESHOLD_SEEDS). With harmless
            # carers' stories (stories_none.yml) and near-field out-of-scope questions (stop 16,
            # 2026-12-06) it picks acute 0.2 / violence 0.8 (acute misses 9.6 %, violence 10.1 %,
            # false alarms 0.98 %, hard 1.89 %) over 0.3 / 0.7 (11.7 %, 8.0 %, 0.91 %, 1.93 %) by
            # 0.07 point of misses in all: a tie that cross-validation cannot resolve. We keep
            # 0.3 / 0.7, because the five public-page test sets, measured at both, do separate them
            # (A-E together: acute misses 18 vs 16, violence 28 vs 34, false alarms 24 vs 30 of
            # 946) — a test-set reading, said so in the closing note of stop 16.
            # Stop 18 (kinds_4.yml: the kinds sets A-F still missed or over-read): at 0.3 / 0.7 the
            # hard false alarms break their bound (2.14 %, seed 42), and the three-seed search picks
            # acute 0.4 / violence 0.7 (acute misses 13.8 %, violence 7.2 %, exhausted 4.8 %, false
            # alarms 0.83 %, hard 1.79 %). A finer look (three seeds, violence 0.7): acute 0.30 ->
            # misses 12.1 %, hard false alarms 2.21 %; 0.35 -> 12.9 %, 2.00 % (on the bound); 0.40 ->
            # 13.8 %, 1.79 %. We follow the search; the closing note gives the test sets at 0.3 and 0.4
            # Stop 19 (kinds_5.yml: violence told as money, medicine or control, calm scenes, English;
            # 11,864 examples): the three-seed search picks acute 0.3 / violence 0.8 (acute misses
            # 9.6 %, violence 8.5 %, exhausted 4.4 %, false alarms 0.84 %, hard 1.84 %) over 0.4 / 0.7
            # (11.6 %, 7.1 %, 0.81 %, 1.80 %); 0.3 / 0.7 would miss fewer violence messages (7.0 %)
            # but breaks the hard bound (2.08 %). We follow the search (the four points are compared in
            # the closing note of stop 19). Stop 21 (kinds_7.yml; 12,716 examples in all): the search picks
            # 0.4 / 0.7 (acute misses 11.6 %, violence 6.35 %, false alarms 0.85 %, hard 1.81 %);
            # 0.3 / 0.8 gives 9.8 % and 8.33 % (0.90 %, 1.86 %): a sum 0.18 points higher, within the
            # seeds' spread, for 1.8 points fewer acute misses. We keep 0.3 / 0.8: a missed acute
            # message can cost a life (0.3 / 0.7 breaks the hard bound, 2.10 %)
            "acute_threshold": 0.3,       # p(acute)
            "violence_threshold": 0.8,    # p(acute) + p(violence)
            "exhausted_threshold": 0.3,   # p(acute) + p(violence) + p(exhausted)
            "check_threshold": 0.3,       # else p(acute) + p(violence): ask one gentle question
            # an exhausted carer's answer adds Veilig Thuis and 113 from this p(acute) + p(violence)
            # (leans_to_danger). It followed the check threshold until the search moved that to 0.3;
            # hand grading twice found those lines on heavy but safe stories, so it stays at 0.35
            # on its own (cross-validated: 58 instead of 68 harmless messages decided exhausted
            # get them, and 41 instead of 44 violence messages)
            "at_risk_threshold": 0.35,
            # up to this many words, acute from the model also needs p(acute) >= p(none) (decide);
            # cross-validated: acute misses unchanged (10.8 %), false alarms 0.89 -> 0.87 %
            "short_message_words": 4,
            # training examples of these labels are not harmless (overload, ontspoorde zorg,
            # a crisis at home: "ik kan het niet meer aan, hij moet nu weg")
            "not_none_labels": ["faq/overbelasting", "faq/ontspoorde_zorg", "faq/crisisopname"],
            # an exhausted carer's message whose FAQ topic is at least this sure also gets the
            # topic's answer after the exhausted answer (see topic_beside_exhaustion)
            "exhausted_topic_min_confidence": 0.5,
        }

    @staticmethod
    def required_packages() -> List[Text]:
        return ["sklearn"]

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        """The examples are read from disk, so their content is part of the fingerprint."""
        digest = hashlib.sha256()
        for path in example_files(ROOT / {**cls.get_default_config(), **config}["examples"]):
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
        return digest.hexdigest()

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 model: Any = None) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.model = model

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "SafetyClassifier":
        return cls(config, model_storage, resource)

    # -- training ---------------------------------------------------------------------------

    def training_pairs(self, training_data: TrainingData) -> List[Tuple[str, str]]:
        labelled = ((m.get(TEXT), m.get(INTENT_RESPONSE_KEY) or m.get(INTENT))
                    for m in training_data.intent_examples)
        return read_examples(ROOT / self.config["examples"]) + none_pairs(labelled, self.config)

    def train(self, training_data: TrainingData) -> Resource:
        pairs = self.training_pairs(training_data)
        self.model = build_model(self.config)
        self.model.fit([safety_text(text) for text, _ in pairs], [label for _, label in pairs])
        with self._model_storage.write_to(self._resource) as directory:
            save_pipeline(self.model, directory)
        return self._resource

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    # -- prediction -------------------------------------------------------------------------

    def probabilities(self, texts: Sequence[str]) -> List[Dict[str, float]]:
        if self.model is None:
            return [{"none": 1.0} for _ in texts]
        rows = self.model.predict_proba([safety_text(text) for text in texts])
        labels = [str(label) for label in self.model.classes_]
        return [{label: float(p) for label, p in zip(labels, row)} for row in np.asarray(rows)]

    def topic_beside_exhaustion(self, message: Message, level: Level) -> Optional[str]:
        """The FAQ topic an exhausted carer also asks about, when the topic classifier is sure
        of it: ``safety.policy`` then gives that topic's answer after the exhausted answer
        (a tired carer who asks about respijtzorg or a pgb gets both). Not for the topics
        whose answer the exhausted answer already is (``not_none_labels``)."""
        if level is not Level.EXHAUSTED:
            return None
        intent = message.get(INTENT) or {}
        topic, confidence = topic_label(message), float(intent.get("confidence") or 0.0)
        if intent.get("name") == OTHER_LANGUAGE_INTENT:  # the topic under the English override
            language = message.get(LANGUAGE_KEY) or {}
            topic, confidence = language.get("topic"), float(language.get("confidence") or 0.0)
        confident = confidence >= self.config["exhausted_topic_min_confidence"]
        if not topic or not str(topic).startswith("faq/") or not confident \
                or topic in self.config["not_none_labels"]:
            return None
        return str(topic)

    def process(self, messages: List[Message]) -> List[Message]:
        texts = [m.get(TEXT) or "" for m in messages]
        for message, text, probabilities in zip(messages, texts, self.probabilities(texts)):
            if not text.strip() or text.startswith("/"):
                continue  # buttons and intents sent directly are not read
            floor, _phrase = phrase_level(text)
            level, how = decide(probabilities, floor, self.config, len(text.split()))
            decision: Dict[str, Any] = {"level": LABEL_OF[level], "how": how,
                                        "p": {k: round(v, 3) for k, v in probabilities.items()}}
            topic = self.topic_beside_exhaustion(message, level)
            if topic:
                decision["topic"] = topic
            message.set(SAFETY_KEY, decision, add_to_output=True)
            intent_name = INTENT_OF.get(level) or (CHECK_INTENT if how == "check" else None)
            if level is Level.EXHAUSTED and (leans_to_danger(probabilities, self.config)
                                             or says_cannot_go_on(text)):
                intent_name = EXHAUSTED_AT_RISK_INTENT
            if intent_name:
                intent = {"name": intent_name, "confidence": 1.0}
                message.set(INTENT, intent, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [intent], add_to_output=True)
        return messages

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "SafetyClassifier":
        merged = {**cls.get_default_config(), **config}
        try:
            with model_storage.read_from(resource) as directory:
                model = load_pipeline(directory, merged)
        except (ValueError, FileNotFoundError):
            logger.warning("SafetyClassifier: no trained model in storage; only the phrase list works")
            return cls(config, model_storage, resource)
        return cls(config, model_storage, resource, model)
