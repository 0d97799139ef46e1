"""A small, valid project on disk for the editor tests (and to try the tools on).

``make_project(tmp)`` writes domain.yml, config.yml, data/core, three FAQ topics in
data/faq, actions/topic_titles.yml and held-out questions; the validator finds no errors
in it. Tests then break one thing at a time.
"""
from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Dict

DOMAIN = """\
version: "3.1"
intents:
  - greet
  - faq
  - choose_topic
  - find_clientondersteuner
entities:
  - topic
slots:
  topic:
    type: text
    influence_conversation: false
    mappings:
      - type: from_entity
        entity: topic
actions:
  - action_answer_topic
responses:
  utter_zoeken:
    - text: "Ik zoek een ondersteuner voor u."
  utter_greet:
    - text: "Hallo! Waar kan ik u mee helpen?"
      buttons:
        - title: "Wat kost het?"
          payload: '/choose_topic{{"topic":"kosten"}}'
        - title: "Zoeken"
          payload: "/find_clientondersteuner"
"""

CONFIG = """\
recipe: default.v1
language: nl
assistant_id: editor-test
pipeline:
  - name: WhitespaceTokenizer
  - name: CountVectorsFeaturizer
    analyzer: char_wb
    min_ngram: 2
    max_ngram: 4
  - name: DIETClassifier
    epochs: {epochs}
    random_seed: 1
    constrain_similarities: true
  - name: ResponseSelector
    retrieval_intent: faq
    epochs: {epochs}
    random_seed: 1
    constrain_similarities: true
policies: []
"""

CORE_NLU = """\
version: "3.1"
nlu:
  - intent: greet
    examples: |
      - hallo
      - hoi
      - goedemorgen
      - goedemiddag
      - goedenavond
      - hey daar
      - dag allemaal
      - hallo assistent
  - intent: find_clientondersteuner
    examples: |
      - zoek een cliëntondersteuner bij mij in de buurt
      - waar vind ik een clientondersteuner
      - ik zoek een ondersteuner in mijn gemeente
      - cliëntondersteuner in de buurt
      - wie is de ondersteuner in mijn woonplaats
      - adres van een clientondersteuner
      - ondersteuner zoeken
      - ik wil een ondersteuner vinden
  - intent: choose_topic
    examples: |
      - /choose_topic{"topic":"kosten"}
"""

RULES = """\
version: "3.1"
rules:
  - rule: groet
    steps:
      - intent: greet
      - action: utter_greet
  - rule: faq
    steps:
      - intent: faq
      - action: utter_faq
  - rule: gekozen onderwerp
    steps:
      - intent: choose_topic
      - action: action_answer_topic
  - rule: zoeken
    steps:
      - intent: find_clientondersteuner
      - action: utter_zoeken
"""

TOPICS: Dict[str, Dict[str, object]] = {
    "kosten": {
        "comment": "Onderwerp: wat kost cliëntondersteuning?",
        "source": "Rijksoverheid: cliëntondersteuning is gratis — https://www.rijksoverheid.nl/onderwerpen/zorg-en-ondersteuning-thuis",
        "examples": ["wat kost het", "hoeveel moet ik betalen", "is het gratis", "wat zijn de kosten",
                     "moet ik iets betalen voor een ondersteuner", "kost dat geld", "is er een eigen bijdrage",
                     "betaal ik er iets voor"],
        "answer": "Het kost u niets. U hoeft niet te betalen. De gemeente of het zorgkantoor betaalt de hulp.",
        "buttons": [("Iemand zoeken", "/find_clientondersteuner")],
    },
    "respijtzorg": {
        "comment": "Onderwerp: even vrij van de zorg",
        "source": "MantelzorgNL: respijtzorg — https://www.mantelzorg.nl",
        "examples": ["ik wil even vrij van de zorg", "wie neemt de zorg over als ik op vakantie ga",
                     "vervanging voor de mantelzorg", "logeeropvang voor mijn moeder", "ik heb een pauze nodig",
                     "kan iemand de zorg tijdelijk overnemen", "even rust voor mantelzorgers",
                     "dagopvang zodat ik vrij ben"],
        "answer": "Zorgt u voor een naaste? Dan heeft u soms rust nodig. Iemand anders neemt de zorg dan even "
                  "over. Dat heet respijtzorg. Vraag het aan bij uw gemeente.",
        "buttons": [("Wat kost het?", '/choose_topic{{"topic":"kosten"}}')],
    },
    "keukentafelgesprek": {
        "comment": "Onderwerp: wat is een keukentafelgesprek?",
        "source": "Gemeente: het keukentafelgesprek — https://www.regelhulp.nl",
        "examples": ["wat is een keukentafelgesprek", "de gemeente komt op gesprek, wat is dat",
                     "wat gebeurt er bij het gesprek met de gemeente", "keukentafelgesprek uitleg",
                     "waarom komt de gemeente bij mij thuis", "gesprek met de wmo consulent",
                     "wat bespreek je aan de keukentafel", "hoe gaat zo'n gesprek"],
        "answer": "Vraagt u hulp bij de gemeente? Dan komt er iemand met u praten. Dat heet het "
                  "keukentafelgesprek. U vertelt wat u nodig heeft.",
        "buttons": [],
    },
}

HELDOUT: Dict[str, list] = {
    "kosten": ["wat gaat het mij kosten", "is het betalen"],
    "respijtzorg": ["ik wil vrij van het zorgen", "vervanging als ik op vakantie ben"],
    "keukentafelgesprek": ["wat is dat gesprek aan de keukentafel", "de gemeente wil een gesprek"],
}

TITLES = """\
# Korte knoptitels per onderwerp.
faq:
  kosten: "Wat kost het?"
  respijtzorg: "Even vrij"
  keukentafelgesprek: "Keukentafelgesprek"
"""


def topic_yaml(slug: str, spec: Dict[str, object]) -> str:
    lines = ['version: "3.1"', f"# {spec['comment']}", "nlu:", f"  - intent: faq/{slug}", "    metadata:",
             f"      bron: \"{spec['source']}\"", "    examples: |"]
    lines += [f"      - {e}" for e in spec["examples"]]  # type: ignore[union-attr]
    lines += ["responses:", f"  utter_faq/{slug}:", f"    - text: \"{spec['answer']}\""]
    buttons = spec.get("buttons") or []
    if buttons:
        lines.append("      buttons:")
        for title, payload in buttons:  # type: ignore[misc]
            quoted = f"'{payload}'" if '"' in payload else f'"{payload}"'
            lines += [f"        - title: \"{title}\"", f"          payload: {quoted}"]
    return "\n".join(lines) + "\n"


def make_project(root: Path, epochs: int = 30) -> Path:
    """Write the sample project into ``root`` and return it."""
    files = {
        "domain.yml": DOMAIN,
        "config.yml": CONFIG.format(epochs=epochs),
        "data/core/nlu_core.yml": CORE_NLU,
        "data/core/rules.yml": RULES,
        "actions/topic_titles.yml": TITLES,
    }
    for slug, spec in TOPICS.items():
        files[f"data/faq/{slug}.yml"] = topic_yaml(slug, spec)
    for slug, questions in HELDOUT.items():
        files[f"tests/nlu/heldout/{slug}.yml"] = textwrap.dedent(f"""\
            version: "3.1"
            nlu:
              - intent: faq/{slug}
                examples: |
            """) + "".join(f"      - {q}\n" for q in questions)
    files["tests/nlu/heldout/greet.yml"] = ('version: "3.1"\nnlu:\n  - intent: greet\n    examples: |\n'
                                           "      - hallo daar\n      - goedendag\n")
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root
