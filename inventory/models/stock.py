"""Stock: warehouses, locations, lots, the stock ledger, balances and reservations.

Stock is an append-only ledger (StockMove) plus one balance row per item/location/lot
(StockBalance) updated in the same transaction under select_for_update, so a balance always equals
the sum of its ledger rows and never goes negative (inventory.stock_services writes both; the
check_stock_ledger command verifies it).

Ledger design: one row per location side with a signed quantity in the item's base unit. A receipt
is one +row, an issue one −row, a transfer a −row at the source and a +row at the destination that
share a `move_group`. A mistake is reversed by new rows (opposite sign, `reversal_of` pointing at the
row they undo), never by editing or deleting. Later stages (purchase receipts, prep sheets, work
orders, shipments) point their moves at their documents through the generic document_* fields,
because inventory may not import those apps.
"""

import uuid
from decimal import Decimal

import django_fsm as fsm
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from history.models import AppendOnlyModel
from orders.models import QTY, Unit
from systemtext.fields import StoredCharField, StoredTextField, TextValuesField

from .items import Item


class Warehouse(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    address = models.TextField(_("address"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")

    def __str__(self):
        return f"{self.code} {self.name}"


class Location(models.Model):
    """A place stock lies: a bin in a zone of a warehouse. Codes are unique across warehouses (they are
    printed on labels and typed into imports), and pick_sequence orders a picking walk."""

    warehouse = models.ForeignKey(Warehouse, verbose_name=_("warehouse"), on_delete=models.PROTECT,
                                  related_name="locations")
    code = models.CharField(_("code"), max_length=40, unique=True)
    zone = models.CharField(_("zone"), max_length=40, blank=True)
    bin = models.CharField(_("bin"), max_length=40, blank=True)
    pick_sequence = models.PositiveIntegerField(_("pick sequence"), default=0,
                                                help_text=_("Order of the location on a picking walk (lowest first)."))
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["warehouse", "pick_sequence", "code"]
        verbose_name = _("location")
        verbose_name_plural = _("locations")

    def __str__(self):
        return self.code


class LotStatus(models.TextChoices):
    AVAILABLE = "available", pgettext_lazy("lot status", "Available")
    QUARANTINE = "quarantine", pgettext_lazy("lot status", "Quarantine")
    BLOCKED = "blocked", pgettext_lazy("lot status", "Blocked")


class Lot(fsm.ConcurrentTransitionMixin, models.Model):
    """A batch of one item with its own dates and status. Only available, unexpired lots can be
    issued or reserved; quarantined and blocked lots stay in stock until released or scrapped."""

    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="lots")
    number = models.CharField(_("lot number"), max_length=60)
    supplier_lot = models.CharField(_("supplier lot"), max_length=60, blank=True)
    production_date = models.DateField(_("production date"), null=True, blank=True)
    expiry_date = models.DateField(_("expiry date"), null=True, blank=True)
    status = fsm.FSMField(_("status"), max_length=12, choices=LotStatus.choices, default=LotStatus.AVAILABLE,
                          protected=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["item", "number"]
        verbose_name = _("lot")
        verbose_name_plural = _("lots")
        constraints = [models.UniqueConstraint(fields=["item", "number"], name="lot_number_unique_per_item")]
        indexes = [models.Index(fields=["item", "expiry_date", "created_at"], name="lot_fefo_idx")]

    def __str__(self):
        return self.number

    def is_expired(self, on=None):
        return self.expiry_date is not None and self.expiry_date < (on or timezone.localdate())

    # Any status may follow any other; inventory.stock_services.set_lot_status records who, when and why.
    @fsm.transition(status, source=[LotStatus.QUARANTINE, LotStatus.BLOCKED], target=LotStatus.AVAILABLE,
                    permission="inventory.change_lot")
    def release(self):
        pass

    @fsm.transition(status, source=[LotStatus.AVAILABLE, LotStatus.BLOCKED], target=LotStatus.QUARANTINE,
                    permission="inventory.change_lot")
    def quarantine(self):
        pass

    @fsm.transition(status, source=[LotStatus.AVAILABLE, LotStatus.QUARANTINE], target=LotStatus.BLOCKED,
                    permission="inventory.change_lot")
    def block(self):
        pass


# The Lot transition that leads to each status.
LOT_TRANSITION = {LotStatus.AVAILABLE: "release", LotStatus.QUARANTINE: "quarantine", LotStatus.BLOCKED: "block"}


class LotEvent(AppendOnlyModel):
    """A lot's status change: who, when, from, to, why."""

    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField(_("from"), max_length=12, choices=LotStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=LotStatus.choices)
    reason = StoredTextField(_("reason"), blank=True)
    reason_values = TextValuesField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("by"))
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("lot event")
        verbose_name_plural = _("lot events")

    def __str__(self):
        return f"{self.lot_id}: {self.from_status} → {self.to_status}"


class MoveKind(models.TextChoices):
    RECEIPT = "receipt", _("Receipt")
    ISSUE = "issue", _("Issue")
    TRANSFER = "transfer", _("Transfer")
    ADJUSTMENT = "adjustment", _("Adjustment")
    RETURN = "return", pgettext_lazy("stock move", "Return")
    SCRAP = "scrap", _("Scrap")
    PRODUCTION_OUTPUT = "production_output", _("Production output")


class StockMove(AppendOnlyModel):
    """One ledger row: `quantity` (signed, in the item's base unit) of an item/lot entering (+) or
    leaving (−) one location. The rows of one posting (both sides of a transfer, the lines of a cycle
    count) share `move_group`. `entered_quantity`/`entered_unit` keep what the user typed."""

    move_group = models.UUIDField(_("posting"), default=uuid.uuid4, db_index=True)
    kind = models.CharField(_("kind"), max_length=20, choices=MoveKind.choices)
    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="stock_moves")
    lot = models.ForeignKey(Lot, verbose_name=_("lot"), null=True, blank=True, on_delete=models.PROTECT,
                            related_name="moves")
    location = models.ForeignKey(Location, verbose_name=_("location"), on_delete=models.PROTECT,
                                 related_name="moves")
    quantity = models.DecimalField(_("quantity"), **QTY)
    # The location/lot balance right after this row (rows of one balance are serialised by its lock).
    balance_after = models.DecimalField(_("balance after"), **QTY)
    entered_quantity = models.DecimalField(_("entered quantity"), **QTY)
    entered_unit = models.CharField(_("entered unit"), max_length=8, choices=Unit.choices)
    # What the system writes is a message id + values (systemtext), read in the reader's language; a
    # reason a person typed is kept as typed.
    reason = StoredCharField(_("reason"), max_length=300, blank=True)
    reason_values = TextValuesField()
    reversal_of = models.OneToOneField("self", verbose_name=_("reverses"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="reversed_by")
    # Generic reference to the document behind the move (a purchase receipt, prep sheet, work order,
    # shipment, import…): later apps point here without inventory importing them.
    document_type = models.CharField(_("document type"), max_length=40, blank=True)
    document_id = models.PositiveBigIntegerField(_("document id"), null=True, blank=True)
    document_number = models.CharField(_("document"), max_length=60, blank=True)
    order = models.ForeignKey("orders.Order", verbose_name=_("order"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="stock_moves")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("by"))
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("stock move")
        verbose_name_plural = _("stock moves")
        permissions = [
            ("post_stockmove", _("Can post stock moves (receipts, issues, transfers, adjustments)")),
            ("reverse_stockmove", _("Can reverse stock moves")),
            ("count_stock", _("Can enter cycle counts")),
            ("import_opening_balance", _("Can import opening balances")),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(quantity=0), name="stock_move_quantity_nonzero"),
            models.CheckConstraint(condition=Q(entered_quantity__gt=0), name="stock_move_entered_positive"),
            models.CheckConstraint(condition=Q(balance_after__gte=0), name="stock_move_balance_after_nonnegative"),
        ]
        indexes = [
            models.Index(fields=["item", "created_at", "id"], name="stock_move_item_time_idx"),
            models.Index(fields=["lot", "created_at"], name="stock_move_lot_time_idx"),
            models.Index(fields=["location", "created_at"], name="stock_move_location_time_idx"),
            models.Index(fields=["document_type", "document_id"], name="stock_move_document_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.quantity} {self.item_id}@{self.location_id}"


class ManualPosting(models.Model):
    """One submission of the manual stock move form, by its one-time entry key: the same form sent
    again (a double click, a resent POST) finds its posting here and posts nothing more. The key is
    inserted before posting (so a second copy waits on it), then given the posting's move group."""

    entry_key = models.UUIDField(unique=True)
    move_group = models.UUIDField(_("posting"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("by"))
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("manual posting")
        verbose_name_plural = _("manual postings")

    def __str__(self):
        return str(self.entry_key)


class StockBalance(models.Model):
    """On hand and reserved of one item/lot at one location, kept equal to the ledger by the
    services. Reserved stock is part of on hand; available = on hand − reserved."""

    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="stock_balances")
    location = models.ForeignKey(Location, verbose_name=_("location"), on_delete=models.PROTECT,
                                 related_name="balances")
    lot = models.ForeignKey(Lot, verbose_name=_("lot"), null=True, blank=True, on_delete=models.PROTECT,
                            related_name="balances")
    on_hand = models.DecimalField(_("on hand"), **QTY, default=Decimal("0"))
    reserved = models.DecimalField(_("reserved"), **QTY, default=Decimal("0"))
    last_counted_at = models.DateTimeField(_("last counted"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["item", "location", "lot"]
        verbose_name = _("stock balance")
        verbose_name_plural = _("stock balances")
        constraints = [
            models.UniqueConstraint(fields=["item", "location", "lot"], condition=Q(lot__isnull=False),
                                    name="stock_balance_lot_unique"),
            models.UniqueConstraint(fields=["item", "location"], condition=Q(lot__isnull=True),
                                    name="stock_balance_no_lot_unique"),
            models.CheckConstraint(condition=Q(on_hand__gte=0), name="stock_balance_on_hand_nonnegative"),
            models.CheckConstraint(condition=Q(reserved__gte=0), name="stock_balance_reserved_nonnegative"),
            models.CheckConstraint(condition=Q(reserved__lte=models.F("on_hand")),
                                   name="stock_balance_reserved_within_on_hand"),
        ]

    def __str__(self):
        return f"{self.item_id}@{self.location_id}/{self.lot_id}: {self.on_hand}"

    @property
    def available(self):
        return self.on_hand - self.reserved


class ReservationStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("reservation status", "Active")
    RELEASED = "released", pgettext_lazy("reservation status", "Released")
    CONSUMED = "consumed", pgettext_lazy("reservation status", "Consumed")


class Reservation(fsm.ConcurrentTransitionMixin, models.Model):
    """Stock of one balance row (item/location/lot) set aside for a demand (a work order, a shipment),
    named by a generic reference. While active, `quantity − consumed` counts in the balance's
    `reserved`; issuing for the demand consumes it, releasing gives the rest back."""

    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="reservations")
    location = models.ForeignKey(Location, verbose_name=_("location"), on_delete=models.PROTECT,
                                 related_name="reservations")
    lot = models.ForeignKey(Lot, verbose_name=_("lot"), null=True, blank=True, on_delete=models.PROTECT,
                            related_name="reservations")
    quantity = models.DecimalField(_("reserved quantity"), **QTY)
    consumed = models.DecimalField(_("consumed"), **QTY, default=Decimal("0"))
    status = fsm.FSMField(_("status"), max_length=10, choices=ReservationStatus.choices,
                          default=ReservationStatus.ACTIVE, db_index=True, protected=True)
    demand_type = models.CharField(_("demand type"), max_length=40)
    demand_id = models.PositiveBigIntegerField(_("demand id"), null=True, blank=True)
    demand_number = models.CharField(_("demand"), max_length=60, blank=True)
    order = models.ForeignKey("orders.Order", verbose_name=_("order"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="reservations")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("closed by"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    close_reason = StoredCharField(_("reason"), max_length=300, blank=True)
    close_reason_values = TextValuesField()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("reservation")
        verbose_name_plural = _("reservations")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="reservation_quantity_positive"),
            models.CheckConstraint(condition=Q(consumed__gte=0) & Q(consumed__lte=models.F("quantity")),
                                   name="reservation_consumed_within_quantity"),
        ]
        indexes = [
            models.Index(fields=["demand_type", "demand_id", "status"], name="reservation_demand_idx"),
            models.Index(fields=["item", "location", "lot", "status"], name="reservation_balance_idx"),
        ]

    def __str__(self):
        return f"{self.demand_type} {self.demand_number or self.demand_id}: {self.quantity} {self.item_id}"

    @property
    def open_quantity(self):
        return self.quantity - self.consumed if self.status == ReservationStatus.ACTIVE else Decimal("0")

    # No role of its own: a reservation closes as part of the issue or release that the service checked.
    # inventory.ledger and inventory.reservations write the rows in bulk, under their row locks.
    @fsm.transition(status, source=ReservationStatus.ACTIVE, target=ReservationStatus.CONSUMED,
                    conditions=[lambda reservation: reservation.consumed >= reservation.quantity])
    def consume(self):
        pass

    @fsm.transition(status, source=ReservationStatus.ACTIVE, target=ReservationStatus.RELEASED)
    def release(self):
        pass
