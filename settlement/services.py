"""Settlement's write use-cases: invoice a shipment, record a payment, cancel a wrong invoice, record a
settlement exception, and the overdue-receivables alerts (the beat task calls `alert_overdue_invoices`).

Locks: the order first, then the invoice (docs/locking.md: the order comes first in the global order)."""

import calendar
import uuid
from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.permissions import require
from alerts.services import create_alert
from config.transitions import take
from inputs.visible import visible_strip
from numbering import series
from numbering.services import next_number
from orders.models import CENT, Order, PaymentTerms, line_amount
from shipping.models import Shipment, ShipmentLine, ShipmentStatus
from systemtext.text import Text

from .models import MANAGE, UNPAID_STATUSES, Invoice, InvoiceStatus, Payment, SettlementException

RECORD_PAYMENT = "settlement.record_payment"
SETTLE_EXCEPTION = "settlement.settle_exception"
DEFAULT_TAX_RATE = Decimal("13")  # China's standard VAT rate for goods (增值税 13%)
INVOICEABLE = [ShipmentStatus.SHIPPED, ShipmentStatus.DELIVERED]
NET_DAYS = {PaymentTerms.PREPAID: 0, PaymentTerms.COD: 0, PaymentTerms.NET30: 30, PaymentTerms.NET60: 60,
            PaymentTerms.NET90: 90}
IS = InvoiceStatus


def money_text(amount, currency):
    """An amount with its currency, in the reader's format (1,234.50 CNY)."""
    return f"{number_format(amount, 2, force_grouping=True)} {currency}"


def due_date_for(terms, invoice_date):
    """When an invoice dated `invoice_date` falls due under `terms`: prepaid and cash on delivery at once,
    net N days after the invoice date, a monthly statement (月结) at the end of the following month."""
    if terms == PaymentTerms.MONTHLY:
        year, month = (invoice_date.year + 1, 1) if invoice_date.month == 12 else (invoice_date.year,
                                                                                  invoice_date.month + 1)
        return invoice_date.replace(year=year, month=month, day=calendar.monthrange(year, month)[1])
    return invoice_date + timedelta(days=NET_DAYS.get(terms, 30))


def order_payment_terms(order):
    """The order's own payment terms, or its customer's when the order has none of its own."""
    return order.effective_payment_terms


def shipment_value(shipment):
    """The net value of a shipment: each shipped quantity at its order line's price."""
    return sum((line_amount(line.quantity, line.order_line.unit_price)
                for line in ShipmentLine.objects.filter(shipment=shipment).select_related("order_line")),
               Decimal("0"))


def _check_invoice(shipment, invoice_date, tax_rate, today):
    errors = []
    if shipment.status not in INVOICEABLE:
        errors.append(_("Shipment %(number)s is not shipped: it is invoiced once it has left.")
                      % {"number": shipment.number})
    elif shipment.replaces_id is not None:
        errors.append(_("Shipment %(number)s replaces returned goods (an exchange): it is not invoiced.")
                      % {"number": shipment.number})
    elif Invoice.objects.filter(shipment=shipment).exclude(status=IS.CANCELLED).exists():
        errors.append(_("Shipment %(number)s is invoiced already.") % {"number": shipment.number})
    if invoice_date is None:
        errors.append(_("Enter the invoice date."))
    else:
        if invoice_date > today:
            errors.append(_("The invoice date cannot be in the future."))
        if shipment.actual_ship_date and invoice_date < shipment.actual_ship_date:
            errors.append(_("The invoice date cannot be before the ship date (%(date)s).")
                          % {"date": date_format(shipment.actual_ship_date, "SHORT_DATE_FORMAT")})
    if tax_rate is None or tax_rate < 0 or tax_rate > 100:
        errors.append(_("The tax rate is a percentage between 0 and 100."))
    elif tax_rate != tax_rate.quantize(CENT):
        errors.append(_("The tax rate has at most 2 decimals."))
    if errors:
        raise ValidationError(errors)


def create_invoice(*, actor, shipment, invoice_date=None, tax_rate=DEFAULT_TAX_RATE, entry_key=None) -> Invoice:
    """Record the invoice of a shipped shipment: its value at the order's prices, tax at `tax_rate` percent,
    due by the order's payment terms. Nothing is written when anything is wrong."""
    require(actor, MANAGE)
    entry_key = entry_key or uuid.uuid4()
    existing = Invoice.objects.filter(entry_key=entry_key).first()
    if existing is not None:
        return existing
    today = timezone.localdate()
    invoice_date = invoice_date or today
    try:
        with transaction.atomic():
            order = Order.objects.select_for_update().select_related("customer").get(pk=shipment.order_id)
            current = Shipment.objects.get(pk=shipment.pk)
            _check_invoice(current, invoice_date, tax_rate, today)
            net = shipment_value(current)
            tax = (net * tax_rate / 100).quantize(CENT)
            terms = order_payment_terms(order)
            invoice = Invoice.objects.create(
                number=next_number(series.INVOICE), shipment=current, order=order, customer=order.customer,
                invoice_date=invoice_date, payment_terms=terms, due_date=due_date_for(terms, invoice_date),
                currency=order.currency, net_amount=net, tax_rate=tax_rate, tax_amount=tax, amount=net + tax,
                entry_key=entry_key, created_by=actor)
            invoice.events.record(action="issued", actor=actor, to_status=IS.ISSUED, note=Text(
                gettext_noop("Shipment %(shipment)s: %(amount)s, due %(due)s."), shipment=current.number,
                amount=money_text(invoice.amount, invoice.currency), due=invoice.due_date))
    except IntegrityError:
        existing = Invoice.objects.filter(entry_key=entry_key).first()
        if existing is None:
            raise ValidationError(_("Shipment %(number)s is invoiced already.") % {"number": shipment.number}) \
                from None
        return existing
    return invoice


