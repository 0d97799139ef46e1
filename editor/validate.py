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
  [registry]    the provider registry is valid (lookup.registry_check)
  [rasa]        `rasa data validate`
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Tuple

from editor.content import (FAQ_DIR, FAQ_PREFIX, RESPONSE_PREFIX, TITLES_FILE, Corpus, Example,
                            Problem, _load_data_file, load_corpus, load_titles, title_lines)
from editor.readability import informal_words, measure
from editor.settings import ROOT, load_settings

MAX_TITLE = 20
_PAYLOAD = re.compile(r"^/([^{}\s]+)(\{.*\})?\s*$", re.DOTALL)


def normalise(text: str) -> str:
    """Compare examples case-insensitively, ignoring extra spaces and end punctuation."""
    return re.sub(r"\s+", " ", text.casefold()).strip().rstrip("?!. ").strip()


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
        if not SLUG_OK.match(slug):
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


SLUG_OK = re.compile(r"^[a-z0-9][a-z0-9_]*$")


# -- duplicates and held-out leaks -----------------------------------------------------

def _all_examples(corpus: Corpus) -> List[Example]:
    return [e for block in corpus.intents for e in block.examples]


def check_duplicates(corpus: Corpus) -> List[Problem]:
    problems: List[Problem] = []
    seen: Dict[str, Example] = {}
    for example in _all_examples(corpus):
        key = normalise(example.text)
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


def load_heldout_examples(heldout_dir: Path, root: Path = ROOT) -> Tuple[List[Example], List[Problem]]:
    """The held-out test questions with file and line (never trained on)."""
    corpus = Corpus(root=root)
    if heldout_dir.exists():
        files = sorted(p for p in heldout_dir.rglob("*") if p.suffix in (".yml", ".yaml"))
        for path in files:
            _load_data_file(corpus, path)
    examples = []
    for block in corpus.intents:
        for e in block.examples:
            intent = e.intent
            if intent == "faq":  # a bare retrieval intent: the topic is the file name
                intent = FAQ_PREFIX + Path(e.path).stem
            examples.append(Example(e.text, intent, e.path, e.line))
    return examples, corpus.problems


def check_heldout(corpus: Corpus, heldout_dir: Path) -> List[Problem]:
    heldout, problems = load_heldout_examples(heldout_dir, corpus.root)
    training = {normalise(e.text): e for e in _all_examples(corpus)}
    for example in heldout:
        hit = training.get(normalise(example.text))
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
                                    f"{_relative_dir(heldout_dir, corpus.root)}/{slug}.yml); dan meet "
                                    "niemand of de assistent het herkent.", "heldout", "warning"))
    known = set(corpus.domain_intents) | {b.intent for b in corpus.intents}
    for example in heldout:
        if example.intent not in known:
            problems.append(Problem(example.path, example.line,
                                    f"deze testvraag hoort bij '{example.intent}', maar dat onderwerp of "
                                    "intent bestaat niet in de trainingsdata.", "heldout"))
    return problems


