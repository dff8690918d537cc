"""The purchase plan (采购计划) and the demand forecast pages. Thin: parse, call a selector or a service
(inventory.mrp_plans), render or redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from record_pages.views import paginate

from . import mrp_plans, mrp_selectors
from .mrp_forms import PlanFilterForm, RunMrpForm
from .requirement_views import show_errors


@login_required
@permission_required("inventory.view_mrprun", raise_exception=True)
@require_GET
def purchase_plan(request):
    user = request.user
    run = mrp_selectors.latest_run(user)
    return render(request, "inventory/mrp/plan.html", {
        "run": run, "form": PlanFilterForm(request.GET or None),
        "run_form": RunMrpForm(initial={"horizon_days": run.horizon_days} if run else None),
        **paginate(request, mrp_selectors.purchase_plan(run, request.GET)),
        "production": mrp_selectors.planned_production(run),
        "can_run": user.has_perm(mrp_plans.RUN_MRP),
        "can_approve": user.has_perm(mrp_plans.APPROVE_LINES) and user.has_perm("inventory.add_purchaserequest"),
    })


@login_required
@permission_required(mrp_plans.RUN_MRP, raise_exception=True)
@require_POST
def purchase_plan_run(request):
    form = RunMrpForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("inventory:purchase_plan")
    try:
        mrp_plans.queue_mrp_run(actor=request.user, horizon_days=form.cleaned_data["horizon_days"])
    except ValidationError as exc:
        show_errors(request, exc)
    else:
        messages.success(request, _("MRP is running; the plan below shows the newest run when it is done."))
    return redirect("inventory:purchase_plan")


@login_required
@permission_required(mrp_plans.APPROVE_LINES, raise_exception=True)
@require_POST
def purchase_plan_approve(request):
    try:
        made = mrp_plans.approve_plan_lines(actor=request.user, line_ids=request.POST.getlist("lines"))
    except ValidationError as exc:
        show_errors(request, exc)
    else:
        text = ngettext("Purchase request made: %(numbers)s.", "Purchase requests made: %(numbers)s.", len(made))
        messages.success(request, text % {"numbers": ", ".join(r.number for r in made)})
    return redirect("inventory:purchase_plan")


@login_required
@permission_required("inventory.view_mrprun", raise_exception=True)
@require_GET
def forecasts(request):
    run = mrp_selectors.latest_run(request.user)
    return render(request, "inventory/mrp/forecasts.html", {
        "run": run, "charts": mrp_selectors.forecast_charts(run)})
