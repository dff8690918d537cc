"""Shop-floor races on PostgreSQL with real, separate connections: two tablets completing (or starting)
the same operation at the same moment, and two operators starting the first operations of two work
orders of one order at once."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from orders.models import Order, OrderStatus
from planning.models import WorkOrderOperation
from production.exception_reports import report_exception
from production.models import ExceptionReport, OperationLog
from production.services import OperationRefused, complete_operation, report_quantities, start_operation
from tests.fixtures.concurrency import run_together
from tests.fixtures.factories import ProductFactory, make_order, user_with_role
from tests.inventory.masterdata import made_item, make_routing

from .helpers import build_shop, operations_of, released_order

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("postgres_only")]


def test_complete_from_two_tablets_at_once_completes_once():
    shop, first_operator, second_operator = build_shop(), user_with_role("production"), user_with_role("production")
    order = released_order(shop)
    sub_op, _first, _second = operations_of(order)
    start_operation(actor=first_operator, operation=sub_op)
    report_quantities(actor=first_operator, operation=sub_op, good="3")

    results = run_together(lambda: complete_operation(actor=first_operator, operation=sub_op),
                           lambda: complete_operation(actor=second_operator, operation=sub_op))

    assert sum(isinstance(r, WorkOrderOperation) for r in results) == 1, results
    refused = [r for r in results if isinstance(r, OperationRefused)]
    assert len(refused) == 1 and "already done" in refused[0].messages[0], results
    assert OperationLog.objects.filter(operation=sub_op, action="complete").count() == 1
    assert sub_op.work_order.events.filter(action="finish").count() == 1


def test_start_from_two_tablets_at_once_starts_once():
    shop, operator = build_shop(), user_with_role("production")
    order = released_order(shop)
    sub_op, _first, _second = operations_of(order)
    results = run_together(*[lambda: start_operation(actor=operator, operation=sub_op)] * 2)
    assert sum(isinstance(r, WorkOrderOperation) for r in results) == 1, results
    assert sum(isinstance(r, OperationRefused) for r in results) == 1, results
    assert OperationLog.objects.filter(operation=sub_op, action="start").count() == 1
    assert order.events.filter(action="start_production").count() == 1


def test_reports_from_two_tablets_never_exceed_the_quantity():
    shop, operator = build_shop(), user_with_role("production")
    order = released_order(shop, quantity="5")
    sub_op, _first, _second = operations_of(order)
    start_operation(actor=operator, operation=sub_op)
    results = run_together(*[lambda: report_quantities(actor=operator, operation=sub_op, good="3")] * 2)
    assert sum(isinstance(r, WorkOrderOperation) for r in results) == 1, results
    assert WorkOrderOperation.objects.get(pk=sub_op.pk).good_quantity == Decimal("3")


def test_first_operations_of_two_work_orders_started_at_once_move_the_order_once():
    shop, operator = build_shop(), user_with_role("production")
    # A second line whose item has no sub-assembly: its first operation may start at once too.
    simple_product = ProductFactory()
    make_routing(made_item("G", item_type="finished_good", product=simple_product), [(10, shop["cut"], 0, 5)])
    two_lines = make_order(creator=user_with_role("sales"), status=OrderStatus.APPROVED,
                           products=[shop["product"], simple_product], quantities=[Decimal("3"), Decimal("2")])
    order = released_order(shop, order=two_lines)
    sub_op, _first, _second = operations_of(order)
    simple_op = WorkOrderOperation.objects.get(work_order__order=order, work_order__item__code="G")

    results = run_together(lambda: start_operation(actor=operator, operation=sub_op),
                           lambda: start_operation(actor=operator, operation=simple_op))

    assert all(isinstance(r, WorkOrderOperation) for r in results), results
    assert Order.objects.get(pk=order.pk).status == OrderStatus.IN_PRODUCTION
    assert order.events.filter(action="start_production").count() == 1


def test_exception_reports_made_at_once_get_different_numbers():
    shop = build_shop()
    operators = [user_with_role("production") for _ in range(4)]
    results = run_together(*[
        (lambda actor=actor: report_exception(actor=actor, type="other", work_center=shop["cut"], description="x"))
        for actor in operators])
    assert all(isinstance(r, ExceptionReport) for r in results), results
    assert len({r.number for r in results}) == 4


def test_a_breakdown_reported_while_an_operation_starts_never_deadlocks():
    """The report locks work centers, then orders, then writes operations; the start locks the order, then
    the operation: whichever comes second waits, neither fails."""
    shop, operator, supervisor = build_shop(), user_with_role("production"), user_with_role("production")
    order = released_order(shop)
    sub_op, _first, _second = operations_of(order)
    down_until = timezone.now() + timedelta(hours=2)
    for _round in range(3):
        results = run_together(
            lambda: start_operation(actor=operator, operation=sub_op),
            lambda: report_exception(actor=supervisor, type="machine_breakdown", work_center=shop["cut"],
                                     description="Spindle", down_until=down_until))
        assert isinstance(results[1], ExceptionReport), results
        assert isinstance(results[0], WorkOrderOperation | OperationRefused), results
    assert WorkOrderOperation.objects.get(pk=sub_op.pk).status == "in_progress"
    assert Order.objects.get(pk=order.pk).at_risk
