"""Shared fixtures: the real assistant (action server + Rasa server) on loopback."""
from __future__ import annotations

import os
import secrets
import subprocess
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, List, Optional

import pytest

from ops.model_state import ROOT, current_model
from ops.stack import Stack, free_port
from tests.fakes import FakeGraphAPI, FakeTwilioAPI, channel_env

ARTIFACTS = ROOT / "tests" / "artifacts"
AXE = ROOT / "tests" / "vendor" / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"  # Debian's chromium (scripts/install_test_deps.sh), driven by Playwright
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TREE_AT_START = pytest.StashKey[Optional[List[str]]]()


def git_status() -> Optional[List[str]]:
    """``git status --porcelain`` lines of the checkout (None outside a git checkout)."""
    try:
        done = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=ROOT,
                              capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.splitlines() if done.returncode == 0 else None


def pytest_sessionstart(session: pytest.Session) -> None:
    session.config.stash[TREE_AT_START] = git_status()


def pytest_collection_modifyitems(items: List[pytest.Item]) -> None:
    """Tests marked ``last`` run after all others (the clean-tree check sees the whole run)."""
    items.sort(key=lambda item: item.get_closest_marker("last") is not None)

# One channel secret (channels.pseudonym) for this test process and every server it starts,
# as on replicas that share it: Redis keys and signed web-chat session ids agree.
os.environ.setdefault("CHANNEL_SECRET", secrets.token_urlsafe(24))


def require_model() -> Path:
    model = current_model()
    if model is None:
        pytest.fail("No current model. Run the test command (bash scripts/test.sh), which trains first.")
    return model


@pytest.fixture(scope="session")
def model_path() -> Path:
    return require_model()


@pytest.fixture(scope="session")
def fake_graph() -> Iterator[FakeGraphAPI]:
    """Fake Meta Graph API on loopback; the stack's WhatsApp Cloud channel sends here."""
    with FakeGraphAPI() as fake:
        yield fake


@pytest.fixture(scope="session")
def fake_twilio() -> Iterator[FakeTwilioAPI]:
    """Fake Twilio API on loopback; the stack's Twilio WhatsApp channel sends here."""
    with FakeTwilioAPI() as fake:
        yield fake


@contextmanager
def _running_stack(model_path: Path, workdir: Path, fake_graph: FakeGraphAPI,
                   fake_twilio: FakeTwilioAPI, **settings: str) -> Iterator[Stack]:
    """A started stack whose channels talk to the fake APIs; stopped afterwards."""
    running = Stack(model=model_path, workdir=workdir, **settings)
    # channel secrets are test values; the fake APIs' URLs replace Meta's and Twilio's
    running.env = {**channel_env(fake_graph, fake_twilio, running.rasa_url), **_stack_env()}
    try:
        running.start()
        yield running
    finally:
        running.stop()


# The demo page's port in the browser tests: the shared stack allows only this page's origin
# (as the run command does), so the browser tests open the web chat the way a resident does.
WEB_PORT = free_port()
WEB_ORIGINS = f"http://localhost:{WEB_PORT} http://127.0.0.1:{WEB_PORT}"


@pytest.fixture(scope="session")
def stack(model_path: Path, tmp_path_factory: pytest.TempPathFactory,
          fake_graph: FakeGraphAPI, fake_twilio: FakeTwilioAPI) -> Iterator[Stack]:
    """One running stack for the whole test session; tests use distinct sender ids."""
    with _running_stack(model_path, tmp_path_factory.mktemp("stack"), fake_graph, fake_twilio,
                        cors=WEB_ORIGINS) as running:
        yield running


ALLOWED_ORIGIN = "http://allowed.example"


@pytest.fixture(scope="session")
def second_stack(model_path: Path, tmp_path_factory: pytest.TempPathFactory,
                 fake_graph: FakeGraphAPI, fake_twilio: FakeTwilioAPI) -> Iterator[Stack]:
    """A second running stack, for tests that stop and restart its servers (so the shared
    ``stack`` is never disturbed) or need other settings: CORS allows only ALLOWED_ORIGIN.
    Tests that stop a server must start it again before they end."""
    with _running_stack(model_path, tmp_path_factory.mktemp("second-stack"), fake_graph, fake_twilio,
                        cors=ALLOWED_ORIGIN) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's headless Chromium through Playwright, one per test module (the page tests)."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: run bash scripts/install_test_deps.sh")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def action_server_down(second_stack: Stack) -> Iterator[Stack]:
    """The second stack with its action server stopped; started again afterwards."""
    second_stack.stop_action_server()
    try:
        yield second_stack
    finally:
        if second_stack.action_proc is None:
            second_stack.start_action_server()


def _stack_env() -> dict:
    """Extra environment for the stack under test (channel secrets are test values)."""
    env = {key: value for key, value in os.environ.items() if key.startswith("TEST_STACK_")}
    return env
