"""Rasa NLU component: one linear classifier for every intent and every FAQ topic.

Why not DIET plus a ResponseSelector: with ~1,100 short examples over 47 labels a
regularised linear model on character and word n-grams generalises better to new
wording (held-out macro-F1, see results/benchmarks.md), trains in seconds instead of
minutes, loads without TensorFlow graphs and answers in well under a millisecond.

It predicts flat labels (``greet``, ``faq/kosten``, ...) and writes Rasa's usual output:
``intent`` / ``intent_ranking`` (FAQ topics folded into the retrieval intent ``faq``) and
``response_selector["faq"]`` in the shape ResponseSelector writes, so ``utter_faq``,
the FallbackClassifier, our actions and the evaluation tools work unchanged.

Before featurising, gemeente names and postcodes found by the entity ruler become
placeholder words, accents are folded and digits collapsed, so "ik woon in Zwolle" and
"ik woon in Hoogeveen" look alike to the classifier.
"""
from __future__ import annotations

import json
import logging
import re
import zlib
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Text, Tuple

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.constants import (
    RESPONSE_SELECTOR_PREDICTION_KEY,
    RESPONSE_SELECTOR_PROPERTY_NAME,
    RESPONSE_SELECTOR_RANKING_KEY,
    RESPONSE_SELECTOR_RESPONSES_KEY,
    RESPONSE_SELECTOR_RETRIEVAL_INTENTS,
    RESPONSE_SELECTOR_UTTER_ACTION_KEY,
)
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_RANKING_KEY,
    INTENT_RESPONSE_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from lookup.text import strip_accents

logger = logging.getLogger(__name__)

SPACY_DOC = "text_spacy_doc"
PLACEHOLDERS = {"postcode": " postcodeplek ", "gemeente": " gemeenteplek "}
RANKING_LENGTH = 10
SMALL_TALK = frozenset({"greet", "goodbye", "thank", "affirm", "deny"})
OUT_OF_SCOPE = "out_of_scope"
EMBEDDING = "embedding"  # the FeatureUnion part that holds no fitted state (nothing to store)
_WORD = re.compile(r"(?u)\b\w+\b")  # the word vectorizer's token pattern


# An age said in a message ("ik ben 52", "mijn moeder van 84", "een 15-jarige"): with every number
# folded to 0, "ik ben 15 en zorg voor mijn moeder" and "ik ben 52 en zorg voor mijn moeder" looked
# the same, and adults' stories went to the young carers' topic. The age keeps its number as 0 and
# gains a word for its range, and for the writer's own age ("ik ben 16") a word of its own.
_AGE = re.compile(r"\b(?:(?<=ben )|(?<=is )|(?<=was )|(?<=word )|(?<=wordt )|(?<=werd )|(?<=van ))(\d{1,3})\b"
                  r"(?!\s*(?:euro|uur|weken|week|dagen|dag|maanden|maand|procent|%|minuten|km|kilometer|keer|jaar\s+geleden|tot\b|\+))"
                  r"|\b(\d{1,3})(?=\s*-?\s*jarige|\s+jaar\s+oud\b)")


def _age_word(found: "re.Match[str]") -> str:
    age = int(found.group(1) or found.group(2))
    if not 4 <= age <= 110:
        return found.group(0)
    whose = "ikleeftijd" if found.string[max(0, found.start() - 7):found.start()].endswith("ik ben ") else "leeftijd"
    return " 0 " + whose + ("jong" if age < 25 else "volwassen" if age < 65 else "oud") + " "


def classifier_text(text: str, entities: Sequence[Tuple[int, int, str]] = (), ages: bool = False) -> str:
    """Lower-case, accent-free text with places replaced by placeholder words; with ``ages``,
    an age also gets a word for its range (see _AGE)."""
    for start, end, label in sorted(entities, reverse=True):
        text = text[:start] + PLACEHOLDERS.get(label, " ") + text[end:]
    text = strip_accents(text.lower())
    if ages:
        text = _AGE.sub(_age_word, text)
    return re.sub(r"\d+", " 0 ", text)


def _entity_spans(message: Message) -> List[Tuple[int, int, str]]:
    doc = message.get(SPACY_DOC)
    if doc is None:
        return []
    return [(e.start_char, e.end_char, e.label_) for e in doc.ents if e.label_ in PLACEHOLDERS]


