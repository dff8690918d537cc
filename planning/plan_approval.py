"""Plan approval (seed 000 §2.3): the planner submits an order's plan, the production department head
approves it, which releases it (planning.plans.release_locked_plan), or returns it with a reason. The state
machine is declared on PlanSubmission (planning.approval_models); these services take its transitions,
write its events and alert the other side: the heads when a plan is submitted, the planner who submitted
it when it is approved or returned (alerts are rows first, delivered after the commit; text stored as
message ids with values). Used when settings.PLAN_APPROVAL_REQUIRED is on.

Locks: approving releases, so it takes the scheduling lock (work centers), then the order, then the
submission (docs/locking.md); submitting, withdrawing and returning lock the order, then the submission.
Bad input (no reason, a reason too long, a plan that moved on) raises ValidationError and writes nothing.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.permissions import require
from accounts.roles import PRODUCTION_HEAD
from alerts.services import create_alert
from config.transitions import take
from numbering import series
from numbering.services import next_number
from orders.models import Order
from systemtext.text import Text

from .approval_models import APPROVE_PERMISSION, OPEN_SUBMISSION, SUBMIT_PERMISSION, TEXT_LIMIT
from .models import PlanSubmission, PlanSubmissionAction, PlanSubmissionStatus
from .plans import lock_scheduling, release_locked_plan

PS = PlanSubmissionStatus

SUBMITTED_SUBJECT = gettext_noop("Plan of order %(order)s awaits your approval")
SUBMITTED_BODY = gettext_noop("%(planner)s submitted the plan of order %(order)s (%(customer)s) as %(number)s.")
APPROVED_SUBJECT = gettext_noop("Plan of order %(order)s approved and released")
APPROVED_BODY = gettext_noop("%(head)s approved %(number)s; the work is on the shop floor's tablets.")
RETURNED_SUBJECT = gettext_noop("Plan of order %(order)s returned")
RETURNED_BODY = gettext_noop("%(head)s returned %(number)s: %(reason)s")


def _name(user):
    return user.get_full_name() or user.username


def _typed(value, label):
    value = (value or "").strip()
    if len(value) > TEXT_LIMIT:
        raise ValidationError(_("%(field)s: at most %(n)s characters.") % {"field": label, "n": TEXT_LIMIT})
    return value


def _locked(submission):
    return PlanSubmission.objects.select_for_update().select_related("order", "order__customer",
                                                                     "submitted_by").get(pk=submission.pk)


def _refused(submission):
    return _("%(number)s is %(status)s: it was changed meanwhile. Nothing was done; look at it again.") % {
        "number": submission.number, "status": submission.get_status_display()}


def _record(submission, *, action, actor, from_status, note=""):
    return submission.events.record(action=action, actor=actor, from_status=from_status,
                                    to_status=submission.status, note=note)


def _alert(submission, *, subject, body, params, users=(), roles=()):
    order = submission.order
    create_alert(kind=f"plan_{submission.status}", subject=subject, body=body,
                 params={"order": order.number, "number": submission.number, **params},
                 link=reverse("planning:plan_submission", args=[submission.pk]), roles=roles, users=users,
                 rush=order.is_rush)


def submit_plan(*, actor, order, note="") -> PlanSubmission:
    """Put the order's planned work to the production department head (a returned plan again)."""
    require(actor, SUBMIT_PERMISSION)
    note = _typed(note, _("Note"))
    with transaction.atomic():
        order = Order.objects.select_for_update().select_related("customer").get(pk=order.pk)
        submission = (PlanSubmission.objects.select_for_update().filter(order=order, status__in=OPEN_SUBMISSION)
                      .first())
        if submission is None:
            submission = PlanSubmission.objects.create(number=next_number(series.PLAN_SUBMISSION), order=order,
                                                       submitted_by=actor)
        submission.order = order
        from_status = submission.status
        take(submission.submit, actor=actor,
             refused=_("The plan of order %(number)s is already awaiting approval.") % {"number": order.number},
             unmet=_("Order %(number)s has no planned work awaiting release: plan it first.")
             % {"number": order.number})
        submission.submitted_by, submission.submitted_at = actor, timezone.now()
        submission.submit_note, submission.return_reason = note, ""
        submission.decided_by = submission.decided_at = None
        submission.save()
        _record(submission, action=PlanSubmissionAction.SUBMITTED, actor=actor, from_status=from_status, note=note)
        _alert(submission, subject=SUBMITTED_SUBJECT, body=SUBMITTED_BODY, roles=[PRODUCTION_HEAD],
               params={"planner": _name(actor), "customer": order.customer.name})
    return submission


