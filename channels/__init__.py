"""Input and output channels of the assistant besides Rasa's built-in ones.

- ``channels.rest_channel``, ``channels.socketio_channel``: Rasa's REST and web-chat channels,
  hardened (input checks, one namespace per channel, never silent).
- ``channels.whatsapp_cloud``: WhatsApp Cloud API (Meta), webhook + Graph API sender.
- ``channels.twilio_whatsapp``: WhatsApp through Twilio, with ``X-Twilio-Signature`` checked.
- ``channels.whatsapp_inbound``: the inbound step both WhatsApp channels share.
- ``channels.replies``: the Dutch text the channels send themselves.

Secrets are read from environment variables, never from credentials.yml (see README, "Kanalen").
Message text is never logged: only ids, types and lengths, at DEBUG level.
"""
