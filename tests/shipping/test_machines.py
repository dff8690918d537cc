"""The shipment's and the complaint's state machines as tables (states × actions × roles), taken through
the services where a user takes them that way; a refusal writes nothing."""

import django_fsm as fsm
import pytest
from django.core.exceptions import ValidationError

from orders.models import Order, OrderStatus
from shipping import complaints, services
from shipping.models import Complaint, ComplaintEvent, ComplaintStatus, Shipment, ShipmentEvent, ShipmentStatus
from tests.fixtures.state_machines import check_table

from .helpers import finished_good, qc_passed_order

pytestmark = pytest.mark.django_db

ST, CS = ShipmentStatus, ComplaintStatus
SHIPPERS = {"shipping", "admin"}
INVESTIGATORS = {"order_desk", "qc", "manager", "admin", "customer_service"}  # 客服 owns complaints too


@pytest.fixture
def order():
    product, _item = finished_good()
    return qc_passed_order([product], [5])


def _shipment_maker(order, shipper):
    def make(state):
        return Shipment.objects.create(number=f"SH-T-{Shipment.objects.count()}", order=order, status=state,
                                       created_by=shipper, ship_to_name="x", ship_to_address="y")
    return make


def test_shipment_table(order, role_users):
    check_table(
        _shipment_maker(order, role_users["shipping"]),
        {"ship": ({ST.DRAFT}, SHIPPERS, ST.SHIPPED), "deliver": ({ST.SHIPPED}, SHIPPERS, ST.DELIVERED),
         "cancel": ({ST.DRAFT}, SHIPPERS, ST.CANCELLED)},
        ST.values, users=role_users,
        calls={"cancel": lambda row, action, user: services.cancel_shipment(actor=user, shipment=row, reason="r")},
        events=lambda row: ShipmentEvent.objects.filter(shipment=row).count())


def test_a_shipment_leaves_only_for_an_order_that_passed_qc(order, role_users):
    draft = _shipment_maker(order, role_users["shipping"])(ST.DRAFT)
    Order.objects.filter(pk=order.pk).update(status=OrderStatus.SHIPPED)
    fresh = Shipment.objects.get(pk=draft.pk)
    assert not fsm.can_proceed(fresh.ship)
    with pytest.raises(fsm.TransitionNotAllowed):
        fresh.ship()
    with pytest.raises(ValidationError, match="only orders that passed QC are shipped|already"):
        services.ship_shipment(actor=role_users["shipping"], shipment=draft)
    assert Shipment.objects.get(pk=draft.pk).status == ST.DRAFT


def test_the_status_is_only_changed_by_a_transition(order, role_users):
    draft = _shipment_maker(order, role_users["shipping"])(ST.DRAFT)
    with pytest.raises(AttributeError):
        draft.status = ST.SHIPPED


COMPLAINT_CALLS = {
    "start_investigation": lambda row, action, user: complaints.start_investigation(actor=user, complaint=row),
    "resolve": lambda row, action, user: complaints.resolve_complaint(actor=user, complaint=row, investigation="i",
                                                                      corrective_action="c"),
    "close": lambda row, action, user: complaints.close_complaint(actor=user, complaint=row, note="no action needed"),
}


def test_complaint_table(order, role_users):
    def make(state):
        return Complaint.objects.create(number=f"CP-T-{Complaint.objects.count()}", order=order, status=state,
                                        description="leaked", created_by=role_users["order_desk"])

    check_table(
        make,
        {"start_investigation": ({CS.OPEN}, INVESTIGATORS, CS.INVESTIGATING),
         "resolve": ({CS.INVESTIGATING}, INVESTIGATORS, CS.RESOLVED),
         "close": ({CS.INVESTIGATING, CS.RESOLVED}, INVESTIGATORS, CS.CLOSED)},
        CS.values, users=role_users, calls=COMPLAINT_CALLS,
        events=lambda row: ComplaintEvent.objects.filter(complaint=row).count())
