from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SettlementConfig(AppConfig):
    name = "settlement"
    verbose_name = _("Settlement")

    def ready(self):
        from alerts import subjects
        from demo import steps

        from . import documents  # noqa: F401 - registers the invoice with the document pipeline
        from .hooks import invoice_settled, settle_demo_order

        # The demo closes orders (shipping.demo_data): they are invoiced and paid first.
        steps.register_before_close("settlement", settle_demo_order)

        # An overdue-invoice alert stops escalating once the invoice is paid or cancelled (alerts.subjects).
        subjects.register("settlement:invoice_detail", invoice_settled)
