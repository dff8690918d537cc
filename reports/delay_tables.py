"""Delay responsibility reports (issue 17.5): the delays recorded in the period (by the day they were
recorded), counted per cause and per department, with the days late summed. Read only (rush.delays
records them)."""

from django.db.models import Count, Q, Sum

from orders.models import Priority
from rush.models import DelayResponsibility


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
