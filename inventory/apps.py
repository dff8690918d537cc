from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InventoryConfig(AppConfig):
    name = "inventory"
    verbose_name = _("Inventory")

    def ready(self):
        from django.urls import reverse

        from orders import stage_hooks

        from . import documents  # noqa: F401 - registers the material prep sheet PDF
        from .ledger import register_document_type
        from .prep_sheets import DOCUMENT_TYPE, refuse_materials_ready_while_preparing, release_on_cancel

        # Ledger rows of receipts and prep sheet issues/returns link to their documents.
        register_document_type("purchase_order", _("Purchase order"),
                               url=lambda pk: reverse("inventory:purchase_order_detail", args=[pk]))
        register_document_type(DOCUMENT_TYPE, _("Material prep sheet"),
                               url=lambda pk: reverse("inventory:prep_sheet_detail", args=[pk]))
        # A cancelled order gives back its reservations (refused while issued material is not returned).
        stage_hooks.register_on_cancel(release_on_cancel)
        stage_hooks.register_on_transition(refuse_materials_ready_while_preparing)
        from . import change_hooks

        # Controlled order changes: reservations made again, a prep sheet not issued from cancelled.
        stage_hooks.register_change_hooks(impact=change_hooks.impact, apply=change_hooks.apply)
