"""Price lists, the discount rule and quotations (报价单).

A price list holds the prices of products for one customer grade (A/B/C, or every grade when blank) in one
currency, valid from a date until a date (open-ended when blank); each product may have quantity breaks
(from 1, from 500, ...). The price in force for a customer, a product, a quantity and a day is the break
of the newest valid list for the customer's grade (a list for the grade wins over one for every grade).

The discount rule is data (DiscountRule): a quotation whose deepest line discount against the price list
exceeds the threshold in force needs the sales manager's approval before it is sent.

A quotation is a protected django-fsm machine:

    draft ─request_approval→ awaiting_approval ─approve→ approved ─send→ sent ─accept→ accepted
      │  ↑──────────── return_to_draft (with reason) ─┘                 │
      └─send (no discount above the threshold)→ sent                     ├─expire (beat, past validity)→ expired
    draft / awaiting_approval / approved / sent ─lose (reason)→ lost     └─lose (with reason)→ lost
    draft / awaiting_approval / approved / sent ─supersede→ superseded (a revision took its place)

Revising keeps the old version read-only (superseded) and makes version n+1 a draft under the same number.
"""

from decimal import Decimal

import django_fsm as fsm
from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from history.models import Event
from orders.models import MONEY, QTY, Currency, Customer, CustomerGrade, Order, Product, line_amount

APPROVE_PERMISSION = "sales.approve_quotation"


class PriceList(models.Model):
    name = models.CharField(_("name"), max_length=120)
    grade = models.CharField(_("customer grade"), max_length=1, choices=CustomerGrade.choices, blank=True,
                             help_text=_("Blank: for customers of every grade."))
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.CNY)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True, help_text=_("Blank: open-ended."))
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-valid_from", "grade", "currency", "id"]
        verbose_name = _("price list")
        verbose_name_plural = _("price lists")
        constraints = [models.CheckConstraint(condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F(
            "valid_from")), name="sales_price_list_period_ordered")]

    def __str__(self):
        return self.name

    def valid_on(self, day):
        return self.is_active and self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)

    @property
    def in_force(self):
        """Valid today (the pages' "in force" mark)."""
        return self.valid_on(timezone.localdate())

    @property
    def can_close(self):
        """Started and not ended by today: closing ends it today."""
        today = timezone.localdate()
        return self.valid_from <= today and (self.valid_until is None or self.valid_until > today)


class PriceListItem(models.Model):
    price_list = models.ForeignKey(PriceList, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="+")
    min_quantity = models.DecimalField(_("from quantity"), **QTY, default=Decimal("1"),
                                       validators=[MinValueValidator(Decimal("0"))])
    unit_price = models.DecimalField(_("unit price"), **MONEY, validators=[MinValueValidator(Decimal("0"))])

    class Meta:
        ordering = ["price_list", "product__sku", "min_quantity"]
        verbose_name = _("price list item")
        verbose_name_plural = _("price list items")
        constraints = [models.UniqueConstraint(fields=["price_list", "product", "min_quantity"],
                                               name="sales_price_break_once"),
                       models.CheckConstraint(condition=Q(unit_price__gte=0), name="sales_price_not_negative")]

    def __str__(self):
        return f"{self.product_id} ≥{self.min_quantity}: {self.unit_price}"


class DiscountRule(models.Model):
    """The discount above which a quotation needs the sales manager's approval; the newest rule whose
    start has come is in force (the rule's history is kept)."""

    threshold_percent = models.DecimalField(_("approval above discount (%)"), max_digits=5, decimal_places=2,
                                            validators=[MinValueValidator(Decimal("0"))])
    valid_from = models.DateField(_("valid from"), default=timezone.localdate)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-valid_from", "-id"]
        verbose_name = _("discount approval rule")
        verbose_name_plural = _("discount approval rules")

    def __str__(self):
        return f"> {self.threshold_percent}%"


class QuotationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting discount approval")
    APPROVED = "approved", _("Discount approved")
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", pgettext_lazy("quotation status", "Accepted")
    EXPIRED = "expired", _("Expired")
    LOST = "lost", _("Lost")
    SUPERSEDED = "superseded", _("Superseded by a revision")


Q_S = QuotationStatus
OPEN_QUOTATION = [Q_S.DRAFT, Q_S.AWAITING_APPROVAL, Q_S.APPROVED, Q_S.SENT]


def _discount_cleared(quotation):
    """Sending needs no approval, or the approval of exactly this version's discount."""
    return not quotation.needs_approval or quotation.status == Q_S.APPROVED


def _has_lines(quotation):
    return quotation.pk is not None and quotation.lines.exists()


