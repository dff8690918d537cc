"""Reads for plan approval: the list of plan submissions (filtered, sorted, a fixed number of queries per
page), one submission with its timeline and the order's plan, and an order's open submission for the
planner's plan page."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from orders.models import Order

from .approval_models import APPROVE_PERMISSION, SUBMIT_PERMISSION
from .filters import PlanSubmissionFilter
from .models import PlanSubmission, PlanSubmissionEvent
from .plan_selectors import plan_of

VIEW = "planning.view_plansubmission"


def _visible(user):
    return PlanSubmission.objects.all() if user.has_perm(VIEW) else PlanSubmission.objects.none()


def _events():
    return Prefetch("events", queryset=PlanSubmissionEvent.objects.select_related("actor").order_by("created_at", "id"))


def submission_list(user, filters=None):
    """Submissions the user may see, with their order, customer and people, filtered and sorted."""
    qs = _visible(user).select_related("order", "order__customer", "submitted_by", "decided_by")
    return PlanSubmissionFilter(filters or {}, qs).qs


def submission_detail(user, pk):
    """A submission with its timeline and its order's plan (work orders, operations, lateness) as
    `submission.plan`; what the user may do with it as `may_decide` and `may_withdraw`. 404 when not visible."""
    submission = get_object_or_404(_visible(user).select_related("order", "submitted_by", "decided_by")
                                   .prefetch_related(_events()), pk=pk)
    submission.plan = plan_of(Order.objects.filter(pk=submission.order_id), submission.order_id)
    submission.may_decide = submission.status == "submitted" and user.has_perm(APPROVE_PERMISSION)
    submission.may_withdraw = submission.status == "submitted" and user.has_perm(SUBMIT_PERMISSION)
    return submission


def open_submission(order):
    """The order's submission still open (draft, submitted or returned) with its timeline, else the approved
    one, else None: what the planner's plan page shows about approval."""
    return (PlanSubmission.objects.filter(order=order).select_related("submitted_by", "decided_by")
            .prefetch_related(_events()).order_by("-id").first())


def awaiting_count(user):
    """How many plans await the user's decision (for the head's home page)."""
    if not user.has_perm(APPROVE_PERMISSION):
        return 0
    return PlanSubmission.objects.filter(status="submitted").count()

