"""Decision requests raised automatically (seed 003: 如因制程异常耽误交期,生产办必须立即书面向总经办申请批示): the
beat task rush.tasks.raise_delay_decisions, through the real services on PostgreSQL. A process exception or an
approved material delay whose new date/estimate falls after a rush order's promised date raises one decision
request to the general manager's office with its options and their impact — once per cause, however often the
task runs, and never again for a cause a person asked about; nothing for a cause that does not threaten the
date, a pending or rejected delay, or a normal order."""

from datetime import datetime, time, timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from django.utils.translation import override

from alerts.models import Alert
from inventory.material_delays import approve_material_delay, record_material_delay, reject_material_delay
from orders.models import Order
from planning.models import WorkOrderOperation
from production.exception_reports import report_exception
from rush import decisions
from rush.models import DecisionStatus, DelayDecision
from rush.tasks import raise_delay_decisions

from .setup import build_shop, in_days, planned_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(role_users):
    shop = build_shop()
    rush = planned_order(shop, role_users["planner"], "8", days=5, username="sales-auto")
    Order.objects.filter(pk=rush.pk).update(priority="rush", rush_reason="客户停线", promised_date=in_days(5))
    return {"shop": shop, "rush": Order.objects.get(pk=rush.pk),
            "operation": WorkOrderOperation.objects.get(work_order__order=rush)}


def breakdown(people, case, *, days):
    until = timezone.make_aware(datetime.combine(in_days(days), time(12, 0)))
    return report_exception(actor=people["production"], type="machine_breakdown", work_center=case["shop"]["cut"],
                            description="主轴断裂 spindle broken", operation=case["operation"], down_until=until)


def material_delay(people, case, *, days, approve=True):
    delay = record_material_delay(actor=people["warehouse"], item=case["shop"]["finished"],
                                  new_expected_date=in_days(days), reason="供应商停电")
    delay.affected_orders.add(case["rush"])
    if approve:
        approve_material_delay(actor=people["planner"], delay=delay, reason="同意")
    return delay


def test_a_breakdown_past_the_promised_date_raises_one_decision_with_its_options(role_users, case):
    report = breakdown(role_users, case, days=8)
    raised = raise_delay_decisions()["raised"]
    decision = DelayDecision.objects.get()
    assert raised == [decision.number]
    assert decision.requested_by is None and decision.raised_automatically
    assert decision.exception_report == report and decision.order == case["rush"]
    assert decision.status == DecisionStatus.PENDING
    options = {o["option"]: o for o in decision.facts["options"]}
    assert set(options) == {"resequence", "new_date"}
    new_day = options["new_date"]["date"]
    assert new_day > in_days(5).isoformat() and decision.proposed_date.isoformat() == new_day
    with override("zh-hans"):
        situation = decision.get_situation_display()
    assert report.number in situation and "主轴断裂" in situation and "急单" in situation
    with override("en"):
        assert "after its promised date" in decision.get_situation_display()
    event = decision.events.get()
    assert event.action == "raised" and event.actor is None
    alert = Alert.objects.get(kind="delay_decision_requested")
    assert role_users["general_manager"].pk in set(alert.recipients.values_list("user", flat=True))
    # Once per cause: again, and after the decision, nothing more.
    assert raise_delay_decisions()["raised"] == []
    decisions.decide_delay(actor=role_users["general_manager"], decision=decision, option="new_date",
                           reason="客户同意")
    assert decisions.raise_threatened_decisions() == [] and DelayDecision.objects.count() == 1


def test_an_exception_that_leaves_the_date_alone_raises_nothing(role_users, case):
    report_exception(actor=role_users["production"], type="tooling", work_center=case["shop"]["cut"],
                     description="刀具磨损", operation=case["operation"])
    assert raise_delay_decisions()["raised"] == [] and not DelayDecision.objects.exists()


def test_an_approved_material_delay_past_the_date_raises_once_pending_or_rejected_ones_do_not(role_users, case):
    pending = material_delay(role_users, case, days=9, approve=False)
    assert decisions.raise_threatened_decisions() == []
    reject_material_delay(actor=role_users["planner"], delay=pending, reason="不接受")
    early = material_delay(role_users, case, days=3)  # before the promised date: no threat
    assert decisions.raise_threatened_decisions() == []
    late = material_delay(role_users, case, days=9)
    (number,) = decisions.raise_threatened_decisions()
    decision = DelayDecision.objects.get(number=number)
    assert decision.material_delay == late and decision.proposed_date == in_days(9)
    assert late.number in str(decision.get_situation_display())
    assert decisions.raise_threatened_decisions() == []
    assert not DelayDecision.objects.filter(material_delay__in=[pending, early]).exists()


def test_a_cause_a_person_asked_about_and_a_normal_order_raise_nothing(role_users, case):
    report = breakdown(role_users, case, days=8)
    asked = decisions.request_delay_decision(actor=role_users["planner"], order=case["rush"], situation="停机",
                                             exception_report=report, proposed_date=in_days(9))
    decisions.decide_delay(actor=role_users["general_manager"], decision=asked, option="new_date", reason="同意")
    assert decisions.raise_threatened_decisions() == [] and DelayDecision.objects.count() == 1
    Order.objects.filter(pk=case["rush"].pk).update(priority="normal", promised_date=in_days(5))
    breakdown(role_users, case, days=9)
    assert decisions.raise_threatened_decisions() == [] and DelayDecision.objects.count() == 1


def test_a_second_cause_waits_while_a_decision_is_pending(role_users, case):
    breakdown(role_users, case, days=8)
    assert len(decisions.raise_threatened_decisions()) == 1
    material_delay(role_users, case, days=9)
    assert decisions.raise_threatened_decisions() == []  # one decision at a time
    decisions.decide_delay(actor=role_users["general_manager"], decision=DelayDecision.objects.get(),
                           option="resequence", reason="先排")
    assert len(decisions.raise_threatened_decisions()) == 1  # the delay still threatens the date
    assert timezone.is_aware(DelayDecision.objects.latest("pk").requested_at) and settings.USE_TZ
    assert DelayDecision.objects.latest("pk").requested_at <= timezone.now() + timedelta(seconds=1)
