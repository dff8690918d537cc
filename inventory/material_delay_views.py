"""Material delay request pages: the list (search, sort, pagination) and the form. Thin views."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from record_pages.views import add_service_errors, paginate, save_form

from . import material_delays, purchasing_selectors
from .models import DECIDE_MATERIAL_DELAY, MaterialDelayStatus
from .purchasing_forms import MaterialDelayDecisionForm, MaterialDelayFilterForm, MaterialDelayForm


@login_required
@permission_required("inventory.view_materialdelay", raise_exception=True)
def material_delay_list(request):
    form = MaterialDelayFilterForm(request.GET or None)
    return render(request, "inventory/purchasing/delay_list.html", {
        "form": form, **paginate(request, purchasing_selectors.material_delay_list(request.user, request.GET)),
        "can_add": request.user.has_perm("inventory.add_materialdelay"),
    })


@login_required
@permission_required("inventory.add_materialdelay", raise_exception=True)
def material_delay_create(request):
    initial = {"item": request.GET.get("item", "")}
    form = MaterialDelayForm(request.POST or None, initial=initial)
    if request.method == "POST":
        delay = save_form(request, form, lambda: material_delays.record_material_delay(
            actor=request.user, item=form.cleaned_data["item"], line=form.cleaned_data.get("purchase_order_line"),
            new_expected_date=form.cleaned_data["new_expected_date"], reason=form.cleaned_data["reason"]),
            lambda d: _("Material delay %(number)s recorded.") % {"number": d.number})
        if delay:
            count = delay.affected_orders.count()
            messages.warning(request, ngettext("%(n)s order marked at risk.", "%(n)s orders marked at risk.", count)
                             % {"n": count})
            return redirect("inventory:material_delay_detail", pk=delay.pk)
    return render(request, "inventory/purchasing/delay_form.html", {"form": form})


@login_required
@permission_required("inventory.view_materialdelay", raise_exception=True)
def material_delay_detail(request, pk, form=None):
    delay = purchasing_selectors.material_delay_detail(request.user, pk)
    can_decide = (delay.status == MaterialDelayStatus.PENDING and request.user.has_perm(DECIDE_MATERIAL_DELAY)
                  and delay.created_by_id != request.user.pk)
    return render(request, "inventory/purchasing/delay_detail.html", {
        "delay": delay, "can_decide": can_decide, "form": form or MaterialDelayDecisionForm(),
        "events": sorted(delay.events.all(), key=lambda e: (e.created_at, e.pk))})


@require_POST
@login_required
@permission_required(DECIDE_MATERIAL_DELAY, raise_exception=True)
def material_delay_decide(request, pk):
    delay = purchasing_selectors.material_delay_detail(request.user, pk)
    form = MaterialDelayDecisionForm(request.POST)
    decide = (material_delays.reject_material_delay if request.POST.get("decision") == "reject"
              else material_delays.approve_material_delay)
    if form.is_valid():
        try:
            decided = decide(actor=request.user, delay=delay, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Material delay %(number)s: %(decision)s.")
                             % {"number": decided.number, "decision": decided.get_status_display()})
            return redirect("inventory:material_delay_detail", pk=delay.pk)
    return material_delay_detail(request, pk, form=form)
