"""The demo gemeente page and its chat widget in Debian's headless Chromium (Playwright),
against the running stack: ask, see the Dutch answer, click a button, reload and keep the
conversation, escaping both ways, keyboard only, and an axe-core WCAG 2.1 AA scan.
A screenshot is kept in tests/artifacts/ (git-ignored).

The static server's own behaviour (config.js, CSP, what it refuses to serve) is tested
without a browser at the bottom.
"""
from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
from typing import Iterator, List, Tuple

import pytest
import requests

from ops.model_state import ROOT, rasa_env
from tests.conversation import bot_texts
from tests.conftest import AXE, WEB_PORT

ARTIFACTS = ROOT / "tests" / "artifacts"
TIMEOUT_MS = 45_000


# --- fixtures -------------------------------------------------------------------------------

def start_web(rasa_url: str, port: int = 0) -> Tuple[subprocess.Popen, str]:
    """Start ``python -m web.serve`` (on a free port if 0); return the process and the printed URL."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "web.serve", "--port", str(port), "--rasa-url", rasa_url],
        cwd=ROOT, env=rasa_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    line: List[str] = []
    reader = threading.Thread(target=lambda: line.append(proc.stdout.readline()), daemon=True)
    reader.start()
    reader.join(30)
    match = re.search(r"https?://\S+/", line[0] if line else "")
    if not match:
        proc.kill()
        raise RuntimeError(f"web.serve printed no address: {line!r}")
    return proc, match.group(0)


@pytest.fixture(scope="module")
def web_url(stack) -> Iterator[str]:
    # on the one port whose origin the stack allows (tests/conftest.py)
    proc, url = start_web(stack.rasa_url, WEB_PORT)
    try:
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    errors: List[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.errors = errors
    try:
        yield page
    finally:
        context.close()


# --- helpers ---------------------------------------------------------------------------------

def bot_messages(page) -> List[str]:
    return page.eval_on_selector_all(".mzc-bot .mzc-bubble", "els => els.map(e => e.textContent)")


def user_messages(page) -> List[str]:
    return page.eval_on_selector_all(".mzc-user .mzc-bubble", "els => els.map(e => e.textContent)")


def wait_for_bot_count(page, count: int, timeout: float = TIMEOUT_MS / 1000) -> None:
    """Wait for ``count`` bot messages (polled from Python: the page's CSP forbids the
    string evaluation that ``wait_for_function`` would need)."""
    deadline = time.monotonic() + timeout
    while page.locator(".mzc-bot").count() < count:
        if time.monotonic() > deadline:
            raise AssertionError(f"fewer than {count} bot messages after {timeout} s; "
                                 f"status: {page.locator('.mzc-status').inner_text()!r}")
        time.sleep(0.1)
    time.sleep(0.8)  # let the rest of a multi-part answer arrive


def tab_to(page, selector: str, limit: int = 40) -> None:
    """Press Tab until ``selector`` has the focus (keyboard only)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement === document.querySelector({selector!r})"):
            return
    raise AssertionError(f"{selector} not reachable with Tab")


def stored_session(page) -> str:
    return page.evaluate("JSON.parse(sessionStorage.getItem('mantelzorg-chat-v1')).sessionId")


# --- browser tests ----------------------------------------------------------------------------

@pytest.mark.browser
def test_ask_click_reload_keeps_the_conversation(stack, web_url, page):
    page.goto(web_url)
    assert "Gemeente" in page.title()
    assert page.evaluate("document.documentElement.lang") == "nl"

    # keyboard only: Tab to the chat button, Enter opens, the focus lands in the labelled field
    tab_to(page, ".mzc-launcher")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "mzc-input"
    assert page.get_by_label("Typ uw vraag").is_visible()
    wait_for_bot_count(page, 1)  # the greeting
    greeting = bot_messages(page)[0]
    assert greeting.strip()

    question = "Wat is cliëntondersteuning?"
    expected = bot_texts(stack.send(f"rest-web-{time.time_ns()}", question))
    page.keyboard.type(question)
    page.keyboard.press("Enter")
    wait_for_bot_count(page, 2)
    answer = " ".join(bot_messages(page)[1:])
    first_words = " ".join(expected.split()[:6])
    assert first_words and first_words in " ".join(answer.split())
    assert user_messages(page) == [question]

    # a reply's buttons are real buttons; click one
    choice = page.locator(".mzc-choice:not([disabled])").first
    choice.wait_for()
    assert choice.evaluate("e => e.tagName") == "BUTTON"
    title = choice.inner_text()
    bots_before = len(bot_messages(page))
    choice.click()
    wait_for_bot_count(page, bots_before + 1)
    assert user_messages(page)[-1] == title

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.mouse.move(0, 0)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / "web_widget.png"))

    # reload: same transcript, same session, and the conversation goes on on the server
    session_id = stored_session(page)
    transcript = (user_messages(page), bot_messages(page))
    page.reload()
    page.wait_for_selector("#mzc-panel:not([hidden])")
    assert (user_messages(page), bot_messages(page)) == transcript
    assert stored_session(page) == session_id
    page.get_by_label("Typ uw vraag").fill("Bedankt")
    page.get_by_role("button", name="Verstuur").click()
    wait_for_bot_count(page, len(transcript[1]) + 1)
    assert stored_session(page) == session_id
    said = [e.get("text") for e in stack.tracker(session_id, "web")["events"] if e.get("event") == "user"]
    assert question in said and "Bedankt" in said

    # Escape closes the chat and gives the focus back to the chat button
    page.get_by_label("Typ uw vraag").focus()
    page.keyboard.press("Escape")
    assert page.locator("#mzc-panel").is_hidden()
    assert page.evaluate("document.activeElement.classList.contains('mzc-launcher')")
    assert page.errors == []


