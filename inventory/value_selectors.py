"""Reads of the inventory value pages: warnings, rules, an item's costs. Values and turnover are computed
in inventory.valuation."""

from django.shortcuts import get_object_or_404
from django.utils import timezone

from .models import Item, ItemCost, StockWarning, StockWarningRule
from .value_filters import StockWarningFilter


def warning_list(user, filters=None):
    rows = StockWarning.objects.select_related("item", "rule")
    return StockWarningFilter(filters or {}, rows, user=user).qs


def open_warnings_of(item):
    """The item's open slow-moving and overstock warnings (its stock page, where their alerts link)."""
    return list(StockWarning.objects.filter(item=item, cleared_at__isnull=True).select_related("rule")
                .order_by("rule__kind", "rule__name"))


def rule_list(user):
    return StockWarningRule.objects.select_related("category").order_by("kind", "name", "pk")


def rule_detail(user, pk):
    return get_object_or_404(rule_list(user), pk=pk)


def cost_history(item: Item):
    """The item's cost rows, the latest first, each marked `in_force` (the one valuations use today) or `is_future`."""
    today = timezone.localdate()
    rows = list(ItemCost.objects.filter(item=item).select_related("created_by").order_by("-valid_from"))
    current = next((row for row in rows if row.valid_from <= today), None)
    for row in rows:
        row.in_force, row.is_future = row is current, row.valid_from > today
    return rows
