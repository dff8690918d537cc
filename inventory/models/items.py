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

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orders.models import QTY, Product, Unit
from systemtext.fields import StoredCharField, TextValuesField

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
    # For the inventory value by category (inventory.models.valuation, defined there with the costs).
    category = models.ForeignKey("inventory.ItemCategory", verbose_name=_("category"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="items")
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
    # MRP planning data (inventory.mrp): who sells the item, how a planned order is sized, when it must start.
    make_lead_time_days = models.PositiveIntegerField(
        _("make lead time (days)"), default=0,
        help_text=_("For a made item: calendar days from starting to make it to having it in stock."))
    preferred_supplier = models.ForeignKey(
        "inventory.Supplier", verbose_name=_("preferred supplier"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="preferred_items", help_text=_("Planned purchases of the item go to this supplier."))
    minimum_order_quantity = models.DecimalField(
        _("minimum order quantity"), **QTY, default=Decimal("0"), validators=[MinValueValidator(Decimal("0"))],
        help_text=_("A planned purchase is never smaller than this (0: no minimum)."))
    order_multiple = models.DecimalField(
        _("order multiple"), **QTY, default=Decimal("0"), validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Planned purchases are rounded up to a multiple of this (0: any quantity)."))
    reorder_quantity = models.DecimalField(
        _("reorder quantity"), **QTY, default=Decimal("0"), validators=[MinValueValidator(Decimal("0"))],
        help_text=_("What a replenishment suggestion orders when the stock falls below the reorder point "
                    "(0: up to the reorder point)."))
    make_to_stock = models.BooleanField(
        _("made to stock"), default=False,
        help_text=_("A finished good kept in stock ahead of orders: its demand is forecast from the order history."))

    class Meta:
        ordering = ["code"]
        verbose_name = _("item")
        verbose_name_plural = _("items")
        permissions = [("import_item", _("Can import items"))]
        constraints = [
            models.CheckConstraint(condition=Q(safety_stock__gte=0) & Q(reorder_point__gte=0),
                                   name="item_stock_levels_nonnegative"),
            models.CheckConstraint(condition=Q(minimum_order_quantity__gte=0) & Q(order_multiple__gte=0)
                                   & Q(reorder_quantity__gte=0), name="item_order_sizes_nonnegative"),
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
