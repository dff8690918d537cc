"""Decisions on delays (seed 003: 制程异常耽误交期 → 总经办批示 → 分发通知经营课) through the real services: a
process exception on a rush order → a decision request with each option's impact → the general manager
decides → alerts to the business office and the planners → carried out (new promised date with its order
event, overtime on the calendar, an outsourced operation on the work order, resequencing); every bad
input refused with nothing written; the pages and the home page section."""

from datetime import time
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from alerts import subjects
from alerts.models import Alert, AlertRecipient
from orders.models import Order, OrderEvent
from planning.models import CalendarException, WorkOrderEvent, WorkOrderOperation
from production.exception_reports import report_exception
from rush import decisions
from rush.models import DecisionStatus, DelayDecision, DelayDecisionEvent
from tests.inventory.materialdata import make_supplier

from .setup import build_shop, in_days, planned_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(role_users):
    return role_users


@pytest.fixture
def rush_case(people):
    """A rush order R (8 hours on CUT, released) due in 5 days, a normal order N, and a process exception on
    R's operation."""
    shop = build_shop()
    r = planned_order(shop, people["planner"], "8", days=5, username="sales-r")
    Order.objects.filter(pk=r.pk).update(priority="rush", rush_reason="客户停线", promised_date=in_days(5))
    n = planned_order(shop, people["planner"], "4", days=9, username="sales-n")
    operation = WorkOrderOperation.objects.get(work_order__order=r)
    report = report_exception(actor=people["production"], type="machine_breakdown", work_center=shop["cut"],
                              description="主轴异响 spindle noise", operation=operation)
    return {"shop": shop, "r": Order.objects.get(pk=r.pk), "n": n, "report": report, "operation": operation,
            "supplier": make_supplier("OUT1", name="外协厂 Outside Works")}


def ask(people, case, **kwargs):
    values = {"situation": "CUT 停机两天 two days down",
              "overtime": (case["shop"]["cut"], in_days(1), time(22, 0), time(23, 30)),
              "outsource": (case["operation"], case["supplier"], Decimal("1800.00"), "CNY"),
              "proposed_date": in_days(8)}
    values.update(kwargs)
    return decisions.request_delay_decision(actor=people["planner"], order=case["r"],
                                            exception_report=case["report"], **values)


def state():
    return (DelayDecision.objects.count(), DelayDecisionEvent.objects.count(),
            Alert.objects.filter(kind__startswith="delay_").count(), CalendarException.objects.count(),
            list(Order.objects.order_by("pk").values_list("promised_date", flat=True)),
            WorkOrderEvent.objects.filter(action="outsourced").count())


def test_a_request_lists_every_option_with_its_impact_and_asks_the_general_manager(people, rush_case):
    decision = ask(people, rush_case)
    assert decision.number.startswith("GD-") and decision.status == DecisionStatus.PENDING
    options = {o["option"]: o for o in decision.facts["options"]}
    assert set(options) == {"resequence", "overtime", "outsource", "new_date"}
    finish = decision.facts["finish"]
    # Overtime saves the 90 minutes of the window (the order has 8 hours on CUT); outsourcing the whole
    # operation saves its planned time; the new date is the one proposed.
    assert options["overtime"]["finish"] < finish and options["outsource"]["finish"] < options["overtime"]["finish"]
    assert options["new_date"]["date"] == in_days(8).isoformat()
    assert options["resequence"]["date"] is not None and options["resequence"]["moved_orders"] is not None
    alert = Alert.objects.get(kind="delay_decision_requested")
    assert alert.roles == ["general_manager"] and alert.params["order"] == rush_case["r"].number
    assert set(alert.recipients.values_list("user__username", flat=True)) >= {"general_manager"}
    assert list(decision.events.values_list("action", flat=True)) == ["requested"]


@pytest.mark.parametrize(("change", "message"), [
    ({"situation": "  "}, "Describe the situation"),
    ({"proposed_date": in_days(-1)}, "is in the past"),
    ({"overtime": (None, in_days(1), time(22, 0), None)}, "For overtime"),
    ({"overtime": ("cut", in_days(-2), time(22, 0), time(23, 0))}, "is in the past"),
    ({"overtime": ("cut", in_days(1), time(22, 0), time(22, 0))}, "must differ from the start"),
    ({"outsource": ("op", None, Decimal("1"), "CNY")}, "For outsourcing"),
    ({"outsource": ("op", "supplier", None, "CNY")}, "the supplier's price"),
    ({"outsource": ("op", "supplier", Decimal("-5"), "CNY")}, "positive amount"),
    ({"outsource": ("op", "supplier", Decimal("1.234"), "CNY")}, "at most 2 decimals"),
])
def test_bad_requests_are_refused_and_nothing_is_written(people, rush_case, change, message):
    for key, value in change.items():
        if isinstance(value, tuple):
            named = {"cut": rush_case["shop"]["cut"], "op": rush_case["operation"], "supplier": rush_case["supplier"]}
            value = tuple(named.get(v, v) if isinstance(v, str) else v for v in value)
        change[key] = value
    before = state()
    with pytest.raises(ValidationError) as refused:
        ask(people, rush_case, **change)
    assert message in " ".join(refused.value.messages)
    assert state() == before


