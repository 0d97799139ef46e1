"""Read the training content with line numbers, and read/write the per-topic files.

Two views of the same files:

* ``load_corpus`` reads domain.yml and everything under data/ with ruamel, keeping the
  line of every intent, example, response, button and rule step, for the validator.
* ``TopicFile`` is the editor format of one FAQ topic (data/faq/<slug>.yml): example
  questions, source (``metadata: bron:``) and the answer ``utter_faq/<slug>`` together.
  ``TopicFile.dump`` writes it back in the same readable layout as the hand-written files,
  so a spreadsheet round trip leaves the files unchanged.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError

from editor.settings import ROOT

FAQ_DIR = "data/faq"
TITLES_FILE = "actions/topic_titles.yml"
FAQ_PREFIX = "faq/"
RESPONSE_PREFIX = "utter_faq/"
SLUG = re.compile(r"^[a-z0-9][a-z0-9_]*$")


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


def parse_examples(block: Any) -> List[str]:
    """The examples of a multi-line ``examples: |`` block, exactly as Rasa reads them."""
    found = []
    for line in str(block).splitlines():
        if line.startswith("-"):
            found.append(line[1:].strip("\n\r "))
    return found


def _yaml_error(path: str, error: Exception) -> Problem:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    line = (mark.line + 1) if mark is not None else 1
    detail = getattr(error, "problem", None) or str(error).splitlines()[0]
    return Problem(path, line,
                   "dit bestand kan niet worden gelezen (geen geldige YAML: "
                   f"{detail}). Controleer de inspringing (spaties, geen tabs) en of alle "
                   "aanhalingstekens in paren staan.", "yaml")


def read_yaml(path: Path, root: Path) -> Tuple[Any, Optional[Problem]]:
    rel = _rel(path, root)
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


def _rel(path: Path, root: Path) -> str:
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


def _read_file(corpus: Corpus, path: Path) -> Tuple[str, Optional[Dict[str, Any]]]:
    """Register the file with the corpus and read it; (relative path, mapping or None)."""
    rel = _rel(path, corpus.root)
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


# --------------------------------------------------------------------------------------
# The editor format: one FAQ topic per file.


class TopicFormatError(ValueError):
    """A topic file that does not have the standard shape (reported in Dutch)."""


@dataclass
class TopicFile:
    """One FAQ topic: examples, source and answer(s), as in data/faq/<slug>.yml."""

    slug: str
    examples: List[str] = field(default_factory=list)
    source: Optional[str] = None
    responses: List[Dict[str, Any]] = field(default_factory=list)
    comment: List[str] = field(default_factory=list)
    metadata_extra: Dict[str, Any] = field(default_factory=dict)

    @property
    def intent(self) -> str:
        return FAQ_PREFIX + self.slug

    @property
    def response_name(self) -> str:
        return RESPONSE_PREFIX + self.slug

    @classmethod
    def from_path(cls, path: Path) -> "TopicFile":
        text = path.read_text(encoding="utf-8")
        return cls.from_text(text, path.stem, str(path))

    @classmethod
    def from_text(cls, text: str, slug_hint: str = "", where: str = "") -> "TopicFile":
        doc = yaml.safe_load(text) or {}
        where = where or slug_hint
        allowed = {"version", "nlu", "responses"}
        extra_keys = set(doc) - allowed
        if extra_keys:
            raise TopicFormatError(f"{where}: dit onderwerpbestand bevat ook {sorted(extra_keys)}; "
                                   "zet regels en verhalen in data/core/.")
        nlu = doc.get("nlu") or []
        if len(nlu) != 1 or not str(nlu[0].get("intent", "")).startswith(FAQ_PREFIX):
            raise TopicFormatError(f"{where}: een onderwerpbestand hoort precies één blok "
                                   "'- intent: faq/<onderwerp>' te hebben.")
        item = nlu[0]
        slug = str(item["intent"])[len(FAQ_PREFIX):]
        unknown = set(item) - {"intent", "metadata", "examples"}
        if unknown:
            raise TopicFormatError(f"{where}: onbekende onderdelen {sorted(unknown)} bij faq/{slug}.")
        raw = item.get("examples") or ""
        if not isinstance(raw, str):
            raise TopicFormatError(f"{where}: schrijf de voorbeeldvragen als 'examples: |' met "
                                   "op elke regel '- vraag'.")
        metadata = dict(item.get("metadata") or {})
        source = metadata.pop("bron", None)
        responses = (doc.get("responses") or {})
        other = set(responses) - {RESPONSE_PREFIX + slug}
        if other:
            raise TopicFormatError(f"{where}: dit bestand bevat antwoorden van andere onderwerpen: "
                                   f"{sorted(other)}.")
        comment = []
        for line in text.splitlines():
            if line.startswith("#"):
                comment.append(line[1:].strip())
            elif line.strip().startswith("nlu:"):
                break
        return cls(slug=slug, examples=parse_examples(raw),
                   source=None if source is None else str(source),
                   responses=[dict(r) for r in responses.get(RESPONSE_PREFIX + slug) or []],
                   comment=comment, metadata_extra=metadata)

    def to_data(self) -> Dict[str, Any]:
        """The structure Rasa reads (what a round trip must preserve)."""
        return yaml.safe_load(self.dump())

    def dump(self) -> str:
        out = ['version: "3.1"']
        out += [f"# {c}".rstrip() for c in self.comment]
        out += ["nlu:", f"  - intent: {self.intent}"]
        if self.source is not None or self.metadata_extra:
            out.append("    metadata:")
            if self.source is not None:
                out.append(f"      bron: {_dq(self.source)}")
            for key, value in self.metadata_extra.items():
                out.append(f"      {_key(key)}: {_flow(value)}")
        out.append("    examples: |")
        for example in self.examples:
            if "\n" in example or "\r" in example:
                raise TopicFormatError(f"faq/{self.slug}: een voorbeeldvraag mag geen regeleinde bevatten.")
            out.append(f"      - {example}")
        if self.responses:
            out += ["responses:", f"  {self.response_name}:"]
            for response in self.responses:
                out += _dump_response(response)
        return "\n".join(out) + "\n"


def _dump_response(response: Dict[str, Any]) -> List[str]:
    lines: List[str] = []
    keys = list(response)
    ordered = [k for k in ("text", "buttons") if k in response] + [k for k in keys if k not in ("text", "buttons")]
    for n, key in enumerate(ordered):
        lead = "    - " if n == 0 else "      "
        value = response[key]
        if key == "text":
            lines.append(f"{lead}text: {_dq(str(value))}")
        elif key == "buttons" and isinstance(value, list) and value and all(isinstance(b, dict) for b in value):
            lines.append(f"{lead}buttons:")
            for button in value:
                for m, (bkey, bvalue) in enumerate(_button_items(button)):
                    blead = "        - " if m == 0 else "          "
                    if bkey == "payload":
                        lines.append(f"{blead}payload: {_payload(str(bvalue))}")
                    elif isinstance(bvalue, str):
                        lines.append(f"{blead}{_key(bkey)}: {_dq(bvalue)}")
                    else:
                        lines.append(f"{blead}{_key(bkey)}: {_flow(bvalue)}")
        else:
            lines.append(f"{lead}{_key(key)}: {_flow(value)}")
    return lines


def _button_items(button: Dict[str, Any]) -> Iterator[Tuple[str, Any]]:
    for key in ("title", "payload"):
        if key in button:
            yield key, button[key]
    for key, value in button.items():
        if key not in ("title", "payload"):
            yield key, value


def _dq(value: str) -> str:
    """A YAML double-quoted scalar (JSON string syntax is valid YAML)."""
    return json.dumps(value, ensure_ascii=False).replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _payload(value: str) -> str:
    """Payloads with JSON inside are single-quoted, like the hand-written files."""
    if '"' in value and "\n" not in value:
        return "'" + value.replace("'", "''") + "'"
    return _dq(value)


def _key(key: Any) -> str:
    key = str(key)
    return key if re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", key) else _dq(key)


def _flow(value: Any) -> str:
    """Any other value as JSON flow style (valid YAML, preserved exactly)."""
    return json.dumps(value, ensure_ascii=False)


def topic_paths(root: Path = ROOT) -> List[Path]:
    return sorted((root / FAQ_DIR).glob("*.yml"))


def load_topics(root: Path = ROOT) -> List[Tuple[Path, TopicFile]]:
    return [(p, TopicFile.from_path(p)) for p in topic_paths(root)]


def load_titles(root: Path = ROOT) -> Dict[str, str]:
    path = root / TITLES_FILE
    if not path.exists():
        return {}
    with open(path, encoding="utf-8") as f:
        data = yaml.safe_load(f) or {}
    return {str(k): str(v) for k, v in (data.get("faq") or {}).items()}


def title_lines(root: Path = ROOT) -> Dict[str, int]:
    """Line of each topic's title in actions/topic_titles.yml."""
    path = root / TITLES_FILE
    if not path.exists():
        return {}
    doc, problem = read_yaml(path, root)
    if problem or not isinstance(doc, dict) or not isinstance(doc.get("faq"), dict):
        return {}
    return {str(k): _line(doc["faq"], key=k) for k in doc["faq"]}


def save_titles(titles: Dict[str, str], root: Path = ROOT) -> bool:
    """Update the faq titles in actions/topic_titles.yml, keeping its comments. True if changed."""
    path = root / TITLES_FILE
    rt = YAML(typ="rt")
    rt.width = 4096
    rt.indent(mapping=2, sequence=4, offset=2)
    rt.preserve_quotes = True
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
