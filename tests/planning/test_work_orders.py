"""plan_order and release_plan on a small setup that can be checked by hand.

One work center CUT, Monday to Friday 08:00–17:00 (no break), factory time (Asia/Shanghai in tests).
Finished good F (sold as product P): routing 10 = setup 30 + 10 min/unit, 20 = 20 min/unit, both on CUT.
Its BOM: 1 sub-assembly S per F (S routing: 10 = 60 min/unit on CUT) and 2 bought R per F.
Three F from Monday 08:00: S 08:00–11:00 (180 min), F/10 11:00–12:00 (30 + 30), F/20 12:00–13:00.
"""

import re
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from orders.models import OrderEvent, OrderStatus
from planning.models import WorkCenter, WorkOrder, WorkOrderEvent, WorkOrderOperation
from planning.plans import plan_order, release_plan
from tests.fixtures.factories import ProductFactory, make_order, user_with_role
from tests.inventory.masterdata import made_item, make_bom, make_calendar, make_item, make_routing, make_work_center

pytestmark = pytest.mark.django_db
TZ = ZoneInfo(settings.TIME_ZONE)


def next_monday(after_days=3):
    """08:00 on a Monday at least `after_days` from today (so approval and due dates are before it)."""
    day = timezone.localdate() + timedelta(days=after_days)
    day += timedelta(days=(7 - day.weekday()) % 7)
    return datetime.combine(day, time(8), tzinfo=TZ)


def at(monday, hour, minute=0):
    return monday.replace(hour=hour, minute=minute)


@pytest.fixture
def planner(role_users):
    return role_users["planner"]


@pytest.fixture
def shop(db):
    return build_shop()


def build_shop():
    calendar = make_calendar("Day shift", shifts=[(day, "08:00", "17:00") for day in range(5)])
    cut = make_work_center("CUT", calendar=calendar)
    product = ProductFactory()
    finished = made_item("F", item_type="finished_good", product=product)
    sub = made_item("S")
    bought = make_item("R", purchase_lead_time_days=0)
    make_routing(finished, [(10, cut, 30, 10), (20, cut, 0, 20)])
    make_routing(sub, [(10, cut, 0, 60)])
    make_bom(finished, [(sub, 1, 0), (bought, 2, 0)])
    return {"cut": cut, "product": product, "finished": finished, "sub": sub, "bought": bought}


def approved_order(shop, quantity="3", requested_in_days=30, **kwargs):
    return make_order(creator=user_with_role("sales"), status=OrderStatus.APPROVED, products=[shop["product"]],
                      quantities=[Decimal(quantity)], requested_in_days=requested_in_days, **kwargs)


def test_plan_order_makes_work_orders_with_sub_assembly_first(shop, planner):
    order = approved_order(shop)
    monday = next_monday()
    result = plan_order(actor=planner, order=order, now=monday)

    top = WorkOrder.objects.get(order=order, parent__isnull=True)
    sub = WorkOrder.objects.get(order=order, parent=top)
    assert re.fullmatch(r"WO-\d{4}-\d{5}", top.number) and top.number != sub.number
    assert (top.item, top.quantity, top.order_line, top.status) == (shop["finished"], Decimal("3"),
                                                                     order.lines.get(), "planned")
    assert (sub.item, sub.quantity, sub.order_line) == (shop["sub"], Decimal("3"), None)
    assert not WorkOrder.objects.filter(item=shop["bought"]).exists()  # bought, not made

    ops = list(top.operations.order_by("sequence"))
    assert [(op.sequence, op.setup_minutes, op.run_minutes_per_unit, op.quantity) for op in ops] == [
        (10, Decimal("30"), Decimal("10"), Decimal("3")), (20, Decimal("0"), Decimal("20"), Decimal("3"))]
    sub_op = sub.operations.get()
    assert (sub_op.planned_start, sub_op.planned_end) == (at(monday, 8), at(monday, 11))
    assert (ops[0].planned_start, ops[0].planned_end) == (at(monday, 11), at(monday, 12))
    assert (ops[1].planned_start, ops[1].planned_end) == (at(monday, 12), at(monday, 13))
    assert all(op.planned_work_center == shop["cut"] and op.planned_unit == 0 for op in ops)
    assert (top.planned_start, top.planned_end) == (at(monday, 11), at(monday, 13))
    assert result.finish == at(monday, 13)
    assert result.late_orders == []
    assert set(WorkOrderEvent.objects.values_list("work_order__number", "action", "to_status", "actor")) == {
        (top.number, "planned", "planned", planner.pk), (sub.number, "planned", "planned", planner.pk)}


