"""How the quality lists narrow their rows: FilterSets over the lists' filter forms
(record_pages.filters), used inside quality.selectors."""

import django_filters

from record_pages.filters import FormFilterSet, SearchFilter, SortFilter

from .forms import InspectionFilterForm, NonconformanceFilterForm
from .models import QUEUE_STATUSES

# "" is the list's default: rush first (急单), newest first; "queue": rush first, oldest first.
INSPECTION_SORTS = {
    "": ["-rush", "-created_at", "-id"], "queue": ["-rush", "created_at", "id"],
    "number": ["number"], "-number": ["-number"], "created": ["created_at", "id"], "-created": ["-created_at", "-id"],
    "product": ["product__sku", "id"],
}


class InspectionSort(SortFilter):
    """Without a chosen sort, a list narrowed to one open status reads like the queue (oldest first)."""

    def filter(self, qs, value):
        if not value and self.parent.cleaned.get("status") in QUEUE_STATUSES:
            value = "queue"
        return super().filter(qs, value)


class InspectionFilter(FormFilterSet):
    q = SearchFilter("number__icontains", "order__number__icontains", "product__sku__icontains",
                     "product__name__icontains", "lot_number__icontains", "supplier__icontains")
    status = django_filters.Filter(field_name="status")
    source = django_filters.Filter(field_name="source")
    sort = InspectionSort(INSPECTION_SORTS, "")

    form_class = InspectionFilterForm


class NonconformanceFilter(FormFilterSet):
    q = SearchFilter("number__icontains", "inspection__number__icontains", "order__number__icontains",
                     "product__sku__icontains", "product__name__icontains")
    status = django_filters.Filter(field_name="status")

    form_class = NonconformanceFilterForm
