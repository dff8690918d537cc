from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = _("Orders")

    def ready(self):
        from .alert_subjects import register as register_alert_subjects

        register_alert_subjects()  # when its alerts stop escalating (alerts.subjects)
        # Register the order confirmation with the document pipeline.
        from . import documents  # noqa: F401
