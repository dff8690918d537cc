"""The due-date promise (planning.promise) on a factory small enough to check by hand.

One work center CUT, Monday to Friday 08:00–17:00 without a break, factory time. Product P is made
as item F: one operation of 60 min per unit on CUT, so n units take n working hours. `now` is a
Monday 08:00 at least three days ahead (so every date involved is in the future).
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from numbering.models import Counter
from orders import services as order_services
from orders.models import Order, OrderEvent, OrderStatus
from planning import services as planning_services
from planning.models import WorkOrder, WorkOrderEvent, WorkOrderOperation
from planning.plans import plan_order, release_plan
from planning.promise import promise_for_lines, promise_for_order, promise_options
from tests.fixtures.factories import ProductFactory, make_order, user_with_role
from tests.inventory.masterdata import made_item, make_bom, make_calendar, make_item, make_routing, make_work_center
from tests.planning.test_work_orders import at, next_monday

pytestmark = pytest.mark.django_db


@pytest.fixture
def planner(role_users):
    return role_users["planner"]


@pytest.fixture
def monday():
    return next_monday()


@pytest.fixture
def shop(db):
    calendar = make_calendar("Day shift", shifts=[(day, "08:00", "17:00") for day in range(5)])
    cut = make_work_center("CUT", calendar=calendar)
    product = ProductFactory()
    finished = made_item("F", item_type="finished_good", product=product)
    make_routing(finished, [(10, cut, 0, 60)])
    return {"calendar": calendar, "cut": cut, "product": product, "finished": finished}


def approved(shop, quantity, *, requested=None, priority="normal", rush_reason=""):
    order = make_order(creator=user_with_role("sales"), status=OrderStatus.APPROVED, products=[shop["product"]],
                       quantities=[Decimal(quantity)], priority=priority, rush_reason=rush_reason)
    if requested is not None:
        Order.objects.filter(pk=order.pk).update(requested_date=requested)
        order.refresh_from_db()
    return order


def planned(shop, planner, quantity, *, now, requested=None, release=False):
    """An order planned at `now` (and released when asked): its work occupies CUT."""
    order = approved(shop, quantity, requested=requested)
    plan_order(actor=planner, order=order, now=now)
    if release:
        release_plan(actor=planner, order=order)
    return order


def lines(shop, quantity):
    return [(shop["product"], Decimal(quantity))]


# --- the date -------------------------------------------------------------------------------------

def test_empty_factory_promises_the_day_the_work_finishes(shop, monday):
    promise = promise_for_lines(lines(shop, "3"), now=monday, requested_date=monday.date() + timedelta(days=7))

    assert promise.ok and promise.reasons == []
    assert promise.earliest_start == monday
    assert promise.finish == at(monday, 11)
    assert promise.earliest_date == monday.date()
    assert promise.requested_met and promise.days_after_requested == 0
    assert promise.promise_date == monday.date() + timedelta(days=7)  # the requested date can be met: kept
    assert len(promise.work_orders) == 1 and promise.moves == []


def test_requested_date_too_early_gives_the_earliest_day_instead(shop, monday):
    # 12 hours of work: Monday 08–17 and Tuesday 08–11.
    promise = promise_for_lines(lines(shop, "12"), now=monday, requested_date=monday.date())

    assert promise.finish == at(monday, 11) + timedelta(days=1)
    assert not promise.requested_met
    assert promise.earliest_date == promise.promise_date == monday.date() + timedelta(days=1)
    assert promise.days_after_requested == 1


def test_loaded_factory_promises_later(shop, planner, monday):
    planned(shop, planner, "9", now=monday, release=True)  # CUT is busy all Monday

    promise = promise_for_lines(lines(shop, "3"), now=monday, requested_date=monday.date() + timedelta(days=7))

    assert promise.finish == at(monday, 11) + timedelta(days=1)
    assert promise.earliest_date == monday.date() + timedelta(days=1)


def test_a_holiday_pushes_the_date(shop, planner, monday):
    planned(shop, planner, "9", now=monday, release=True)
    planning_services.add_calendar_exception(actor=user_with_role("admin"), calendar=shop["calendar"],
                                             date=monday.date() + timedelta(days=1), kind="holiday")

    promise = promise_for_lines(lines(shop, "3"), now=monday, requested_date=monday.date() + timedelta(days=7))

    assert promise.finish == at(monday, 11) + timedelta(days=2)  # Wednesday: Tuesday is a holiday
    assert promise.earliest_date == monday.date() + timedelta(days=2)


def test_purchase_lead_time_pushes_the_start(shop, monday):
    bought = make_item("R", purchase_lead_time_days=3)
    make_bom(shop["finished"], [(bought, 2, 0)])

    promise = promise_for_lines(lines(shop, "3"), now=monday, requested_date=monday.date() + timedelta(days=7))

    assert promise.earliest_start == monday + timedelta(days=3)  # material ordered now, here on Thursday
    assert promise.finish == at(monday, 11) + timedelta(days=3)


def test_now_with_seconds_reads_back_to_back_released_work(shop, planner, monday):
    planned(shop, planner, "2", now=monday, release=True)  # Monday 08–10
    planned(shop, planner, "2", now=monday, release=True)  # 10–12, touching the first

    promise = promise_for_lines(lines(shop, "1"), now=monday + timedelta(seconds=37),
                                requested_date=monday.date() + timedelta(days=7))

    assert promise.reasons == [] and promise.finish == at(monday, 13)


def test_with_stock_data_a_saved_order_starts_when_its_material_is_at_hand(shop, monday):
    """Stock covers the bought part: the submitted order can start now (inventory's material ready date,
    as plan_order would use it); typed lines have no saved order to reserve for, so the entry form keeps
    the purchase lead time."""
    from tests.inventory.stockdata import make_location, receive

    bought = make_item("R", purchase_lead_time_days=3)
    make_bom(shop["finished"], [(bought, 2, 0)])
    receive(bought, make_location("A-01"), "100")
    order = make_order(creator=user_with_role("sales"), status=OrderStatus.SUBMITTED, products=[shop["product"]],
                       quantities=[Decimal("3")])

    saved = promise_for_order(order, now=monday, impact=False)
    typed = promise_for_lines(lines(shop, "3"), now=monday, requested_date=order.requested_date)

    assert saved.earliest_start == monday and saved.finish == at(monday, 11)
    assert typed.earliest_start == monday + timedelta(days=3)


def test_sub_assemblies_are_made_first(shop, monday):
    sub = made_item("S")
    make_routing(sub, [(10, shop["cut"], 0, 30)])
    make_bom(shop["finished"], [(sub, 1, 0)])

    promise = promise_for_lines(lines(shop, "2"), now=monday, requested_date=monday.date() + timedelta(days=7))

    assert len(promise.work_orders) == 2
    assert promise.finish == at(monday, 11)  # S 08:00–09:00, then F 09:00–11:00


def test_a_product_without_routing_or_item_gets_a_reason_not_a_date(shop, monday):
    no_item = ProductFactory(sku="NOITEM-1")
    no_routing = ProductFactory(sku="NOROUTE-1")
    made_item("NR", item_type="finished_good", product=no_routing)

    promise = promise_for_lines([(no_item, Decimal("1")), (no_routing, Decimal("1"))], now=monday,
                                requested_date=monday.date() + timedelta(days=7))

    assert not promise.ok and promise.finish is None and promise.promise_date is None
    text = " ".join(promise.reasons)
    assert "NOITEM-1" in text and "no item" in text
    assert "NR" in text and "no active routing" in text


def test_no_lines_is_a_reason(shop, monday):
    promise = promise_for_lines([], now=monday, requested_date=monday.date())
    assert not promise.ok and promise.reasons


# --- the impact -----------------------------------------------------------------------------------

def test_rush_goes_first_and_moves_the_others_normal_does_not(shop, planner, monday):
    other = planned(shop, planner, "9", now=monday, requested=monday.date())  # planned (not released), due Monday
    requested = monday.date()  # the rush cannot wait in free time (Tuesday): it goes first

    normal = promise_for_lines(lines(shop, "3"), now=monday, requested_date=requested, impact=True)
    rush = promise_for_lines(lines(shop, "3"), now=monday, requested_date=requested, rush=True, impact=True)

    assert normal.finish == at(monday, 11) + timedelta(days=1) and normal.moves == []
    assert rush.finish == at(monday, 11)
    [move] = rush.moves
    assert (move.order_id, move.number, move.customer, move.rush) == (other.pk, other.number, other.customer.name,
                                                                       False)
    assert move.old_finish == at(monday, 17)
    assert move.new_finish == at(monday, 11) + timedelta(days=1)
    assert move.delay_minutes == 18 * 60  # calendar time from Monday 17:00 to Tuesday 11:00
    assert move.becomes_late and move.late_minutes_before == 0 and move.late_minutes_after == 11 * 60
    assert rush.newly_late == [move]


def test_options_give_normal_and_rush_from_one_read(shop, planner, monday):
    planned(shop, planner, "9", now=monday, requested=monday.date())
    requested = monday.date()

    normal, rush = promise_options(lines(shop, "3"), now=monday, requested_date=requested, impact=True)

    single = promise_for_lines(lines(shop, "3"), now=monday, requested_date=requested, rush=True, impact=True)
    assert (normal.rush, rush.rush) == (False, True)
    assert normal.finish == at(monday, 11) + timedelta(days=1) and rush.finish == at(monday, 11)
    assert rush.moves == single.moves and len(rush.moves) == 1 and normal.moves == []


def test_promise_equals_the_plan_made_afterwards(shop, planner, monday):
    """The key consistency check: the promised finish and the moves are what plan_order then does. Both
    put the order into the current plan's free time: behind `later` (planned already), moving nobody."""
    sub = made_item("S")
    make_routing(sub, [(10, shop["cut"], 0, 30)])
    make_bom(shop["finished"], [(sub, 1, 0)])
    planned(shop, planner, "4", now=monday, release=True)  # Monday 08:00–14:00 (S 2 h, F 4 h), fixed
    later = planned(shop, planner, "4", now=monday, requested=monday.date() + timedelta(days=9))  # to Tue 11:00
    order = approved(shop, "2", requested=monday.date() + timedelta(days=2))
    before = {wo.number: wo.planned_end for wo in WorkOrder.objects.filter(order=later)}

    promise = promise_for_order(order, now=monday)
    result = plan_order(actor=planner, order=order, now=monday)

    assert promise.finish == result.finish == at(monday, 14) + timedelta(days=1)  # S 11–12, F 12–14 Tuesday
    assert promise.work_orders == sorted(wo.number for wo in result.work_orders)
    assert promise.moves == [] and promise.impact_checked
    assert {wo.number: wo.planned_end for wo in WorkOrder.objects.filter(order=later)} == before
    assert str(promise.limit).startswith("CUT booked until")


