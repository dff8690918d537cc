from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RushConfig(AppConfig):
    name = "rush"
    verbose_name = _("Rush orders")

    def ready(self):
        from .alert_subjects import register as register_alert_subjects

        register_alert_subjects()  # when its alerts stop escalating (alerts.subjects)
        # Register the production notice with the document pipeline.
        # and the rush completion summary (issue 17.9)
        from . import (
            documents,  # noqa: F401
            summary_documents,  # noqa: F401
        )
