"""Check the content before training; every problem as ``file:line: Dutch explanation``.

    python -m editor.validate            # all checks, exit 1 when there are errors
    python -m editor.validate --no-rasa  # skip `rasa data validate` (faster)

Checks (rule names in brackets, used by the tests):
  [yaml]        every file can be read
  [answer]      every topic has an answer utter_faq/<topic>, and every answer has questions
  [source]      every topic names its source (metadata: bron:), each part a page: an https URL,
                a seeds/ file or a repo: file (parts separated by ';')
  [few]         a topic has enough example questions (warning)
  [duplicate]   no example question in two topics or intents
  [heldout]     no held-out test question is also a training question
  [b1-score] [b1-sentence] [b1-length] [b1-words]   plain language (B1) for every answer
  [u-form]      answers address the reader with 'u', not 'je' or 'jij'
  [ref-topic] [ref-intent] [ref-utter] [ref-action] [ref-loop] [ref-braces] [title] [filename]
                no dead internal references
  [registry]    the provider registry is valid (lookup.registry, in process)
  [zorgkantoren] the editors' zorgkantoor changes are valid (lookup.zorgkantoor, in process)
  [rasa]        `rasa data validate`, translated into Dutch (editor/rasa_output.py)

``check_rasa`` and ``load_heldout_examples`` are re-exported here for callers that import them
from this module.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Tuple

from editor.content import (FAQ_DIR, FAQ_PREFIX, RESPONSE_PREFIX, SLUG, TITLES_FILE, Corpus, Example,
                            Problem, example_key, load_corpus, load_heldout_examples, read_titles,
                            relative_to_root)
from editor.rasa_output import check_rasa
from editor.readability import informal_words, measure
from editor.settings import ROOT, load_settings

__all__ = ["check_rasa", "check_registry", "check_zorgkantoor_edits", "load_heldout_examples", "validate", "summary",
           "main"]

MAX_TITLE = 20
_PAYLOAD = re.compile(r"^/([^{}\s]+)(\{.*\})?\s*$", re.DOTALL)


def validate(root: Path = ROOT, settings: Optional[Dict[str, Any]] = None, run_rasa: bool = True,
             run_registry: bool = True) -> List[Problem]:
    """All problems found in the content under ``root``, errors and warnings."""
    settings = settings or load_settings()
    corpus = load_corpus(root)
    problems: List[Problem] = list(corpus.problems)
    problems += check_topics(corpus, settings)
    problems += check_duplicates(corpus)
    problems += check_heldout(corpus, root / settings.get("evaluation", {}).get("heldout_dir", "tests/nlu/heldout"))
    problems += check_readability(corpus, settings)
    problems += check_references(corpus, root)
    if run_registry:
        problems += check_registry(root, settings.get("validation", {}).get("registry_file", "registry/aanbieders.csv"))
        problems += check_zorgkantoor_edits(root, settings.get("validation", {}).get(
            "zorgkantoor_edits_file", "registry/zorgkantoren.csv"))
    if run_rasa and settings.get("validation", {}).get("run_rasa_validate", True) \
            and not any(p.rule == "yaml" for p in problems):
        problems += check_rasa(root)
    return sorted(problems, key=lambda p: (p.path, p.line, p.rule))


# -- topics: answer, source, number of examples -----------------------------------------

def source_parts_without_page(source: str) -> List[str]:
    """Parts of a ``bron`` that name no page: neither an https URL nor a seeds/ or repo: file."""
    parts = [p.strip() for p in source.split(";") if p.strip()]
    return [p for p in parts if "https://" not in p and not p.startswith(("seeds/", "repo:"))]


def check_topics(corpus: Corpus, settings: Dict[str, Any]) -> List[Problem]:
    problems: List[Problem] = []
    topics = corpus.topics()
    answers = corpus.topic_responses()
    minimum = int(settings.get("validation", {}).get("min_examples_per_topic", 0) or 0)
    for slug, blocks in topics.items():
        first = blocks[0]
        if slug not in answers or not any(r.text for r in answers[slug]):
            problems.append(Problem(first.path, first.line,
                                    f"het onderwerp '{slug}' heeft voorbeeldvragen maar geen antwoord. "
                                    f"Zet onder 'responses:' een antwoord '{RESPONSE_PREFIX}{slug}' met "
                                    "'- text: \"...\"'.", "answer"))
        for block in blocks:
            source = block.metadata.get("bron")
            if source is None or not str(source).strip():
                problems.append(Problem(block.path, block.line,
                                        f"bij het onderwerp '{slug}' staat geen bron. Zet onder de intent "
                                        "'metadata:' met 'bron: \"...\"' (waar komt het antwoord vandaan?).",
                                        "source"))
                continue
            for part in source_parts_without_page(str(source)):
                problems.append(Problem(block.path, block.line,
                                        f"de bron '{part}' van '{slug}' noemt geen pagina. Zet de titel en het "
                                        "webadres van de pagina erbij, zo: 'Titel — https://…'. Meerdere bronnen "
                                        "scheidt u met ';'.", "source"))
        count = sum(len(b.examples) for b in blocks)
        if count < minimum:
            problems.append(Problem(first.path, first.line,
                                    f"het onderwerp '{slug}' heeft {count} voorbeeldvragen; met minder dan "
                                    f"{minimum} herkent de assistent het slecht. Voeg vragen toe zoals mensen "
                                    "ze echt stellen.", "few", "warning"))
        if not SLUG.match(slug):
            problems.append(Problem(first.path, first.line,
                                    f"de naam '{slug}' mag alleen kleine letters, cijfers en '_' bevatten.",
                                    "filename"))
    for slug, responses in answers.items():
        if slug not in topics:
            r = responses[0]
            problems.append(Problem(r.path, r.line,
                                    f"er is een antwoord '{RESPONSE_PREFIX}{slug}' maar geen onderwerp met "
                                    f"voorbeeldvragen '- intent: {FAQ_PREFIX}{slug}'. Voeg vragen toe of "
                                    "verwijder het antwoord.", "answer"))
    for block in corpus.faq_blocks():
        path = Path(block.path)
        slug = block.intent[len(FAQ_PREFIX):]
        if path.parent.as_posix() == FAQ_DIR and path.stem != slug:
            problems.append(Problem(block.path, block.line,
                                    f"het bestand heet '{path.name}' maar het onderwerp heet '{slug}'. Geef "
                                    f"het bestand dezelfde naam: {FAQ_DIR}/{slug}.yml.", "filename", "warning"))
    return problems


# -- duplicates and held-out leaks -----------------------------------------------------

def _all_examples(corpus: Corpus) -> List[Example]:
    return [e for block in corpus.intents for e in block.examples]


def check_duplicates(corpus: Corpus) -> List[Problem]:
    problems: List[Problem] = []
    seen: Dict[str, Example] = {}
    for example in _all_examples(corpus):
        key = example_key(example.text)
        if not key:
            problems.append(Problem(example.path, example.line,
                                    "lege voorbeeldvraag; haal deze regel weg.", "duplicate", "warning"))
            continue
        earlier = seen.get(key)
        if earlier is None:
            seen[key] = example
        elif earlier.intent != example.intent:
            problems.append(Problem(example.path, example.line,
                                    f"de voorbeeldvraag '{example.text}' staat ook bij '{earlier.intent}' "
                                    f"({earlier.path}:{earlier.line}). Eén vraag kan maar bij één onderwerp "
                                    "horen: haal hem bij een van beide weg.", "duplicate"))
        else:
            problems.append(Problem(example.path, example.line,
                                    f"de voorbeeldvraag '{example.text}' staat twee keer bij '{example.intent}' "
                                    f"(ook op regel {earlier.line}). Eén keer is genoeg.", "duplicate", "warning"))
    return problems


def check_heldout(corpus: Corpus, heldout_dir: Path) -> List[Problem]:
    heldout, problems = load_heldout_examples(heldout_dir, corpus.root)
    training = {example_key(e.text): e for e in _all_examples(corpus)}
    for example in heldout:
        hit = training.get(example_key(example.text))
        if hit is not None:
            problems.append(Problem(hit.path, hit.line,
                                    f"de voorbeeldvraag '{hit.text}' is ook een testvraag "
                                    f"({example.path}:{example.line}). Testvragen mogen niet in de "
                                    "trainingsdata staan, anders meet de test niets. Haal hem hier weg of "
                                    "bedenk een andere vraag.", "heldout"))
    tested = {e.intent for e in heldout}
    for slug, blocks in corpus.topics().items():
        if FAQ_PREFIX + slug not in tested:
            problems.append(Problem(blocks[0].path, blocks[0].line,
                                    f"het onderwerp '{slug}' heeft geen testvragen (in "
                                    f"{relative_to_root(heldout_dir, corpus.root)}/{slug}.yml); dan meet "
                                    "niemand of de assistent het herkent.", "heldout", "warning"))
    known = set(corpus.domain_intents) | {b.intent for b in corpus.intents}
    for example in heldout:
        if example.intent not in known:
            problems.append(Problem(example.path, example.line,
                                    f"deze testvraag hoort bij '{example.intent}', maar dat onderwerp of "
                                    "intent bestaat niet in de trainingsdata.", "heldout"))
    return problems


# -- plain language ---------------------------------------------------------------------

def check_readability(corpus: Corpus, settings: Dict[str, Any]) -> List[Problem]:
    cfg = settings.get("readability", {})
    problems: List[Problem] = []
    min_score = float(cfg.get("min_flesch_douma", 60))
    max_sentence = int(cfg.get("max_sentence_words", 20))
    max_words = int(cfg.get("max_answer_words", 80))
    letters = int(cfg.get("long_word_letters", 13))
    max_share = float(cfg.get("max_long_word_share", 0.15))
    allowed = cfg.get("allowed_long_words") or []
    for response in corpus.responses:
        if not response.text:
            continue
        if response.path == "domain.yml" or not response.path.startswith("data/"):
            severity = cfg.get("domain_severity", "warning")
        else:
            severity = cfg.get("severity", "error")
        if severity == "off":
            continue
        m = measure(response.text, letters, allowed)
        where = (response.path, response.text_line)
        if m.flesch_douma < min_score:
            problems.append(Problem(*where,
                                    f"het antwoord '{response.name}' is te moeilijk voor taalniveau B1: "
                                    f"leesbaarheid (Flesch-Douma) {m.flesch_douma:.0f}, minimaal {min_score:.0f}. "
                                    "Maak zinnen korter en kies kortere, gewone woorden.", "b1-score", severity))
        for sentence in _long_sentences(response.text, max_sentence):
            n, text = sentence
            problems.append(Problem(*where,
                                    f"in '{response.name}' is een zin te lang: {n} woorden, maximaal "
                                    f"{max_sentence}. Maak er twee zinnen van: \"{_short(text)}\"",
                                    "b1-sentence", severity))
        if m.words > max_words:
            problems.append(Problem(*where,
                                    f"het antwoord '{response.name}' is te lang: {m.words} woorden, maximaal "
                                    f"{max_words}. Houd het bij de kern; zet de rest in een vervolgvraag of knop.",
                                    "b1-length", severity))
        if m.words >= 10 and m.long_word_share > max_share:
            shown = ", ".join(dict.fromkeys(m.long_words))
            problems.append(Problem(*where,
                                    f"in '{response.name}' zijn te veel lange woorden "
                                    f"({m.long_word_share:.0%}, maximaal {max_share:.0%}; lang = {letters} "
                                    f"letters of meer): {shown}. Kies kortere woorden of splits ze.",
                                    "b1-words", severity))
        informal = informal_words(response.text)
        if informal:
            shown = ", ".join(f"'{w}'" for w in dict.fromkeys(w.lower() for w in informal))
            problems.append(Problem(*where,
                                    f"in '{response.name}' staat {shown}. Spreek de lezer aan met 'u' "
                                    "(u, uw, uzelf).", "u-form", severity))
    return problems


def _long_sentences(text: str, limit: int) -> Iterable[Tuple[int, str]]:
    from editor.readability import sentences, words
    for sentence in sentences(text):
        n = len(words(sentence))
        if n > limit:
            yield n, sentence


def _short(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


# -- internal references ----------------------------------------------------------------

def parse_payload(payload: str) -> Optional[Tuple[str, Dict[str, Any], bool]]:
    """(intent, entities, ok) of a '/intent{...}' payload; None for free-text payloads.

    Double braces ('{{' '}}', the escaped form in responses) are read as single ones.
    """
    payload = payload.strip()
    if not payload.startswith("/"):
        return None
    unescaped = payload.replace("{{", "{").replace("}}", "}")
    match = _PAYLOAD.match(unescaped)
    if not match:
        return payload[1:], {}, False
    intent, raw = match.group(1), match.group(2)
    entities: Dict[str, Any] = {}
    if raw:
        try:
            entities = json.loads(raw)
        except json.JSONDecodeError:
            return intent, {}, False
    return intent, entities if isinstance(entities, dict) else {}, True


def check_references(corpus: Corpus, root: Path) -> List[Problem]:
    from rasa.shared.core.constants import DEFAULT_ACTION_NAMES, DEFAULT_INTENTS

    problems: List[Problem] = []
    topics = set(corpus.topics())
    intents = set(corpus.domain_intents) | set(DEFAULT_INTENTS)
    responses = corpus.response_names
    if any(name.startswith(RESPONSE_PREFIX) for name in responses):
        responses = responses | {"utter_faq"}
    actions = set(corpus.domain_actions) | set(DEFAULT_ACTION_NAMES) | set(corpus.domain_forms) | responses

    def check_payload(payload: str, path: str, line: int, in_response: bool) -> None:
        parsed = parse_payload(payload)
        if parsed is None:
            return
        intent, entities, ok = parsed
        if not ok:
            problems.append(Problem(path, line,
                                    f"de knopcode '{payload}' klopt niet. Gebruik bijvoorbeeld "
                                    "'/choose_topic{{\"topic\":\"kosten\"}}' of '/find_clientondersteuner'.",
                                    "ref-intent"))
            return
        if intent not in intents:
            problems.append(Problem(path, line,
                                    f"de knop verwijst naar '/{intent}', maar dat intent bestaat niet in "
                                    "domain.yml. Controleer de spelling.", "ref-intent"))
        topic = entities.get("topic")
        if topic is not None and str(topic) not in topics:
            problems.append(Problem(path, line,
                                    f"de knop verwijst naar het onderwerp '{topic}', maar dat onderwerp bestaat "
                                    f"niet (er is geen {FAQ_DIR}/{topic}.yml met '- intent: {FAQ_PREFIX}{topic}'). "
                                    "Controleer de spelling of maak het onderwerp aan.", "ref-topic"))
        if in_response and "{" in payload and "{{" not in payload:
            problems.append(Problem(path, line,
                                    "schrijf de accolades in een knopcode dubbel: '{{' en '}}' (zoals "
                                    "'/choose_topic{{\"topic\":\"kosten\"}}'); anders geeft Rasa een "
                                    "foutmelding in het logboek.", "ref-braces", "warning"))

    for response in corpus.responses:
        for button in response.buttons:
            check_payload(button.payload, button.path, button.line, True)
    for block in corpus.intents:
        for example in block.examples:
            if example.text.startswith("/"):
                check_payload(example.text, example.path, example.line, False)
    for step in corpus.steps:
        if step.kind == "action" and step.name.startswith("utter_") and step.name not in responses:
            problems.append(Problem(step.path, step.line,
                                    f"de regel gebruikt het antwoord '{step.name}', maar dat antwoord bestaat "
                                    "niet (niet in domain.yml en niet in data/). Controleer de spelling.",
                                    "ref-utter"))
        elif step.kind == "action" and not step.name.startswith("utter_") and step.name not in actions:
            problems.append(Problem(step.path, step.line,
                                    f"de regel gebruikt de actie '{step.name}', maar die staat niet onder "
                                    "'actions:' in domain.yml.", "ref-action"))
        elif step.kind == "intent" and step.name not in intents:
            problems.append(Problem(step.path, step.line,
                                    f"de regel gebruikt het intent '{step.name}', maar dat staat niet onder "
                                    "'intents:' in domain.yml.", "ref-intent"))
        elif step.kind == "active_loop" and step.name not in corpus.domain_forms:
            problems.append(Problem(step.path, step.line,
                                    f"de regel gebruikt het formulier '{step.name}', maar dat staat niet onder "
                                    "'forms:' in domain.yml.", "ref-loop"))
    titles, lines = read_titles(root)
    for slug, blocks in corpus.topics().items():
        title = titles.get(slug)
        if not title:
            problems.append(Problem(blocks[0].path, blocks[0].line,
                                    f"het onderwerp '{slug}' heeft geen knoptitel. Zet in {TITLES_FILE} onder "
                                    f"'faq:' een regel '  {slug}: \"Korte titel\"' (maximaal {MAX_TITLE} tekens).",
                                    "title"))
        elif len(title) > MAX_TITLE:
            problems.append(Problem(TITLES_FILE, lines.get(slug, 1),
                                    f"de knoptitel '{title}' is {len(title)} tekens; maximaal {MAX_TITLE}, "
                                    "anders past hij niet op een knop.", "title", "warning"))
    for slug in titles:
        if slug not in topics:
            problems.append(Problem(TITLES_FILE, lines.get(slug, 1),
                                    f"er is een knoptitel voor '{slug}', maar dat onderwerp bestaat niet.",
                                    "title", "warning"))
    return problems


# -- provider registry and Rasa's own validation ------------------------------------------

def check_registry(root: Path, registry_file: str) -> List[Problem]:
    """The provider registry's problems, from the same parser the assistant uses (lookup.registry)."""
    from lookup.places import Places
    from lookup.registry import parse_registry

    path = root / registry_file
    if not path.exists():
        return [Problem(registry_file, 1, "het aanbiedersregister ontbreekt.", "registry")]
    try:
        issues = parse_registry(path, Places()).issues
    except (OSError, ValueError) as e:
        return [Problem(registry_file, 1, f"het aanbiedersregister is afgekeurd: {type(e).__name__}: {e}",
                        "registry")]
    return [Problem(registry_file if Path(issue.file).name == path.name else issue.file, issue.line,
                    issue.message, "registry", "error" if issue.error else "warning")
            for issue in issues]


