"""Which model there is and which one runs: the content hash, the current model, the live one.

A model is stored as ``models/model-<hash>.tar.gz``; it is current when a file with the
hash of today's config, domain, training data and custom NLU code exists. Timestamps are
never used, so a fresh clone and a touched file behave the same.

The published (live) model is kept in models/live.json (not in git), written by
``make retrain`` and ``make rollback`` (editor/publish.py) and read by the run command:
    {"live": {...}, "previous": {...}, "history": [...]}
each entry: model (path), published_at, macro_f1, accuracy, report, published (bool).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional

ROOT = Path(__file__).resolve().parent.parent
MODELS_DIR = ROOT / "models"
SPACY_DIR = ROOT / "build" / "spacy_nl"
# the last measured training time; `make bench` copies it into results/ (runs leave git clean)
TRAINING_RECORD = ROOT / "build" / "training.json"
STATE_FILE = MODELS_DIR / "live.json"
HISTORY_LIMIT = 50

# Everything whose content changes what `rasa train` produces.
HASHED_PATHS = ["config.yml", "domain.yml", "data", "nlp", "safety", "lookup"]
HASHED_SUFFIXES = {".yml", ".yaml", ".py", ".csv", ".json"}
# What build/spacy_nl is built from (nlp/build_spacy_pipeline.py); its hash is kept beside it.
SPACY_INPUTS = ["data", "lookup", "nlp/build_spacy_pipeline.py", "nlp/gazetteer.py"]
SPACY_STAMP = "inputs.sha256"


def _files(paths: Iterable[str], root: Path) -> List[Path]:
    found: List[Path] = []
    for rel in paths:
        p = root / rel
        if p.is_file():
            found.append(p)
        elif p.is_dir():
            found.extend(
                f for f in p.rglob("*")
                if f.is_file() and f.suffix in HASHED_SUFFIXES and "__pycache__" not in f.parts
            )
    return sorted(found)


def content_hash(root: Path = ROOT, config: str = "config.yml") -> str:
    """Short sha256 over the paths and contents of the model's inputs."""
    digest = hashlib.sha256()
    paths = [config if p == "config.yml" else p for p in HASHED_PATHS]
    for f in _files(paths, root):
        digest.update(str(f.relative_to(root)).encode())
        digest.update(b"\0")
        digest.update(f.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:12]


def model_name(root: Path = ROOT, config: str = "config.yml") -> str:
    prefix = "model" if config == "config.yml" else Path(config).stem
    return f"{prefix}-{content_hash(root, config)}"


def current_model(root: Path = ROOT, config: str = "config.yml") -> Optional[Path]:
    path = root / "models" / f"{model_name(root, config)}.tar.gz"
    return path if path.exists() else None


def rasa_env() -> dict:
    """Environment for every Rasa process: offline, no telemetry, repeatable."""
    env = dict(os.environ)
    env.setdefault("RASA_TELEMETRY_ENABLED", "false")
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.setdefault("PYTHONHASHSEED", "0")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.setdefault("TF_DETERMINISTIC_OPS", "1")
    env.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    return env


def rasa_bin() -> str:
    return str(Path(sys.executable).parent / "rasa")


