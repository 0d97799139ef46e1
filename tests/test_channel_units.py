"""Pure unit tests of the channels: signatures, formatting, dedup, 24-hour window, parsing.

No servers: the HTTP behaviour is tested in test_whatsapp_cloud.py / test_twilio_whatsapp.py.
"""
from __future__ import annotations

import asyncio
import json
from typing import Any, Dict, List


from channels import whatsapp_format as fmt
from channels.choices import ChoiceMemory
from channels.dedup import MessageDeduplicator
from channels.service_window import SEND, SUPPRESS, TEMPLATE, ServiceWindow
from channels.signatures import (meta_signature, twilio_signature, verify_meta_signature,
                                 verify_twilio_signature)
from channels.replies import MEDIA_REPLY
from channels.whatsapp_cloud import WhatsAppCloudInput, WhatsAppCloudOutput
from channels.whatsapp_inbound import shared_location_payload


class Clock:
    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


# --- signatures ------------------------------------------------------------------------

def test_meta_signature_accepts_only_the_right_hmac():
    body = b'{"object":"whatsapp_business_account","entry":[]}'
    good = meta_signature("s3cret", body)
    assert good.startswith("sha256=") and len(good) == 7 + 64
    assert verify_meta_signature("s3cret", body, good)
    assert verify_meta_signature("s3cret", body, good.upper().replace("SHA256=", "sha256="))
    assert not verify_meta_signature("s3cret", body + b" ", good)          # body changed
    assert not verify_meta_signature("other", body, good)                  # other secret
    assert not verify_meta_signature("s3cret", body, None)                 # missing
    assert not verify_meta_signature("s3cret", body, "")
    assert not verify_meta_signature("s3cret", body, good[7:])             # no prefix
    assert not verify_meta_signature("s3cret", body, "sha1=" + good[7:])
    assert not verify_meta_signature(None, body, good)                     # no secret configured
    assert not verify_meta_signature("s3cret", body, "sha256=zz\u00e9")    # junk


def test_twilio_signature_matches_twilios_own_validator():
    token = "12345"
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    params = {"CallSid": "CA1234567890ABCDE", "Caller": "+12349013030", "Digits": "1234",
              "From": "+12349013030", "To": "+18005551212"}
    # the example in Twilio's documentation and its SDK's tests
    assert twilio_signature(token, url, params) == "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
    from twilio.request_validator import RequestValidator  # installed with rasa
    expected = RequestValidator(token).compute_signature(url, params)
    assert twilio_signature(token, url, params) == expected
    assert verify_twilio_signature(token, url, params, expected)
    assert verify_twilio_signature(token, url, list(params.items()), expected)
    assert not verify_twilio_signature(token, url, {**params, "Digits": "9999"}, expected)
    assert not verify_twilio_signature("other", url, params, expected)
    assert not verify_twilio_signature(token, url, params, None)
    assert not verify_twilio_signature(None, url, params, expected)


def test_twilio_signature_with_and_without_default_port():
    token, params = "tok", {"Body": "hallo", "From": "whatsapp:+31600000000"}
    signed_with_port = twilio_signature(token, "https://bot.example.nl:443/webhooks/twilio_whatsapp/webhook", params)
    assert verify_twilio_signature(token, "https://bot.example.nl/webhooks/twilio_whatsapp/webhook",
                                   params, signed_with_port)


# --- formatting ------------------------------------------------------------------------

def _buttons(n: int, title: str = "Optie") -> List[Dict[str, str]]:
    return [{"title": f"{title} {i}", "payload": f"/choose_topic{{\"topic\":\"t{i}\"}}"} for i in range(1, n + 1)]


def test_up_to_three_buttons_become_reply_buttons_with_short_titles():
    buttons = [
        {"title": "Wat is cliëntondersteuning?", "payload": '/choose_topic{"topic":"wat_is_clientondersteuning"}'},
        {"title": "Cliëntondersteuner zoeken", "payload": "/find_clientondersteuner"},
        {"title": "Hulp als mantelzorger", "payload": '/choose_topic{"topic":"gemeente_voor_mantelzorgers"}'},
    ]
    reply = fmt.format_reply("Waar kan ik u mee helpen?", buttons)
    assert reply.kind == "buttons" and len(reply.messages) == 1
    interactive = reply.messages[0]["interactive"]
    assert interactive["type"] == "button"
    assert interactive["body"]["text"] == "Waar kan ik u mee helpen?"
    sent = interactive["action"]["buttons"]
    assert [b["reply"]["id"] for b in sent] == [b["payload"] for b in buttons]
    assert all(len(b["reply"]["title"]) <= 20 for b in sent)
    assert sent[1]["reply"]["title"] == "Cliëntondersteuner…"
    assert reply.remember is None