def test_work_runs_over_the_night_and_late_orders_are_reported(shop, planner):
    # 10 F: S takes 600 min (Mon 08:00–17:00 = 540, then Tue 08:00–09:00), F/10 130 min, F/20 200 min.
    monday = next_monday()
    order = approved_order(shop, quantity="10", requested_in_days=1)  # due before Monday: late
    result = plan_order(actor=planner, order=order, now=monday)
    top = WorkOrder.objects.get(order=order, parent__isnull=True)
    tuesday = monday + timedelta(days=1)
    assert (top.planned_start, top.planned_end) == (at(tuesday, 9), at(tuesday, 14, 30))
    due = datetime.combine(order.requested_date + timedelta(days=1), time(0), tzinfo=TZ)
    assert [(late.order, late.late_minutes) for late in result.late_orders] == [
        (order, int((at(tuesday, 14, 30) - due).total_seconds() // 60))]


def test_earliest_start_waits_for_the_longest_purchase_lead_time(shop, planner):
    shop["bought"].purchase_lead_time_days = 30
    shop["bought"].save()
    order = approved_order(shop)
    monday = next_monday()
    plan_order(actor=planner, order=order, now=monday)
    sub = WorkOrder.objects.get(order=order, parent__isnull=False)
    assert sub.earliest_start == order.approved_at + timedelta(days=30)
    assert sub.planned_start >= sub.earliest_start


def nothing_written():
    return not WorkOrder.objects.exists() and not WorkOrderEvent.objects.exists()


def test_refused_when_the_product_has_no_item(shop, planner):
    order = make_order(creator=user_with_role("sales"), status=OrderStatus.APPROVED, products=[ProductFactory()])
    with pytest.raises(ValidationError, match="has no item to make"):
        plan_order(actor=planner, order=order)
    assert nothing_written()


def test_refused_when_an_item_has_no_active_routing(shop, planner):
    make_bom(shop["finished"], [(made_item("S2"), 1, 0)])  # S2 has no routing
    order = approved_order(shop)
    with pytest.raises(ValidationError, match="S2 has no active routing"):
        plan_order(actor=planner, order=order)
    assert nothing_written()


def test_refused_when_a_work_center_is_inactive(shop, planner):
    order = approved_order(shop)
    WorkCenter.objects.filter(pk=shop["cut"].pk).update(is_active=False)
    with pytest.raises(ValidationError, match="CUT, which is inactive"):
        plan_order(actor=planner, order=order)
    assert nothing_written()


def test_refused_when_the_order_is_not_approved(shop, planner):
    order = make_order(creator=user_with_role("sales"), status=OrderStatus.SUBMITTED, products=[shop["product"]])
    with pytest.raises(ValidationError, match="only approved orders are planned"):
        plan_order(actor=planner, order=order)
    assert nothing_written()


def test_refused_without_the_plan_permission(shop, role_users):
    order = approved_order(shop)
    with pytest.raises(PermissionDenied):
        plan_order(actor=role_users["sales"], order=order)
    with pytest.raises(PermissionDenied):
        release_plan(actor=role_users["sales"], order=order)
    assert nothing_written()
    assert order.events.filter(action="release_plan").count() == 0


def test_release_moves_order_and_work_orders(shop, planner):
    order = approved_order(shop)
    plan_order(actor=planner, order=order, now=next_monday())
    release_plan(actor=planner, order=order)
    order.refresh_from_db()
    assert order.status == OrderStatus.PLANNED
    event = OrderEvent.objects.filter(order=order).last()
    assert (event.action, event.from_status, event.to_status, event.actor) == (
        "release_plan", "approved", "planned", planner)
    assert set(WorkOrder.objects.filter(order=order).values_list("status", flat=True)) == {"released"}
    assert set(WorkOrderOperation.objects.filter(work_order__order=order).values_list("status", flat=True)) == {
        "released"}
    assert WorkOrderEvent.objects.filter(action="release", actor=planner).count() == 2


def test_release_without_a_plan_is_refused(shop, planner):
    order = approved_order(shop)
    with pytest.raises(ValidationError, match="plan it first"):
        release_plan(actor=planner, order=order)
    order.refresh_from_db()
    assert order.status == OrderStatus.APPROVED


def test_replanning_replaces_only_planned_work_orders(shop, planner):
    other_product = ProductFactory()
    other = made_item("G", item_type="finished_good", product=other_product)
    make_routing(other, [(10, shop["cut"], 0, 5)])
    order = make_order(creator=user_with_role("sales"), status=OrderStatus.APPROVED,
                       products=[shop["product"], other_product], quantities=[Decimal("3"), Decimal("2")])
    monday = next_monday()
    plan_order(actor=planner, order=order, now=monday)
    released = WorkOrder.objects.get(order=order, item=other)
    released.release()  # work of line 2 is already on the shop floor
    released.save()
    WorkOrderOperation.objects.filter(work_order=released).update(status="released")
    first = set(WorkOrder.objects.filter(order=order, status="planned").values_list("pk", flat=True))

    plan_order(actor=planner, order=order, now=monday)

    assert set(WorkOrder.objects.filter(pk__in=first).values_list("status", flat=True)) == {"cancelled"}
    assert WorkOrderEvent.objects.filter(work_order__pk__in=first, action="replanned").count() == 2
    current = WorkOrder.objects.filter(order=order).exclude(status="cancelled")
    assert sorted(current.values_list("item__code", "status")) == [
        ("F", "planned"), ("G", "released"), ("S", "planned")]
    assert not (set(current.values_list("pk", flat=True)) & first)
    # The released work keeps its place; the new work is scheduled around it.
    released.refresh_from_db()
    assert released.operations.get().status == "released"


def test_a_work_center_that_is_down_gets_no_work_until_it_is_back(shop, planner):
    monday = next_monday()
    WorkCenter.objects.filter(pk=shop["cut"].pk).update(down_until=at(monday, 10))
    order = approved_order(shop)
    plan_order(actor=planner, order=order, now=monday)
    sub = WorkOrder.objects.get(order=order, parent__isnull=False)
    top = WorkOrder.objects.get(order=order, parent__isnull=True)
    assert (sub.planned_start, sub.planned_end) == (at(monday, 10), at(monday, 13))
    assert top.planned_end == at(monday, 15)