def test_a_rush_promise_equals_the_rush_plan_and_moves_only_what_is_in_its_way(shop, planner, monday):
    planned(shop, planner, "4", now=monday, release=True)  # Monday 08:00–12:00, fixed
    later = planned(shop, planner, "4", now=monday, requested=monday.date() + timedelta(days=9))  # 12:00–16:00
    order = approved(shop, "2", requested=monday.date(), priority="rush", rush_reason="line down")

    promise = promise_for_order(order, now=monday)
    result = plan_order(actor=planner, order=order, now=monday)

    assert promise.finish == result.finish == at(monday, 14)  # right after the released work
    [move] = promise.moves
    # pushed two working hours: 14:00 to Tuesday 09:00 (calendar minutes over the night)
    assert move.number == later.number and move.new_finish == at(monday, 9) + timedelta(days=1)
    assert move.delay_minutes == 17 * 60
    assert max(WorkOrder.objects.filter(order=later).values_list("planned_end", flat=True)) == move.new_finish
    assert (promise.moved_operations, promise.operations) == (1, 2)


def test_a_promise_later_than_requested_holds_once_promised(shop, planner, monday):
    """Promised its requested Monday, the order would go first; promised the Tuesday it would then
    finish, it waits behind an order due Tuesday with more work and finishes Wednesday. The promise is
    the Wednesday, and planning the order with it finishes then."""
    tuesday = monday.date() + timedelta(days=1)
    planned(shop, planner, "14", now=monday, requested=tuesday)  # Monday 08–17, Tuesday 08–13
    order = make_order(creator=user_with_role("sales"), status=OrderStatus.SUBMITTED, products=[shop["product"]],
                       quantities=[Decimal("12")])
    Order.objects.filter(pk=order.pk).update(requested_date=monday.date())
    order.refresh_from_db()

    promise = promise_for_order(order, now=monday)

    assert promise.promise_date == promise.earliest_date == monday.date() + timedelta(days=2)
    assert promise.finish == at(monday, 16) + timedelta(days=2)  # Tuesday 13–17, Wednesday 08–16
    assert promise.days_after_requested == 2 and promise.moves == []
    order_services.approve_order(actor=user_with_role("order_desk"), order=order, promised_date=promise.promise_date)
    assert plan_order(actor=planner, order=order, now=monday).finish == promise.finish


