"""Reads of the purchasing and material delay pages, each a fixed number of queries whatever the
number of rows. Users without the view permission get nothing (the views answer 403 before)."""

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Min, Prefetch, Q, Sum
from django.shortcuts import get_object_or_404

from .filters import MaterialDelayFilter, PurchaseOrderFilter, PurchaseRequestFilter, SupplierFilter
from .models import (
    PO_OPEN,
    GoodsReceipt,
    MaterialDelay,
    PurchaseOrder,
    PurchaseOrderEvent,
    PurchaseOrderLine,
    PurchaseRequest,
    Supplier,
)


def _allowed(user, perm, queryset):
    return queryset if user.has_perm(perm) else queryset.none()


def supplier_list(user, filters=None):
    qs = _allowed(user, "inventory.view_supplier", Supplier.objects.all())
    qs = SupplierFilter(filters or {}, qs).qs
    return qs.annotate(open_orders=Count("purchase_orders", filter=Q(purchase_orders__status__in=PO_OPEN))).order_by(
        "code")


def supplier_options():
    return Supplier.objects.filter(is_active=True).order_by("code").values_list("code", "name")


def purchase_request_list(user, filters=None):
    qs = _allowed(user, "inventory.view_purchaserequest", PurchaseRequest.objects.select_related(
        "item", "order", "requested_by", "decided_by", "purchase_order_line__purchase_order"))
    return PurchaseRequestFilter(filters or {}, qs).qs


def approved_requests(ids):
    return list(PurchaseRequest.objects.filter(pk__in=ids, status="approved").select_related("item").order_by("pk"))


def purchase_order_list(user, filters=None):
    amount = ExpressionWrapper(F("lines__quantity") * F("lines__unit_price"),
                               output_field=DecimalField(max_digits=24, decimal_places=5))
    qs = _allowed(user, "inventory.view_purchaseorder", PurchaseOrder.objects.select_related("supplier")).annotate(
        line_count=Count("lines"), total=Sum(amount),
        next_expected=Min("lines__expected_date", filter=Q(lines__received_quantity__lt=F("lines__base_quantity"))))
    return PurchaseOrderFilter(filters or {}, qs).qs


def purchase_order_detail(user, pk):
    qs = _allowed(user, "inventory.view_purchaseorder", PurchaseOrder.objects.select_related("supplier",
                                                                                            "created_by"))
    lines = Prefetch("lines", queryset=PurchaseOrderLine.objects.select_related("item", "order").prefetch_related(
        Prefetch("receipts", queryset=GoodsReceipt.objects.select_related("lot", "location", "received_by")))
        .order_by("line_no"))
    events = Prefetch("events", queryset=PurchaseOrderEvent.objects.select_related("actor").order_by("created_at",
                                                                                                     "pk"))
    return get_object_or_404(qs.prefetch_related(lines, events), pk=pk)


def purchase_line(user, pk):
    qs = _allowed(user, "inventory.view_purchaseorder", PurchaseOrderLine.objects.select_related(
        "purchase_order__supplier", "item", "order"))
    return get_object_or_404(qs, pk=pk)


def material_delay_list(user, filters=None):
    qs = _allowed(user, "inventory.view_materialdelay", MaterialDelay.objects.select_related(
        "item", "purchase_order_line__purchase_order", "created_by").prefetch_related("affected_orders"))
    return MaterialDelayFilter(filters or {}, qs).qs


def material_delay_detail(user, pk):
    """One material delay request with its history; 404 for users who may not see it."""
    qs = _allowed(user, "inventory.view_materialdelay", MaterialDelay.objects.select_related(
        "item", "purchase_order_line__purchase_order__supplier", "created_by", "decided_by")
        .prefetch_related("affected_orders__customer", "events__actor"))
    return get_object_or_404(qs, pk=pk)


def supplier_detail(pk):
    return get_object_or_404(Supplier, pk=pk)


def purchase_request(pk):
    return get_object_or_404(PurchaseRequest, pk=pk)
