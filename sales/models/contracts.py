"""Framework contracts (合同, 框架协议): a period, products with agreed prices and total quantities, and the
payment terms. Orders placed against a contract (call-offs) draw its quantities down; an order cancelled
gives its quantity back. The link lives here (ContractCallOff), so Order is untouched.

    draft ─activate→ active ─expire (beat, past the end date)→ expired
                       └─terminate (with reason)→ terminated
"""

from decimal import Decimal

import django_fsm as fsm
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from history.models import Event
from orders.models import MONEY, QTY, Currency, Customer, Order, OrderLine, OrderStatus, PaymentTerms, Product

MANAGE_PERMISSION = "sales.change_contract"


class ContractStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Expired")
    TERMINATED = "terminated", _("Terminated")


def _has_lines(contract):
    return contract.pk is not None and contract.lines.exists()


class Contract(fsm.ConcurrentTransitionMixin, models.Model):
    number = models.CharField(_("contract number"), max_length=20, unique=True, editable=False)
    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.PROTECT,
                                 related_name="contracts")
    title = models.CharField(_("title"), max_length=200)
    customer_reference = models.CharField(_("customer's contract number"), max_length=60, blank=True)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.CNY)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    payment_terms = models.CharField(_("payment terms"), max_length=20, choices=PaymentTerms.choices,
                                     default=PaymentTerms.NET30)
    notes = models.TextField(_("terms and notes"), blank=True)
    status = fsm.FSMField(_("status"), max_length=12, choices=ContractStatus.choices, default=ContractStatus.DRAFT,
                          protected=True, db_index=True)
    status_reason = models.CharField(_("reason"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        permissions = [("call_off_contract", _("Can place orders against contracts"))]
        constraints = [models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")),
                                              name="sales_contract_period_ordered")]

    def __str__(self):
        return self.number

    def in_period(self, day):
        return self.start_date <= day <= self.end_date

    @fsm.transition(status, source=ContractStatus.DRAFT, target=ContractStatus.ACTIVE, permission=MANAGE_PERMISSION,
                    conditions=[_has_lines])
    def activate(self):
        pass

    @fsm.transition(status, source=ContractStatus.ACTIVE, target=ContractStatus.EXPIRED)
    def expire(self):
        pass

    @fsm.transition(status, source=[ContractStatus.DRAFT, ContractStatus.ACTIVE], target=ContractStatus.TERMINATED,
                    permission=MANAGE_PERMISSION)
    def terminate(self):
        pass


class ContractLine(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="lines")
    line_no = models.PositiveIntegerField(_("line"))
    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="+")
    agreed_price = models.DecimalField(_("agreed price"), **MONEY)
    total_quantity = models.DecimalField(_("total quantity"), **QTY)

    class Meta:
        ordering = ["contract", "line_no"]
        verbose_name = _("contract line")
        verbose_name_plural = _("contract lines")
        constraints = [
            models.UniqueConstraint(fields=["contract", "line_no"], name="sales_contract_line_no_once"),
            models.UniqueConstraint(fields=["contract", "product"], name="sales_contract_product_once"),
            models.CheckConstraint(condition=Q(total_quantity__gt=0), name="sales_contract_quantity_positive"),
            models.CheckConstraint(condition=Q(agreed_price__gte=0), name="sales_contract_price_not_negative"),
        ]

    def __str__(self):
        return f"{self.contract_id}/{self.line_no}"


# Orders whose call-offs no longer draw the contract down.
NOT_DRAWING = [OrderStatus.CANCELLED]


class ContractCallOff(models.Model):
    """One order line placed against a contract line; `exceeded_by` records how far it went past what was
    left when it was placed (after the warning was acknowledged)."""

    contract_line = models.ForeignKey(ContractLine, on_delete=models.PROTECT, related_name="call_offs")
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="contract_call_offs")
    order_line = models.OneToOneField(OrderLine, on_delete=models.PROTECT, related_name="contract_call_off")
    quantity = models.DecimalField(_("quantity"), **QTY)
    exceeded_by = models.DecimalField(_("exceeded by"), **QTY, default=Decimal("0"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("placed by"))
    created_at = models.DateTimeField(_("placed at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("call-off")
        verbose_name_plural = _("call-offs")

    def __str__(self):
        return f"{self.contract_line_id}: {self.quantity}"


class ContractAction(models.TextChoices):
    CREATED = "created", _("Created")
    ACTIVATED = "activated", _("Activated")
    CALLED_OFF = "called_off", _("Order placed against it")
    EXCEEDED = "exceeded", _("Call-off beyond the agreed quantity")
    EXPIRED = "expired", _("Expired")
    TERMINATED = "terminated", _("Terminated")


class ContractEvent(Event):
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=30, choices=ContractAction.choices)
    from_status = models.CharField(_("from"), max_length=12, choices=ContractStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=ContractStatus.choices, blank=True)

    class Meta(Event.Meta):
        verbose_name = _("contract event")
        verbose_name_plural = _("contract events")

    def __str__(self):
        return f"{self.contract_id} {self.action}"
