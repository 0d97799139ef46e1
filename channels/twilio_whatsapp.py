"""WhatsApp through Twilio, with the webhook signature checked.

Rasa's built-in ``twilio`` channel accepts any POST: it never checks ``X-Twilio-Signature``,
so anyone who knows the URL can talk to the assistant in a user's name. This channel does:
the signature (HMAC-SHA1 of the public webhook URL plus the sorted form parameters, keyed
with the auth token) is checked in constant time, and a missing or wrong one gets 403.

Webhook: ``/webhooks/twilio_whatsapp/webhook`` (set it as "When a message comes in" in the
Twilio console; the URL must be exactly ``TWILIO_WEBHOOK_URL``, because Twilio signs the
URL it calls, and behind a proxy Rasa cannot see that URL itself).

Inbound: text (``Body``; a typed number picks a numbered option), template quick-reply
buttons (``ButtonPayload``), locations (``Latitude``/``Longitude`` → ``/share_location``),
media (``NumMedia`` > 0) → a polite Dutch reply. A repeated delivery (same ``MessageSid``) is
processed once. Text is cleaned by ``channels.input_text`` and a message without any answer
gets the ``channels.never_silent`` apology (the steps shared with the Cloud API channel, in
``channels.whatsapp_inbound``). Outbound: Twilio's Messages API; buttons as
numbered text, long text split under Twilio's 1,600-character limit, and the same 24-hour
window as the Cloud API (outside it the Content template ``TWILIO_TEMPLATE_CONTENT_SID``
once, or nothing). Like the Cloud API channel, its state is shared in Redis when
``REDIS_HOST`` is set (``channels.shared_state``), so any replica may receive a webhook.

Secrets only from the environment: ``TWILIO_ACCOUNT_SID``, ``TWILIO_AUTH_TOKEN``; also
``TWILIO_WHATSAPP_NUMBER`` (``whatsapp:+31...``), ``TWILIO_API_URL``, ``TWILIO_WEBHOOK_URL``.
"""
from __future__ import annotations

import logging
import os
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text, Tuple
from urllib.parse import parse_qsl

import aiohttp
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels import whatsapp_format as fmt
from channels.api_guard import ChannelBlueprint, has_api_token
from channels.choices import ChoiceMemory
from channels.never_silent import NeverSilent
from channels.outbound import post
from channels.pseudonym import user_ref
from channels.read_more import page_url
from channels.sender_ids import TWILIO, channel_user
from channels.service_window import SEND, TEMPLATE, ServiceWindow
from channels.shared_state import channel_state
from channels.replies import TWILIO_NOT_CONFIGURED
from channels.signatures import verify_twilio_signature
from channels.whatsapp_inbound import (BAD_LOCATION, CHOICE, DUPLICATE, LOCATION, MEDIA, TEXT, WhatsAppInbound,
                                       shared_location_payload)

logger = logging.getLogger(__name__)

DEFAULT_API_URL = "https://api.twilio.com"
SIGNATURE_HEADER = "X-Twilio-Signature"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


class TwilioClient:
    def __init__(self, api_url: str, account_sid: Optional[str], auth_token: Optional[str],
                 from_number: Optional[str]) -> None:
        self.api_url = api_url.rstrip("/")
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.from_number = from_number

    @property
    def configured(self) -> bool:
        return bool(self.account_sid and self.auth_token and self.from_number)

    async def send(self, to: str, fields: Dict[str, str]) -> Optional[str]:
        if not self.configured:
            logger.warning("twilio_whatsapp: cannot send, TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN "
                           "or TWILIO_WHATSAPP_NUMBER is not set")
            return None
        data = {"To": to, "From": self.from_number or "", **fields}
        status, body = await post(
            f"{self.api_url}/2010-04-01/Accounts/{self.account_sid}/Messages.json",
            data=data, auth=aiohttp.BasicAuth(self.account_sid or "", self.auth_token or ""))
        if 200 <= status < 300:
            sid = (body or {}).get("sid", "?")
            logger.debug("twilio_whatsapp: sent message %s to user %s", sid, user_ref(to))
            return str(sid)
        logger.error("twilio_whatsapp: Twilio answered %s (code %s)", status, (body or {}).get("code"))
        return None