def test_four_to_ten_buttons_become_a_list():
    reply = fmt.format_reply("Kies een onderwerp", _buttons(7, "Een heel lang onderwerp over de Wmo"))
    assert reply.kind == "list"
    interactive = reply.messages[-1]["interactive"]
    assert interactive["type"] == "list"
    assert len(interactive["action"]["button"]) <= 20
    rows = interactive["action"]["sections"][0]["rows"]
    assert len(rows) == 7
    assert all(len(r["title"]) <= 24 and len(r["id"]) <= 200 for r in rows)
    assert all(len(r.get("description", "")) <= 72 for r in rows)
    assert rows[0]["description"].startswith("Een heel lang onderwerp")


def test_more_than_ten_buttons_become_numbered_text_and_are_remembered():
    buttons = _buttons(12)
    reply = fmt.format_reply("Kies:", buttons)
    assert reply.kind == "numbered"
    body = reply.messages[0]["text"]["body"]
    assert "1. Optie 1" in body and "12. Optie 12" in body and fmt.NUMBERED_HINT in body
    assert reply.remember == buttons
    memory = ChoiceMemory()
    memory.remember("u", reply.remember)
    assert memory.resolve("u", " 12 ") == buttons[11]["payload"]
    assert memory.resolve("u", "2.") == buttons[1]["payload"]
    assert memory.resolve("u", "optie 3") == buttons[2]["payload"]
    assert memory.resolve("u", "13") is None
    assert memory.resolve("u", "3511 AB") is None
    memory.forget("u")
    assert memory.resolve("u", "1") is None


def test_titles_that_collide_when_shortened_use_a_list():
    buttons = [{"title": "Mantelzorgwaardering aanvragen", "payload": "/a"},
               {"title": "Mantelzorgwaardering bekijken", "payload": "/b"}]
    reply = fmt.format_reply("Wat wilt u?", buttons)
    assert reply.kind == "list"


def test_long_payloads_get_choice_ids_and_map_back():
    buttons = [{"title": "Ja", "payload": "/affirm" + "x" * 300}, {"title": "Nee", "payload": "/deny"}]
    reply = fmt.format_reply("Klopt dat?", buttons)
    ids = [b["reply"]["id"] for b in reply.messages[0]["interactive"]["action"]["buttons"]]
    assert ids == ["keuze:0", "keuze:1"] and reply.remember == buttons
    assert fmt.choice_index("keuze:1") == 1 and fmt.choice_index("/deny") is None


def test_long_text_is_split_under_the_limit_at_natural_boundaries():
    paragraph = ("Een mantelzorger zorgt voor een naaste. " * 40).strip()
    text = "\n\n".join([paragraph] * 6)  # ~9.6k characters
    parts = fmt.split_text(text)
    assert len(parts) >= 3
    assert all(0 < len(p) <= fmt.MAX_TEXT for p in parts)
    assert " ".join(" ".join(parts).split()) == " ".join(text.split())
    assert all(p.endswith(".") for p in parts)  # no word or sentence cut in half
    # one unbroken word: hard cut, still under the limit, nothing lost
    blob = "x" * 10000
    assert [len(p) for p in fmt.split_text(blob)] == [4096, 4096, 1808]
    reply = fmt.format_reply(text)
    assert all(len(m["text"]["body"]) <= 4096 for m in reply.messages)


def test_long_text_with_buttons_keeps_the_button_body_under_1024():
    text = "Dit is een zin over de Wmo. " * 100
    reply = fmt.format_reply(text, _buttons(2))
    assert reply.messages[-1]["type"] == "interactive"
    assert len(reply.messages[-1]["interactive"]["body"]["text"]) <= 1024
    assert all(m["type"] == "text" and len(m["text"]["body"]) <= 4096 for m in reply.messages[:-1])


def test_markdown_links_become_plain_text_for_whatsapp():
    assert fmt.plain_text("Kijk op [MantelzorgNL](https://www.mantelzorg.nl).") == \
        "Kijk op MantelzorgNL (https://www.mantelzorg.nl)."


def test_twilio_numbered_text_and_split_limit():
    body = fmt.numbered_text("Waarmee kan ik helpen?", _buttons(3))
    assert body.splitlines()[2] == "1. Optie 1"
    assert all(len(p) <= fmt.TWILIO_MAX_BODY for p in fmt.split_text("woord " * 1000, fmt.TWILIO_MAX_BODY))


# --- dedup and window --------------------------------------------------------------------

