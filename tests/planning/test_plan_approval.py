"""Plan approval (planning.plan_approval): the planner submits, the production department head returns with a
reason or approves, which releases the plan; alerts go both ways; the daily plan shows only approved work;
bad input and wrong roles change nothing. The state machine as a table (states × actions × roles)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from alerts.models import Alert
from orders.models import OrderStatus
from orders.services import cancel_order
from planning import daily_plan
from planning.models import (
    PlanSubmission,
    PlanSubmissionEvent,
    PlanSubmissionStatus,
    WorkOrder,
    WorkOrderOperation,
)
from planning.plan_approval import approve_plan, return_plan, submit_plan, withdraw_plan
from planning.plans import plan_order, release_locked_plan, release_plan
from tests.fixtures.state_machines import check_table
from tests.planning.test_work_orders import approved_order, next_monday, shop  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db
PS = PlanSubmissionStatus
approval_on = override_settings(PLAN_APPROVAL_REQUIRED=True)


@pytest.fixture
def planned(shop, role_users):  # noqa: F811
    order = approved_order(shop)
    plan_order(actor=role_users["planner"], order=order, now=next_monday())
    return order


def _statuses(order):
    return sorted(set(WorkOrder.objects.filter(order=order).values_list("status", flat=True)))


def _snapshot(order):
    return (list(PlanSubmission.objects.filter(order=order).values()),
            PlanSubmissionEvent.objects.filter(submission__order=order).count(), Alert.objects.count(),
            _statuses(order), type(order).objects.get(pk=order.pk).status)


@approval_on
def test_head_returns_with_reason_then_approves_which_releases(planned, role_users):
    planner, head = role_users["planner"], role_users["production_head"]
    submission = submit_plan(actor=planner, order=planned, note="请审核")
    assert submission.status == PS.SUBMITTED and submission.number.startswith("PA-")
    alert = Alert.objects.get(kind="plan_submitted")
    assert alert.roles == ["production_head"] and alert.params["order"] == planned.number
    assert head.pk in set(alert.recipients.values_list("user_id", flat=True))

    returned = return_plan(actor=head, submission=submission, reason="灌装线周五满负荷，请改到下周")
    assert (returned.status, returned.decided_by) == (PS.RETURNED, head)
    assert _statuses(planned) == ["planned"]  # nothing released
    back = Alert.objects.get(kind="plan_returned")
    assert list(back.recipients.values_list("user_id", flat=True)) == [planner.pk]
    assert back.params["reason"] == "灌装线周五满负荷，请改到下周"

    again = submit_plan(actor=planner, order=planned)
    assert again.pk == submission.pk and again.status == PS.SUBMITTED and again.return_reason == ""
    approved = approve_plan(actor=head, submission=again)
    assert approved.status == PS.APPROVED
    planned.refresh_from_db()
    assert planned.status == OrderStatus.PLANNED
    assert _statuses(planned) == ["released"]
    assert set(WorkOrderOperation.objects.filter(work_order__order=planned).values_list("status", flat=True)) == {
        "released"}
    assert planned.events.latest("id").actor == head
    assert list(Alert.objects.get(kind="plan_approved").recipients.values_list("user_id", flat=True)) == [planner.pk]
    events = list(PlanSubmissionEvent.objects.filter(submission=submission).order_by("id"))
    assert [(e.action, e.from_status, e.to_status, e.actor) for e in events] == [
        ("submitted", "draft", "submitted", planner), ("returned", "submitted", "returned", head),
        ("submitted", "returned", "submitted", planner), ("approved", "submitted", "approved", head)]
    assert events[1].note == "灌装线周五满负荷，请改到下周"


@approval_on
def test_bad_input_and_wrong_roles_change_nothing(planned, role_users):
    planner, head = role_users["planner"], role_users["production_head"]
    with pytest.raises(ValidationError, match="submit the plan"):
        release_plan(actor=planner, order=planned)
    with pytest.raises(PermissionDenied):
        submit_plan(actor=head, order=planned)
    with pytest.raises(ValidationError):
        submit_plan(actor=planner, order=planned, note="x" * 501)
    assert _snapshot(planned)[0] == []
    submission = submit_plan(actor=planner, order=planned)
    before = _snapshot(planned)
    for reason in ("", "   ", "y" * 501):
        with pytest.raises(ValidationError):
            return_plan(actor=head, submission=submission, reason=reason)
    with pytest.raises(PermissionDenied):
        approve_plan(actor=planner, submission=submission)
    with pytest.raises(PermissionDenied):
        return_plan(actor=role_users["production"], submission=submission, reason="no")
    with pytest.raises(ValidationError, match="already awaiting"):
        submit_plan(actor=planner, order=planned)
    with pytest.raises(ValidationError, match="withdraw"):
        plan_order(actor=planner, order=planned, now=next_monday())
    assert _snapshot(planned) == before


@approval_on
def test_cancelling_the_order_cancels_its_open_submission(planned, role_users):
    submission = submit_plan(actor=role_users["planner"], order=planned)
    cancel_order(actor=role_users["order_desk"], order=planned, reason="客户取消")
    submission.refresh_from_db()
    assert submission.status == PS.CANCELLED
    last = submission.events.latest("id")
    assert (last.action, last.from_status, last.actor) == ("cancelled", "submitted", role_users["order_desk"])
    assert _statuses(planned) == ["cancelled"]


@approval_on
def test_withdrawn_plan_can_be_replanned_and_an_unplanned_order_is_not_submitted(shop, planned, role_users):  # noqa: F811
    planner = role_users["planner"]
    submission = submit_plan(actor=planner, order=planned)
    assert withdraw_plan(actor=planner, submission=submission).status == PS.DRAFT
    plan_order(actor=planner, order=planned, now=next_monday())  # allowed again
    assert submit_plan(actor=planner, order=planned).pk == submission.pk
    empty = approved_order(shop)
    with pytest.raises(ValidationError, match="plan it first"):
        submit_plan(actor=planner, order=empty)
    assert not PlanSubmission.objects.filter(order=empty).exists()


def test_daily_plan_shows_only_approved_work_when_approval_is_on(planned, role_users):
    day = WorkOrderOperation.objects.filter(work_order__order=planned).order_by("planned_start").first()
    day = day.planned_start.astimezone(next_monday().tzinfo).date()

    def listed():
        return sum(len(center.rows) for center in daily_plan.daily_plan(day=day).centers)
    assert listed() > 0  # approval off: the planned work shows, as before
    with approval_on:
        assert listed() == 0
        submission = submit_plan(actor=role_users["planner"], order=planned)
        assert listed() == 0
        approve_plan(actor=role_users["production_head"], submission=submission)
        assert listed() > 0


@approval_on
def test_plan_submission_table(shop, role_users):  # noqa: F811
    heads = {"production_head", "admin"}
    planners = {"planner", "admin"}

    def make(state):
        order = approved_order(shop)
        plan_order(actor=role_users["planner"], order=order, now=next_monday() + timedelta(days=7))
        if state == PS.APPROVED:  # as it is after an approval: the plan released, the order planned
            with transaction.atomic():
                release_locked_plan(actor=role_users["planner"], order=order)
        submission = PlanSubmission.objects.create(
            number=f"PA-T-{order.pk}", order=order, status=PS.DRAFT if state == PS.CANCELLED else state,
            submitted_by=role_users["planner"], return_reason="r" if state == PS.RETURNED else "")
        if state == PS.CANCELLED:  # as it is after the order's cancellation
            cancel_order(actor=role_users["order_desk"], order=order, reason="取消")
            submission.refresh_from_db()
        return submission
    calls = {"return_plan": lambda row, action, user: return_plan(actor=user, submission=row, reason="改"),
             "approve": lambda row, action, user: approve_plan(actor=user, submission=row),
             "submit": lambda row, action, user: submit_plan(actor=user, order=row.order),
             "withdraw": lambda row, action, user: withdraw_plan(actor=user, submission=row)}
    check_table(make, {"submit": ({PS.DRAFT, PS.RETURNED}, planners, PS.SUBMITTED),
                       "withdraw": ({PS.SUBMITTED}, planners, PS.DRAFT),
                       "approve": ({PS.SUBMITTED}, heads, PS.APPROVED),
                       "return_plan": ({PS.SUBMITTED}, heads, PS.RETURNED),
                       "cancel": ({PS.DRAFT, PS.SUBMITTED, PS.RETURNED}, None, PS.CANCELLED)},
                PS.values, users=role_users, calls=calls,
                events=lambda row: PlanSubmissionEvent.objects.filter(submission=row).count())


@approval_on
def test_pages_submit_return_approve_and_the_heads_queue(client, planned, role_users, django_assert_max_num_queries):
    planner, head = role_users["planner"], role_users["production_head"]
    client.force_login(planner)
    page = client.get(reverse("planning:plan_detail", args=[planned.pk])).content.decode()
    assert 'data-testid="submit-plan"' in page and 'data-testid="release-button"' not in page
    assert client.post(reverse("planning:plan_release", args=[planned.pk])).status_code == 302  # refused, said
    assert _statuses(planned) == ["planned"]
    client.post(reverse("planning:plan_submit", args=[planned.pk]), {"note": "请审核"})
    submission = PlanSubmission.objects.get()
    assert client.post(reverse("planning:plan_submission_approve", args=[submission.pk])).status_code == 403

    client.force_login(head)
    home = client.get(reverse("home")).content.decode()
    assert 'data-card="plans_to_approve"' in home and "<strong>1</strong>" in home.split('plans_to_approve')[1][:200]
    with django_assert_max_num_queries(12):
        listing = client.get(reverse("planning:plan_submission_list"), {"status": "submitted", "q": planned.number})
    assert submission.number in listing.content.decode()
    detail = client.get(reverse("planning:plan_submission", args=[submission.pk])).content.decode()
    assert 'data-testid="approve-plan"' in detail and 'data-testid="split-link"' not in detail
    refused = client.post(reverse("planning:plan_submission_return", args=[submission.pk]), {"reason": " "})
    assert refused.status_code == 400 and PlanSubmission.objects.get().status == PS.SUBMITTED
    client.post(reverse("planning:plan_submission_return", args=[submission.pk]), {"reason": "请改期"})
    assert PlanSubmission.objects.get().status == PS.RETURNED
    client.force_login(planner)
    assert "请改期" in client.get(reverse("planning:plan_detail", args=[planned.pk])).content.decode()
    client.post(reverse("planning:plan_submit", args=[planned.pk]))
    client.force_login(head)
    client.post(reverse("planning:plan_submission_approve", args=[submission.pk]))
    assert PlanSubmission.objects.get().status == PS.APPROVED and _statuses(planned) == ["released"]
    assert client.get(reverse("planning:plan_submission_list")).status_code == 200
    client.force_login(role_users["sales"])
    assert client.get(reverse("planning:plan_submission_list")).status_code == 403
