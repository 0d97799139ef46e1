""""Meer lezen": an FAQ answer's source page (channels/read_more.py) and how the WhatsApp
formatting adds it; the REST channel over real HTTP at the bottom. The web widget and the
signed WhatsApp webhooks are tested in test_web_widget.py, test_whatsapp_cloud.py and
test_twilio_whatsapp.py."""
from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Optional

import pytest

from channels import whatsapp_format as fmt
from channels.read_more import SourcePage, first_page, source_page, topic_page
from editor.topic_file import TopicFile
from ops.model_state import ROOT

FAQ_QUESTION = "Wat is respijtzorg?"
FAQ_TOPIC = "respijtzorg"


def expected_page(topic: str = FAQ_TOPIC) -> str:
    """The first https address in the topic's bron, read straight from its file."""
    source = TopicFile.from_path(ROOT / "data" / "faq" / f"{topic}.yml").source or ""
    match = re.search(r"https://[^\s;]+", source)
    assert match, f"{topic} has no https page in its bron; pick another topic for this test"
    return match.group(0).rstrip(".,)")


# --- the source page of a bron --------------------------------------------------------------

def test_first_https_page_with_its_title():
    page = first_page("seeds/003_x.txt (MantelzorgNL) ; Zorgkantoor (Regelhulp) — "
                      "https://www.regelhulp.nl/bladeren/_/artikel/zorgkantoor/ ; Ander — https://www.ciz.nl/")
    assert page == SourcePage("Zorgkantoor (Regelhulp)", "https://www.regelhulp.nl/bladeren/_/artikel/zorgkantoor/")
    inside = first_page("Mantelzorglijn 030 760 60 55 (MantelzorgNL, https://www.mantelzorg.nl); 113, https://www.113.nl")
    assert inside == SourcePage("Mantelzorglijn 030 760 60 55 (MantelzorgNL)", "https://www.mantelzorg.nl")


@pytest.mark.parametrize("source", [
    None, "", "   ",
    "seeds/003_9b636bd086889aa1.txt (MantelzorgNL)",
    "repo: README.md, Privacy",
    "Rijksoverheid — http://www.rijksoverheid.nl/onderwerpen/mantelzorg",
    "Gevaarlijk — javascript:alert(1)",
    "Data — data:text/html;base64,PHNjcmlwdD4=",
    "Met gebruiker — https://iemand@www.rijksoverheid.nl/",
    "Geen host — https:///pad",
    "Geen domein — https://localhost/pad",
])
def test_no_https_page_gives_no_link(source: Optional[str]):
    assert first_page(source) is None


def test_quotes_and_brackets_end_an_address():
    page = first_page('Pagina — https://www.regelhulp.nl/a"onmouseover="x<script>')
    assert page is not None and page.url == "https://www.regelhulp.nl/a"


def _topic(root: Path, slug: str, bron: Optional[str]) -> None:
    (root / "data" / "faq").mkdir(parents=True, exist_ok=True)
    metadata = f'    metadata:\n      bron: "{bron}"\n' if bron is not None else ""
    (root / "data" / "faq" / f"{slug}.yml").write_text(
        f'version: "3.1"\nnlu:\n  - intent: faq/{slug}\n{metadata}    examples: |\n      - vraag\n'
        f'responses:\n  utter_faq/{slug}:\n    - text: "Antwoord."\n', encoding="utf-8")


def test_topic_file_is_the_one_home_of_the_link(tmp_path: Path):
    _topic(tmp_path, "met_pagina", "Titel — https://www.mantelzorg.nl/pagina")
    _topic(tmp_path, "zonder_bron", None)
    _topic(tmp_path, "alleen_http", "Titel — http://www.mantelzorg.nl/pagina")
    (tmp_path / "data" / "faq" / "kapot.yml").write_text("nlu: [\n", encoding="utf-8")
    assert topic_page("met_pagina", tmp_path) == SourcePage("Titel", "https://www.mantelzorg.nl/pagina")
    assert topic_page("zonder_bron", tmp_path) is None
    assert topic_page("alleen_http", tmp_path) is None
    assert topic_page("kapot", tmp_path) is None
    assert topic_page("bestaat_niet", tmp_path) is None
    assert topic_page("../met_pagina", tmp_path) is None
    # an editor changes the page: the next answer links the new one, without a restart
    time.sleep(0.01)
    _topic(tmp_path, "met_pagina", "Nieuw — https://www.regelhulp.nl/nieuw")
    assert topic_page("met_pagina", tmp_path) == SourcePage("Nieuw", "https://www.regelhulp.nl/nieuw")


