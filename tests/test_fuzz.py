"""Fuzzing, short and seeded (review item 7): property tests of the input cleaning and the
WhatsApp payload parsing, and schemathesis/hypothesis requests against the running server.
The longer run is ``python -m bench.fuzz_bench`` (results/fuzz.md)."""
from __future__ import annotations

import json
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.fuzz import JSON_VALUES, cloud_payloads, fuzz_api, fuzz_twilio, fuzz_whatsapp_cloud
from channels.input_text import _BIDI_CONTROLS, MAX_MESSAGE_CHARS, clean_text, has_controls
from channels.request_limits import METADATA_MAX_BYTES, cap_metadata
from channels.rest_channel import BadRequest, RestRequest, parse_request
from channels.twilio_whatsapp import TwilioWhatsAppInput
from channels.whatsapp_cloud import WhatsAppCloudInput, webhook_changes
from ops.stack import Stack
from tests.fakes import TWILIO_AUTH_TOKEN, WA_APP_SECRET, twilio_webhook_url

SEEDED = settings(derandomize=True, database=None, deadline=None, max_examples=300,
                  suppress_health_check=[HealthCheck.too_slow])
ANY_TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=3000)


@SEEDED
@given(ANY_TEXT)
def test_cleaned_text_has_no_controls_and_a_bounded_length(text: str) -> None:
    cleaned = clean_text(text)
    assert len(cleaned.text) <= MAX_MESSAGE_CHARS
    assert all(c == "\n" or unicodedata.category(c) not in ("Cc", "Cs") for c in cleaned.text)
    assert not _BIDI_CONTROLS & set(cleaned.text)
    assert unicodedata.is_normalized("NFC", cleaned.text)
    if not cleaned.truncated:
        assert clean_text(cleaned.text).text == cleaned.text  # cleaning is idempotent


@SEEDED
@given(st.one_of(st.binary(max_size=500), JSON_VALUES.map(lambda v: json.dumps(v).encode()),
                 st.fixed_dictionaries({"sender": JSON_VALUES, "message": JSON_VALUES},
                                       optional={"metadata": JSON_VALUES}).map(lambda v: json.dumps(v).encode())))
def test_rest_parsing_never_raises_and_keeps_senders_clean(body: bytes) -> None:
    parsed = parse_request(body)
    assert isinstance(parsed, (RestRequest, BadRequest))
    if isinstance(parsed, RestRequest):
        assert parsed.sender and not has_controls(parsed.sender)
        assert parsed.metadata is None or len(json.dumps(parsed.metadata).encode()) <= METADATA_MAX_BYTES


@SEEDED
@given(JSON_VALUES)
def test_metadata_is_capped(value: object) -> None:
    capped = cap_metadata(value)
    assert isinstance(capped, dict) and len(json.dumps(capped, ensure_ascii=False).encode()) <= METADATA_MAX_BYTES


@SEEDED
@given(cloud_payloads())
def test_whatsapp_cloud_parsing_never_raises(payload: object) -> None:
    channel = WhatsAppCloudInput()
    changes = webhook_changes(payload)
    for value in changes or []:
        for message in value.get("messages") if isinstance(value.get("messages"), list) else []:
            if isinstance(message, dict):
                text, kind = channel.to_text("31600000000", message)
                assert kind in {"text", "choice", "location", "bad_location", "media", "ignore"}
                assert text is None or isinstance(text, str)


@SEEDED
@given(st.dictionaries(st.sampled_from(["From", "Body", "NumMedia", "Latitude", "Longitude",
                                        "ButtonPayload", "MediaContentType0"]), st.text(max_size=50)))
def test_twilio_parsing_never_raises(form: dict) -> None:
    text, kind = TwilioWhatsAppInput().to_text("whatsapp:+31600000000", form)
    assert text is None or isinstance(text, str)


# --- the running server ----------------------------------------------------------------

@pytest.mark.server
def test_schemathesis_finds_no_server_error_on_the_api_and_rest_webhook(stack: Stack) -> None:
    report = fuzz_api(stack.rasa_url, stack.token, examples_per_operation=8)
    assert report.requests >= 100
    assert not report.server_errors, "\n".join(report.server_errors)
    assert report.hangs == [] and report.echoes == [], report.as_dict()


@pytest.mark.server
def test_signed_whatsapp_fuzz_finds_no_server_error(stack: Stack) -> None:
    cloud = fuzz_whatsapp_cloud(stack.rasa_url, WA_APP_SECRET, examples=60)
    twilio = fuzz_twilio(stack.rasa_url, TWILIO_AUTH_TOKEN, twilio_webhook_url(stack.rasa_url), examples=40)
    for report in (cloud, twilio):
        assert report.requests >= 40
        assert report.server_errors == [] and report.hangs == [], report.as_dict()
        assert 401 not in report.statuses and 403 not in report.statuses  # the signatures were right
