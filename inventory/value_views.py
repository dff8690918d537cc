"""Inventory value pages: the value at a day by location or category (and its export), turnover by item,
the slow-moving and overstock warnings, the warning rules, and a new standard cost from the item page.
Views stay thin: parse, call a selector, inventory.valuation or a service, render or redirect."""

from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from record_pages.views import paginate, save_form

from . import costs, selectors, value_exports, value_selectors
from .stock_warnings import open_warning_counts
from .valuation import inventory_value, item_turnover
from .value_forms import (
    ItemCostForm,
    StockWarningRuleForm,
    TurnoverFilterForm,
    ValueFilterForm,
    WarningFilterForm,
)

EXPORT_FORMATS = ("csv", "xlsx")


def _rule_saved(_rule):
    return _("The rule was saved; it applies from the next daily check.")


@login_required
@permission_required("inventory.view_itemcost", raise_exception=True)
def value_page(request):
    form = ValueFilterForm(request.GET or None)
    valuation = inventory_value(**form.query())
    return render(request, "inventory/value/value.html", {
        "form": form, "valuation": valuation, "warning_counts": open_warning_counts(), "tab": "value"})


@login_required
@permission_required("inventory.view_itemcost", raise_exception=True)
def value_export(request, fmt):
    if fmt not in EXPORT_FORMATS:
        raise Http404
    form = ValueFilterForm(request.GET or None)
    return value_exports.value_export(inventory_value(**form.query()), fmt)


@login_required
@permission_required("inventory.view_itemcost", raise_exception=True)
def turnover_page(request):
    form = TurnoverFilterForm(request.GET or None)
    date_from, date_to = form.period()
    rows = item_turnover(date_from, date_to)
    return render(request, "inventory/value/turnover.html", {
        "form": form, "date_from": date_from, "date_to": date_to, **paginate(request, rows), "tab": "turnover"})


@login_required
@permission_required("inventory.view_itemcost", raise_exception=True)
def turnover_export(request, fmt):
    if fmt not in EXPORT_FORMATS:
        raise Http404
    date_from, date_to = TurnoverFilterForm(request.GET or None).period()
    return value_exports.turnover_export(item_turnover(date_from, date_to), date_from, date_to, fmt)


@login_required
@permission_required("inventory.view_stockwarning", raise_exception=True)
def warning_list(request):
    form = WarningFilterForm(request.GET or None)
    return render(request, "inventory/value/warnings.html", {
        "form": form, **paginate(request, value_selectors.warning_list(request.user, request.GET)),
        "warning_counts": open_warning_counts(), "tab": "warnings"})


@login_required
@permission_required("inventory.view_stockwarningrule", raise_exception=True)
def rule_list(request):
    return render(request, "inventory/value/rules.html", {
        "rules": value_selectors.rule_list(request.user), "tab": "rules",
        "can_add": request.user.has_perm("inventory.add_stockwarningrule"),
        "can_change": request.user.has_perm("inventory.change_stockwarningrule")})


def _rule_page(request, rule):
    form = StockWarningRuleForm(request.POST or None, instance=rule)
    if form.is_bound and save_form(request, form, lambda: costs.save_warning_rule(
            actor=request.user, rule=rule, **form.service_fields()), _rule_saved):
        return redirect("inventory:warning_rule_list")
    return render(request, "inventory/value/rule_form.html", {"form": form, "rule": rule, "tab": "rules"})


@login_required
@permission_required("inventory.add_stockwarningrule", raise_exception=True)
def rule_create(request):
    return _rule_page(request, None)


@login_required
@permission_required("inventory.change_stockwarningrule", raise_exception=True)
def rule_edit(request, pk):
    return _rule_page(request, value_selectors.rule_detail(request.user, pk))


@login_required
@permission_required("inventory.add_itemcost", raise_exception=True)
def item_cost_add(request, pk):
    """A new standard cost from the item page's cost section (POST only)."""
    item = selectors.item_detail(request.user, pk)
    if request.method != "POST":
        return redirect("inventory:item_edit", pk=item.pk)
    form = ItemCostForm(request.POST)
    saved = save_form(request, form, lambda: costs.set_item_cost(actor=request.user, item=item, **form.cleaned_data),
                      _("The new standard cost of %(code)s was saved.") % {"code": item.code})
    if saved:
        return redirect("inventory:item_edit", pk=item.pk)
    return render(request, "inventory/value/item_cost_form.html", {"item": item, "cost_form": form})
