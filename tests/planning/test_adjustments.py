"""Plan adjustments: move, change work center, lock/unlock, split; the dialog; the Gantt's query count.

A shop that can be checked by hand: calendar Monday to Friday 08:00–17:00 (factory time), work centers
CUT (1 unit), MILL (2 units) and GRIND (1 unit). Finished good F (sold as product P): routing 10 = 60 min
per unit on CUT, 20 = 60 min per unit on MILL (alternative GRIND). Orders A and B of 2 F each, planned
from Monday 08:00 (A first):
    A/10 CUT 08:00–10:00, A/20 MILL unit 1 10:00–12:00, B/10 CUT 10:00–12:00, B/20 MILL unit 1 12:00–14:00.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from orders.models import OrderStatus
from planning import adjustments, routing_services
from planning.adjustments import (
    change_work_center,
    move_operation,
    operation_version,
    set_operation_lock,
    work_order_version,
)
from planning.models import CalendarException, WorkCenter, WorkOrder, WorkOrderEvent, WorkOrderOperation
from planning.plans import plan_order, release_plan, schedule_open_work
from planning.work_order_split import split_work_order
from tests.fixtures.concurrency import run_together
from tests.fixtures.factories import ProductFactory, make_order, user_with_role
from tests.inventory.masterdata import made_item, make_calendar, make_work_center
from tests.planning.test_work_orders import build_shop, next_monday

pytestmark = pytest.mark.django_db
D = Decimal


def at(monday, hour, minute=0, days=0):
    return (monday + timedelta(days=days)).replace(hour=hour, minute=minute)


@pytest.fixture
def monday():
    return next_monday()


@pytest.fixture
def planner(db):
    return user_with_role("planner")


@pytest.fixture
def shop(db, monday, planner):
    return build_two_orders(monday, planner)


def build_two_orders(monday, planner):
    """The shop of the module docstring with orders A and B planned from `monday` 08:00."""
    calendar = make_calendar("Day shift", shifts=[(day, "08:00", "17:00") for day in range(5)])
    cut = make_work_center("CUT", calendar=calendar)
    mill = make_work_center("MILL", calendar=calendar, parallel_units=2)
    grind = make_work_center("GRIND", calendar=calendar)
    product = ProductFactory()
    finished = made_item("F", item_type="finished_good", product=product)
    routing_services.save_routing(actor=user_with_role("admin"), item=finished, operations=[
        routing_services.OperationInput(sequence=10, work_center=cut, run_minutes_per_unit=D("60"),
                                         description="Cut"),
        routing_services.OperationInput(sequence=20, work_center=mill, alternative_work_center=grind,
                                         run_minutes_per_unit=D("60"), description="Mill")])
    sales = user_with_role("sales")
    orders = {}
    for name in ("A", "B"):
        orders[name] = make_order(creator=sales, status=OrderStatus.APPROVED, products=[product],
                                  quantities=[D("2")], requested_in_days=60)
        plan_order(actor=planner, order=orders[name], now=monday)
    return {"calendar": calendar, "cut": cut, "mill": mill, "grind": grind, "product": product, "orders": orders,
            "monday": monday}


def op_of(shop, order_name, sequence):
    return WorkOrderOperation.objects.select_related("work_order", "planned_work_center").get(
        work_order__order=shop["orders"][order_name], work_order__status__in=["planned", "released"],
        sequence=sequence)


def place(op):
    op.refresh_from_db()
    return (op.planned_work_center.code if op.planned_work_center else None, op.planned_unit, op.planned_start,
            op.planned_end, op.locked)


def snapshot():
    """Everything an adjustment may write: placements, pins, locks, quantities, work orders and events."""
    return (sorted(WorkOrderOperation.objects.values_list("pk", "work_center_id", "alternative_work_center_id",
                                                          "planned_work_center_id", "planned_unit", "planned_start",
                                                          "planned_end", "locked", "quantity", "status")),
            sorted(WorkOrder.objects.values_list("pk", "quantity", "status", "planned_start", "planned_end")),
            WorkOrderEvent.objects.count())


def move(shop, planner, op, start, **options):
    return move_operation(actor=planner, operation=op, start=start, expected_version=operation_version(op),
                          now=shop["monday"], **options)


def test_the_plan_is_as_described(shop):
    m = shop["monday"]
    assert place(op_of(shop, "A", 10)) == ("CUT", 0, at(m, 8), at(m, 10), False)
    assert place(op_of(shop, "A", 20)) == ("MILL", 0, at(m, 10), at(m, 12), False)
    assert place(op_of(shop, "B", 10)) == ("CUT", 0, at(m, 10), at(m, 12), False)
    assert place(op_of(shop, "B", 20)) == ("MILL", 0, at(m, 12), at(m, 14), False)


# --- move ---

def test_move_locks_the_operation_at_its_new_place_and_reports_the_finish(shop, planner):
    m = shop["monday"]
    a20 = op_of(shop, "A", 20)
    result = move(shop, planner, a20, at(m, 14))
    assert place(a20) == ("MILL", 0, at(m, 14), at(m, 16), True)
    # A finishes 4 h later; B (now the job with more work left) goes first on CUT and finishes 2 h earlier.
    a, b = shop["orders"]["A"], shop["orders"]["B"]
    assert [(c.order_number, c.before, c.after, c.delay_minutes) for c in result.finish_changes] == [
        (a.number, at(m, 12), at(m, 16), 240), (b.number, at(m, 14), at(m, 12), -120)]
    event = WorkOrderEvent.objects.filter(work_order=a20.work_order).last()
    assert (event.action, event.actor, event.from_status, event.to_status) == (
        "operation_moved", planner, "planned", "planned")
    note = event.get_note_display()
    assert note == str(result.summary)
    assert "MILL unit 1, " in note and " → MILL unit 1, " in note and "16:00" in note
    # The next plan keeps it there.
    schedule_open_work(now=m)
    assert place(a20) == ("MILL", 0, at(m, 14), at(m, 16), True)


def test_move_to_a_chosen_unit_and_to_the_alternative_work_center(shop, planner):
    m = shop["monday"]
    a20 = op_of(shop, "A", 20)
    move(shop, planner, a20, at(m, 12), unit=1)
    assert place(a20) == ("MILL", 1, at(m, 12), at(m, 14), True)
    a20.refresh_from_db()
    move(shop, planner, a20, at(m, 13), work_center=shop["grind"])
    assert place(a20) == ("GRIND", 0, at(m, 13), at(m, 15), True)


def test_move_picks_a_free_unit_when_none_is_chosen(shop, planner):
    m = shop["monday"]
    a20 = op_of(shop, "A", 20)
    move(shop, planner, a20, at(m, 12, 30))  # MILL unit 1 has B/20 12:00–14:00; unit 2 is free
    assert place(a20) == ("MILL", 1, at(m, 12, 30), at(m, 14, 30), True)


def test_work_over_the_night_is_laid_on_working_time(shop, planner):
    m = shop["monday"]
    b20 = op_of(shop, "B", 20)
    move(shop, planner, b20, at(m, 16))  # 120 minutes: 16:00–17:00 on Monday, 08:00–09:00 on Tuesday
    assert place(b20) == ("MILL", 0, at(m, 16), at(m, 9, days=1), True)


def test_followers_are_pushed_later_and_freed_capacity_is_used(shop, planner):
    m = shop["monday"]
    a10, a20 = op_of(shop, "A", 10), op_of(shop, "A", 20)
    result = move(shop, planner, a10, at(m, 13))
    assert place(a10) == ("CUT", 0, at(m, 13), at(m, 15), True)
    assert place(a20)[2:4] == (at(m, 15), at(m, 17))  # pushed after its new end
    # B moves into the freed morning: B/10 08:00–10:00, B/20 10:00–12:00.
    assert place(op_of(shop, "B", 10))[2:4] == (at(m, 8), at(m, 10))
    changes = {c.order_number: (c.before, c.after) for c in result.finish_changes}
    assert changes == {shop["orders"]["A"].number: (at(m, 12), at(m, 17)),
                       shop["orders"]["B"].number: (at(m, 14), at(m, 12))}


def test_released_followers_lose_their_place_and_are_placed_after_the_moved_operation(shop, planner):
    m = shop["monday"]
    release_plan(actor=planner, order=shop["orders"]["A"])
    a10, a20 = op_of(shop, "A", 10), op_of(shop, "A", 20)
    move(shop, planner, a10, at(m, 13))
    assert place(a20)[2:4] == (at(m, 15), at(m, 17))
    assert a20.status == "released"


def test_moving_before_the_predecessor_ends_is_refused(shop, planner):
    m = shop["monday"]
    a20 = op_of(shop, "A", 20)
    before = snapshot()
    with pytest.raises(ValidationError, match=r"cannot start before operation 10 of WO-\d+-\d+ ends at .* 10:00"):
        move(shop, planner, a20, at(m, 9))
    assert snapshot() == before


@pytest.mark.parametrize("when, closed", [
    (lambda m: at(m, 10, days=5), "Saturday"),
    (lambda m: at(m, 7, days=1), "before the shift"),
    (lambda m: at(m, 18), "after the shift"),
])
def test_moving_into_closed_time_is_refused(shop, planner, when, closed):
    a20 = op_of(shop, "A", 20)
    before = snapshot()
    with pytest.raises(ValidationError, match="is not working time on MILL"):
        move(shop, planner, a20, when(shop["monday"]))
    assert snapshot() == before


def test_moving_onto_a_holiday_is_refused(shop, planner):
    m = shop["monday"]
    tuesday = (m + timedelta(days=1)).date()
    CalendarException.objects.create(calendar=shop["calendar"], date=tuesday, kind="holiday")
    a20 = op_of(shop, "A", 20)
    before = snapshot()
    with pytest.raises(ValidationError, match=r"not working time on MILL.*The next working time is .* 08:00"):
        move(shop, planner, a20, at(m, 10, days=1))
    assert snapshot() == before


def test_moving_onto_an_occupied_unit_is_refused(shop, planner):
    m = shop["monday"]
    a20, b10 = op_of(shop, "A", 20), op_of(shop, "B", 10)
    before = snapshot()
    with pytest.raises(ValidationError, match=r"MILL unit 1 is busy from .* 12:00 to .* 14:00 with operation 20"):
        move(shop, planner, a20, at(m, 12), unit=0)
    with pytest.raises(ValidationError, match=r"CUT unit 1 is busy from .* 08:00 to .* 10:00 with operation 10"):
        move(shop, planner, b10, at(m, 9))  # CUT has one unit
    with pytest.raises(ValidationError, match="MILL has units 1 to 2"):
        move(shop, planner, a20, at(m, 14), unit=2)
    assert snapshot() == before


def test_a_locked_follower_in_the_way_refuses_the_move(shop, planner):
    m = shop["monday"]
    a10, a20 = op_of(shop, "A", 10), op_of(shop, "A", 20)
    set_operation_lock(actor=planner, operation=a20, locked=True, expected_version=operation_version(a20), now=m)
    a10.refresh_from_db()
    before = snapshot()
    with pytest.raises(ValidationError, match="is locked at .* before this operation would end"):
        move(shop, planner, a10, at(m, 13))
    assert snapshot() == before


def test_a_stale_request_is_refused(shop, planner):
    m = shop["monday"]
    a20 = op_of(shop, "A", 20)
    seen = operation_version(a20)
    move(shop, planner, a20, at(m, 14))  # someone else moved it meanwhile
    before = snapshot()
    with pytest.raises(ValidationError, match="was changed by someone else meanwhile"):
        move_operation(actor=planner, operation=a20, start=at(m, 15), expected_version=seen, now=m)
    with pytest.raises(ValidationError, match="was changed by someone else meanwhile"):
        move_operation(actor=planner, operation=a20, start=at(m, 15), expected_version="", now=m)
    assert snapshot() == before


@pytest.mark.parametrize("change", [
    {"status": "in_progress"}, {"status": "done"}, {"status": "cancelled"},
])
def test_an_operation_that_started_or_ended_cannot_be_moved(shop, planner, change):
    m = shop["monday"]
    a10 = op_of(shop, "A", 10)
    WorkOrderOperation.objects.filter(pk=a10.pk).update(started_at=m if change["status"] != "cancelled" else None,
                                                        **change)
    a10.refresh_from_db()
    before = snapshot()
    with pytest.raises(ValidationError, match="only operations that have not started can be changed"):
        move(shop, planner, a10, at(m, 13))
    assert snapshot() == before


def test_moving_into_the_past_is_refused(shop, planner):
    a20 = op_of(shop, "A", 20)
    before = snapshot()
    with pytest.raises(ValidationError, match="is in the past"):
        move(shop, planner, a20, at(shop["monday"], 14, days=-3))
    assert snapshot() == before


def test_other_roles_may_not_adjust(shop):
    a20 = op_of(shop, "A", 20)
    before = snapshot()
    for role in ("production", "sales", "manager"):
        with pytest.raises(PermissionDenied):
            move(shop, user_with_role(role), a20, at(shop["monday"], 14))
        with pytest.raises(PermissionDenied):
            split_work_order(actor=user_with_role(role), work_order=a20.work_order, quantity="1",
                             expected_version=work_order_version(a20.work_order))
    assert snapshot() == before


def test_a_locked_place_is_kept_exactly_when_rescheduled_at_any_second(shop, planner):
    m = shop["monday"]
    a20 = op_of(shop, "A", 20)
    move(shop, planner, a20, at(m, 14))
    schedule_open_work(now=m + timedelta(seconds=37, microseconds=5))
    assert place(a20) == ("MILL", 0, at(m, 14), at(m, 16), True)


# --- change work center ---

def test_change_to_the_alternative_work_center(shop, planner):
    m = shop["monday"]
    a20 = op_of(shop, "A", 20)
    result = change_work_center(actor=planner, operation=a20, work_center=shop["grind"],
                                expected_version=operation_version(a20), now=m)
    a20.refresh_from_db()
    assert (a20.work_center, a20.alternative_work_center) == (shop["grind"], None)
    assert place(a20) == ("GRIND", 0, at(m, 10), at(m, 12), False)
    event = WorkOrderEvent.objects.filter(work_order=a20.work_order).last()
    assert (event.action, event.get_note_display()) == ("work_center_changed", str(result.summary))
    assert "MILL / GRIND → GRIND" in event.get_note_display()
    # And back to the routing's own center.
    change_work_center(actor=planner, operation=a20, work_center=shop["mill"], expected_version=operation_version(a20),
                       now=m)
    a20.refresh_from_db()
    assert (a20.work_center, a20.alternative_work_center) == (shop["mill"], None)


def test_change_to_an_inactive_or_foreign_work_center_is_refused(shop, planner):
    a20 = op_of(shop, "A", 20)
    WorkCenter.objects.filter(pk=shop["grind"].pk).update(is_active=False)
    before = snapshot()
    with pytest.raises(ValidationError, match="Work center GRIND is inactive"):
        change_work_center(actor=planner, operation=a20, work_center=shop["grind"],
                           expected_version=operation_version(a20), now=shop["monday"])
    with pytest.raises(ValidationError, match="cannot run on CUT: its routing names MILL, GRIND"):
        change_work_center(actor=planner, operation=a20, work_center=shop["cut"],
                           expected_version=operation_version(a20), now=shop["monday"])
    with pytest.raises(ValidationError, match="is inactive"):
        move(shop, planner, a20, at(shop["monday"], 14), work_center=shop["grind"])
    assert snapshot() == before


def test_a_locked_operation_keeps_its_work_center_until_unlocked(shop, planner):
    a20 = op_of(shop, "A", 20)
    move(shop, planner, a20, at(shop["monday"], 14))
    a20.refresh_from_db()
    before = snapshot()
    with pytest.raises(ValidationError, match="is locked at its place: unlock it first"):
        change_work_center(actor=planner, operation=a20, work_center=shop["grind"],
                           expected_version=operation_version(a20), now=shop["monday"])
    assert snapshot() == before


# --- lock / unlock ---

def test_lock_and_unlock_at_the_current_place(shop, planner):
    m = shop["monday"]
    a20 = op_of(shop, "A", 20)
    set_operation_lock(actor=planner, operation=a20, locked=True, expected_version=operation_version(a20), now=m)
    assert place(a20) == ("MILL", 0, at(m, 10), at(m, 12), True)
    before = snapshot()
    with pytest.raises(ValidationError, match="was changed by someone else"):  # the lock changed the version
        set_operation_lock(actor=planner, operation=a20, locked=True, expected_version="0" * 16, now=m)
    with pytest.raises(ValidationError, match="is already locked"):
        set_operation_lock(actor=planner, operation=a20, locked=True, expected_version=operation_version(a20), now=m)
    assert snapshot() == before
    set_operation_lock(actor=planner, operation=a20, locked=False, expected_version=operation_version(a20), now=m)
    assert place(a20)[-1] is False
    assert list(WorkOrderEvent.objects.filter(work_order=a20.work_order).values_list("action", flat=True))[-2:] == [
        "operation_locked", "operation_unlocked"]


# --- split ---

def test_split_a_planned_work_order(shop, planner):
    m = shop["monday"]
    work_order = op_of(shop, "A", 10).work_order
    result = split_work_order(actor=planner, work_order=work_order, quantity="1",
                              expected_version=work_order_version(work_order), now=m)
    work_order.refresh_from_db()
    new = result.work_order
    assert (work_order.quantity, new.quantity, new.split_from, new.order, new.order_line, new.status) == (
        D("1"), D("1"), work_order, work_order.order, work_order.order_line, "planned")
    assert new.number != work_order.number and new.batch_number == new.number
    assert [(op.sequence, op.quantity, op.work_center.code) for op in new.operations.order_by("sequence")] == [
        (10, D("1"), "CUT"), (20, D("1"), "MILL")]
    assert list(work_order.operations.order_by("sequence").values_list("quantity", flat=True)) == [D("1"), D("1")]
    assert all(op.planned_start is not None for op in new.operations.all())  # the reschedule placed the new work
    assert WorkOrderEvent.objects.filter(work_order=work_order, action="split").exists()
    assert WorkOrderEvent.objects.filter(work_order=new, action="split_from", actor=planner).exists()
    assert result.summary.endswith(f"go to the new work order {new.number}.")


@pytest.mark.parametrize("quantity, message", [
    ("0", "more than 0 and less than 2"),
    ("-1", "more than 0 and less than 2"),
    ("2", "more than 0 and less than 2"),
    ("3", "more than 0 and less than 2"),
    ("abc", "is not a number"),
    ("", "Enter the quantity"),
    ("0.5", "cannot have decimals"),
])
def test_bad_split_quantities_are_refused(shop, planner, quantity, message):
    work_order = op_of(shop, "A", 10).work_order
    before = snapshot()
    with pytest.raises(ValidationError, match=message):
        split_work_order(actor=planner, work_order=work_order, quantity=quantity,
                         expected_version=work_order_version(work_order), now=shop["monday"])
    assert snapshot() == before


def test_a_released_work_order_cannot_be_split_and_a_stale_split_is_refused(shop, planner):
    work_order = op_of(shop, "A", 10).work_order
    seen = work_order_version(work_order)
    release_plan(actor=planner, order=shop["orders"]["A"])
    before = snapshot()
    with pytest.raises(ValidationError, match="was changed by someone else"):
        split_work_order(actor=planner, work_order=work_order, quantity="1", expected_version=seen)
    work_order.refresh_from_db()
    with pytest.raises(ValidationError, match="only planned work orders can be split"):
        split_work_order(actor=planner, work_order=work_order, quantity="1",
                         expected_version=work_order_version(work_order))
    assert snapshot() == before


def test_split_shares_the_sub_assemblies(db, planner):
    sample = build_shop()  # F needs 1 S each; 4 F → S 4
    order = make_order(creator=user_with_role("sales"), status=OrderStatus.APPROVED, products=[sample["product"]],
                       quantities=[D("4")], requested_in_days=60)
    monday = next_monday()
    plan_order(actor=planner, order=order, now=monday)
    top = WorkOrder.objects.get(order=order, parent__isnull=True)
    result = split_work_order(actor=planner, work_order=top, quantity="3", expected_version=work_order_version(top),
                              now=monday)
    new = result.work_order
    assert top.children.get().quantity == D("3")
    child = new.children.get()
    assert (child.quantity, child.item, child.split_from) == (D("1"), sample["sub"], top.children.get())
    # Every part's sub-assembly ends before the part starts.
    for work_order in (top, new):
        work_order.refresh_from_db()
        assert work_order.children.get().planned_end <= work_order.planned_start


# --- the dialog (views) ---

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "http://testserver/planning/gantt/?zoom=week"}


def dialog_url(op):
    return reverse("planning:operation_adjust", args=[op.pk])


def local_input(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def move_data(op, start, **extra):
    return {"move-start": local_input(start), "move-work_center": str(op.planned_work_center_id),
            "move-unit": "", "move-version": operation_version(op), **extra}


def test_the_dialog_is_a_fragment_for_htmx_and_a_page_without(client, shop, planner):
    a20 = op_of(shop, "A", 20)
    client.force_login(planner)
    fragment = client.get(dialog_url(a20), **HTMX)
    text = fragment.content.decode()
    assert fragment.status_code == 200 and "<html" not in text
    assert 'data-testid="adjust-dialog"' in text
    assert f'value="{local_input(a20.planned_start)}"' in text  # the start field shows the planned start
    assert f'value="{operation_version(a20)}"' in text
    assert 'value="http://testserver/planning/gantt/?zoom=week"' in text  # back to the Gantt afterwards
    for testid in ("move-form", "lock-form", "center-form", "split-form"):
        assert f'data-testid="{testid}"' in text
    assert "MILL" in text and "GRIND" in text
    page = client.get(dialog_url(a20)).content.decode()
    assert "<html" in page and 'data-testid="adjust-dialog"' in page


def test_a_drag_on_the_gantt_proposes_the_shifted_start(client, shop, planner):
    a20 = op_of(shop, "A", 20)  # planned 10:00
    client.force_login(planner)
    text = client.get(dialog_url(a20), {"shift": "127"}, **HTMX).content.decode()
    assert f'value="{local_input(at(shop["monday"], 12, 5))}"' in text  # 12:07 on the five-minute step: 12:05
    text = client.get(dialog_url(a20), {"shift": "nonsense"}, **HTMX).content.decode()
    assert f'value="{local_input(at(shop["monday"], 10))}"' in text


def test_move_through_the_dialog_redirects_back_with_the_finish_changes(client, shop, planner):
    m = shop["monday"]
    a20 = op_of(shop, "A", 20)
    client.force_login(planner)
    back = "/planning/gantt/?zoom=week"
    response = client.post(reverse("planning:operation_move", args=[a20.pk]),
                           {**move_data(a20, at(m, 14)), "next": back}, **HTMX)
    assert response.status_code == 200 and response["HX-Redirect"] == back
    assert place(a20) == ("MILL", 0, at(m, 14), at(m, 16), True)
    page = client.get(back).content.decode()
    assert "moved: MILL unit 1," in page
    assert f"Planned finish of {shop['orders']['A'].number}:" in page and "(later by 4 h)" in page
    assert f"Planned finish of {shop['orders']['B'].number}:" in page and "(earlier by 2 h)" in page


def test_refused_moves_show_the_message_in_the_dialog_and_change_nothing(client, shop, planner):
    m = shop["monday"]
    a20 = op_of(shop, "A", 20)
    client.force_login(planner)
    before = snapshot()
    url = reverse("planning:operation_move", args=[a20.pk])
    fragment = client.post(url, move_data(a20, at(m, 9)), **HTMX)
    text = fragment.content.decode()
    assert fragment.status_code == 200 and "HX-Redirect" not in fragment
    assert 'data-testid="adjust-errors"' in text and "cannot start before operation 10" in text
    assert "Nothing was changed." in text and "<html" not in text
    page = client.post(url, move_data(a20, at(m, 10, days=5))).content.decode()  # Saturday, without JavaScript
    assert "<html" in page and "is not working time on MILL" in page
    stale = client.post(url, {**move_data(a20, at(m, 14)), "move-version": "0" * 16}).content.decode()
    assert "was changed by someone else meanwhile" in stale
    assert "Enter the new start" in client.post(url, {**move_data(a20, at(m, 14)), "move-start": ""}).content.decode()
    assert snapshot() == before


def test_lock_change_center_and_split_through_the_dialog(client, shop, planner):
    a20 = op_of(shop, "A", 20)
    client.force_login(planner)
    response = client.post(reverse("planning:operation_lock", args=[a20.pk]),
                           {"lock-locked": "on", "lock-version": operation_version(a20)})
    assert response.status_code == 302
    assert place(a20)[-1] is True
    a20.refresh_from_db()
    refused = client.post(reverse("planning:operation_work_center", args=[a20.pk]),
                          {"center-work_center": str(shop["grind"].pk), "center-version": operation_version(a20)})
    assert "is locked at its place: unlock it first" in refused.content.decode()
    client.post(reverse("planning:operation_lock", args=[a20.pk]), {"lock-version": operation_version(a20)})
    a20.refresh_from_db()
    client.post(reverse("planning:operation_work_center", args=[a20.pk]),
                {"center-work_center": str(shop["grind"].pk), "center-version": operation_version(a20)})
    a20.refresh_from_db()
    assert a20.work_center == shop["grind"] and a20.planned_work_center == shop["grind"]

    work_order = a20.work_order
    split_url = reverse("planning:work_order_split", args=[work_order.pk])
    before = snapshot()
    bad = client.post(split_url, {"split-quantity": "abc", "split-version": work_order_version(work_order),
                                  "operation": str(a20.pk)}, **HTMX).content.decode()
    assert "“abc” is not a number" in bad and 'data-testid="move-form"' in bad  # the operation's dialog again
    assert snapshot() == before
    client.post(split_url, {"split-quantity": "1", "split-version": work_order_version(work_order)})
    assert WorkOrder.objects.get(split_from=work_order).quantity == D("1")


@pytest.mark.parametrize("role", ["production", "sales", "manager"])
def test_other_roles_get_403_from_the_dialog_and_change_nothing(client, shop, role):
    a20 = op_of(shop, "A", 20)
    client.force_login(user_with_role(role))
    before = snapshot()
    assert client.get(dialog_url(a20)).status_code == 403
    assert client.post(reverse("planning:operation_move", args=[a20.pk]),
                       move_data(a20, at(shop["monday"], 14))).status_code == 403
    assert client.post(reverse("planning:operation_lock", args=[a20.pk]),
                       {"lock-locked": "on", "lock-version": operation_version(a20)}).status_code == 403
    assert client.post(reverse("planning:operation_work_center", args=[a20.pk]),
                       {"center-work_center": str(shop["grind"].pk)}).status_code == 403
    assert client.post(reverse("planning:work_order_split", args=[a20.work_order_id]),
                       {"split-quantity": "1"}).status_code == 403
    assert snapshot() == before


def test_a_started_operation_shows_why_it_cannot_be_changed(client, shop, planner):
    a10 = op_of(shop, "A", 10)
    WorkOrderOperation.objects.filter(pk=a10.pk).update(status="in_progress", started_at=shop["monday"])
    client.force_login(planner)
    text = client.get(dialog_url(a10)).content.decode()
    assert "cannot be changed" in text and 'data-testid="move-form"' not in text


def test_the_plan_page_lists_operations_with_the_same_actions(client, shop, planner):
    order = shop["orders"]["A"]
    client.force_login(planner)
    page = client.get(reverse("planning:plan_detail", args=[order.pk])).content.decode()
    for op in WorkOrderOperation.objects.filter(work_order__order=order):
        assert f'href="{dialog_url(op)}"' in page
    work_order = WorkOrder.objects.get(order=order)
    assert f'href="{reverse("planning:work_order_split", args=[work_order.pk])}"' in page
    assert 'id="adjust-dialog"' in page
    split_page = client.get(reverse("planning:work_order_split", args=[work_order.pk])).content.decode()
    assert 'data-testid="split-form"' in split_page and 'data-testid="move-form"' not in split_page


# --- the Gantt stays one query for its bars ---

def add_operations(shop, count):
    """`count` more operations on MILL in the week of the plan (a new one every two minutes)."""
    work_order = op_of(shop, "A", 10).work_order
    start = shop["monday"]
    last = WorkOrderOperation.objects.filter(work_order=work_order).count()
    WorkOrderOperation.objects.bulk_create([
        WorkOrderOperation(work_order=work_order, sequence=100 + last + i, work_center=shop["mill"],
                           planned_work_center=shop["mill"], planned_unit=i % 2, run_minutes_per_unit=D("1"),
                           quantity=D("1"), planned_start=start + timedelta(minutes=2 * i),
                           planned_end=start + timedelta(minutes=2 * i + 10))
        for i in range(count)])


def test_the_gantt_with_adjust_links_costs_the_same_queries_for_4_and_2000_operations(client, shop, planner):
    client.force_login(planner)
    params = {"date": shop["monday"].date().isoformat(), "zoom": "week"}

    def queries(url_name):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse(url_name), params)
        assert response.status_code == 200
        return len(captured), response.content.decode().count('class="gantt-bar')

    few = {name: queries(name) for name in ("planning:gantt", "planning:gantt_orders")}
    assert [bars for _count, bars in few.values()] == [4, 4]
    add_operations(shop, 1996)
    many = {name: queries(name) for name in ("planning:gantt", "planning:gantt_orders")}
    assert [bars for _count, bars in many.values()] == [2000, 2000]
    assert [count for count, _bars in many.values()] == [count for count, _bars in few.values()]


# --- races on PostgreSQL (real, separate connections) ---

@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("postgres_only")
def test_a_move_clicked_twice_at_once_moves_once():
    monday, planner = next_monday(), user_with_role("planner")
    shop = build_two_orders(monday, planner)
    a20 = op_of(shop, "A", 20)
    version = operation_version(a20)
    results = run_together(*[lambda: move_operation(actor=planner, operation=a20, start=at(monday, 14),
                                                    expected_version=version, now=monday)] * 2)
    assert sum(isinstance(r, adjustments.Adjustment) for r in results) == 1, results
    refused = next(r for r in results if not isinstance(r, adjustments.Adjustment))
    assert isinstance(refused, ValidationError) and "changed by someone else" in str(refused)
    assert WorkOrderEvent.objects.filter(action="operation_moved").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("postgres_only")
def test_a_split_clicked_twice_at_once_splits_once():
    monday, planner = next_monday(), user_with_role("planner")
    shop = build_two_orders(monday, planner)
    work_order = op_of(shop, "A", 10).work_order
    version = work_order_version(work_order)
    results = run_together(*[lambda: split_work_order(actor=planner, work_order=work_order, quantity="1",
                                                      expected_version=version, now=monday)] * 2)
    assert sum(isinstance(r, adjustments.Adjustment) for r in results) == 1, results
    assert WorkOrder.objects.filter(split_from=work_order).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("postgres_only")
def test_a_move_and_a_replan_at_once_both_finish_without_sharing_a_machine():
    monday, planner = next_monday(), user_with_role("planner")
    shop = build_two_orders(monday, planner)
    a20 = op_of(shop, "A", 20)
    version = operation_version(a20)
    results = run_together(
        lambda: move_operation(actor=planner, operation=a20, start=at(monday, 14), expected_version=version,
                               now=monday),
        lambda: plan_order(actor=user_with_role("planner"), order=shop["orders"]["B"], now=monday))
    assert not any(isinstance(r, Exception) for r in results), results
    assert place(a20) == ("MILL", 0, at(monday, 14), at(monday, 16), True)
    rows = WorkOrderOperation.objects.filter(work_order__status="planned").values_list(
        "planned_work_center", "planned_unit", "planned_start", "planned_end")
    by_unit = {}
    for center, unit, start, end in rows:
        by_unit.setdefault((center, unit), []).append((start, end))
    for spans in by_unit.values():
        spans.sort()
        assert all(end <= following for (_s, end), (following, _e) in zip(spans, spans[1:], strict=False))


# --- in a real browser (the dialog's JavaScript: htmx fragment in a <dialog>, drag to move) ---

PASSWORD = "pw-OrderFlow-2026"  # UserFactory's password


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_in_a_browser_a_bar_opens_the_dialog_keeps_errors_in_it_and_a_move_goes_back_to_the_gantt(
        page, live_server, login):
    from playwright.sync_api import expect

    monday, planner = next_monday(), user_with_role("planner")
    shop = build_two_orders(monday, planner)
    a20, b20 = op_of(shop, "A", 20), op_of(shop, "B", 20)
    login(page, live_server, planner.username, PASSWORD)
    gantt_url = f"{live_server.url}{reverse('planning:gantt')}?date={monday.date().isoformat()}&zoom=week"
    page.goto(gantt_url)

    page.locator(f'svg.gantt a[href="{dialog_url(a20)}"] rect').click()
    dialog = page.locator("#adjust-dialog")
    expect(dialog.locator("[data-testid=move-form]")).to_be_visible()
    assert page.url == gantt_url  # a dialog on the chart, not a new page
    dialog.locator("#id_move-start").fill(local_input(at(monday, 9)))
    dialog.locator("[data-testid=move-submit]").click()
    expect(dialog.locator("[data-testid=adjust-errors]")).to_contain_text("cannot start before operation 10")
    assert place(a20)[2] == at(monday, 10)  # nothing changed

    dialog.locator("#id_move-start").fill(local_input(at(monday, 14)))
    dialog.locator("[data-testid=move-submit]").click()
    expect(page.locator(".messages")).to_contain_text("locked there")
    assert page.url == gantt_url
    assert place(a20) == ("MILL", 0, at(monday, 14), at(monday, 16), True)
    expect(page.locator(f'svg.gantt a[href="{dialog_url(a20)}"] .gantt-lock')).to_have_count(1)

    # Dragging B/20 to the right opens its dialog with a later start proposed; Close leaves it unchanged.
    bar = page.locator(f'svg.gantt a[href="{dialog_url(b20)}"] rect').bounding_box()
    page.mouse.move(bar["x"] + bar["width"] / 2, bar["y"] + bar["height"] / 2)
    page.mouse.down()
    page.mouse.move(bar["x"] + bar["width"] / 2 + 40, bar["y"] + bar["height"] / 2, steps=8)
    page.mouse.up()
    expect(dialog.locator("[data-testid=move-form]")).to_be_visible()
    proposed = dialog.locator("#id_move-start").input_value()
    planned = local_input(op_of(shop, "B", 20).planned_start)
    assert proposed > planned and int(proposed[-2:]) % 5 == 0, (proposed, planned)
    dialog.locator("[data-adjust-close]").last.click()
    expect(dialog).to_be_hidden()
    assert not place(b20)[-1]
