"""Plan approval pages: the list of plan submissions, one submission (the order's plan, its timeline, the
head's approve and return-with-reason forms, the planner's withdraw), and the planner's submit from the plan
page. Views stay thin: parse, call a selector or a service (planning.plan_approval), render or redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from orders.services import OrderActionRefused
from record_pages.views import paginate

from . import approval_selectors, plan_approval, plan_selectors
from .approval_forms import PlanSubmissionFilterForm, ReturnPlanForm, SubmitPlanForm
from .approval_models import APPROVE_PERMISSION, SUBMIT_PERMISSION

VIEW = approval_selectors.VIEW


def _refused(request, exc):
    for message in getattr(exc, "messages", None) or [getattr(exc, "message", str(exc))]:
        messages.error(request, message)


@login_required
@permission_required(VIEW, raise_exception=True)
def submission_list(request):
    form = PlanSubmissionFilterForm(request.GET or None)
    return render(request, "planning/plan_submission_list.html", {
        "form": form, **paginate(request, approval_selectors.submission_list(request.user, request.GET))})


def _detail_page(request, submission, return_form=None, status=200):
    return render(request, "planning/plan_submission_detail.html", {
        "submission": submission, "order": submission.plan, "return_form": return_form or ReturnPlanForm()},
        status=status)


@login_required
@permission_required(VIEW, raise_exception=True)
def submission_detail(request, pk):
    return _detail_page(request, approval_selectors.submission_detail(request.user, pk))


@login_required
@permission_required(SUBMIT_PERMISSION, raise_exception=True)
@require_POST
def plan_submit(request, pk):
    order = plan_selectors.order_plan(request.user, pk)
    form = SubmitPlanForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError([error for errors in form.errors.values() for error in errors])
        submission = plan_approval.submit_plan(actor=request.user, order=order, note=form.cleaned_data["note"])
    except (ValidationError, PermissionDenied) as exc:
        _refused(request, exc)
        return redirect("planning:plan_detail", pk=order.pk)
    messages.success(request, _("The plan of order %(number)s was submitted for approval as %(submission)s.")
                     % {"number": order.number, "submission": submission.number})
    return redirect("planning:plan_detail", pk=order.pk)


def _act(request, pk, service, done, *, then):
    """Run `service` on the submission; on success say `done` (with number and order) and go to `then`
    (a URL name and its pk), else back to the submission with the refusal."""
    submission = approval_selectors.submission_detail(request.user, pk)
    try:
        service(actor=request.user, submission=submission)
    except (ValidationError, OrderActionRefused) as exc:
        _refused(request, exc)
        return redirect("planning:plan_submission", pk=pk)
    messages.success(request, done % {"number": submission.number, "order": submission.order.number})
    return redirect(then[0], pk=then[1](submission))


@login_required
@permission_required(APPROVE_PERMISSION, raise_exception=True)
@require_POST
def submission_approve(request, pk):
    return _act(request, pk, plan_approval.approve_plan,
                _("%(number)s was approved: the plan of order %(order)s is released."),
                then=("planning:plan_submission", lambda submission: submission.pk))


@login_required
@permission_required(APPROVE_PERMISSION, raise_exception=True)
@require_POST
def submission_return(request, pk):
    submission = approval_selectors.submission_detail(request.user, pk)
    form = ReturnPlanForm(request.POST)
    if form.is_valid():
        try:
            plan_approval.return_plan(actor=request.user, submission=submission, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error("reason", exc)
        else:
            messages.success(request, _("%(number)s was returned to the planner.") % {"number": submission.number})
            return redirect("planning:plan_submission", pk=pk)
    return _detail_page(request, submission, return_form=form, status=400)


@login_required
@permission_required(SUBMIT_PERMISSION, raise_exception=True)
@require_POST
def submission_withdraw(request, pk):
    return _act(request, pk, plan_approval.withdraw_plan,
                _("%(number)s was withdrawn: the order can be planned again."),
                then=("planning:plan_detail", lambda submission: submission.order_id))
