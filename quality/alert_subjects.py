"""An alert about a nonconformance stops escalating once the NCR is closed or its order is settled
(alerts.subjects)."""

from django.utils.translation import gettext_noop

from alerts import subjects
from orders.alert_subjects import GONE, order_settled

from .models import Nonconformance, NonconformanceStatus


def _ncr_page(alert, pk):
    ncr = Nonconformance.objects.select_related("order").filter(pk=pk).first()
    if ncr is None:
        return GONE
    if ncr.status == NonconformanceStatus.CLOSED:
        return gettext_noop("NCR %(number)s was closed."), {"number": ncr.number}
    return order_settled(ncr.order, kind=alert.kind) if ncr.order_id else None


def register():
    subjects.register("quality:ncr_detail", _ncr_page)
