"""Writing the audit log; login and logout are recorded through Django's signals."""
from __future__ import annotations

from typing import Any, Optional

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from studio.models import AuditEntry


def record(user: Optional[Any], action: str, subject: str = "", detail: str = "") -> AuditEntry:
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    return AuditEntry.objects.create(user=user if authenticated else None,
                                     username=user.get_username() if authenticated else "",
                                     action=action, subject=subject[:200], detail=detail)


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record(user, "login")


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(user, "logout")


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: dict, request: Any = None, **kwargs: Any) -> None:
    # the name that was typed, never the password
    AuditEntry.objects.create(action="login_failed", subject=str(credentials.get("username", ""))[:150])
