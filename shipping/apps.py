from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShippingConfig(AppConfig):
    name = "shipping"
    verbose_name = _("Shipping")

    def ready(self):
        from django.urls import reverse

        from inventory.ledger import register_document_type

        from . import documents  # noqa: F401 - registers the delivery note with the document pipeline
        from .complaints import RETURN_DOCUMENT
        from .services import SHIPMENT_DOCUMENT

        # Ledger rows of shipments and customer returns link to their pages.
        register_document_type(SHIPMENT_DOCUMENT, _("Shipment"),
                               url=lambda pk: reverse("shipping:shipment_detail", args=[pk]))
        register_document_type(RETURN_DOCUMENT, _("Customer return"),
                               url=lambda pk: reverse("shipping:complaint_detail", args=[pk]))
