"""Django's management commands for the studio: ``python -m studio <command>``
(e.g. ``python -m studio maak_beheerder``, ``python -m studio migrate``)."""
import os
import sys

from django.core.management import execute_from_command_line

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studio.settings")
    execute_from_command_line([sys.argv[0]] + sys.argv[1:])
