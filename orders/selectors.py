"""Read queries for orders. Each page costs a fixed number of queries whatever the data size."""

from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404

from .forms import OrderFilterForm
from .models import Customer, Order, OrderEvent, OrderLine, OrderStatus, Product


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


def order_list(user, filters: dict):
    # Only what the list shows: narrower rows make sorts over many orders cheaper.
    qs = orders_visible_to(user).select_related("customer").only(*LIST_FIELDS)
    q = (filters.get("q") or "").strip()
    if q:
        qs = qs.filter(search_text__contains=q.lower())
    if filters.get("status"):
        qs = qs.filter(status__in=filters["status"])
    if filters.get("priority"):
        qs = qs.filter(priority=filters["priority"])
    if filters.get("customer"):
        qs = qs.filter(customer__code__iexact=filters["customer"].strip())
    if filters.get("created_from"):
        qs = qs.filter(created_at__date__gte=filters["created_from"])
    if filters.get("created_to"):
        qs = qs.filter(created_at__date__lte=filters["created_to"])
    if filters.get("requested_from"):
        qs = qs.filter(requested_date__gte=filters["requested_from"])
    if filters.get("requested_to"):
        qs = qs.filter(requested_date__lte=filters["requested_to"])
    if filters.get("mine"):
        qs = qs.filter(created_by=user)

    order_by = OrderFilterForm.SORTS.get(filters.get("sort") or "priority", OrderFilterForm.SORTS["priority"])
    return qs.order_by(*order_by)


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
