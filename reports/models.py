"""The reports app's own data: a summary table of delivered orders (kept up to date by reports.facts,
without a beat) and the custom reports users save in the report builder."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import ROLE_LABELS
from orders.models import MONEY, Order, OrderStatus, Priority


class DeliveredOrderFact(models.Model):
    """One row per delivered order: when it reached each stage (first time, from its OrderEvents), its
    lead times in hours and whether it was delivered on time. The dashboard aggregates these rows
    instead of a million events."""

    order = models.OneToOneField(Order, primary_key=True, on_delete=models.CASCADE, related_name="+")
    customer_id = models.BigIntegerField(db_index=True)
    priority = models.CharField(max_length=10, choices=Priority.choices)
    # A snapshot of the order's status when the row was written (for grouping), not a workflow of its own.
    order_status = models.CharField(max_length=20, choices=OrderStatus.choices)
    total_amount = models.DecimalField(**MONEY)
    received_at = models.DateTimeField()
    delivered_at = models.DateTimeField()
    # The factory-local day and the Monday of its week: weekly figures group on plain columns.
    delivered_date = models.DateField(db_index=True)
    delivered_week = models.DateField(db_index=True)
    due_date = models.DateField()
    on_time = models.BooleanField()
    lead_time_hours = models.FloatField()
    review_hours = models.FloatField(null=True)
    planning_hours = models.FloatField(null=True)
    materials_hours = models.FloatField(null=True)
    production_hours = models.FloatField(null=True)
    quality_hours = models.FloatField(null=True)
    shipping_hours = models.FloatField(null=True)
    refreshed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("delivered order fact")
        verbose_name_plural = _("delivered order facts")
        permissions = [
            ("view_dashboard", _("Can see the management dashboard")),
            ("view_reports", _("Can see and export reports")),
        ]
        indexes = [models.Index(fields=["delivered_date", "priority"], name="fact_delivered_priority"),
                   # The refresh's watermark fallback reads MAX(delivered_at): an index-only lookup, not a scan.
                   models.Index(fields=["delivered_at"], name="fact_delivered_at")]

    def __str__(self):
        return f"{self.order_id} {self.delivered_date}"


class FactRefreshMark(models.Model):
    """How far the incremental fact refresh has read the order events: one row per fact table. The next
    refresh reads only the `delivered` events created after it (less a short overlap for transactions that
    commit late), so its cost follows the activity since the last run, not the size of history."""

    name = models.CharField(max_length=40, primary_key=True)
    events_up_to = models.DateTimeField()

    def __str__(self):
        return f"{self.name} {self.events_up_to}"


class SavedReport(models.Model):
    """A custom report of the report builder: whitelisted columns and filters over order lines."""

    name = models.CharField(_("name"), max_length=100)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT,
                              related_name="+")
    shared_with_role = models.CharField(_("shared with role"), max_length=20, blank=True,
                                        choices=list(ROLE_LABELS.items()))
    columns = models.JSONField(_("columns"), default=list)
    filters = models.JSONField(_("filters"), default=list)
    sort = models.CharField(_("sort"), max_length=60, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("saved report")
        verbose_name_plural = _("saved reports")
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="saved_report_unique_name")]

    def __str__(self):
        return self.name


class DeliveryDay(models.Model):
    """Daily rollup of the delivered-order facts (reports.rollups): per factory-local delivery day and
    priority, how many orders were delivered and how many of them on time. Kept in step with the facts in
    the same transaction as every fact written (the delivery itself, a refresh, "Recompute now")."""

    day = models.DateField()
    priority = models.CharField(max_length=10, choices=Priority.choices)
    delivered = models.BigIntegerField(default=0)
    on_time = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("delivery day")
        verbose_name_plural = _("delivery days")
        constraints = [models.UniqueConstraint(fields=["day", "priority"], name="delivery_day_key")]

    def __str__(self):
        return f"{self.day} {self.priority}: {self.delivered}"


class LeadTimeDay(models.Model):
    """Daily lead-time histogram of the delivered orders (reports.rollups): per delivery day, priority,
    measure (the lead time or one stage's time, a DeliveredOrderFact field name) and fixed bucket
    (reports.rollups.BUCKET_HOURS wide), how many orders fell in the bucket and the sum of their exact times
    in microseconds. Averages come exact from the sums, percentiles from the buckets."""

    day = models.DateField()
    priority = models.CharField(max_length=10, choices=Priority.choices)
    measure = models.CharField(max_length=20)
    bucket = models.IntegerField()
    orders = models.BigIntegerField(default=0)
    total_us = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("lead-time day")
        verbose_name_plural = _("lead-time days")
        constraints = [models.UniqueConstraint(fields=["day", "priority", "measure", "bucket"],
                                               name="lead_time_day_key")]

    def __str__(self):
        return f"{self.day} {self.priority} {self.measure}[{self.bucket}]: {self.orders}"
