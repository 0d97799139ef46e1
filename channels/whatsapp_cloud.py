"""WhatsApp Cloud API (Meta) as a Rasa input and output channel.

Webhook: ``/webhooks/whatsapp_cloud/webhook``
- GET: Meta's verification (``hub.mode=subscribe``, ``hub.verify_token``, ``hub.challenge``).
- POST: ``X-Hub-Signature-256`` is checked over the raw body in constant time; a missing or
  wrong signature gets 401. Text, ``button_reply``, ``list_reply``, template quick replies and
  locations go to Rasa (a location as ``/share_location{"latitude": .., "longitude": ..}``);
  audio, images, video, documents, stickers and contacts get a polite Dutch reply from the
  channel itself. A repeated delivery (same message id) is processed once. Text is cleaned
  by ``channels.input_text`` (control characters out, at most 2,000 characters) and a
  message without any answer gets the ``channels.never_silent`` apology. These steps are
  shared with the Twilio channel (``channels.whatsapp_inbound``); this module reads Meta's
  webhook format into them.

State between webhooks (processed message ids, the 24-hour window, numbered options) is in
memory on one machine and in the shared Redis when ``REDIS_HOST`` is set, so with several
replicas any replica may receive any webhook (``channels.shared_state``).

Outgoing (Graph API ``POST {api_url}/{phone_number_id}/messages``): see
``channels.whatsapp_format`` for buttons, lists, numbered text and splitting; the 24-hour
customer-service window is respected (``channels.service_window``): outside it the
configured template is sent once, or nothing, and that is counted.

Configuration: secrets only from the environment (``WHATSAPP_VERIFY_TOKEN``,
``WHATSAPP_APP_SECRET``, ``WHATSAPP_ACCESS_TOKEN``); ``WHATSAPP_PHONE_NUMBER_ID``,
``WHATSAPP_API_URL``, ``WHATSAPP_TEMPLATE_NAME`` and ``WHATSAPP_TEMPLATE_LANGUAGE`` from the
environment or else credentials.yml. Without secrets the channel still loads and its webhook
answers 503, so the assistant runs without WhatsApp configured.

Message text is never logged; only message ids, types, lengths and a hash of the sender.
"""
from __future__ import annotations

import hmac
import json
import logging
import os
import re
import traceback
from typing import Any, Awaitable, Callable, Dict, Iterable, List, Optional, Text, Tuple

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels import whatsapp_format as fmt
from channels.api_guard import ChannelBlueprint, has_api_token
from channels.choices import ChoiceMemory
from channels.dedup import DEFAULT_TTL_SECONDS
from channels.never_silent import NeverSilent
from channels.outbound import post
from channels.pseudonym import user_ref
from channels.read_more import page_url
from channels.sender_ids import WHATSAPP_CLOUD, channel_user
from channels.service_window import SEND, TEMPLATE, ServiceWindow
from channels.shared_state import channel_state
from channels.replies import WHATSAPP_NOT_CONFIGURED
from channels.signatures import verify_meta_signature
from channels.whatsapp_inbound import (BAD_LOCATION, CHOICE, IGNORE, LOCATION, MEDIA, TEXT, WhatsAppInbound,
                                       shared_location_payload)

logger = logging.getLogger(__name__)

DEFAULT_API_URL = "https://graph.facebook.com/v20.0"
SIGNATURE_HEADER = "X-Hub-Signature-256"

IGNORED_TYPES = {"reaction", "system", "ephemeral", "request_welcome"}
_CHALLENGE = re.compile(r"^[A-Za-z0-9_.\-]{1,256}$")


def _env(name: str, credentials: Dict[str, Any], key: str, default: Optional[str] = None) -> Optional[str]:
    value = os.environ.get(name)
    if value:
        return value
    value = credentials.get(key)
    return str(value) if value not in (None, "") else default


def _dict(value: Any) -> Dict[str, Any]:
    return value if isinstance(value, dict) else {}


def webhook_changes(payload: Any) -> Optional[List[Dict[str, Any]]]:
    """The ``value`` objects of the ``messages`` changes in a webhook payload, or None when
    the payload does not have the shape Meta documents (``entry[].changes[].value``)."""
    if not isinstance(payload, dict) or not isinstance(payload.get("entry", []), list):
        return None
    values: List[Dict[str, Any]] = []
    for entry in payload.get("entry") or []:
        if not isinstance(entry, dict) or not isinstance(entry.get("changes", []), list):
            return None
        for change in entry.get("changes") or []:
            if not isinstance(change, dict):
                return None
            value = change.get("value") or {}
            if not isinstance(value, dict) or not isinstance(value.get("metadata", {}), (dict, type(None))):
                return None
            if change.get("field", "messages") == "messages":
                values.append(value)
    return values


