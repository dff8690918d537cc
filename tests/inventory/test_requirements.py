"""Material requirements: a hand-checked 3-level BOM with scrap %, netted against usable stock (not
quarantined, not expired), the order's issues and reservations, and open purchase order lines with
the dates they cover the shortages; the batch version's fixed query count; planning's material date."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inventory import requirements, stock_services
from inventory.ledger import DocumentRef
from inventory.models import LotStatus
from inventory.purchasing import order_demand
from inventory.reservations import reserve_stock
from inventory.stock_services import LotInput
from orders.models import OrderStatus
from tests.fixtures.factories import ProductFactory, make_order, user_with_role
from tests.inventory.materialdata import in_days, machine_order, make_machine, make_supplier, sent_po
from tests.inventory.stockdata import keeper, make_location, make_warehouse, receive

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def machine():
    return make_machine()


@pytest.fixture
def shelves():
    warehouse = make_warehouse("WH1")
    return {code: make_location(code, warehouse=warehouse, pick_sequence=n)
            for n, code in enumerate(["A-01", "A-02", "B-01", "B-02"], start=1)}


def test_explosion_is_netted_against_stock_reservations_issues_and_purchase_orders(machine, shelves):
    order = machine_order(machine, quantity="10")
    other = machine_order(machine, quantity="1")
    today = timezone.localdate()
    # Steel: 5 kg usable; 3 kg in quarantine and 2 kg expired do not count.
    receive(machine.steel, shelves["A-01"], "5", lot="ST-1")
    stock_services.receive_stock(actor=keeper(), item=machine.steel, location=shelves["A-02"], quantity=D("3"),
                                 lot_input=LotInput(number="ST-Q", status=LotStatus.QUARANTINE))
    receive(machine.steel, shelves["A-02"], "2", lot="ST-OLD", expiry=today - timedelta(days=1))
    # Gaskets: 100 in stock, 50 reserved for another order, 20 for this one → 30 free.
    receive(machine.gasket, shelves["B-01"], "100", lot="GK-1")
    reserve_stock(actor=keeper(), item=machine.gasket, quantity=D("50"), demand=order_demand(other), order=other)
    reserve_stock(actor=keeper(), item=machine.gasket, quantity=D("20"), demand=order_demand(order), order=order)
    # Screws: 150 received, 40 already issued to the order.
    receive(machine.screw, shelves["B-02"], "150", lot="SC-1")
    stock_services.issue_stock(actor=keeper(), item=machine.screw, location=shelves["B-02"], quantity=D("40"),
                               lot=machine.screw.lots.get(), order=order, document=DocumentRef("manual"))
    supplier = make_supplier()
    sent_po(supplier, [(machine.gasket, 6, 5), (machine.steel, 5, 3)])
    sent_po(supplier, [(machine.gasket, 10, 9)])
    sent_po(supplier, [(machine.gasket, 100, 1)], send=False)  # a draft is not on order

    result = requirements.order_requirements(order)
    rows = {c.item.code: (c.required, c.issued, c.reserved, c.available, c.shortage, c.on_order, c.covered_on,
                          c.uncovered) for c in result.components}
    assert rows == {
        # 11.806 needed, 5 free: 6.806 short; 5 kg on order (day 3) leave 1.806 not covered.
        "RM-STEEL": (D("11.806"), 0, 0, D("5"), D("6.806"), D("5"), None, D("1.806")),
        # 60 needed, 20 reserved, 30 free: 10 short, covered by the day-9 line (6 + 10 ≥ 10).
        "RM-GASKET": (D("60"), 0, D("20"), D("30"), D("10"), D("16"), in_days(9), 0),
        # 100 needed, 40 issued, 110 free: no shortage.
        "RM-SCREW": (D("100"), D("40"), 0, D("110"), 0, 0, None, 0),
    }
    assert not result.is_ready and result.covered_on is None
    assert [c.item.code for c in result.shortages] == ["RM-GASKET", "RM-STEEL"]
    # Planning's material date: gaskets on day 9, steel not covered → today + 7 days lead time → day 9.
    assert requirements.material_ready_date(order) == in_days(9)


def test_purchase_lines_bought_for_another_order_do_not_count(machine, shelves):
    order = machine_order(machine, quantity="1")
    other = machine_order(machine, quantity="1")
    from inventory.models import PurchaseOrderLine

    po = sent_po(make_supplier(), [(machine.gasket, 6, 2), (machine.gasket, 4, 4)])
    PurchaseOrderLine.objects.filter(purchase_order=po, line_no=1).update(order=other)
    gasket = requirements.order_requirements(order).component(machine.gasket)
    # 1 machine: 2 frames × 3 = 6 gaskets; only the unassigned 4 (day 4) are on order for this order.
    assert (gasket.required, gasket.on_order, gasket.covered_on, gasket.uncovered) == (D("6"), D("4"), None, D("2"))
    gasket_other = requirements.order_requirements(other).component(machine.gasket)
    assert (gasket_other.on_order, gasket_other.covered_on) == (D("10"), in_days(2))


def test_an_order_fully_in_stock_is_ready_today(machine, shelves):
    order = machine_order(machine, quantity="1")
    # 1 machine: 2 frames; 2 ÷ 0.8 = 2.5 → 3 panels (whole pieces); 12 screws; 6 gaskets;
    # steel 0.556 + 0.75 = 1.306 kg.
    receive(machine.steel, shelves["A-01"], "1.306", lot="ST-1")
    receive(machine.gasket, shelves["B-01"], "6", lot="GK-1")
    receive(machine.screw, shelves["B-02"], "11", lot="SC-1")
    assert requirements.order_requirements(order).component(machine.screw).shortage == 1
    receive(machine.screw, shelves["B-02"], "1", lot="SC-1")
    result = requirements.order_requirements(order)
    assert result.is_ready and not result.errors
    assert requirements.material_ready_date(order) == timezone.localdate()


def test_without_stock_data_planning_keeps_its_own_assumption(machine):
    order = machine_order(machine)
    assert requirements.material_ready_date(order) is None


def test_a_product_without_item_is_reported(machine, shelves):
    receive(machine.steel, shelves["A-01"], "1", lot="ST-1")
    order = make_order(creator=user_with_role("sales"), status=OrderStatus.APPROVED,
                       products=[ProductFactory(sku="X-1")])
    result = requirements.order_requirements(order)
    assert result.errors and "X-1" in result.errors[0]
    assert not result.is_ready
    assert requirements.material_ready_date(order) is None


def test_a_bought_product_is_its_own_requirement(shelves):
    from tests.inventory.masterdata import make_item

    product = ProductFactory(sku="RESALE-1")
    make_item("FG-RESALE", item_type="finished_good", sourcing="buy", product=product)
    order = make_order(creator=user_with_role("sales"), status=OrderStatus.APPROVED, products=[product],
                       quantities=[D("7")])
    [component] = requirements.order_requirements(order).components
    assert (component.item.code, component.required, component.shortage) == ("FG-RESALE", D("7"), D("7"))


def test_batch_costs_the_same_queries_for_2_and_20_orders(machine, shelves):
    receive(machine.steel, shelves["A-01"], "5", lot="ST-1")
    sent_po(make_supplier(), [(machine.gasket, 6, 5)])
    orders = [machine_order(machine, quantity=str(n + 1)) for n in range(20)]

    def queries(batch):
        with CaptureQueriesContext(connection) as captured:
            result = requirements.requirements_for_orders(batch)
        assert set(result) == {o.pk for o in batch}
        return len(captured)

    assert queries(orders[:2]) == queries(orders) == 7
    # The same figures one by one and in the batch.
    batch = requirements.requirements_for_orders(orders)
    for order in orders[:3]:
        single = requirements.order_requirements(order)
        assert [(c.item.code, c.required, c.shortage, c.covered_on) for c in single.components] == [
            (c.item.code, c.required, c.shortage, c.covered_on) for c in batch[order.pk].components]


def test_open_orders_short_of_an_item_are_found_rush_first(machine, shelves):
    receive(machine.screw, shelves["B-02"], "1000", lot="SC-1")
    receive(machine.steel, shelves["A-01"], "1000", lot="ST-1")
    normal = machine_order(machine, quantity="1")
    rush = machine_order(machine, quantity="1", priority="rush", rush_reason="line down")
    machine_order(machine, quantity="1", status=OrderStatus.DRAFT)  # not waiting for materials
    receive(machine.gasket, shelves["B-01"], "6", lot="GK-1")  # enough for one order, but free for both
    assert [r.order for r in requirements.open_orders_short_of(machine.gasket)] == []
    reserve_stock(actor=keeper(), item=machine.gasket, quantity=D("6"), demand=order_demand(rush), order=rush)
    assert [r.order for r in requirements.open_orders_short_of(machine.gasket)] == [normal]
    assert requirements.open_orders_short_of(machine.screw) == []