def test_planning_again_replaces_the_orders_own_planned_work(shop, planner, monday):
    order = planned(shop, planner, "3", now=monday)  # its own planned work is replaced, not added to
    order.refresh_from_db()

    promise = promise_for_order(order, now=monday)

    assert promise.finish == at(monday, 11) and promise.moves == []


def test_a_rush_that_can_wait_in_free_time_moves_nobody(shop, planner, monday):
    planned(shop, planner, "9", now=monday, requested=monday.date())  # Monday 08–17

    rush = promise_for_lines(lines(shop, "3"), now=monday, requested_date=monday.date() + timedelta(days=2),
                             rush=True, impact=True)

    assert rush.finish == at(monday, 11) + timedelta(days=1) and rush.moves == [] and rush.moved_operations == 0


def test_a_promise_writes_nothing(shop, planner, monday):
    planned(shop, planner, "4", now=monday, release=True)
    planned(shop, planner, "4", now=monday, requested=monday.date() + timedelta(days=9))
    order = approved(shop, "2", requested=monday.date() + timedelta(days=2))
    submitted = make_order(creator=user_with_role("sales"), status=OrderStatus.SUBMITTED, products=[shop["product"]],
                           quantities=[Decimal("2")])
    models = [Order, OrderEvent, WorkOrder, WorkOrderOperation, WorkOrderEvent, Counter]

    def snapshot():
        return ([m.objects.count() for m in models], list(Counter.objects.values_list("series", "last")),
                list(WorkOrderOperation.objects.order_by("pk").values_list("planned_start", "planned_end")),
                list(Order.objects.order_by("pk").values_list("promised_date", "status")))

    rows = snapshot()
    promise_for_order(order, now=monday)
    promise_for_order(submitted, now=monday)
    promise_for_lines(lines(shop, "5"), now=monday, requested_date=monday.date(), rush=True, impact=True)
    assert snapshot() == rows