def test_only_faq_answers_carry_a_page():
    assert source_page({"utter_action": f"utter_faq/{FAQ_TOPIC}"}).url == expected_page()
    for other in ({}, {"utter_action": None}, {"utter_action": "utter_safety_crisis"},
                  {"utter_action": "utter_greet"}, {"utter_action": "utter_faq/"},
                  {"utter_action": "utter_faq/../../domain"}):
        assert source_page(other) is None


# --- WhatsApp: one line at the end, only within the limits --------------------------------

URL = "https://www.regelhulp.nl/onderwerpen/pgb"
BUTTONS = [{"title": "Via de gemeente", "payload": "/a"}, {"title": "Zoek zorgkantoor", "payload": "/b"}]


def body(message):
    return message["text"]["body"] if message["type"] == "text" else message["interactive"]["body"]["text"]


def test_cloud_reply_ends_with_the_read_more_line():
    plain = fmt.format_reply("Respijtzorg is vervangende zorg.")
    linked = fmt.format_reply("Respijtzorg is vervangende zorg.", read_more=URL)
    assert body(linked.messages[0]) == body(plain.messages[0]) + f"\n\nMeer lezen: {URL}"
    with_buttons = fmt.format_reply("Kies een weg.", BUTTONS, read_more=URL)
    assert [m["type"] for m in with_buttons.messages] == ["interactive"]
    assert body(with_buttons.messages[0]).endswith(f"Meer lezen: {URL}")
    assert fmt.format_reply("Tekst.", read_more=None) == fmt.format_reply("Tekst.")


def test_no_line_when_it_would_break_the_limits():
    near_body = "woord " * 165  # 990 characters: fits a button body (1,024), the line does not
    linked = fmt.format_reply(near_body, BUTTONS, read_more=URL)
    assert linked == fmt.format_reply(near_body, BUTTONS)
    assert "Meer lezen" not in body(linked.messages[-1])
    near_text = "woord " * 680  # 4,080 characters of a 4,096 text limit
    assert fmt.format_reply(near_text, read_more=URL) == fmt.format_reply(near_text)
    long_text = "zin. " * 1000  # already two messages: no link
    assert fmt.format_reply(long_text, read_more=URL) == fmt.format_reply(long_text)


def test_twilio_body_ends_the_answer_with_the_line_before_the_options():
    bodies = fmt.twilio_bodies("Kies een weg.", BUTTONS, read_more=URL)
    assert len(bodies) == 1
    assert bodies[0].startswith(f"Kies een weg.\n\nMeer lezen: {URL}\n\n1. Via de gemeente")
    assert bodies[0].endswith(fmt.NUMBERED_HINT)
    assert fmt.twilio_bodies("Tekst.", read_more=URL) == [f"Tekst.\n\nMeer lezen: {URL}"]
    near = "woord " * 265  # 1,590 of Twilio's 1,600 characters
    assert fmt.twilio_bodies(near, read_more=URL) == fmt.twilio_bodies(near) == [near.strip()]


# --- REST over real HTTP ----------------------------------------------------------------------

@pytest.mark.server
def test_rest_faq_answer_brings_its_page_as_extra_data(stack):
    messages = stack.send(f"rest-meer-lezen-{time.time_ns()}", FAQ_QUESTION)
    linked = [m for m in messages if "read_more" in m]
    assert len(linked) == 1 and linked[0] is [m for m in messages if m.get("text")][-1]
    assert linked[0]["read_more"]["url"] == expected_page()
    assert linked[0]["read_more"]["title"]
    answer = TopicFile.from_path(ROOT / "data" / "faq" / f"{FAQ_TOPIC}.yml").responses[0]["text"]
    assert " ".join(m["text"] for m in messages if m.get("text")) == answer  # the text as it is
    assert "Meer lezen" not in answer

    # the same topic chosen with a button (the action server's action_answer_topic)
    chosen = stack.send(f"rest-meer-lezen-{time.time_ns()}", '/choose_topic{"topic":"%s"}' % FAQ_TOPIC)
    assert [m["read_more"]["url"] for m in chosen if "read_more" in m] == [expected_page()]


@pytest.mark.server
def test_rest_safety_and_lookup_answers_stay_as_they_are(stack):
    from tests.test_http_safety import LEVELS

    for message, _ in LEVELS:
        assert all("read_more" not in m for m in stack.send(f"rest-veilig-{time.time_ns()}", message))
    lookup = stack.send(f"rest-zoek-{time.time_ns()}", "Welk zorgkantoor hoort bij Tilburg?")
    assert lookup and all("read_more" not in m for m in lookup)
