"""How the purchase plan's filter values narrow its lines (the form: inventory.mrp_forms.PlanFilterForm)."""

import django_filters
from django.db.models import Q

from record_pages.filters import FormFilterSet, SearchFilter, SortFilter

from .models import MrpLineDemand
from .mrp_forms import PlanFilterForm

PLAN_SORTS = {"release": ("supplier__code", "release_date", "item__code", "pk"),
              "need": ("supplier__code", "need_date", "item__code", "pk"),
              "item": ("supplier__code", "item__code", "need_date", "pk")}


def _for_order(text):
    return Q(pk__in=MrpLineDemand.objects.filter(order__number__icontains=text).values("line_id"))


class PlanApprovalFilter(django_filters.Filter):
    def filter(self, qs, value):
        if value not in ("open", "approved"):
            return qs
        return qs.filter(purchase_request__isnull=value == "open")


class PlanLineFilter(FormFilterSet):
    q = SearchFilter("item__code__icontains", "item__name__icontains", _for_order)
    supplier = django_filters.Filter(field_name="supplier")
    kind = django_filters.Filter(field_name="kind")
    state = PlanApprovalFilter()
    sort = SortFilter(PLAN_SORTS, "release")

    form_class = PlanFilterForm
