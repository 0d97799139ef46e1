"""Twilio WhatsApp channel over real HTTP: signed form posts to the running Rasa server,
replies recorded by the fake Twilio API (tests/fakes.py)."""
from __future__ import annotations

import random
import time
from typing import Dict, Optional

import pytest
import requests

from channels.signatures import twilio_signature
from channels.replies import MEDIA_REPLY
from channels.whatsapp_format import NUMBERED_HINT, plain_text
from tests.fakes import TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_NUMBER, FakeTwilioAPI, twilio_webhook_url

pytestmark = pytest.mark.server


def new_sender() -> str:
    return "whatsapp:+316" + "".join(random.choice("0123456789") for _ in range(8))


def form(sender: str, body: str = "", **extra: str) -> Dict[str, str]:
    sid = "SM" + "".join(random.choice("0123456789abcdef") for _ in range(32))
    data = {"SmsMessageSid": sid, "MessageSid": sid, "AccountSid": TWILIO_ACCOUNT_SID,
            "From": sender, "To": TWILIO_NUMBER, "Body": body, "NumMedia": "0",
            "ProfileName": "Test", "WaId": sender.split("+")[-1], "ApiVersion": "2010-04-01"}
    data.update(extra)
    return data


def post_form(stack, data: Dict[str, str], token: Optional[str] = TWILIO_AUTH_TOKEN,
              signature: Optional[str] = None, url: Optional[str] = None) -> requests.Response:
    target = twilio_webhook_url(stack.rasa_url)
    headers = {}
    if signature is not None:
        headers["X-Twilio-Signature"] = signature
    elif token is not None:
        headers["X-Twilio-Signature"] = twilio_signature(token, url or target, data)
    return requests.post(target, data=data, headers=headers, timeout=60)


def user_events(tracker):
    return [e for e in tracker.get("events") or [] if e.get("event") == "user"]


def test_missing_or_wrong_signature_gets_403(stack, fake_twilio: FakeTwilioAPI):
    sender = new_sender()
    data = form(sender, "hallo")
    assert post_form(stack, data, token=None).status_code == 403                        # missing
    assert post_form(stack, data, signature="bm9wZQ==").status_code == 403              # wrong
    assert post_form(stack, data, token="another-token").status_code == 403             # other key
    assert post_form(stack, data, url="https://elders.example/webhook").status_code == 403  # other URL
    signed = twilio_signature(TWILIO_AUTH_TOKEN, twilio_webhook_url(stack.rasa_url), data)
    assert post_form(stack, {**data, "Body": "iets anders"}, signature=signed).status_code == 403
    time.sleep(0.5)
    assert fake_twilio.messages_to(sender) == []
    assert user_events(stack.tracker(sender, "tw")) == []


def test_text_gets_a_dutch_reply_with_numbered_options(stack, fake_twilio: FakeTwilioAPI):
    sender = new_sender()
    response = post_form(stack, form(sender, "hallo"))
    assert response.status_code == 200 and "<Response>" in response.text
    sent = fake_twilio.wait_for_messages(sender)
    assert all(m["From"] == TWILIO_NUMBER and m["To"] == sender for m in sent)
    expected = stack.send(f"rest-{sender}", "hallo")
    first_text = plain_text(expected[0]["text"])
    assert sent[0]["Body"].startswith(first_text)
    buttons = [b for m in expected for b in m.get("buttons") or []]
    if buttons:
        assert NUMBERED_HINT in sent[-1]["Body"]
        assert f"1. {buttons[0]['title']}" in sent[-1]["Body"]
        # answering with the number picks that option
        assert post_form(stack, form(sender, "1")).status_code == 200
        latest = stack.tracker(sender, "tw")["latest_message"]
        assert "/" + latest["intent"]["name"] == buttons[0]["payload"].split("{")[0]
    assert all(len(m["Body"]) <= 1600 for m in sent)


def test_faq_answer_ends_with_its_source_page(stack, fake_twilio: FakeTwilioAPI):
    from tests.test_read_more import FAQ_QUESTION, expected_page

    sender = new_sender()
    assert post_form(stack, form(sender, FAQ_QUESTION)).status_code == 200
    sent = [m["Body"] for m in fake_twilio.wait_for_messages(sender)]
    expected = stack.send(f"rest-{sender}", FAQ_QUESTION)
    answer = plain_text([m for m in expected if m.get("text")][-1]["text"])
    line = f"Meer lezen: {expected_page()}"
    assert len(sent) == 1 and sent[0].startswith(f"{answer}\n\n{line}")  # the answer, then its page
    assert sent[0].count("Meer lezen") == 1 and len(sent[0]) <= 1600
    if any(m.get("buttons") for m in expected):
        assert sent[0].endswith(NUMBERED_HINT)  # the options still come last


def test_duplicate_message_sid_is_processed_once(stack, fake_twilio: FakeTwilioAPI):
    sender = new_sender()
    data = form(sender, "/greet")
    assert post_form(stack, data).status_code == 200
    count = len(fake_twilio.wait_for_messages(sender))
    assert post_form(stack, data).status_code == 200
    time.sleep(1.0)
    assert len(fake_twilio.messages_to(sender)) == count
    assert len(user_events(stack.tracker(sender, "tw"))) == 1


def test_location_reaches_rasa_as_share_location(stack, fake_twilio: FakeTwilioAPI):
    sender = new_sender()
    data = form(sender, "", Latitude="52.0907", Longitude="5.1214", Address="Utrecht")
    assert post_form(stack, data).status_code == 200
    tracker = stack.tracker(sender, "tw")
    assert tracker["latest_message"]["intent"]["name"] == "share_location"
    assert tracker["slots"]["latitude"] == pytest.approx(52.0907)
    assert tracker["slots"]["longitude"] == pytest.approx(5.1214)
    reply = " ".join(m["Body"] for m in fake_twilio.wait_for_messages(sender)).lower()
    assert "cliëntondersteun" in reply or "clientondersteun" in reply


def test_media_gets_a_polite_reply(stack, fake_twilio: FakeTwilioAPI):
    sender = new_sender()
    data = form(sender, "", NumMedia="1", MediaContentType0="audio/ogg",
                MediaUrl0="https://api.twilio.com/2010-04-01/Accounts/AC/Messages/MM/Media/ME")
    assert post_form(stack, data).status_code == 200
    assert [m["Body"] for m in fake_twilio.wait_for_messages(sender)] == [MEDIA_REPLY]
    assert user_events(stack.tracker(sender, "tw")) == []
