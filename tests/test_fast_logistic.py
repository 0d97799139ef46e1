"""BlockLogisticRegression fits the model scikit-learn's own lbfgs fits (nlp/fast_logistic.py)."""
from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse
from sklearn.linear_model import LogisticRegression

from nlp.fast_logistic import BlockLogisticRegression, split_columns


def _features(seed: int, rows: int = 300) -> tuple:
    """Sparse n-gram-like columns beside dense embedding-like columns, and four uneven labels."""
    random = np.random.default_rng(seed)
    scattered = sparse.random(rows, 400, density=0.02, random_state=seed, format="csr")
    dense = random.normal(size=(rows, 24))
    X = sparse.hstack([scattered, sparse.csr_matrix(dense)]).tocsr()
    labels = random.choice(["acute", "violence", "exhausted", "none"], size=rows, p=[0.1, 0.15, 0.15, 0.6])
    return X, labels


def test_dense_columns_are_found_and_kept_in_order() -> None:
    X, _ = _features(1)
    scattered, block, order = split_columns(X)
    assert block.shape == (300, 24) and scattered.shape == (300, 400)
    assert list(order[-24:]) == list(range(400, 424))
    assert np.allclose(block, X[:, 400:].toarray())


@pytest.mark.parametrize("class_weight", [None, "balanced"])
def test_the_same_model_as_scikit_learn(class_weight) -> None:
    X, labels = _features(7)
    settings = dict(C=30.0, max_iter=5000, random_state=42, class_weight=class_weight)
    ours = BlockLogisticRegression(**settings).fit(X, labels)
    theirs = LogisticRegression(**settings).fit(X, labels)
    assert list(ours.classes_) == list(theirs.classes_)
    assert np.abs(ours.coef_ - theirs.coef_).max() < 1e-3 * np.abs(theirs.coef_).max()
    assert np.abs(ours.intercept_ - theirs.intercept_).max() < 1e-3 * np.abs(theirs.intercept_).max() + 1e-6
    assert np.abs(ours.predict_proba(X) - theirs.predict_proba(X)).max() < 1e-4
    assert ours.n_iter_[0] > 1


def test_two_labels_are_left_to_scikit_learn() -> None:
    X, labels = _features(3)
    binary = np.where(labels == "none", "none", "danger")
    ours = BlockLogisticRegression(C=10.0, max_iter=5000).fit(X, binary)
    theirs = LogisticRegression(C=10.0, max_iter=5000).fit(X, binary)
    assert ours.coef_.shape == (1, 424)
    assert np.allclose(ours.coef_, theirs.coef_)
