from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProductionConfig(AppConfig):
    name = "production"
    verbose_name = _("Production")

    def ready(self):
        from .alert_subjects import register as register_alert_subjects

        register_alert_subjects()  # when its alerts stop escalating (alerts.subjects)
        from . import documents  # noqa: F401 - registers the process exception form PDF