class Quotation(fsm.ConcurrentTransitionMixin, models.Model):
    number = models.CharField(_("quotation number"), max_length=20, editable=False)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    previous = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="revision", verbose_name=_("revises"))
    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.PROTECT,
                                 related_name="quotations")
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.CNY)
    valid_until = models.DateField(_("valid until"))
    customer_reference = models.CharField(_("customer's enquiry reference"), max_length=60, blank=True)
    notes = models.TextField(_("notes for the customer"), blank=True)
    status = fsm.FSMField(_("status"), max_length=20, choices=QuotationStatus.choices, default=Q_S.DRAFT,
                          protected=True, db_index=True)
    # The discount rule applied when the lines were last priced, and the deepest line discount then.
    threshold_percent = models.DecimalField(_("approval threshold (%)"), max_digits=5, decimal_places=2,
                                            null=True, blank=True)
    max_discount_percent = models.DecimalField(_("largest discount (%)"), max_digits=5, decimal_places=2,
                                               default=Decimal("0"))
    total_amount = models.DecimalField(_("total"), **MONEY, default=Decimal("0"))
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("discount approved by"))
    approved_at = models.DateTimeField(_("discount approved at"), null=True, blank=True)
    lost_reason = models.CharField(_("lost reason"), max_length=500, blank=True)
    order = models.OneToOneField(Order, null=True, blank=True, on_delete=models.PROTECT, related_name="quotation",
                                 verbose_name=_("order"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("quotation")
        verbose_name_plural = _("quotations")
        permissions = [("approve_quotation", _("Can approve quotation discounts")),
                       ("send_quotation", _("Can send, win and lose quotations"))]
        constraints = [models.UniqueConstraint(fields=["number", "version"], name="sales_quotation_version_once")]

    def __str__(self):
        return self.reference

    @property
    def reference(self):
        return f"{self.number} v{self.version}" if self.version > 1 else self.number

    @property
    def needs_approval(self):
        return self.threshold_percent is not None and self.max_discount_percent > self.threshold_percent

    @property
    def is_editable(self):
        return self.status == Q_S.DRAFT

    @property
    def is_open(self):
        return self.status in OPEN_QUOTATION

    @fsm.transition(status, source=Q_S.DRAFT, target=Q_S.AWAITING_APPROVAL, conditions=[_has_lines])
    def request_approval(self):
        pass

    @fsm.transition(status, source=Q_S.AWAITING_APPROVAL, target=Q_S.APPROVED, permission=APPROVE_PERMISSION)
    def approve(self):
        pass

    @fsm.transition(status, source=Q_S.AWAITING_APPROVAL, target=Q_S.DRAFT, permission=APPROVE_PERMISSION)
    def return_to_draft(self):
        pass

    @fsm.transition(status, source=[Q_S.DRAFT, Q_S.APPROVED], target=Q_S.SENT,
                    conditions=[_has_lines, _discount_cleared])
    def send(self):
        pass

    @fsm.transition(status, source=Q_S.SENT, target=Q_S.ACCEPTED)
    def accept(self):
        pass

    @fsm.transition(status, source=OPEN_QUOTATION, target=Q_S.LOST)
    def lose(self):
        pass

    @fsm.transition(status, source=OPEN_QUOTATION, target=Q_S.EXPIRED)
    def expire(self):
        pass

    @fsm.transition(status, source=OPEN_QUOTATION, target=Q_S.SUPERSEDED)
    def supersede(self):
        pass


class QuotationLine(models.Model):
    """A product at one quantity (its quantity break): several lines of one product quote its price at
    several quantities. The price list's price is kept beside the quoted one, so the discount shows."""

    quotation = models.ForeignKey(Quotation, on_delete=models.CASCADE, related_name="lines")
    line_no = models.PositiveIntegerField(_("line"))
    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(_("quantity"), **QTY)
    list_price = models.DecimalField(_("price list price"), **MONEY)
    unit_price = models.DecimalField(_("quoted price"), **MONEY)
    lead_time_days = models.PositiveIntegerField(_("delivery lead time (days)"))

    class Meta:
        ordering = ["quotation", "line_no"]
        verbose_name = _("quotation line")
        verbose_name_plural = _("quotation lines")
        constraints = [
            models.UniqueConstraint(fields=["quotation", "line_no"], name="sales_quotation_line_no_once"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="sales_quotation_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="sales_quotation_price_not_negative"),
        ]

    def __str__(self):
        return f"{self.quotation_id}/{self.line_no}"

    @property
    def amount(self):
        return line_amount(self.quantity, self.unit_price)

    @property
    def discount_percent(self):
        return discount_percent(self.list_price, self.unit_price)


def discount_percent(list_price, unit_price):
    """How far below the list price, in percent (0 when at or above it, or without a list price)."""
    if not list_price or unit_price >= list_price:
        return Decimal("0")
    return ((list_price - unit_price) * 100 / list_price).quantize(Decimal("0.01"))


class QuotationAction(models.TextChoices):
    CREATED = "created", _("Created")
    REVISED = "revised", _("Revised")
    EDITED = "edited", _("Lines changed")
    APPROVAL_REQUESTED = "approval_requested", _("Discount approval requested")
    APPROVED = "approved", _("Discount approved")
    RETURNED = "returned", _("Returned for changes")
    SENT = "sent", _("Sent to the customer")
    ACCEPTED = "accepted", pgettext_lazy("quotation status", "Accepted")
    LOST = "lost", _("Lost")
    EXPIRED = "expired", _("Expired")
    SUPERSEDED = "superseded", _("Superseded")
    ORDERED = "ordered", _("Turned into an order")


class QuotationEvent(Event):
    quotation = models.ForeignKey(Quotation, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=30, choices=QuotationAction.choices)
    from_status = models.CharField(_("from"), max_length=20, choices=QuotationStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=QuotationStatus.choices, blank=True)

    class Meta(Event.Meta):
        verbose_name = _("quotation event")
        verbose_name_plural = _("quotation events")

    def __str__(self):
        return f"{self.quotation_id} {self.action}"
