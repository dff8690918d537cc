"""When an alert about an order or a change request needs no more escalation (alerts.subjects): the order
is delivered, closed or cancelled (a late order or a rush order at risk, once it is no longer at risk; a
rush order waiting for review, once reviewed); the change request is decided. Other stages reuse
order_settled() for the order behind their own subjects."""

from django.utils.translation import gettext_noop

from alerts import subjects

from .models import ChangeRequest, ChangeStatus, Order, OrderStatus

ORDER_SETTLED = {
    OrderStatus.DELIVERED: gettext_noop("Order %(number)s was delivered."),
    OrderStatus.CLOSED: gettext_noop("Order %(number)s was closed."),
    OrderStatus.CANCELLED: gettext_noop("Order %(number)s was cancelled."),
}
GONE = (gettext_noop("What the alert was about no longer exists."), {})


def order_settled(order, *, kind=""):
    """(message, params) when nothing about `order` needs escalating any more, else None."""
    message = ORDER_SETTLED.get(order.status)
    if message:
        return message, {"number": order.number}
    if kind == "rush_at_risk" and not order.at_risk:
        return gettext_noop("Order %(number)s is no longer at risk."), {"number": order.number}
    if kind == "rush_order_submitted" and order.status != OrderStatus.SUBMITTED:
        return gettext_noop("Order %(number)s was reviewed."), {"number": order.number}
    return None


def _order_page(alert, pk):
    order = Order.objects.filter(pk=pk).first()
    return order_settled(order, kind=alert.kind) if order else GONE


def _change_page(alert, pk):
    change = ChangeRequest.objects.select_related("order").filter(pk=pk).first()
    if change is None:
        return GONE
    if change.status != ChangeStatus.REQUESTED:
        return gettext_noop("Change %(number)s was decided."), {"number": change.number}
    return order_settled(change.order, kind=alert.kind)


def register():
    subjects.register("orders:detail", _order_page)
    subjects.register("orders:revisions", _order_page)
    subjects.register("orders:change_detail", _change_page)
