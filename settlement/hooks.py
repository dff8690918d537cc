"""Settlement's reactions to the order (orders.stage_hooks.REACTIONS):

- `unsettled(order)` (TRANSITION_CHECK on close): an order closes only when every shipment that left is
  invoiced and every invoice is paid, unless a settlement exception was recorded for it;
- `exposure_parts(customer)` (EXPOSURE): the parts of the customer's credit exposure after shipment, so the
  credit check reads open orders + shipped-not-invoiced + invoiced-unpaid.

And when an overdue-invoice alert stops escalating (alerts.subjects): once the invoice is paid or cancelled."""

from decimal import Decimal

from django.db.models import DecimalField, Exists, ExpressionWrapper, F, OuterRef, Subquery, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from orders.alert_subjects import GONE
from orders.models import CENT, OPEN_FOR_CREDIT, Customer, OrderStatus
from orders.stage_hooks import ExposureParts
from shipping.models import ShipmentLine

from .models import UNPAID_STATUSES, Invoice, InvoiceStatus, SettlementException
from .services import INVOICEABLE, money_text

WIDE = DecimalField(max_digits=24, decimal_places=5)


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
    in money: one statement (three scalar subqueries) whatever the number of orders."""
    lines = (ShipmentLine.objects.filter(shipment__order__customer_id=OuterRef("pk"), shipment__status__in=INVOICEABLE,
                                         shipment__replaces__isnull=True)
             .exclude(shipment__order__status=OrderStatus.CANCELLED))
    live = Invoice.objects.filter(shipment=OuterRef("shipment_id")).exclude(status=InvoiceStatus.CANCELLED)
    value = ExpressionWrapper(F("quantity") * F("order_line__unit_price"), output_field=WIDE)
    unpaid = (Invoice.objects.filter(customer_id=OuterRef("pk"), status__in=UNPAID_STATUSES).values("customer_id")
              .annotate(v=Sum(F("amount") - F("paid_amount"), output_field=WIDE)).values("v")[:1])
    row = Customer.objects.filter(pk=customer_id).values(
        shipped_open=_sum(lines.filter(shipment__order__status__in=OPEN_FOR_CREDIT), value),
        not_invoiced=_sum(lines.filter(~Exists(live)), value),
        unpaid=Subquery(unpaid, output_field=WIDE)).first() or {}
    return ExposureParts(shipped_of_open_orders=_money(row.get("shipped_open")),
                         shipped_not_invoiced=_money(row.get("not_invoiced")),
                         invoiced_unpaid=_money(row.get("unpaid")))


def _sum(lines, value):
    return Subquery(lines.values("shipment__order__customer_id").annotate(v=Sum(value)).values("v")[:1],
                    output_field=WIDE)


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


def settle_demo_order(order, *, users):
    """The demo's step before it closes an order (demo.steps.before_close): invoiced and paid by finance."""
    from .demo_data import settle_order  # lazy: the demo data module loads only when a demo runs

    settle_order(order, finance=users["finance"])
