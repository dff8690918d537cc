"""How the stock lists narrow their rows: FilterSets over the lists' filter forms (record_pages.filters),
used inside inventory.stock_selectors."""

from datetime import timedelta

import django_filters
from django.db.models import F, Q
from django.utils import timezone

from record_pages.filters import ActiveFilter, FlagFilter, FormFilterSet, SearchFilter, SortFilter

from .models import Item
from .stock_forms import (
    BalanceFilterForm,
    CountFilterForm,
    ItemStockFilterForm,
    LedgerFilterForm,
    LocationFilterForm,
    MasterDataFilterForm,
)
from .stock_totals import BELOW_REORDER_POINT, with_item_totals

EXPIRING_DAYS = 30
ITEM_STOCK_SORTS = {
    "code": ("code",), "-code": ("-code",), "name": ("name", "code"),
    "on_hand": ("on_hand", "code"), "-on_hand": ("-on_hand", "code"),
    "usable": ("usable", "code"), "-usable": ("-usable", "code"),
    "shortfall": ("-shortfall", "code"),
}
BALANCE_SORTS = {
    "item": ("item__code", "location__warehouse__code", "location__pick_sequence", "location__code", "lot__number"),
    "location": ("location__warehouse__code", "location__pick_sequence", "location__code", "item__code",
                 "lot__number"),
    "expiry": (F("lot__expiry_date").asc(nulls_last=True), "item__code", "location__code"),
    "-on_hand": ("-on_hand", "item__code", "location__code"),
}
LOCATION_SORTS = {"pick": ("warehouse__code", "pick_sequence", "code"), "code": ("code",),
                  "zone": ("warehouse__code", "zone", "bin", "code")}


class ItemStockFilter(FormFilterSet):
    """Items with their stock totals in the chosen warehouse and lot status. Items without stock in that
    scope are left out, except, with no warehouse or lot status chosen, items below their reorder point."""

    q = SearchFilter("code__icontains", "name__icontains", "specification__icontains")
    item_type = django_filters.Filter(field_name="item_type")
    below_reorder_point = FlagFilter(BELOW_REORDER_POINT)
    sort = SortFilter(ITEM_STOCK_SORTS, "code", then=("id",))

    form_class = ItemStockFilterForm

    def filter_queryset(self, queryset):
        cleaned = self.cleaned
        scope = Q()
        if cleaned.get("warehouse"):
            scope &= Q(stock_balances__location__warehouse=cleaned["warehouse"])
        if cleaned.get("lot_status"):
            scope &= Q(stock_balances__lot__status=cleaned["lot_status"])
        queryset = with_item_totals(queryset, scope)
        if scope:
            queryset = queryset.filter(on_hand__gt=0)
        elif not cleaned.get("below_reorder_point"):
            queryset = queryset.filter(Q(on_hand__gt=0) | BELOW_REORDER_POINT)
        return super().filter_queryset(queryset)


def _below_reorder_point(_filterset):
    low = ItemStockFilter({"below_reorder_point": True}, Item.objects.all()).qs
    return Q(item__in=low.values("pk"))


class ExpiryFilter(django_filters.Filter):
    """Lots already expired, or expiring within EXPIRING_DAYS (from the factory's today)."""

    def filter(self, qs, value):
        today = timezone.localdate()
        if value == "expired":
            return qs.filter(lot__expiry_date__lt=today)
        if value == "soon":
            return qs.filter(lot__expiry_date__gte=today, lot__expiry_date__lte=today + timedelta(days=EXPIRING_DAYS))
        return qs


class BalanceFilter(FormFilterSet):
    include_empty = FlagFilter(unticked=Q(on_hand__gt=0))
    q = SearchFilter("item__code__icontains", "item__name__icontains", "lot__number__icontains",
                     "lot__supplier_lot__icontains", "location__code__icontains")
    warehouse = django_filters.Filter(field_name="location__warehouse")
    item_type = django_filters.Filter(field_name="item__item_type")
    lot_status = django_filters.Filter(field_name="lot__status")
    expiry = ExpiryFilter()
    below_reorder_point = FlagFilter(_below_reorder_point)
    sort = SortFilter(BALANCE_SORTS, "item", then=("pk",))

    form_class = BalanceFilterForm


class LedgerFilter(FormFilterSet):
    """An item's ledger rows by location, lot, kind and date."""

    location = django_filters.Filter(field_name="location")
    lot = django_filters.Filter(field_name="lot__number")
    kind = django_filters.Filter(field_name="kind")
    date_from = django_filters.Filter(field_name="created_at__date", lookup_expr="gte")
    date_to = django_filters.Filter(field_name="created_at__date", lookup_expr="lte")

    form_class = LedgerFilterForm


class LedgerBalanceFilter(FormFilterSet):
    """The balance rows behind the same ledger filter: they equal their rows' sums when the filter is only
    a location and/or a lot, which makes the ledger's total one small read."""

    location = django_filters.Filter(field_name="location")
    lot = django_filters.Filter(field_name="lot__number")

    form_class = LedgerFilterForm

    @property
    def matches_ledger(self):
        return not any(self.cleaned.get(name) for name in ("kind", "date_from", "date_to"))


class CountSheetFilter(FormFilterSet):
    warehouse = django_filters.Filter(field_name="location__warehouse")
    location = SearchFilter("location__code__istartswith")
    q = SearchFilter("item__code__icontains", "item__name__icontains")

    form_class = CountFilterForm


class WarehouseFilter(FormFilterSet):
    status = ActiveFilter()
    q = SearchFilter("code__icontains", "name__icontains")

    form_class = MasterDataFilterForm


class LocationFilter(FormFilterSet):
    status = ActiveFilter()
    warehouse = django_filters.Filter(field_name="warehouse")
    q = SearchFilter("code__icontains", "zone__icontains", "bin__icontains")
    sort = SortFilter(LOCATION_SORTS, "pick", then=("pk",))

    form_class = LocationFilterForm
