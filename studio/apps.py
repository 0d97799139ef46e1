"""Django app configuration of the studio."""
from django.apps import AppConfig


class StudioConfig(AppConfig):
    name = "studio"
    verbose_name = "Redactiestudio"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from studio import audit  # noqa: F401 - connects the login signals
