"""Closing a delivered order: every stage's conditions of the order's close (orders.stage_hooks
TRANSITION_CHECK) are asked first; shipping's check names goods not shipped, shipments not delivered and
open complaints. A check registered by another stage (quality's open NCRs, say) is asked the same way, and
on every path: the bare transition is refused too."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from orders import stage_hooks
from orders.models import Order, OrderEvent, OrderStatus
from orders.services import OrderActionRefused, transition_order
from settlement.demo_data import settle_order
from shipping import complaints, deliveries
from tests.fixtures.factories import user_with_role

from .helpers import deliver, fg_location, finished_good, pick, produce, qc_passed_order, ship

pytestmark = pytest.mark.django_db


@pytest.fixture
def order_in_stock():
    product, item = finished_good()
    location = fg_location()
    order = qc_passed_order([product], [10])
    lot = produce(order, item, location, 10, "CL-1").moves[0].lot
    return order, lot, location


def _refused(desk, order, *messages):
    events = OrderEvent.objects.filter(order=order).count()
    status = Order.objects.get(pk=order.pk).status
    with pytest.raises((ValidationError, OrderActionRefused)) as refused:
        deliveries.close_order(actor=desk, order=order)
    text = " ".join(getattr(refused.value, "messages", [getattr(refused.value, "message", "")]))
    for message in messages:
        assert message in text, (message, text)
    assert OrderEvent.objects.filter(order=order).count() == events and Order.objects.get(pk=order.pk).status == status


def test_close_only_when_everything_is_shipped_delivered_and_no_complaint_is_open(order_in_stock, shipper, desk):
    order, lot, location = order_in_stock
    first = ship(shipper, order, [pick(order, 1, lot, location, 6)])
    _refused(desk, order, "Line 1", "4 pcs not shipped", f"Shipment {first.number} is shipped, not delivered")
    second = ship(shipper, order, [pick(order, 1, lot, location, 4)])
    deliver(shipper, first)
    _refused(desk, order, f"Shipment {second.number} is shipped, not delivered")
    complaint = complaints.create_complaint(actor=desk, order=order, shipment=first, description="箱子破损")
    deliver(shipper, second)
    assert Order.objects.get(pk=order.pk).status == OrderStatus.DELIVERED
    _refused(desk, order, f"Complaint {complaint.number} is still open")
    qc = user_with_role("qc")
    complaints.start_investigation(actor=qc, complaint=complaint)
    _refused(desk, order, "is still investigating")
    complaints.resolve_complaint(actor=qc, complaint=complaint, investigation="forklift damage",
                                 corrective_action="pallets wrapped twice")
    with pytest.raises(PermissionDenied):
        deliveries.close_order(actor=shipper, order=order)
    # Settlement's check (settlement.hooks.unsettled) is asked as well: invoiced and paid, it closes.
    _refused(desk, order, f"Shipment {first.number} is not invoiced.")
    settle_order(order, finance=user_with_role("finance"))
    closed = deliveries.close_order(actor=desk, order=order, note="all done")
    assert closed.status == OrderStatus.CLOSED
    assert OrderEvent.objects.get(order=order, action="close").actor == desk


def open_ncrs(checked):  # a close check as quality lists its open NCRs
    return [f"NCR-TEST is open for {checked.number}."]


def test_another_stages_close_check_is_asked_too(order_in_stock, shipper, desk, monkeypatch):
    order, lot, location = order_in_stock
    deliver(shipper, ship(shipper, order, [pick(order, 1, lot, location, 10)]))
    settle_order(order, finance=user_with_role("finance"))
    with monkeypatch.context() as patch:
        patch.setattr(stage_hooks, "REACTIONS", stage_hooks.REACTIONS + (stage_hooks.StageReaction(
            "quality", stage_hooks.Hook.TRANSITION_CHECK, f"{__name__}.open_ncrs", ("close",)),))
        assert stage_hooks.transition_problems(order, "close") == [f"NCR-TEST is open for {order.number}."]
        _refused(desk, order, "NCR-TEST is open")
        with pytest.raises(OrderActionRefused, match="NCR-TEST is open"):
            transition_order(actor=desk, order=order, action="close")
        assert Order.objects.get(pk=order.pk).status == OrderStatus.DELIVERED
    assert deliveries.close_order(actor=desk, order=order).status == OrderStatus.CLOSED


def test_an_order_held_at_its_last_delivery_is_confirmed_delivered_by_hand(order_in_stock, shipper, desk):
    order, lot, location = order_in_stock
    shipment = ship(shipper, order, [pick(order, 1, lot, location, 10)])
    with pytest.raises(ValidationError, match=f"Record the delivery of {shipment.number} first"):
        deliveries.confirm_order_delivery(actor=shipper, order=order)
    transition_order(actor=desk, order=order, action="hold", note="payment dispute")
    deliver(shipper, shipment)
    assert Order.objects.get(pk=order.pk).status == OrderStatus.ON_HOLD
    transition_order(actor=desk, order=order, action="resume")
    assert deliveries.confirm_order_delivery(actor=shipper, order=order).status == OrderStatus.DELIVERED
