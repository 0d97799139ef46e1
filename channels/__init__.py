"""Input and output channels of the assistant besides Rasa's built-in ones.

- ``channels.whatsapp_cloud``: WhatsApp Cloud API (Meta), webhook + Graph API sender.
- ``channels.twilio_whatsapp``: WhatsApp through Twilio, with ``X-Twilio-Signature`` checked.

Secrets are read from environment variables, never from credentials.yml (see README, "Kanalen").
Message text is never logged: only ids, types and lengths, at DEBUG level.
"""
