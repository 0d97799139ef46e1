"""The studio's only door into editor/ (and ops/): reading, checking and writing topics,
training, publishing and rolling back with the same code as the terminal route.

Every import from ``editor`` or ``ops`` lives in this module, so when editor/ is split or
renamed, this is the one file to adapt. The views never import editor/ themselves.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

from editor import publish as _publish
from editor.content import (FAQ_DIR, FAQ_PREFIX, SLUG, TITLES_FILE, Corpus, Problem, TopicFile,
                            TopicFormatError, _load_data_file, data_files, load_corpus, load_titles,
                            save_titles)
from editor.readability import measure
from editor.settings import ROOT, load_settings, rasa_token, rasa_url
from editor.validate import (MAX_TITLE, check_duplicates, check_heldout, check_readability,
                             check_references, check_topics, parse_payload)
from ops.model_state import rasa_env

HELDOUT_DIR = "tests/nlu/heldout"
RETRAIN_STEPS = 6


# --- reading topics ------------------------------------------------------------------------

@dataclass
class SourceRow:
    title: str
    url: str = ""


@dataclass
class ButtonRow:
    title: str
    payload: str


@dataclass
class TopicDraft:
    """A topic as the editor sees it in the form (one answer, its buttons, sources as rows)."""

    slug: str
    title: str = ""
    examples: List[str] = field(default_factory=list)
    answer: str = ""
    sources: List[SourceRow] = field(default_factory=list)
    buttons: List[ButtonRow] = field(default_factory=list)
    exists: bool = False


@dataclass
class TopicSummary:
    slug: str
    title: str
    examples: int
    changed: dt.datetime
    text: str = ""  # examples and answers, for searching

    def matches(self, query: str) -> bool:
        q = query.casefold()
        return q in self.slug.casefold() or q in self.title.casefold() or q in self.text.casefold()


def topic_path(slug: str) -> Path:
    return ROOT / FAQ_DIR / f"{slug}.yml"


def topic_exists(slug: str) -> bool:
    return topic_path(slug).exists()


def valid_slug(slug: str) -> bool:
    return bool(SLUG.match(slug)) and len(slug) <= 60


def list_topics() -> List[TopicSummary]:
    titles = load_titles(ROOT)
    found = []
    for path in sorted((ROOT / FAQ_DIR).glob("*.yml")):
        try:
            topic = TopicFile.from_path(path)
            count = len(topic.examples)
            text = "\n".join(topic.examples + [str(r.get("text") or "") for r in topic.responses])
        except Exception:  # noqa: BLE001 - a broken file is listed, not fatal
            count, text = 0, ""
        changed = dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.timezone.utc)
        found.append(TopicSummary(path.stem, titles.get(path.stem, ""), count, changed, text))
    return found


def split_sources(bron: Optional[str]) -> List[SourceRow]:
    rows = []
    for part in (bron or "").split(";"):
        part = part.strip()
        if not part:
            continue
        at = part.find("https://")
        if at > 0:
            rows.append(SourceRow(part[:at].strip().rstrip("—–-:").strip(), part[at:].strip()))
        elif at == 0:
            rows.append(SourceRow("", part))
        else:
            rows.append(SourceRow(part, ""))
    return rows


def join_sources(rows: List[SourceRow]) -> str:
    parts = []
    for row in rows:
        title, url = row.title.strip(), row.url.strip()
        if title and url:
            parts.append(f"{title} — {url}")
        elif title or url:
            parts.append(title or url)
    return "; ".join(parts)


def read_topic(slug: str) -> TopicDraft:
    path = topic_path(slug)
    draft = TopicDraft(slug=slug, title=load_titles(ROOT).get(slug, ""))
    if not path.exists():
        return draft
    topic = TopicFile.from_path(path)
    first = topic.responses[0] if topic.responses else {}
    draft.exists = True
    draft.examples = list(topic.examples)
    draft.answer = str(first.get("text") or "")
    draft.sources = split_sources(topic.source)
    draft.buttons = [ButtonRow(str(b.get("title", "")), str(b.get("payload", "")))
                     for b in first.get("buttons") or [] if isinstance(b, dict)]
    return draft


def topic_file_from_draft(draft: TopicDraft) -> TopicFile:
    """The file for ``draft``; what the form does not show (comments, other variations,
    other metadata, an unchanged source's exact wording) is kept from the file on disk."""
    path = topic_path(draft.slug)
    if path.exists():
        topic = TopicFile.from_path(path)
    else:
        topic = TopicFile(slug=draft.slug, comment=[f"Onderwerp: {draft.title}"] if draft.title else [])
    topic.examples = [e for e in (x.strip() for x in draft.examples) if e]
    if split_sources(topic.source) != [SourceRow(r.title.strip(), r.url.strip()) for r in draft.sources
                                       if r.title.strip() or r.url.strip()]:
        topic.source = join_sources(draft.sources)
    first = dict(topic.responses[0]) if topic.responses else {}
    first["text"] = draft.answer.strip()
    buttons = [{"title": b.title.strip(), "payload": b.payload.strip()} for b in draft.buttons
               if b.title.strip() and b.payload.strip()]
    if buttons:
        first["buttons"] = buttons
    else:
        first.pop("buttons", None)
    topic.responses = [first] + list(topic.responses[1:])
    return topic


def button_targets() -> List[Tuple[str, str]]:
    """(payload, label) for the button menu: every topic, plus other payloads in use."""
    titles = load_titles(ROOT)
    targets = [(f'/choose_topic{{{{"topic":"{slug}"}}}}', f"Onderwerp: {titles.get(slug) or slug}")
               for slug in sorted(t.slug for t in list_topics())]
    seen = {p for p, _ in targets}
    for path in sorted((ROOT / FAQ_DIR).glob("*.yml")):
        for payload in re.findall(r"payload:\s*['\"]?(/[a-z_]+)['\"]?\s*$", path.read_text(encoding="utf-8"), re.M):
            if payload not in seen:
                seen.add(payload)
                targets.append((payload, f"Actie: {payload[1:]}"))
    return targets


def button_label(payload: str) -> str:
    parsed = parse_payload(payload)
    if parsed and parsed[1].get("topic"):
        return str(parsed[1]["topic"])
    return payload


# --- checking a draft with validate's own rules ------------------------------------------------

_corpus_cache: Dict[str, Any] = {"key": None, "corpus": None}
_cache_lock = threading.Lock()


def _current_corpus() -> Corpus:
    files = data_files(ROOT) + [ROOT / "domain.yml"]
    key = tuple((str(p), p.stat().st_mtime_ns) for p in files if p.exists())
    with _cache_lock:
        if _corpus_cache["key"] != key:
            _corpus_cache.update(key=key, corpus=load_corpus(ROOT))
        return _corpus_cache["corpus"]


def _corpus_with(topic: Optional[TopicFile], slug: str) -> Corpus:
    """The repository's corpus with the file of ``slug`` replaced by ``topic`` (None = removed)."""
    base = _current_corpus()
    rel = f"{FAQ_DIR}/{slug}.yml"
    merged = Corpus(root=ROOT,
                    intents=[b for b in base.intents if b.path != rel],
                    responses=[r for r in base.responses if r.path != rel],
                    steps=[s for s in base.steps if s.path != rel],
                    domain_intents=base.domain_intents, domain_actions=base.domain_actions,
                    domain_forms=base.domain_forms,
                    problems=[p for p in base.problems if p.path != rel],
                    files=[f for f in base.files if f != rel])
    if topic is None:
        return merged
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / FAQ_DIR / f"{slug}.yml"
        path.parent.mkdir(parents=True)
        path.write_text(topic.dump(), encoding="utf-8")
        draft = Corpus(root=Path(tmp))
        _load_data_file(draft, path)
    merged.intents += draft.intents
    merged.responses += draft.responses
    merged.steps += draft.steps
    merged.problems += draft.problems
    merged.files.append(rel)
    return merged


@dataclass
class Feedback:
    problems: List[Problem]
    words: int = 0
    reading_ease: float = 0.0
    long_words: List[str] = field(default_factory=list)

    @property
    def errors(self) -> List[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    def to_dict(self) -> Dict[str, Any]:
        settings = load_settings().get("readability", {})
        return {"problems": [{"severity": p.severity, "rule": p.rule, "message": p.message}
                             for p in self.problems],
                "words": self.words, "max_words": int(settings.get("max_answer_words", 80)),
                "reading_ease": round(self.reading_ease),
                "min_reading_ease": float(settings.get("min_flesch_douma", 60)),
                "errors": len(self.errors)}


def check_draft(draft: TopicDraft) -> Feedback:
    """What ``make validate`` would say about this topic if it were saved as in the form."""
    settings = load_settings()
    problems: List[Problem] = []
    rel = f"{FAQ_DIR}/{draft.slug}.yml"
    if not valid_slug(draft.slug):
        problems.append(Problem(rel, 1, "de naam mag alleen kleine letters, cijfers en '_' bevatten.", "filename"))
        return Feedback(problems)
    try:
        topic = topic_file_from_draft(draft)
        topic.dump()
    except TopicFormatError as e:
        return Feedback([Problem(rel, 1, str(e), "yaml")])
    corpus = _corpus_with(topic, draft.slug)
    found = (corpus.problems + check_topics(corpus, settings) + check_duplicates(corpus)
             + check_heldout(corpus, ROOT / settings.get("evaluation", {}).get("heldout_dir", HELDOUT_DIR))
             + check_readability(corpus, settings) + check_references(corpus, ROOT))
    problems += [p for p in found if p.path == rel and p.rule != "title"]
    title = draft.title.strip()
    if not title:
        problems.append(Problem(TITLES_FILE, 1, "geef het onderwerp een korte titel (voor de knoppen).", "title"))
    elif len(title) > MAX_TITLE:
        problems.append(Problem(TITLES_FILE, 1, f"de korte titel is {len(title)} tekens; maximaal {MAX_TITLE}, "
                                "anders past hij niet op een knop.", "title", "warning"))
    cfg = settings.get("readability", {})
    m = measure(draft.answer, int(cfg.get("long_word_letters", 13)), cfg.get("allowed_long_words") or [])
    unique: Dict[Tuple[str, str], Problem] = {}
    for p in problems:
        unique.setdefault((p.rule, p.message), p)
    ordered = sorted(unique.values(), key=lambda p: (p.severity != "error", p.rule))
    return Feedback(ordered, m.words, m.flesch_douma, list(m.long_words))


# --- writing --------------------------------------------------------------------------------

# One writer at a time: topic files and actions/topic_titles.yml are read, changed and written
# back, and the studio serves several requests at once.
write_lock = threading.RLock()

def _read(rel: str) -> Optional[str]:
    path = ROOT / rel
    return path.read_text(encoding="utf-8") if path.exists() else None


def _write(rel: str, text: Optional[str]) -> None:
    path = ROOT / rel
    if text is None:
        if path.exists():
            path.unlink()
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def files_of(slug: str) -> List[str]:
    """The files that make up one topic (its FAQ file and its held-out test questions)."""
    return [f"{FAQ_DIR}/{slug}.yml", f"{HELDOUT_DIR}/{slug}.yml"]


def snapshot(slug: str) -> Dict[str, Any]:
    """The topic's files and short title as they are now (for history and undo)."""
    return {"files": {rel: _read(rel) for rel in files_of(slug)}, "title": load_titles(ROOT).get(slug)}


def restore(slug: str, state: Dict[str, Any]) -> None:
    """Put a snapshot back: files written or removed, the short title set or removed."""
    with write_lock:
        for rel, text in state["files"].items():
            _write(rel, text)
        _set_title(slug, state.get("title"))


def _set_title(slug: str, title: Optional[str]) -> None:
    if title:
        save_titles({slug: title}, ROOT)
        return
    path = ROOT / TITLES_FILE
    text = path.read_text(encoding="utf-8")
    kept = [line for line in text.splitlines(keepends=True)
            if not re.match(rf"^\s+{re.escape(slug)}\s*:", line)]
    if len(kept) != len(text.splitlines(keepends=True)):
        path.write_text("".join(kept), encoding="utf-8")


def save_topic(draft: TopicDraft) -> None:
    """Write data/faq/<slug>.yml (and the short title), the same format as the terminal route."""
    with write_lock:
        topic = topic_file_from_draft(draft)
        _write(f"{FAQ_DIR}/{draft.slug}.yml", topic.dump())
        _set_title(draft.slug, draft.title.strip())


def removal_problems(slug: str) -> List[Problem]:
    """Errors the content would have without this topic (e.g. buttons that point to it)."""
    corpus = _corpus_with(None, slug)
    return [p for p in check_references(corpus, ROOT) if p.severity == "error" and p.rule == "ref-topic"]


def remove_topic(slug: str) -> None:
    with write_lock:
        for rel in files_of(slug):
            _write(rel, None)
        _set_title(slug, None)


# --- training, publishing, rollback -----------------------------------------------------------

def component_count() -> int:
    """How many components the training runs (pipeline and policies in config.yml)."""
    import yaml
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8")) or {}
    return max(1, len(config.get("pipeline") or []) + len(config.get("policies") or []))


_STEP = re.compile(r"=== Stap (\d+)/(\d+): (.*?) ===")
_COMPONENT_DONE = re.compile(r"Finished training component '")
_REPORT = re.compile(r"^Rapport: (\S+)")
_NEW_MODEL = re.compile(r"^Nieuw model \((\S+)\): (.*)$")


@dataclass
class RetrainProgress:
    """What the output of ``python -m editor.retrain`` says so far."""

    step: int = 0
    step_text: str = ""
    components_done: int = 0
    components_total: int = 1
    model: str = ""
    report: str = ""

    def percent(self) -> int:
        """Steps 1, 3-6 are short; training (step 2) is most of the time: 5 % … 75 %."""
        if self.step <= 1:
            return 2 if self.step == 1 else 0
        if self.step == 2:
            return 5 + int(70 * min(1.0, self.components_done / self.components_total))
        return {3: 78, 4: 88, 5: 94, 6: 98}.get(self.step, 99)

    def feed(self, line: str) -> None:
        match = _STEP.search(line)
        if match:
            # the terminal's "(de voortgang staat hieronder)" means nothing on the page
            self.step, self.step_text = int(match.group(1)), re.sub(r"\s*\(.*\)\s*$", "", match.group(3))
        if _COMPONENT_DONE.search(line):
            self.components_done += 1
        match = _REPORT.match(line.strip())
        if match:
            self.report = match.group(1)
        match = _NEW_MODEL.match(line.strip())
        if match:
            self.model = match.group(1)


def start_retrain() -> subprocess.Popen:
    """The real retrain command, without publishing (publishing is the beheerder's button)."""
    env = rasa_env()
    env["PYTHONUNBUFFERED"] = "1"
    return subprocess.Popen([sys.executable, "-m", "editor.retrain", "--no-publish"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1,
                            errors="replace")


def output_lines(proc: subprocess.Popen) -> Iterator[str]:
    """Lines of the process output; progress bars that redraw with '\\r' count as lines."""
    assert proc.stdout is not None
    buffer = ""
    while True:
        chunk = proc.stdout.read(256)
        if not chunk:
            break
        buffer += chunk
        parts = re.split(r"[\r\n]", buffer)
        buffer = parts.pop()
        yield from (p for p in parts if p.strip())
    if buffer.strip():
        yield buffer


def report_results(report: str) -> Dict[str, Any]:
    """results.json beside the report's index.html (scores, gate decision, per topic)."""
    if not report:
        return {}
    path = (ROOT / report).parent / "results.json"
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def report_path(report: str) -> Optional[Path]:
    """The report file, only inside reports/ (never another path from the database)."""
    if not report:
        return None
    path = (ROOT / report).resolve()
    base = (ROOT / "reports").resolve()
    return path if base in path.parents and path.is_file() else None


def live_state() -> Dict[str, Any]:
    return _publish.load_state()


def live_model_name() -> str:
    live = live_state().get("live") or {}
    return Path(str(live.get("model") or "")).name


class PublishFailed(RuntimeError):
    pass


def publish_model(model: str, scores: Dict[str, Any], report: str) -> Dict[str, Any]:
    """Hot-swap an approved model into the running assistant and record it as live."""
    try:
        return _publish.publish(_publish.resolve_model(model), rasa_url(), rasa_token(), scores=scores,
                                report=report)
    except _publish.PublishError as e:
        raise PublishFailed(str(e)) from e


def published_versions() -> List[Dict[str, Any]]:
    """Every publication and rollback in models/live.json, newest first, with whether its
    model file still exists (only those can be put back)."""
    versions = []
    for entry in reversed(live_state().get("history") or []):
        versions.append({**entry, "available": _publish.resolve_model(str(entry.get("model"))).exists()})
    return versions


def restore_version(model: str, user: str) -> Dict[str, Any]:
    """Put an earlier published model back (it passed the gate when it was published)."""
    entry = next((e for e in reversed(live_state().get("history") or []) if e.get("model") == model), None)
    if entry is None:
        raise PublishFailed("Dit model staat niet in de lijst van gepubliceerde modellen.")
    path = _publish.resolve_model(model)
    if not path.exists():
        raise PublishFailed(f"Het modelbestand {model} bestaat niet meer.")
    extra = {k: entry[k] for k in ("macro_f1", "accuracy") if k in entry}
    extra.update(action="rollback", published_by=user)
    return publish_model(model, extra, str(entry.get("report") or ""))


def rollback() -> Dict[str, Any]:
    try:
        return _publish.rollback(rasa_url(), rasa_token())
    except _publish.PublishError as e:
        raise PublishFailed(str(e)) from e


def assistant_url() -> str:
    return rasa_url()


def content_root() -> Path:
    return ROOT



# --- the inbox: what the assistant did not understand -------------------------------------------

def tracker_database() -> str:
    """SQLAlchemy URL of the tracker store: STUDIO_TRACKER_URL, else the tracker store in
    STUDIO_TRACKER_ENDPOINTS (an endpoints file), else the one in endpoints.yml."""
    from editor.unrecognised import database_url
    if os.environ.get("STUDIO_TRACKER_URL"):
        return os.environ["STUDIO_TRACKER_URL"]
    return database_url(endpoints=os.environ.get("STUDIO_TRACKER_ENDPOINTS") or None)


def unrecognised(days: float) -> List[Any]:
    """Fallback and low-confidence questions, redacted and counted, as `make unrecognised`."""
    from editor.unrecognised import collect, known_examples
    threshold = float(load_settings().get("unrecognised", {}).get("confidence_threshold", 0.6))
    try:
        return collect(tracker_database(), days, threshold, known_examples(ROOT))
    except Exception as e:  # noqa: BLE001 - e.g. no tracker store yet: an empty inbox, said plainly
        if "no such table" in str(e):
            return []
        raise


def question_key(text: str) -> str:
    """The comparison key of a question (editor.content.example_key): case, spaces and end punctuation ignored."""
    from editor.content import example_key
    return example_key(text)


# --- try it: the live and the draft model side by side ----------------------------------------------

TRY_SENDER = "studio-probeer-"
_draft_agent: Dict[str, Any] = {"path": None, "agent": None}
_draft_lock = threading.Lock()


def live_parse(text: str) -> Tuple[str, float]:
    """Topic and confidence the running assistant's model gives (HTTP API, with token)."""
    import requests
    from editor.evaluate import label_of
    response = requests.post(f"{rasa_url().rstrip('/')}/model/parse", params={"token": rasa_token() or ""},
                             json={"text": text}, timeout=30)
    response.raise_for_status()
    return label_of(response.json())


def live_answer(text: str, sender: str) -> List[Dict[str, Any]]:
    """What a resident gets: the message sent over the REST channel like the web chat does.
    The sender id starts with TRY_SENDER, so the inbox leaves these tries out."""
    import requests
    response = requests.post(f"{rasa_url().rstrip('/')}/webhooks/rest/webhook",
                             json={"sender": sender, "message": text}, timeout=60)
    response.raise_for_status()
    return response.json()


def draft_model() -> Optional[Path]:
    """The model trained from the current content, when it is not the live one."""
    from ops.model_state import current_model
    model = current_model(ROOT)
    if model is None or model.name == live_model_name():
        return None
    return model


def draft_parse(model: Path, text: str) -> Tuple[str, float]:
    """Topic and confidence of a model that is not live (loaded once, kept in memory)."""
    from editor.evaluate import label_of, load_agent, parse_texts
    with _draft_lock:
        if _draft_agent["path"] != str(model):
            _draft_agent.update(path=None, agent=None)
            _draft_agent.update(path=str(model), agent=load_agent(model))
        return label_of(parse_texts(_draft_agent["agent"], [text])[0])


def content_answer(label: str) -> Optional[TopicDraft]:
    """The topic's answer as it is in the files now (what the draft model would give)."""
    if not label.startswith(FAQ_PREFIX):
        return None
    slug = label[len(FAQ_PREFIX):]
    return read_topic(slug) if valid_slug(slug) and topic_exists(slug) else None