def test_query_count_does_not_grow_with_the_open_orders(shop, planner, monday):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            promise_for_lines(lines(shop, "2"), now=monday, requested_date=monday.date(), impact=True)
        return len(captured)

    planned(shop, planner, "1", now=monday, requested=monday.date() + timedelta(days=5))
    small = queries()
    for days in range(4):
        planned(shop, planner, "1", now=monday, requested=monday.date() + timedelta(days=days))
    assert queries() == small  # every open order moves: the impact costs no query per order
    assert small <= 15


# --- approval -------------------------------------------------------------------------------------

def test_approve_stores_the_promise_when_the_reviewer_gives_none(shop):
    order = make_order(creator=user_with_role("sales"), status=OrderStatus.SUBMITTED, products=[shop["product"]],
                       quantities=[Decimal("40")], requested_in_days=1)  # a week of work: too early
    before = promise_for_order(order, impact=False)

    order_services.approve_order(actor=user_with_role("order_desk"), order=order)

    after = promise_for_lines(lines(shop, "40"), requested_date=order.requested_date)
    order.refresh_from_db()
    assert before.ok and not before.requested_met
    assert order.promised_date in {before.promise_date, after.promise_date}
    assert order.promised_date > order.requested_date


def test_approve_keeps_the_reviewers_date(shop):
    order = make_order(creator=user_with_role("sales"), status=OrderStatus.SUBMITTED, products=[shop["product"]],
                       quantities=[Decimal("1")])
    chosen = timezone.localdate() + timedelta(days=40)

    order_services.approve_order(actor=user_with_role("order_desk"), order=order, promised_date=chosen)

    order.refresh_from_db()
    assert order.promised_date == chosen


def test_approve_without_a_possible_promise_stores_none(db):
    order = make_order(creator=user_with_role("sales"), status=OrderStatus.SUBMITTED)  # products without items

    order_services.approve_order(actor=user_with_role("order_desk"), order=order)

    order.refresh_from_db()
    assert order.status == OrderStatus.APPROVED and order.promised_date is None
