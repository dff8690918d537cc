"""Decision pages of the general manager's office (rush.decisions): the request form (from a process
exception or a material delay on a rush order), the decision page with its options and impact, the list,
and the fragments other apps' pages load (the decisions on an exception or a delay; the home page's
pending decisions). Thin views."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from inventory.models import MaterialDelayStatus
from orders.selectors import orders_visible_to
from record_pages.views import add_service_errors, paginate

from . import decision_selectors, decisions
from .forms import DelayDecideForm, DelayDecisionRequestForm
from .models import DECIDE_PERMISSION, DecisionStatus

VIEW = "rush.view_delaydecision"


def _source(request):
    """The process exception or material delay named by ?exception= or ?delay= (404 when unknown)."""
    exception_pk, delay_pk = request.GET.get("exception", ""), request.GET.get("delay", "")
    if exception_pk.isdigit() and request.user.has_perm("production.view_exceptionreport"):
        return decision_selectors.exception_report(exception_pk), None
    if delay_pk.isdigit() and request.user.has_perm("inventory.view_materialdelay"):
        return None, decision_selectors.material_delay(delay_pk)
    raise Http404


@login_required
@permission_required(decisions.ASK, raise_exception=True)
def decision_request(request, order_pk):
    order = get_object_or_404(orders_visible_to(request.user).select_related("customer"), pk=order_pk)
    exception_report, material_delay = _source(request)
    form = DelayDecisionRequestForm(request.POST or None, order=order)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            decision = decisions.request_delay_decision(
                actor=request.user, order=order, situation=data["situation"], exception_report=exception_report,
                material_delay=material_delay,
                overtime=(data["overtime_work_center"], data["overtime_date"], data["overtime_start"],
                          data["overtime_end"]),
                outsource=(data["outsource_operation"], data["outsource_supplier"], data["outsource_cost"],
                           data["outsource_currency"] if data["outsource_operation"] or data["outsource_supplier"]
                           or data["outsource_cost"] is not None else ""),
                proposed_date=data["proposed_date"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(number)s sent to the general manager's office.")
                             % {"number": decision.number})
            return redirect("rush:decision_detail", pk=decision.pk)
    return render(request, "rush/decision_request.html", {
        "order": order, "form": form, "source": exception_report or material_delay})


@login_required
@permission_required(VIEW, raise_exception=True)
def decision_detail(request, pk, form=None):
    decision = decision_selectors.decision_for_page(request.user, pk)
    can_decide = decision.status == DecisionStatus.PENDING and request.user.has_perm(DECIDE_PERMISSION)
    return render(request, "rush/decision_detail.html", {
        "decision": decision, "order": decision.order, "options": decision_selectors.option_rows(decision),
        "can_decide": can_decide, "form": form or DelayDecideForm(),
        "events": sorted(decision.events.all(), key=lambda e: (e.created_at, e.pk))})


@require_POST
@login_required
@permission_required(DECIDE_PERMISSION, raise_exception=True)
def decide(request, pk):
    decision = decision_selectors.decision_for_page(request.user, pk)
    form = DelayDecideForm(request.POST)
    if form.is_valid():
        try:
            decisions.decide_delay(actor=request.user, decision=decision, option=form.cleaned_data["option"],
                                   reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(number)s decided: the business office and the planners are told.")
                             % {"number": decision.number})
            return redirect("rush:decision_detail", pk=pk)
    return decision_detail(request, pk, form=form)


@login_required
@permission_required(VIEW, raise_exception=True)
def decision_list(request):
    status = request.GET.get("status", "")
    return render(request, "rush/decision_list.html", {
        **paginate(request, decision_selectors.decision_list(status)), "status": status,
        "statuses": DecisionStatus.choices})


@login_required
@permission_required(VIEW, raise_exception=True)
def source_decisions(request, kind, pk):
    """The decisions on one process exception or material delay, and for each rush order it hits and
    nobody asked about yet, the way to ask (fragment for the exception and delay pages)."""
    if kind == "exception" and request.user.has_perm("production.view_exceptionreport"):
        source = decision_selectors.exception_report(pk)
    elif kind == "delay" and request.user.has_perm("inventory.view_materialdelay"):
        source = decision_selectors.material_delay(pk)
    else:
        raise Http404
    rows = decision_selectors.source_rows(source, kind)
    can_ask = request.user.has_perm(decisions.ASK) and not (
        kind == "delay" and source.status == MaterialDelayStatus.REJECTED)
    return render(request, "rush/_source_decisions.html", {"rows": rows, "kind": kind, "source": source,
                                                           "can_ask": can_ask})


@login_required
def home_decisions(request):
    """The home page's section: pending decisions for the general manager's office; material delay
    requests waiting for the PMC head."""
    user = request.user
    return render(request, "rush/_home_decisions.html", {
        "pending": decision_selectors.pending_decisions() if user.has_perm(DECIDE_PERMISSION) else None,
        "delays": decision_selectors.delays_to_decide(user) if user.has_perm("inventory.decide_materialdelay")
        else None})
