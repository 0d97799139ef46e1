"""Rasa's REST channel (``POST /webhooks/rest/webhook``), hardened against bad input.

Same name (``rest``), URL and answer as Rasa's ``RestInput`` (a JSON list of bot messages;
``?stream=true`` still streams), with these differences:

- the body is checked first; a broken request gets a 400 with a Dutch explanation
  (``{"status": 400, "reason": "BadRequest", "field": ..., "message": ...}``) instead of
  Rasa's 500, a silent empty answer, or a message filed under the shared sender "default":
  not JSON or not an object, ``sender`` missing/empty/too long/not text, ``message``
  missing or not text, ``metadata`` not an object;
- the text is cleaned by ``channels.input_text`` (control characters out, at most 2,000
  characters; a longer message is cut and the answer starts with a Dutch note saying so);
- ``channels.never_silent``: a message that got no bot message gets a Dutch apology;
- a failure is logged without the message text (Rasa's channel logs the text at ERROR);
- its blueprint closes Rasa's open ``/`` and ``/version`` routes (``channels.api_guard``);
- the conversation id is ``rest:<sender>`` (``channels.sender_ids``): a REST client can
  never reach a web-chat or WhatsApp conversation; answers still name the client's sender;
- ``require_token: true`` (credentials, the production configuration
  ``config/credentials.production.yml``) makes the webhook need the API token; a body
  over 64 kB gets 413 and ``metadata`` over 1 kB is dropped (``channels.request_limits``);
- an FAQ answer's last message also carries its source page, ``"read_more": {"title": ...,
  "url": "https://..."}`` (``channels.read_more``); the text stays as it is.
"""
from __future__ import annotations

import asyncio
import json
import logging
import traceback
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, Optional, Union

import rasa.utils.endpoints
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput as RasaRestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse, ResponseStream

from channels.api_guard import ChannelBlueprint, has_api_token
from channels.input_text import clean_text, has_controls, strip_controls
from channels.read_more import attach, source_page
from channels.replies import (BAD_MESSAGE, BAD_METADATA, BAD_SENDER, LONG_MESSAGE_NOTE, MAX_SENDER_CHARS,
                              NEEDS_TOKEN, NOT_JSON)
from channels.request_limits import optional_metadata
from channels.sender_ids import REST, conversation_id
from channels.never_silent import NeverSilent

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RestRequest:
    """A checked request: who, what, and Rasa's optional extras."""

    sender: str
    text: str
    truncated: bool = False
    input_channel: Optional[str] = None
    metadata: Optional[Dict[str, Any]] = None


@dataclass(frozen=True)
class BadRequest:
    field: str
    message: str


def _sender(value: Any) -> Optional[str]:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    if has_controls(str(value)):  # before trimming: "x\n" is refused, not read as "x"
        return None
    sender = str(value).strip()
    if not sender or len(sender) > MAX_SENDER_CHARS:
        return None
    return sender


def parse_request(body: bytes) -> Union[RestRequest, BadRequest]:
    """Check a webhook body; never raises."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):  # RecursionError: deeply nested
        return BadRequest("body", NOT_JSON)
    if not isinstance(data, dict):
        return BadRequest("body", NOT_JSON)
    sender = _sender(data.get("sender"))
    if sender is None:
        return BadRequest("sender", BAD_SENDER)
    if not isinstance(data.get("message"), str):
        return BadRequest("message", BAD_MESSAGE)
    metadata = data.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        return BadRequest("metadata", BAD_METADATA)
    channel = data.get("input_channel")
    channel = strip_controls(channel)[:64] if isinstance(channel, str) and channel.strip() else None
    cleaned = clean_text(data["message"])
    return RestRequest(sender, cleaned.text, cleaned.truncated, channel, optional_metadata(metadata))


def bad_request(error: BadRequest) -> HTTPResponse:
    return response.json({"status": 400, "reason": "BadRequest", "field": error.field,
                          "message": error.message}, status=400)


class CollectingWithSources(CollectingOutputChannel):
    """Rasa's collecting channel; an FAQ answer's last message gets its ``read_more`` page."""

    async def send_response(self, recipient_id: str, message: Dict[str, Any]) -> None:
        page = source_page(message)
        start = len(self.messages)
        await super().send_response(recipient_id, message)
        attach(self.messages[start:], page)


class RestInput(RasaRestInput):
    """Rasa's REST channel with input checks and the never-silent safeguard."""

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> "RestInput":
        return cls(require_token=bool((credentials or {}).get("require_token")))

    def __init__(self, require_token: bool = False) -> None:
        self.require_token = require_token

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        guarded = NeverSilent(on_new_message)
        webhook = guarded.attach(ChannelBlueprint(f"custom_webhook_{type(self).__name__}", __name__))

        async def handle(message: UserMessage, truncated: bool) -> None:
            if truncated:
                await message.output_channel.send_text_message(message.sender_id, LONG_MESSAGE_NOTE)
            await guarded(message)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> Union[ResponseStream, HTTPResponse]:
            if self.require_token and not await has_api_token(request):
                return response.json({"status": 401, "reason": "NotAuthenticated",
                                      "message": NEEDS_TOKEN}, status=401)
            parsed = parse_request(request.body or b"")
            if isinstance(parsed, BadRequest):
                logger.debug("rest: bad request (%s)", parsed.field)
                return bad_request(parsed)
            input_channel = parsed.input_channel or self.name()
            sender = conversation_id(REST, parsed.sender)
            if rasa.utils.endpoints.bool_arg(request, "stream", default=False):
                async def on_message(message: UserMessage) -> None:
                    await handle(message, parsed.truncated)

                return response.stream(
                    self.stream_response(on_message, parsed.text, sender, input_channel,
                                         parsed.metadata),
                    content_type="text/event-stream")
            collector = CollectingWithSources()
            message = UserMessage(parsed.text, collector, sender,
                                  input_channel=input_channel, metadata=parsed.metadata)
            try:
                await handle(message, parsed.truncated)
            except asyncio.CancelledError:
                logger.error("rest: handling a message timed out")
            except Exception as exc:
                logger.error("rest: handling a message failed (%s)", type(exc).__name__)
                logger.debug("rest: traceback (frames only, no message):\n%s",
                             "".join(traceback.format_tb(exc.__traceback__)))
            # the client knows its conversation by its own sender, without the namespace
            return response.json([{**m, "recipient_id": parsed.sender} for m in collector.messages])

        return webhook
