"""The order confirmation (订单确认书): registered with the document pipeline from OrdersConfig.ready().

Issued once the order desk has approved the order (a draft, submitted, rejected or cancelled order
confirms nothing); rendered by default in the customer's document language."""

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from documents import registry

from . import selectors
from .models import Order, OrderLine, OrderStatus

NOT_CONFIRMABLE = {OrderStatus.DRAFT, OrderStatus.SUBMITTED, OrderStatus.REJECTED, OrderStatus.CANCELLED}


def confirmation_unavailable_reason(order):
    if order.status in NOT_CONFIRMABLE:
        return _("An order confirmation can be issued once the order is approved (this order is %(status)s).") % {
            "status": order.get_status_display()}
    return None


def build_order_confirmation(order, language):
    order = (Order.objects.select_related("customer", "created_by")
             .prefetch_related(Prefetch("lines", queryset=OrderLine.objects.select_related("product")
                                        .order_by("line_no")))
             .get(pk=order.pk))
    return registry.DocumentContent(
        template_name="orders/pdf/order_confirmation.html",
        context={
            "order": order,
            "customer": order.customer,
            "lines": list(order.lines.all()),
            "rush": order.is_rush,
            "issued_at": timezone.localtime(),
        },
        filename=f"{order.number}-order-confirmation.pdf",
    )


registry.register(
    "order_confirmation",
    label=gettext_lazy("Order confirmation"),
    model=Order,
    builder=build_order_confirmation,
    permission="orders.view_order",
    visible_to=selectors.orders_visible_to,
    unavailable_reason=confirmation_unavailable_reason,
    default_language=lambda order: order.customer.language,
)
