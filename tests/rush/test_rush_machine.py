"""The rush request's state machine as a table (states × actions × roles), and its approval conditions
(every area signed, none "not feasible") refusing whatever calls the transition."""

from datetime import timedelta

import django_fsm as fsm
import pytest
from django.utils import timezone

from orders.models import Order, OrderStatus
from rush.models import ReviewArea, RushRequest, RushReview, RushStatus, Verdict
from tests.fixtures.factories import CustomerFactory
from tests.fixtures.state_machines import check_table

pytestmark = pytest.mark.django_db
R = RushStatus
MANAGERS = {"manager", "admin"}


@pytest.fixture
def make_request(role_users):
    def make(state, verdicts=None):
        order = Order.objects.create(number=f"T-R-{Order.objects.count()}", customer=CustomerFactory(),
                                     created_by=role_users["sales"], status=OrderStatus.APPROVED,
                                     requested_date=timezone.localdate() + timedelta(days=30))
        request = RushRequest.objects.create(number=f"RR-T-{order.pk}", order=order, status=state, reason="line down",
                                             requested_date=timezone.localdate() + timedelta(days=5),
                                             requested_by=role_users["sales"])
        for area, verdict in (verdicts if verdicts is not None else dict.fromkeys(ReviewArea.values,
                                                                                  Verdict.FEASIBLE)).items():
            RushReview.objects.create(request=request, area=area, verdict=verdict, reviewer=role_users["planner"])
        return request
    return make


def test_rush_request_table(make_request, role_users):
    check_table(make_request, {"approve": ({R.REQUESTED}, MANAGERS, R.APPROVED),
                               "reject": ({R.REQUESTED}, MANAGERS, R.REJECTED)}, R.values, users=role_users)


@pytest.mark.parametrize("verdicts", [{}, {"planning": Verdict.FEASIBLE, "warehouse": Verdict.FEASIBLE},
                                      {"planning": Verdict.FEASIBLE, "warehouse": Verdict.NOT_FEASIBLE,
                                       "quality": Verdict.CONDITIONAL}])
def test_approval_needs_every_review_and_none_not_feasible(make_request, verdicts):
    request = make_request(R.REQUESTED, verdicts)
    assert not fsm.can_proceed(request.approve)
    with pytest.raises(fsm.TransitionNotAllowed):
        request.approve()
    request.reject()  # a manager may still say no
    assert request.status == R.REJECTED
