"""The Dutch text the channels send themselves, without NLU (B1, 'u'-form), in one place.

Everything else a user reads comes from the content (``domain.yml``, ``data/faq``), the
actions (``actions/messages.py``) or the safety answers (``safety/``). These are the
channel's own words: the apology when nothing answered, the note on a cut message, the
WhatsApp replies to media and unreadable locations, and the REST channel's explanations of
a broken request.
"""
from __future__ import annotations

GEMEENTE_NUMBER = "14 + het netnummer"  # every gemeente answers on 14 + its area code
MAX_SENDER_CHARS = 255  # the tracker store's sender_id column

# channels.never_silent: handling a message produced no answer at all
SILENCE_REPLY = (
    "Sorry, er ging even iets mis bij mij. Probeer het over een paar minuten opnieuw. "
    f"Heeft u nu hulp nodig? Bel dan uw gemeente via {GEMEENTE_NUMBER}. "
    "Bij direct gevaar belt u 112."
)

# channels.input_text: the message was cut to its first 2,000 characters
LONG_MESSAGE_NOTE = (
    "Uw bericht was erg lang. Ik heb alleen het eerste deel gelezen (ongeveer 2.000 tekens). "
    "Wilt u uw vraag kort stellen? Dan kan ik u beter helpen."
)

# channels.whatsapp_inbound: a photo, voice message, video, file, sticker or contact
MEDIA_REPLY = (
    "Dank u wel voor uw bericht. Foto's, spraakberichten, video's en bestanden kan ik helaas "
    "niet bekijken of beluisteren. Wilt u uw vraag in een kort tekstbericht typen? "
    "U kunt ook uw locatie delen, dan zoek ik een cliëntondersteuner bij u in de buurt."
)
# channels.whatsapp_inbound: a shared location without a valid position
BAD_LOCATION_REPLY = (
    "Die locatie kon ik niet lezen. Wilt u uw woonplaats of postcode typen? "
    "Bijvoorbeeld: 3511 AB."
)

# channels.rest_channel: a broken request (400) or a missing token (401)
REST_EXAMPLE = '{"sender": "gebruiker-123", "message": "Wat is cliëntondersteuning?"}'
NOT_JSON = f"Dit verzoek kan ik niet lezen. Stuur een JSON-object, bijvoorbeeld: {REST_EXAMPLE}"
BAD_SENDER = ("Het veld 'sender' ontbreekt of is ongeldig. Geef elk gesprek een eigen, vaste "
              f"naam van 1 tot {MAX_SENDER_CHARS} tekens, zonder stuurtekens.")
BAD_MESSAGE = "Het veld 'message' ontbreekt of is geen tekst. Stuur uw vraag als tekst."
BAD_METADATA = "Het veld 'metadata' moet een JSON-object zijn."
NEEDS_TOKEN = "Dit kanaal vraagt om de API-sleutel (token)."

# the WhatsApp webhooks before their secrets are set (503, for the operator)
WHATSAPP_NOT_CONFIGURED = "WhatsApp is niet geconfigureerd"
TWILIO_NOT_CONFIGURED = "Twilio is niet geconfigureerd"
