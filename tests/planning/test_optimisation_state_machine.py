"""The optimisation run machine as a table (tests/fixtures/state_machines.py): the worker's steps
(conditional UPDATEs) from every state, and the planner's decision from every state × role."""

import pytest

from accounts.roles import ROLES
from planning.models import OptimisationRun, OptimisationStatus
from tests.fixtures.state_machines import check_table, users_by_role

pytestmark = pytest.mark.django_db

S = OptimisationStatus


def test_optimisation_run_table():
    users = users_by_role()

    def make(state):
        return OptimisationRun.objects.create(requested_by=users["planner"], status=state)
    expected = {
        "start": ({S.QUEUED}, None, S.RUNNING),
        "finish": ({S.RUNNING}, None, S.DONE),
        "fail": ({S.QUEUED, S.RUNNING}, None, S.FAILED),
        "apply": ({S.DONE}, {"planner", "admin"}, S.APPLIED),
        "discard": ({S.DONE}, {"planner", "admin"}, S.DISCARDED),
    }
    tried = check_table(make, expected, S.values, users=users, updates={"start", "finish", "fail"})
    assert tried == 6 * 3 + 6 * 2 * len(ROLES)
