"""How the exception report list narrows its rows: a FilterSet over its filter form
(record_pages.filters), used inside production.selectors."""

import django_filters
from django.db.models import Exists, OuterRef

from record_pages.filters import FormFilterSet, SearchFilter, SortFilter, StatusFilter

from .forms import ExceptionFilterForm
from .models import OPEN_EXCEPTION_STATUSES, ExceptionReport


def _on_order(text):
    return Exists(ExceptionReport.affected_orders.through.objects.filter(
        exceptionreport_id=OuterRef("pk"), order__number__icontains=text))


class ExceptionFilter(FormFilterSet):
    status = StatusFilter(groups={"open_all": OPEN_EXCEPTION_STATUSES})
    type = django_filters.Filter(field_name="type")
    work_center = django_filters.Filter(field_name="work_center")
    q = SearchFilter("number__icontains", "description__icontains", "work_center__code__icontains", _on_order)
    sort = SortFilter(ExceptionFilterForm.SORTS, "-reported")

    form_class = ExceptionFilterForm
