"""The process exception report's state machine as a table (states × actions × roles), taken through the
services; resolving needs the action taken, whatever calls the transition."""

import django_fsm as fsm
import pytest

from production.exception_reports import acknowledge_exception, resolve_exception
from production.models import ExceptionEvent, ExceptionReport, ExceptionStatus
from tests.fixtures.state_machines import check_table
from tests.inventory.masterdata import make_work_center

pytestmark = pytest.mark.django_db
E = ExceptionStatus
HANDLERS = {"planner", "production", "manager", "admin"}


@pytest.fixture
def make_report(role_users):
    center = make_work_center("EX-WC")

    def make(state):
        return ExceptionReport.objects.create(number=f"EX-T-{ExceptionReport.objects.count()}", type="tooling",
                                              status=state, work_center=center, description="insert broken",
                                              action_taken="replaced" if state == E.RESOLVED else "",
                                              reported_by=role_users["production"])
    return make


def test_exception_report_table(make_report, role_users):
    calls = {"acknowledge": lambda row, action, user: acknowledge_exception(actor=user, report=row),
             "resolve": lambda row, action, user: resolve_exception(actor=user, report=row, action_taken="replaced")}
    check_table(make_report, {"acknowledge": ({E.OPEN}, HANDLERS, E.ACKNOWLEDGED),
                              "resolve": ({E.OPEN, E.ACKNOWLEDGED}, HANDLERS, E.RESOLVED)},
                E.values, users=role_users, calls=calls,
                events=lambda row: ExceptionEvent.objects.filter(report=row).count())


def test_resolving_needs_the_action_taken(make_report):
    report = make_report(E.ACKNOWLEDGED)
    assert not fsm.can_proceed(report.resolve)
    with pytest.raises(fsm.TransitionNotAllowed):
        report.resolve()
