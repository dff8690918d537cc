"""The re-inspection of a reworked lot opens when the rework work order is completed on the shop floor,
not when QC decides the rework (the reworked lot does not exist yet then)."""

from decimal import Decimal

import pytest

from orders.models import OrderStatus
from orders.services import OrderActionRefused, transition_order
from production import services as production
from quality import ncr_services
from quality.models import IS, NCR, QUEUE_STATUSES, Inspection
from tests.fixtures.factories import user_with_role

from .test_dispositions import failed, failed_lot, manager, product, qc  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def queued(order):
    return list(Inspection.objects.filter(order=order, status__in=QUEUE_STATUSES))


def test_no_reinspection_at_the_rework_decision_one_when_the_rework_is_completed(failed_lot, qc):  # noqa: F811
    order, ncr = failed_lot
    ncr_services.decide_disposition(actor=qc, ncr=ncr, disposition="rework", note="regrind")
    ncr.refresh_from_db()
    assert ncr.status == NCR.IN_REWORK
    assert queued(order) == []  # nothing for QC to inspect yet

    operator = user_with_role("production")
    (operation,) = ncr.rework_work_order.operations.all()
    production.start_operation(actor=operator, operation=operation)
    production.report_quantities(actor=operator, operation=operation, good="500", scrap="0")
    assert queued(order) == []  # rework under way: still nothing to inspect
    production.complete_operation(actor=operator, operation=operation)

    order.refresh_from_db()
    ncr.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_QC
    (again,) = queued(order)
    assert again.status == IS.OPEN and again.lot_quantity == Decimal("500") and again.lot_number.endswith("-R1")
    assert ncr.status == NCR.CLOSED and again.number in ncr.events.last().get_note_display()


def test_order_finished_before_its_rework_is_done_opens_no_reinspection(failed_lot, qc, admin_user):  # noqa: F811
    order, ncr = failed_lot
    ncr_services.decide_disposition(actor=qc, ncr=ncr, disposition="rework")
    with pytest.raises(OrderActionRefused, match="Work orders not done yet"):  # by hand, rework still open
        transition_order(actor=admin_user, order=order, action="finish_production")
    ncr.refresh_from_db()
    order.refresh_from_db()
    assert queued(order) == [] and ncr.status == NCR.IN_REWORK and order.status == OrderStatus.IN_PRODUCTION
