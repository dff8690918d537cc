"""Settlement's reactions to the order (orders.stage_hooks.REACTIONS):

- `unsettled(order)` (TRANSITION_CHECK on close): an order closes only when every shipment that left is
  invoiced and every invoice is paid, unless a settlement exception was recorded for it;
- `exposure_parts(customer)` (EXPOSURE): the parts of the customer's credit exposure after shipment, so the
  credit check reads open orders + shipped-not-invoiced + invoiced-unpaid.

And when an overdue-invoice alert stops escalating (alerts.subjects): once the invoice is paid or cancelled."""

from decimal import Decimal

from django.db.models import Exists, F, OuterRef, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from orders.alert_subjects import GONE
from orders.models import CENT, OPEN_FOR_CREDIT, OrderStatus
from orders.stage_hooks import ExposureParts
from shipping.models import ShipmentLine

from .models import UNPAID_STATUSES, Invoice, InvoiceStatus, SettlementException
from .services import INVOICEABLE, money_text


def unsettled(order):
    if SettlementException.objects.filter(order=order).exists():
        return []
    problems = []
    live = Invoice.objects.filter(shipment=OuterRef("pk")).exclude(status=InvoiceStatus.CANCELLED)
    for shipment in (order.shipments.filter(status__in=INVOICEABLE, replaces__isnull=True)
                     .filter(~Exists(live)).order_by("number")):
        problems.append(_("Shipment %(number)s is not invoiced.") % {"number": shipment.number})
    for invoice in order.invoices.filter(status__in=UNPAID_STATUSES).order_by("number"):
        problems.append(_("Invoice %(number)s: %(amount)s still unpaid.")
                        % {"number": invoice.number, "amount": money_text(invoice.outstanding, invoice.currency)})
    return problems


def exposure_parts(customer_id):
    """(value shipped of orders still open for credit, shipped not invoiced, invoiced unpaid) of a customer,
    in money: three aggregate queries whatever the number of orders."""
    shipped = (ShipmentLine.objects.filter(shipment__order__customer_id=customer_id,
                                           shipment__status__in=INVOICEABLE, shipment__replaces__isnull=True)
               .exclude(shipment__order__status=OrderStatus.CANCELLED))
    live = Invoice.objects.filter(shipment=OuterRef("shipment_id")).exclude(status=InvoiceStatus.CANCELLED)
    value = F("quantity") * F("order_line__unit_price")
    shipped_open = shipped.filter(shipment__order__status__in=OPEN_FOR_CREDIT).aggregate(v=Sum(value))["v"]
    not_invoiced = shipped.filter(~Exists(live)).aggregate(v=Sum(value))["v"]
    unpaid = (Invoice.objects.filter(customer_id=customer_id, status__in=UNPAID_STATUSES)
              .aggregate(v=Sum(F("amount") - F("paid_amount")))["v"])
    return ExposureParts(shipped_of_open_orders=_money(shipped_open), shipped_not_invoiced=_money(not_invoiced),
                         invoiced_unpaid=_money(unpaid))


def _money(value):
    return (value or Decimal("0")).quantize(CENT)


def invoice_settled(alert, pk):
    invoice = Invoice.objects.filter(pk=pk).first()
    if invoice is None:
        return GONE
    if invoice.status == InvoiceStatus.PAID:
        return gettext_noop("Invoice %(number)s was paid."), {"number": invoice.number}
    if invoice.status == InvoiceStatus.CANCELLED:
        return gettext_noop("Invoice %(number)s was cancelled."), {"number": invoice.number}
    return None
