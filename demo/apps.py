from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo site that `make run` sets up: migrate when needed, then every app's demo seed, skipped
    in one quick check when nothing changed since the last time."""

    name = "demo"
    verbose_name = _("Demo site")
    default_auto_field = "django.db.models.BigAutoField"
