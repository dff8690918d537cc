"""How the inventory lists narrow their rows: FilterSets over the lists' filter forms
(record_pages.filters), used inside inventory's selectors modules."""

from datetime import datetime, time, timedelta

import django_filters
from django.db.models import F, Q
from django.utils import timezone

from record_pages.filters import (
    ActiveFilter,
    FormFilterSet,
    SearchFilter,
    SortFilter,
    StatusFilter,
    WithActiveFilter,
)

from .forms import ItemFilterForm
from .models import (
    PO_OPEN,
    MaterialDelay,
    PurchaseOrderLine,
)
from .prep_sheet_forms import PrepSheetFilterForm
from .prep_sheets import OPEN_SHEET
from .purchasing_forms import (
    MaterialDelayFilterForm,
    PurchaseOrderFilterForm,
    PurchaseRequestFilterForm,
    SupplierFilterForm,
)

ITEM_SORTS = {
    "code": ("code",), "-code": ("-code",),
    "name": ("name", "code"), "-name": ("-name", "code"),
    "type": ("item_type", "code"),
    "lead": ("purchase_lead_time_days", "code"), "-lead": ("-purchase_lead_time_days", "code"),
    "-updated": ("-updated_at", "code"),
}
SHEET_SORTS = {"-created": ("-created_at", "-pk"), "created": ("created_at", "pk"), "order": ("order__number", "pk"),
               "number": ("number",)}
PR_SORTS = {"-requested": ("-requested_at", "-pk"), "needed": ("needed_by", "pk"), "item": ("item__code", "pk")}
PO_SORTS = {"-created": ("-created_at", "-pk"), "created": ("created_at", "pk"),
            "expected": (F("next_expected").asc(nulls_last=True), "pk"), "number": ("number",),
            "supplier": ("supplier__code", "-created_at")}
DELAY_SORTS = {"-created": ("-created_at", "-pk"), "new_date": ("new_expected_date", "pk"),
               "item": ("item__code", "pk")}


def day_range(day):
    """The factory's day as an aware [start, end) range."""
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, start + timedelta(days=1)


class ItemFilter(FormFilterSet):
    q = SearchFilter("code__icontains", "name__icontains", "specification__icontains", "product__sku__icontains")
    status = ActiveFilter()
    item_type = django_filters.Filter(field_name="item_type")
    sourcing = django_filters.Filter(field_name="sourcing")
    bom = WithActiveFilter(field_name="boms")
    sort = SortFilter(ITEM_SORTS, "code", then=("id",))

    form_class = ItemFilterForm


class PrepSheetFilter(FormFilterSet):
    q = SearchFilter("number__icontains", "order__number__icontains", "order__customer__name__icontains",
                     "order__customer__code__icontains")
    status = StatusFilter(groups={"open": OPEN_SHEET})
    day = django_filters.Filter(method="made_on")
    sort = SortFilter(SHEET_SORTS, "-created")

    form_class = PrepSheetFilterForm

    def made_on(self, qs, _name, day):
        start, end = day_range(day)
        return qs.filter(created_at__gte=start, created_at__lt=end)


class SupplierFilter(FormFilterSet):
    q = SearchFilter("code__icontains", "name__icontains")
    status = ActiveFilter()

    form_class = SupplierFilterForm


class PurchaseRequestFilter(FormFilterSet):
    q = SearchFilter("number__icontains", "item__code__icontains", "item__name__icontains", "order__number__icontains")
    status = django_filters.Filter(field_name="status")
    sort = SortFilter(PR_SORTS, "-requested")

    form_class = PurchaseRequestFilterForm


def _on_po_line(text):
    lines = PurchaseOrderLine.objects.filter(Q(item__code__icontains=text) | Q(item__name__icontains=text))
    return Q(pk__in=lines.values("purchase_order_id"))


class PurchaseOrderFilter(FormFilterSet):
    q = SearchFilter("number__icontains", "supplier__code__icontains", "supplier__name__icontains", _on_po_line)
    status = StatusFilter(groups={"open": PO_OPEN})
    supplier = django_filters.Filter(field_name="supplier")
    sort = SortFilter(PO_SORTS, "-created")

    form_class = PurchaseOrderFilterForm


def _affecting_order(text):
    return Q(pk__in=MaterialDelay.objects.filter(affected_orders__number__icontains=text).values("pk"))


class MaterialDelayFilter(FormFilterSet):
    q = SearchFilter("number__icontains", "item__code__icontains", "item__name__icontains",
                     "purchase_order_line__purchase_order__number__icontains", _affecting_order)
    sort = SortFilter(DELAY_SORTS, "-created")

    form_class = MaterialDelayFilterForm
