"""How the stock warning list narrows its rows: a FilterSet over its filter form (record_pages.filters),
used inside inventory.value_selectors."""

import django_filters
from django.db.models import F, Q

from record_pages.filters import FormFilterSet, SearchFilter, SortFilter

from .value_forms import WarningFilterForm

WARNING_SORTS = {
    "-raised": ("-raised_at",), "item": ("item__code", "rule__kind"),
    "-cover": (F("days_of_cover").desc(nulls_last=True), "item__code"),
    "last_issue": (F("last_issue_at").asc(nulls_first=True), "item__code"),
}
STATES = {"open": Q(cleared_at__isnull=True), "cleared": Q(cleared_at__isnull=False), "all": Q()}


class StateFilter(django_filters.Filter):
    """Open warnings (the default), cleared ones, or all."""

    def filter(self, qs, value):
        return qs.filter(STATES.get(value or "open", STATES["open"]))


class StockWarningFilter(FormFilterSet):
    q = SearchFilter("item__code__icontains", "item__name__icontains")
    kind = django_filters.Filter(field_name="rule__kind")
    state = StateFilter()
    sort = SortFilter(WARNING_SORTS, "-raised", then=("id",))

    form_class = WarningFilterForm
