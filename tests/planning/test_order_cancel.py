"""Cancelling an order (orders.services.cancel_order) cancels its planned and released work through the
planning hook (planning.order_cancellation, listed in orders.stage_hooks.REACTIONS), reschedules the rest,
and is refused, changing nothing, when any of its work started or is done.

The shop of test_adjustments: orders A and B of 2 F each, A planned first (A/10 CUT 08:00–10:00,
A/20 MILL 10:00–12:00, B/10 CUT 10:00–12:00, B/20 MILL 12:00–14:00 on a Monday ahead).
"""

import pytest
from django.core.exceptions import ValidationError

from orders import stage_hooks
from orders.models import OrderStatus
from orders.services import cancel_order, transition_order
from planning.models import WorkOrder, WorkOrderEvent, WorkOrderOperation
from planning.order_cancellation import cancel_order_work
from planning.plans import release_plan
from tests.fixtures.factories import make_order, user_with_role
from tests.planning.test_adjustments import at, build_two_orders, snapshot
from tests.planning.test_work_orders import next_monday

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(db):
    return build_two_orders(next_monday(), user_with_role("planner"))


@pytest.fixture
def desk(db):
    return user_with_role("order_desk")


def work_of(order):
    return WorkOrder.objects.filter(order=order)


def test_the_hook_is_registered():
    assert cancel_order_work in stage_hooks.handlers(stage_hooks.Hook.ON_CANCEL, "cancel")


def test_cancelling_an_order_cancels_its_work_and_frees_the_capacity(shop, desk):
    a, b = shop["orders"]["A"], shop["orders"]["B"]
    b_finish = work_of(b).get().planned_end
    assert b_finish == at(shop["monday"], 14)
    cancel_order(actor=desk, order=a, reason="Customer withdrew", expected_status=OrderStatus.APPROVED)

    a.refresh_from_db()
    assert a.status == OrderStatus.CANCELLED
    assert set(work_of(a).values_list("status", flat=True)) == {"cancelled"}
    assert set(WorkOrderOperation.objects.filter(work_order__order=a).values_list("status", flat=True)) == {
        "cancelled"}
    event = WorkOrderEvent.objects.get(work_order__order=a, action="cancelled")
    assert (event.from_status, event.to_status, event.actor, event.get_note_display()) == (
        "planned", "cancelled", desk, "order cancelled: Customer withdrew")
    # B was rescheduled (from now, which is before that Monday) into the capacity A held.
    assert work_of(b).get().planned_end < b_finish


def test_released_work_is_cancelled_too(shop, desk):
    a = shop["orders"]["A"]
    release_plan(actor=user_with_role("planner"), order=a)
    cancel_order(actor=desk, order=a, reason="Duplicate order")
    assert set(work_of(a).values_list("status", flat=True)) == {"cancelled"}
    assert WorkOrderEvent.objects.get(work_order__order=a, action="cancelled").from_status == "released"


def test_a_held_order_is_cancelled_with_its_work(shop, desk):
    a = shop["orders"]["A"]
    transition_order(actor=desk, order=a, action="hold", note="Customer credit check")
    a.refresh_from_db()
    cancel_order(actor=desk, order=a, reason="Credit refused")
    a.refresh_from_db()
    assert a.status == OrderStatus.CANCELLED
    assert set(work_of(a).values_list("status", flat=True)) == {"cancelled"}


@pytest.mark.parametrize("op_status, shown", [("in_progress", "In progress"), ("done", "Done")])
def test_cancelling_is_refused_when_work_started_or_is_done(shop, desk, op_status, shown):
    a = shop["orders"]["A"]
    release_plan(actor=user_with_role("planner"), order=a)
    WorkOrderOperation.objects.filter(work_order__order=a, sequence=10).update(status=op_status,
                                                                              started_at=shop["monday"])
    before, order_events = snapshot(), a.events.count()
    with pytest.raises(ValidationError, match=rf"cannot be cancelled: operation 10 of work order WO-\S+ is {shown}"):
        cancel_order(actor=desk, order=a, reason="Too late")
    a.refresh_from_db()
    assert a.status == OrderStatus.PLANNED
    assert a.events.count() == order_events
    assert snapshot() == before


def test_an_order_without_work_is_cancelled_as_before(db, desk):
    order = make_order(creator=user_with_role("sales"), status=OrderStatus.SUBMITTED)
    cancel_order(actor=desk, order=order, reason="Not needed")
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert not WorkOrderEvent.objects.exists()
