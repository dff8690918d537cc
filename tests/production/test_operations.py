"""Shop-floor services on a real database: start, pause, resume, report quantities, complete; the work
order's and the order's moves; precedence; quantity limits; refusals that change nothing."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from orders.models import Order, OrderEvent, OrderStatus
from orders.services import transition_order
from planning.models import WorkOrder, WorkOrderEvent, WorkOrderOperation
from production.models import OperationLog
from production.services import (
    OperationRefused,
    complete_operation,
    operation_state,
    pause_operation,
    report_quantities,
    resume_operation,
    start_operation,
)
from tests.fixtures.factories import user_with_role

from .helpers import operations_of, released_order

pytestmark = pytest.mark.django_db


def fresh(operation):
    return WorkOrderOperation.objects.select_related("work_order").get(pk=operation.pk)


def snapshot(order):
    """Everything the shop-floor services may write, to prove a refusal wrote nothing."""
    ops = WorkOrderOperation.objects.filter(work_order__order=order).order_by("pk")
    return (
        list(ops.values_list("status", "good_quantity", "scrap_quantity", "started_at", "finished_at", "paused")),
        list(WorkOrder.objects.filter(order=order).order_by("pk").values_list("status", flat=True)),
        Order.objects.get(pk=order.pk).status,
        OperationLog.objects.count(), WorkOrderEvent.objects.count(), OrderEvent.objects.filter(order=order).count(),
    )


def run_operation(operator, op, good, scrap="0", reason=""):
    start_operation(actor=operator, operation=op)
    report_quantities(actor=operator, operation=op, good=good, scrap=scrap, scrap_reason=reason)
    return complete_operation(actor=operator, operation=op)


def test_order_goes_through_the_shop_floor_to_awaiting_qc(shop, operator):
    order = released_order(shop, plan_twice=True)  # two cancelled work orders stay behind
    assert WorkOrder.objects.filter(order=order, status="cancelled").count() == 2
    sub_op, first, second = operations_of(order)

    start_operation(actor=operator, operation=sub_op)
    sub_op = fresh(sub_op)
    assert (sub_op.status, sub_op.paused) == ("in_progress", False) and sub_op.started_at is not None
    assert sub_op.work_order.status == "in_progress"
    order.refresh_from_db()
    assert order.status == OrderStatus.IN_PRODUCTION
    assert list(order.events.filter(action="start_production").values_list(
        "from_status", "to_status", "actor")) == [("materials_ready", "in_production", operator.pk)]

    report_quantities(actor=operator, operation=sub_op, good="2")
    report_quantities(actor=operator, operation=sub_op, good="1", scrap="0")
    complete_operation(actor=operator, operation=sub_op)
    sub_op = fresh(sub_op)
    assert (sub_op.status, sub_op.good_quantity, sub_op.finished_at is not None) == ("done", Decimal("3"), True)
    assert sub_op.work_order.status == "done"
    assert Order.objects.get(pk=order.pk).status == OrderStatus.IN_PRODUCTION  # the top work order is open

    run_operation(operator, first, "3")
    assert Order.objects.get(pk=order.pk).status == OrderStatus.IN_PRODUCTION
    run_operation(operator, second, "2", scrap="1", reason="surface")

    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_QC
    assert list(order.events.filter(action="finish_production").values_list("from_status", "to_status")) == [
        ("in_production", "awaiting_qc")]
    assert set(WorkOrder.objects.filter(order=order).values_list("status", flat=True)) == {"done", "cancelled"}
    top = fresh(second).work_order
    assert list(top.events.order_by("id").values_list("action", "from_status", "to_status")) == [
        ("planned", "", "planned"), ("release", "planned", "released"), ("start", "released", "in_progress"),
        ("finish", "in_progress", "done")]
    assert list(OperationLog.objects.filter(operation=second).values_list(
        "action", "from_status", "to_status", "good_quantity", "scrap_quantity", "scrap_reason", "actor")) == [
        ("start", "released", "in_progress", 0, 0, "", operator.pk),
        ("report", "in_progress", "in_progress", 2, 1, "surface", operator.pk),
        ("complete", "in_progress", "done", 0, 0, "", operator.pk)]
    assert OperationLog.objects.filter(operation__work_order__order=order).count() == 3 + 4 + 3


def test_an_operation_waits_for_the_one_before_it_and_for_the_sub_assemblies(shop, operator):
    order = released_order(shop)
    sub_op, first, second = operations_of(order)
    before = snapshot(order)
    with pytest.raises(OperationRefused, match=r"sub-assemblies of WO-\d{4}-\d{5} must be done first: WO-"):
        start_operation(actor=operator, operation=first)
    with pytest.raises(OperationRefused, match=r"Operation 10 of WO-\d{4}-\d{5} must be done first \(it is released"):
        start_operation(actor=operator, operation=second)
    assert snapshot(order) == before

    start_operation(actor=operator, operation=sub_op)
    with pytest.raises(OperationRefused, match="sub-assemblies"):  # started is not done
        start_operation(actor=operator, operation=first)
    report_quantities(actor=operator, operation=sub_op, good="3")
    complete_operation(actor=operator, operation=sub_op)
    start_operation(actor=operator, operation=first)
    with pytest.raises(OperationRefused, match="must be done first .it is in progress"):
        start_operation(actor=operator, operation=second)


def test_nothing_starts_before_the_materials_are_ready(shop, operator):
    order = released_order(shop, materials_ready=False)
    sub_op, _first, _second = operations_of(order)
    before = snapshot(order)
    with pytest.raises(OperationRefused, match="materials are not ready"):
        start_operation(actor=operator, operation=sub_op)
    assert snapshot(order) == before


def test_an_order_on_hold_cannot_be_worked_on(shop, operator):
    order = released_order(shop)
    sub_op, _first, _second = operations_of(order)
    start_operation(actor=operator, operation=sub_op)
    transition_order(actor=user_with_role("order_desk"), order=order, action="hold", note="customer asked")
    before = snapshot(order)
    with pytest.raises(OperationRefused, match="On hold: its operations cannot be worked on now"):
        report_quantities(actor=operator, operation=sub_op, good="1")
    with pytest.raises(OperationRefused, match="On hold"):
        pause_operation(actor=operator, operation=sub_op)
    assert snapshot(order) == before


def test_pause_and_resume(shop, operator):
    order = released_order(shop)
    sub_op, _first, _second = operations_of(order)
    start_operation(actor=operator, operation=sub_op)
    pause_operation(actor=operator, operation=sub_op, note="lunch")
    assert fresh(sub_op).paused is True
    with pytest.raises(OperationRefused, match="already paused"):
        pause_operation(actor=operator, operation=sub_op)
    report_quantities(actor=operator, operation=sub_op, good="1")  # what was made before the break
    resume_operation(actor=operator, operation=sub_op)
    assert fresh(sub_op).paused is False
    with pytest.raises(OperationRefused, match="is not paused"):
        resume_operation(actor=operator, operation=sub_op)
    assert list(OperationLog.objects.filter(operation=sub_op).values_list("action", "note")) == [
        ("start", ""), ("pause", "lunch"), ("report", ""), ("resume", "")]


def test_pause_report_and_complete_need_a_started_operation(shop, operator):
    order = released_order(shop)
    sub_op, _first, _second = operations_of(order)
    before = snapshot(order)
    for action in (pause_operation, resume_operation, complete_operation):
        with pytest.raises(OperationRefused, match="is released, not in progress"):
            action(actor=operator, operation=sub_op)
    with pytest.raises(OperationRefused, match="not in progress"):
        report_quantities(actor=operator, operation=sub_op, good="1")
    assert snapshot(order) == before


@pytest.mark.parametrize(("good", "scrap", "reason", "note", "message"), [
    ("4", "0", "", "", r"Only 3 more can be reported .* quantity is 3 and 0 good and 0 scrap"),
    ("2", "2", "surface", "", "Only 3 more can be reported"),
    ("-1", "0", "", "", "Good quantity cannot be negative"),
    ("0", "-2", "", "", "Scrap quantity cannot be negative"),
    ("0", "0", "", "", r"Enter the good or the scrap quantity \(more than 0\)"),
    ("", "", "", "", "Enter the good or the scrap quantity"),
    ("abc", "0", "", "", "Good quantity must be a number"),
    ("1", "x1", "", "", "Scrap quantity must be a number"),
    ("NaN", "0", "", "", "Good quantity must be a number"),
    ("Infinity", "0", "", "", "Good quantity must be a number"),
    ("1.5", "0", "", "", "counted in whole pieces"),
    ("1", "1", "", "", "Choose the reason for the scrap"),
    ("1", "1", "no-such-reason", "", "Choose the reason for the scrap"),
    ("1", "1", "other", "  ", "Describe the reason for the scrap"),
])
def test_bad_quantities_are_refused_and_nothing_is_written(shop, operator, good, scrap, reason, note, message):
    order = released_order(shop)
    sub_op, _first, _second = operations_of(order)
    start_operation(actor=operator, operation=sub_op)
    before = snapshot(order)
    with pytest.raises(ValidationError, match=message):
        report_quantities(actor=operator, operation=sub_op, good=good, scrap=scrap, scrap_reason=reason, note=note)
    assert snapshot(order) == before


def test_reported_quantities_add_up_to_at_most_the_operation_quantity(shop, operator):
    order = released_order(shop, quantity="5")
    sub_op, _first, _second = operations_of(order)
    start_operation(actor=operator, operation=sub_op)
    report_quantities(actor=operator, operation=sub_op, good="3")
    report_quantities(actor=operator, operation=sub_op, scrap="1", scrap_reason="other", note="dropped")
    before = snapshot(order)
    with pytest.raises(ValidationError, match=r"Only 1 more can be reported .* 3 good and 1 scrap"):
        report_quantities(actor=operator, operation=sub_op, good="2")
    assert snapshot(order) == before
    report_quantities(actor=operator, operation=sub_op, good="1")
    op = fresh(sub_op)
    assert (op.good_quantity, op.scrap_quantity) == (Decimal("4"), Decimal("1"))
    with pytest.raises(ValidationError, match="Only 0 more"):
        report_quantities(actor=operator, operation=sub_op, good="1")


def test_a_reason_given_without_scrap_is_not_recorded(shop, operator):
    order = released_order(shop)
    sub_op, _first, _second = operations_of(order)
    start_operation(actor=operator, operation=sub_op)
    report_quantities(actor=operator, operation=sub_op, good="1", scrap="0", scrap_reason="surface")
    assert OperationLog.objects.get(operation=sub_op, action="report").scrap_reason == ""


def test_complete_needs_reported_quantities_and_happens_once(shop, operator):
    order = released_order(shop)
    sub_op, _first, _second = operations_of(order)
    start_operation(actor=operator, operation=sub_op)
    with pytest.raises(OperationRefused, match="Report the good and scrap quantities"):
        complete_operation(actor=operator, operation=sub_op)
    report_quantities(actor=operator, operation=sub_op, scrap="3", scrap_reason="material_defect")
    complete_operation(actor=operator, operation=sub_op)  # all scrapped is still complete
    before = snapshot(order)
    with pytest.raises(OperationRefused, match="already done"):
        complete_operation(actor=operator, operation=sub_op)
    with pytest.raises(OperationRefused, match="already done"):
        start_operation(actor=operator, operation=sub_op)
    assert snapshot(order) == before


def test_a_stale_tablet_is_told_the_operation_changed(shop, operator):
    order = released_order(shop)
    sub_op, _first, _second = operations_of(order)
    seen = operation_state(fresh(sub_op))
    start_operation(actor=operator, operation=sub_op, expected_state=seen)
    before = snapshot(order)
    # The other tablet still shows "released": its Start is not a second start.
    with pytest.raises(OperationRefused, match=r"changed by someone else meanwhile \(it is now in progress\)"):
        start_operation(actor=operator, operation=sub_op, expected_state=seen)
    seen = operation_state(fresh(sub_op))
    report_quantities(actor=operator, operation=sub_op, good="1", expected_state=seen)
    with pytest.raises(OperationRefused, match="changed by someone else"):  # the same report sent again
        report_quantities(actor=operator, operation=sub_op, good="1", expected_state=seen)
    assert fresh(sub_op).good_quantity == Decimal("1")
    assert snapshot(order)[3] == before[3] + 1


def test_a_cancelled_operation_is_refused(shop, operator):
    order = released_order(shop)
    sub_op, _first, _second = operations_of(order)
    WorkOrderOperation.objects.filter(pk=sub_op.pk).update(status="cancelled")
    before = snapshot(order)
    for action in (start_operation, pause_operation, complete_operation):
        with pytest.raises(OperationRefused, match="was cancelled; nothing can be done on it"):
            action(actor=operator, operation=sub_op)
    with pytest.raises(OperationRefused, match="was cancelled"):
        report_quantities(actor=operator, operation=sub_op, good="1")
    assert snapshot(order) == before


def test_an_operation_of_a_plan_not_yet_released_cannot_start(shop, operator):
    order = released_order(shop)
    sub_op, _first, _second = operations_of(order)
    WorkOrderOperation.objects.filter(pk=sub_op.pk).update(status="planned")
    with pytest.raises(OperationRefused, match="not released yet"):
        start_operation(actor=operator, operation=sub_op)


@pytest.mark.parametrize("role", ["sales", "order_desk", "planner", "warehouse", "qc", "shipping", "manager"])
def test_only_production_may_act_on_operations(shop, operator, role):
    order = released_order(shop)
    sub_op, _first, _second = operations_of(order)
    other = user_with_role(role)
    with pytest.raises(PermissionDenied):
        start_operation(actor=other, operation=sub_op)
    start_operation(actor=operator, operation=sub_op)
    before = snapshot(order)
    for action in (pause_operation, resume_operation, complete_operation):
        with pytest.raises(PermissionDenied):
            action(actor=other, operation=sub_op)
    with pytest.raises(PermissionDenied):
        report_quantities(actor=other, operation=sub_op, good="1")
    assert snapshot(order) == before


def test_an_admin_may_act_too(shop):
    order = released_order(shop)
    sub_op, _first, _second = operations_of(order)
    start_operation(actor=user_with_role("admin"), operation=sub_op)
    assert fresh(sub_op).status == "in_progress"