def test_a_normal_order_another_orders_operation_and_a_second_request_are_refused(people, rush_case):
    before = state()
    with pytest.raises(ValidationError, match="does not affect"):
        decisions.request_delay_decision(actor=people["planner"], order=rush_case["n"], situation="x",
                                         exception_report=rush_case["report"])
    other = WorkOrderOperation.objects.get(work_order__order=rush_case["n"])
    with pytest.raises(ValidationError, match="is not open work of order"):
        ask(people, rush_case, outsource=(other, rush_case["supplier"], Decimal("10"), "CNY"))
    with pytest.raises(PermissionDenied):
        decisions.request_delay_decision(actor=people["sales"], order=rush_case["r"], situation="x",
                                         exception_report=rush_case["report"])
    assert state() == before
    ask(people, rush_case)
    with pytest.raises(ValidationError, match="pending already"):
        ask(people, rush_case)
    assert DelayDecision.objects.count() == 1


def test_accepting_a_new_date_changes_the_promise_records_the_event_and_tells_sales_and_planners(
        people, rush_case):
    decision = ask(people, rush_case)
    asked = Alert.objects.get(kind="delay_decision_requested")
    assert subjects.settled(asked) is None
    decided = decisions.decide_delay(actor=people["general_manager"], decision=decision, option="new_date",
                                     reason="客户同意延期 customer agrees")
    assert subjects.settled(asked) == ("%(number)s was decided.", {"number": decision.number})
    assert decided.status == DecisionStatus.DECIDED and decided.decided_by == people["general_manager"]
    order = Order.objects.get(pk=rush_case["r"].pk)
    assert order.promised_date == in_days(8)
    event = OrderEvent.objects.get(order=order, action="promised_date_changed")
    assert decision.number in event.get_note_display() and event.actor == people["general_manager"]
    assert list(decided.events.values_list("action", flat=True)) == ["requested", "decided", "carried_out"]
    alert = Alert.objects.get(kind="delay_decided")
    assert set(alert.roles) >= {"sales", "order_desk", "planner"}
    told = set(AlertRecipient.objects.filter(alert=alert).values_list("user__username", flat=True))
    assert {"sales", "order_desk", "planner", "sales-r"} <= told
    # Decided once only.
    with pytest.raises(ValidationError, match="decided already"):
        decisions.decide_delay(actor=people["general_manager"], decision=decision, option="overtime", reason="x")


def test_overtime_goes_on_the_work_centers_calendar(people, rush_case):
    decision = ask(people, rush_case)
    decisions.decide_delay(actor=people["general_manager"], decision=decision, option="overtime", reason="加班")
    overtime = CalendarException.objects.get(kind="overtime")
    assert (overtime.calendar, overtime.date, overtime.start, overtime.end) == (
        rush_case["shop"]["cut"].calendar, in_days(1), time(22, 0), time(23, 30))
    assert decision.number in overtime.note
    assert Order.objects.get(pk=rush_case["r"].pk).promised_date == in_days(5)


def test_outsourcing_is_recorded_on_the_work_order(people, rush_case):
    decision = ask(people, rush_case)
    decisions.decide_delay(actor=people["general_manager"], decision=decision, option="outsource",
                           reason="外协 outside works")
    event = WorkOrderEvent.objects.get(action="outsourced")
    assert event.work_order == rush_case["operation"].work_order
    assert "外协厂 Outside Works" in event.get_note_display() and decision.number in event.get_note_display()
    assert "1,800.00 CNY" in event.get_note_display()
    assert (decision.outsource_cost, decision.outsource_currency) == (Decimal("1800.00"), "CNY")


def test_bad_decisions_are_refused_and_nothing_is_written(people, rush_case):
    decision = ask(people, rush_case, overtime=None, outsource=None)
    before = state()
    for option, reason, error in (("overtime", "x", "was not offered"), ("new_date", " ", "Give the reason"),
                                  ("teleport", "x", "Choose one of the options")):
        with pytest.raises(ValidationError, match=error):
            decisions.decide_delay(actor=people["general_manager"], decision=decision, option=option, reason=reason)
    with pytest.raises(PermissionDenied):
        decisions.decide_delay(actor=people["manager"], decision=decision, option="new_date", reason="x")
    assert state() == before
    assert DelayDecision.objects.get(pk=decision.pk).status == DecisionStatus.PENDING


def test_the_pages_the_home_section_and_the_exception_fragment(people, rush_case, client):
    decision = ask(people, rush_case)
    client.force_login(people["general_manager"])
    home = client.get(reverse("rush:home_decisions")).content.decode()
    assert decision.number in home and rush_case["r"].number in home
    page = client.get(reverse("rush:decision_detail", args=[decision.pk])).content.decode()
    assert 'data-testid="decide-form"' in page and "Accept a new date" in page
    # A bad decision on the page: the message shows and nothing changes.
    response = client.post(reverse("rush:decision_decide", args=[decision.pk]), {"option": "new_date", "reason": ""})
    assert "Give the reason for the decision." in response.content.decode()
    assert DelayDecision.objects.get(pk=decision.pk).status == DecisionStatus.PENDING
    response = client.post(reverse("rush:decision_decide", args=[decision.pk]),
                           {"option": "new_date", "reason": "客户同意"})
    assert response.status_code == 302
    client.force_login(people["planner"])
    fragment = client.get(reverse("rush:source_decisions", args=["exception", rush_case["report"].pk])).content
    assert decision.number.encode() in fragment
    # The request form refuses bad input on the page and writes nothing.
    url = reverse("rush:decision_request", args=[rush_case["r"].pk]) + f"?exception={rush_case['report'].pk}"
    response = client.post(url, {"situation": ""})
    assert "Describe the situation" in response.content.decode() and DelayDecision.objects.count() == 1
    client.force_login(people["sales"])
    assert client.get(reverse("rush:decision_detail", args=[decision.pk])).status_code == 200
    assert client.post(reverse("rush:decision_decide", args=[decision.pk]),
                       {"option": "new_date", "reason": "x"}).status_code == 403
