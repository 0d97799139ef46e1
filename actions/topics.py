"""Button titles for topics and intents, read once from topic_titles.yml."""
from __future__ import annotations

import functools
from pathlib import Path
from typing import Dict, Optional

import yaml

TITLES_FILE = Path(__file__).with_name("topic_titles.yml")
MAX_TITLE = 20


@functools.lru_cache(maxsize=1)
def _titles() -> Dict[str, Dict[str, str]]:
    with open(TITLES_FILE, encoding="utf-8") as f:
        return yaml.safe_load(f)


def humanise(slug: str) -> str:
    text = slug.replace("_", " ").strip()
    return (text[:1].upper() + text[1:])[:MAX_TITLE]


def topic_title(topic: str) -> str:
    return _titles().get("faq", {}).get(topic) or humanise(topic)


def intent_title(intent: str) -> Optional[str]:
    """Title for a non-FAQ intent that is worth offering as a button, else None."""
    return _titles().get("intents", {}).get(intent)
