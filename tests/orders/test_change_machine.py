"""The change request's state machine as a table (states × actions × roles): who approves depends on the
stage the order reached (the order desk while planning, a manager once material is issued); managers
may reject at any stage; an order past QC takes no change."""

from datetime import timedelta

import django_fsm as fsm
import pytest
from django.utils import timezone

from orders.models import ChangeRequest, ChangeStatus, Order, OrderStatus
from tests.fixtures.factories import CustomerFactory
from tests.fixtures.state_machines import check_table

pytestmark = pytest.mark.django_db
C, S = ChangeStatus, OrderStatus
DESK = {"order_desk", "manager", "admin"}
MANAGERS = {"manager", "admin"}


def _maker(order_status, role_users):
    order = Order.objects.create(number=f"T-C-{order_status}", customer=CustomerFactory(), status=order_status,
                                 created_by=role_users["sales"],
                                 requested_date=timezone.localdate() + timedelta(days=30))

    def make(state):
        return ChangeRequest.objects.create(order=order, number=f"CR-T-{ChangeRequest.objects.count()}",
                                            kind="date", proposed={}, reason="customer asked", status=state,
                                            base_revision=1, requested_by=role_users["sales"])
    return make


@pytest.mark.parametrize("order_status, approvers, rejecters", [
    (S.PLANNED, DESK, DESK),
    (S.IN_PRODUCTION, MANAGERS, MANAGERS),
    (S.SHIPPED, set(), MANAGERS),  # no change applies any more; a manager clears the request
])
def test_change_request_table(order_status, approvers, rejecters, role_users):
    check_table(_maker(order_status, role_users), {"apply": ({C.REQUESTED}, approvers, C.APPLIED),
                                                   "reject": ({C.REQUESTED}, rejecters, C.REJECTED)},
                C.values, users=role_users)


def test_an_order_past_qc_takes_no_change(role_users):
    request = _maker(S.SHIPPED, role_users)(C.REQUESTED)
    assert not fsm.has_transition_perm(request.apply, role_users["admin"])
    with pytest.raises(fsm.TransitionNotAllowed):
        request.apply()
