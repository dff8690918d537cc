"""Process exception reports through the services: numbers, affected operations and orders, alerts for the
right roles, at-risk set and cleared, a breakdown that takes the work center down and reschedules, the
status flow with its events, refusals and permissions."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from alerts.models import Alert, AlertRecipient
from orders.models import Order, OrderEvent
from planning.models import WorkCenter, WorkOrderOperation
from planning.plans import plan_order
from production.exception_reports import acknowledge_exception, report_exception, resolve_exception
from production.models import ExceptionEvent, ExceptionReport
from production.services import complete_operation, report_quantities, start_operation
from tests.fixtures.factories import user_with_role
from tests.inventory.masterdata import make_work_center
from tests.planning.test_work_orders import approved_order, next_monday

from .helpers import operations_of, released_order

pytestmark = pytest.mark.django_db


def nothing_reported():
    return (ExceptionReport.objects.count(), Alert.objects.count(), Order.objects.filter(at_risk=True).count(),
            OrderEvent.objects.filter(action="at_risk").count())


def test_report_on_an_operation_links_it_alerts_supervisor_and_planner_and_marks_the_order(shop, operator,
                                                                                           role_users):
    order = released_order(shop)
    sub_op, _first, _second = operations_of(order)
    report = report_exception(actor=operator, type="tooling", severity="high", operation=sub_op,
                              description="Cutter insert broken")

    assert re.fullmatch(r"EX-\d{4}-\d{5}", report.number)
    assert (report.work_center, report.status, report.reported_by) == (shop["cut"], "open", operator)
    assert list(report.affected_operations.all()) == [sub_op]
    assert list(report.affected_orders.all()) == [order]
    order.refresh_from_db()
    assert order.at_risk and order.at_risk_since == report.reported_at
    reason = order.get_at_risk_reason_display()
    assert report.number in reason and "Cutter insert broken" in reason
    assert list(order.events.filter(action="at_risk").values_list("actor", "from_status", "to_status")) == [
        (operator.pk, "materials_ready", "materials_ready")]
    assert list(report.events.values_list("action", "to_status", "actor")) == [("reported", "open", operator.pk)]

    alert = Alert.objects.get(kind="process_exception")
    assert alert.rendered_subject() == f"Tooling problem at CUT ({report.number})"
    assert alert.severity == "high" and alert.link == f"/production/exceptions/{report.pk}/"
    told = set(AlertRecipient.objects.filter(alert=alert).values_list("user__username", flat=True))
    assert {"production", "planner"} <= told
    assert not told & {"sales", "order_desk", "warehouse", "qc", "shipping"}
    # a high-severity exception goes to the manager on any order (default rule, alerts.defaults)
    assert AlertRecipient.objects.get(alert=alert, user__username="manager").level == 1


def test_report_on_a_work_center_finds_the_operations_of_the_next_24_hours(shop, operator):
    monday = next_monday()
    order = released_order(shop)
    other_center = make_work_center("PACK")
    later = released_order(shop)  # scheduled after the first order, still on Monday
    report = report_exception(actor=operator, type="material_shortage", work_center=shop["cut"],
                              description="No steel sheets at the machine", now=monday - timedelta(hours=1))
    # The later order's last operation runs on Tuesday 08:00, after the 24 hours from Monday 07:00.
    tuesday_op = WorkOrderOperation.objects.get(work_order__order=later, work_order__status="released",
                                                planned_start__gte=monday + timedelta(days=1))
    assert set(report.affected_operations.all()) == set(WorkOrderOperation.objects.filter(
        work_order__order__in=[order, later], work_order__status="released").exclude(pk=tuesday_op.pk))
    assert set(report.affected_orders.all()) == {order, later}
    assert not report_exception(actor=operator, type="other", work_center=other_center, description="Nothing here",
                                now=monday).affected_orders.exists()
    # A day later nothing is planned any more on CUT in the next 24 hours.
    quiet = report_exception(actor=operator, type="other", work_center=shop["cut"], description="Noise",
                             now=monday + timedelta(days=3))
    assert not quiet.affected_operations.exists()


def test_breakdown_takes_the_work_center_down_and_moves_planned_work_after_it(shop, operator):
    monday = next_monday()
    released = released_order(shop)  # S 08:00–11:00, F/10 11:00–12:00, F/20 12:00–13:00 on Monday, released
    released_times = list(WorkOrderOperation.objects.filter(work_order__order=released).order_by("pk")
                          .values_list("planned_start", "planned_end"))
    waiting = approved_order(shop)
    plan_order(actor=user_with_role("planner"), order=waiting, now=monday)  # planned, not released: after 13:00
    waiting_ops = WorkOrderOperation.objects.filter(work_order__order=waiting, work_order__status="planned")
    assert min(waiting_ops.values_list("planned_start", flat=True)) == monday.replace(hour=13)

    down_until = monday.replace(hour=15)
    report = report_exception(actor=operator, type="machine_breakdown", severity="critical", work_center=shop["cut"],
                              description="Hydraulic leak", down_until=down_until, now=monday)

    assert WorkCenter.objects.get(pk=shop["cut"].pk).down_until == down_until
    assert report.down_until == down_until
    # Planned work moves to after the outage; released work keeps its place (the scheduler's rule).
    assert min(waiting_ops.values_list("planned_start", flat=True)) == down_until
    assert list(WorkOrderOperation.objects.filter(work_order__order=released).order_by("pk")
                .values_list("planned_start", "planned_end")) == released_times
    assert set(report.affected_orders.all()) == {released, waiting}
    assert Alert.objects.get(kind="process_exception").severity == "critical"

    # Fixed early: resolving brings the work center back now and the planned work moves forward again.
    resolve_exception(actor=user_with_role("planner"), report=report, action_taken="Seal replaced",
                      now=monday.replace(hour=10))
    assert WorkCenter.objects.get(pk=shop["cut"].pk).down_until is None
    assert min(waiting_ops.values_list("planned_start", flat=True)) == monday.replace(hour=13)
    assert list(report.events.values_list("action", flat=True)) == ["reported", "resolved", "work_center_back"]


def test_a_later_down_until_already_set_is_kept(shop, operator):
    monday = next_monday()
    released_order(shop)
    report_exception(actor=operator, type="machine_breakdown", work_center=shop["cut"], description="Motor",
                     down_until=monday.replace(hour=18), now=monday)
    report_exception(actor=operator, type="machine_breakdown", work_center=shop["cut"], description="Also a fuse",
                     down_until=monday.replace(hour=12), now=monday)
    assert WorkCenter.objects.get(pk=shop["cut"].pk).down_until == monday.replace(hour=18)


def test_status_flow_and_at_risk_cleared_only_when_no_other_report_is_open(shop, operator):
    order = released_order(shop)
    sub_op, first, _second = operations_of(order)
    planner, manager = user_with_role("planner"), user_with_role("manager")
    one = report_exception(actor=operator, type="quality_problem", operation=sub_op, description="Burrs")
    two = report_exception(actor=operator, type="tooling", operation=first, description="Jig worn")

    acknowledge_exception(actor=manager, report=one, note="on my way", expected_status="open")
    with pytest.raises(ValidationError, match="only an open report is acknowledged"):
        acknowledge_exception(actor=planner, report=one)
    with pytest.raises(ValidationError, match="changed by someone else meanwhile"):
        resolve_exception(actor=planner, report=one, action_taken="x", expected_status="open")
    with pytest.raises(ValidationError, match="Describe the action taken"):
        resolve_exception(actor=planner, report=one, action_taken="  ")
    resolve_exception(actor=planner, report=one, action_taken="Deburred the batch")
    one.refresh_from_db()
    assert (one.status, one.action_taken, one.resolved_by) == ("resolved", "Deburred the batch", planner)
    assert list(one.events.values_list("action", "from_status", "to_status", "actor", "note")) == [
        ("reported", "", "open", operator.pk, "Burrs"),
        ("acknowledged", "open", "acknowledged", manager.pk, "on my way"),
        ("resolved", "acknowledged", "resolved", planner.pk, "Deburred the batch")]
    with pytest.raises(ValidationError, match="already resolved"):
        resolve_exception(actor=planner, report=one, action_taken="again")

    order.refresh_from_db()
    assert order.at_risk  # the second report is still open
    resolve_exception(actor=operator, report=two, action_taken="New jig")
    order.refresh_from_db()
    assert (order.at_risk, order.get_at_risk_reason_display(), order.at_risk_since) == (False, "", None)
    assert list(order.events.filter(action__startswith="at_risk").values_list("action", flat=True)) == [
        "at_risk", "at_risk", "at_risk_cleared"]


def test_the_events_are_append_only(shop, operator):
    order = released_order(shop)
    report = report_exception(actor=operator, type="other", operation=operations_of(order)[0], description="x")
    event = report.events.get()
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        ExceptionEvent.objects.filter(pk=event.pk).update(note="changed")
    with pytest.raises(ValidationError):
        ExceptionEvent.objects.filter(pk=event.pk).delete()


@pytest.mark.parametrize(("options", "message"), [
    ({"type": "tooling", "description": "  "}, "Describe the problem"),
    ({"type": "nonsense", "description": "x"}, "Choose the type of problem"),
    ({"type": "tooling", "description": "x", "severity": "apocalyptic"}, "Choose the severity"),
    ({"type": "tooling", "description": "x", "down_until": "+2h"}, "Only a machine breakdown takes"),
    ({"type": "machine_breakdown", "description": "x", "down_until": "-1h"}, "must be in the future"),
    ({"type": "machine_breakdown", "description": "x", "down_until": "+31d"}, "at most 30 days ahead"),
    ({"type": "tooling", "description": "x", "work_center": None}, "Choose the work center"),
])
def test_bad_reports_are_refused_and_nothing_is_written(shop, operator, options, message):
    released_order(shop)
    monday = next_monday()
    options = {"work_center": shop["cut"], **options}
    if "down_until" in options:
        amount, unit = int(options["down_until"][:-1]), options["down_until"][-1]
        options["down_until"] = monday + (timedelta(hours=amount) if unit == "h" else timedelta(days=amount))
    before = nothing_reported()
    with pytest.raises(ValidationError, match=message):
        report_exception(actor=operator, now=monday, **options)
    assert nothing_reported() == before
    assert WorkCenter.objects.get(pk=shop["cut"].pk).down_until is None


def test_a_done_operation_or_one_on_another_work_center_is_refused(shop, operator):
    order = released_order(shop)
    sub_op, _first, _second = operations_of(order)
    start_operation(actor=operator, operation=sub_op)
    report_quantities(actor=operator, operation=sub_op, good="3")
    complete_operation(actor=operator, operation=sub_op)
    before = nothing_reported()
    with pytest.raises(ValidationError, match="is done; report the problem on the work center instead"):
        report_exception(actor=operator, type="tooling", operation=sub_op, description="x")
    _sub, first, _second = operations_of(order)
    with pytest.raises(ValidationError, match="planned on CUT, not on the chosen work center"):
        report_exception(actor=operator, type="tooling", operation=first, work_center=make_work_center("OTHER"),
                         description="x")
    assert nothing_reported() == before


@pytest.mark.parametrize("role", ["sales", "order_desk", "planner", "warehouse", "qc", "shipping", "manager"])
def test_only_production_reports(shop, role):
    released_order(shop)
    with pytest.raises(PermissionDenied):
        report_exception(actor=user_with_role(role), type="other", work_center=shop["cut"], description="x")
    assert not ExceptionReport.objects.exists()


@pytest.mark.parametrize(("role", "allowed"), [
    ("production", True), ("planner", True), ("manager", True), ("admin", True),
    ("sales", False), ("order_desk", False), ("warehouse", False), ("qc", False), ("shipping", False),
])
def test_who_acknowledges_and_resolves(shop, operator, role, allowed):
    report = report_exception(actor=operator, type="other", work_center=shop["cut"], description="x")
    actor = user_with_role(role)
    if allowed:
        acknowledge_exception(actor=actor, report=report)
        resolve_exception(actor=actor, report=report, action_taken="done")
        assert ExceptionReport.objects.get(pk=report.pk).status == "resolved"
    else:
        with pytest.raises(PermissionDenied):
            acknowledge_exception(actor=actor, report=report)
        with pytest.raises(PermissionDenied):
            resolve_exception(actor=actor, report=report, action_taken="done")
        assert ExceptionReport.objects.get(pk=report.pk).status == "open"


def test_numbers_count_up(shop, operator):
    first = report_exception(actor=operator, type="other", work_center=shop["cut"], description="a")
    second = report_exception(actor=operator, type="other", work_center=shop["cut"], description="b")
    assert int(second.number[-5:]) == int(first.number[-5:]) + 1
