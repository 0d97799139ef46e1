"""WhatsApp Cloud API channel over real HTTP: signed webhooks to the running Rasa server,
replies recorded by the fake Graph API (tests/fakes.py)."""
from __future__ import annotations

import json
import random
import time
from typing import Any, Dict, List, Optional

import pytest
import requests

from channels.signatures import meta_signature
from channels.replies import MEDIA_REPLY
from channels.whatsapp_format import plain_text, with_read_more
from tests.fakes import (WA_APP_SECRET, WA_PHONE_NUMBER_ID, WA_TEMPLATE_NAME, WA_VERIFY_TOKEN,
                         FakeGraphAPI)

pytestmark = pytest.mark.server

PATH = "/webhooks/whatsapp_cloud/webhook"


def new_wa_id() -> str:
    return "316" + "".join(random.choice("0123456789") for _ in range(8))


def new_message_id() -> str:
    return "wamid.test." + "".join(random.choice("0123456789ABCDEF") for _ in range(24))


def envelope(wa_id: str, message: Dict[str, Any]) -> Dict[str, Any]:
    message = {"from": wa_id, "id": new_message_id(), "timestamp": str(int(time.time())), **message}
    return {"object": "whatsapp_business_account", "entry": [{"id": "WABA_ID", "changes": [{
        "field": "messages",
        "value": {"messaging_product": "whatsapp",
                  "metadata": {"display_phone_number": "31850000000", "phone_number_id": WA_PHONE_NUMBER_ID},
                  "contacts": [{"profile": {"name": "Test"}, "wa_id": wa_id}],
                  "messages": [message]}}]}]}


def post_webhook(stack, payload: Dict[str, Any], secret: Optional[str] = WA_APP_SECRET,
                 signature: Optional[str] = None, body: Optional[bytes] = None) -> requests.Response:
    raw = body if body is not None else json.dumps(payload, ensure_ascii=False).encode("utf-8")
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers["X-Hub-Signature-256"] = signature
    elif secret is not None:
        headers["X-Hub-Signature-256"] = meta_signature(secret, raw)
    return requests.post(stack.rasa_url + PATH, data=raw, headers=headers, timeout=60)


def texts(messages: List[Dict[str, Any]]) -> List[str]:
    out = []
    for m in messages:
        if m.get("type") == "text":
            out.append(m["text"]["body"])
        elif m.get("type") == "interactive":
            out.append(m["interactive"]["body"]["text"])
    return out


def as_whatsapp(rest_messages: List[Dict[str, Any]]) -> List[str]:
    """What WhatsApp should say for the REST channel's messages: the same plain text, and an
    FAQ answer's source page as its last line ("Meer lezen: <url>")."""
    return [with_read_more(m["text"], m["read_more"]["url"]) if m.get("read_more") else plain_text(m["text"])
            for m in rest_messages if m.get("text")]


def user_events(tracker: Dict[str, Any]) -> List[Dict[str, Any]]:
    return [e for e in tracker.get("events") or [] if e.get("event") == "user"]


def health(stack) -> Dict[str, Any]:
    return requests.get(stack.rasa_url + "/webhooks/whatsapp_cloud/", params={"token": stack.token},
                        timeout=10).json()


# --- verification and signatures --------------------------------------------------------

def test_get_verification(stack):
    url = stack.rasa_url + PATH
    ok = requests.get(url, params={"hub.mode": "subscribe", "hub.verify_token": WA_VERIFY_TOKEN,
                                   "hub.challenge": "1158201444"}, timeout=10)
    assert ok.status_code == 200 and ok.text == "1158201444"
    wrong = requests.get(url, params={"hub.mode": "subscribe", "hub.verify_token": "nope",
                                      "hub.challenge": "1158201444"}, timeout=10)
    assert wrong.status_code == 403 and "1158201444" not in wrong.text
    no_mode = requests.get(url, params={"hub.verify_token": WA_VERIFY_TOKEN, "hub.challenge": "1"}, timeout=10)
    assert no_mode.status_code == 403


def test_bad_signatures_are_rejected_with_401(stack, fake_graph: FakeGraphAPI):
    wa_id = new_wa_id()
    payload = envelope(wa_id, {"type": "text", "text": {"body": "hallo"}})
    raw = json.dumps(payload).encode("utf-8")
    assert post_webhook(stack, payload, secret=None).status_code == 401                     # missing
    assert post_webhook(stack, payload, signature="sha256=" + "0" * 64).status_code == 401  # wrong
    assert post_webhook(stack, payload, secret="another-secret").status_code == 401        # other key
    tampered = raw.replace(b"hallo", b"hallO")
    assert post_webhook(stack, payload, signature=meta_signature(WA_APP_SECRET, raw),
                        body=tampered).status_code == 401                                  # body changed
    assert post_webhook(stack, payload, signature=meta_signature(WA_APP_SECRET, raw)[7:]).status_code == 401
    time.sleep(0.5)
    assert fake_graph.messages_to(wa_id) == []
    assert user_events(stack.tracker(wa_id, "wa")) == []


