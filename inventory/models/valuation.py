"""Inventory value and stock warnings: item categories, standard costs with their history, the warning
rules (data a manager edits) and the warnings the daily evaluation found.

A standard cost is effective-dated: a change is a new row valid from a date, and the value of stock on a
day uses the row in force on that day (the latest `valid_from` not after it). Rows are never edited, so
any past valuation can be recomputed. The unit cost keeps four decimals (a screw costs 0.0350 a piece);
every value computed from it (quantity × cost) is rounded to the cent like the rest of the money.

A warning is a fact the evaluation (inventory.stock_warnings) found, not a document people move: it is
open while its rule holds for its item and is cleared (cleared_at) by the first evaluation that finds
the rule no longer holding. At most one open warning per item and rule (a database constraint); its
alert is raised once, when it opens.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orders.models import QTY, Currency

from .items import Item, ItemType

UNIT_COST = {"max_digits": 14, "decimal_places": 4}
MAX_RULE_DAYS = 3650


class ItemCategory(models.Model):
    """A group of items for the inventory value (原材料 / 包材 / 香精…), finer than the item type."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("item category")
        verbose_name_plural = _("item categories")

    def __str__(self):
        return f"{self.code} {self.name}"


class ItemCost(models.Model):
    """The standard cost of one base unit of an item from `valid_from` on (until a later row)."""

    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="costs")
    unit_cost = models.DecimalField(_("standard cost per unit"), **UNIT_COST,
                                    validators=[MinValueValidator(Decimal("0"))])
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.CNY)
    valid_from = models.DateField(_("valid from"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("by"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["item", "-valid_from"]
        verbose_name = _("standard cost")
        verbose_name_plural = _("standard costs")
        constraints = [
            models.UniqueConstraint(fields=["item", "valid_from"], name="item_cost_one_per_day"),
            models.CheckConstraint(condition=Q(unit_cost__gte=0), name="item_cost_nonnegative"),
        ]

    def __str__(self):
        return f"{self.item_id} {self.unit_cost} {self.currency} @ {self.valid_from}"

    @property
    def shown_places(self):
        """floatformat's argument: two decimals like money, four when the cost needs them (0.0350)."""
        return "2g" if self.unit_cost == self.unit_cost.quantize(Decimal("0.01")) else "4g"


class WarningKind(models.TextChoices):
    SLOW_MOVING = "slow_moving", _("Slow-moving (no issue in N days)")
    OVERSTOCK = "overstock", _("Overstock (stock above M days of demand)")


class StockWarningRule(models.Model):
    """When an item is slow-moving or overstocked. `days` is N (slow-moving: no issue for N days) or M
    (overstock: free stock covers more than M days of demand). Demand is the recent issue rate: the
    quantity issued over the last `demand_window_days` divided by those days (inventory.stock_warnings)."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=WarningKind.choices)
    days = models.PositiveIntegerField(
        _("days"), validators=[MinValueValidator(1), MaxValueValidator(MAX_RULE_DAYS)],
        help_text=_("Slow-moving: no issue for this many days. Overstock: more than this many days of demand."))
    demand_window_days = models.PositiveIntegerField(
        _("demand window (days)"), default=90, validators=[MinValueValidator(1), MaxValueValidator(MAX_RULE_DAYS)],
        help_text=_("Overstock: demand is the quantity issued over this many past days, per day."))
    item_type = models.CharField(_("only items of type"), max_length=20, choices=ItemType.choices, blank=True)
    category = models.ForeignKey(ItemCategory, verbose_name=_("only items of category"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("stock warning rule")
        verbose_name_plural = _("stock warning rules")
        constraints = [
            models.CheckConstraint(condition=Q(days__gte=1) & Q(days__lte=MAX_RULE_DAYS), name="warning_rule_days"),
            models.CheckConstraint(condition=Q(demand_window_days__gte=1) & Q(demand_window_days__lte=MAX_RULE_DAYS),
                                   name="warning_rule_window"),
        ]

    def __str__(self):
        return self.name


class StockWarning(models.Model):
    """An item the rule found slow-moving or overstocked, with the figures of the latest evaluation."""

    rule = models.ForeignKey(StockWarningRule, verbose_name=_("rule"), on_delete=models.PROTECT,
                             related_name="warnings")
    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="stock_warnings")
    on_hand = models.DecimalField(_("on hand"), **QTY)
    last_issue_at = models.DateTimeField(_("last issue"), null=True, blank=True)
    daily_demand = models.DecimalField(_("demand per day"), **QTY, default=Decimal("0"))
    days_of_cover = models.DecimalField(_("days of cover"), max_digits=12, decimal_places=1, null=True, blank=True)
    raised_at = models.DateTimeField(_("raised at"), default=timezone.now)
    evaluated_at = models.DateTimeField(_("checked at"), default=timezone.now)
    cleared_at = models.DateTimeField(_("cleared at"), null=True, blank=True, db_index=True)
    alert = models.ForeignKey("alerts.Alert", verbose_name=_("alert"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-raised_at", "-id"]
        verbose_name = _("stock warning")
        verbose_name_plural = _("stock warnings")
        constraints = [
            models.UniqueConstraint(fields=["rule", "item"], condition=Q(cleared_at__isnull=True),
                                    name="stock_warning_one_open_per_rule_item"),
        ]

    def __str__(self):
        return f"{self.rule_id}/{self.item_id}"

    @property
    def is_open(self):
        return self.cleared_at is None
