"""The rush completion summary (seed 003 "完成紧急订单后…生产数据记录并汇总，包括生产时间、资源使用情况、质量状况";
issue 17.9): one row per delivered rush order, made by rush.summary. Imported by rush.models."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orders.models import Order


class RushSummary(models.Model):
    order = models.OneToOneField(Order, verbose_name=_("order"), on_delete=models.PROTECT, related_name="rush_summary")
    due_date = models.DateField(_("due date"))
    delivered_on = models.DateField(_("delivered on"), db_index=True)
    days_late = models.IntegerField(_("days late"), help_text=_("Negative: delivered early."))
    work_minutes = models.PositiveIntegerField(_("work-center minutes"), default=0)
    operators = models.PositiveIntegerField(_("operators"), default=0)
    overtime_minutes = models.PositiveIntegerField(_("overtime minutes"), default=0)
    first_pass_yield = models.DecimalField(_("first-pass yield %"), max_digits=5, decimal_places=1, null=True,
                                           blank=True)
    ncr_count = models.PositiveIntegerField(_("NCRs"), default=0)
    orders_delayed = models.PositiveIntegerField(_("other orders delayed"), default=0)
    delay_minutes = models.PositiveIntegerField(_("delay caused to other orders (min)"), default=0)
    expedite_cost = models.DecimalField(_("cost of expediting"), max_digits=12, decimal_places=2, default=0)
    currency = models.CharField(_("currency"), max_length=3)
    # The detail shown on the page and the PDF: stages, work centers, NCR numbers, moved orders.
    figures = models.JSONField(_("figures"), default=dict)
    made_at = models.DateTimeField(_("made at"), default=timezone.now)

    class Meta:
        ordering = ["-delivered_on", "-id"]
        verbose_name = _("rush completion summary")
        verbose_name_plural = _("rush completion summaries")

    def __str__(self):
        return f"{self.order_id}"

    @property
    def work_hours(self):
        return round(self.work_minutes / 60, 1)

    @property
    def overtime_hours(self):
        return round(self.overtime_minutes / 60, 1)
