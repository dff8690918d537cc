"""Reads of the carrier pages: a fixed number of queries whatever the number of carriers."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from record_pages.filters import ActiveFilter, FormFilterSet, SearchFilter

from .carrier_forms import CarrierFilterForm
from .models import Carrier, TransportMode


class CarrierFilter(FormFilterSet):
    q = SearchFilter("code__icontains", "name__icontains")
    status = ActiveFilter()

    form_class = CarrierFilterForm


def _carriers():
    return Carrier.objects.prefetch_related(
        Prefetch("modes", queryset=TransportMode.objects.order_by("transit_days", "kind"))).order_by("code")


def carrier_list(user, filters=None):
    if not user.has_perm("shipping.view_carrier"):
        return Carrier.objects.none()
    return CarrierFilter(filters or {}, _carriers()).qs


def carrier_detail(user, pk):
    return get_object_or_404(_carriers() if user.has_perm("shipping.view_carrier") else Carrier.objects.none(), pk=pk)


def transport_mode_detail(user, pk):
    modes = TransportMode.objects.select_related("carrier")
    return get_object_or_404(modes if user.has_perm("shipping.view_transportmode") else modes.none(), pk=pk)