def test_dedup_processes_an_id_once_within_the_ttl():
    clock = Clock(0)
    dedup = MessageDeduplicator(ttl_seconds=60, max_entries=3, clock=clock)
    assert dedup.first_time("wamid.1")
    assert not dedup.first_time("wamid.1")
    assert dedup.duplicates == 1
    clock.now = 61
    assert dedup.first_time("wamid.1")  # expired: a genuinely new delivery much later
    for i in range(2, 6):
        assert dedup.first_time(f"wamid.{i}")
    assert len(dedup) == 3  # bounded
    dedup.forget("wamid.5")
    assert dedup.first_time("wamid.5")
    assert dedup.first_time(None) and dedup.first_time("")  # nothing to deduplicate on


def test_service_window_template_once_then_nothing():
    clock = Clock()
    window = ServiceWindow(clock=clock)
    assert window.decide("u1", template_configured=True) == TEMPLATE  # never wrote to us
    assert window.decide("u1", template_configured=True) == SUPPRESS  # template already sent
    window.record_inbound("u1", clock.now - 60)
    assert window.is_open("u1")
    assert window.decide("u1", template_configured=True) == SEND
    clock.now += 24 * 3600
    assert not window.is_open("u1")
    assert window.decide("u1", template_configured=False) == SUPPRESS
    window.record_inbound("u1", clock.now + 3600)  # a timestamp in the future counts as now
    assert window.last_inbound("u1") == clock.now
    assert window.stats == {"sent_in_window": 1, "template_sent": 1, "suppressed": 2}
    window.record_inbound("u2", clock.now - 25 * 3600)  # a late (retried) delivery
    assert not window.is_open("u2")


# --- the Cloud API channel, without HTTP --------------------------------------------------

class FakeGraph:
    configured = True

    def __init__(self) -> None:
        self.sent: List[Dict[str, Any]] = []

    async def send(self, recipient_id: str, message: Dict[str, Any]) -> str:
        self.sent.append({"to": recipient_id, **message})
        return "wamid.out"


def _output(clock: Clock, template: str = None):
    window = ServiceWindow(clock=clock)
    graph = FakeGraph()
    return WhatsAppCloudOutput(graph, window, ChoiceMemory(), template), graph, window


def test_output_respects_the_24_hour_window():
    clock = Clock()
    out, graph, window = _output(clock, template="mantelzorg_vervolg")
    window.record_inbound("31611111111", clock.now - 10)
    asyncio.run(out.send_text_message("31611111111", "Hallo"))
    assert graph.sent[-1]["type"] == "text"
    clock.now += 25 * 3600
    asyncio.run(out.send_text_message("31611111111", "Nog een bericht"))
    asyncio.run(out.send_text_message("31611111111", "En nog een"))
    assert [m["type"] for m in graph.sent] == ["text", "template"]
    assert graph.sent[-1]["template"] == {"name": "mantelzorg_vervolg", "language": {"code": "nl"}}

    out2, graph2, window2 = _output(clock, template=None)
    asyncio.run(out2.send_text_with_buttons("31622222222", "Kies", _buttons(2)))
    assert graph2.sent == [] and window2.stats["suppressed"] == 1


def test_shared_location_payload_is_parsed_by_rasa_as_share_location():
    payload = shared_location_payload("52.0907", 5.1214)
    assert payload == '/share_location{"latitude": 52.0907, "longitude": 5.1214}'
    assert shared_location_payload(91, 5) is None and shared_location_payload("x", 5) is None
    assert shared_location_payload(float("nan"), 5) is None
    from rasa.nlu.classifiers.regex_message_handler import RegexMessageHandler
    from rasa.shared.nlu.training_data.message import Message
    parsed = RegexMessageHandler().process([Message(data={"text": payload})], domain=None)[0]
    assert parsed.get("intent")["name"] == "share_location"
    values = {e["entity"]: e["value"] for e in parsed.get("entities")}
    assert values == {"latitude": 52.0907, "longitude": 5.1214}


def _channel(clock: Clock) -> WhatsAppCloudInput:
    channel = WhatsAppCloudInput(verify_token="v", app_secret="s", access_token="a",
                                 phone_number_id="123", window=ServiceWindow(clock=clock))
    channel.client = FakeGraph()
    return channel


def test_inbound_messages_are_understood():
    clock = Clock()
    channel = _channel(clock)
    text, kind = channel.to_text("u", {"type": "text", "text": {"body": "Wat is de Wmo?"}})
    assert (text, kind) == ("Wat is de Wmo?", "text")
    reply = {"type": "interactive", "interactive": {"type": "button_reply",
             "button_reply": {"id": "/find_clientondersteuner", "title": "Zoeken"}}}
    assert channel.to_text("u", reply) == ("/find_clientondersteuner", "choice")
    row = {"type": "interactive", "interactive": {"type": "list_reply",
           "list_reply": {"id": '/choose_topic{"topic":"kosten"}', "title": "Kosten"}}}
    assert channel.to_text("u", row) == ('/choose_topic{"topic":"kosten"}', "choice")
    loc = {"type": "location", "location": {"latitude": 52.37, "longitude": 4.89, "name": "Dam"}}
    assert channel.to_text("u", loc) == ('/share_location{"latitude": 52.37, "longitude": 4.89}', "location")
    for media in ("audio", "image", "video", "document", "sticker", "voice", "contacts", "unsupported"):
        assert channel.to_text("u", {"type": media}) == (None, "media")
    assert channel.to_text("u", {"type": "reaction"}) == (None, "ignore")
    button = {"type": "button", "button": {"payload": "/affirm", "text": "Ja"}}
    assert channel.to_text("u", button) == ("/affirm", "choice")


