"""Items and their bills of materials (BOMs).

An item is anything the factory buys, makes, stores or ships: raw materials, components,
sub-assemblies, packaging and finished goods. A finished good that customers order is linked one to
one to its orders.Product (the product is what is sold, the item is what is made and stocked).

A BOM lists the components (and their quantity per one unit of the parent, with a scrap %) that
making one unit of an item consumes. BOMs are versioned: saving a changed BOM writes a new version
and makes it the active one; earlier versions are kept for history and can be made active again.
At most one version per item is active (a database constraint). A component can have its own BOM
(multi-level); a BOM that would contain its own item, directly or through its components, is refused
(inventory.services). The requirement formula is in inventory.bom_structure.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from history.models import AppendOnlyModel, Event
from orders.models import MONEY, QTY, Currency, Product, Unit
from systemtext.fields import StoredCharField, StoredTextField, TextValuesField

# Scrap % as Decimal(5, 2): 0.00 up to 99.99.
PERCENT = {"max_digits": 5, "decimal_places": 2}
MAX_SCRAP_PERCENT = Decimal("100")


class ItemType(models.TextChoices):
    RAW_MATERIAL = "raw_material", _("Raw material")
    COMPONENT = "component", _("Component")
    SUB_ASSEMBLY = "sub_assembly", _("Sub-assembly")
    PACKAGING = "packaging", _("Packaging")
    FINISHED_GOOD = "finished_good", _("Finished good")


class Sourcing(models.TextChoices):
    MAKE = "make", _("Make (in house)")
    BUY = "buy", _("Buy (purchased)")


class Item(models.Model):
    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    specification = models.CharField(_("specification"), max_length=300, blank=True)
    item_type = models.CharField(_("item type"), max_length=20, choices=ItemType.choices,
                                 default=ItemType.RAW_MATERIAL)
    unit = models.CharField(_("unit"), max_length=8, choices=Unit.choices, default=Unit.PCS)
    sourcing = models.CharField(_("make or buy"), max_length=4, choices=Sourcing.choices, default=Sourcing.BUY)
    purchase_lead_time_days = models.PositiveIntegerField(
        _("purchase lead time (days)"), default=0,
        help_text=_("Calendar days from ordering a bought item to having it in stock."))
    product = models.OneToOneField(
        Product, verbose_name=_("product sold as"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="item", help_text=_("For a finished good: the product customers order."))
    # Stock planning: below the reorder point the warehouse and planners are alerted; the safety stock
    # is the quantity that should never be touched by planned demand. Both in the base unit.
    safety_stock = models.DecimalField(_("safety stock"), **QTY, default=Decimal("0"),
                                       validators=[MinValueValidator(Decimal("0"))])
    reorder_point = models.DecimalField(_("reorder point"), **QTY, default=Decimal("0"),
                                        validators=[MinValueValidator(Decimal("0"))],
                                        help_text=_("Alert when the usable stock falls below this."))
    purchase_unit = models.CharField(_("purchase unit"), max_length=8, choices=Unit.choices, blank=True,
                                     help_text=_("Unit suppliers sell in, when not the stock unit (kg for an "
                                                 "item stocked in g)."))
    incoming_inspection = models.BooleanField(
        _("incoming inspection"), default=False,
        help_text=_("Goods received are put in quarantine until quality control releases the lot."))
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("item")
        verbose_name_plural = _("items")
        permissions = [("import_item", _("Can import items"))]
        constraints = [
            models.CheckConstraint(condition=Q(safety_stock__gte=0) & Q(reorder_point__gte=0),
                                   name="item_stock_levels_nonnegative"),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def is_made(self):
        return self.sourcing == Sourcing.MAKE

    @property
    def quantity_decimals(self):
        return Unit.decimals(self.unit)


class BillOfMaterials(models.Model):
    parent = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="boms")
    version = models.PositiveIntegerField(_("version"))
    is_active = models.BooleanField(_("active"), default=False)
    valid_from = models.DateField(_("valid from"), default=timezone.localdate)
    note = StoredCharField(_("note"), max_length=300, blank=True)
    note_values = TextValuesField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["parent", "-version"]
        verbose_name = _("bill of materials")
        verbose_name_plural = _("bills of materials")
        permissions = [("import_billofmaterials", _("Can import bills of materials"))]
        constraints = [
            models.UniqueConstraint(fields=["parent", "version"], name="bom_version_unique"),
            models.UniqueConstraint(fields=["parent"], condition=Q(is_active=True), name="bom_one_active_per_item"),
        ]

    def __str__(self):
        return f"{self.parent.code} v{self.version}"


class BOMLine(models.Model):
    bom = models.ForeignKey(BillOfMaterials, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(_("position"))
    component = models.ForeignKey(Item, verbose_name=_("component"), on_delete=models.PROTECT,
                                  related_name="bom_lines")
    quantity = models.DecimalField(_("quantity per unit"), **QTY,
                                   help_text=_("How much of the component one unit of the item needs."))
    scrap_percent = models.DecimalField(_("scrap %"), **PERCENT, default=Decimal("0"),
                                        help_text=_("Share of the component lost in making, 0 to under 100."))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["bom", "position"]
        verbose_name = _("BOM line")
        verbose_name_plural = _("BOM lines")
        constraints = [
            models.UniqueConstraint(fields=["bom", "position"], name="bom_line_position_unique"),
            models.UniqueConstraint(fields=["bom", "component"], name="bom_line_component_unique"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="bom_line_quantity_positive"),
            models.CheckConstraint(condition=Q(scrap_percent__gte=0) & Q(scrap_percent__lt=100),
                                   name="bom_line_scrap_range"),
        ]

    def __str__(self):
        return f"{self.bom} #{self.position}"


# --- stock ------------------------------------------------------------------------------------
#
# Stock is an append-only ledger (StockMove) plus one balance row per item/location/lot
# (StockBalance) updated in the same transaction under select_for_update, so a balance always equals
# the sum of its ledger rows and never goes negative (inventory.stock_services writes both; the
# check_stock_ledger command verifies it).
#
# Ledger design: one row per location side with a signed quantity in the item's base unit. A receipt
# is one +row, an issue one −row, a transfer a −row at the source and a +row at the destination that
# share a `move_group`. A mistake is reversed by new rows (opposite sign, `reversal_of` pointing at the
# row they undo), never by editing or deleting. Later stages (purchase receipts, prep sheets, work
# orders, shipments) point their moves at their documents through the generic document_* fields,
# because inventory may not import those apps.

QTY_FACTOR = {"max_digits": 18, "decimal_places": 6}

# Conversions that hold for every item (1 from-unit = factor to-units). Item-specific ones (a box of
# 12 pieces, a metre weighing 0.25 kg) are UnitConversion rows.
STANDARD_CONVERSIONS = {
    (Unit.T, Unit.KG): Decimal("1000"),
    (Unit.KG, Unit.G): Decimal("1000"),
    (Unit.T, Unit.G): Decimal("1000000"),
}


class UnitConversion(models.Model):
    """1 `from_unit` = `factor` `to_unit`, for one item or (item empty) for every item. Used both ways."""

    item = models.ForeignKey(Item, verbose_name=_("item"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="unit_conversions", help_text=_("Empty: the factor holds for every item."))
    from_unit = models.CharField(_("from unit"), max_length=8, choices=Unit.choices)
    to_unit = models.CharField(_("to unit"), max_length=8, choices=Unit.choices)
    factor = models.DecimalField(_("factor"), **QTY_FACTOR,
                                 help_text=_("How many of the “to” unit make one of the “from” unit."))

    class Meta:
        ordering = ["item", "from_unit", "to_unit"]
        verbose_name = _("unit conversion")
        verbose_name_plural = _("unit conversions")
        constraints = [
            models.UniqueConstraint(fields=["item", "from_unit", "to_unit"], condition=Q(item__isnull=False),
                                    name="unit_conversion_item_unique"),
            models.UniqueConstraint(fields=["from_unit", "to_unit"], condition=Q(item__isnull=True),
                                    name="unit_conversion_global_unique"),
            models.CheckConstraint(condition=Q(factor__gt=0), name="unit_conversion_factor_positive"),
            models.CheckConstraint(condition=~Q(from_unit=models.F("to_unit")), name="unit_conversion_two_units"),
        ]

    def __str__(self):
        return f"1 {self.from_unit} = {self.factor} {self.to_unit}"


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


class Lot(models.Model):
    """A batch of one item with its own dates and status. Only available, unexpired lots can be
    issued or reserved; quarantined and blocked lots stay in stock until released or scrapped."""

    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="lots")
    number = models.CharField(_("lot number"), max_length=60)
    supplier_lot = models.CharField(_("supplier lot"), max_length=60, blank=True)
    production_date = models.DateField(_("production date"), null=True, blank=True)
    expiry_date = models.DateField(_("expiry date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=LotStatus.choices, default=LotStatus.AVAILABLE)
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
    reason = models.CharField(_("reason"), max_length=300, blank=True)
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


class Reservation(models.Model):
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
    status = models.CharField(_("status"), max_length=10, choices=ReservationStatus.choices,
                              default=ReservationStatus.ACTIVE, db_index=True)
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
    close_reason = models.CharField(_("reason"), max_length=300, blank=True)

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


# --- purchasing, material delays and material prep sheets ------------------------------------------
#
# Material requirements (inventory.requirements) net an order's BOM explosion against stock, the
# order's reservations and open purchase order lines. Shortages become purchase requests, approved
# requests become purchase order lines, and goods are received against those lines (inventory.purchasing).
# A material delay request records a later expected date and marks the orders short of the item at
# risk (inventory.material_delays). The material prep sheet (物料准备单) lists what the warehouse picks
# for a planned order; issues, returns and production's acceptance are recorded per line
# (inventory.prep_sheets). Every status change has an append-only event (who, when, from, to, why).


class DocumentSequence(models.Model):
    """The last number used per document prefix and year (PO-2026-00042); incremented under a row
    lock by inventory.numbering, so concurrent creators never share a number."""

    prefix = models.CharField(max_length=8)
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "year"], name="document_sequence_unique")]

    def __str__(self):
        return f"{self.prefix}-{self.year}: {self.last}"


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


class PurchaseRequest(models.Model):
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
    status = models.CharField(_("status"), max_length=10, choices=PurchaseRequestStatus.choices,
                              default=PurchaseRequestStatus.OPEN, db_index=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=300, blank=True)
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


class PurchaseOrder(models.Model):
    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    supplier = models.ForeignKey(Supplier, verbose_name=_("supplier"), on_delete=models.PROTECT,
                                 related_name="purchase_orders")
    status = models.CharField(_("status"), max_length=20, choices=PurchaseOrderStatus.choices,
                              default=PurchaseOrderStatus.DRAFT, db_index=True)
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
        from orders.models import line_amount

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


class MaterialDelay(models.Model):
    """A material delay request (物料延误申请): an item (optionally one purchase order line) arrives later
    than expected. The orders short of the item when it was recorded are kept in `affected_orders`."""

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

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("material delay")
        verbose_name_plural = _("material delays")

    def __str__(self):
        return self.number


class PrepSheetStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("prep sheet status", "Draft")
    PARTIALLY_ISSUED = "partially_issued", pgettext_lazy("prep sheet status", "Partially issued")
    ISSUED = "issued", pgettext_lazy("prep sheet status", "Issued")
    ACCEPTED = "accepted", pgettext_lazy("prep sheet status", "Accepted")
    CANCELLED = "cancelled", pgettext_lazy("prep sheet status", "Cancelled")


class MaterialPrepSheet(models.Model):
    """The material prep sheet (物料准备单) of a planned order: what to pick, from where, in the order of
    the picking walk. An order has at most one open sheet (draft, partially issued, issued); a new one
    can follow an accepted one when the order still needs material."""

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    order = models.ForeignKey("orders.Order", verbose_name=_("order"), on_delete=models.PROTECT,
                              related_name="prep_sheets")
    status = models.CharField(_("status"), max_length=20, choices=PrepSheetStatus.choices,
                              default=PrepSheetStatus.DRAFT, db_index=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("prepared by"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("accepted by"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("material prep sheet")
        verbose_name_plural = _("material prep sheets")
        permissions = [
            ("issue_materialprepsheet", _("Can issue and return material on prep sheets")),
            ("accept_materialprepsheet", _("Can accept issued material for production")),
            ("approve_substitution", _("Can approve a substitute item on a prep sheet")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["order"], condition=Q(status__in=["draft", "partially_issued", "issued"]),
                                    name="prep_sheet_one_open_per_order"),
        ]

    def __str__(self):
        return self.number


class MaterialPrepSheetLine(models.Model):
    """One pick: `required_quantity` of `item` (its stock unit), suggested from `lot` at `location` (the
    order's reservation; both empty when nothing was in stock). Issued, returned and accepted
    quantities are kept here and detailed by PrepSheetMove rows."""

    sheet = models.ForeignKey(MaterialPrepSheet, on_delete=models.PROTECT, related_name="lines")
    line_no = models.PositiveIntegerField(_("line"))
    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+")
    required_quantity = models.DecimalField(_("required quantity"), **QTY)
    lot = models.ForeignKey(Lot, verbose_name=_("lot"), null=True, blank=True, on_delete=models.PROTECT,
                            related_name="+")
    location = models.ForeignKey(Location, verbose_name=_("location"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    pick_sequence = models.PositiveIntegerField(_("pick sequence"), default=0)
    issued_quantity = models.DecimalField(_("issued"), **QTY, default=Decimal("0"))
    returned_quantity = models.DecimalField(_("returned"), **QTY, default=Decimal("0"))
    accepted_quantity = models.DecimalField(_("accepted"), **QTY, default=Decimal("0"))
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("accepted by"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    discrepancy_note = models.CharField(_("discrepancy"), max_length=300, blank=True)
    discrepancy_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+", verbose_name=_("discrepancy reported by"))
    discrepancy_at = models.DateTimeField(_("discrepancy reported at"), null=True, blank=True)
    substitute_item = models.ForeignKey(Item, verbose_name=_("approved substitute"), null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    substitute_reason = models.CharField(_("substitution reason"), max_length=300, blank=True)
    substitute_approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                               on_delete=models.PROTECT, related_name="+",
                                               verbose_name=_("substitution approved by"))
    substitute_approved_at = models.DateTimeField(_("substitution approved at"), null=True, blank=True)

    class Meta:
        ordering = ["sheet", "line_no"]
        verbose_name = _("prep sheet line")
        verbose_name_plural = _("prep sheet lines")
        constraints = [
            models.UniqueConstraint(fields=["sheet", "line_no"], name="prep_sheet_line_no_unique"),
            models.CheckConstraint(condition=Q(required_quantity__gt=0), name="prep_line_required_positive"),
            models.CheckConstraint(
                condition=Q(returned_quantity__gte=0) & Q(returned_quantity__lte=F("issued_quantity")),
                name="prep_line_returned_within_issued"),
            models.CheckConstraint(condition=Q(issued_quantity__lte=F("required_quantity") + F("returned_quantity")),
                                   name="prep_line_net_issued_within_required"),
            models.CheckConstraint(condition=Q(accepted_quantity__gte=0), name="prep_line_accepted_not_negative"),
        ]

    def __str__(self):
        return f"{self.sheet_id}/{self.line_no}"

    @property
    def net_issued(self):
        return self.issued_quantity - self.returned_quantity

    @property
    def to_issue(self):
        return max(self.required_quantity - self.net_issued, Decimal("0"))

    @property
    def to_accept(self):
        return max(self.net_issued - self.accepted_quantity, Decimal("0"))

    @property
    def is_accepted(self):
        return self.accepted_quantity >= self.required_quantity


class PrepSheetMoveKind(models.TextChoices):
    ISSUE = "issue", pgettext_lazy("prep sheet move", "Issue")
    RETURN = "return", pgettext_lazy("prep sheet move", "Return")


class PrepSheetMove(AppendOnlyModel):
    """Material issued for (or returned from) a prep sheet line: the item (the line's or its approved
    substitute), lot, location and quantity in the item's unit, and the ledger posting."""

    line = models.ForeignKey(MaterialPrepSheetLine, on_delete=models.PROTECT, related_name="moves")
    kind = models.CharField(_("kind"), max_length=10, choices=PrepSheetMoveKind.choices)
    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey(Lot, verbose_name=_("lot"), null=True, blank=True, on_delete=models.PROTECT,
                            related_name="+")
    location = models.ForeignKey(Location, verbose_name=_("location"), on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(_("quantity"), **QTY)
    note = models.CharField(_("note"), max_length=300, blank=True)
    move_group = models.UUIDField(_("posting"))
    # The same scan submitted twice (a double Enter, a resent form) posts once.
    entry_key = models.UUIDField(unique=True, null=True, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("by"))
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("prep sheet move")
        verbose_name_plural = _("prep sheet moves")
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0), name="prep_sheet_move_quantity_positive")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.quantity} {self.item_id}"


