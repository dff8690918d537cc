from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesConfig(AppConfig):
    name = "sales"
    verbose_name = _("Sales (quotations and contracts)")

    def ready(self):
        # Register the quotation and contract PDFs with the document pipeline.
        from . import documents  # noqa: F401
        from .alert_subjects import register as register_alert_subjects

        register_alert_subjects()  # when its alerts stop escalating (alerts.subjects)