def test_handle_message_dedups_and_answers_media_politely():
    clock = Clock()
    channel = _channel(clock)
    received: List[Any] = []

    async def on_new_message(message):
        received.append(message)

    msg = {"from": "31633333333", "id": "wamid.A", "timestamp": str(int(clock.now)), "type": "text",
           "text": {"body": "hallo"}}
    assert asyncio.run(channel.handle_message(msg, {}, on_new_message)) == "text"
    assert asyncio.run(channel.handle_message(msg, {}, on_new_message)) == "duplicate"
    assert len(received) == 1 and received[0].text == "hallo" and received[0].sender_id == "wa:31633333333"
    assert received[0].input_channel == "whatsapp_cloud" and received[0].message_id == "wamid.A"
    audio = {"from": "31633333333", "id": "wamid.B", "timestamp": str(int(clock.now)), "type": "audio",
             "audio": {"id": "media-1"}}
    assert asyncio.run(channel.handle_message(audio, {}, on_new_message)) == "media"
    assert len(received) == 1
    assert channel.client.sent[-1]["text"]["body"] == MEDIA_REPLY


def test_numbered_reply_maps_back_to_the_payload():
    clock = Clock()
    channel = _channel(clock)
    received: List[Any] = []

    async def on_new_message(message):
        received.append(message)

    user = "31644444444"
    channel.window.record_inbound(user)
    buttons = _buttons(11)
    asyncio.run(channel.get_output_channel().send_text_with_buttons(user, "Kies:", buttons))
    msg = {"from": user, "id": "wamid.N", "timestamp": str(int(clock.now)), "type": "text", "text": {"body": "4"}}
    asyncio.run(channel.handle_message(msg, {}, on_new_message))
    assert received[-1].text == buttons[3]["payload"]
    # the options are valid for one reply only
    msg2 = dict(msg, id="wamid.N2")
    asyncio.run(channel.handle_message(msg2, {}, on_new_message))
    assert received[-1].text == "4"


def test_secrets_come_from_the_environment_only(monkeypatch):
    for name in ("WHATSAPP_VERIFY_TOKEN", "WHATSAPP_APP_SECRET", "WHATSAPP_ACCESS_TOKEN",
                 "WHATSAPP_PHONE_NUMBER_ID", "WHATSAPP_API_URL", "WHATSAPP_TEMPLATE_NAME"):
        monkeypatch.delenv(name, raising=False)
    channel = WhatsAppCloudInput.from_credentials({"app_secret": "in-yaml", "template_language": "nl"})
    assert channel.app_secret is None and not channel.client.configured  # loads, webhook 503
    assert channel.client.api_url == "https://graph.facebook.com/v20.0"
    monkeypatch.setenv("WHATSAPP_APP_SECRET", "from-env")
    monkeypatch.setenv("WHATSAPP_API_URL", "http://127.0.0.1:9/v20.0/")
    channel = WhatsAppCloudInput.from_credentials(None)
    assert channel.app_secret == "from-env" and channel.client.api_url == "http://127.0.0.1:9/v20.0"


def test_credentials_yml_holds_no_secrets():
    import yaml
    from ops.model_state import ROOT
    creds = yaml.safe_load((ROOT / "credentials.yml").read_text(encoding="utf-8"))
    assert "channels.whatsapp_cloud.WhatsAppCloudInput" in creds
    assert "channels.twilio_whatsapp.TwilioWhatsAppInput" in creds
    flat = json.dumps(creds).lower()
    for word in ("secret", "token", "password", "auth_token", "access_token"):
        assert word not in flat


def test_clean_text_keeps_a_danger_phrase_from_the_part_it_cuts():
    from channels.input_text import MAX_MESSAGE_CHARS, clean_text
    from safety.terms import has_danger_phrase

    long_story = "Het zorgen voor mijn moeder is zwaar. " * 100
    cleaned = clean_text(long_story + "Ik wil niet meer leven.")
    assert cleaned.truncated and len(cleaned.text) <= MAX_MESSAGE_CHARS
    assert has_danger_phrase(cleaned.text)
    plain = clean_text(long_story + "Wat is respijtzorg?")
    assert plain.truncated and not has_danger_phrase(plain.text) and "…" not in plain.text
