"""The work order operation machine as a table (tests/fixtures/state_machines.py): release and cancel
with the work order (conditional UPDATEs), start and finish on the shop floor (state × role), and
finish refused until something was reported."""

from decimal import Decimal
from itertools import count

import pytest

from accounts.roles import ROLES
from planning.models import WorkOrder, WorkOrderOperation, WorkOrderStatus
from planning.plans import plan_order
from tests.fixtures.state_machines import check_table, outcome, users_by_role
from tests.planning.test_work_orders import approved_order, build_shop

pytestmark = pytest.mark.django_db

S = WorkOrderStatus
_sequence = count(100)


def test_operation_table():
    users = users_by_role()
    shop = build_shop()
    plan_order(actor=users["planner"], order=approved_order(shop))
    work_order = WorkOrder.objects.filter(item=shop["finished"]).get()

    def make(state, reported=Decimal("1")):
        return WorkOrderOperation.objects.create(work_order=work_order, sequence=next(_sequence),
                                                 work_center=shop["cut"], run_minutes_per_unit=Decimal("1"),
                                                 quantity=Decimal("1"), good_quantity=reported, status=state)
    expected = {
        "release": ({S.PLANNED}, None, S.RELEASED),
        "start": ({S.RELEASED}, {"production", "admin"}, S.IN_PROGRESS),
        "finish": ({S.IN_PROGRESS}, {"production", "admin"}, S.DONE),
        "cancel": ({S.PLANNED, S.RELEASED}, None, S.CANCELLED),
    }
    tried = check_table(make, expected, S.values, users=users, updates={"release", "cancel"})
    assert tried == 5 * 2 + 5 * 2 * len(ROLES)
    nothing_reported = make(S.IN_PROGRESS, reported=Decimal("0"))
    assert outcome(nothing_reported, "finish", users["production"]) == (False, None)
