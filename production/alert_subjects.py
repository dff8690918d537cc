"""An alert about a process exception stops escalating once the exception is resolved, or once every
order it affects is settled (alerts.subjects)."""

from django.utils.translation import gettext_noop

from alerts import subjects
from orders.alert_subjects import GONE, order_settled

from .models import ExceptionReport, ExceptionStatus


def _exception_page(alert, pk):
    report = ExceptionReport.objects.filter(pk=pk).prefetch_related("affected_orders").first()
    if report is None:
        return GONE
    if report.status == ExceptionStatus.RESOLVED:
        return gettext_noop("Exception %(number)s was resolved."), {"number": report.number}
    reasons = [order_settled(order, kind=alert.kind) for order in report.affected_orders.all()]
    if reasons and all(reasons):
        return reasons[0]
    return None


def register():
    subjects.register("production:exception_detail", _exception_page)