def build_classifier(config: Dict[str, Any]) -> Any:
    """TF-IDF over character n-grams (compounds, typos) and words, then logistic regression."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion, make_pipeline

    from nlp.fast_logistic import BlockLogisticRegression

    parts: List[Tuple[str, Any]] = [
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=tuple(config["char_ngrams"]),
                                  sublinear_tf=True, min_df=config.get("min_df", 1))),
        ("words", TfidfVectorizer(analyzer="word", ngram_range=tuple(config["word_ngrams"]),
                                  sublinear_tf=True, token_pattern=r"(?u)\b\w+\b",
                                  min_df=config.get("word_min_df", 1))),
    ]
    if config.get("sentence_embedding"):
        from nlp.sentence_embedding import SentenceEmbedding

        parts.append((EMBEDDING, SentenceEmbedding(weight=float(config["sentence_embedding"]))))
    features = FeatureUnion(parts)
    # scikit-learn's logistic regression, fitted faster with the embedding's dense columns
    classifier = BlockLogisticRegression(C=config["C"], max_iter=5000, random_state=config["random_seed"],
                                         class_weight=config.get("class_weight"))
    return make_pipeline(features, classifier)


def close_to_runner_up(first: float, second: float, confidence: float, margin: float) -> bool:
    """The top FAQ topic is unsure (below ``confidence``) and its runner-up within ``margin`` of it."""
    return first < confidence and first - second < margin


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True
)
class TopicClassifier(IntentClassifier, GraphComponent):
    """Intents and FAQ topics from one linear model (see module docstring)."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"char_ngrams": [1, 4], "word_ngrams": [1, 2], "C": 30.0, "random_seed": 42,
                # character n-grams seen in one example only are left out: the server's peak
                # memory 396.6 -> 391.4 MB (bench/memory_bench.py, goal 400) after nine topics and
                # 630 examples more; held-out macro-F1 0.9433 -> 0.9414 (one message), realistic
                # set 1 0.603 -> 0.603, set 2 0.687 -> 0.702
                "min_df": 2,
                # the same for words and word pairs, after 750 more examples (English, stories)
                # brought the peak back to 399.9 MB; see results/memory.md and the closing note
                "word_min_df": 2,
                # an age gets a word for its range (see _AGE); off keeps every number as 0
                "age_words": False,
                "retrieval_intent": "faq",
                # weight of the sentence embedding beside the n-grams; 0 leaves it out
                "sentence_embedding": 0.0,
                # greet/goodbye/thank/affirm/deny are short, closed expressions: below this
                # confidence the message is not taken as one (a "tot ziens" to gibberish ends
                # the conversation); the fallback asks instead
                "small_talk_min_confidence": 0.4,
                # out_of_scope (a decline with routes) likewise: since its examples came near
                # our field (issue 13) gibberish lands there at 0.3-0.4, while near-field
                # questions score 0.7-0.99; below this the fallback offers topics instead
                "out_of_scope_min_confidence": 0.5,
                # ... and only when at least this share of its words occur in the training
                # examples: a story of made-up words ("Blub flarp zwiebel plomp") has no words
                # for out_of_scope's examples to be near, yet reached it above 0.5 once municipal
                # questions (passport, WOZ, parking) were added; it gets the fallback instead
                "out_of_scope_min_known_words": 0.5,
                # topics whose answer speaks of harm (ontspoorde zorg: a carer who hits or
                # neglects, Veilig Thuis, 112) answer only when this sure; below it the fallback
                # offers topics. A message with danger in it gets the safety classifier's answer
                # anyway. Hand grading found it on heart-rhythm and sleeping-pill questions (0.15-0.47)
                "sure_only_topics": {"faq/ontspoorde_zorg": 0.5},
                # two FAQ topics close together at low confidence: the fallback asks which one
                # (its buttons are the two topics) instead of answering the likelier neighbour
                # (issue 13: "a wrong neighbour is worse than a fallback ... separate them or
                # ask"). 0 turns it off; the values are chosen in config.yml
                "close_topics_confidence": 0.0,
                "close_topics_margin": 0.0}

    @staticmethod
    def required_packages() -> List[Text]:
        return ["sklearn"]

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        """The entity spans it reads come from build/spacy_nl, which Rasa fingerprints by its path
        only: the pipeline's inputs hash (ops/model_state.py) keeps a cached training from
        outliving a change of the place names."""
        stamp = Path(__file__).resolve().parent.parent / "build" / "spacy_nl" / "inputs.sha256"
        return stamp.read_text().strip() if stamp.exists() else None

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 model: Any = None, responses: Optional[Dict[str, Any]] = None) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.model = model
        self.responses = responses or {}
        self._weights: Optional[np.ndarray] = None
        self._bias: Optional[np.ndarray] = None

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "TopicClassifier":
        return cls(config, model_storage, resource)

    # -- training ---------------------------------------------------------------------------

    def train(self, training_data: TrainingData) -> Resource:
        texts, labels = [], []
        for message in training_data.intent_examples:
            text, intent = message.get(TEXT), message.get(INTENT)
            if not text or not intent:
                continue
            texts.append(classifier_text(text, _entity_spans(message), ages=self.config["age_words"]))
            labels.append(message.get(INTENT_RESPONSE_KEY) or intent)
        if len(set(labels)) < 2:
            logger.debug("TopicClassifier: fewer than two labels, nothing to train")
            return self._resource
        self.model = build_classifier(self.config)
        self.model.fit(texts, labels)
        self.responses = {key: value for key, value in training_data.responses.items()
                          if key.startswith(f"utter_{self.config['retrieval_intent']}/")}
        self.persist()
        return self._resource

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    # -- prediction -------------------------------------------------------------------------

    def process(self, messages: List[Message]) -> List[Message]:
        if self.model is None:
            return messages
        texts = [classifier_text(m.get(TEXT) or "", _entity_spans(m), ages=self.config["age_words"])
                 for m in messages]
        probabilities = self._predict_proba(texts)
        labels = list(self.model.classes_)
        for message, text, row in zip(messages, texts, probabilities):
            self._set_output(message, labels, row, text)
        return messages

    def _predict_proba(self, texts: List[str]) -> np.ndarray:
        """Softmax over the linear scores; same as the pipeline's predict_proba (multinomial),
        but with the weights kept in a row-major copy: sklearn multiplies by ``coef_.T``,
        which scipy copies on every call (~45 % of this component's time, profiled)."""
        if self._weights is None:
            classifier = self.model[-1]
            self._weights = np.ascontiguousarray(classifier.coef_.T)  # no copy after load_pipeline
            # coef_ becomes a view of the copy, so the weights are held once (~14 MB less)
            classifier.coef_ = self._weights.T
            self._bias = classifier.intercept_
        features = self.model[:-1].transform(texts)
        if self._weights.dtype == np.float32:  # float32 x float32: no float64 copy of the weights
            features = features.astype(np.float32)
        scores = features @ self._weights + self._bias
        scores = np.asarray(scores) - np.max(scores, axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)

    def known_word_share(self, text: str) -> float:
        """The share of the words of ``text`` (as the classifier reads it) that occur in the
        training examples' word vocabulary; 1.0 for a text without words."""
        words = _WORD.findall(text)
        if not words or self.model is None:
            return 1.0
        vocabulary = dict(self.model[0].transformer_list)["words"].vocabulary_
        return sum(word in vocabulary for word in words) / len(words)

    def _min_confidence(self, intent: str, topics: List[Dict[str, Any]], text: str = "") -> float:
        """The confidence below which the top intent is not answered (small talk, out_of_scope, the
        topics in ``sure_only_topics``, and a topic close to its runner-up); 0 for everything else.
        Out of scope is never answered for a text of mostly unknown words (``text``, as the
        classifier reads it)."""
        if intent in SMALL_TALK:
            return float(self.config["small_talk_min_confidence"])
        if intent == OUT_OF_SCOPE:
            if self.known_word_share(text) < float(self.config["out_of_scope_min_known_words"]):
                return float("inf")
            return float(self.config["out_of_scope_min_confidence"])
        if intent == self.config["retrieval_intent"] and topics:
            if self._close_to_runner_up(topics):
                return float(self.config["close_topics_confidence"])
            return float(self.config["sure_only_topics"].get(topics[0][INTENT_RESPONSE_KEY], 0.0))
        return 0.0

    def _close_to_runner_up(self, topics: List[Dict[str, Any]]) -> bool:
        if len(topics) < 2:
            return False
        first, second = (topic[PREDICTED_CONFIDENCE_KEY] for topic in topics[:2])
        return close_to_runner_up(first, second, float(self.config["close_topics_confidence"]),
                                  float(self.config["close_topics_margin"]))

    def _set_output(self, message: Message, labels: List[str], row: np.ndarray, text: str = "") -> None:
        retrieval = self.config["retrieval_intent"]
        prefix = f"{retrieval}/"
        order = np.argsort(-row)
        ranking: List[Dict[str, Any]] = []
        topics: List[Dict[str, Any]] = []
        for index in order:
            label, confidence = labels[index], float(row[index])
            if label.startswith(prefix):
                topics.append({"id": zlib.crc32(label.encode()), PREDICTED_CONFIDENCE_KEY: confidence,
                               INTENT_RESPONSE_KEY: label})
                label = retrieval
            if all(r["name"] != label for r in ranking):
                ranking.append({"name": label, PREDICTED_CONFIDENCE_KEY: confidence})
        top = ranking[0]
        if top[PREDICTED_CONFIDENCE_KEY] < self._min_confidence(top["name"], topics, text):
            top = {"name": top["name"], PREDICTED_CONFIDENCE_KEY: 0.0}  # the FallbackClassifier takes it
        message.set(INTENT, top, add_to_output=True)
        message.set(INTENT_RANKING_KEY, ranking[:RANKING_LENGTH], add_to_output=True)
        if topics:
            top = topics[0]
            key = top[INTENT_RESPONSE_KEY]
            selector = {
                RESPONSE_SELECTOR_PREDICTION_KEY: {
                    RESPONSE_SELECTOR_RESPONSES_KEY: self.responses.get(f"utter_{key}", [{TEXT: key}]),
                    PREDICTED_CONFIDENCE_KEY: top[PREDICTED_CONFIDENCE_KEY],
                    INTENT_RESPONSE_KEY: key,
                    RESPONSE_SELECTOR_UTTER_ACTION_KEY: f"utter_{key}",
                },
                RESPONSE_SELECTOR_RANKING_KEY: topics[:RANKING_LENGTH],
            }
            message.set(RESPONSE_SELECTOR_PROPERTY_NAME,
                        {RESPONSE_SELECTOR_RETRIEVAL_INTENTS: [retrieval], retrieval: selector},
                        add_to_output=True)

    # -- storage ----------------------------------------------------------------------------
    # Plain JSON and .npz (no pickle): a model file cannot run code when loaded, and
    # loading takes milliseconds (skops needed ~4 s just to import).

    def persist(self) -> None:
        with self._model_storage.write_to(self._resource) as directory:
            save_pipeline(self.model, directory)
            (directory / "responses.json").write_text(json.dumps(self.responses, ensure_ascii=False),
                                                      encoding="utf-8")

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "TopicClassifier":
        try:
            with model_storage.read_from(resource) as directory:
                model = load_pipeline(directory, {**cls.get_default_config(), **config}, float32_weights=True)
                responses = json.loads((directory / "responses.json").read_text(encoding="utf-8"))
        except (ValueError, FileNotFoundError):
            logger.debug("TopicClassifier: no trained model in storage")
            return cls(config, model_storage, resource)
        if {**cls.get_default_config(), **config}["sentence_embedding"]:
            from nlp.sentence_embedding import encoder

            encoder()  # load and warm up with the model, not on the first message
        return cls(config, model_storage, resource, model, responses)


