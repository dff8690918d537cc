"""Reads of the price list and discount rule pages: a fixed number of queries whatever the number of lists."""

from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone

from orders.models import Customer, Product
from record_pages.filters import ActiveFilter, FormFilterSet, SearchFilter

from .models import DiscountRule, PriceList, PriceListItem
from .price_list_forms import PriceListFilterForm

VIEW = "sales.view_pricelist"
VIEW_RULE = "sales.view_discountrule"
OPTIONS_LIMIT = 500
RULE_HISTORY = 50


class PriceListFilter(FormFilterSet):
    q = SearchFilter("name__icontains", "items__product__sku__iexact")
    status = ActiveFilter()

    form_class = PriceListFilterForm

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        cleaned = self.cleaned
        if cleaned.get("grade"):
            queryset = queryset.filter(grade="" if cleaned["grade"] == "every" else cleaned["grade"])
        if cleaned.get("currency"):
            queryset = queryset.filter(currency=cleaned["currency"])
        return queryset.distinct() if cleaned.get("q") else queryset


def price_list_list(user, filters=None):
    if not user.has_perm(VIEW):
        return PriceList.objects.none()
    rows = PriceList.objects.select_related("created_by").annotate(line_count=Count("items", distinct=True))
    return PriceListFilter(filters or {}, rows.order_by("-valid_from", "grade", "currency", "id")).qs


def price_list_detail(user, pk):
    lists = PriceList.objects.select_related("created_by").prefetch_related(
        Prefetch("items", queryset=PriceListItem.objects.select_related("product").order_by(
            "product__sku", "min_quantity")))
    return get_object_or_404(lists if user.has_perm(VIEW) else lists.none(), pk=pk)


def product_options():
    return Product.objects.filter(is_active=True).only("sku", "name").order_by("sku")[:OPTIONS_LIMIT]


def customer_options():
    return Customer.objects.filter(is_active=True).only("code", "name").order_by("code")[:OPTIONS_LIMIT]


def discount_rules(user):
    """The rule in force today, the rules still to come and the earlier ones (newest first)."""
    if not user.has_perm(VIEW_RULE):
        return None, []
    today = timezone.localdate()
    rules = list(DiscountRule.objects.select_related("created_by").order_by("-valid_from", "-id")[:RULE_HISTORY])
    in_force = next((rule for rule in rules if rule.valid_from <= today), None)
    return in_force, rules