def check_zorgkantoor_edits(root: Path, edits_file: str) -> List[Problem]:
    """The editors' zorgkantoor changes and confirmations, with the checks the assistant and the
    studio use (lookup.zorgkantoor). The file is optional: without it the shipped records count."""
    from lookup.places import Places
    from lookup.zorgkantoor import Zorgkantoren, parse_edits_text

    path = root / edits_file
    if not path.exists():
        return []
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        return [Problem(edits_file, 1, f"de zorgkantoorwijzigingen zijn niet te lezen: {e}", "zorgkantoren")]
    regions = Zorgkantoren(Places(), edits_path=path).regions
    return [Problem(edits_file, issue.line, issue.message, "zorgkantoren", "error" if issue.error else "warning")
            for issue in parse_edits_text(text, regions, path.name).issues]


def summary(problems: List[Problem]) -> str:
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    if not errors:
        return f"Controle geslaagd: geen fouten, {warnings} opmerking(en)."
    return f"Controle mislukt: {errors} fout(en) en {warnings} opmerking(en). Los de fouten op en probeer opnieuw."


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        description="Controleer de inhoud (vragen, antwoorden, bronnen, B1, verwijzingen).")
    parser.add_argument("--root", type=Path, default=ROOT)
    parser.add_argument("--no-rasa", action="store_true", help="sla 'rasa data validate' over")
    parser.add_argument("--no-registry", action="store_true", help="sla de controle van het register over")
    parser.add_argument("--quiet", action="store_true", help="toon alleen fouten, geen opmerkingen")
    parser.add_argument("--json", type=Path, help="schrijf de bevindingen ook als JSON")
    args = parser.parse_args(argv)
    print("Inhoud controleren ...", flush=True)
    problems = validate(args.root, run_rasa=not args.no_rasa, run_registry=not args.no_registry)
    for p in problems:
        if p.severity == "error" or not args.quiet:
            print(p.format())
    if args.json:
        args.json.write_text(json.dumps([p.to_dict() for p in problems], ensure_ascii=False, indent=1),
                             encoding="utf-8")
    print(summary(problems))
    return 1 if any(p.severity == "error" for p in problems) else 0


if __name__ == "__main__":
    sys.exit(main())