def save_pipeline(model: Any, directory: Path) -> None:
    """Vocabularies and IDF weights of both vectorizers, the classifier's weights."""
    features, classifier = model[0], model[-1]
    vocabularies = {}
    # float32 weights: half the memory (the topic weights are ~80 labels x 23,000 features);
    # probabilities change by less than 1e-6
    arrays: Dict[str, np.ndarray] = {"coef": classifier.coef_.astype(np.float32), "intercept": classifier.intercept_}
    for name, vectorizer in features.transformer_list:
        if name == EMBEDDING:
            continue
        vocabularies[name] = {term: int(index) for term, index in vectorizer.vocabulary_.items()}
        arrays[f"idf_{name}"] = vectorizer.idf_
    (directory / "vocabularies.json").write_text(json.dumps(vocabularies, ensure_ascii=False), encoding="utf-8")
    (directory / "classes.json").write_text(json.dumps([str(c) for c in classifier.classes_],
                                                       ensure_ascii=False), encoding="utf-8")
    np.savez(directory / "weights.npz", **arrays)


def load_pipeline(directory: Path, config: Dict[str, Any], float32_weights: bool = False) -> Any:
    """Rebuild the fitted pipeline from save_pipeline's files. With ``float32_weights`` the weights
    stay float32 in memory: only for a caller that multiplies float32 features by them itself
    (TopicClassifier._predict_proba), as scipy would otherwise make a float64 copy on every call."""
    vocabularies = json.loads((directory / "vocabularies.json").read_text(encoding="utf-8"))
    classes = json.loads((directory / "classes.json").read_text(encoding="utf-8"))
    with np.load(directory / "weights.npz", allow_pickle=False) as arrays:
        model = build_classifier(config)
        for name, vectorizer in model[0].transformer_list:
            if name == EMBEDDING:
                continue
            vectorizer.vocabulary_ = vocabularies[name]
            vectorizer.fixed_vocabulary_ = True
            vectorizer.idf_ = arrays[f"idf_{name}"]
        classifier = model[-1]
        # held row-major as (features, labels), the layout the multiplication wants: coef_ is a
        # view of it, so _predict_proba needs no copy of its own
        weights = arrays["coef"] if float32_weights else arrays["coef"].astype(np.float64)
        classifier.coef_ = np.ascontiguousarray(weights.T).T
        classifier.intercept_ = arrays["intercept"]
        classifier.classes_ = np.array(classes)
    return model
