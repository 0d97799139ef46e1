"""The editors' studio in Debian's headless Chromium (Playwright), against the real studio
process, a real Rasa server and action server.

The studio works on a copy of the repository (tmp), so saving, training and publishing never
touch this checkout: a beheerder creates a redacteur; the redacteur adds three questions to a
topic, gets and fixes a B1 problem, sees a duplicate refused, trains with the progress bar
moving and proposes; the beheerder publishes; the live assistant (REST) gives the new answer;
the beheerder rolls back and the old answer returns; the audit log shows each step.
Security: no page without login, a redacteur cannot publish or manage accounts, a form without
its CSRF token is refused, wrong passwords lock the login, answers are escaped. axe-core finds
no WCAG 2.1 AA violations. Screenshots go to tests/artifacts/studio_*.png (git-ignored).
"""
from __future__ import annotations

import json
import re
import secrets
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Dict, Iterator, List, Tuple

import pytest
import requests

from ops.model_state import ROOT, content_hash, rasa_env
from ops.stack import Stack
from tests.conversation import bot_texts
from tests.conftest import AXE

ARTIFACTS = ROOT / "tests" / "artifacts"
TIMEOUT_MS = 45_000
TRAIN_TIMEOUT_S = 1200
ADMIN, ADMIN_PW = "anna", "beheer-" + secrets.token_urlsafe(12)
EDITOR, EDITOR_PW = "bram", "redactie-" + secrets.token_urlsafe(12)
NEW_QUESTIONS = ["moet ik bijbetalen voor een onafhankelijke ondersteuner",
                 "zit er een prijskaartje aan de hulp van een ondersteuner",
                 "rekent de ondersteuner een tarief"]
# the new answer: first with a sentence too long for B1, then fixed
HARD_ANSWER = ("Onafhankelijke cliëntondersteuning is gratis en u hoeft daarom ook als mantelzorger nooit "
               "iets te betalen aan de gemeente of het zorgkantoor voor de hulp die u krijgt van de ondersteuner.")
NEW_ANSWER = ("Een cliëntondersteuner kost u niets. Ook als mantelzorger betaalt u geen eigen bijdrage. "
              "Wilt u weten wat een ondersteuner doet?")
DUPLICATE = "wie heeft recht op clientondersteuning?"  # already an example of faq/wie_heeft_recht
pytestmark = [pytest.mark.browser, pytest.mark.server]


# --- the studio on a copy of the repository ------------------------------------------------------

def copy_repository(target: Path, model: Path) -> Path:
    """Tracked and new files of this checkout, the spaCy pipeline and the current model as live."""
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
                            cwd=ROOT, capture_output=True, check=True).stdout.decode().split("\0")
    for rel in filter(None, listed):
        source = ROOT / rel
        if source.is_file():
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / rel)
    (target / "build").mkdir(exist_ok=True)
    # a copy, not a link: a training in the studio rebuilds it when the edited data asks for it
    shutil.copytree(ROOT / "build" / "spacy_nl", target / "build" / "spacy_nl")
    (target / "models").mkdir(exist_ok=True)
    shutil.copy2(model, target / "models" / model.name)
    entry = {"model": f"models/{model.name}", "published_at": "2026-12-01T09:00:00", "published": True,
             "action": "publish"}
    (target / "models" / "live.json").write_text(json.dumps({"live": entry, "previous": None,
                                                             "history": [entry]}), encoding="utf-8")
    return target


def start_studio(root: Path, rasa_url: str, token: str, database: Path,
                 endpoints: Path) -> Tuple[subprocess.Popen, str]:
    env = {**rasa_env(), "PYTHONPATH": str(root), "RASA_URL": rasa_url, "RASA_TOKEN": token,
           "STUDIO_TRACKER_ENDPOINTS": str(endpoints),
           "STUDIO_SQLITE": str(database), "STUDIO_SECRET_KEY": secrets.token_urlsafe(40),
           "STUDIO_BEHEERDER": ADMIN, "STUDIO_BEHEERDER_WACHTWOORD": ADMIN_PW}
    proc = subprocess.Popen([sys.executable, "-m", "studio.serve", "--port", "0"], cwd=root, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    first: List[str] = []

    def read() -> None:
        for line in proc.stdout:
            if not first and "Redactiestudio:" in line:
                first.append(line)
            # keep draining so the studio never blocks on a full pipe
    threading.Thread(target=read, daemon=True).start()
    deadline = time.monotonic() + 120
    while not first and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.2)
    match = re.search(r"http://\S+/", first[0] if first else "")
    if not match:
        proc.kill()
        raise RuntimeError("the studio printed no address")
    return proc, match.group(0)


