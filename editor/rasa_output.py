"""Run `rasa data validate` and translate what it says into Dutch ``file:line`` problems.

Rasa reports content problems as log lines and UserWarnings in English; the editors get each
as a ``Problem`` (warnings stay warnings), located in the file and line it is about where the
message names one. Used by editor/validate.py (rule ``rasa``).
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from editor.content import Problem
from editor.settings import ROOT


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
        tail = [line for line in output.splitlines() if line.strip()][-3:]
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
            if file and needle:
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
