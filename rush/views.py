from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.replica import reads_from_replica
from exports.spreadsheets import export_response
from orders.selectors import orders_visible_to
from record_pages.views import keyset_paginate

from . import selectors, services
from .drawing_selectors import overdue_copies
from .forms import DecisionForm, ReportFilterForm, ReviewForm, RushRequestForm
from .models import ReviewArea, RushRequest

VIEW = "rush.view_rushrequest"


def _order(request, pk):
    return get_object_or_404(orders_visible_to(request.user).select_related("customer"), pk=pk)


def _rush_request(request, pk):
    try:
        return selectors.request_for_page(request.user, pk)
    except RushRequest.DoesNotExist:
        raise Http404 from None


@login_required
@permission_required(services.REQUEST, raise_exception=True)
def request_create(request, order_pk):
    order = _order(request, order_pk)
    form = RushRequestForm(request.POST or None, initial={"requested_date": order.requested_date})
    if request.method == "POST" and form.is_valid():
        try:
            rush_request = services.request_rush(actor=request.user, order=order, reason=form.cleaned_data["reason"],
                                                 requested_date=form.cleaned_data["requested_date"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Rush review %(number)s started: planning, the warehouse and QC are asked "
                                        "to sign.") % {"number": rush_request.number})
            return redirect("rush:detail", pk=rush_request.pk)
    return render(request, "rush/request_form.html", {"order": order, "form": form})


@login_required
@permission_required(VIEW, raise_exception=True)
def detail(request, pk):
    rush_request = _rush_request(request, pk)
    reviews = {review.area: review for review in rush_request.reviews.all()}
    user_areas = services.areas_for(request.user) if request.user.has_perm(services.REVIEW) else []
    areas = [{"area": area, "label": ReviewArea(area).label, "review": reviews.get(area),
              "form": ReviewForm(initial={"area": area}) if area in user_areas and area not in reviews else None}
             for area in ReviewArea.values]
    return render(request, "rush/detail.html", {
        "rush_request": rush_request, "order": rush_request.order, "areas": areas,
        "facts": rush_request.decision_facts or rush_request.facts,
        "can_decide": rush_request.is_open and request.user.has_perm(services.APPROVE),
        "decision_form": DecisionForm(),
        "missing": [ReviewArea(a).label for a in ReviewArea.values if a not in reviews],
    })


def _act(request, pk, call, success):
    rush_request = _rush_request(request, pk)
    try:
        call(rush_request)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, success % {"number": rush_request.number})
    return redirect("rush:detail", pk=rush_request.pk)


@require_POST
@login_required
@permission_required(services.REVIEW, raise_exception=True)
def sign(request, pk):
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a verdict."))
        return redirect("rush:detail", pk=pk)
    data = form.cleaned_data
    return _act(request, pk, lambda r: services.sign_review(actor=request.user, request=r, area=data["area"],
                                                            verdict=data["verdict"], conditions=data["conditions"]),
                _("Your review of %(number)s is signed."))


@require_POST
@login_required
@permission_required(services.APPROVE, raise_exception=True)
def approve(request, pk):
    note = request.POST.get("note", "")
    return _act(request, pk, lambda r: services.approve_rush(actor=request.user, request=r, note=note),
                _("%(number)s approved: the order is a rush order and the plan is updated."))


@require_POST
@login_required
@permission_required(services.APPROVE, raise_exception=True)
def reject(request, pk):
    note = request.POST.get("note", "")
    return _act(request, pk, lambda r: services.reject_rush(actor=request.user, request=r, reason=note),
                _("%(number)s rejected."))


@login_required
@permission_required(VIEW, raise_exception=True)
def board(request):
    pages = keyset_paginate(request, selectors.board_orders())
    return render(request, "rush/board.html", {**pages, "rows": selectors.board_rows(pages["page"].rows),
                                               "open_requests": selectors.open_requests(),
                                               "overdue_drawings": list(overdue_copies()[:50])})


@login_required
@permission_required(VIEW, raise_exception=True)
def order_panel(request, order_pk):
    order = _order(request, order_pk)
    return render(request, "rush/_order_panel.html", {
        "order": order, "requests": selectors.requests_of_order(order),
        "can_request": request.user.has_perm(services.REQUEST) and not order.is_rush,
        "can_drawings": order.is_rush and request.user.has_perm("rush.view_temporarydrawing")})


def _report_period(request):
    form = ReportFilterForm(request.GET or None)
    today = timezone.localdate()
    start, end = today - timedelta(days=90), today
    if form.is_valid():
        start = form.cleaned_data["start"] or start
        end = form.cleaned_data["end"] or end
    return form, start, end


@login_required
@permission_required(VIEW, raise_exception=True)
@reads_from_replica
def report(request):
    form, start, end = _report_period(request)
    return render(request, "rush/report.html", {"form": form, "report": selectors.rush_report(start, end),
                                                "query": request.GET.urlencode()})


@login_required
@permission_required(VIEW, raise_exception=True)
@reads_from_replica
def report_export(request, fmt):
    _form, start, end = _report_period(request)
    header = [_("Request"), _("Order"), _("Customer"), _("Needed by"), _("Requested at"), _("Status"),
              _("Review hours"), _("Orders moved"), _("Delay caused (hours)"), _("Delivered"), _("On time")]
    return export_response(f"rush-report-{start}-{end}", header, selectors.report_table(start, end),
                           _("Rush report"), fmt)