@pytest.fixture(scope="module")
def studio_env(tmp_path_factory: pytest.TempPathFactory, model_path: Path) -> Iterator[Dict]:
    base = tmp_path_factory.mktemp("studio")
    root = copy_repository(base / "repo", model_path)
    stack = Stack(model=root / "models" / model_path.name, workdir=base / "stack")
    # the files the studio edits
    stack.env = {"AANBIEDERS_CSV": str(root / "registry" / "aanbieders.csv"),
                 "ZORGKANTOREN_CSV": str(root / "registry" / "zorgkantoren.csv")}
    stack.start()
    try:
        proc, url = start_studio(root, stack.rasa_url, stack.token, base / "studio.db", stack.endpoints)
        try:
            yield {"root": root, "stack": stack, "url": url}
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    finally:
        stack.stop()


def new_page(browser, **options):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL", **options)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    return page


def login(page, url: str, username: str, password: str) -> None:
    page.goto(url + "inloggen/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_selector("text=Uitloggen")


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"studio_{name}.png"), full_page=True)


def wait_for_feedback(page, needle: str, present: bool = True) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if (needle in page.locator("#controle").inner_text()) == present:
            return
        time.sleep(0.2)
    raise AssertionError(f"feedback {'without' if present else 'still with'} {needle!r}: "
                         f"{page.locator('#controle').inner_text()}")


def requests_login(url: str, username: str, password: str) -> requests.Session:
    session = requests.Session()
    form = session.get(url + "inloggen/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    session.post(url + "inloggen/", data={"csrfmiddlewaretoken": token, "username": username,
                                          "password": password}, headers={"Referer": url + "inloggen/"})
    return session