def withdraw_plan(*, actor, submission) -> PlanSubmission:
    """The planner takes a submitted plan back (to plan the order again); the head is not asked any more."""
    require(actor, SUBMIT_PERMISSION)
    with transaction.atomic():
        Order.objects.select_for_update().filter(pk=submission.order_id).values_list("pk").first()
        current = _locked(submission)
        take(current.withdraw, actor=actor, refused=_refused(current))
        current.save()
        _record(current, action=PlanSubmissionAction.WITHDRAWN, actor=actor, from_status=PS.SUBMITTED)
    return current


REPLANNED_SUBJECT = gettext_noop("Plan %(number)s of order %(order)s changed by a replan: submit it again")
REPLANNED_BODY = gettext_noop("%(planner)s replanned everything, which moved the work of order %(order)s while "
                              "its plan %(number)s awaited approval. It is back with the planner to be submitted "
                              "again, so the head approves the plan as it now stands.")


def withdraw_replanned(*, actor, order_ids):
    """"Replan everything" moved the work of these orders: a plan of theirs that awaits approval goes back to the
    planner (withdrawn, with the reason), so the head never approves placements that changed under them. Runs
    inside the replan's transaction, which holds the scheduling lock; orders, then submissions (docs/locking.md)."""
    withdrawn = []
    for order in Order.objects.select_for_update().select_related("customer").filter(pk__in=order_ids).order_by("pk"):
        for submission in PlanSubmission.objects.select_for_update().filter(order=order, status=PS.SUBMITTED):
            submission.order = order
            take(submission.withdraw, actor=actor, refused=_refused(submission))
            submission.save()
            submission.events.record(action=PlanSubmissionAction.WITHDRAWN, actor=actor, from_status=PS.SUBMITTED,
                                     to_status=submission.status,
                                     note=Text(gettext_noop("Replanned: the work moved; submit the plan again.")))
            _alert(submission, subject=REPLANNED_SUBJECT, body=REPLANNED_BODY, users=[submission.submitted_by],
                   roles=[PRODUCTION_HEAD], params={"planner": _name(actor)})
            withdrawn.append(submission)
    return withdrawn


def approve_plan(*, actor, submission) -> PlanSubmission:
    """The head approves: the plan is released (work orders and operations released, order → planned)."""
    require(actor, APPROVE_PERMISSION)
    with transaction.atomic():
        lock_scheduling()  # the release keeps the released operations' places: no reschedule meanwhile
        order = Order.objects.select_for_update().get(pk=submission.order_id)
        current = _locked(submission)
        current.order = order
        take(current.approve, actor=actor, refused=_refused(current),
             unmet=_("Order %(number)s has no planned work awaiting release any more: nothing was approved.")
             % {"number": order.number})
        current.decided_by, current.decided_at = actor, timezone.now()
        current.save()
        _record(current, action=PlanSubmissionAction.APPROVED, actor=actor, from_status=PS.SUBMITTED)
        release_locked_plan(actor=actor, order=order)
        _alert(current, subject=APPROVED_SUBJECT, body=APPROVED_BODY, users=[current.submitted_by],
               params={"head": _name(actor)})
    return current


def return_plan(*, actor, submission, reason) -> PlanSubmission:
    """The head sends the plan back to the planner with a reason; nothing is released."""
    require(actor, APPROVE_PERMISSION)
    reason = _typed(reason, _("Reason"))
    if not reason:
        raise ValidationError(_("Give a reason: the planner needs to know what to change."))
    with transaction.atomic():
        Order.objects.select_for_update().filter(pk=submission.order_id).values_list("pk").first()
        current = _locked(submission)
        current.return_reason = reason
        take(current.return_plan, actor=actor, refused=_refused(current))
        current.decided_by, current.decided_at = actor, timezone.now()
        current.save()
        _record(current, action=PlanSubmissionAction.RETURNED, actor=actor, from_status=PS.SUBMITTED, note=reason)
        _alert(current, subject=RETURNED_SUBJECT, body=RETURNED_BODY, users=[current.submitted_by],
               params={"head": _name(actor), "reason": reason})
    return current


def cancel_submissions(*, actor, order):
    """The order was cancelled (planning.order_cancellation, inside the cancel's transaction): its open
    submission is cancelled too, so the head is not asked about it any more."""
    for submission in PlanSubmission.objects.select_for_update().filter(order=order, status__in=OPEN_SUBMISSION):
        from_status = submission.status
        take(submission.cancel, refused=_refused(submission))
        submission.save()
        _record(submission, action=PlanSubmissionAction.CANCELLED, actor=actor, from_status=from_status)
