"""Plan approval (seed 000 §2.3 "经部门负责人审核后"): the planner submits an order's plan (its planned work
orders) to the production department head, who approves it (which releases it) or returns it with a reason.
The submission's state machine (a protected FSMField) is declared here; planning.plan_approval does the work,
takes the transitions and writes the events. Part of planning's models (re-exported by planning.models).

    draft ─submit→ submitted ─approve→ approved (the plan is released)
                   submitted ─return_plan (with a reason)→ returned ─submit→ submitted
                   submitted ─withdraw→ draft (the planner changes the plan first)
    draft, submitted, returned ─cancel→ cancelled (the order was cancelled: a system step)
"""

import django_fsm as fsm
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from history.models import Event
from orders.models import Order, OrderStatus

SUBMIT_PERMISSION = "orders.plan_order"
APPROVE_PERMISSION = "planning.approve_plansubmission"
TEXT_LIMIT = 500  # the planner's note and the head's reason


class PlanSubmissionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Awaiting approval")
    APPROVED = "approved", _("Approved and released")
    RETURNED = "returned", _("Returned to the planner")
    CANCELLED = "cancelled", _("Cancelled with the order")


PS = PlanSubmissionStatus
OPEN_SUBMISSION = [PS.DRAFT, PS.SUBMITTED, PS.RETURNED]


def _order_awaits_release(submission):
    return submission.order.status == OrderStatus.APPROVED


def _has_planned_work(submission):
    return submission.order.work_orders.filter(status="planned").exists()


def _reason_given(submission):
    return bool((submission.return_reason or "").strip())


class PlanSubmission(fsm.ConcurrentTransitionMixin, models.Model):
    """One order's plan put to the production department head. An order has at most one open submission;
    after a return the planner re-plans and submits the same one again (its events keep each round)."""

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.PROTECT,
                              related_name="plan_submissions")
    status = fsm.FSMField(_("status"), max_length=12, choices=PlanSubmissionStatus.choices, default=PS.DRAFT,
                          protected=True, db_index=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("submitted by"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # Typed by the planner and the head: kept as written, shown as written.
    submit_note = models.CharField(_("note for the department head"), max_length=TEXT_LIMIT, blank=True)
    return_reason = models.CharField(_("reason for returning"), max_length=TEXT_LIMIT, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("plan submission")
        verbose_name_plural = _("plan submissions")
        permissions = [("approve_plansubmission", _("Can approve or return production plans"))]
        constraints = [
            models.UniqueConstraint(fields=["order"], condition=Q(status__in=OPEN_SUBMISSION),
                                    name="plan_submission_one_open_per_order"),
            models.CheckConstraint(condition=~Q(status="returned") | ~Q(return_reason=""),
                                   name="plan_submission_returned_has_reason"),
        ]

    def __str__(self):
        return self.number

    @property
    def is_open(self):
        return self.status in OPEN_SUBMISSION

    @fsm.transition(status, source=[PS.DRAFT, PS.RETURNED], target=PS.SUBMITTED, permission=SUBMIT_PERMISSION,
                    conditions=[_order_awaits_release, _has_planned_work])
    def submit(self):
        pass

    @fsm.transition(status, source=PS.SUBMITTED, target=PS.DRAFT, permission=SUBMIT_PERMISSION)
    def withdraw(self):
        pass

    @fsm.transition(status, source=PS.SUBMITTED, target=PS.APPROVED, permission=APPROVE_PERMISSION,
                    conditions=[_order_awaits_release, _has_planned_work])
    def approve(self):
        pass

    @fsm.transition(status, source=PS.SUBMITTED, target=PS.RETURNED, permission=APPROVE_PERMISSION,
                    conditions=[_reason_given])
    def return_plan(self):
        pass

    # Taken by planning.order_cancellation when the order is cancelled (whoever cancels it may).
    @fsm.transition(status, source=OPEN_SUBMISSION, target=PS.CANCELLED)
    def cancel(self):
        pass


class PlanSubmissionAction(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted for approval")
    WITHDRAWN = "withdrawn", _("Withdrawn by the planner")
    APPROVED = "approved", _("Approved and released")
    RETURNED = "returned", _("Returned with a reason")
    CANCELLED = "cancelled", _("Cancelled: the order was cancelled")


class PlanSubmissionEvent(Event):
    """Append-only history of a submission: who submitted, approved or returned it, when, and why."""

    submission = models.ForeignKey(PlanSubmission, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=20, choices=PlanSubmissionAction.choices)
    from_status = models.CharField(_("from"), max_length=12, choices=PlanSubmissionStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=PlanSubmissionStatus.choices, blank=True)

    class Meta(Event.Meta):
        verbose_name = _("plan submission event")
        verbose_name_plural = _("plan submission events")

    def __str__(self):
        return f"{self.submission_id} {self.action}"
