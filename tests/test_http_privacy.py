"""No personal data in the server logs at the default log level.

The shared stack runs ``rasa run`` and the action server exactly as ops/stack.py starts
them (INFO, the default). Messages with a unique marker, a postcode and a phone number go
through the lookups, a FAQ answer, the fallback and a broken request; then neither log may
contain any of them. Logs of the whole session are read, so what other tests sent counts
too.
"""
from __future__ import annotations

import time
import uuid

import pytest
import requests

from ops.stack import Stack
from tests.conversation import bot_texts

pytestmark = pytest.mark.server

POSTCODE = "9712 CP"
PHONE = "06-12345678"


def test_no_message_text_postcode_or_phone_number_in_the_logs(stack: Stack) -> None:
    marker = f"privacymarker{uuid.uuid4().hex[:10]}"
    sender = f"privacy-{uuid.uuid4().hex[:8]}"
    messages = [
        f"Ik woon in {POSTCODE}, waar vind ik een cliëntondersteuner? {marker}",
        f"welk zorgkantoor hoort bij {POSTCODE}? {marker}",
        f"Mijn nummer is {PHONE}, bel me terug {marker}",
        f"wat is een keukentafelgesprek {marker}",
        f"blub flarp {marker} {PHONE}",
        f"{POSTCODE}",
    ]
    for text in messages:
        assert bot_texts(stack.send(sender, text))
    bad = requests.post(f"{stack.rasa_url}/webhooks/rest/webhook",
                        json={"sender": sender, "message": {"text": marker}}, timeout=30)
    assert bad.status_code == 400
    time.sleep(0.5)  # let both servers write their last lines
    for log in (stack.rasa_log, stack.action_log):
        text = log.read_text(errors="replace")
        for secret in (marker, POSTCODE, POSTCODE.replace(" ", ""), PHONE, PHONE.replace("-", "")):
            assert secret not in text, f"{secret!r} found in {log.name}"
