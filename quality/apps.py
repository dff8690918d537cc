from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualityConfig(AppConfig):
    name = "quality"
    verbose_name = _("Quality")

    def ready(self):
        from .alert_subjects import register as register_alert_subjects

        register_alert_subjects()  # when its alerts stop escalating (alerts.subjects)
        from orders import stage_hooks

        from . import documents  # noqa: F401 - registers the inspection report with the document pipeline
        from .hooks import on_order_transition, open_ncr_problems

        stage_hooks.register_on_transition(on_order_transition)
        stage_hooks.register_close_check(open_ncr_problems)  # no closing with an open NCR