class PrepSheetAction(models.TextChoices):
    CREATED = "created", _("Prep sheet made")
    ISSUED = "issued", _("Issued")
    RETURNED = "returned", pgettext_lazy("prep sheet event", "Returned")
    SUBSTITUTION = "substitution", _("Substitute approved")
    ACCEPTED_LINES = "accepted_lines", _("Lines accepted")
    DISCREPANCY = "discrepancy", _("Discrepancy reported")
    ACCEPTED = "accepted", _("Accepted by production")
    CANCELLED = "cancelled", _("Cancelled")


class MaterialPrepSheetEvent(Event):
    sheet = models.ForeignKey(MaterialPrepSheet, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=40, choices=PrepSheetAction.choices)
    from_status = models.CharField(_("from"), max_length=20, choices=PrepSheetStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=PrepSheetStatus.choices, blank=True)

    class Meta(Event.Meta):
        verbose_name = _("prep sheet event")
        verbose_name_plural = _("prep sheet events")

    def __str__(self):
        return f"{self.sheet_id} {self.action}"


class PrepSheetPrintBatch(models.Model):
    """A day's prep sheets printed together: one PDF job per sheet, whose progress the page polls."""

    day = models.DateField(_("day"))
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    sheets = models.ManyToManyField(MaterialPrepSheet, related_name="+", verbose_name=_("prep sheets"))
    documents = models.ManyToManyField("documents.Document", related_name="+", verbose_name=_("documents"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("prep sheet print batch")
        verbose_name_plural = _("prep sheet print batches")

    def __str__(self):
        return f"{self.day.isoformat()} ({self.language})"
