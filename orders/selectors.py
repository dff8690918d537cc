"""Read queries for orders. Each page costs a fixed number of queries whatever the data size."""

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from .filters import OrderFilter
from .models import ChangeRequest, Customer, Order, OrderEvent, OrderLine, OrderRevision, OrderStatus, Product


def orders_visible_to(user):
    """Every role that may view orders sees the factory's orders; others see none."""
    if not user.has_perm("orders.view_order"):
        return Order.objects.none()
    return Order.objects.all()


LIST_FIELDS = [
    "number", "status", "priority", "rush_reason", "customer_po", "channel", "requested_date", "promised_date",
    "currency", "total_amount", "created_at", "submitted_at", "credit_warning", "duplicate_po_warning",
    "at_risk", "customer__code", "customer__name",
]


def order_list(user, filters=None):
    """The orders list: `filters` is the list's query (request.GET) or a dict of the same names."""
    # Only what the list shows: narrower rows make sorts over many orders cheaper.
    qs = orders_visible_to(user).select_related("customer").only(*LIST_FIELDS)
    return OrderFilter(filters or {}, qs, user=user).qs


def review_queue(user):
    """Submitted orders for the order desk: rush first, then the oldest submission."""
    return order_list(user, {"status": [OrderStatus.SUBMITTED]}).order_by("-priority", "submitted_at", "id")


def order_detail(user, pk):
    qs = (orders_visible_to(user)
          .select_related("customer", "created_by", "credit_acknowledged_by")
          .prefetch_related(
              Prefetch("lines", queryset=OrderLine.objects.select_related("product").order_by("line_no")),
              Prefetch("events", queryset=OrderEvent.objects.select_related("actor").order_by("created_at", "id")),
          ))
    return get_object_or_404(qs, pk=pk)


def editable_order(user, pk):
    """A draft or rejected order that this user entered (404 for anyone else's)."""
    return get_object_or_404(Order.objects.select_related("customer").prefetch_related(
        Prefetch("lines", queryset=OrderLine.objects.select_related("product"))), pk=pk, created_by=user)


def customer_search(q, limit=20):
    q = (q or "").strip()
    qs = Customer.objects.filter(is_active=True)
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q) | Q(name_en__icontains=q))
    return qs.order_by("code")[:limit]


def product_search(q, limit=20):
    q = (q or "").strip()
    qs = Product.objects.filter(is_active=True)
    if q:
        qs = qs.filter(Q(sku__icontains=q) | Q(name__icontains=q) | Q(specification__icontains=q))
    return qs.order_by("sku")[:limit]


def change_request(user, pk):
    """A change request with its order (404 when missing; PermissionDenied when the order is not the user's)."""
    change = get_object_or_404(ChangeRequest.objects.select_related("order__customer", "requested_by", "decided_by"),
                               pk=pk)
    if not orders_visible_to(user).filter(pk=change.order_id).exists():
        raise PermissionDenied(_("You may not see this order."))
    return change


def order_revisions(order):
    return OrderRevision.objects.filter(order=order).select_related("created_by", "change_request").order_by("-number")


def order_change_requests(order):
    return order.change_requests.select_related("requested_by", "decided_by").order_by("-requested_at")