def _locked(invoice):
    Order.objects.select_for_update().filter(pk=invoice.order_id).values_list("pk").first()
    return Invoice.objects.select_for_update().get(pk=invoice.pk)


def record_payment(*, actor, invoice, amount, received_on, reference="", entry_key=None) -> Payment:
    """Money received against an invoice: a part, or the rest (the invoice is then paid)."""
    require(actor, RECORD_PAYMENT)
    entry_key = entry_key or uuid.uuid4()
    existing = Payment.objects.filter(entry_key=entry_key).first()
    if existing is not None:
        return existing
    reference = visible_strip(reference or "")
    errors = []
    if received_on is None:
        errors.append(_("Enter the date the money was received."))
    elif received_on > timezone.localdate():
        errors.append(_("The date received cannot be in the future."))
    if amount is None or not amount.is_finite() or amount <= 0:
        errors.append(_("The amount received must be more than zero."))
    elif amount != amount.quantize(CENT):
        errors.append(_("An amount has at most 2 decimals."))
    if len(reference) > Payment._meta.get_field("reference").max_length:
        errors.append(_("The bank reference has at most 100 characters."))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = _locked(invoice)
        refused = _("Invoice %(number)s is %(status)s: no payment can be recorded.") % {
            "number": current.number, "status": current.get_status_display().lower()}
        if current.status not in UNPAID_STATUSES:
            raise ValidationError(refused)
        if amount > current.outstanding:
            raise ValidationError(_("Only %(left)s of invoice %(number)s is still unpaid.") % {
                "left": money_text(current.outstanding, current.currency), "number": current.number})
        if received_on < current.invoice_date:
            raise ValidationError(_("The date received cannot be before the invoice date."))
        previous = current.status
        current.paid_amount += amount
        take(current.pay_in_full if current.paid_amount == current.amount else current.pay_part,
             actor=actor, refused=refused)
        current.save(update_fields=["paid_amount", "status", "updated_at"])
        payment = Payment.objects.create(invoice=current, amount=amount, currency=current.currency,
                                         received_on=received_on, reference=reference, entry_key=entry_key,
                                         recorded_by=actor)
        current.events.record(action="payment", actor=actor, from_status=previous, to_status=current.status,
                              note=Text(gettext_noop("%(amount)s received on %(date)s; %(left)s still unpaid."),
                                        amount=money_text(amount, current.currency), date=received_on,
                                        left=money_text(current.outstanding, current.currency)))
    return payment


def cancel_invoice(*, actor, invoice, reason) -> Invoice:
    """Cancel an invoice recorded by mistake (none of it paid); the shipment can be invoiced again."""
    require(actor, MANAGE)
    reason = visible_strip(reason or "")
    if not reason:
        raise ValidationError(_("Give the reason for cancelling the invoice."))
    if len(reason) > 300:
        raise ValidationError(_("The reason has at most 300 characters."))
    with transaction.atomic():
        current = _locked(invoice)
        take(current.cancel, actor=actor, refused=_("Invoice %(number)s is %(status)s: it cannot be cancelled.") % {
            "number": current.number, "status": current.get_status_display().lower()})
        current.cancel_reason = reason
        current.save(update_fields=["status", "cancel_reason", "updated_at"])
        current.events.record(action="cancelled", actor=actor, from_status=IS.ISSUED, to_status=IS.CANCELLED,
                              note=reason)
    return current


def record_settlement_exception(*, actor, order, reason) -> SettlementException:
    """Let a delivered order close although it is not fully invoiced and paid (the reason is kept)."""
    require(actor, SETTLE_EXCEPTION)
    reason = visible_strip(reason or "")
    if not reason:
        raise ValidationError(_("Give the reason why the order may close without full settlement."))
    if len(reason) > 300:
        raise ValidationError(_("The reason has at most 300 characters."))
    with transaction.atomic():
        current = Order.objects.select_for_update().get(pk=order.pk)
        if SettlementException.objects.filter(order=current).exists():
            raise ValidationError(_("Order %(number)s has a settlement exception already.")
                                  % {"number": current.number})
        exception = SettlementException.objects.create(order=current, reason=reason, recorded_by=actor)
        current.events.record(action="settlement_exception", actor=actor, from_status=current.status,
                              to_status=current.status, note=reason)
    return exception


def alert_overdue_invoices(*, today=None) -> int:
    """The overdue-receivable alert (sales and finance) for every unpaid invoice past its due date, once per
    invoice (dedupe key). Returns how many invoices are overdue."""
    today = today or timezone.localdate()
    overdue = (Invoice.objects.filter(status__in=UNPAID_STATUSES, due_date__lt=today)
               .select_related("order", "customer").order_by("due_date", "id"))
    count = 0
    for invoice in overdue:
        count += 1
        create_alert(kind="invoice_overdue", roles=["sales", "finance"],
                     severity="high" if invoice.order.is_rush else "info",
                     subject=gettext_noop("Invoice %(number)s of %(customer)s is overdue"),
                     body=gettext_noop("Order %(order)s: %(outstanding)s unpaid, due %(due)s."),
                     params={"number": invoice.number, "customer": invoice.customer.name,
                             "order": invoice.order.number, "due": invoice.due_date,
                             "outstanding": money_text(invoice.outstanding, invoice.currency)},
                     link=reverse("settlement:invoice_detail", args=[invoice.pk]),
                     dedupe_key=f"invoice_overdue:{invoice.pk}")
    return count