# --- conversations -------------------------------------------------------------------------

def test_text_message_gets_the_same_dutch_answer_as_the_web(stack, fake_graph: FakeGraphAPI):
    wa_id = new_wa_id()
    response = post_webhook(stack, envelope(wa_id, {"type": "text", "text": {"body": "hallo"}}))
    assert response.status_code == 200
    sent = fake_graph.wait_for_messages(wa_id)
    expected = stack.send(f"rest-{wa_id}", "hallo")
    assert texts(sent) == as_whatsapp(expected)
    assert any(w in " ".join(texts(sent)).lower().split() for w in ("u", "uw", "ik", "de", "het"))
    for message in sent:
        assert message["messaging_product"] == "whatsapp" and message["to"] == wa_id
    buttons = [b for m in expected for b in m.get("buttons") or []]
    if 0 < len(buttons) <= 3:
        action = sent[-1]["interactive"]["action"]["buttons"]
        assert [b["reply"]["id"] for b in action] == [b["payload"] for b in buttons]
        assert all(len(b["reply"]["title"]) <= 20 for b in action)
    # the outgoing request carried the access token and went to the phone number's endpoint
    last = fake_graph.snapshot()[-1]
    assert last.headers["authorization"].startswith("Bearer ")
    assert last.path.endswith(f"/{WA_PHONE_NUMBER_ID}/messages")


def test_button_and_list_replies_reach_rasa_as_payloads(stack, fake_graph: FakeGraphAPI):
    wa_id = new_wa_id()
    button = {"type": "interactive", "interactive": {"type": "button_reply", "button_reply": {
        "id": '/choose_topic{"topic":"wat_is_clientondersteuning"}', "title": "Wat is cliëntonders…"}}}
    assert post_webhook(stack, envelope(wa_id, button)).status_code == 200
    latest = stack.tracker(wa_id, "wa")["latest_message"]
    assert latest["intent"]["name"] == "choose_topic"
    assert {e["entity"]: e["value"] for e in latest["entities"]}.get("topic") == "wat_is_clientondersteuning"
    answer = fake_graph.wait_for_messages(wa_id)
    rest = stack.send(f"rest-{wa_id}", '/choose_topic{"topic":"wat_is_clientondersteuning"}')
    assert texts(answer) == as_whatsapp(rest)

    row = {"type": "interactive", "interactive": {"type": "list_reply", "list_reply": {
        "id": "/bot_challenge", "title": "Bent u een mens?", "description": ""}}}
    before = len(fake_graph.messages_to(wa_id))
    assert post_webhook(stack, envelope(wa_id, row)).status_code == 200
    assert stack.tracker(wa_id, "wa")["latest_message"]["intent"]["name"] == "bot_challenge"
    assert len(fake_graph.wait_for_messages(wa_id, before + 1)) > before


def test_faq_answer_ends_with_its_source_page(stack, fake_graph: FakeGraphAPI):
    from tests.test_read_more import FAQ_QUESTION, expected_page

    wa_id = new_wa_id()
    assert post_webhook(stack, envelope(wa_id, {"type": "text", "text": {"body": FAQ_QUESTION}})).status_code == 200
    sent = fake_graph.wait_for_messages(wa_id)
    line = f"Meer lezen: {expected_page()}"
    assert texts(sent)[-1].endswith("\n\n" + line)
    assert sum(text.count("Meer lezen") for text in texts(sent)) == 1
    assert texts(sent) == as_whatsapp(stack.send(f"rest-{wa_id}", FAQ_QUESTION))
    assert all(len(body) <= (1024 if m["type"] == "interactive" else 4096) for m, body in zip(sent, texts(sent)))


def test_duplicate_delivery_is_processed_once(stack, fake_graph: FakeGraphAPI):
    wa_id = new_wa_id()
    payload = envelope(wa_id, {"type": "text", "text": {"body": "/greet"}})
    duplicates_before = health(stack)["duplicates_ignored"]
    assert post_webhook(stack, payload).status_code == 200
    first = len(fake_graph.wait_for_messages(wa_id))
    assert post_webhook(stack, payload).status_code == 200  # Meta retries the same delivery
    time.sleep(1.0)
    assert len(fake_graph.messages_to(wa_id)) == first
    assert len(user_events(stack.tracker(wa_id, "wa"))) == 1
    assert health(stack)["duplicates_ignored"] == duplicates_before + 1


