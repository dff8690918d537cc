"""Replan everything (planning.replan): the impact of the full re-dispatch is shown before it is applied,
and what is applied is what was shown."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from planning.models import WorkOrder
from planning.plans import plan_order
from planning.replan import replan_everything, replan_preview
from tests.planning.test_promise import approved, monday, planner, shop  # noqa: F401 - fixtures
from tests.planning.test_work_orders import at

pytestmark = pytest.mark.django_db


def finish(order):
    return max(WorkOrder.objects.filter(order=order).values_list("planned_end", flat=True))


@pytest.fixture
def inserted_behind(shop, planner, monday):  # noqa: F811
    """`later` (due in 9 days) planned first; `urgent` (due tomorrow) planned after it: inserted behind it."""
    later = approved(shop, "8", requested=monday.date() + timedelta(days=9))
    plan_order(actor=planner, order=later, now=monday)
    urgent = approved(shop, "2", requested=monday.date() + timedelta(days=1))
    plan_order(actor=planner, order=urgent, now=monday)
    assert finish(urgent) == at(monday, 9) + timedelta(days=1)  # Monday 08–16 is `later`'s, then 16–17, 08–09
    return later, urgent


def test_the_preview_shows_who_finishes_later_and_earlier_and_applying_does_exactly_that(
        inserted_behind, planner, monday):  # noqa: F811
    later, urgent = inserted_behind
    preview = replan_preview(now=monday)

    [slower] = preview.later
    [faster] = preview.earlier
    assert (slower.number, faster.number) == (later.number, urgent.number)
    assert faster.new_finish == at(monday, 10) and faster.old_finish == at(monday, 9) + timedelta(days=1)
    assert preview.moved_operations == 2 and preview.operations == 2

    replan_everything(actor=planner, digest=preview.digest, now=monday)

    assert finish(urgent) == faster.new_finish and finish(later) == slower.new_finish


def test_a_plan_changed_since_the_preview_is_not_replanned(inserted_behind, shop, planner, monday):  # noqa: F811
    preview = replan_preview(now=monday)
    plan_order(actor=planner, order=approved(shop, "1", requested=monday.date() + timedelta(days=3)), now=monday)
    with pytest.raises(ValidationError, match="changed since"):
        replan_everything(actor=planner, digest=preview.digest, now=monday)


def test_the_page_shows_the_impact_before_the_button(client, inserted_behind, planner):  # noqa: F811
    client.force_login(planner)
    page = client.get(reverse("planning:replan")).content.decode()
    assert 'data-testid="replan-impact"' in page and 'data-testid="replan-apply"' in page


def test_each_improvement_move_reads_in_the_readers_language(inserted_behind):
    from django.utils import translation

    from planning.plans import open_work_rows
    from planning.replan import improvement_texts
    from planning.scheduling.tardiness import Move

    later, urgent = inserted_behind
    work = open_work_rows()
    mine = next(wo.number for wo in work.work_orders if wo.order_id == urgent.pk)
    other = next(wo.number for wo in work.work_orders if wo.order_id == later.pk)
    [text] = improvement_texts(work, [Move(mine, 10, other, 10, "CUT", saved=180, saved_rush=0, saved_own=180)])
    with translation.override("en"):
        assert str(text) == f"{mine} moved before {other} on CUT: saves 3 h of tardiness on {urgent.number}"
    with translation.override("zh-hans"):
        assert str(text) == f"{mine} 在 CUT 上移到 {other} 之前：{urgent.number} 的延期减少 3 小时"


def test_a_plan_awaiting_approval_whose_work_moves_goes_back_to_the_planner(
        client, inserted_behind, planner, monday):  # noqa: F811
    """The head never approves placements that changed under them: the preview says which plans go back, and
    applying withdraws them with the reason and alerts the planner and the heads."""
    from django.utils import translation

    from alerts.models import Alert
    from planning.models import PlanSubmissionStatus
    from planning.plan_approval import submit_plan

    later, urgent = inserted_behind
    submission = submit_plan(actor=planner, order=later, note="please approve")
    preview = replan_preview(now=monday)
    assert preview.returned_plans == [later.number]
    client.force_login(planner)
    page = client.get(reverse("planning:replan"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "replan-returned-plans" in page and later.number in page

    replan_everything(actor=planner, digest=preview.digest, now=monday)

    submission.refresh_from_db()
    assert submission.status == PlanSubmissionStatus.DRAFT
    event = submission.events.order_by("-pk").first()
    with translation.override("zh-hans"):
        assert event.action == "withdrawn" and event.get_note_display() == "已重排：工作已移动，请重新提交计划。"
    alert = Alert.objects.filter(kind="plan_draft").latest("pk")
    assert later.number in alert.params["order"]


def test_a_replan_that_moves_nothing_leaves_a_submitted_plan_alone(shop, planner, monday):  # noqa: F811
    from planning.models import PlanSubmissionStatus
    from planning.plan_approval import submit_plan

    only = approved(shop, "2", requested=monday.date() + timedelta(days=5))
    plan_order(actor=planner, order=only, now=monday)
    submission = submit_plan(actor=planner, order=only)
    preview = replan_preview(now=monday)
    assert preview.moved_operations == 0 and preview.returned_plans == []
    replan_everything(actor=planner, digest=preview.digest, now=monday)
    submission.refresh_from_db()
    assert submission.status == PlanSubmissionStatus.SUBMITTED
