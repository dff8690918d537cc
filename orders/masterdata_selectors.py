"""Reads of master data for the customer and product pages. Each list is one query for the rows
(plus the paginator's count), whatever the number of customers or products."""

from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404

from .models import Customer, CustomerContact, Product

CUSTOMER_SORTS = {
    "code": ("code",), "-code": ("-code",),
    "name": ("name", "code"), "-name": ("-name", "code"),
    "credit": ("credit_limit", "code"), "-credit": ("-credit_limit", "code"),
    "-updated": ("-updated_at", "code"),
}
PRODUCT_SORTS = {
    "sku": ("sku",), "-sku": ("-sku",),
    "name": ("name", "sku"), "-name": ("-name", "sku"),
    "lead": ("standard_lead_time_days", "sku"), "-lead": ("-standard_lead_time_days", "sku"),
    "price": ("list_price", "sku"), "-price": ("-list_price", "sku"),
    "-updated": ("-updated_at", "sku"),
}


def _by_status(qs, status):
    """'active' (the default), 'inactive' or 'all'."""
    if status == "all":
        return qs
    return qs.filter(is_active=status != "inactive")


def customer_list(user, filters: dict):
    if not user.has_perm("orders.view_customer"):
        return Customer.objects.none()
    qs = Customer.objects.annotate(contact_count=Count("contacts"))
    q = (filters.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q) | Q(name_en__icontains=q)
                       | Q(contact_name__icontains=q) | Q(contact_phone__icontains=q)
                       | Q(contact_email__icontains=q))
    qs = _by_status(qs, filters.get("status") or "active")
    if filters.get("currency"):
        qs = qs.filter(currency=filters["currency"])
    if filters.get("payment_terms"):
        qs = qs.filter(payment_terms=filters["payment_terms"])
    return qs.order_by(*CUSTOMER_SORTS.get(filters.get("sort") or "code", CUSTOMER_SORTS["code"]), "id")


def customer_detail(user, pk):
    """A customer with its further contacts (404 for users who may not see customers)."""
    if not user.has_perm("orders.view_customer"):
        qs = Customer.objects.none()
    else:
        qs = Customer.objects.prefetch_related(Prefetch("contacts", queryset=CustomerContact.objects.order_by("pk")))
    return get_object_or_404(qs, pk=pk)


def product_list(user, filters: dict):
    if not user.has_perm("orders.view_product"):
        return Product.objects.none()
    qs = Product.objects.all()
    q = (filters.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(sku__icontains=q) | Q(name__icontains=q) | Q(specification__icontains=q))
    qs = _by_status(qs, filters.get("status") or "active")
    if filters.get("unit"):
        qs = qs.filter(unit=filters["unit"])
    if filters.get("currency"):
        qs = qs.filter(currency=filters["currency"])
    return qs.order_by(*PRODUCT_SORTS.get(filters.get("sort") or "sku", PRODUCT_SORTS["sku"]), "id")


def product_detail(user, pk):
    qs = Product.objects.all() if user.has_perm("orders.view_product") else Product.objects.none()
    return get_object_or_404(qs, pk=pk)