@pytest.mark.browser
def test_faq_answer_offers_its_source_page(stack, web_url, page):
    from tests.test_read_more import FAQ_QUESTION, expected_page

    page.goto(web_url)
    page.locator(".mzc-launcher").click()
    wait_for_bot_count(page, 1)  # the greeting: no source
    assert page.locator(".mzc-readmore").count() == 0
    page.get_by_label("Typ uw vraag").fill(FAQ_QUESTION)
    page.keyboard.press("Enter")
    wait_for_bot_count(page, 2)
    links = page.locator(".mzc-bot .mzc-readmore a")
    assert links.count() == 1
    link = links.first
    url = expected_page()
    assert link.get_attribute("href") == url
    assert link.get_attribute("target") == "_blank" and link.get_attribute("rel") == "noopener noreferrer"
    host = url.split("/")[2].removeprefix("www.")
    name = link.evaluate("a => a.textContent")  # the accessible name: visible text + screen-reader text
    visible = link.evaluate("a => Array.from(a.childNodes).filter(n => !(n.classList && "
                            "n.classList.contains('mzc-sr'))).map(n => n.textContent).join('')")
    assert visible == "Meer lezen"
    assert name.startswith("Meer lezen") and f"op {host}" in name and "nieuw tabblad" in name
    assert page.get_by_role("link", name=re.compile(r"^Meer lezen.* op " + re.escape(host))).count() == 1
    # the link is in the answer's own bubble, and stays there after a reload
    assert page.locator(".mzc-bot").nth(1).locator(".mzc-readmore").count() == 1
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.locator(".mzc-bot").nth(1).screenshot(path=str(ARTIFACTS / "web_widget_read_more.png"))
    page.reload()
    page.wait_for_selector("#mzc-panel:not([hidden])")
    assert page.locator(".mzc-bot .mzc-readmore a").first.get_attribute("href") == url

    # only https pages become a link, and the title is text, never markup
    page.evaluate("""() => {
        MantelzorgChat.showBotMessage({text: 'Een', read_more: {title: 'x', url: 'http://www.rijksoverheid.nl/'}});
        MantelzorgChat.showBotMessage({text: 'Twee', read_more: {title: 'x', url: 'javascript:window.__pwned=1'}});
        MantelzorgChat.showBotMessage({text: 'Drie', read_more: {title: '<img src=x onerror="window.__pwned=2">',
                                                               url: 'https://www.regelhulp.nl/'}});
    }""")
    assert page.locator(".mzc-bot .mzc-readmore a").evaluate_all("els => els.map(a => a.href)") == \
        [url, "https://www.regelhulp.nl/"]
    assert page.locator("#mzc-log img").count() == 0
    assert page.evaluate("window.__pwned") is None
    assert page.errors == []


@pytest.mark.browser
def test_each_safety_level_gets_its_own_answer_in_the_widget(stack, web_url, page):
    from tests.test_http_safety import LEVELS

    page.goto(web_url)
    page.locator(".mzc-launcher").click()
    wait_for_bot_count(page, 1)  # the greeting
    for message, answer_is in LEVELS:
        before = len(bot_messages(page))
        page.get_by_label("Typ uw vraag").fill(message)
        page.keyboard.press("Enter")
        wait_for_bot_count(page, before + 1)
        answer = " ".join(bot_messages(page)[before:])
        assert answer_is(answer), answer
    assert page.errors == []


