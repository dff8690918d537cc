"""Reads of the trading partner and channel profile pages: a fixed number of queries whatever their number."""

from django.contrib.auth import get_user_model
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404

from accounts.roles import MANAGER, ORDER_DESK, SALES
from orders.models import Customer, Product
from record_pages.filters import ActiveFilter, FormFilterSet, SearchFilter

from .models import ChannelProfile, ProductMapping, TradingPartner
from .partner_forms import MasterFilterForm

VIEW_PARTNER = "edi.view_tradingpartner"
VIEW_PROFILE = "edi.view_channelprofile"
OPTIONS_LIMIT = 500


class PartnerFilter(FormFilterSet):
    q = SearchFilter("code__icontains", "name__icontains", "sender_id__icontains", "customer__code__iexact")
    status = ActiveFilter()

    form_class = MasterFilterForm


class ProfileFilter(FormFilterSet):
    q = SearchFilter("code__icontains", "name__icontains")
    status = ActiveFilter()

    form_class = MasterFilterForm


def partner_list(user, filters=None):
    if not user.has_perm(VIEW_PARTNER):
        return TradingPartner.objects.none()
    rows = (TradingPartner.objects.select_related("customer", "order_owner")
            .annotate(mapping_count=Count("mappings")).order_by("code"))
    return PartnerFilter(filters or {}, rows).qs


def partner_detail(user, pk):
    partners = TradingPartner.objects.select_related("customer", "order_owner").prefetch_related(
        Prefetch("mappings", queryset=ProductMapping.objects.select_related("product").order_by("partner_code")))
    return get_object_or_404(partners if user.has_perm(VIEW_PARTNER) else partners.none(), pk=pk)


def profile_list(user, filters=None):
    if not user.has_perm(VIEW_PROFILE):
        return ChannelProfile.objects.none()
    return ProfileFilter(filters or {}, ChannelProfile.objects.select_related("customer").order_by("code")).qs


def profile_detail(user, pk):
    profiles = ChannelProfile.objects.select_related("customer")
    return get_object_or_404(profiles if user.has_perm(VIEW_PROFILE) else profiles.none(), pk=pk)


def order_owners():
    """Who a partner's orders may be entered as: active people of sales, the order desk or managers."""
    return (get_user_model().objects.filter(is_active=True)
            .filter(Q(groups__name__in=[SALES, ORDER_DESK, MANAGER]) | Q(is_superuser=True))
            .distinct().order_by("username"))


def customer_options():
    return Customer.objects.filter(is_active=True).only("code", "name").order_by("code")[:OPTIONS_LIMIT]


def product_options():
    return Product.objects.filter(is_active=True).only("sku", "name").order_by("sku")[:OPTIONS_LIMIT]

