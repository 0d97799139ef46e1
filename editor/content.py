"""Read the training content with line numbers: the corpus, the held-out questions, the titles.

``load_corpus`` reads domain.yml and everything under data/ with ruamel, keeping the line of
every intent, example, response, button and rule step, for the validator;
``load_heldout_examples`` reads the held-out test questions the same way. The editor format
of one FAQ topic file (``TopicFile``) lives in editor/topic_file.py and is re-exported here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError

from editor.settings import ROOT
from editor.topic_file import (  # noqa: F401 - re-exported: the studio and the spreadsheet import them from here
    FAQ_DIR,
    FAQ_PREFIX,
    RESPONSE_PREFIX,
    SLUG,
    TopicFile,
    TopicFormatError,
    load_topics,
    parse_examples,
    topic_paths,
)

TITLES_FILE = "actions/topic_titles.yml"


@dataclass
class Problem:
    """One finding of the validator: where, what (in Dutch for the editor), how bad."""

    path: str
    line: int
    message: str
    rule: str
    severity: str = "error"  # "error" blocks publishing, "warning" is only reported

    def format(self) -> str:
        prefix = "" if self.severity == "error" else "let op: "
        return f"{self.path}:{self.line}: {prefix}{self.message}"

    def to_dict(self) -> Dict[str, Any]:
        return {"path": self.path, "line": self.line, "message": self.message,
                "rule": self.rule, "severity": self.severity}


@dataclass
class Example:
    text: str
    intent: str
    path: str
    line: int


def example_key(text: str) -> str:
    """An example question as compared: case-insensitive, extra spaces and end punctuation ignored
    (for duplicate and held-out checks, and to recognise a user message that is an example)."""
    return re.sub(r"\s+", " ", text.casefold()).strip().rstrip("?!. ").strip()


@dataclass
class IntentBlock:
    intent: str
    path: str
    line: int
    examples: List[Example]
    metadata: Dict[str, Any]
    metadata_lines: Dict[str, int]


@dataclass
class Button:
    title: str
    payload: str
    path: str
    line: int


@dataclass
class Response:
    name: str
    path: str
    line: int
    text: Optional[str]
    text_line: int
    buttons: List[Button]


@dataclass
class StepRef:
    """A name used in a rule or story: an action, an intent or an active loop."""

    kind: str
    name: str
    path: str
    line: int


@dataclass
class Corpus:
    root: Path
    intents: List[IntentBlock] = field(default_factory=list)
    responses: List[Response] = field(default_factory=list)
    steps: List[StepRef] = field(default_factory=list)
    domain_intents: Dict[str, int] = field(default_factory=dict)
    domain_actions: Dict[str, int] = field(default_factory=dict)
    domain_forms: Dict[str, int] = field(default_factory=dict)
    problems: List[Problem] = field(default_factory=list)
    files: List[str] = field(default_factory=list)

    @property
    def response_names(self) -> set:
        return {r.name for r in self.responses}

    def faq_blocks(self) -> List[IntentBlock]:
        return [b for b in self.intents if b.intent.startswith(FAQ_PREFIX)]

    def topics(self) -> Dict[str, List[IntentBlock]]:
        found: Dict[str, List[IntentBlock]] = {}
        for block in self.faq_blocks():
            found.setdefault(block.intent[len(FAQ_PREFIX):], []).append(block)
        return found

    def topic_responses(self) -> Dict[str, List[Response]]:
        found: Dict[str, List[Response]] = {}
        for r in self.responses:
            if r.name.startswith(RESPONSE_PREFIX):
                found.setdefault(r.name[len(RESPONSE_PREFIX):], []).append(r)
        return found


def _line(node: Any, key: Any = None, item: Optional[int] = None) -> int:
    """1-based line of a key or list item in a ruamel node (0 when unknown)."""
    try:
        if key is not None:
            return int(node.lc.key(key)[0]) + 1
        if item is not None:
            return int(node.lc.item(item)[0]) + 1
        return int(node.lc.line) + 1
    except Exception:  # plain scalars carry no position
        return 0


def _yaml_error(path: str, error: Exception) -> Problem:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    line = (mark.line + 1) if mark is not None else 1
    detail = getattr(error, "problem", None) or str(error).splitlines()[0]
    return Problem(path, line,
                   "dit bestand kan niet worden gelezen (geen geldige YAML: "
                   f"{detail}). Controleer de inspringing (spaties, geen tabs) en of alle "
                   "aanhalingstekens in paren staan.", "yaml")


def read_yaml(path: Path, root: Path) -> Tuple[Any, Optional[Problem]]:
    rel = relative_to_root(path, root)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None, Problem(rel, 1, "dit bestand is niet in UTF-8 opgeslagen. Sla het op als "
                                    "'UTF-8' (zonder BOM).", "encoding")
    if "\t" in text:
        line = text[: text.index("\t")].count("\n") + 1
        return None, Problem(rel, line, "er staat een tab in dit bestand. YAML gebruikt alleen "
                                        "spaties om in te springen.", "yaml")
    try:
        return YAML(typ="rt").load(text), None
    except MarkedYAMLError as e:
        return None, _yaml_error(rel, e)
    except Exception as e:  # noqa: BLE001 - any other parser error is reported, not raised
        return None, _yaml_error(rel, e)


def relative_to_root(path: Path, root: Path) -> str:
    """``path`` as written in a problem: relative to the checkout when inside it."""
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def data_files(root: Path, data: str = "data") -> List[Path]:
    base = root / data
    if base.is_file():
        return [base]
    return sorted(p for p in base.rglob("*") if p.suffix in (".yml", ".yaml") and p.is_file())


def load_corpus(root: Path = ROOT, domain: str = "domain.yml", data: str = "data") -> Corpus:
    corpus = Corpus(root=root)
    _load_domain(corpus, root / domain)
    for path in data_files(root, data):
        _load_data_file(corpus, path)
    return corpus


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


def _read_file(corpus: Corpus, path: Path) -> Tuple[str, Optional[Dict[str, Any]]]:
    """Register the file with the corpus and read it; (relative path, mapping or None)."""
    rel = relative_to_root(path, corpus.root)
    corpus.files.append(rel)
    doc, problem = read_yaml(path, corpus.root)
    if problem:
        corpus.problems.append(problem)
        return rel, None
    return rel, doc if isinstance(doc, dict) else None


def _load_domain(corpus: Corpus, path: Path) -> None:
    rel, doc = _read_file(corpus, path)
    if doc is None:
        return
    intents = doc.get("intents") or []
    for i, entry in enumerate(intents):
        name = next(iter(entry)) if isinstance(entry, dict) else str(entry)
        corpus.domain_intents[name] = _line(intents, item=i)
    actions = doc.get("actions") or []
    for i, entry in enumerate(actions):
        name = next(iter(entry)) if isinstance(entry, dict) else str(entry)
        corpus.domain_actions[name] = _line(actions, item=i)
    forms = doc.get("forms") or {}
    for name in forms:
        corpus.domain_forms[str(name)] = _line(forms, key=name)
    _collect_responses(corpus, doc.get("responses"), rel)


def _collect_responses(corpus: Corpus, responses: Any, rel: str) -> None:
    if not isinstance(responses, dict):
        return
    for name, variations in responses.items():
        line = _line(responses, key=name)
        if not isinstance(variations, list) or not variations:
            corpus.responses.append(Response(str(name), rel, line, None, line, []))
            continue
        for i, variation in enumerate(variations):
            if not isinstance(variation, dict):
                continue
            vline = _line(variations, item=i)
            text = variation.get("text")
            text_line = _line(variation, key="text") if "text" in variation else vline
            buttons = []
            raw_buttons = variation.get("buttons") or []
            for j, b in enumerate(raw_buttons):
                if isinstance(b, dict):
                    bline = _line(b, key="payload") if "payload" in b else _line(raw_buttons, item=j)
                    buttons.append(Button(str(b.get("title", "")), str(b.get("payload", "")), rel, bline))
            corpus.responses.append(Response(str(name), rel, vline,
                                             str(text) if text is not None else None, text_line, buttons))


def _load_data_file(corpus: Corpus, path: Path) -> None:
    rel, doc = _read_file(corpus, path)
    if doc is None:
        return
    nlu = doc.get("nlu") or []
    for i, item in enumerate(nlu):
        if not isinstance(item, dict) or "intent" not in item:
            continue
        intent = str(item["intent"])
        block_line = _line(nlu, item=i)
        metadata = item.get("metadata") or {}
        metadata_lines = {}
        if isinstance(metadata, dict):
            metadata_lines = {str(k): _line(metadata, key=k) for k in metadata}
        else:
            metadata = {}
        examples: List[Example] = []
        raw = item.get("examples")
        if isinstance(raw, str):
            first = _line(item, key="examples") + 1
            for offset, line in enumerate(str(raw).splitlines()):
                if line.startswith("-"):
                    examples.append(Example(line[1:].strip("\n\r "), intent, rel, first + offset))
        elif isinstance(raw, list):
            for j, entry in enumerate(raw):
                text = entry.get("text") if isinstance(entry, dict) else entry
                if text is not None:
                    examples.append(Example(str(text).strip(), intent, rel, _line(raw, item=j)))
        corpus.intents.append(IntentBlock(intent, rel, block_line, examples,
                                          dict(metadata), metadata_lines))
    _collect_responses(corpus, doc.get("responses"), rel)
    for section in ("rules", "stories"):
        for entry in doc.get(section) or []:
            if not isinstance(entry, dict):
                continue
            for key in ("condition", "steps"):
                _collect_steps(corpus, entry.get(key) or [], rel)


def _collect_steps(corpus: Corpus, steps: Any, rel: str) -> None:
    if not isinstance(steps, list):
        return
    for i, step in enumerate(steps):
        if not isinstance(step, dict):
            continue
        line = _line(steps, item=i)
        if "action" in step:
            corpus.steps.append(StepRef("action", str(step["action"]), rel, line))
        if "intent" in step:
            corpus.steps.append(StepRef("intent", str(step["intent"]), rel, line))
        if step.get("active_loop"):
            corpus.steps.append(StepRef("active_loop", str(step["active_loop"]), rel, line))
        if "or" in step:
            _collect_steps(corpus, step["or"], rel)


def read_titles(root: Path = ROOT) -> Tuple[Dict[str, str], Dict[str, int]]:
    """The FAQ button titles in actions/topic_titles.yml and the line of each (one read).

    Raises ValueError (with the Dutch ``file:line`` problem) when the file is not valid YAML."""
    path = root / TITLES_FILE
    if not path.exists():
        return {}, {}
    doc, problem = read_yaml(path, root)
    if problem:
        raise ValueError(problem.format())
    faq = doc.get("faq") if isinstance(doc, dict) else None
    if not isinstance(faq, dict):
        return {}, {}
    return {str(k): str(v) for k, v in faq.items()}, {str(k): _line(faq, key=k) for k in faq}


def load_titles(root: Path = ROOT) -> Dict[str, str]:
    """slug -> button title."""
    return read_titles(root)[0]


def save_titles(titles: Dict[str, str], root: Path = ROOT) -> bool:
    """Update the faq titles in actions/topic_titles.yml, keeping its comments. True if changed."""
    path = root / TITLES_FILE
    rt = YAML(typ="rt")
    rt.width = 4096  # type: ignore[assignment]  # ruamel declares these attributes as None
    rt.indent(mapping=2, sequence=4, offset=2)
    rt.preserve_quotes = True  # type: ignore[assignment]
    doc = rt.load(path.read_text(encoding="utf-8")) if path.exists() else None
    if doc is None:
        from ruamel.yaml.comments import CommentedMap
        doc = CommentedMap()
    if "faq" not in doc or doc["faq"] is None:
        from ruamel.yaml.comments import CommentedMap
        doc["faq"] = CommentedMap()
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString
    changed = False
    for slug, title in titles.items():
        if str(doc["faq"].get(slug, "")) != title:
            doc["faq"][slug] = DoubleQuotedScalarString(title)
            changed = True
    if changed:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            rt.dump(doc, f)
    return changed