def test_location_finds_the_nearest_clientondersteuner(stack, fake_graph: FakeGraphAPI):
    wa_id = new_wa_id()
    location = {"type": "location", "location": {"latitude": 52.0907, "longitude": 5.1214,
                                                 "name": "Utrecht Centraal", "address": "Stationsplein"}}
    assert post_webhook(stack, envelope(wa_id, location)).status_code == 200
    tracker = stack.tracker(wa_id, "wa")
    assert tracker["latest_message"]["intent"]["name"] == "share_location"
    assert tracker["slots"]["latitude"] == pytest.approx(52.0907)
    assert tracker["slots"]["longitude"] == pytest.approx(5.1214)
    reply = " ".join(texts(fake_graph.wait_for_messages(wa_id))).lower()
    assert "cliëntondersteun" in reply or "clientondersteun" in reply


def test_audio_and_images_get_a_polite_dutch_reply(stack, fake_graph: FakeGraphAPI):
    wa_id = new_wa_id()
    audio = {"type": "audio", "audio": {"id": "MEDIA_ID_1", "mime_type": "audio/ogg; codecs=opus", "voice": True}}
    assert post_webhook(stack, envelope(wa_id, audio)).status_code == 200
    image = {"type": "image", "image": {"id": "MEDIA_ID_2", "mime_type": "image/jpeg", "caption": "kijk"}}
    assert post_webhook(stack, envelope(wa_id, image)).status_code == 200
    sent = fake_graph.wait_for_messages(wa_id, 2)
    assert texts(sent) == [MEDIA_REPLY, MEDIA_REPLY]
    assert user_events(stack.tracker(wa_id, "wa")) == []  # not through NLU


def test_status_updates_are_accepted_and_ignored(stack):
    payload = {"object": "whatsapp_business_account", "entry": [{"id": "WABA_ID", "changes": [{
        "field": "messages", "value": {"messaging_product": "whatsapp",
                                       "metadata": {"phone_number_id": WA_PHONE_NUMBER_ID},
                                       "statuses": [{"id": "wamid.x", "status": "delivered",
                                                     "timestamp": str(int(time.time())),
                                                     "recipient_id": "31600000000"}]}}]}]}
    response = post_webhook(stack, payload)
    assert response.status_code == 200 and response.json()["handled"] == []


# --- the 24-hour customer-service window ---------------------------------------------------

def test_reply_outside_24_hours_sends_the_template_once(stack, fake_graph: FakeGraphAPI):
    wa_id = new_wa_id()
    before = health(stack)["outside_window"]
    old = str(int(time.time()) - 25 * 3600)  # a delivery of a message sent 25 hours ago
    first = envelope(wa_id, {"type": "text", "text": {"body": "/greet"}})
    first["entry"][0]["changes"][0]["value"]["messages"][0]["timestamp"] = old
    assert post_webhook(stack, first).status_code == 200
    sent = fake_graph.wait_for_messages(wa_id)
    assert [m["type"] for m in sent] == ["template"]
    assert sent[0]["template"] == {"name": WA_TEMPLATE_NAME, "language": {"code": "nl"}}

    second = envelope(wa_id, {"type": "text", "text": {"body": "/bot_challenge"}})
    second["entry"][0]["changes"][0]["value"]["messages"][0]["timestamp"] = old
    assert post_webhook(stack, second).status_code == 200
    time.sleep(0.5)
    assert [m["type"] for m in fake_graph.messages_to(wa_id)] == ["template"]  # nothing more
    after = health(stack)["outside_window"]
    assert after["template_sent"] == before["template_sent"] + 1
    assert after["suppressed"] >= before["suppressed"] + 1

    # the user writes again: the window is open, free-form replies go out again
    assert post_webhook(stack, envelope(wa_id, {"type": "text", "text": {"body": "/greet"}})).status_code == 200
    assert fake_graph.wait_for_messages(wa_id, 2)[-1]["type"] in ("text", "interactive")


def test_proactive_message_to_a_silent_user_sends_the_template(stack, fake_graph: FakeGraphAPI):
    wa_id = new_wa_id()
    response = requests.post(
        f"{stack.rasa_url}/conversations/{wa_id}/trigger_intent",
        params={"token": stack.token, "output_channel": "whatsapp_cloud"},
        json={"name": "greet"}, timeout=60)
    assert response.status_code == 200
    sent = fake_graph.wait_for_messages(wa_id)
    assert [m["type"] for m in sent] == ["template"]


# --- privacy ---------------------------------------------------------------------------------

def test_message_text_is_never_logged(stack, fake_graph: FakeGraphAPI):
    wa_id = new_wa_id()
    marker = "vertrouwelijk" + "".join(random.choice("qwxz") for _ in range(12))
    payload = envelope(wa_id, {"type": "text", "text": {"body": f"mijn moeder {marker} heeft dementie"}})
    assert post_webhook(stack, payload).status_code == 200
    fake_graph.wait_for_messages(wa_id)
    time.sleep(0.5)
    for log in (stack.rasa_log, stack.action_log):
        assert marker not in log.read_text(encoding="utf-8", errors="replace")
    assert wa_id not in stack.rasa_log.read_text(encoding="utf-8", errors="replace")