class GraphClient:
    """Sends message objects to the Graph API for one business phone number."""

    def __init__(self, api_url: str, phone_number_id: Optional[str], access_token: Optional[str]) -> None:
        self.api_url = api_url.rstrip("/")
        self.phone_number_id = phone_number_id
        self.access_token = access_token

    @property
    def configured(self) -> bool:
        return bool(self.phone_number_id and self.access_token)

    async def send(self, recipient_id: str, message: Dict[str, Any]) -> Optional[str]:
        """Send one message object; return WhatsApp's message id, or None on failure."""
        if not self.configured:
            logger.warning("whatsapp_cloud: cannot send, WHATSAPP_ACCESS_TOKEN or "
                           "WHATSAPP_PHONE_NUMBER_ID is not set")
            return None
        payload = {"messaging_product": "whatsapp", "recipient_type": "individual",
                   "to": recipient_id, **message}
        status, body = await post(
            f"{self.api_url}/{self.phone_number_id}/messages", json=payload,
            headers={"Authorization": f"Bearer {self.access_token}"})
        if 200 <= status < 300:
            ids = [m.get("id") for m in (body or {}).get("messages", []) if isinstance(m, dict)]
            logger.debug("whatsapp_cloud: sent %s to user %s (id %s)", message.get("type"),
                         user_ref(recipient_id), ids[0] if ids else "?")
            return ids[0] if ids else ""
        error = (body or {}).get("error") or {}
        logger.error("whatsapp_cloud: Graph API answered %s (code %s, subcode %s) for a %s message",
                     status, error.get("code"), error.get("error_subcode"), message.get("type"))
        return None


class WhatsAppCloudOutput(OutputChannel):
    """Sends Rasa's replies through the Graph API, within the 24-hour window."""

    @classmethod
    def name(cls) -> Text:
        return "whatsapp_cloud"

    def __init__(self, client: GraphClient, window: ServiceWindow, choices: ChoiceMemory,
                 template_name: Optional[str] = None, template_language: str = "nl") -> None:
        self.client = client
        self.window = window
        self.choices = choices
        self.template_name = template_name
        self.template_language = template_language

    async def _deliver(self, recipient_id: Text, reply: fmt.FormattedReply) -> None:
        if not reply.messages:
            return
        recipient_id = channel_user(WHATSAPP_CLOUD, recipient_id)  # Rasa names the conversation
        decision = self.window.decide(recipient_id, template_configured=bool(self.template_name))
        if decision == SEND:
            if reply.remember:
                self.choices.remember(recipient_id, reply.remember)
            for message in reply.messages:
                await self.client.send(recipient_id, message)
        elif decision == TEMPLATE:
            logger.debug("whatsapp_cloud: outside the 24-hour window for user %s: sending template "
                         "instead of %d message(s)", user_ref(recipient_id), len(reply.messages))
            await self.client.send(recipient_id, fmt.template_message(self.template_name or "",
                                                                      self.template_language))
        else:
            logger.debug("whatsapp_cloud: outside the 24-hour window for user %s: %d message(s) "
                         "not sent (no template, or template already sent)",
                         user_ref(recipient_id), len(reply.messages))

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await self._deliver(recipient_id, fmt.format_reply(text, read_more=page_url(kwargs)))

    async def send_text_with_buttons(self, recipient_id: Text, text: Text,
                                     buttons: List[Dict[Text, Any]], **kwargs: Any) -> None:
        await self._deliver(recipient_id, fmt.format_reply(text, buttons, read_more=page_url(kwargs)))

    async def send_quick_replies(self, recipient_id: Text, text: Text,
                                 quick_replies: List[Dict[Text, Any]], **kwargs: Any) -> None:
        await self._deliver(recipient_id, fmt.format_reply(text, quick_replies))

    async def send_image_url(self, recipient_id: Text, image: Text, **kwargs: Any) -> None:
        await self._deliver(recipient_id, fmt.FormattedReply([{"type": "image", "image": {"link": image}}]))

    async def send_attachment(self, recipient_id: Text, attachment: Any, **kwargs: Any) -> None:
        if isinstance(attachment, str):
            await self.send_text_message(recipient_id, attachment)
        else:
            logger.debug("whatsapp_cloud: attachment of type %s not supported; skipped",
                         type(attachment).__name__)

    async def send_elements(self, recipient_id: Text, elements: Iterable[Dict[Text, Any]],
                            **kwargs: Any) -> None:
        for element in elements:
            title = element.get("title", "")
            subtitle = element.get("subtitle", "")
            await self.send_text_with_buttons(recipient_id, f"{title}\n{subtitle}".strip(),
                                              element.get("buttons") or [])

    async def send_custom_json(self, recipient_id: Text, json_message: Dict[Text, Any],
                               **kwargs: Any) -> None:
        """A custom response that is already a Graph API message object (has ``type``)."""
        message = json_message.get("whatsapp", json_message)
        if isinstance(message, dict) and message.get("type"):
            message = {k: v for k, v in message.items() if k not in ("to", "messaging_product")}
            await self._deliver(recipient_id, fmt.FormattedReply([message]))
        else:
            logger.debug("whatsapp_cloud: custom response without a WhatsApp message type; skipped")


