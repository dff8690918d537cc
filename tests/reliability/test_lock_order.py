"""Races between two actions on the same order, on PostgreSQL with separate connections (docs/locking.md):
each pair finishes without a deadlock and leaves a consistent outcome (one of them won, the other was
refused with a message, or both happened in some order). Each race runs several times, since a deadlock
shows only when both transactions hold their first lock at the same moment."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.utils import OperationalError

from inventory import prep_sheets
from inventory.models import PrepSheetStatus, StockMove
from orders import services as order_services
from orders.models import OrderStatus
from orders.services import OrderActionRefused
from tests.fixtures.concurrency import run_together
from tests.fixtures.factories import user_with_role
from tests.inventory.materialdata import machine_order, make_machine
from tests.inventory.stockdata import keeper, make_location, make_warehouse, receive

TRIALS = 5
REFUSALS = (ValidationError, OrderActionRefused, PermissionDenied)


def no_deadlock(results):
    """Neither side died of a lock problem (the user would have seen the 503 page)."""
    for result in results:
        assert not isinstance(result, OperationalError), f"lock failure: {result!r}"
        assert result is None or not isinstance(result, Exception) or isinstance(result, REFUSALS), repr(result)


def message(result):
    return " ".join(result.messages) if isinstance(result, ValidationError) else str(result)


# --- issue material vs cancel the order ---------------------------------------------------------------

@pytest.fixture
def machine():
    return make_machine()


@pytest.fixture
def shelf(machine):
    location = make_location("A-01", warehouse=make_warehouse("WH1"), pick_sequence=1)
    for item, lot in ((machine.screw, "SC-1"), (machine.gasket, "GK-1"), (machine.steel, "ST-1")):
        receive(item, location, "500", lot=lot)
    return location


@pytest.mark.parametrize("trial", range(TRIALS))
@pytest.mark.django_db(transaction=True)
def test_issuing_and_cancelling_at_once_never_deadlock(postgres_only, machine, shelf, trial):
    warehouse, desk = keeper(), user_with_role("order_desk")
    order = machine_order(machine, quantity="1", status=OrderStatus.PLANNED)
    sheet = prep_sheets.generate_prep_sheet(actor=warehouse, order=order)
    issue, cancel = run_together(
        lambda: prep_sheets.issue_prep_sheet_material(actor=warehouse, sheet=sheet, code="GK-1"),
        lambda: order_services.cancel_order(actor=desk, order=order, reason="customer withdrew"))
    no_deadlock([issue, cancel])
    order.refresh_from_db()
    sheet.refresh_from_db()
    issued = StockMove.objects.filter(order=order, kind="issue").count()
    if isinstance(issue, prep_sheets.IssueResult):  # issued first: the cancel saw it and refused
        assert isinstance(cancel, ValidationError), cancel
        assert "returns it to stock" in message(cancel)
        assert order.status == OrderStatus.PLANNED and issued == 1
        assert sheet.status != PrepSheetStatus.CANCELLED
    else:  # cancelled first: the issue was refused with the order's state, nothing was posted
        assert isinstance(issue, ValidationError), issue
        assert order.number in message(issue) and "cancelled" in message(issue)
        assert order.status == OrderStatus.CANCELLED and issued == 0
        assert sheet.status == PrepSheetStatus.CANCELLED