def spacy_inputs_hash(root: Path = ROOT) -> str:
    """Short sha256 over what the spaCy pipeline is built from: the place data and name code,
    and the training data (its words are never read as a village)."""
    digest = hashlib.sha256()
    for f in _files(SPACY_INPUTS, root):
        digest.update(str(f.relative_to(root)).encode() + b"\0" + f.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def ensure_spacy_pipeline() -> None:
    """Build the offline spaCy pipeline (derived, not committed) when it is missing or was built
    from other inputs: the Rasa server loads it from build/, so a pipeline left from before a
    change of the place data would not know a new place."""
    stamp = SPACY_DIR / SPACY_STAMP
    wanted = spacy_inputs_hash()
    if (SPACY_DIR / "meta.json").exists() and stamp.exists() and stamp.read_text().strip() == wanted:
        return
    subprocess.run([sys.executable, "-m", "nlp.build_spacy_pipeline", str(SPACY_DIR)],
                   cwd=ROOT, env=rasa_env(), check=True)
    stamp.write_text(wanted + "\n")


def train_if_needed(config: str = "config.yml", data: str = "data", force: bool = False) -> Path:
    """Train when no model matches the current content hash; return the model path."""
    ensure_spacy_pipeline()
    existing = current_model(ROOT, config)
    if existing and not force:
        print(f"Model is current: {existing.relative_to(ROOT)}", flush=True)
        return existing
    name = model_name(ROOT, config)
    print(f"Training {name} (data or config changed) ...", flush=True)
    started = time.monotonic()
    subprocess.run(
        [rasa_bin(), "train", "--config", config, "--domain", "domain.yml", "--data", data,
         "--out", "models", "--fixed-model-name", name],
        cwd=ROOT, env=rasa_env(), check=True,
    )
    seconds = time.monotonic() - started
    print(f"Trained in {seconds:.0f} s", flush=True)
    _record_training(name, seconds)
    path = ROOT / "models" / f"{name}.tar.gz"
    if not path.exists():
        raise SystemExit(f"Training finished but {path} is missing")
    return path


def _record_training(name: str, seconds: float) -> None:
    """Keep the last measured training time, for `make bench` to put in results/."""
    import platform
    out = TRAINING_RECORD
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({
        "model": name, "train_seconds": round(seconds, 1),
        "date": time.strftime("%Y-%m-%d %H:%M:%S"), "machine": platform.platform(),
        "cpus": os.cpu_count(), "command": "python -m ops.model_state (rasa train)",
    }, indent=1), encoding="utf-8")


# --- the published model: models/live.json -------------------------------------------------


def _store_path(model: Path) -> str:
    """How a model is named in the ledger: relative to the checkout when inside it."""
    model = Path(model).resolve()
    try:
        return str(model.relative_to(ROOT))
    except ValueError:
        return str(model)


def resolve_model(path: str) -> Path:
    p = Path(path)
    return p if p.is_absolute() else ROOT / p


def load_state(path: Path = STATE_FILE) -> Dict[str, Any]:
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    return {"live": None, "previous": None, "history": []}


def save_state(state: Dict[str, Any], path: Path = STATE_FILE) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(state, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(path)


def live_model_path(path: Path = STATE_FILE) -> Optional[Path]:
    """The model that should be served, according to models/live.json (None when unknown)."""
    live = load_state(path).get("live")
    if live and resolve_model(live["model"]).exists():
        return resolve_model(live["model"])
    return None


def _entry(model: Path, scores: Optional[Dict[str, Any]] = None, report: Optional[str] = None,
           published: bool = True, action: str = "publish") -> Dict[str, Any]:
    entry: Dict[str, Any] = {"model": _store_path(model),
                             "published_at": dt.datetime.now().isoformat(timespec="seconds"),
                             "published": published, "action": action}
    entry.update(scores or {})
    if report:
        entry["report"] = report
    return entry


def record_live(model: Path, scores: Optional[Dict[str, Any]] = None, report: Optional[str] = None,
                published: bool = True, state_file: Path = STATE_FILE) -> Dict[str, Any]:
    """Make ``model`` the live one in the state file; the old live becomes ``previous``."""
    state = load_state(state_file)
    current = state.get("live")
    if current and current.get("model") != _store_path(model):
        state["previous"] = current
    state["live"] = _entry(model, scores, report, published)
    state.setdefault("history", []).append(state["live"])
    state["history"] = state["history"][-HISTORY_LIMIT:]
    save_state(state, state_file)
    return state


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Train the model when its inputs changed.")
    parser.add_argument("--config", default="config.yml")
    parser.add_argument("--force", action="store_true")
    parser.add_argument("--print-path", action="store_true", help="only print the current model path")
    args = parser.parse_args()
    if args.print_path:
        model = current_model(ROOT, args.config)
        if not model:
            raise SystemExit("no current model; run: python -m ops.model_state")
        print(model)
    else:
        train_if_needed(args.config, force=args.force)
