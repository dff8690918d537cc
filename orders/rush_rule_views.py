"""The manager's rush rules page (/orders/rush-rules/): the rules kept as data that propose an order as
rush (orders.rush_criteria), added, changed, switched off and on."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from record_pages.views import add_service_errors

from . import masterdata_selectors, rush_criteria
from .rush_rule_forms import RushRuleForm

VIEW = "orders.view_rushrule"


def _save(request, form, rule=None):
    if not form.is_valid():
        return None
    try:
        return rush_criteria.save_rule(actor=request.user, rule=rule, **form.cleaned_data)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None


@login_required
@permission_required(VIEW, raise_exception=True)
def rule_list(request):
    can_add = request.user.has_perm("orders.add_rushrule")
    form = RushRuleForm(request.POST or None)
    if request.method == "POST":
        if not can_add:
            return redirect("orders:rush_rules")
        rule = _save(request, form)
        if rule is not None:
            messages.success(request, _("Rush rule “%(name)s” was added.") % {"name": rule.name})
            return redirect("orders:rush_rules")
    rules = masterdata_selectors.rush_rules()
    return render(request, "orders/rush_rules.html", {"rules": rules, "form": form, "can_add": can_add})


@login_required
@permission_required("orders.change_rushrule", raise_exception=True)
def rule_edit(request, pk):
    rule = get_object_or_404(masterdata_selectors.rush_rules(), pk=pk)
    form = RushRuleForm(request.POST) if request.method == "POST" else RushRuleForm.of(rule)
    if request.method == "POST":
        saved = _save(request, form, rule)
        if saved is not None:
            messages.success(request, _("Rush rule “%(name)s” was saved.") % {"name": saved.name})
            return redirect("orders:rush_rules")
    return render(request, "orders/rush_rule_form.html", {"rule": rule, "form": form})


@login_required
@require_POST
@permission_required("orders.change_rushrule", raise_exception=True)
def rule_toggle(request, pk):
    rule = get_object_or_404(masterdata_selectors.rush_rules(), pk=pk)
    active = request.POST.get("action") == "activate"
    rush_criteria.set_rule_active(actor=request.user, rule=rule, active=active)
    messages.success(request, (_("Rush rule “%(name)s” is active again.") if active
                               else _("Rush rule “%(name)s” was switched off.")) % {"name": rule.name})
    return redirect("orders:rush_rules")