def _relative_dir(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


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
    titles = load_titles(root)
    lines = title_lines(root)
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
    path = root / registry_file
    if importlib.util.find_spec("lookup.registry_check") is None:
        return [Problem(registry_file, 1, "de controle van het aanbiedersregister (lookup.registry_check) "
                                          "is niet beschikbaar; het register is niet gecontroleerd.",
                        "registry", "warning")]
    if not path.exists():
        return [Problem(registry_file, 1, "het aanbiedersregister ontbreekt.", "registry")]
    proc = subprocess.run([sys.executable, "-m", "lookup.registry_check", str(path)], cwd=ROOT,
                          capture_output=True, text=True, env=_env(root))
    problems = []
    for line in (proc.stdout + "\n" + proc.stderr).splitlines():
        match = re.match(r"^(.+?):(\d+): (.*)$", line.strip())
        if match:
            file = match.group(1)
            if Path(file).name == Path(registry_file).name:
                file = registry_file
            message = match.group(3)
            severity = "error"
            if message.startswith("waarschuwing: "):
                message, severity = message[len("waarschuwing: "):], "warning"
            problems.append(Problem(file, int(match.group(2)), message, "registry", severity))
    if proc.returncode and not problems:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["onbekende fout"]
        problems.append(Problem(registry_file, 1, f"het aanbiedersregister is afgekeurd: {tail[0]}", "registry"))
    return problems


_RASA_MESSAGES = [
    (r"The intent '(.+?)' is listed in the domain file, but is not found in the NLU training data",
     "het intent '{0}' staat in domain.yml, maar heeft geen voorbeeldvragen in data/.", "domain.yml", "{0}"),
    (r"The intent '(.+?)' is not used in any story or rule",
     "het intent '{0}' wordt in geen enkele regel of verhaal gebruikt; de assistent doet er dan niets mee.",
     "domain.yml", "{0}"),
    (r"The utterance '(.+?)' is not used in any story or rule",
     "het antwoord '{0}' wordt in geen enkele regel of verhaal gebruikt.", "domain.yml", "{0}:"),
    (r"The action '(.+?)' is used in the stories, but is not a valid utterance action",
     "de actie '{0}' wordt gebruikt, maar bestaat niet in domain.yml.", None, None),
    (r"Found intent '(.+?)' in stories which is not part of the domain",
     "het intent '{0}' wordt in een regel gebruikt, maar staat niet in domain.yml.", None, None),
    (r"The intent '(.+?)' is used in your stories, but it is not listed in the domain file",
     "het intent '{0}' wordt gebruikt, maar staat niet in domain.yml.", None, None),
    (r"The example '(.+?)' was found labeled with multiple different intents",
     "de voorbeeldvraag '{0}' staat bij meerdere intents.", None, None),
]


def check_rasa(root: Path) -> List[Problem]:
    """Run `rasa data validate` and translate what it says (warnings stay warnings)."""
    rasa = str(Path(sys.executable).parent / "rasa")
    cmd = [rasa, "data", "validate", "--domain", "domain.yml", "--data", "data", "--config", "config.yml"]
    proc = subprocess.run(cmd, cwd=root, capture_output=True, text=True, env=_env(root))
    output = re.sub(r"\x1b\[[0-9;]*m", "\n", proc.stdout + "\n" + proc.stderr)
    problems: List[Problem] = []
    seen = set()
    for severity, block in _rasa_blocks(output):
        for problem in _block_problems(block, severity, root):
            key = (problem.path, problem.line, problem.message)
            if key not in seen and not _is_noise(problem.message):
                seen.add(key)
                problems.append(problem)
    if proc.returncode and not any(p.severity == "error" for p in problems):
        tail = [l for l in output.splitlines() if l.strip()][-3:]
        problems.append(Problem("data", 1, "'rasa data validate' keurt de trainingsdata af: "
                                + " / ".join(t.strip() for t in tail), "rasa"))
    return problems


_LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")
_EXCEPTION = re.compile(r"^(\w+(?:Exception|Error)): (.*)$")


def _rasa_blocks(output: str) -> List[Tuple[str, List[str]]]:
    """Warnings and errors in Rasa's output, each with its continuation lines."""
    blocks: List[Tuple[str, List[str]]] = []
    current: Optional[List[str]] = None
    for raw in output.splitlines():
        line = raw.rstrip()
        if "UserWarning:" in line:
            current = [line.split("UserWarning:", 1)[1].strip()]
            blocks.append(("warning", current))
        elif _EXCEPTION.match(line.strip()) or re.search(r"\sERROR\s", line):
            text = re.sub(r"^\S+ \S+ ERROR\s+\S+\s+-\s+", "", line.strip())
            current = [text]
            blocks.append(("error", current))
        elif current is not None and line.strip() and not _LOG_LINE.match(line) \
                and not line.strip().startswith("More info at"):
            current.append(line.strip())
        else:
            current = None
    return blocks


def _block_problems(block: List[str], severity: str, root: Path) -> List[Problem]:
    text = " ".join(block)
    file_match = re.search(r"(?:Issue found in|Failed to validate|while processing) '(.+?)'", text)
    located: List[Problem] = []
    for n, line in enumerate(block):
        match = re.match(r"^in (.+?):(\d+):$", line)
        if match:
            detail = block[n + 1] if n + 1 < len(block) else ""
            located.append(Problem(_relative(match.group(1), root), int(match.group(2)),
                                   "Rasa meldt: " + _dutch_schema(detail), "rasa", severity))
    if located:
        return located
    message = re.sub(r"^Issue found in '.+?':\s*", "", text).strip()
    problem = _translate(message, root, severity)
    if file_match and problem.path == "data":
        problem.path = _relative(file_match.group(1), root)
    return [problem]


def _relative(path: str, root: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(root.resolve())) if Path(path).is_absolute() else path
    except ValueError:
        return path


def _dutch_schema(detail: str) -> str:
    match = re.search(r"Key '(.+?)' was not defined", detail)
    if match:
        return (f"het veld '{match.group(1)}' hoort hier niet (tikfout?). Rasa kent op deze plek "
                "bijvoorbeeld 'intent', 'action', 'examples', 'text'.")
    match = re.search(r"Cannot find required key '(.+?)'", detail)
    if match:
        return f"hier ontbreekt het verplichte veld '{match.group(1)}'."
    return f"het bestand klopt niet met wat Rasa verwacht: {detail}"


def _is_noise(message: str) -> bool:
    """Rasa warnings that say nothing about the content."""
    if "TF_DETERMINISTIC_OPS" in message:
        return True
    # FAQ answers live beside their questions in data/faq; Rasa then sees 'faq' in several domains.
    return bool(re.search(r"duplicated intents have been found across multiple domain files: faq\s*$", message))


def _translate(message: str, root: Path, severity: str) -> Problem:
    for pattern, dutch, file, needle in _RASA_MESSAGES:
        match = re.search(pattern, message)
        if match:
            name = match.group(1)
            path, line = "data", 1
            if file:
                path = file
                line = _find_line(root / file, needle.format(name))
            return Problem(path, line, "Rasa meldt: " + dutch.format(name), "rasa", severity)
    return Problem("data", 1, f"Rasa meldt: {message}", "rasa", severity)


def _find_line(path: Path, needle: str) -> int:
    try:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            stripped = line.strip().lstrip("- ").strip()
            if stripped == needle or stripped.startswith(needle + ":") or stripped == needle.rstrip(":") + ":":
                return n
    except OSError:
        pass
    return 1


def _env(root: Path) -> Dict[str, str]:
    from ops.model_state import rasa_env
    env = rasa_env()
    env["PYTHONPATH"] = str(ROOT) + ":" + env.get("PYTHONPATH", "")
    return env


def summary(problems: List[Problem]) -> str:
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    if not errors:
        return f"Controle geslaagd: geen fouten, {warnings} opmerking(en)."
    return f"Controle mislukt: {errors} fout(en) en {warnings} opmerking(en). Los de fouten op en probeer opnieuw."


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="Controleer de inhoud (vragen, antwoorden, bronnen, B1, verwijzingen).")
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