def csrf_of(session: requests.Session, page_url: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', session.get(page_url).text).group(1)


def ask(stack: Stack, sender: str, text: str) -> str:
    return bot_texts(stack.send(sender, text))


# --- the scenario -------------------------------------------------------------------------------

def test_beheerder_creates_a_redacteur(studio_env, browser):
    url = studio_env["url"]
    page = new_page(browser)
    login(page, url, ADMIN, ADMIN_PW)
    page.get_by_role("link", name="Accounts").click()
    page.get_by_label("Gebruikersnaam").fill(EDITOR)
    page.get_by_label("Wachtwoord (minstens 12 tekens)").fill("kort")
    page.get_by_label("Rol").select_option("redacteur")
    page.get_by_role("button", name="Account aanmaken").click()
    assert "Dit wachtwoord is te kort" in page.inner_text("main")
    page.get_by_label("Wachtwoord (minstens 12 tekens)").fill(EDITOR_PW)
    page.get_by_role("button", name="Account aanmaken").click()
    assert f"Het account '{EDITOR}' is aangemaakt." in page.inner_text(".messages")
    assert page.locator("table tr", has_text=EDITOR).inner_text().count("Redacteur") == 1
    shot(page, "accounts")
    assert page.errors == []
    page.context.close()


def test_redacteur_edits_a_topic_with_live_checks(studio_env, browser):
    url, root = studio_env["url"], studio_env["root"]
    page = new_page(browser)
    login(page, url, EDITOR, EDITOR_PW)
    all_topics = page.locator("tbody tr").count()
    page.get_by_label("Zoek een onderwerp").fill("eigen bijdrage")  # found in examples and answers
    with page.expect_navigation():  # the search is a form submit: count the rows of the new page
        page.get_by_role("button", name="Zoeken").click()
    assert 1 <= page.locator("tbody tr").count() < all_topics
    shot(page, "onderwerpen")
    page.get_by_role("link", name="kosten", exact=True).click()
    examples = page.get_by_label("Voorbeeldvragen (één vraag per regel)")
    examples.fill(examples.input_value() + "\n" + "\n".join(NEW_QUESTIONS))

    # a B1 problem, seen while typing, and refused on save
    page.get_by_label("Antwoord", exact=True).fill(HARD_ANSWER)
    wait_for_feedback(page, "zin te lang")
    assert "Fout:" in page.locator("#controle").inner_text()
    shot(page, "onderwerp_controle")
    page.get_by_role("button", name="Opslaan").click()
    assert "Niet opgeslagen" in page.inner_text(".messages")
    assert HARD_ANSWER not in (root / "data/faq/kosten.yml").read_text(encoding="utf-8")
    page.get_by_label("Antwoord", exact=True).fill(NEW_ANSWER)
    wait_for_feedback(page, "zin te lang", present=False)

    # an example of another topic: shown while typing and refused on save
    examples = page.get_by_label("Voorbeeldvragen (één vraag per regel)")
    examples.fill(examples.input_value() + "\n" + DUPLICATE)
    wait_for_feedback(page, "staat ook bij 'faq/wie_heeft_recht'")
    page.get_by_role("button", name="Opslaan").click()
    assert "Niet opgeslagen" in page.inner_text(".messages")
    assert "staat ook bij 'faq/wie_heeft_recht'" in page.locator("#controle").inner_text()
    examples = page.get_by_label("Voorbeeldvragen (één vraag per regel)")
    examples.fill(examples.input_value().replace("\n" + DUPLICATE, ""))
    wait_for_feedback(page, "staat ook bij", present=False)
    shot(page, "onderwerp")
    page.get_by_role("button", name="Opslaan").click()
    assert "Opgeslagen" in page.inner_text(".messages")

    text = (root / "data/faq/kosten.yml").read_text(encoding="utf-8")
    assert all(f"      - {q}\n" in text for q in NEW_QUESTIONS)
    assert NEW_ANSWER in text and DUPLICATE not in text
    history = page.locator("table.history tbody tr").first.inner_text()
    assert EDITOR in history and "3 vraag/vragen toegevoegd" in history and "antwoord gewijzigd" in history
    # the terminal route agrees: make validate finds no errors in the saved content
    check = subprocess.run([sys.executable, "-m", "editor.validate", "--no-rasa"], cwd=root,
                           env={**rasa_env(), "PYTHONPATH": str(root)}, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout[-2000:]
    assert page.errors == []
    page.context.close()


def test_a_change_can_be_undone(studio_env, browser):
    url, root = studio_env["url"], studio_env["root"]
    topic = root / "data/faq/privacy.yml"
    before = topic.read_text(encoding="utf-8")
    titles_before = (root / "actions/topic_titles.yml").read_text(encoding="utf-8")
    page = new_page(browser)
    login(page, url, EDITOR, EDITOR_PW)
    page.goto(url + "onderwerpen/privacy/")
    page.get_by_label("Korte titel (voor knoppen, maximaal 20 tekens)").fill("Uw gegevens")
    examples = page.get_by_label("Voorbeeldvragen (één vraag per regel)")
    examples.fill(examples.input_value() + "\nwat gebeurt er met wat ik typ")
    page.get_by_role("button", name="Opslaan").click()
    assert "Opgeslagen" in page.inner_text(".messages")
    assert topic.read_text(encoding="utf-8") != before
    page.get_by_role("button", name="Ongedaan maken").click()
    assert "ongedaan gemaakt" in page.inner_text(".messages")
    assert topic.read_text(encoding="utf-8") == before
    assert (root / "actions/topic_titles.yml").read_text(encoding="utf-8") == titles_before
    page.context.close()


def test_train_publish_ask_and_roll_back(studio_env, browser):
    url, stack = studio_env["url"], studio_env["stack"]
    old_answer = ask(stack, "studio-before", NEW_QUESTIONS[0])
    assert NEW_ANSWER not in old_answer

    page = new_page(browser)
    login(page, url, EDITOR, EDITOR_PW)
    page.get_by_role("link", name="Trainen en publiceren").click()
    page.get_by_role("button", name="Trainen").click()
    bar = page.locator("progress#balk")
    seen: List[int] = []
    shot_taken = False
    deadline = time.monotonic() + TRAIN_TIMEOUT_S
    while time.monotonic() < deadline:
        try:
            if page.locator("text=Uitkomst").count():
                break
            value = int(bar.get_attribute("value") or 0)
        except Exception:  # noqa: BLE001 - the page reloads itself when the training ends
            time.sleep(0.5)
            continue
        if not seen or value != seen[-1]:
            seen.append(value)
            if 20 <= value <= 75 and not shot_taken:
                shot(page, "training")  # the bar on its way
                shot_taken = True
        time.sleep(0.5)
    page.wait_for_selector("text=Uitkomst", timeout=10_000)
    assert len([v for v in seen if 0 < v < 100]) >= 2, f"the progress bar did not move: {seen}"
    assert seen == sorted(seen), seen
    main = page.inner_text("main")
    assert "Goedgekeurd door de poortwachter" in main, page.inner_text("#verslag")
    shot(page, "uitkomst")
    # a redacteur proposes, and cannot publish (no button, and the URL is refused)
    assert page.get_by_role("button", name="Publiceren", exact=True).count() == 0
    page.get_by_role("button", name="Voorstellen om te publiceren").click()
    assert "Voorgesteld" in page.inner_text(".messages")
    run_url = page.url
    # try it: the draft model gives the new answer, the live one still the old
    page.get_by_role("link", name="Uitproberen").click()
    page.get_by_label("Vraag").fill(NEW_QUESTIONS[1])
    page.get_by_role("button", name="Probeer").click()
    draft_panel = page.locator("section", has_text="Concept").inner_text()
    live_panel = page.locator("section", has_text="Live model").inner_text()
    assert "faq/kosten" in draft_panel and NEW_ANSWER in draft_panel, draft_panel
    assert NEW_ANSWER not in live_panel and "zekerheid" in live_panel, live_panel
    shot(page, "uitproberen")
    session = requests_login(url, EDITOR, EDITOR_PW)
    refused = session.post(run_url + "publiceren/", data={"csrfmiddlewaretoken": csrf_of(session, run_url)},
                           headers={"Referer": run_url}, allow_redirects=False)
    assert refused.status_code == 403 and "Alleen een beheerder" in refused.text
    page.context.close()

    admin = new_page(browser)
    login(admin, url, ADMIN, ADMIN_PW)
    admin.get_by_role("link", name="Trainen en publiceren").click()
    assert "Voorgesteld om te publiceren" in admin.inner_text("main")
    admin.goto(run_url)
    report = admin.get_by_role("link", name="Het volledige rapport").get_attribute("href")
    assert "Rapport: nieuw model" in admin.context.request.get(url.rstrip("/") + report).text()
    admin.get_by_role("button", name="Publiceren", exact=True).click()
    assert "Gepubliceerd" in admin.inner_text(".messages")
    answer = ask(stack, "studio-after", NEW_QUESTIONS[0])
    assert NEW_ANSWER in answer, answer
    shot(admin, "publiceren")

    admin.get_by_role("button", name=re.compile("Terugzetten naar het vorige model")).click()
    assert "Teruggezet" in admin.inner_text(".messages")
    back = ask(stack, "studio-rolled-back", NEW_QUESTIONS[0])
    assert NEW_ANSWER not in back and back == old_answer
    rows = admin.locator("table", has_text="Publicaties").locator("tbody tr")
    assert "teruggezet" in rows.nth(0).inner_text() and ADMIN in rows.nth(1).inner_text()
    # any earlier published version can be put back from the list: here the new one again
    rows.nth(1).get_by_role("button", name=re.compile("Deze versie terugzetten")).click()
    assert "Teruggezet" in admin.inner_text(".messages")
    assert NEW_ANSWER in ask(stack, "studio-restored", NEW_QUESTIONS[0])
    shot(admin, "publicaties")

    admin.get_by_role("link", name="Logboek").click()
    log = admin.inner_text("table.audit")
    for expected in ("account beheerd", "onderwerp opgeslagen", "wijziging teruggedraaid", "getraind",
                     "publicatie voorgesteld", "gepubliceerd", "teruggezet"):
        assert expected in log, expected
    shot(admin, "logboek")
    assert admin.errors == []
    admin.context.close()


def test_add_a_topic_remove_it_and_undo_the_removal(studio_env, browser):
    url, root = studio_env["url"], studio_env["root"]
    topic = root / "data/faq/parkeren_mantelzorger.yml"
    page = new_page(browser)
    login(page, url, EDITOR, EDITOR_PW)
    page.get_by_role("link", name="Nieuw onderwerp").click()
    page.get_by_label("Naam van het onderwerp").fill("Parkeren!")
    page.get_by_role("button", name="Verder").click()
    assert "alleen kleine letters" in page.inner_text("main")
    page.get_by_label("Naam van het onderwerp").fill("parkeren_mantelzorger")
    page.get_by_role("button", name="Verder").click()
    page.get_by_label("Korte titel (voor knoppen, maximaal 20 tekens)").fill("Parkeren")
    page.get_by_label("Voorbeeldvragen (één vraag per regel)").fill(
        "mag ik parkeren bij mijn moeder als mantelzorger\nparkeervergunning voor mantelzorgers\n"
        "krijg ik een parkeerkaart als ik mantelzorg geef")
    page.get_by_label("Antwoord", exact=True).fill("Vraag het aan uw gemeente. Soms krijgt u dan een kaart om "
                                                   "bij uw naaste te parkeren. Niet elke gemeente doet dit.")
    wait_for_feedback(page, "geen bron")
    page.get_by_label("Titel bron 1").fill("Parkeren voor mantelzorgers")
    page.get_by_label("Webadres bron 1").fill("https://www.mantelzorg.nl/onderwerpen/parkeren")
    wait_for_feedback(page, "geen bron", present=False)
    page.get_by_role("button", name="Opslaan").click()
    assert "Opgeslagen" in page.inner_text(".messages")
    text = topic.read_text(encoding="utf-8")
    assert "intent: faq/parkeren_mantelzorger" in text and "https://www.mantelzorg.nl/onderwerpen/parkeren" in text
    assert 'parkeren_mantelzorger: "Parkeren"' in (root / "actions/topic_titles.yml").read_text(encoding="utf-8")

    page.get_by_role("button", name="Verwijder parkeren_mantelzorger").click()
    assert "is verwijderd" in page.inner_text(".messages") and not topic.exists()
    assert "parkeren_mantelzorger" not in (root / "actions/topic_titles.yml").read_text(encoding="utf-8")
    page.goto(url + "onderwerpen/parkeren_mantelzorger/geschiedenis/")
    page.get_by_role("button", name="Ongedaan maken").click()
    assert topic.read_text(encoding="utf-8") == text
    # a topic other topics' buttons point to cannot be removed
    page.goto(url + "onderwerpen/wat_doet_ondersteuner/")
    page.get_by_role("button", name="Verwijder wat_doet_ondersteuner").click()
    assert "Niet verwijderd" in page.inner_text(".messages")
    assert (root / "data/faq/wat_doet_ondersteuner.yml").exists()
    page.context.close()


def test_a_new_provider_is_named_by_the_assistant_without_retraining(studio_env, browser):
    url, stack = studio_env["url"], studio_env["stack"]
    question = "Ik woon in 3841 AB, waar vind ik een cliëntondersteuner?"
    name = "Steunpunt Harderwijk Proef"
    assert name not in ask(stack, "studio-provider-before", question)
    page = new_page(browser)
    login(page, url, ADMIN, ADMIN_PW)
    page.get_by_role("link", name="Aanbieders").click()
    page.get_by_role("link", name="Nieuwe aanbieder").click()
    page.get_by_label("Naam van de organisatie").fill(name)
    page.get_by_label("Soort").select_option("wmo-clientondersteuning")
    page.get_by_label("Gemeenten (gescheiden door |)").fill("Nergenshuizen")
    page.get_by_label("Postcode").fill("3841 AB")
    page.get_by_label("Plaats").fill("Harderwijk")
    page.get_by_label("Website (https://…)").fill("https://steunpunt-harderwijk.invalid")
    page.get_by_role("button", name="Opslaan").click()
    assert "Niet opgeslagen" in page.inner_text("main") and "Nergenshuizen" in page.inner_text("[role=alert]")
    page.get_by_label("Gemeenten (gescheiden door |)").fill("Harderwijk")
    page.get_by_role("button", name="Opslaan").click()
    assert "werkt voor Harderwijk" in page.inner_text(".messages")
    assert page.locator("tr", has_text=name).locator("td").nth(2).inner_text() == "Harderwijk"
    shot(page, "aanbieders")
    deadline = time.monotonic() + 30
    reply = ""
    while time.monotonic() < deadline and name not in reply:
        reply = ask(stack, f"studio-provider-{int(time.monotonic())}", question)
        time.sleep(1)
    assert name in reply, reply
    page.get_by_role("link", name="Logboek").click()
    assert page.locator("table.audit tbody tr").first.inner_text().count(name) == 1
    # ending it asks first, then takes it out of the list
    page.get_by_role("link", name="Aanbieders").click()
    page.get_by_role("link", name=f"Beëindigen {name}").click()
    page.get_by_role("button", name="Ja, beëindigen").click()
    assert f"{name} staat niet meer in de lijst" in page.inner_text(".messages")
    assert name not in (studio_env["root"] / "registry/aanbieders.csv").read_text(encoding="utf-8")
    page.context.close()


def test_a_confirmed_zorgkantoor_is_stated_plainly_without_retraining(studio_env, browser):
    """A redacteur opens the zorgkantoor of Tilburg's region, is refused a change without a source,
    marks the record as checked; the live assistant then states it plainly, with the date."""
    url, stack, root = studio_env["url"], studio_env["stack"], studio_env["root"]
    edits = root / "registry" / "zorgkantoren.csv"
    shipped_edits = edits.read_text(encoding="utf-8")
    hash_before = content_hash(root)
    question = "welk zorgkantoor hoort bij Tilburg?"
    before = ask(stack, "studio-zk-before", question)
    assert "Midden-Brabant" in before and "Volgens onze gegevens voert VGZ" in before, before

    page = new_page(browser)
    login(page, url, EDITOR, EDITOR_PW)
    page.get_by_role("link", name="Zorgkantoren").click()
    page.get_by_label("Zoek op regio, zorgverzekeraar of gemeente").fill("Tilburg")
    with page.expect_navigation():  # the search is a form submit: count the rows of the new page
        page.get_by_role("button", name="Zoeken").click()
    assert page.locator("tbody tr").count() == 1
    row = page.locator("tbody tr").first.inner_text()
    assert "Midden-Brabant" in row and "waarschijnlijk, niet gecontroleerd" in row
    page.get_by_role("link", name="Midden-Brabant").click()
    assert "financieleplannen.nl" in page.inner_text("main")  # the shipped record's source stays visible

    # a change without a source, with a wrong phone number: refused inline, nothing saved
    page.get_by_label("Telefoon").fill("12")
    page.get_by_role("button", name="Wijziging opslaan").click()
    alert = page.locator("[role=alert]").inner_text()
    assert "Niet opgeslagen" in alert and "Telefoonnummer '12' klopt niet" in alert, alert
    assert "Bij een wijziging hoort een bron" in alert
    assert page.get_by_label("Telefoon").get_attribute("aria-invalid") == "true"
    assert page.get_by_label("Telefoon").input_value() == "12"
    assert edits.read_text(encoding="utf-8") == shipped_edits
    shot(page, "zorgkantoor_fout")

    # the mark, typed and sent with the keyboard only
    page.get_by_label("Hoe heeft u het gecontroleerd?").focus()
    page.keyboard.type("gebeld met het zorgkantoor")
    page.keyboard.press("Enter")
    page.wait_for_selector(".messages")
    assert "gemarkeerd als gecontroleerd op" in page.inner_text(".messages")
    assert f"door {EDITOR}" in page.inner_text(".messages")
    assert f"door {EDITOR} (gebeld met het zorgkantoor)" in page.inner_text("#zekerheid")
    saved = edits.read_text(encoding="utf-8")
    assert f"ZK12,Midden-Brabant,,,,,,,{EDITOR},20" in saved
    assert content_hash(root) == hash_before  # the model stays current: no retraining
    shot(page, "zorgkantoor")

    deadline = time.monotonic() + 30
    reply = ""
    while time.monotonic() < deadline and "gecontroleerd op" not in reply:
        reply = ask(stack, f"studio-zk-after-{int(time.monotonic())}", question)
        time.sleep(1)
    assert "Het zorgkantoor in uw regio is van VGZ" in reply and "Dit is gecontroleerd op" in reply, reply
    assert "Volgens onze gegevens" not in reply and EDITOR not in reply

    page.get_by_role("link", name="Logboek").click()
    first = page.locator("table.audit tbody tr").first.inner_text()
    assert "zorgkantoor gecontroleerd" in first and "Midden-Brabant" in first and EDITOR in first, first
    assert "gebeld met het zorgkantoor" in first

    # the mark can be taken off again; the assistant goes back to 'volgens onze gegevens'
    page.goto(url + "zorgkantoren/ZK12/")
    page.get_by_role("button", name="Markering 'gecontroleerd' intrekken").click()
    assert "is ingetrokken" in page.inner_text(".messages")
    assert edits.read_text(encoding="utf-8") == shipped_edits
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and "Volgens onze gegevens" not in reply:
        reply = ask(stack, f"studio-zk-withdrawn-{int(time.monotonic())}", question)
        time.sleep(1)
    assert "Volgens onze gegevens voert VGZ" in reply, reply
    assert page.errors == []
    page.context.close()


def test_inbox_shows_redacted_questions_and_adds_one_to_a_topic(studio_env, browser):
    url, stack, root = studio_env["url"], studio_env["stack"], studio_env["root"]
    unknown = "hoe zit het met de glimwormregeling van de kerk"
    ask(stack, "studio-inbox-1", "blorp fnarg 06-12345678 zorp 3841 AB qwix")
    ask(stack, "studio-inbox-2", unknown)
    ask(stack, "studio-inbox-3", unknown)
    ask(stack, "studio-inbox-4", "<script>window.__pwned = 1</script> zwiebel")
    page = new_page(browser)
    login(page, url, EDITOR, EDITOR_PW)
    page.get_by_role("link", name="Inbox").click()
    text = page.inner_text("main")
    assert "[telefoonnummer]" in text and "[postcode]" in text, text
    assert "12345678" not in text and "3841" not in text
    assert "blorp" in page.content() and "12345678" not in page.content()
    assert "<script>window.__pwned = 1</script> zwiebel" in text  # shown as text, never run
    assert page.evaluate("window.__pwned") is None
    row = page.locator("tr", has_text=unknown)
    assert row.locator("td").nth(1).inner_text() == "2"
    shot(page, "inbox")
    row.get_by_label(re.compile("Onderwerp voor")).select_option("mantelzorgwaardering")
    row.get_by_role("button", name=re.compile("Toevoegen")).click()
    assert "Toegevoegd aan 'mantelzorgwaardering'" in page.inner_text(".messages")
    assert f"      - {unknown}\n" in (root / "data/faq/mantelzorgwaardering.yml").read_text(encoding="utf-8")
    assert page.locator("tr", has_text=unknown).count() == 0  # now a known example
    page.locator("tr", has_text="blorp").get_by_role("button", name=re.compile("Negeren")).click()
    assert "blorp" not in page.inner_text("main")
    page.context.close()


# --- security -----------------------------------------------------------------------------------

def test_nothing_without_login(studio_env):
    url = studio_env["url"]
    for path in ("", "onderwerpen/", "onderwerpen/kosten/", "accounts/", "logboek/", "trainen/", "inbox/",
                 "aanbieders/", "uitproberen/", "zorgkantoren/", "zorgkantoren/ZK12/",
                 "onderwerpen/kosten/geschiedenis/", "trainen/1/voortgang/"):
        r = requests.get(url + path, allow_redirects=False, timeout=30)
        assert r.status_code == 302 and "/inloggen/" in r.headers["Location"], path
    before = (studio_env["root"] / "data/faq/kosten.yml").read_text(encoding="utf-8")
    for path in ("onderwerpen/kosten/", "trainen/start/", "terugzetten/", "terugzetten/versie/",
                 "trainen/1/publiceren/", "aanbieders/nieuw/", "inbox/toevoegen/",
                 "zorgkantoren/ZK12/", "zorgkantoren/ZK12/gecontroleerd/"):
        r = requests.post(url + path, data={"antwoord": "x"}, allow_redirects=False, timeout=30)
        assert r.status_code in (302, 403), path
    assert (studio_env["root"] / "data/faq/kosten.yml").read_text(encoding="utf-8") == before


def test_redacteur_cannot_manage_accounts_or_roll_back(studio_env):
    url = studio_env["url"]
    admin = requests_login(url, ADMIN, ADMIN_PW)
    session = requests_login(url, EDITOR, EDITOR_PW)
    assert session.get(url + "accounts/").status_code == 403
    token = csrf_of(session, url + "onderwerpen/")
    for path, data in (("accounts/", {"username": "eve", "password": "x" * 20, "role": "beheerder"}),
                       ("terugzetten/", {}), ("terugzetten/versie/", {"model": "models/x.tar.gz"})):
        r = session.post(url + path, data={"csrfmiddlewaretoken": token, **data},
                         headers={"Referer": url}, allow_redirects=False)
        assert r.status_code == 403, path
    assert "eve" not in admin.get(url + "accounts/").text


def test_a_form_without_its_csrf_token_is_refused(studio_env):
    url = studio_env["url"]
    session = requests_login(url, EDITOR, EDITOR_PW)
    before = (studio_env["root"] / "data/faq/kosten.yml").read_text(encoding="utf-8")
    r = session.post(url + "onderwerpen/kosten/", data={"titel": "Weg", "vragen": "a", "antwoord": "b"},
                     headers={"Referer": url})
    assert r.status_code == 403 and "Formulier geweigerd" in r.text
    assert (studio_env["root"] / "data/faq/kosten.yml").read_text(encoding="utf-8") == before
    edits = studio_env["root"] / "registry/zorgkantoren.csv"
    edits_before = edits.read_text(encoding="utf-8")
    for path, data in (("zorgkantoren/ZK12/gecontroleerd/", {"hoe": "gebeld"}),
                       ("zorgkantoren/ZK12/", {"concern": "Iemand anders", "source": "https://a.invalid/x"})):
        r = session.post(url + path, data=data, headers={"Referer": url})
        assert r.status_code == 403 and "Formulier geweigerd" in r.text, path
    assert edits.read_text(encoding="utf-8") == edits_before


def test_wrong_passwords_lock_the_login(studio_env):
    url = studio_env["url"]
    admin = requests_login(url, ADMIN, ADMIN_PW)
    password = "carla-" + secrets.token_urlsafe(12)
    admin.post(url + "accounts/", data={"csrfmiddlewaretoken": csrf_of(admin, url + "accounts/"),
                                        "username": "carla", "password": password, "role": "redacteur"},
               headers={"Referer": url + "accounts/"})
    assert "carla" in admin.get(url + "accounts/").text
    for attempt in range(1, 6):
        session = requests.Session()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', session.get(url + "inloggen/").text).group(1)
        r = session.post(url + "inloggen/", data={"csrfmiddlewaretoken": token, "username": "carla",
                                                  "password": "fout-wachtwoord"},
                         headers={"Referer": url + "inloggen/"})
        if attempt < 5:
            assert r.status_code == 200 and "klopt niet" in r.text
        else:  # the fifth wrong password locks this account from this address
            assert r.status_code == 429 and "Te veel pogingen" in r.text
    # the right password is now refused too, for a while
    session = requests.Session()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', session.get(url + "inloggen/").text).group(1)
    r = session.post(url + "inloggen/", data={"csrfmiddlewaretoken": token, "username": "carla",
                                              "password": password}, headers={"Referer": url + "inloggen/"})
    assert r.status_code == 429 and "Te veel pogingen" in r.text
    assert session.get(url + "onderwerpen/", allow_redirects=False).status_code == 302
    log = admin.get(url + "logboek/").text
    assert log.count("inloggen mislukt") >= 5 and password not in log
    # a beheerder gives a new password, which also lifts the lock
    carla = re.search(r'<tr><td>carla</td>.*?href="/(accounts/\d+/wachtwoord/)"', admin.get(url + "accounts/").text,
                      re.DOTALL)
    new_password = "carla-nieuw-" + secrets.token_urlsafe(12)
    page_url = url + carla.group(1)
    admin.post(page_url, data={"csrfmiddlewaretoken": csrf_of(admin, page_url), "password": new_password},
               headers={"Referer": page_url})
    carla = requests_login(url, "carla", new_password)
    assert carla.get(url + "onderwerpen/", allow_redirects=False).status_code == 200


def test_markup_in_an_answer_shows_as_text(studio_env, browser):
    url = studio_env["url"]
    page = new_page(browser)
    login(page, url, EDITOR, EDITOR_PW)
    page.goto(url + "onderwerpen/mantelzorglijn/")
    script = "<script>window.__pwned = 1</script>"
    page.get_by_label("Antwoord", exact=True).fill(f"Bel de Mantelzorglijn. {script}")
    examples = page.get_by_label("Voorbeeldvragen (één vraag per regel)")
    examples.fill(examples.input_value() + "\n<b id='vet'>vet</b> wie helpt mij")
    page.get_by_role("button", name="Opslaan").click()
    page.wait_for_selector("text=Uitloggen")
    assert script in page.get_by_label("Antwoord", exact=True).input_value()
    assert page.locator("#vet").count() == 0
    assert page.evaluate("window.__pwned") is None
    assert page.errors == []
    page.context.close()


# --- accessibility ------------------------------------------------------------------------------

def test_wcag_21_aa_scan_of_every_page(studio_env, browser):
    url = studio_env["url"]
    page = new_page(browser, bypass_csp=True)  # axe is injected as a script; the CSP rightly forbids that
    violations = {}

    def scan(name: str) -> None:
        page.add_script_tag(path=str(AXE))
        found = page.evaluate("""async () => {
            const r = await axe.run(document, {runOnly: {type: 'tag',
                values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
            return r.violations.map(v => ({id: v.id, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}));
        }""")
        if found:
            violations[name] = found

    page.goto(url + "inloggen/")
    scan("inloggen")
    login(page, url, ADMIN, ADMIN_PW)
    for path in ("onderwerpen/", "onderwerpen/kosten/", "onderwerpen/nieuw/", "onderwerpen/kosten/geschiedenis/",
                 "trainen/", "logboek/", "accounts/", "inbox/", "aanbieders/", "aanbieders/nieuw/", "uitproberen/",
                 "zorgkantoren/", "zorgkantoren/ZK12/"):
        page.goto(url + path)
        scan(path)
    page.goto(url + "trainen/")
    link = page.locator("table a[href*='/trainen/']").first
    if link.count():
        link.click()
        scan("training")
    assert violations == {}, violations
    # keyboard: the skip link comes first and focus is visible
    page.goto(url + "onderwerpen/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Naar de inhoud"
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    # a tablet in portrait: no horizontal scrolling on the topic page
    page.set_viewport_size({"width": 768, "height": 1024})
    page.goto(url + "onderwerpen/kosten/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 768
    shot(page, "tablet")
    page.context.close()
