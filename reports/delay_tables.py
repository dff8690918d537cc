"""Delay responsibility reports (issue 17.5): the delays recorded in the period (by the day they were
recorded), counted per cause and per department, with the days late summed. Read only (rush.delays
records them)."""

from django.db.models import Avg, Count, ExpressionWrapper, FloatField, Q, Sum, Value
from django.db.models.functions import Coalesce, Round, TruncMonth
from django.utils.formats import date_format

from orders.models import Priority
from rush.models import DelayResponsibility, RushSummary


def _recorded(filters):
    qs = DelayResponsibility.objects.filter(recorded_at__gte=filters.start, recorded_at__lt=filters.end)
    if getattr(filters, "customer", None):
        qs = qs.filter(order__customer=filters.customer)
    if getattr(filters, "priority", None):
        qs = qs.filter(order__priority=filters.priority)
    return qs


def _grouped(filters, field):
    return (_recorded(filters).values(field)
            .annotate(n=Count("id"), rush=Count("id", filter=Q(order__priority=Priority.RUSH)),
                      days=Sum("days_late"))
            .order_by("-n", field).values_list(field, "n", "rush", "days"))


def delay_cause_rows(filters):
    return _grouped(filters, "cause")


def delay_department_rows(filters):
    return _grouped(filters, "department")


def rush_monthly_rows(filters):
    """The monthly rush report (issue 17.9), built from the rush completion summaries (rush.summary) of the
    rush orders delivered in the period: per month (and currency of the expediting cost), orders delivered,
    on time, days late in total, work-center hours, overtime hours, average first-pass yield, NCRs, other
    orders moved and their delay in hours, and the cost of expediting."""
    qs = RushSummary.objects.filter(delivered_on__gte=filters.date_from, delivered_on__lte=filters.date_to)
    if getattr(filters, "customer", None):
        qs = qs.filter(order__customer=filters.customer)
    rows = _monthly(qs)
    return _Rows((date_format(month, "YEAR_MONTH_FORMAT"), *rest) for month, *rest in rows)


class _Rows(list):
    """A few rows (one per month and currency) with the month in the reader's format, for the page's pager
    and the export's iterator() alike."""

    def iterator(self, chunk_size=None):
        return iter(self)


def _monthly(qs):
    hours = ExpressionWrapper(Sum("work_minutes") / Value(60.0), output_field=FloatField())
    return (qs.annotate(month=TruncMonth("delivered_on")).values("month", "currency")
            .annotate(n=Count("id"), on_time=Count("id", filter=Q(days_late__lte=0)),
                      late_days=Coalesce(Sum("days_late", filter=Q(days_late__gt=0)), 0),
                      hours=Round(hours, 1), overtime=Round(Sum("overtime_minutes") / Value(60.0), 1),
                      fpy=Round(Avg("first_pass_yield"), 1), ncrs=Sum("ncr_count"), moved=Sum("orders_delayed"),
                      delay=Round(Sum("delay_minutes") / Value(60.0), 1), cost=Sum("expedite_cost"))
            .order_by("-month", "currency")
            .values_list("month", "n", "on_time", "late_days", "hours", "overtime", "fpy", "ncrs", "moved", "delay",
                         "cost", "currency"))