class TwilioWhatsAppOutput(OutputChannel):
    @classmethod
    def name(cls) -> Text:
        return "twilio_whatsapp"

    def __init__(self, client: TwilioClient, window: ServiceWindow, choices: ChoiceMemory,
                 template_content_sid: Optional[str] = None) -> None:
        self.client = client
        self.window = window
        self.choices = choices
        self.template_content_sid = template_content_sid

    async def _deliver(self, recipient_id: Text, bodies: List[str],
                       remember: Optional[List[Dict[str, Any]]] = None) -> None:
        recipient_id = channel_user(TWILIO, recipient_id)  # Rasa names the conversation
        if not bodies:
            return
        decision = self.window.decide(recipient_id, bool(self.template_content_sid))
        if decision == SEND:
            if remember:
                self.choices.remember(recipient_id, remember)
            for body in bodies:
                await self.client.send(recipient_id, {"Body": body})
        elif decision == TEMPLATE:
            logger.debug("twilio_whatsapp: outside the 24-hour window for user %s: template sent "
                         "instead of %d message(s)", user_ref(recipient_id), len(bodies))
            await self.client.send(recipient_id, {"ContentSid": self.template_content_sid or ""})
        else:
            logger.debug("twilio_whatsapp: outside the 24-hour window for user %s: %d message(s) "
                         "not sent", user_ref(recipient_id), len(bodies))

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await self._deliver(recipient_id, fmt.twilio_bodies(text, read_more=page_url(kwargs)))

    async def send_text_with_buttons(self, recipient_id: Text, text: Text,
                                     buttons: List[Dict[Text, Any]], **kwargs: Any) -> None:
        if not buttons:
            await self.send_text_message(recipient_id, text, **kwargs)
            return
        bodies = fmt.twilio_bodies(text, buttons, read_more=page_url(kwargs))
        await self._deliver(recipient_id, bodies, remember=buttons)

    async def send_quick_replies(self, recipient_id: Text, text: Text,
                                 quick_replies: List[Dict[Text, Any]], **kwargs: Any) -> None:
        await self.send_text_with_buttons(recipient_id, text, quick_replies)

    async def send_image_url(self, recipient_id: Text, image: Text, **kwargs: Any) -> None:
        recipient_id = channel_user(TWILIO, recipient_id)
        decision = self.window.decide(recipient_id, False)
        if decision == SEND:
            await self.client.send(recipient_id, {"MediaUrl": image})

    async def send_custom_json(self, recipient_id: Text, json_message: Dict[Text, Any],
                               **kwargs: Any) -> None:
        logger.debug("twilio_whatsapp: custom responses are not supported; skipped")


class TwilioWhatsAppInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "twilio_whatsapp"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        creds = dict(credentials or {})
        if creds.get("auth_token"):
            logger.warning("twilio_whatsapp: 'auth_token' in credentials.yml is ignored; "
                           "secrets come from environment variables")

        def setting(env: str, key: str, default: Optional[str] = None) -> Optional[str]:
            return os.environ.get(env) or (str(creds[key]) if creds.get(key) else default)

        return cls(
            account_sid=os.environ.get("TWILIO_ACCOUNT_SID") or None,
            auth_token=os.environ.get("TWILIO_AUTH_TOKEN") or None,
            whatsapp_number=setting("TWILIO_WHATSAPP_NUMBER", "whatsapp_number"),
            api_url=setting("TWILIO_API_URL", "api_url", DEFAULT_API_URL) or DEFAULT_API_URL,
            webhook_url=setting("TWILIO_WEBHOOK_URL", "webhook_url"),
            template_content_sid=setting("TWILIO_TEMPLATE_CONTENT_SID", "template_content_sid"),
        )

    def __init__(self, account_sid: Optional[str] = None, auth_token: Optional[str] = None,
                 whatsapp_number: Optional[str] = None, api_url: str = DEFAULT_API_URL,
                 webhook_url: Optional[str] = None, template_content_sid: Optional[str] = None,
                 window: Optional[ServiceWindow] = None) -> None:
        self.auth_token = auth_token
        self.webhook_url = webhook_url
        self.template_content_sid = template_content_sid
        self.client = TwilioClient(api_url, account_sid, auth_token, whatsapp_number)
        state = channel_state("twilio")
        self.state_backend = state.backend
        self.window = window or state.window
        self.dedup = state.dedup
        self.choices = state.choices
        if not auth_token:
            logger.info("twilio_whatsapp: TWILIO_AUTH_TOKEN not set; the webhook answers 503")

    def get_output_channel(self) -> OutputChannel:
        return TwilioWhatsAppOutput(self.client, self.window, self.choices, self.template_content_sid)

    def inbound(self) -> WhatsAppInbound:
        """The shared inbound step (channels.whatsapp_inbound) over this channel's state."""
        return WhatsAppInbound(self.name(), TWILIO, self.dedup, self.window, self.choices)

    def to_text(self, sender: str, form: Dict[str, str]) -> Tuple[Optional[str], str]:
        """What to hand to Rasa for one Twilio message (None: nothing), and its kind."""
        if form.get("Latitude") and form.get("Longitude"):
            payload = shared_location_payload(form.get("Latitude"), form.get("Longitude"))
            return (payload, LOCATION) if payload else (None, BAD_LOCATION)
        try:
            media = int(form.get("NumMedia") or 0)
        except ValueError:
            media = 0
        if media > 0:
            return None, MEDIA
        if form.get("ButtonPayload"):
            return form["ButtonPayload"], CHOICE
        body = form.get("Body") or ""
        payload = self.choices.resolve(sender, body)
        return (payload, CHOICE) if payload else (body, TEXT)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        guarded = NeverSilent(on_new_message)
        webhook = guarded.attach(ChannelBlueprint("twilio_whatsapp_webhook", __name__))

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            if not await has_api_token(request):  # public path: say no more than "up"
                return response.json({"status": "ok"})
            return response.json({
                "status": "ok",
                "configured": {"webhook": bool(self.auth_token), "sending": self.client.configured,
                               "template": bool(self.template_content_sid)},
                "state": self.state_backend,
                "outside_window": dict(self.window.stats),
                "duplicates_ignored": self.dedup.duplicates,
            })

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self.auth_token:
                return response.text(TWILIO_NOT_CONFIGURED, status=503)
            try:
                pairs = parse_qsl((request.body or b"").decode("utf-8"), keep_blank_values=True)
            except UnicodeDecodeError:
                return response.text("bad request", status=400)
            url = self.webhook_url or request.url
            if not verify_twilio_signature(self.auth_token, url, pairs, request.headers.get(SIGNATURE_HEADER)):
                logger.warning("twilio_whatsapp: webhook with a missing or wrong signature refused")
                return response.text("forbidden", status=403)
            form: Dict[str, str] = {}
            for key, value in pairs:
                form.setdefault(key, value)
            sender = form.get("From") or ""
            message_id = form.get("MessageSid") or form.get("SmsMessageSid") or ""
            if not sender:
                return response.text(EMPTY_TWIML, content_type="text/xml")
            inbound = self.inbound()
            admitted = inbound.admit(sender, message_id, lambda: self.to_text(sender, form))
            if admitted.kind == DUPLICATE:
                return response.text(EMPTY_TWIML, content_type="text/xml")
            output = self.get_output_channel()
            try:
                await inbound.forward(sender, message_id, admitted, output, guarded,
                                      {"twilio": {"message_sid": message_id, "kind": admitted.kind}})
            except Exception as exc:  # never let one message break the webhook
                logger.error("twilio_whatsapp: handling message %s failed: %s", message_id,
                             type(exc).__name__)
            return response.text(EMPTY_TWIML, content_type="text/xml")

        return webhook
