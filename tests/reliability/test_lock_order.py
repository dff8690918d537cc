"""Races between two actions on the same order, on PostgreSQL with separate connections (docs/locking.md):
each pair finishes without a deadlock and leaves a consistent outcome (one of them won, the other was
refused with a message, or both happened in some order). Each race runs several times, since a deadlock
shows only when both transactions hold their first lock at the same moment."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.utils import OperationalError
from django.utils import timezone

from inventory import goods_receipts, prep_sheet_issuing, prep_sheets, purchasing
from inventory.goods_receipts import ReceiptInput
from inventory.models import PrepSheetStatus, Reservation, StockBalance, StockMove
from inventory.purchasing import PurchaseLineInput
from orders import changes
from orders import services as order_services
from orders.models import ChangeRequest, Order, OrderLine, OrderStatus
from orders.services import OrderActionRefused
from planning.models import WorkOrder
from planning.plans import PlanResult, plan_order
from quality import services as quality_services
from quality.models import IS, Inspection
from shipping import services as shipping_services
from shipping.models import Shipment, ShipmentStatus
from tests.fixtures.concurrency import run_together
from tests.fixtures.factories import user_with_role
from tests.inventory.materialdata import buyer, in_days, machine_order, make_machine, make_supplier
from tests.inventory.stockdata import keeper, ledger_mismatches, make_location, make_warehouse, receive
from tests.planning.test_work_orders import approved_order, build_shop, next_monday
from tests.quality.setup import PASSWORD, fill, give_plan, made_product, order_awaiting_qc
from tests.shipping.helpers import details, fg_location, finished_good, pick, produce, qc_passed_order

TRIALS = 5
REFUSALS = (ValidationError, OrderActionRefused, PermissionDenied)


def no_deadlock(results):
    """Neither side died of a lock problem (the user would have seen the 503 page)."""
    for result in results:
        assert not isinstance(result, OperationalError), f"lock failure: {result!r}"
        assert result is None or not isinstance(result, Exception) or isinstance(result, REFUSALS), repr(result)


def message(result):
    return " ".join(result.messages) if isinstance(result, ValidationError) else str(result)


# --- issue material vs cancel the order ---------------------------------------------------------------

@pytest.fixture
def machine():
    return make_machine()


@pytest.fixture
def shelf(machine):
    location = make_location("A-01", warehouse=make_warehouse("WH1"), pick_sequence=1)
    for item, lot in ((machine.screw, "SC-1"), (machine.gasket, "GK-1"), (machine.steel, "ST-1")):
        receive(item, location, "500", lot=lot)
    return location


@pytest.mark.parametrize("trial", range(TRIALS))
@pytest.mark.django_db(transaction=True)
def test_issuing_and_cancelling_at_once_never_deadlock(postgres_only, machine, shelf, trial):
    warehouse, desk = keeper(), user_with_role("order_desk")
    order = machine_order(machine, quantity="1", status=OrderStatus.PLANNED)
    sheet = prep_sheets.generate_prep_sheet(actor=warehouse, order=order)
    issue, cancel = run_together(
        lambda: prep_sheet_issuing.issue_prep_sheet_material(actor=warehouse, sheet=sheet, code="GK-1"),
        lambda: order_services.cancel_order(actor=desk, order=order, reason="customer withdrew"))
    no_deadlock([issue, cancel])
    order.refresh_from_db()
    sheet.refresh_from_db()
    issued = StockMove.objects.filter(order=order, kind="issue").count()
    if isinstance(issue, prep_sheet_issuing.IssueResult):  # issued first: the cancel saw it and refused
        assert isinstance(cancel, ValidationError), cancel
        assert "returns it to stock" in message(cancel)
        assert order.status == OrderStatus.PLANNED and issued == 1
        assert sheet.status != PrepSheetStatus.CANCELLED
    else:  # cancelled first: the issue was refused with the order's state, nothing was posted
        assert isinstance(issue, ValidationError), issue
        assert order.number in message(issue) and "cancelled" in message(issue)
        assert order.status == OrderStatus.CANCELLED and issued == 0
        assert sheet.status == PrepSheetStatus.CANCELLED


# --- plan vs change of the same order ------------------------------------------------------------------

@pytest.mark.parametrize("trial", range(TRIALS))
@pytest.mark.django_db(transaction=True)
def test_planning_and_approving_a_change_at_once_never_deadlock(postgres_only, trial):
    shop, planner, desk = build_shop(), user_with_role("planner"), user_with_role("order_desk")
    order = approved_order(shop)
    request = changes.request_change(actor=order.created_by, order=order, kind="quantity",
                                     proposed={"lines": {"1": "5"}}, reason="customer needs more")
    plan, change = run_together(
        lambda: plan_order(actor=planner, order=order, now=next_monday()),
        lambda: changes.approve_change(actor=desk, request=request))
    no_deadlock([plan, change])
    line = OrderLine.objects.get(order=order)
    assert line.quantity == (Decimal("5") if isinstance(change, ChangeRequest) else Decimal("3")), change
    if isinstance(plan, PlanResult):  # planned before or after the change: the plan makes the current quantity
        quantities = set(WorkOrder.objects.filter(order=order, status="planned").values_list("quantity", flat=True))
        assert quantities == {line.quantity}, (quantities, change)
    else:
        assert isinstance(plan, ValidationError), plan


# --- inspect vs change of the same order ----------------------------------------------------------------

@pytest.mark.parametrize("trial", range(TRIALS))
@pytest.mark.django_db(transaction=True)
def test_signing_an_inspection_and_approving_a_change_at_once_never_deadlock(postgres_only, sales, trial):
    qc, manager = user_with_role("qc"), user_with_role("manager")
    product = made_product()
    give_plan(product, actor=qc)
    order, inspection = order_awaiting_qc(sales, product)
    quality_services.start_inspection(actor=qc, inspection=inspection)
    inspection = fill(qc, inspection)
    new_date = timezone.localdate() + timedelta(days=60)
    request = changes.request_change(actor=sales, order=order, kind="date",
                                     proposed={"requested_date": new_date.isoformat()}, reason="customer moved it")
    signed, change = run_together(
        lambda: quality_services.confirm_inspection(actor=qc, inspection=inspection, password=PASSWORD),
        lambda: changes.approve_change(actor=manager, request=request))
    no_deadlock([signed, change])
    assert isinstance(signed, Inspection), signed
    order.refresh_from_db()
    assert Inspection.objects.get(pk=inspection.pk).status == IS.PASSED
    assert order.status == OrderStatus.QC_PASSED  # the change (before or after) did not stop the release
    if isinstance(change, ChangeRequest):
        assert order.requested_date == new_date
    else:
        assert isinstance(change, ValidationError), change


# --- ship vs cancel --------------------------------------------------------------------------------------

@pytest.mark.parametrize("trial", range(TRIALS))
@pytest.mark.django_db(transaction=True)
def test_shipping_and_cancelling_at_once_never_deadlock(postgres_only, trial):
    shipper, desk = user_with_role("shipping"), user_with_role("order_desk")
    product, item = finished_good()
    location = fg_location()
    order = qc_passed_order([product], [10])
    lot = produce(order, item, location, 10, f"RACE-{trial}").moves[0].lot
    draft = shipping_services.create_shipment(actor=shipper, order=order, details=details(),
                                              picks=[pick(order, 1, lot, location, 4)])
    shipped, cancelled_order, cancelled_draft = run_together(
        lambda: shipping_services.ship_shipment(actor=shipper, shipment=draft),
        lambda: order_services.cancel_order(actor=desk, order=order, reason="customer withdrew"),
        lambda: shipping_services.cancel_shipment(actor=shipper, shipment=draft, reason="wrong truck"))
    no_deadlock([shipped, cancelled_order, cancelled_draft])
    # An order whose goods passed QC is never cancelled; the draft is either shipped or cancelled, not both.
    assert isinstance(cancelled_order, OrderActionRefused), cancelled_order
    assert order.number in message(cancelled_order)
    draft.refresh_from_db()
    on_hand = StockBalance.objects.get(lot=lot).on_hand
    if isinstance(shipped, Shipment):
        assert isinstance(cancelled_draft, ValidationError) and "only a draft" in message(cancelled_draft)
        assert draft.status == ShipmentStatus.SHIPPED and on_hand == 6
    else:
        assert isinstance(shipped, ValidationError) and "only a draft" in message(shipped), shipped
        assert draft.status == ShipmentStatus.CANCELLED and on_hand == 10
    assert ledger_mismatches() == []


# --- receive goods bought for the order vs cancel the order ---------------------------------------------

@pytest.mark.parametrize("trial", range(TRIALS))
@pytest.mark.django_db(transaction=True)
def test_receiving_goods_for_the_order_and_cancelling_it_at_once_never_deadlock(postgres_only, machine, trial):
    dock = make_location("DOCK-1", warehouse=make_warehouse("WH1"), pick_sequence=1)
    order = machine_order(machine, quantity="10", status=OrderStatus.PLANNED)
    planner, desk = buyer(), user_with_role("order_desk")
    gasket_request = next(r for r in purchasing.request_order_shortages(actor=planner, order=order)
                          if r.item == machine.gasket)
    purchasing.approve_purchase_request(actor=planner, request=gasket_request)
    po = purchasing.create_purchase_order(actor=planner, supplier=make_supplier(), lines=[PurchaseLineInput(
        item=machine.gasket, quantity=Decimal("60"), unit_price=Decimal("0.35"), expected_date=in_days(4),
        request=gasket_request)])
    purchasing.send_purchase_order(actor=planner, purchase_order=po)
    [line] = po.lines.all()
    received, cancel = run_together(
        lambda: goods_receipts.receive_goods(actor=keeper(), line=line,
                                             data=ReceiptInput(quantity=Decimal("25"), location=dock)),
        lambda: order_services.cancel_order(actor=desk, order=order, reason="customer withdrew"))
    no_deadlock([received, cancel])
    order.refresh_from_db()
    assert isinstance(received, goods_receipts.ReceiptResult), received  # the goods came either way
    active = Reservation.objects.filter(order=order, status="active").count()
    if isinstance(cancel, Order):  # cancelled (before or after the receipt): nothing stays set aside for it
        assert order.status == OrderStatus.CANCELLED and active == 0
    else:
        assert isinstance(cancel, REFUSALS), cancel
        assert order.status == OrderStatus.PLANNED
    assert ledger_mismatches() == []
