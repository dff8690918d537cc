"""The whole loop with the other stages' real services: planning releases the work orders, the shop
floor works them (production.services), the order reaches awaiting_qc with the good quantity as the
lot, the lot fails, is reworked on a rework work order the shop floor works again, and the
re-inspection passes the order."""

from decimal import Decimal

import pytest

from orders.models import OrderStatus
from orders.services import transition_order
from planning import plans
from production import services as shop_floor
from quality import ncr_services, services
from quality.models import IS, NCR, Inspection
from tests.fixtures.factories import make_order, user_with_role

from .setup import PASSWORD, fill, give_plan, made_product


def work(work_order, worker, *, good, scrap=Decimal("0")):
    """Start, report and complete every operation of a work order, in sequence."""
    for operation in work_order.operations.order_by("sequence"):
        shop_floor.start_operation(actor=worker, operation=operation)
        shop_floor.report_quantities(actor=worker, operation=operation, good=good, scrap=scrap,
                                     scrap_reason="other" if scrap else "", note="test" if scrap else "")
        shop_floor.complete_operation(actor=worker, operation=operation)


@pytest.mark.django_db
def test_from_the_shop_floor_through_a_failed_lot_and_rework_to_qc_passed(sales, admin_user):
    qc, planner, worker = user_with_role("qc"), user_with_role("planner"), user_with_role("production")
    product = made_product(sku="HUB-3", name="轮毂 Hub")
    give_plan(product, actor=qc)
    order = make_order(creator=sales, status=OrderStatus.APPROVED, products=[product], quantities=[Decimal("500")])
    plans.plan_order(actor=planner, order=order)
    plans.release_plan(actor=planner, order=order)
    transition_order(actor=admin_user, order=order, action="prepare_materials")
    work_order = order.work_orders.get()
    work(work_order, worker, good=Decimal("480"), scrap=Decimal("20"))

    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_QC
    first = Inspection.objects.get(order=order)
    assert first.lot_quantity == Decimal("480")  # the good quantity of the last operation

    services.start_inspection(actor=qc, inspection=first)
    fill(qc, first, crack="fail")
    ncr = services.confirm_inspection(actor=qc, inspection=first, password=PASSWORD).ncr
    ncr_services.decide_disposition(actor=qc, ncr=ncr, disposition="rework")
    ncr.refresh_from_db()
    order.refresh_from_db()
    assert order.status == OrderStatus.IN_PRODUCTION and ncr.status == NCR.IN_REWORK

    work(ncr.rework_work_order, worker, good=Decimal("480"))
    order.refresh_from_db()
    ncr.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_QC and ncr.status == NCR.CLOSED
    second = Inspection.objects.filter(order=order).exclude(pk=first.pk).get()
    assert second.status == IS.OPEN and second.lot_quantity == Decimal("480")
    services.start_inspection(actor=qc, inspection=second)
    fill(qc, second)
    services.confirm_inspection(actor=qc, inspection=second, password=PASSWORD)
    order.refresh_from_db()
    assert order.status == OrderStatus.QC_PASSED
