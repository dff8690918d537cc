"""Reads for the customer-service pages: a fixed number of queries per page whatever the data size."""

from django.db.models import Avg, Count, Q
from django.db.models.functions import TruncMonth

from orders.models import CustomerContact
from orders.selectors import orders_visible_to
from shipping.models import OPEN_COMPLAINT_STATUSES
from shipping.selectors import complaints_visible_to, shipments_visible_to

from .models import (
    Compensation,
    CompensationStatus,
    CustomerMessage,
    DelayStatus,
    Feedback,
    MessageStatus,
    NoticeRule,
    ShipmentDelay,
)

VIEW_DELAYS = "notices.view_shipmentdelay"
VIEW_MESSAGES = "notices.view_customermessage"


def compensations_visible_to(user):
    return Compensation.objects.filter(order__in=orders_visible_to(user))


def contact_for_link(contact_id):
    """The customer contact a signed link (unsubscribe, feedback) names, or None."""
    return CustomerContact.objects.filter(pk=contact_id).select_related("customer").first()


def contact_order(contact, order_id):
    """The order of the contact's own customer that a feedback link names, or None."""
    return contact.customer.orders.filter(pk=order_id).first()


def delays_visible_to(user):
    if not user.has_perm(VIEW_DELAYS):
        return ShipmentDelay.objects.none()
    return ShipmentDelay.objects.filter(shipment__in=shipments_visible_to(user))


def delay_for_page(user, pk):
    return (delays_visible_to(user).select_related("shipment__order__customer", "recorded_by", "resolved_by")
            .get(pk=pk))


def workbench(user, limit=50):
    """The customer-service page: open delays, compensation awaiting a decision, messages that failed and
    the latest messages sent."""
    delays = delays_visible_to(user).select_related("shipment__order__customer")
    messages = (CustomerMessage.objects.filter(order__in=orders_visible_to(user)) if user.has_perm(VIEW_MESSAGES)
                else CustomerMessage.objects.none()).select_related("order", "contact")
    return {
        "open_delays": list(delays.filter(status=DelayStatus.OPEN).order_by("new_eta", "pk")[:limit]),
        "to_decide": list(Compensation.objects.filter(order__in=orders_visible_to(user),
                                                      status=CompensationStatus.PROPOSED)
                          .select_related("order__customer", "delay", "proposed_by").order_by("proposed_at")[:limit]),
        "failed": list(messages.filter(status=MessageStatus.FAILED).order_by("-created_at")[:limit]),
        "recent": list(messages.order_by("-created_at", "-pk")[:20]),
    }


def home_counts(user):
    """The home page's customer-service section (four queries)."""
    delays = delays_visible_to(user).aggregate(open=Count("pk", filter=Q(status=DelayStatus.OPEN)))
    failed = CustomerMessage.objects.filter(status=MessageStatus.FAILED).count()
    to_decide = Compensation.objects.filter(status=CompensationStatus.PROPOSED).count()
    complaints = complaints_visible_to(user).filter(
        status__in=OPEN_COMPLAINT_STATUSES).count()
    return {"open_delays": delays["open"], "failed_messages": failed, "compensation_to_decide": to_decide,
            "open_complaints": complaints}


def order_panel(user, order):
    messages = (order.customer_messages.select_related("contact").order_by("-created_at", "-pk")
                if user.has_perm(VIEW_MESSAGES) else CustomerMessage.objects.none())
    return {"notices_sent": list(messages[:100]),
            "delays": list(delays_visible_to(user).filter(shipment__order=order).select_related("shipment")),
            "compensations": list(order.compensations.select_related("proposed_by", "decided_by", "delay"))}


def feedback_report(start, end):
    """Customer feedback between two dates: averages, the on-time share, month by month, and the comments."""
    answers = Feedback.objects.filter(answered_at__date__gte=start, answered_at__date__lte=end)
    totals = answers.aggregate(count=Count("pk"), satisfaction=Avg("satisfaction"), quality=Avg("quality"),
                               on_time=Count("pk", filter=Q(on_time=True)))
    months = (answers.annotate(month=TruncMonth("answered_at")).values("month")
              .annotate(count=Count("pk"), satisfaction=Avg("satisfaction"), quality=Avg("quality"),
                        on_time=Count("pk", filter=Q(on_time=True))).order_by("month"))
    comments = answers.exclude(comment="").select_related("order__customer", "contact").order_by("-answered_at")[:50]
    share = lambda row: round(100 * row["on_time"] / row["count"]) if row["count"] else None  # noqa: E731
    return {"totals": {**totals, "on_time_percent": share(totals)},
            "months": [{**row, "on_time_percent": share(row)} for row in months], "comments": list(comments)}


def notice_rules():
    """The customer notice rules, one per kind (the rules page)."""
    return NoticeRule.objects.order_by("kind")
