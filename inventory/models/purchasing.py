"""Purchasing and material delays.

Material requirements (inventory.requirements) net an order's BOM explosion against stock, the
order's reservations and open purchase order lines. Shortages become purchase requests, approved
requests become purchase order lines, and goods are received against those lines (inventory.purchasing).
A material delay request records a later expected date and marks the orders short of the item at
risk (inventory.material_delays). The material prep sheet (物料准备单) lists what the warehouse picks
for a planned order; issues, returns and production's acceptance are recorded per line
(inventory.prep_sheets). Every status change has an append-only event (who, when, from, to, why).
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

from history.models import AppendOnlyModel, Event
from orders.models import MONEY, QTY, Currency, Unit, line_amount
from systemtext.fields import StoredCharField, TextValuesField

from .items import PERCENT, Item
from .stock import Location, Lot


class Supplier(models.Model):
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.TextField(_("address"), blank=True)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.CNY)
    over_receipt_percent = models.DecimalField(
        _("over-receipt tolerance %"), **PERCENT, default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("How much more than ordered may be received on a line (0: never more than ordered)."))
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    lead_time_days = models.PositiveIntegerField(
        _("lead time (days)"), default=0,
        help_text=_("Calendar days from ordering to delivery, for items that have no purchase lead time of their own."))

    class Meta:
        ordering = ["code"]
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")
        constraints = [
            models.CheckConstraint(condition=Q(over_receipt_percent__gte=0) & Q(over_receipt_percent__lt=100),
                                   name="supplier_over_receipt_range"),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"


class PurchaseRequestStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("purchase request status", "Open")
    APPROVED = "approved", pgettext_lazy("purchase request status", "Approved")
    ORDERED = "ordered", pgettext_lazy("purchase request status", "Ordered")
    REJECTED = "rejected", pgettext_lazy("purchase request status", "Rejected")
    CANCELLED = "cancelled", pgettext_lazy("purchase request status", "Cancelled")


PR_LIVE = [PurchaseRequestStatus.OPEN, PurchaseRequestStatus.APPROVED]
APPROVE_PR = "inventory.approve_purchaserequest"


def _may_withdraw_request(request, user):
    """The requester withdraws their own request; an approver any request."""
    return request.requested_by_id == user.pk or user.has_perm(APPROVE_PR)


class PurchaseRequest(fsm.ConcurrentTransitionMixin, models.Model):
    """A request to buy `quantity` (in the item's unit) of an item by a date, usually for an order's
    shortage. Approved requests are turned into purchase order lines."""

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="purchase_requests")
    quantity = models.DecimalField(_("quantity"), **QTY)
    needed_by = models.DateField(_("needed by"))
    order = models.ForeignKey("orders.Order", verbose_name=_("for order"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="purchase_requests")
    note = StoredCharField(_("note"), max_length=300, blank=True)
    note_values = TextValuesField()
    status = fsm.FSMField(_("status"), max_length=10, choices=PurchaseRequestStatus.choices,
                          default=PurchaseRequestStatus.OPEN, db_index=True, protected=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = StoredCharField(_("decision note"), max_length=300, blank=True)  # typed, or the system's
    decision_note_values = TextValuesField()
    purchase_order_line = models.ForeignKey("PurchaseOrderLine", verbose_name=_("purchase order line"), null=True,
                                            blank=True, on_delete=models.PROTECT, related_name="requests")

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("purchase request")
        verbose_name_plural = _("purchase requests")
        permissions = [("approve_purchaserequest", _("Can approve or reject purchase requests"))]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="purchase_request_quantity_positive"),
            # "Request all shortages" clicked twice makes one request per order and item.
            models.UniqueConstraint(fields=["order", "item"], condition=Q(status__in=PR_LIVE, order__isnull=False),
                                    name="purchase_request_one_live_per_order_item"),
        ]

    def __str__(self):
        return self.number

    @property
    def next_step(self):
        """Who acts next on the request, in words, so the warehouse that raised it knows it is not theirs to
        approve (planners and managers hold inventory.approve_purchaserequest, accounts.roles)."""
        return PR_NEXT_STEP.get(self.status, "")

    # Transitions declare source, target and role; inventory.purchasing does the work and records it.
    @fsm.transition(status, source=PurchaseRequestStatus.OPEN, target=PurchaseRequestStatus.APPROVED,
                    permission=APPROVE_PR)
    def approve(self):
        pass

    @fsm.transition(status, source=PurchaseRequestStatus.OPEN, target=PurchaseRequestStatus.REJECTED,
                    permission=APPROVE_PR)
    def reject(self):
        pass

    @fsm.transition(status, source=PR_LIVE, target=PurchaseRequestStatus.CANCELLED, permission=_may_withdraw_request)
    def cancel(self):
        pass

    @fsm.transition(status, source=PurchaseRequestStatus.APPROVED, target=PurchaseRequestStatus.ORDERED,
                    permission="inventory.add_purchaseorder")
    def mark_ordered(self):
        pass

    # Its purchase order was cancelled: approved again, to be ordered elsewhere.
    @fsm.transition(status, source=PurchaseRequestStatus.ORDERED, target=PurchaseRequestStatus.APPROVED,
                    permission="inventory.change_purchaseorder")
    def reopen(self):
        pass


PR_NEXT_STEP = {
    PurchaseRequestStatus.OPEN: _("Waiting for the planner's approval"),
    PurchaseRequestStatus.APPROVED: _("Waiting for the planner to order it from a supplier"),
    PurchaseRequestStatus.ORDERED: _("On order: the warehouse receives the goods when they arrive"),
}


class PurchaseOrderStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("purchase order status", "Draft")
    SENT = "sent", pgettext_lazy("purchase order status", "Sent")
    PARTIALLY_RECEIVED = "partially_received", pgettext_lazy("purchase order status", "Partially received")
    RECEIVED = "received", pgettext_lazy("purchase order status", "Received")
    CLOSED = "closed", pgettext_lazy("purchase order status", "Closed")
    CANCELLED = "cancelled", pgettext_lazy("purchase order status", "Cancelled")


# Goods are expected (and can be received) on these; requirements count their open quantities.
PO_OPEN = [PurchaseOrderStatus.SENT, PurchaseOrderStatus.PARTIALLY_RECEIVED]
CHANGE_PO = "inventory.change_purchaseorder"


def _nothing_received(purchase_order):
    return not purchase_order.lines.filter(received_quantity__gt=0).exists()


class PurchaseOrder(fsm.ConcurrentTransitionMixin, models.Model):
    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    supplier = models.ForeignKey(Supplier, verbose_name=_("supplier"), on_delete=models.PROTECT,
                                 related_name="purchase_orders")
    status = fsm.FSMField(_("status"), max_length=20, choices=PurchaseOrderStatus.choices,
                          default=PurchaseOrderStatus.DRAFT, db_index=True, protected=True)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.CNY)
    note = models.TextField(_("note"), blank=True)
    status_reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    # The new-order form's one-time key: the same form sent twice makes one purchase order.
    entry_key = models.UUIDField(unique=True, null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("purchase order")
        verbose_name_plural = _("purchase orders")
        permissions = [("receive_purchaseorder", _("Can receive goods against purchase orders"))]

    def __str__(self):
        return self.number

    @property
    def is_open(self):
        return self.status in PO_OPEN

    # Transitions declare source, target, conditions and role; inventory.purchasing does the work.
    @fsm.transition(status, source=PurchaseOrderStatus.DRAFT, target=PurchaseOrderStatus.SENT, permission=CHANGE_PO)
    def send(self):
        pass

    @fsm.transition(status, source=PO_OPEN,
                    target=fsm.RETURN_VALUE(PurchaseOrderStatus.PARTIALLY_RECEIVED, PurchaseOrderStatus.RECEIVED),
                    permission="inventory.receive_purchaseorder")
    def receive(self, *, complete):
        """Goods came in; `complete`: every line has all it ordered."""
        return PurchaseOrderStatus.RECEIVED if complete else PurchaseOrderStatus.PARTIALLY_RECEIVED

    @fsm.transition(status, source=[PurchaseOrderStatus.DRAFT, PurchaseOrderStatus.SENT],
                    target=PurchaseOrderStatus.CANCELLED, conditions=[_nothing_received], permission=CHANGE_PO)
    def cancel(self):
        pass

    @fsm.transition(status, source=[*PO_OPEN, PurchaseOrderStatus.RECEIVED], target=PurchaseOrderStatus.CLOSED,
                    permission=CHANGE_PO)
    def close(self):
        pass


class PurchaseOrderLine(models.Model):
    """`quantity` of `item` in `unit` (the supplier's unit); `base_quantity` is the same in the item's
    stock unit, fixed when the line is written (receipts and requirements count in it)."""

    purchase_order = models.ForeignKey(PurchaseOrder, on_delete=models.PROTECT, related_name="lines")
    line_no = models.PositiveIntegerField(_("line"))
    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="purchase_lines")
    quantity = models.DecimalField(_("quantity"), **QTY)
    unit = models.CharField(_("unit"), max_length=8, choices=Unit.choices)
    base_quantity = models.DecimalField(_("quantity in stock unit"), **QTY)
    unit_price = models.DecimalField(_("unit price"), **MONEY)
    expected_date = models.DateField(_("expected date"))
    received_quantity = models.DecimalField(_("received (stock unit)"), **QTY, default=Decimal("0"))
    order = models.ForeignKey("orders.Order", verbose_name=_("for order"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="purchase_lines")

    class Meta:
        ordering = ["purchase_order", "line_no"]
        verbose_name = _("purchase order line")
        verbose_name_plural = _("purchase order lines")
        constraints = [
            models.UniqueConstraint(fields=["purchase_order", "line_no"], name="po_line_no_unique"),
            models.CheckConstraint(condition=Q(quantity__gt=0) & Q(base_quantity__gt=0),
                                   name="po_line_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="po_line_price_not_negative"),
            models.CheckConstraint(condition=Q(received_quantity__gte=0), name="po_line_received_not_negative"),
        ]
        indexes = [models.Index(fields=["item", "expected_date"], name="po_line_item_expected_idx")]

    def __str__(self):
        return f"{self.purchase_order_id}/{self.line_no}"

    @property
    def open_quantity(self):
        return max(self.base_quantity - self.received_quantity, Decimal("0"))

    @property
    def amount(self):
        return line_amount(self.quantity, self.unit_price)


class PurchaseOrderAction(models.TextChoices):
    CREATED = "created", _("Created")
    SENT = "sent", _("Sent to supplier")
    RECEIVED = "received", _("Goods received")
    CANCELLED = "cancelled", _("Cancelled")
    CLOSED = "closed", _("Closed")
    EXPECTED_DATE = "expected_date", _("Expected date changed")


class PurchaseOrderEvent(Event):
    purchase_order = models.ForeignKey(PurchaseOrder, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=40, choices=PurchaseOrderAction.choices)
    from_status = models.CharField(_("from"), max_length=20, choices=PurchaseOrderStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=PurchaseOrderStatus.choices, blank=True)

    class Meta(Event.Meta):
        verbose_name = _("purchase order event")
        verbose_name_plural = _("purchase order events")

    def __str__(self):
        return f"{self.purchase_order_id} {self.action}"


class GoodsReceipt(AppendOnlyModel):
    """Goods received against one purchase order line: what was typed (`quantity`, `unit`), the same
    in the stock unit, where it went and into which lot, and the ledger posting (`move_group`)."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    line = models.ForeignKey(PurchaseOrderLine, verbose_name=_("purchase order line"), on_delete=models.PROTECT,
                             related_name="receipts")
    quantity = models.DecimalField(_("quantity"), **QTY)
    unit = models.CharField(_("unit"), max_length=8, choices=Unit.choices)
    base_quantity = models.DecimalField(_("quantity in stock unit"), **QTY)
    lot = models.ForeignKey(Lot, verbose_name=_("lot"), on_delete=models.PROTECT, related_name="receipts")
    location = models.ForeignKey(Location, verbose_name=_("location"), on_delete=models.PROTECT,
                                 related_name="receipts")
    quarantined = models.BooleanField(_("into quarantine"), default=False)
    note = models.CharField(_("note"), max_length=300, blank=True)
    move_group = models.UUIDField(_("posting"))
    # One receipt per form submission, however often the button is clicked.
    entry_key = models.UUIDField(unique=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("received by"))
    received_at = models.DateTimeField(_("received at"), default=timezone.now)

    class Meta:
        ordering = ["received_at", "id"]
        verbose_name = _("goods receipt")
        verbose_name_plural = _("goods receipts")
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0) & Q(base_quantity__gt=0),
                                              name="goods_receipt_quantity_positive")]

    def __str__(self):
        return self.number


class MaterialDelayStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("material delay status", "Waiting for the PMC head")
    APPROVED = "approved", pgettext_lazy("material delay status", "Approved")
    REJECTED = "rejected", pgettext_lazy("material delay status", "Rejected")


DECIDE_MATERIAL_DELAY = "inventory.decide_materialdelay"


def _decided_by_another(delay):
    """The PMC head who decides is not the person who recorded the request (four eyes)."""
    return delay.decided_by_id is not None and delay.decided_by_id != delay.created_by_id


def _reason_given(delay):
    return bool((delay.decision_reason or "").strip())


class MaterialDelay(fsm.ConcurrentTransitionMixin, models.Model):
    """A material delay request (材料交期延迟申请单): an item (optionally one purchase order line) arrives later
    than expected. The orders short of the item when it was recorded are kept in `affected_orders`. The PMC
    head (the planner role's decide permission, never the person who recorded it) approves or rejects it:
    pending → approved / rejected, with who, when and why (a rejection needs the reason)."""

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="delays")
    purchase_order_line = models.ForeignKey(PurchaseOrderLine, verbose_name=_("purchase order line"), null=True,
                                            blank=True, on_delete=models.PROTECT, related_name="delays")
    previous_expected_date = models.DateField(_("previously expected"), null=True, blank=True)
    new_expected_date = models.DateField(_("new expected date"))
    reason = models.TextField(_("reason"))
    affected_orders = models.ManyToManyField("orders.Order", verbose_name=_("orders at risk"), blank=True,
                                             related_name="material_delays")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now, db_index=True)
    status = fsm.FSMField(_("status"), max_length=10, choices=MaterialDelayStatus.choices,
                          default=MaterialDelayStatus.PENDING, db_index=True, protected=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.CharField(_("decision reason"), max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("material delay")
        verbose_name_plural = _("material delays")
        permissions = [("decide_materialdelay", _("Can approve or reject material delay requests (PMC head)"))]

    def __str__(self):
        return self.number

    # --- the state machine; inventory.material_delays does the work, takes the transition and writes the event.
    @fsm.transition(status, source=MaterialDelayStatus.PENDING, target=MaterialDelayStatus.APPROVED,
                    permission=DECIDE_MATERIAL_DELAY, conditions=[_decided_by_another])
    def approve(self):
        pass

    @fsm.transition(status, source=MaterialDelayStatus.PENDING, target=MaterialDelayStatus.REJECTED,
                    permission=DECIDE_MATERIAL_DELAY, conditions=[_decided_by_another, _reason_given])
    def reject(self):
        pass


class MaterialDelayAction(models.TextChoices):
    RECORDED = "recorded", _("Recorded")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class MaterialDelayEvent(Event):
    """Append-only history of a material delay request: recorded, approved or rejected (who, when, why)."""

    delay = models.ForeignKey(MaterialDelay, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=30, choices=MaterialDelayAction.choices)
    from_status = models.CharField(_("from"), max_length=10, choices=MaterialDelayStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=10, choices=MaterialDelayStatus.choices, blank=True)

    class Meta(Event.Meta):
        verbose_name = _("material delay event")
        verbose_name_plural = _("material delay events")

    def __str__(self):
        return f"{self.delay_id} {self.action}"
