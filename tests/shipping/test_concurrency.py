"""Races on PostgreSQL with real, separate connections: two people shipping the same goods at once
(one ships, the other is told why not; stock never negative), two drafts shipped at once, and
shipment numbers under concurrency."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from inventory.models import StockBalance, StockMove
from orders.models import Order, OrderLine, OrderStatus
from shipping import services
from shipping.models import Shipment, ShipmentStatus
from tests.fixtures.concurrency import run_together
from tests.inventory.stockdata import ledger_mismatches

from .helpers import details, fg_location, finished_good, pick, produce, qc_passed_order, ship

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def stocked(postgres_only):
    product, item = finished_good()
    location = fg_location()
    order = qc_passed_order([product], [10])
    lot = produce(order, item, location, 10, "RACE-1").moves[0].lot
    return order, lot, location


def _outcomes(results):
    won = [r for r in results if isinstance(r, Shipment)]
    lost = [r for r in results if isinstance(r, Exception)]
    return won, lost


def test_two_people_shipping_the_same_goods_at_once(stocked, shipper):
    order, lot, location = stocked
    results = run_together(*[lambda: ship(shipper, order, [pick(order, 1, lot, location, 10)]) for _ in range(2)])
    won, lost = _outcomes(results)
    assert len(won) == 1 and len(lost) == 1, results
    assert isinstance(lost[0], ValidationError)
    # The loser waited for the order row and then found it fully shipped.
    assert lost[0].messages == [f"Order {order.number} is already fully shipped: nothing is left to ship."]
    assert Shipment.objects.count() == 1 and Shipment.objects.get().status == ShipmentStatus.SHIPPED
    assert OrderLine.objects.get(order=order).shipped_quantity == 10
    assert Order.objects.get(pk=order.pk).status == OrderStatus.SHIPPED
    assert StockMove.objects.filter(document_type="shipment").count() == 1
    assert StockBalance.objects.get(lot=lot).on_hand == 0 and ledger_mismatches() == []


def test_two_drafts_of_the_same_goods_shipped_at_once(stocked, shipper):
    order, lot, location = stocked
    drafts = [services.create_shipment(actor=shipper, order=order, details=details(),
                                       picks=[pick(order, 1, lot, location, 7)]) for _ in range(2)]
    results = run_together(*[lambda d=d: services.ship_shipment(actor=shipper, shipment=d) for d in drafts])
    won, lost = _outcomes(results)
    assert len(won) == 1 and len(lost) == 1, results
    assert any("only 3 pcs is left to ship" in m for m in lost[0].messages), lost[0].messages
    statuses = sorted(Shipment.objects.values_list("status", flat=True))
    assert statuses == [ShipmentStatus.DRAFT, ShipmentStatus.SHIPPED]
    assert OrderLine.objects.get(order=order).shipped_quantity == 7
    assert StockBalance.objects.get(lot=lot).on_hand == 3 and ledger_mismatches() == []


def test_two_orders_racing_for_the_last_stock_of_a_lot(postgres_only, shipper):
    """Two orders whose passed goods share one lot: the stock lock lets one take the last pieces."""
    product, item = finished_good()
    location = fg_location()
    first, second = qc_passed_order([product], [6]), qc_passed_order([product], [6])
    lot = produce(first, item, location, 6, "SHARED").moves[0].lot
    produce(second, item, location, 6, "SHARED")
    # The warehouse moved 4 of the shared lot elsewhere (a transfer of its own), so 8 are here for 12 wanted.
    other = fg_location()
    from inventory.stock_services import transfer_stock
    from tests.inventory.stockdata import keeper

    transfer_stock(actor=keeper(), item=item, from_location=location, to_location=other, quantity=Decimal("4"),
                   lot=lot)
    results = run_together(lambda: ship(shipper, first, [pick(first, 1, lot, location, 6)]),
                           lambda: ship(shipper, second, [pick(second, 1, lot, location, 6)]))
    won, lost = _outcomes(results)
    assert len(won) == 1 and len(lost) == 1, results
    assert any("Only 2 pcs of" in m for m in lost[0].messages), lost[0].messages
    assert StockBalance.objects.get(lot=lot, location=location).on_hand == 2 and ledger_mismatches() == []


def test_shipment_numbers_are_unique_under_concurrency(postgres_only, shipper):
    product, item = finished_good()
    location = fg_location()
    orders = [qc_passed_order([product], [1]) for _ in range(4)]
    lots = [produce(order, item, location, 1, f"N-{i}").moves[0].lot for i, order in enumerate(orders)]
    results = run_together(*[lambda o=o, lot=lot: ship(shipper, o, [pick(o, 1, lot, location, 1)])
                             for o, lot in zip(orders, lots, strict=True)])
    assert all(isinstance(r, Shipment) for r in results), results
    numbers = [r.number for r in results]
    assert len(set(numbers)) == 4