@pytest.mark.browser
def test_a_site_that_is_not_allowed_gets_no_chat_socket(stack, page):
    """The same page from an origin outside CORS_ORIGINS: the server refuses the socket and
    the resident sees a Dutch notice instead of a silent chat."""
    proc, url = start_web(stack.rasa_url)  # another port: an origin the stack does not allow
    try:
        page.goto(url)
        page.get_by_role("button", name="Stel uw vraag").click()
        status = page.locator(".mzc-status")
        deadline = time.monotonic() + TIMEOUT_MS / 1000
        while "Geen verbinding" not in status.inner_text() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert status.inner_text() == "Geen verbinding met de assistent. Opnieuw proberen…"
        assert page.locator(".mzc-bot").count() == 0  # no greeting over a refused socket
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.browser
def test_text_is_escaped_both_ways(stack, web_url, page):
    page.goto(web_url)
    page.get_by_role("button", name="Stel uw vraag").click()
    wait_for_bot_count(page, 1)
    attack = '<img src=x onerror="window.__pwned=1"><b>vet</b><script>window.__pwned=2</script>'
    page.get_by_label("Typ uw vraag").fill(attack)
    page.keyboard.press("Enter")
    wait_for_bot_count(page, 2)
    assert user_messages(page)[-1] == attack  # shown literally
    # from the bot's side, through the same rendering as socket messages
    page.evaluate("""MantelzorgChat.showBotMessage({
        text: 'Zie <img src=x onerror="window.__pwned=3"> [klik](javascript:window.__pwned=4) ' +
              'of [MantelzorgNL](https://www.mantelzorg.nl) en https://www.regelhulp.nl.',
        quick_replies: [{title: '<b>Ja</b>', payload: '/affirm'}]})""")
    log = page.locator("#mzc-log")
    assert log.locator("img, script, b").count() == 0
    last = page.locator(".mzc-bot").last
    links = last.locator("a").evaluate_all("els => els.map(a => a.getAttribute('href'))")
    assert links == ["https://www.mantelzorg.nl/", "https://www.regelhulp.nl/"]
    assert "javascript:" in last.inner_text()  # the bad link stays visible as plain text
    assert all(rel == "noopener noreferrer" for rel in log.locator("a").evaluate_all(
        "els => els.map(a => a.rel)"))
    assert page.locator(".mzc-choice", has_text="<b>Ja</b>").count() == 1
    page.wait_for_timeout(300)
    assert page.evaluate("window.__pwned") is None
    assert page.errors == []


@pytest.mark.browser
def test_wcag_21_aa_scan_and_reflow(stack, web_url, browser):
    # axe-core is injected as a script, which the page's CSP (rightly) forbids: bypass for the scan
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    try:
        page.goto(web_url)
        page.get_by_role("button", name="Stel uw vraag").click()
        wait_for_bot_count(page, 1)
        page.get_by_label("Typ uw vraag").fill("Wat is de Wmo?")
        page.keyboard.press("Enter")
        wait_for_bot_count(page, 2)
        # an answer with its source page ("Meer lezen") is part of the scan
        page.evaluate("MantelzorgChat.showBotMessage({text: 'Respijtzorg is vervangende zorg.', "
                      "read_more: {title: 'Regelhulp: respijtzorg', url: 'https://www.regelhulp.nl/'}})")
        assert page.locator(".mzc-readmore a").count() >= 1
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("""async () => {
            const r = await axe.run(document, {runOnly: {type: 'tag',
                values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
            return r.violations.map(v => ({id: v.id, impact: v.impact,
                nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}));
        }""")
        assert result == [], f"WCAG 2.1 AA violations: {result}"
        # focus indicator present on the widget's controls
        page.get_by_label("Typ uw vraag").focus()
        page.keyboard.press("Tab")
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline == "solid"
        # reflow: usable at 320 CSS pixels without horizontal scrolling (WCAG 1.4.10)
        page.set_viewport_size({"width": 320, "height": 640})
        page.wait_for_timeout(200)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        box = page.locator("#mzc-panel").bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 320
        page.screenshot(path=str(ARTIFACTS / "web_widget_320px.png"))
    finally:
        context.close()


# --- the static server, without a browser ------------------------------------------------------

@pytest.fixture(scope="module")
def plain_web() -> Iterator[str]:
    proc, url = start_web("http://127.0.0.1:5005")
    try:
        yield url.replace("localhost", "127.0.0.1")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_static_server_serves_page_config_and_vendored_client(plain_web):
    page = requests.get(plain_web, timeout=10)
    assert page.status_code == 200 and '<html lang="nl">' in page.text
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "ws://127.0.0.1:5005" in csp and "unsafe-inline" not in csp
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    config = requests.get(plain_web + "config.js", timeout=10)
    expected = '{"rasaUrl": "http://127.0.0.1:5005", "socketPath": "/socket.io/"}'
    assert config.text.strip() == f"window.MANTELZORG_CHAT = {expected};"
    client = requests.get(plain_web + "vendor/socket.io-client/socket.io.min.js", timeout=10)
    assert client.status_code == 200 and "Socket.IO v4" in client.text[:200]
    for path in ("widget/chat.js", "widget/chat.css", "assets/site.css", "vendor/socket.io-client/LICENSE"):
        assert requests.get(plain_web + path, timeout=10).status_code == 200, path
    # nothing external: every script and stylesheet of the page is local
    assert not re.search(r'(src|href)="(https?:)?//', page.text.replace('href="tel:', ""))


def test_static_server_refuses_code_listings_and_traversal(plain_web):
    for path in ("serve.py", "__init__.py", "vendor/", "widget/", "../channels/dedup.py",
                 "%2e%2e/credentials.yml", ".git/config"):
        assert requests.get(plain_web + path, timeout=10).status_code == 404, path


def test_demo_page_contact_data_cannot_reach_anyone(plain_web):
    """The demo gemeente does not exist: no dialable number but 112, no real postcode."""
    page = requests.get(plain_web, timeout=10).text
    assert re.findall(r'href="tel:([^"]*)"', page) == ["112"]
    for postcode in re.findall(r"\b(\d{4})\s?[A-Z]{2}\b", page):
        assert postcode.startswith("0")  # Dutch postcodes start at 1000
