"""Settlement demo data: `settle_order` (used by the demo's close step, demo.steps, and by the tests'
stage records) and `seed_settlement_demo` for `manage.py seed_settlement_demo` (run by setup_demo after the
shipping demo): receivables for the finance clerk's page — delivered orders invoiced and overdue, one partly
paid, one paid and ready to close, shipped orders invoiced and not yet due, and shipments still to invoice.

Everything goes through settlement.services; only the dates of the overdue invoices are moved into the past
afterwards (like the other demos spread their timelines), since the demo shipments all left today."""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from orders.demo_data import CUSTOMERS, DEMO_PASSWORD, ensure_role_users
from orders.models import Order, OrderStatus

from . import services
from .models import UNPAID_STATUSES, Invoice
from .selectors import shipments_to_invoice

OVERDUE_DAYS = 100  # invoiced this long ago: past every payment term (at most 90 days)


def settle_order(order, *, finance, paid_on=None):
    """Every shipment of `order` that left invoiced today, and every unpaid invoice paid in full."""
    for shipment in shipments_to_invoice().filter(order=order):
        services.create_invoice(actor=finance, shipment=shipment)
    for invoice in Invoice.objects.filter(order=order, status__in=UNPAID_STATUSES).order_by("number"):
        services.record_payment(actor=finance, invoice=invoice, amount=invoice.outstanding,
                                received_on=paid_on or timezone.localdate(), reference=f"DEMO-{invoice.number}")


def _backdate(invoice, days):
    invoice_date = invoice.invoice_date - timedelta(days=days)
    Invoice.objects.filter(pk=invoice.pk).update(
        invoice_date=invoice_date, due_date=services.due_date_for(invoice.payment_terms, invoice_date))


def seed_settlement_demo():
    """Invoices and payments over the demo orders that left (see the module docstring). Returns a summary."""
    with transaction.atomic():
        users = ensure_role_users(password=DEMO_PASSWORD)
        finance = users["finance"]
        demo_orders = Order.objects.filter(customer__code__in=[c.code for c in CUSTOMERS])
        if Invoice.objects.filter(order__in=demo_orders).exclude(order__status=OrderStatus.CLOSED).exists():
            return {"invoices": 0, "skipped": True}
        made = []
        delivered = list(demo_orders.filter(status=OrderStatus.DELIVERED).order_by("number"))
        shipped = list(demo_orders.filter(status=OrderStatus.SHIPPED).order_by("number"))
        for n, order in enumerate(delivered):
            for shipment in shipments_to_invoice().filter(order=order):
                invoice = services.create_invoice(actor=finance, shipment=shipment)
                made.append(invoice)
                if n < 2:  # overdue, nothing paid
                    _backdate(invoice, OVERDUE_DAYS)
                elif n == 2:  # overdue, partly paid
                    _backdate(invoice, OVERDUE_DAYS)
                    invoice.refresh_from_db()
                    services.record_payment(actor=finance, invoice=invoice, received_on=timezone.localdate(),
                                            amount=(invoice.amount / 2).quantize(Decimal("0.01")),
                                            reference="DEMO-PART")
                else:  # paid: the order desk can close it
                    invoice.refresh_from_db()
                    services.record_payment(actor=finance, invoice=invoice, amount=invoice.outstanding,
                                            received_on=timezone.localdate(), reference="DEMO-PAID")
        for order in shipped[: len(shipped) // 2]:  # invoiced at shipment, not yet due; the others still to invoice
            for shipment in shipments_to_invoice().filter(order=order):
                made.append(services.create_invoice(actor=finance, shipment=shipment))
        overdue = services.alert_overdue_invoices()
    return {"invoices": len(made), "overdue": overdue, "skipped": False}
