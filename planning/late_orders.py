"""Orders the stored schedule finishes after their date (the promised one, else the requested one): the
"order late" alert (alerts rule "order_late", escalating to the supervisor and the general manager),
raised once a day per order by Celery beat (planning.tasks.alert_late_orders)."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from alerts.services import create_alert
from orders.models import Order

from .models import OPEN_WORK_ORDER_STATUSES, WorkOrder


def late_orders():
    """[(order, planned finish)] of the open orders planned to finish after the end of their date."""
    finishes = dict(WorkOrder.objects.filter(status__in=OPEN_WORK_ORDER_STATUSES, planned_end__isnull=False)
                    .values("order").annotate(finish=Max("planned_end")).values_list("order", "finish"))
    tz = ZoneInfo(settings.TIME_ZONE)
    late = []
    for order in Order.objects.filter(pk__in=list(finishes)).select_related("customer", "created_by"):
        due = order.promised_date or order.requested_date
        if finishes[order.pk] > datetime.combine(due + timedelta(days=1), time(0), tzinfo=tz):
            late.append((order, finishes[order.pk]))
    return late


def alert_late_orders():
    today = timezone.localdate()
    raised = []
    for order, finish in late_orders():
        due = order.promised_date or order.requested_date
        create_alert(
            kind="order_late",
            subject=gettext_noop("Order %(order)s is planned to finish %(finish)s, after its date %(due)s"),
            body=gettext_noop("%(customer)s. Speed it up or agree a new date with the customer."),
            params={"order": order.number, "finish": finish, "due": due, "customer": order.customer.name},
            link=reverse("orders:detail", args=[order.pk]), severity="high" if order.is_rush else "info",
            users=[order.created_by], dedupe_key=f"order-late:{order.pk}:{today.isoformat()}", rush=order.is_rush)
        raised.append(order.number)
    return raised
