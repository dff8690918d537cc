from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    name = "planning"
    verbose_name = _("Planning")

    def ready(self):
        # Register the production plan PDF with the document pipeline. Planning's reactions to order
        # transitions are listed in orders.stage_hooks.REACTIONS.
        from . import documents  # noqa: F401
