"""The stock, quality and shipping demo data (`seed_stock_demo`, `seed_quality_demo` and
`seed_shipping_demo` after `seed_demo` and `seed_planning_demo`, as `make run` does): made through the
services, safe to run twice, and it gives the warehouse, QC and shipping roles real work: stock with a
shortage, prep sheets to issue, inspections that can start, and passed orders that can ship; the orders
past QC carry their real inspections and shipments."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.urls import reverse

from inventory.demo_data import FINISHED_GOODS, SHORT, SUPPLIERS
from inventory.models import Lot, MaterialPrepSheet, PurchaseOrderLine, StockBalance, StockMove, Supplier
from orders.demo_data import ensure_role_users
from orders.models import Order, OrderEvent, OrderStatus
from quality import services as quality_services
from quality.hooks import lines_not_accepted
from quality.models import Inspection, InspectionPlan, Nonconformance
from shipping.deliveries import undelivered_shipments
from shipping.services import goods_not_dispatched, qc_passed_unshipped
from tests.orders.test_seed_demo import assert_event_chains_consistent

pytestmark = pytest.mark.django_db


def run(command):
    out = StringIO()
    call_command(command, force=True, stdout=out, stderr=out)
    return out.getvalue()


@pytest.fixture
def demo():
    for command in ("seed_demo", "seed_planning_demo"):
        run(command)


def test_demo_commands_refuse_without_force_or_before_the_orders_demo():
    for command in ("seed_stock_demo", "seed_quality_demo", "seed_shipping_demo"):
        with pytest.raises(CommandError, match="DEBUG is off"):
            call_command(command, stdout=StringIO())
        with pytest.raises(CommandError, match="seed_demo"):
            call_command(command, force=True, stdout=StringIO())


def test_stock_and_quality_demo_give_every_stage_work_and_are_idempotent(demo, client):
    stock_output, quality_output = run("seed_stock_demo"), run("seed_quality_demo")
    assert "Stock demo data" in stock_output and "Quality demo data" in quality_output
    counts = (StockMove.objects.count(), Lot.objects.count(), MaterialPrepSheet.objects.count(),
              InspectionPlan.objects.count())
    again = run("seed_stock_demo")
    assert "0 items, 0 prep sheets, 0 suppliers, 0 purchase orders" in again
    assert "0 inspection plans" in run("seed_quality_demo")
    assert (StockMove.objects.count(), Lot.objects.count(), MaterialPrepSheet.objects.count(),
            InspectionPlan.objects.count()) == counts

    # Suppliers to buy from, and a sent purchase order for the items kept short, to receive on one page.
    assert "3 suppliers, 2 purchase orders" in stock_output
    assert set(Supplier.objects.values_list("code", flat=True)) == {code for code, *_rest in SUPPLIERS}
    ordered = PurchaseOrderLine.objects.filter(purchase_order__status="sent")
    assert set(ordered.values_list("item__code", flat=True)) >= set(SHORT)
    # A delivery of several lines, to receive on one page.
    assert max(ordered.values("purchase_order_id").annotate(n=Count("id")).values_list("n", flat=True)) > 1
    # Bought items have stock; the ones kept short are short.
    for code, quantity in SHORT.items():
        assert StockBalance.objects.get(item__code=code).on_hand == quantity
    # Every planned order has a prep sheet for the warehouse.
    planned = Order.objects.filter(status=OrderStatus.PLANNED)
    assert planned.exists() and set(MaterialPrepSheet.objects.values_list("order_id", flat=True)) == set(
        planned.values_list("pk", flat=True))
    # Every product has a plan, so QC can start the inspections waiting in the queue.
    users = ensure_role_users()
    waiting = Inspection.objects.filter(status="open", order__status=OrderStatus.AWAITING_QC).first()
    quality_services.start_inspection(actor=users["qc"], inspection=waiting)
    assert set(quality_services.sample_sizes(Inspection.objects.get(pk=waiting.pk))) == {"critical", "major",
                                                                                         "minor"}
    # The pages of the roles show it.
    client.force_login(users["warehouse"])
    page = client.get(reverse("inventory:prep_sheet_list")).content.decode()
    assert MaterialPrepSheet.objects.first().number in page

    # Last, the orders past QC, through the real inspections and shipments (their transitions' conditions).
    assert "20 orders past QC" in run("seed_shipping_demo")
    orders = list(Order.objects.all())
    assert {order.status for order in orders} == set(OrderStatus.values)
    assert_event_chains_consistent(orders)
    S = OrderStatus
    for order in orders:
        if order.status == S.QC_PASSED:  # its passed lots are in FG, ready to ship
            assert not lines_not_accepted(order), order.number
            unshipped = qc_passed_unshipped(order)
            assert unshipped and all(quantity > 0 for quantity in unshipped.values()), order.number
            assert StockBalance.objects.filter(location__code=FINISHED_GOODS, lot__number=f"{order.number}-1").exists()
        if order.status == S.QC_PASSED:  # the warehouse has yet to confirm the receipt QC's pass drafted
            assert order.finished_goods_receipts.filter(confirmation__isnull=True).exists(), order.number
        if order.status in (S.SHIPPED, S.DELIVERED, S.CLOSED):
            assert order.shipments.exists() and not goods_not_dispatched(order), order.number
            # The goods were received into stock by the warehouse before they left.
            receipts = order.finished_goods_receipts.all()
            assert receipts and all(r.confirmation.confirmed_by.username == "warehouse" for r in receipts), order.number
        if order.status in (S.DELIVERED, S.CLOSED):
            assert not undelivered_shipments(order), order.number
    rework = Nonconformance.objects.get(disposition="rework")
    assert rework.order.status == S.IN_PRODUCTION and rework.rework_work_order is not None
    assert OrderEvent.objects.filter(order=rework.order, action="fail_qc").exists()
    assert Order.objects.filter(status=S.CLOSED, events__action="resume").exists()  # held, resumed, closed
    assert Order.objects.filter(status=S.CLOSED, customer__is_active=False).exists()  # inactive customers' history
    assert "already seeded" in run("seed_shipping_demo")
