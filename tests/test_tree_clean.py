"""A test run leaves the checkout as it found it: figures, databases and scratch files go to
ignored places (build/, tests/artifacts/, a temporary directory); only `make bench` writes results/."""
from __future__ import annotations

import pytest

from tests.conftest import TREE_AT_START, git_status


@pytest.mark.last
def test_the_test_run_leaves_git_status_as_it_found_it(request: pytest.FixtureRequest) -> None:
    before = request.config.stash[TREE_AT_START]
    after = git_status()
    if before is None or after is None:
        pytest.skip("not a git checkout")
    assert sorted(set(after) - set(before)) == [], "the test run changed or left files in the checkout"
