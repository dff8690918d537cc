"""How the planning master-data lists narrow their rows: FilterSets over the lists' filter forms
(record_pages.filters), used inside planning.selectors."""

import django_filters

from record_pages.filters import ActiveFilter, FormFilterSet, SearchFilter, SortFilter, StatusFilter, WithActiveFilter

from .approval_forms import PlanSubmissionFilterForm
from .approval_models import OPEN_SUBMISSION
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


class PlanSubmissionFilter(FormFilterSet):
    q = SearchFilter("number__icontains", "order__number__icontains", "order__customer__name__icontains")
    status = StatusFilter(groups={"open": OPEN_SUBMISSION})
    sort = SortFilter(PlanSubmissionFilterForm.SORTS, "-submitted")

    form_class = PlanSubmissionFilterForm
