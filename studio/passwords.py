"""Django's minimum-length check with its Dutch text (this Django release's Dutch catalogue
misses the message, so editors would see English)."""
from __future__ import annotations

from django.contrib.auth.password_validation import MinimumLengthValidator


class MinimumLength(MinimumLengthValidator):
    def get_error_message(self) -> str:
        return f"Dit wachtwoord is te kort: gebruik minstens {self.min_length} tekens."

    def get_help_text(self) -> str:
        return f"Uw wachtwoord moet minstens {self.min_length} tekens hebben."
