"""Settlement (结算): invoice records per shipment and the payments received against them.

Not a ledger: an invoice records what the factory billed for one shipment (number from numbering/,
date, net amount, tax rate and tax, gross amount in the order's currency, the due date from the order's
payment terms) so the order desk, sales and finance see what is invoiced, paid and overdue; the books
are kept in the accounting system, which reads the export (docs/settlement.md).

An invoice moves issued → partly paid → paid as payments come in (each payment an append-only row), or
issued → cancelled with a reason (a wrong invoice; the shipment can then be invoiced again). A
settlement exception lets an order close without full settlement (a written-off remainder, goods
given free of charge), with the reason and who decided it."""

import uuid
from decimal import Decimal

import django_fsm as fsm
from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from history.models import AppendOnlyModel, Event
from orders.models import MONEY, Currency, PaymentTerms

MANAGE = "settlement.add_invoice"


class InvoiceStatus(models.TextChoices):
    ISSUED = "issued", pgettext_lazy("invoice status", "Issued")
    PART_PAID = "part_paid", _("Partly paid")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")


UNPAID_STATUSES = [InvoiceStatus.ISSUED, InvoiceStatus.PART_PAID]


class Invoice(fsm.ConcurrentTransitionMixin, models.Model):
    number = models.CharField(_("invoice number"), max_length=20, unique=True, editable=False)
    shipment = models.ForeignKey("shipping.Shipment", verbose_name=_("shipment"), on_delete=models.PROTECT,
                                 related_name="invoices")
    order = models.ForeignKey("orders.Order", verbose_name=_("order"), on_delete=models.PROTECT,
                              related_name="invoices")
    customer = models.ForeignKey("orders.Customer", verbose_name=_("customer"), on_delete=models.PROTECT,
                                 related_name="invoices")
    status = fsm.FSMField(_("status"), max_length=12, choices=InvoiceStatus.choices, default=InvoiceStatus.ISSUED,
                          protected=True, db_index=True)
    invoice_date = models.DateField(_("invoice date"))
    payment_terms = models.CharField(_("payment terms"), max_length=20, choices=PaymentTerms.choices)
    due_date = models.DateField(_("due date"), db_index=True)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    net_amount = models.DecimalField(_("net amount"), **MONEY, validators=[MinValueValidator(Decimal("0"))])
    tax_rate = models.DecimalField(_("tax rate (%)"), max_digits=5, decimal_places=2,
                                   validators=[MinValueValidator(Decimal("0"))])
    tax_amount = models.DecimalField(_("tax"), **MONEY)
    amount = models.DecimalField(_("invoice amount"), **MONEY, help_text=_("Net amount plus tax."))
    paid_amount = models.DecimalField(_("paid"), **MONEY, default=Decimal("0"))
    cancel_reason = models.CharField(_("cancellation reason"), max_length=300, blank=True)
    entry_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("issued by"))
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-invoice_date", "-id"]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        permissions = [("record_payment", _("Can record payments received")),
                       ("export_invoice", _("Can export invoices for accounting")),
                       ("settle_exception", _("Can close orders without full settlement"))]
        indexes = [models.Index(fields=["customer", "status"], name="invoice_customer_status_idx")]
        constraints = [
            # One live invoice per shipment; a cancelled one may be replaced.
            models.UniqueConstraint(fields=["shipment"], condition=~Q(status="cancelled"),
                                    name="invoice_one_live_per_shipment"),
            models.CheckConstraint(condition=Q(paid_amount__gte=0) & Q(paid_amount__lte=models.F("amount")),
                                   name="invoice_paid_within_amount"),
            models.CheckConstraint(condition=Q(due_date__gte=models.F("invoice_date")),
                                   name="invoice_due_not_before_date"),
        ]

    def __str__(self):
        return self.number

    @property
    def outstanding(self):
        return Decimal("0") if self.status == InvoiceStatus.CANCELLED else self.amount - self.paid_amount

    def is_overdue(self, today):
        return self.status in UNPAID_STATUSES and self.due_date < today

    # --- the state machine: issued → part_paid → paid; issued → cancelled -----------------------------
    @fsm.transition(status, source=[InvoiceStatus.ISSUED, InvoiceStatus.PART_PAID], target=InvoiceStatus.PART_PAID,
                    permission="settlement.record_payment")
    def pay_part(self):
        pass

    @fsm.transition(status, source=[InvoiceStatus.ISSUED, InvoiceStatus.PART_PAID], target=InvoiceStatus.PAID,
                    permission="settlement.record_payment")
    def pay_in_full(self):
        pass

    @fsm.transition(status, source=InvoiceStatus.ISSUED, target=InvoiceStatus.CANCELLED, permission=MANAGE)
    def cancel(self):
        pass


class InvoiceAction(models.TextChoices):
    ISSUED = "issued", _("Invoice recorded")
    PAYMENT = "payment", _("Payment received")
    CANCELLED = "cancelled", _("Cancelled")


class InvoiceEvent(Event):
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=40, choices=InvoiceAction.choices)
    from_status = models.CharField(_("from"), max_length=12, choices=InvoiceStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=InvoiceStatus.choices, blank=True)

    class Meta(Event.Meta):
        verbose_name = _("invoice event")
        verbose_name_plural = _("invoice events")

    def __str__(self):
        return f"{self.invoice_id} {self.action}"


class Payment(AppendOnlyModel):
    """Money received against one invoice (a part or the rest), in the invoice's currency."""

    invoice = models.ForeignKey(Invoice, verbose_name=_("invoice"), on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(_("amount"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    received_on = models.DateField(_("received on"))
    reference = models.CharField(_("bank reference"), max_length=100, blank=True)
    entry_key = models.UUIDField(unique=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        ordering = ["received_on", "id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive")]

    def __str__(self):
        return f"{self.invoice_id} {self.amount} {self.currency}"


class SettlementException(AppendOnlyModel):
    """An order allowed to close although it is not fully invoiced and paid, and why."""

    order = models.OneToOneField("orders.Order", verbose_name=_("order"), on_delete=models.PROTECT,
                                 related_name="settlement_exception")
    reason = models.CharField(_("reason"), max_length=300)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("settlement exception")
        verbose_name_plural = _("settlement exceptions")

    def __str__(self):
        return f"{self.order_id}: {self.reason}"
