"""Reads of the purchasing and material delay pages, each a fixed number of queries whatever the
number of rows. Users without the view permission get nothing (the views answer 403 before)."""

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Min, Prefetch, Q, Sum
from django.shortcuts import get_object_or_404

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

PR_SORTS = {"-requested": ("-requested_at", "-pk"), "needed": ("needed_by", "pk"), "item": ("item__code", "pk")}
PO_SORTS = {"-created": ("-created_at", "-pk"), "created": ("created_at", "pk"),
            "expected": (F("next_expected").asc(nulls_last=True), "pk"), "number": ("number",),
            "supplier": ("supplier__code", "-created_at")}
DELAY_SORTS = {"-created": ("-created_at", "-pk"), "new_date": ("new_expected_date", "pk"),
               "item": ("item__code", "pk")}


def _allowed(user, perm, queryset):
    return queryset if user.has_perm(perm) else queryset.none()


def supplier_list(user, filters):
    qs = _allowed(user, "inventory.view_supplier", Supplier.objects.all())
    q = (filters.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q))
    status = filters.get("status") or "active"
    if status != "all":
        qs = qs.filter(is_active=status == "active")
    return qs.annotate(open_orders=Count("purchase_orders", filter=Q(purchase_orders__status__in=PO_OPEN))).order_by(
        "code")


def supplier_options():
    return Supplier.objects.filter(is_active=True).order_by("code").values_list("code", "name")


def purchase_request_list(user, filters):
    qs = _allowed(user, "inventory.view_purchaserequest", PurchaseRequest.objects.select_related(
        "item", "order", "requested_by", "decided_by", "purchase_order_line__purchase_order"))
    q = (filters.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(item__code__icontains=q) | Q(item__name__icontains=q)
                       | Q(order__number__icontains=q))
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    return qs.order_by(*PR_SORTS.get(filters.get("sort") or "-requested", PR_SORTS["-requested"]))


def approved_requests(ids):
    return list(PurchaseRequest.objects.filter(pk__in=ids, status="approved").select_related("item").order_by("pk"))


def purchase_order_list(user, filters):
    amount = ExpressionWrapper(F("lines__quantity") * F("lines__unit_price"),
                               output_field=DecimalField(max_digits=24, decimal_places=5))
    qs = _allowed(user, "inventory.view_purchaseorder", PurchaseOrder.objects.select_related("supplier")).annotate(
        line_count=Count("lines"), total=Sum(amount),
        next_expected=Min("lines__expected_date", filter=Q(lines__received_quantity__lt=F("lines__base_quantity"))))
    q = (filters.get("q") or "").strip()
    if q:
        matching_lines = PurchaseOrderLine.objects.filter(Q(item__code__icontains=q) | Q(item__name__icontains=q))
        qs = qs.filter(Q(number__icontains=q) | Q(supplier__code__icontains=q) | Q(supplier__name__icontains=q)
                       | Q(pk__in=matching_lines.values("purchase_order_id")))
    status = filters.get("status")
    if status == "open":
        qs = qs.filter(status__in=PO_OPEN)
    elif status:
        qs = qs.filter(status=status)
    if filters.get("supplier"):
        qs = qs.filter(supplier=filters["supplier"])
    return qs.order_by(*PO_SORTS.get(filters.get("sort") or "-created", PO_SORTS["-created"]))


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


def material_delay_list(user, filters):
    qs = _allowed(user, "inventory.view_materialdelay", MaterialDelay.objects.select_related(
        "item", "purchase_order_line__purchase_order", "created_by").prefetch_related("affected_orders"))
    q = (filters.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(item__code__icontains=q) | Q(item__name__icontains=q)
                       | Q(purchase_order_line__purchase_order__number__icontains=q)
                       | Q(pk__in=MaterialDelay.objects.filter(affected_orders__number__icontains=q).values("pk")))
    return qs.order_by(*DELAY_SORTS.get(filters.get("sort") or "-created", DELAY_SORTS["-created"]))
