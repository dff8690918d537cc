from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RushConfig(AppConfig):
    name = "rush"
    verbose_name = _("Rush orders")

    def ready(self):
        # Register the production notice with the document pipeline.
        from . import documents  # noqa: F401
