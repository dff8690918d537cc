from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InventoryConfig(AppConfig):
    name = "inventory"
    verbose_name = _("Inventory")

    def ready(self):
        from django.urls import reverse

        from . import (
            documents,  # noqa: F401 - registers the material prep sheet PDF
            fg_receipt_documents,  # noqa: F401 - registers the finished-goods receipt PDF
        )
        from .ledger import register_document_type
        from .models.finished_goods import DOCUMENT_TYPE as FG_RECEIPT
        from .prep_sheets import DOCUMENT_TYPE

        # Ledger rows of receipts and prep sheet issues/returns link to their documents.
        register_document_type("purchase_order", _("Purchase order"),
                               url=lambda pk: reverse("inventory:purchase_order_detail", args=[pk]))
        register_document_type(DOCUMENT_TYPE, _("Material prep sheet"),
                               url=lambda pk: reverse("inventory:prep_sheet_detail", args=[pk]))
        register_document_type(FG_RECEIPT, _("Finished-goods receipt"),
                               url=lambda pk: reverse("inventory:fg_receipt_detail", args=[pk]))
