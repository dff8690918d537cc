"""The invoice record (发票记录 / Invoice) PDF: one per invoice, registered with the document pipeline from
SettlementConfig.ready().

It is the factory's statement of what was billed for one shipment (the fiscal VAT invoice, 增值税发票, is
issued by the tax system): fixed bilingual labels, the customer's document language for values by
default, RUSH / 急单 stamped for rush orders, a QR code of the invoice number, the shipped lines at the
order's prices, net, tax and gross amounts with the currency, payment terms, due date, what was paid and
what is still open. A cancelled invoice has no PDF."""

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from documents import registry
from orders.models import line_amount
from shipping.models import ShipmentLine

from .models import Invoice, InvoiceStatus
from .selectors import VIEW, invoices_visible_to

KIND = "invoice"


def invoice_unavailable_reason(invoice):
    if invoice.status == InvoiceStatus.CANCELLED:
        return _("Invoice %(number)s is cancelled.") % {"number": invoice.number}
    return None


def build_invoice(invoice, language):
    lines = Prefetch("shipment__lines", queryset=ShipmentLine.objects.select_related(
        "order_line__product", "lot").order_by("line_no"))
    invoice = (Invoice.objects.select_related("order__customer", "shipment", "customer").prefetch_related(lines)
               .get(pk=invoice.pk))
    rows = [{"line": line, "amount": line_amount(line.quantity, line.order_line.unit_price)}
            for line in invoice.shipment.lines.all()]
    return registry.DocumentContent(
        template_name="settlement/pdf/invoice.html",
        context={"invoice": invoice, "order": invoice.order, "customer": invoice.customer,
                 "shipment": invoice.shipment, "rows": rows, "payments": list(invoice.payments.all()),
                 "rush": invoice.order.is_rush, "printed_at": timezone.localtime()},
        filename=f"{invoice.number}.pdf",
    )


registry.register(
    KIND,
    label=gettext_lazy("Invoice"),
    model=Invoice,
    builder=build_invoice,
    permission=VIEW,
    visible_to=invoices_visible_to,
    unavailable_reason=invoice_unavailable_reason,
    default_language=lambda invoice: invoice.customer.language,
)
