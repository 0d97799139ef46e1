"""The editor format of one FAQ topic file (data/faq/<slug>.yml): read it and write it back.

A topic file holds the example questions, the source (``metadata: bron:``) and the answer
``utter_faq/<slug>`` together. ``TopicFile.dump`` writes it in the same readable layout as the
hand-written files (PyYAML reads, a small emitter writes), so a spreadsheet round trip leaves
the files unchanged. The line-numbered view for the validator is editor/content.py.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

import yaml

from editor.settings import ROOT

FAQ_DIR = "data/faq"
FAQ_PREFIX = "faq/"
RESPONSE_PREFIX = "utter_faq/"
SLUG = re.compile(r"^[a-z0-9][a-z0-9_]*$")


def parse_examples(block: Any) -> List[str]:
    """The examples of a multi-line ``examples: |`` block, exactly as Rasa reads them."""
    found = []
    for line in str(block).splitlines():
        if line.startswith("-"):
            found.append(line[1:].strip("\n\r "))
    return found



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
                out.append(f"      bron: {double_quoted(self.source)}")
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
            lines.append(f"{lead}text: {double_quoted(str(value))}")
        elif key == "buttons" and isinstance(value, list) and value and all(isinstance(b, dict) for b in value):
            lines.append(f"{lead}buttons:")
            for button in value:
                for m, (bkey, bvalue) in enumerate(_button_items(button)):
                    blead = "        - " if m == 0 else "          "
                    if bkey == "payload":
                        lines.append(f"{blead}payload: {_payload(str(bvalue))}")
                    elif isinstance(bvalue, str):
                        lines.append(f"{blead}{_key(bkey)}: {double_quoted(bvalue)}")
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


def double_quoted(value: str) -> str:
    """A YAML double-quoted scalar (JSON string syntax is valid YAML)."""
    return json.dumps(value, ensure_ascii=False).replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _payload(value: str) -> str:
    """Payloads with JSON inside are single-quoted, like the hand-written files."""
    if '"' in value and "\n" not in value:
        return "'" + value.replace("'", "''") + "'"
    return double_quoted(value)


def _key(key: Any) -> str:
    key = str(key)
    return key if re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", key) else double_quoted(key)


def _flow(value: Any) -> str:
    """Any other value as JSON flow style (valid YAML, preserved exactly)."""
    return json.dumps(value, ensure_ascii=False)


def topic_paths(root: Path = ROOT) -> List[Path]:
    return sorted((root / FAQ_DIR).glob("*.yml"))


def load_topics(root: Path = ROOT) -> List[Tuple[Path, TopicFile]]:
    return [(p, TopicFile.from_path(p)) for p in topic_paths(root)]