class WhatsAppCloudInput(InputChannel):
    """Meta's WhatsApp Cloud API webhook."""

    @classmethod
    def name(cls) -> Text:
        return "whatsapp_cloud"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        creds = dict(credentials or {})
        for secret in ("verify_token", "app_secret", "access_token"):
            if creds.get(secret):
                logger.warning("whatsapp_cloud: '%s' in credentials.yml is ignored; "
                               "secrets come from environment variables", secret)
        ttl = _env("WHATSAPP_DEDUP_TTL_SECONDS", creds, "dedup_ttl_seconds", str(DEFAULT_TTL_SECONDS))
        return cls(
            verify_token=os.environ.get("WHATSAPP_VERIFY_TOKEN") or None,
            app_secret=os.environ.get("WHATSAPP_APP_SECRET") or None,
            access_token=os.environ.get("WHATSAPP_ACCESS_TOKEN") or None,
            phone_number_id=_env("WHATSAPP_PHONE_NUMBER_ID", creds, "phone_number_id"),
            api_url=_env("WHATSAPP_API_URL", creds, "api_url", DEFAULT_API_URL) or DEFAULT_API_URL,
            template_name=_env("WHATSAPP_TEMPLATE_NAME", creds, "template_name"),
            template_language=_env("WHATSAPP_TEMPLATE_LANGUAGE", creds, "template_language", "nl") or "nl",
            dedup_ttl_seconds=float(ttl or DEFAULT_TTL_SECONDS),
        )

    def __init__(self, verify_token: Optional[str] = None, app_secret: Optional[str] = None,
                 access_token: Optional[str] = None, phone_number_id: Optional[str] = None,
                 api_url: str = DEFAULT_API_URL, template_name: Optional[str] = None,
                 template_language: str = "nl", dedup_ttl_seconds: float = DEFAULT_TTL_SECONDS,
                 window: Optional[ServiceWindow] = None) -> None:
        self.verify_token = verify_token
        self.app_secret = app_secret
        self.phone_number_id = phone_number_id
        self.template_name = template_name
        self.template_language = template_language
        self.client = GraphClient(api_url, phone_number_id, access_token)
        state = channel_state("cloud", dedup_ttl_seconds=dedup_ttl_seconds)
        self.state_backend = state.backend
        self.window = window or state.window
        self.dedup = state.dedup
        self.choices = state.choices
        self.unknown_shapes = 0  # signed webhooks whose shape we did not know
        if not app_secret:
            logger.info("whatsapp_cloud: WHATSAPP_APP_SECRET not set; the webhook answers 503")

    def get_output_channel(self) -> OutputChannel:
        return WhatsAppCloudOutput(self.client, self.window, self.choices,
                                   self.template_name, self.template_language)

    # --- inbound -----------------------------------------------------------------------

    def inbound(self) -> WhatsAppInbound:
        """The shared inbound step (channels.whatsapp_inbound) over this channel's state."""
        return WhatsAppInbound(self.name(), WHATSAPP_CLOUD, self.dedup, self.window, self.choices)

    def to_text(self, sender: str, message: Dict[str, Any]) -> Tuple[Optional[str], str]:
        """What to hand to Rasa for one WhatsApp message, and why.

        Returns (text, kind): text is None for messages Rasa does not get; kind is one of
        text, choice, location, bad_location, media, ignore."""
        mtype = str(message.get("type") or "unknown")
        if mtype == "text":
            body = str(_dict(message.get("text")).get("body") or "")
            payload = self.choices.resolve(sender, body)
            return (payload, CHOICE) if payload else (body, TEXT)
        if mtype == "interactive":
            interactive = _dict(message.get("interactive"))
            reply = _dict(interactive.get("button_reply") or interactive.get("list_reply"))
            reply_id = str(reply.get("id") or "")
            index = fmt.choice_index(reply_id)
            if index is not None:
                payload = self.choices.payload_at(sender, index)
                return (payload or str(reply.get("title") or "")), CHOICE
            return (reply_id or str(reply.get("title") or "")), CHOICE
        if mtype == "button":  # quick-reply button of a template message
            button = _dict(message.get("button"))
            return str(button.get("payload") or button.get("text") or ""), CHOICE
        if mtype == "location":
            location = _dict(message.get("location"))
            payload = shared_location_payload(location.get("latitude"), location.get("longitude"))
            return (payload, LOCATION) if payload else (None, BAD_LOCATION)
        if mtype in IGNORED_TYPES:
            return None, IGNORE
        return None, MEDIA

    async def handle_message(self, message: Dict[str, Any], value: Dict[str, Any],
                             on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> str:
        """Process one message of a webhook; return what happened (for logs and tests)."""
        sender = str(message.get("from") or "")
        message_id = str(message.get("id") or "")
        mtype = message.get("type") or "unknown"
        if not sender:
            return "no_sender"
        try:
            sent_at: Optional[float] = float(message.get("timestamp"))  # type: ignore[arg-type]  # None: TypeError
        except (TypeError, ValueError):
            sent_at = None
        inbound = self.inbound()
        admitted = inbound.admit(sender, message_id, lambda: self.to_text(sender, message), sent_at)
        metadata = {"whatsapp": {"message_id": message_id, "type": mtype,
                                 "phone_number_id": _dict(value.get("metadata")).get("phone_number_id")}}
        return await inbound.forward(sender, message_id, admitted, self.get_output_channel(),
                                     on_new_message, metadata)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        guarded = NeverSilent(on_new_message)
        webhook = guarded.attach(ChannelBlueprint("whatsapp_cloud_webhook", __name__))

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            if not await has_api_token(request):  # public path: say no more than "up"
                return response.json({"status": "ok"})
            return response.json({
                "status": "ok",
                "configured": {"webhook": bool(self.app_secret and self.verify_token),
                               "sending": self.client.configured,
                               "template": bool(self.template_name)},
                "state": self.state_backend,
                "outside_window": dict(self.window.stats),
                "duplicates_ignored": self.dedup.duplicates,
                "unknown_shapes": self.unknown_shapes,
            })

        @webhook.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> HTTPResponse:
            if not self.verify_token:
                return response.text(WHATSAPP_NOT_CONFIGURED, status=503)
            mode = request.args.get("hub.mode")
            token = request.args.get("hub.verify_token") or ""
            challenge = request.args.get("hub.challenge") or ""
            if mode == "subscribe" and hmac.compare_digest(
                    token.encode("utf-8"), self.verify_token.encode("utf-8")) \
                    and _CHALLENGE.match(challenge):
                logger.info("whatsapp_cloud: webhook verified by Meta")
                return response.text(challenge, headers={"X-Content-Type-Options": "nosniff"})
            logger.warning("whatsapp_cloud: webhook verification refused")
            return response.text("forbidden", status=403)

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self.app_secret:
                return response.json({"error": "WhatsApp is not configured"}, status=503)
            body = request.body or b""
            if not verify_meta_signature(self.app_secret, body, request.headers.get(SIGNATURE_HEADER)):
                logger.warning("whatsapp_cloud: webhook with a missing or wrong signature refused "
                               "(%d bytes)", len(body))
                return response.json({"error": "invalid signature"}, status=401)
            try:
                payload = json.loads(body.decode("utf-8"))
            except (UnicodeDecodeError, ValueError, RecursionError):
                return response.json({"error": "invalid JSON"}, status=400)
            results: List[str] = []
            changes = webhook_changes(payload)
            if changes is None:  # signed by Meta, but a shape we do not know: do not make
                self.unknown_shapes += 1  # Meta retry it (it retries anything but 2xx)
                logger.warning("whatsapp_cloud: signed webhook of an unknown shape ignored")
                return response.json({"status": "ok", "handled": []})
            for value in changes:
                number_id = str(_dict(value.get("metadata")).get("phone_number_id") or "")
                if self.phone_number_id and number_id and number_id != str(self.phone_number_id):
                    logger.debug("whatsapp_cloud: change for another phone number ignored")
                    continue
                if isinstance(value.get("statuses"), list):
                    logger.debug("whatsapp_cloud: %d status update(s)", len(value["statuses"]))
                messages = value.get("messages")
                for message in messages if isinstance(messages, list) else []:
                    if not isinstance(message, dict):
                        continue
                    try:
                        results.append(await self.handle_message(message, value, guarded))
                    except Exception as exc:  # never let one message break the webhook
                        logger.error("whatsapp_cloud: handling message %s failed: %s",
                                     message.get("id"), type(exc).__name__)
                        logger.debug("whatsapp_cloud: traceback (frames only, no message):\n%s",
                                     "".join(traceback.format_tb(exc.__traceback__)))
                        results.append("error")
            return response.json({"status": "ok", "handled": results})

        return webhook
