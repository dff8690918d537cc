from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    name = "planning"
    verbose_name = _("Planning")

    def ready(self):
        from orders import stage_hooks

        # Register the production plan PDF with the document pipeline.
        from . import documents  # noqa: F401
        from .order_cancellation import cancel_order_work
        from .plans import lock_scheduling
        from .promise import promised_date_for

        stage_hooks.register_promise_provider(promised_date_for)  # approve_order's promised date (CTP)
        stage_hooks.register_on_cancel(cancel_order_work)  # cancelling an order cancels its planned work
        stage_hooks.register_cancel_lock(lock_scheduling)  # work centers before the order, as plan_order
        from . import change_hooks

        # Controlled order changes: checked, shown and followed by the work orders and the schedule.
        stage_hooks.register_change_hooks(check=change_hooks.check, impact=change_hooks.impact,
                                          lock=lock_scheduling, apply=change_hooks.apply)
