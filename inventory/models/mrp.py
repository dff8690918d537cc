"""Factory-wide MRP runs and their plan (inventory.mrp computes, inventory.mrp_plans records and approves).

An MrpRun is one run of material requirements planning over every open order and the make-to-stock
forecasts: who started it (empty: the nightly run), when, and with which parameters. Its lines are the
planned orders it proposes: purchases (bought items, to a supplier), production (made items; planning
turns them into work orders) and reorder-point replenishment suggestions. Why a line exists is kept as
data, never as text: its demands name the orders (or the forecast week) it covers, a suggestion keeps the
reorder point and the projected stock. A purchase or suggestion line approved by the planner links to the
purchase request it became, once: a line with a request cannot be approved again (a database constraint).
Runs are never changed after they are written; the plan page shows the newest run.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orders.models import QTY

from .items import Item
from .purchasing import PurchaseRequest, Supplier


class MrpRun(models.Model):
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("started by"),
                                   help_text=_("Empty: the nightly run."))
    started_at = models.DateTimeField(_("started at"), default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    plan_date = models.DateField(_("planned from"))
    horizon_days = models.PositiveIntegerField(_("horizon (days)"))
    include_forecast = models.BooleanField(_("forecast included"), default=True)
    orders_planned = models.PositiveIntegerField(_("orders planned"), default=0)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("MRP run")
        verbose_name_plural = _("MRP runs")
        permissions = [("run_mrp", _("Can run MRP")),
                       ("approve_mrpline", _("Can approve planned purchases into purchase requests"))]

    def __str__(self):
        return f"MRP {self.started_at:%Y-%m-%d %H:%M}"


class PlanLineKind(models.TextChoices):
    BUY = "buy", _("Planned purchase")
    MAKE = "make", _("Planned production")
    REORDER = "reorder", _("Replenishment (reorder point)")


# The kinds a planner approves into purchase requests.
PURCHASED_KINDS = [PlanLineKind.BUY, PlanLineKind.REORDER]


class MrpLine(models.Model):
    """One planned order: `quantity` of `item` (stock unit) needed on `need_date`, to be ordered or
    started on `release_date` (lead time before; in the past when it is already late). `net_quantity` is
    what the demands need; `quantity` is that rounded up to the item's minimum and order multiple."""

    run = models.ForeignKey(MrpRun, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(_("kind"), max_length=8, choices=PlanLineKind.choices)
    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="mrp_lines")
    supplier = models.ForeignKey(Supplier, verbose_name=_("supplier"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="mrp_lines")
    need_date = models.DateField(_("needed on"))
    release_date = models.DateField(_("order or start on"))
    net_quantity = models.DecimalField(_("net requirement"), **QTY)
    quantity = models.DecimalField(_("planned quantity"), **QTY)
    # Replenishment suggestions: the reorder point and the stock projected after every planned demand.
    reorder_point = models.DecimalField(_("reorder point"), **QTY, null=True, blank=True)
    projected_stock = models.DecimalField(_("projected stock"), **QTY, null=True, blank=True)
    purchase_request = models.OneToOneField(PurchaseRequest, verbose_name=_("purchase request"), null=True,
                                            blank=True, on_delete=models.PROTECT, related_name="mrp_line")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("approved by"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        ordering = ["run", "supplier", "release_date", "item", "id"]
        verbose_name = _("MRP plan line")
        verbose_name_plural = _("MRP plan lines")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0) & Q(quantity__gte=models.F("net_quantity")),
                                   name="mrp_line_quantity_covers_net"),
            models.CheckConstraint(condition=Q(purchase_request__isnull=True) | Q(kind__in=PURCHASED_KINDS),
                                   name="mrp_line_request_only_for_purchases"),
        ]

    def __str__(self):
        return f"{self.run_id}/{self.pk} {self.kind}"

    @property
    def is_approvable(self):
        return self.kind in PURCHASED_KINDS and self.purchase_request_id is None

    @property
    def is_late(self):
        return self.release_date < self.run.plan_date


class MrpLineDemand(models.Model):
    """What one plan line covers: `quantity` for an order, or for the make-to-stock forecast of the week
    starting `forecast_week`."""

    line = models.ForeignKey(MrpLine, on_delete=models.CASCADE, related_name="demands")
    order = models.ForeignKey("orders.Order", verbose_name=_("order"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    forecast_week = models.DateField(_("forecast week"), null=True, blank=True)
    quantity = models.DecimalField(_("quantity"), **QTY)

    class Meta:
        ordering = ["line", "id"]
        verbose_name = _("MRP demand")
        verbose_name_plural = _("MRP demands")
        constraints = [models.CheckConstraint(condition=Q(order__isnull=False) | Q(forecast_week__isnull=False),
                                              name="mrp_demand_has_a_source")]

    def __str__(self):
        return f"{self.line_id} {self.order_id or self.forecast_week}"


class MrpForecast(models.Model):
    """The demand forecast of a make-to-stock item for one week, as the run computed and used it."""

    run = models.ForeignKey(MrpRun, on_delete=models.CASCADE, related_name="forecasts")
    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+")
    week = models.DateField(_("week"))
    quantity = models.DecimalField(_("forecast"), **QTY, default=Decimal("0"))

    class Meta:
        ordering = ["run", "item", "week"]
        verbose_name = _("demand forecast")
        verbose_name_plural = _("demand forecasts")
        constraints = [models.UniqueConstraint(fields=["run", "item", "week"], name="mrp_forecast_one_per_week")]

    def __str__(self):
        return f"{self.item_id} {self.week}"
