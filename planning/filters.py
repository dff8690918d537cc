"""How the planning master-data lists narrow their rows: FilterSets over the lists' filter forms
(record_pages.filters), used inside planning.selectors."""

import django_filters

from record_pages.filters import ActiveFilter, FormFilterSet, SearchFilter, SortFilter, WithActiveFilter

from .forms import RoutingFilterForm, WorkCenterFilterForm

WORK_CENTER_SORTS = {
    "code": ("code",), "-code": ("-code",), "name": ("name", "code"), "-name": ("-name", "code"),
    "units": ("-parallel_units", "code"), "cost": ("-cost_rate_per_hour", "code"), "-updated": ("-updated_at", "code"),
}


class WorkCenterFilter(FormFilterSet):
    q = SearchFilter("code__icontains", "name__icontains")
    status = ActiveFilter()
    calendar = django_filters.Filter(field_name="calendar")
    sort = SortFilter(WORK_CENTER_SORTS, "code", then=("id",))

    form_class = WorkCenterFilterForm


class RoutingFilter(FormFilterSet):
    q = SearchFilter("code__icontains", "name__icontains")
    routing = WithActiveFilter(field_name="routings")

    form_class = RoutingFilterForm
