"""Two roles, as Django groups: redacteur (edit, try, train, propose publishing) and
beheerder (also publish, roll back and manage accounts)."""
from __future__ import annotations

from functools import wraps
from typing import Any, Callable, Dict

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

REDACTEUR, BEHEERDER = "redacteur", "beheerder"
ROLE_LABELS = {REDACTEUR: "Redacteur", BEHEERDER: "Beheerder"}


def role_of(user: Any) -> str:
    if not getattr(user, "is_authenticated", False):
        return ""
    if user.is_superuser or user.groups.filter(name=BEHEERDER).exists():
        return BEHEERDER
    if user.groups.filter(name=REDACTEUR).exists():
        return REDACTEUR
    return ""


def is_beheerder(user: Any) -> bool:
    return role_of(user) == BEHEERDER


def set_role(user: Any, role: str) -> None:
    if role not in ROLE_LABELS:
        raise ValueError(role)
    user.groups.set([Group.objects.get_or_create(name=role)[0]])


def beheerder_required(view: Callable) -> Callable:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any):
        if not is_beheerder(request.user):
            raise PermissionDenied("Alleen een beheerder mag dit.")
        return view(request, *args, **kwargs)
    return wrapped


def role_required(view: Callable) -> Callable:
    """Logged in is not enough: the account must have a role (a disabled role sees nothing)."""
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any):
        if not role_of(request.user):
            raise PermissionDenied("Uw account heeft geen rol in de studio.")
        return view(request, *args, **kwargs)
    return wrapped


def role_context(request: HttpRequest) -> Dict[str, Any]:
    role = role_of(getattr(request, "user", None))
    return {"role": role, "role_label": ROLE_LABELS.get(role, ""), "is_beheerder": role == BEHEERDER}
