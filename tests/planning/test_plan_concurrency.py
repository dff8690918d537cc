"""Planning races on PostgreSQL with real, separate connections: a double click on Plan or Release, and
two planners planning different orders at the same moment."""

import pytest

from orders.models import Order, OrderStatus
from planning.models import WorkOrder, WorkOrderOperation
from planning.plans import PlanResult, plan_order, release_plan
from tests.fixtures.concurrency import run_together
from tests.fixtures.factories import user_with_role
from tests.planning.test_work_orders import approved_order, build_shop, next_monday

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("postgres_only")]


def test_plan_clicked_twice_at_once_leaves_one_plan():
    shop, planner = build_shop(), user_with_role("planner")
    order = approved_order(shop)
    monday = next_monday()
    results = run_together(*[lambda: plan_order(actor=planner, order=order, now=monday)] * 2)
    assert all(isinstance(r, PlanResult) for r in results), results
    planned = WorkOrder.objects.filter(order=order, status="planned")
    assert planned.count() == 2  # the later click replaced the earlier plan
    assert WorkOrder.objects.filter(order=order, status="cancelled").count() == 2
    assert WorkOrder.objects.values("number").distinct().count() == 4


def test_two_orders_planned_at_once_never_share_a_machine():
    shop, planner_a, planner_b = build_shop(), user_with_role("planner"), user_with_role("planner")
    first, second = approved_order(shop), approved_order(shop)
    monday = next_monday()
    results = run_together(lambda: plan_order(actor=planner_a, order=first, now=monday),
                           lambda: plan_order(actor=planner_b, order=second, now=monday))
    assert all(isinstance(r, PlanResult) for r in results), results
    ops = sorted(WorkOrderOperation.objects.filter(work_order__status="planned")
                 .values_list("planned_start", "planned_end"))
    assert len(ops) == 6
    assert all(end <= next_start for (_s, end), (next_start, _e) in zip(ops, ops[1:], strict=False))


def test_release_clicked_twice_at_once_releases_once():
    shop, planner = build_shop(), user_with_role("planner")
    order = approved_order(shop)
    plan_order(actor=planner, order=order, now=next_monday())
    results = run_together(*[lambda: release_plan(actor=planner, order=order)] * 2)
    assert sum(isinstance(r, Order) for r in results) == 1, results
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PLANNED
    assert order.events.filter(action="release_plan").count() == 1


def test_cancel_and_replan_at_once_queue_instead_of_deadlocking():
    """Both take the work centers before the order (stage_hooks CANCEL_LOCK): one waits for the other,
    and the outcome is consistent either way — never a deadlock error."""
    from django.core.exceptions import ValidationError

    from orders.services import OrderActionRefused, cancel_order

    shop, planner, desk = build_shop(), user_with_role("planner"), user_with_role("order_desk")
    order = approved_order(shop)
    monday = next_monday()
    plan_order(actor=planner, order=order, now=monday)
    results = run_together(lambda: plan_order(actor=planner, order=order, now=monday),
                           lambda: cancel_order(actor=desk, order=order, reason="customer withdrew"))
    failures = [r for r in results if isinstance(r, Exception)
                and not isinstance(r, ValidationError | OrderActionRefused)]
    assert not failures, results
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert not WorkOrder.objects.filter(order=order).exclude(status="cancelled").exists()
