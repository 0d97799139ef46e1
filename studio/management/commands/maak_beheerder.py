"""Create the first beheerder: ``python -m studio maak_beheerder`` asks for a name and a
password; with ``--uit-omgeving`` it reads STUDIO_BEHEERDER and STUDIO_BEHEERDER_WACHTWOORD.
There is never a default password."""
from __future__ import annotations

import getpass
import os
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from studio.audit import record
from studio.roles import BEHEERDER, set_role


def create_beheerder(username: str, password: str) -> bool:
    """Create the account (False when it already exists; its password is then left alone)."""
    User = get_user_model()
    if User.objects.filter(username=username).exists():
        return False
    user = User(username=username)
    try:
        validate_password(password, user)
    except ValidationError as e:
        raise CommandError("Het wachtwoord is niet sterk genoeg: " + " ".join(e.messages)) from e
    user.set_password(password)
    user.save()
    set_role(user, BEHEERDER)
    record(None, "account", username, "eerste beheerder aangemaakt vanaf de server")
    return True


class Command(BaseCommand):
    help = "Maak een beheerder aan (naam en wachtwoord worden gevraagd, of uit de omgeving gelezen)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--uit-omgeving", action="store_true",
                            help="lees STUDIO_BEHEERDER en STUDIO_BEHEERDER_WACHTWOORD")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["uit_omgeving"]:
            username = os.environ.get("STUDIO_BEHEERDER", "").strip()
            password = os.environ.get("STUDIO_BEHEERDER_WACHTWOORD", "")
            if not username or not password:
                raise CommandError("Zet STUDIO_BEHEERDER en STUDIO_BEHEERDER_WACHTWOORD.")
        else:
            username = input("Gebruikersnaam: ").strip()
            password = getpass.getpass("Wachtwoord (minstens 12 tekens): ")
            if password != getpass.getpass("Nog een keer: "):
                raise CommandError("De wachtwoorden zijn niet gelijk.")
        if create_beheerder(username, password):
            self.stdout.write(f"Beheerder '{username}' is aangemaakt.")
        else:
            self.stdout.write(f"Er is al een account '{username}'; er is niets veranderd.")
