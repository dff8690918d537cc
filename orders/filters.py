"""How the order lists narrow their rows: one FilterSet per list over the list's own filter form
(record_pages.filters), used inside orders.selectors and orders.masterdata_selectors."""

import django_filters
from django.db.models import Q

from record_pages.filters import ActiveFilter, FlagFilter, FormFilterSet, SearchFilter, SortFilter

from .forms import OrderFilterForm
from .masterdata_forms import CustomerFilterForm, ProductFilterForm
from .search import order_search

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


class OrderFilter(FormFilterSet):
    # search_text holds number, customer, PO and products in lower case; short terms: orders/search.py.
    q = SearchFilter(order_search)
    status = django_filters.Filter(field_name="status", lookup_expr="in")
    priority = django_filters.Filter(field_name="priority")
    channel = django_filters.Filter(field_name="channel")
    customer = SearchFilter("customer__code__iexact")
    created_from = django_filters.Filter(field_name="created_at__date", lookup_expr="gte")
    created_to = django_filters.Filter(field_name="created_at__date", lookup_expr="lte")
    requested_from = django_filters.Filter(field_name="requested_date", lookup_expr="gte")
    requested_to = django_filters.Filter(field_name="requested_date", lookup_expr="lte")
    mine = FlagFilter(lambda filterset: Q(created_by=filterset.user))
    sort = SortFilter(OrderFilterForm.SORTS, "priority")

    form_class = OrderFilterForm


class CustomerFilter(FormFilterSet):
    q = SearchFilter("code__icontains", "name__icontains", "name_en__icontains", "contact_name__icontains",
                     "contact_phone__icontains", "contact_email__icontains")
    status = ActiveFilter()
    currency = django_filters.Filter(field_name="currency")
    payment_terms = django_filters.Filter(field_name="payment_terms")
    grade = django_filters.Filter(field_name="grade")
    credit_grade = django_filters.Filter(field_name="credit_grade")
    industry = SearchFilter("industry__icontains")
    region = SearchFilter("region__icontains")
    sort = SortFilter(CUSTOMER_SORTS, "code", then=("id",))

    form_class = CustomerFilterForm


class ProductFilter(FormFilterSet):
    q = SearchFilter("sku__icontains", "name__icontains", "specification__icontains")
    status = ActiveFilter()
    unit = django_filters.Filter(field_name="unit")
    currency = django_filters.Filter(field_name="currency")
    sort = SortFilter(PRODUCT_SORTS, "sku", then=("id",))

    form_class = ProductFilterForm
