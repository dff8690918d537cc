"""Checks of later stages are conditions of the order's transitions (orders.stage_hooks, Hook.TRANSITION_CHECK):
a transition they refuse is refused whatever calls it (the service, or the model's method directly),
with the stage's message and nothing written."""

from datetime import timedelta
from decimal import Decimal

import django_fsm as fsm
import pytest
from django.utils import timezone

from orders import services
from orders.models import Order, OrderLine, OrderStatus
from orders.services import OrderActionRefused
from planning.models import Routing, WorkOrder, WorkOrderStatus
from quality.models import Inspection, InspectionStatus
from settlement.models import Invoice, InvoiceStatus, SettlementException
from shipping.models import Shipment, ShipmentLine, ShipmentStatus
from tests.fixtures.factories import CustomerFactory, ProductFactory
from tests.inventory.masterdata import made_item
from tests.inventory.stockdata import make_location

S = OrderStatus
pytestmark = pytest.mark.django_db


def _order_in(state, creator):
    order = Order.objects.create(number=f"T-{state}-{Order.objects.count()}", customer=CustomerFactory(),
                                 created_by=creator, status=state,
                                 requested_date=timezone.localdate() + timedelta(days=30))
    OrderLine.objects.create(order=order, line_no=1, product=ProductFactory(), quantity=Decimal("3"),
                             unit_price=Decimal("2"))
    return order


def _work_order(order, status, number):
    item = made_item()
    return WorkOrder.objects.create(number=number, order=order, item=item, quantity=1, status=status,
                                    routing=Routing.objects.create(item=item, version=1, is_active=True),
                                    created_by=order.created_by)


def _open_work_order(order, users):
    _work_order(order, WorkOrderStatus.DONE, "WO-C-1")
    return _work_order(order, WorkOrderStatus.IN_PROGRESS, "WO-C-2"), WorkOrderStatus.DONE


def _shipment(order, users, status, number="SH-C-1"):
    return Shipment.objects.create(number=number, order=order, created_by=users["shipping"], ship_to_name="x",
                                   ship_to_address="y", status=status)


def _shipment_on_its_way(order, users):
    return _shipment(order, users, ShipmentStatus.SHIPPED), ShipmentStatus.DELIVERED


def _open_inspection(order, unblocked):
    line = order.lines.get()
    return Inspection.objects.create(number="QI-C-1", order=order, order_line=line, product=line.product,
                                     lot_quantity=line.quantity, accepted_quantity=line.quantity,
                                     created_by=order.created_by), unblocked


def _lot_waiting_for_its_verdict(order, users):
    return _open_inspection(order, InspectionStatus.PASSED)


def _lot_not_failed(order, users):
    return _open_inspection(order, InspectionStatus.FAILED)


def _goods_still_in_a_draft(order, users):
    shipment, line = _shipment(order, users, ShipmentStatus.DRAFT), order.lines.get()
    ShipmentLine.objects.create(shipment=shipment, line_no=1, order_line=line, quantity=line.quantity,
                                item=made_item(), location=make_location())
    return shipment, ShipmentStatus.SHIPPED


def _delivered_goods_still_on_their_way(order, users):
    OrderLine.objects.filter(order=order).update(shipped_quantity=Decimal("3"))
    # Settled by a recorded exception: only shipping's check is left to refuse the close.
    SettlementException.objects.create(order=order, reason="test", recorded_by=users["admin"])
    return _shipment(order, users, ShipmentStatus.SHIPPED, "SH-C-2"), ShipmentStatus.DELIVERED


def _invoice_not_paid(order, users):
    OrderLine.objects.filter(order=order).update(shipped_quantity=Decimal("3"))
    shipment = _shipment(order, users, ShipmentStatus.DELIVERED, "SH-C-3")
    today = timezone.localdate()
    return Invoice.objects.create(
        number="INV-C-1", shipment=shipment, order=order, customer=order.customer, invoice_date=today,
        payment_terms="net30", due_date=today, currency="CNY", net_amount=Decimal("10"), tax_rate=Decimal("0"),
        tax_amount=Decimal("0"), amount=Decimal("10"), created_by=users["admin"]), InvoiceStatus.PAID


# (state, action, target, role, what blocks it: fn(order, users) -> (row, the status that unblocks it), message)
CASES = [
    (S.IN_PRODUCTION, "finish_production", S.AWAITING_QC, "production", _open_work_order,
     "Work orders not done yet: WO-C-2."),
    (S.SHIPPED, "confirm_delivery", S.DELIVERED, "shipping", _shipment_on_its_way,
     "Record the delivery of SH-C-1 first."),
    (S.AWAITING_QC, "pass_qc", S.QC_PASSED, "qc", _lot_waiting_for_its_verdict,
     "QC has not accepted every line of order T-awaiting_qc-0 yet: line 1: QI-C-1 is open."),
    (S.AWAITING_QC, "fail_qc", S.IN_PRODUCTION, "qc", _lot_not_failed,
     "No lot of order T-awaiting_qc-0 failed inspection"),
    (S.QC_PASSED, "ship", S.SHIPPED, "shipping", _goods_still_in_a_draft, "3 pcs not dispatched."),
    (S.DELIVERED, "close", S.CLOSED, "order_desk", _delivered_goods_still_on_their_way,
     "Shipment SH-C-2 is shipped, not delivered."),
    (S.DELIVERED, "close", S.CLOSED, "order_desk", _invoice_not_paid, "Invoice INV-C-1: 10.00 CNY still unpaid."),
]


@pytest.mark.parametrize("state, action, target, role, block, message", CASES)
def test_a_stage_check_refuses_the_transition_on_every_path(state, action, target, role, block, message,
                                                            role_users):
    order = _order_in(state, role_users["sales"])
    blocker, unblocked = block(order, role_users)
    with pytest.raises(OrderActionRefused) as exc:
        services.transition_order(actor=role_users[role], order=order, action=action, note="reason")
    assert message in exc.value.message
    fresh = Order.objects.get(pk=order.pk)
    assert fresh.status == order.status and fresh.events.count() == 0
    assert not fsm.can_proceed(getattr(fresh, action))
    with pytest.raises(fsm.TransitionNotAllowed):
        getattr(fresh, action)()  # the model itself refuses, not only the service

    type(blocker).objects.filter(pk=blocker.pk).update(status=unblocked)
    done = services.transition_order(actor=role_users[role], order=order, action=action, note="reason")
    assert done.status == target


def test_the_order_page_offers_only_its_own_actions(role_users):
    order = _order_in(S.IN_PRODUCTION, role_users["sales"])
    _work_order(order, WorkOrderStatus.RELEASED, "WO-C-3")
    admin = role_users["admin"]
    assert "finish_production" not in services.available_actions(order, admin)
    assert services.available_actions(order, admin, among=["hold"]) == ["hold"]
