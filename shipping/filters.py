"""How the shipping lists narrow their rows: FilterSets over the lists' filter forms
(record_pages.filters), used inside shipping.selectors."""

import django_filters
from django.db.models import F, Q

from record_pages.filters import FlagFilter, FormFilterSet, SearchFilter, SortFilter

from .forms import ComplaintFilterForm, ShipmentFilterForm

SHIPMENT_SORTS = {
    "-created": ["-created_at", "-pk"], "created": ["created_at", "pk"], "number": ["number"],
    "-number": ["-number"], "planned": [F("planned_ship_date").asc(nulls_last=True), "pk"],
    "-shipped": [F("shipped_at").desc(nulls_last=True), "-pk"],
}
COMPLAINT_SORTS = {"-created": ["-created_at", "-pk"], "created": ["created_at", "pk"], "number": ["number"],
                   "status": ["status", "-created_at"]}


class ShipmentFilter(FormFilterSet):
    q = SearchFilter("number__icontains", "order__number__icontains", "tracking_number__icontains",
                     "order__customer__code__iexact", "order__customer__name__icontains")
    status = django_filters.Filter(field_name="status")
    rush = FlagFilter(Q(order__priority="rush"))
    shipped_from = django_filters.Filter(field_name="actual_ship_date", lookup_expr="gte")
    shipped_to = django_filters.Filter(field_name="actual_ship_date", lookup_expr="lte")
    sort = SortFilter(SHIPMENT_SORTS, "-created")

    form_class = ShipmentFilterForm


class ComplaintFilter(FormFilterSet):
    q = SearchFilter("number__icontains", "order__number__icontains", "shipment__number__icontains",
                     "lot__number__icontains", "order__customer__name__icontains", "description__icontains")
    status = django_filters.Filter(field_name="status")
    sort = SortFilter(COMPLAINT_SORTS, "-created")

    form_class = ComplaintFilterForm
