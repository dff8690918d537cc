"""The delivery note (送货单): one per shipment, registered with the document pipeline from
ShippingConfig.ready().

Issued once the shipment is shipped (its lots and quantities are final then); the note number is the
shipment number. Rendered by default in the customer's document language (it goes to the customer with
the goods, like the order confirmation), not the shipper's; fixed bilingual labels, RUSH / 急单
stamped for rush orders, a QR code of the note number, the shipped lines with lot, quantity, unit and
packages, and a signature area for the consignee (received by, date, company stamp). No prices: the
note travels with the goods.
"""

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from documents import registry

from .models import Shipment, ShipmentLine, ShipmentStatus
from .selectors import shipments_visible_to

KIND = "delivery_note"
PERMISSION = "shipping.view_shipment"


def delivery_note_unavailable_reason(shipment):
    if shipment.status in (ShipmentStatus.SHIPPED, ShipmentStatus.DELIVERED):
        return None
    if shipment.status == ShipmentStatus.CANCELLED:
        return _("Shipment %(number)s is cancelled.") % {"number": shipment.number}
    return _("The delivery note is issued when the shipment is shipped.")


def build_delivery_note(shipment, language):
    lines = Prefetch("lines", queryset=ShipmentLine.objects.select_related(
        "order_line__product", "lot", "item").order_by("line_no"))
    shipment = (Shipment.objects.select_related("order__customer").prefetch_related(lines).get(pk=shipment.pk))
    lines = list(shipment.lines.all())
    order = shipment.order
    return registry.DocumentContent(
        template_name="shipping/pdf/delivery_note.html",
        context={
            "shipment": shipment, "order": order, "customer": order.customer, "lines": lines,
            "total_packages": sum(line.packages for line in lines),
            "rush": order.is_rush, "printed_at": timezone.localtime(),
            # This is the n-th delivery of the order (第 n 批), counted in shipping order.
            "delivery_sequence": order.shipments.filter(status__in=[ShipmentStatus.SHIPPED, ShipmentStatus.DELIVERED],
                                                     shipped_at__lte=shipment.shipped_at).count(),
        },
        filename=f"{shipment.number}-delivery-note.pdf",
    )


registry.register(
    KIND,
    label=gettext_lazy("Delivery note"),
    model=Shipment,
    builder=build_delivery_note,
    permission=PERMISSION,
    visible_to=shipments_visible_to,
    unavailable_reason=delivery_note_unavailable_reason,
    default_language=lambda shipment: shipment.order.customer.language,
)
