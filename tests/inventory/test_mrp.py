"""Factory-wide MRP on PostgreSQL: netting once across orders, multi-level explosion with lead-time
offsets, order minimums and multiples, rush priority, reorder suggestions, forecasts as demand, and the
approval of plan lines into purchase requests (once, all or nothing).

The machine of tests/inventory/materialdata.py per unit: FG-CM ← 2 SA-FRAME ← 1 SB-PANEL (20 % scrap)
← 4 RM-SCREW + 0.25 kg RM-STEEL; SA-FRAME ← 3 RM-GASKET; FG-CM ← 0.5 kg RM-STEEL (10 % scrap).
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from inventory import mrp_plans, services
from inventory.forecasting import smooth
from inventory.models import MrpLine, PlanLineKind, PurchaseRequest, PurchaseRequestStatus
from orders.models import Order, OrderStatus
from tests.fixtures.factories import user_with_role
from tests.inventory.materialdata import machine_order, make_machine, make_supplier
from tests.inventory.stockdata import make_location, make_warehouse, receive

pytestmark = pytest.mark.django_db
D = Decimal


def set_item(item, **fields):
    return services.update_item(actor=user_with_role("admin"), item=item, **fields)


def lines_of(run, item, kind=None):
    rows = MrpLine.objects.filter(run=run, item=item).order_by("need_date", "pk")
    return list(rows.filter(kind=kind) if kind else rows)


@pytest.fixture
def machine():
    return make_machine()


@pytest.fixture
def shelf():
    return make_location("A-01", warehouse=make_warehouse("WH1"))


@pytest.fixture
def planner():
    return user_with_role("planner")


def test_free_stock_is_netted_once_across_all_orders(machine, shelf, planner):
    receive(machine.gasket, shelf, "70", lot="GK-1")
    first = machine_order(machine, quantity="10", requested_in_days=20)
    second = machine_order(machine, quantity="10", requested_in_days=30)
    run = mrp_plans.run_mrp(actor=planner, include_forecast=False)
    assert run.orders_planned == 2 and run.started_by == planner
    (gasket,) = lines_of(run, machine.gasket)
    # 2 × 60 gaskets needed, 70 in stock: 50 to buy, for the later order (the earlier one has the stock).
    assert (gasket.kind, gasket.net_quantity, gasket.quantity) == (PlanLineKind.BUY, D("50"), D("50"))
    assert [(d.order_id, d.quantity) for d in gasket.demands.all()] == [(second.pk, D("50"))]
    assert first.pk not in [d.order_id for d in MrpLine.objects.get(pk=gasket.pk).demands.all()]


def test_multi_level_explosion_offsets_each_level_by_its_lead_time(machine, planner):
    set_item(machine.finished, make_lead_time_days=2)
    set_item(machine.frame, make_lead_time_days=3)
    set_item(machine.panel, make_lead_time_days=1)
    order = machine_order(machine, quantity="10", requested_in_days=30)
    due = order.requested_date
    run = mrp_plans.run_mrp(actor=planner, include_forecast=False)

    def one(item):
        (line,) = lines_of(run, item)
        return line.kind, line.need_date, line.release_date, line.quantity

    assert one(machine.finished) == (PlanLineKind.MAKE, due, due - timedelta(days=2), D("10"))
    assert one(machine.frame) == (PlanLineKind.MAKE, due - timedelta(days=2), due - timedelta(days=5), D("20"))
    assert one(machine.panel) == (PlanLineKind.MAKE, due - timedelta(days=5), due - timedelta(days=6), D("25"))
    # Bought items: needed when their parent starts, ordered their purchase lead time before (3, 5, 7 days).
    assert one(machine.screw) == (PlanLineKind.BUY, due - timedelta(days=6), due - timedelta(days=9), D("100"))
    assert one(machine.gasket) == (PlanLineKind.BUY, due - timedelta(days=5), due - timedelta(days=10), D("60"))
    steel = [(x.need_date, x.quantity) for x in lines_of(run, machine.steel)]
    assert steel == [(due - timedelta(days=6), D("6.250")), (due - timedelta(days=2), D("5.556"))]
    assert all(d.order_id == order.pk for x in lines_of(run, machine.steel) for d in x.demands.all())


def test_planned_purchases_respect_minimums_and_multiples_and_the_surplus_covers_later_needs(machine, planner):
    supplier = make_supplier("S-STEEL", lead_time_days=4)
    set_item(machine.screw, minimum_order_quantity=D("150"), preferred_supplier=supplier)
    set_item(machine.steel, order_multiple=D("5"), purchase_lead_time_days=0, preferred_supplier=supplier)
    set_item(machine.finished, make_lead_time_days=2)
    set_item(machine.frame, make_lead_time_days=3)
    machine_order(machine, quantity="10", requested_in_days=30)
    run = mrp_plans.run_mrp(actor=planner, include_forecast=False)
    (screw,) = lines_of(run, machine.screw)
    assert (screw.net_quantity, screw.quantity, screw.supplier) == (D("100"), D("150"), supplier)
    # 6.250 kg → 10 kg (multiple of 5); its 3.750 kg surplus covers part of the later 5.556 kg → 1.806 → 5 kg.
    assert [(x.net_quantity, x.quantity) for x in lines_of(run, machine.steel)] == [
        (D("6.250"), D("10")), (D("1.806"), D("5"))]
    # Each purchase is pegged to what it covers: the first also covers 3.750 kg of the later need.
    assert [sum(d.quantity for d in x.demands.all()) for x in lines_of(run, machine.steel)] == [D("10"), D("1.806")]
    # The item has no purchase lead time of its own: the preferred supplier's 4 days.
    first = lines_of(run, machine.steel)[0]
    assert first.need_date - first.release_date == timedelta(days=4)


def test_rush_orders_get_the_stock_first(machine, shelf, planner):
    receive(machine.gasket, shelf, "60", lot="GK-1")
    normal = machine_order(machine, quantity="10", requested_in_days=10)
    rush = machine_order(machine, quantity="10", requested_in_days=30, priority="rush", rush_reason="客户停线")
    run = mrp_plans.run_mrp(actor=planner, include_forecast=False)
    (gasket,) = lines_of(run, machine.gasket)
    assert [(d.order_id, d.quantity) for d in gasket.demands.all()] == [(normal.pk, D("60"))]
    assert rush.pk != normal.pk


def test_scheduled_receipts_and_the_orders_reservations_are_netted(machine, shelf, planner):
    order = machine_order(machine, quantity="10", status=OrderStatus.APPROVED)
    receive(machine.screw, shelf, "30", lot="SC-1")
    from tests.inventory.materialdata import sent_po

    sent_po(make_supplier(), [(machine.screw, 50, 5)])
    run = mrp_plans.run_mrp(actor=planner, include_forecast=False)
    (screw,) = lines_of(run, machine.screw)
    assert screw.net_quantity == D("20")  # 100 − 30 in stock − 50 on order
    assert Order.objects.get(pk=order.pk).status == OrderStatus.APPROVED  # planning writes nothing to orders


def test_reorder_point_items_get_a_replenishment_suggestion(machine, shelf, planner):
    supplier = make_supplier("S-GK")
    set_item(machine.gasket, reorder_point=D("100"), reorder_quantity=D("250"), order_multiple=D("100"),
             preferred_supplier=supplier)
    receive(machine.gasket, shelf, "40", lot="GK-1")
    run = mrp_plans.run_mrp(actor=planner, include_forecast=False)
    (suggestion,) = lines_of(run, machine.gasket)
    assert suggestion.kind == PlanLineKind.REORDER
    assert (suggestion.quantity, suggestion.projected_stock, suggestion.reorder_point) == (D("300"), D("40"),
                                                                                          D("100"))
    assert suggestion.release_date == run.plan_date and suggestion.supplier == supplier
    assert lines_of(run, machine.screw) == []  # no demand, no reorder point: nothing planned


def test_approval_makes_purchase_requests_once_and_the_next_run_counts_them(machine, planner):
    machine_order(machine, quantity="10", requested_in_days=30)
    run = mrp_plans.run_mrp(actor=planner, include_forecast=False)
    (gasket,) = lines_of(run, machine.gasket)
    (request,) = mrp_plans.approve_plan_lines(actor=planner, line_ids=[gasket.pk])
    assert (request.item, request.quantity, request.status) == (machine.gasket, D("60"), PurchaseRequestStatus.APPROVED)
    assert request.needed_by == gasket.need_date
    gasket.refresh_from_db()
    assert gasket.purchase_request == request and gasket.approved_by == planner

    with pytest.raises(ValidationError) as info:
        mrp_plans.approve_plan_lines(actor=planner, line_ids=[gasket.pk])
    assert request.number in " ".join(info.value.messages)
    assert PurchaseRequest.objects.count() == 1

    again = mrp_plans.run_mrp(actor=planner, include_forecast=False)
    assert lines_of(again, machine.gasket) == []  # the live request is a scheduled receipt now
    (screw,) = lines_of(run, machine.screw)
    with pytest.raises(ValidationError) as info:  # a line of a replaced plan
        mrp_plans.approve_plan_lines(actor=planner, line_ids=[screw.pk])
    assert "newer MRP run" in " ".join(info.value.messages)


def test_a_bad_line_refuses_the_whole_selection_and_writes_nothing(machine, planner):
    machine_order(machine, quantity="10", requested_in_days=30)
    run = mrp_plans.run_mrp(actor=planner, include_forecast=False)
    gasket = lines_of(run, machine.gasket)[0]
    frame = lines_of(run, machine.frame)[0]
    for bad in ([gasket.pk, frame.pk], [gasket.pk, 999999], [], ["x"]):
        with pytest.raises(ValidationError):
            mrp_plans.approve_plan_lines(actor=planner, line_ids=bad)
    assert PurchaseRequest.objects.count() == 0
    assert not MrpLine.objects.filter(purchase_request__isnull=False).exists()
    with pytest.raises(PermissionDenied):
        mrp_plans.approve_plan_lines(actor=user_with_role("warehouse"), line_ids=[gasket.pk])
    with pytest.raises(PermissionDenied):
        mrp_plans.run_mrp(actor=user_with_role("sales"))
    with pytest.raises(ValidationError):
        mrp_plans.run_mrp(actor=planner, horizon_days=0)


def test_forecast_of_a_make_to_stock_item_is_planned_as_demand(machine, planner):
    set_item(machine.finished, make_to_stock=True)
    today = timezone.localdate()
    for weeks_ago in range(1, 13):
        order = machine_order(machine, quantity=str(8 + weeks_ago % 3), status=OrderStatus.SUBMITTED)
        Order.objects.filter(pk=order.pk).update(submitted_at=timezone.now() - timedelta(weeks=weeks_ago))
    run = mrp_plans.run_mrp(actor=planner, horizon_days=28, include_forecast=True, today=today)
    forecasts = list(run.forecasts.filter(item=machine.finished).order_by("week"))
    assert len(forecasts) == 4 and all(D("5") <= f.quantity <= D("15") for f in forecasts)
    made = lines_of(run, machine.finished, PlanLineKind.MAKE)
    assert made and {d.forecast_week for x in made for d in x.demands.all()} == {f.week for f in forecasts}
    assert sum(x.quantity for x in made) == sum(f.quantity for f in forecasts)


def test_smoothing_follows_a_trend_and_damps_it():
    rising = [10 + 2 * n for n in range(20)]
    values, method = smooth(rising, 4)
    assert method == "holt" and values[0] > rising[-1] and values[3] - values[2] <= values[1] - values[0] + 1e-9
    assert smooth([0] * 10, 3) == ([0.0, 0.0, 0.0], "")
    assert smooth([0, 0, 5, 0, 6], 2)[1] == "simple"


def test_the_nightly_task_runs_mrp_as_nobody_and_is_on_the_beat_schedule(machine, settings):
    from inventory import tasks

    machine_order(machine, quantity="2", requested_in_days=30)
    run_id = tasks.run_mrp()
    run = mrp_plans.latest_run()
    assert run.pk == run_id and run.started_by is None and run.lines.exists()
    assert settings.CELERY_BEAT_SCHEDULE["nightly-mrp-run"]["task"] == "inventory.tasks.run_mrp"
