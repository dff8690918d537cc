"""The inventory machines as tables (tests/fixtures/state_machines.py): purchase requests, purchase
orders, prep sheets, lots and reservations, every state × action × role on a real row; plus the
conditions, and the services refusing through the model with nothing written."""

from decimal import Decimal
from itertools import count

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.roles import ROLES
from inventory import prep_sheets, purchasing, stock_services
from inventory.models import (
    Item,
    Lot,
    LotStatus,
    MaterialPrepSheet,
    MaterialPrepSheetLine,
    PrepSheetStatus,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseOrderStatus,
    PurchaseRequest,
    PurchaseRequestStatus,
    Reservation,
    ReservationStatus,
)
from orders.models import Order, OrderStatus
from tests.fixtures.factories import CustomerFactory
from tests.fixtures.state_machines import check_table, outcome, users_by_role
from tests.inventory.stockdata import make_location

pytestmark = pytest.mark.django_db

_n = count(1)
BUYERS = {"planner", "manager", "admin"}


@pytest.fixture
def users():
    return users_by_role()


@pytest.fixture
def item():
    return Item.objects.create(code=f"RM-{next(_n)}", name="Steel")


def _order(users):
    return Order.objects.create(number=f"T-{next(_n)}", customer=CustomerFactory(), created_by=users["sales"],
                                status=OrderStatus.PLANNED, requested_date=timezone.localdate())


PR, PO, PS, LS, RS = PurchaseRequestStatus, PurchaseOrderStatus, PrepSheetStatus, LotStatus, ReservationStatus


def test_purchase_request_table(users, item):
    def make(state):
        return PurchaseRequest.objects.create(number=f"PR-{next(_n)}", item=item, quantity=Decimal("1"),
                                              needed_by=timezone.localdate(), requested_by=users["warehouse"],
                                              status=state)
    expected = {
        "approve": ({PR.OPEN}, BUYERS, PR.APPROVED),
        "reject": ({PR.OPEN}, BUYERS, PR.REJECTED),
        "cancel": ({PR.OPEN, PR.APPROVED}, BUYERS, PR.CANCELLED),
        "mark_ordered": ({PR.APPROVED}, BUYERS, PR.ORDERED),
        "reopen": ({PR.ORDERED}, BUYERS, PR.APPROVED),
    }
    # The warehouse user raised these requests: they may withdraw their own.
    mine = {("cancel", PR.OPEN, "warehouse"), ("cancel", PR.APPROVED, "warehouse")}
    assert check_table(make, expected, PR.values, users=users, also_allowed=mine) == 5 * 5 * len(ROLES)


def test_purchase_order_table(users):
    supplier = purchasing.create_supplier(actor=users["planner"], code=f"S{next(_n)}", name="Supplier")

    def make(state):
        return PurchaseOrder.objects.create(number=f"PO-{next(_n)}", supplier=supplier, created_by=users["planner"],
                                            status=state)
    expected = {
        "send": ({PO.DRAFT}, BUYERS, PO.SENT),
        "receive": ({PO.SENT, PO.PARTIALLY_RECEIVED}, {"warehouse", "admin"}, PO.RECEIVED),
        "cancel": ({PO.DRAFT, PO.SENT}, BUYERS, PO.CANCELLED),
        "close": ({PO.SENT, PO.PARTIALLY_RECEIVED, PO.RECEIVED}, BUYERS, PO.CLOSED),
    }
    tried = check_table(make, expected, PO.values, users=users, kwargs={"receive": {"complete": True}})
    assert tried == 6 * 4 * len(ROLES)
    partly = make(PO.SENT)
    assert outcome(partly, "receive", users["warehouse"], complete=False) == (True, PO.PARTIALLY_RECEIVED)


def test_purchase_order_received_on_is_not_cancelled(users, item):
    supplier = purchasing.create_supplier(actor=users["planner"], code=f"S{next(_n)}", name="Supplier")
    po = PurchaseOrder.objects.create(number=f"PO-{next(_n)}", supplier=supplier, created_by=users["planner"],
                                      status=PO.SENT)
    PurchaseOrderLine.objects.create(purchase_order=po, line_no=1, item=item, quantity=Decimal("2"), unit=item.unit,
                                     base_quantity=Decimal("2"), unit_price=Decimal("1"),
                                     expected_date=timezone.localdate(), received_quantity=Decimal("1"))
    assert outcome(po, "cancel", users["planner"]) == (False, None)
    assert outcome(po, "close", users["planner"]) == (True, PO.CLOSED)


def test_prep_sheet_table(users):
    def make(state):
        return MaterialPrepSheet.objects.create(number=f"MP-{next(_n)}", order=_order(users),
                                                created_by=users["warehouse"], status=state)
    open_ = {PS.DRAFT, PS.PARTIALLY_ISSUED, PS.ISSUED}
    expected = {
        "issue": (open_, {"warehouse", "admin"}, PS.ISSUED),
        "take_back": (open_ | {PS.ACCEPTED}, {"warehouse", "admin"}, None),
        "accept": ({PS.PARTIALLY_ISSUED, PS.ISSUED}, {"production", "admin"}, PS.ACCEPTED),
        "cancel": (open_, {"warehouse", "admin"}, PS.CANCELLED),
    }
    tried = check_table(make, expected, PS.values, users=users, kwargs={"issue": {"complete": True}})
    assert tried == 5 * 4 * len(ROLES)
    keeper = users["warehouse"]
    assert outcome(make(PS.DRAFT), "issue", keeper, complete=False) == (True, PS.PARTIALLY_ISSUED)
    assert outcome(make(PS.ISSUED), "take_back", keeper) == (True, PS.PARTIALLY_ISSUED)
    assert outcome(make(PS.PARTIALLY_ISSUED), "take_back", keeper) == (True, PS.PARTIALLY_ISSUED)


def test_prep_sheet_conditions_material_out_and_lines_not_accepted(users, item):
    sheet = MaterialPrepSheet.objects.create(number=f"MP-{next(_n)}", order=_order(users),
                                             created_by=users["warehouse"], status=PS.PARTIALLY_ISSUED)
    line = MaterialPrepSheetLine.objects.create(sheet=sheet, line_no=1, item=item, required_quantity=Decimal("4"),
                                                issued_quantity=Decimal("3"))
    assert outcome(sheet, "cancel", users["warehouse"]) == (False, None)  # material is out
    assert outcome(sheet, "accept", users["production"]) == (False, None)  # not every line accepted
    MaterialPrepSheetLine.objects.filter(pk=line.pk).update(returned_quantity=Decimal("3"))
    assert outcome(sheet, "cancel", users["warehouse"]) == (True, PS.CANCELLED)
    MaterialPrepSheetLine.objects.filter(pk=line.pk).update(returned_quantity=0, issued_quantity=4,
                                                            accepted_quantity=4)
    assert outcome(sheet, "accept", users["production"]) == (True, PS.ACCEPTED)


def test_cancel_prep_sheet_with_material_out_is_refused_by_the_model(users, item):
    sheet = MaterialPrepSheet.objects.create(number=f"MP-{next(_n)}", order=_order(users),
                                             created_by=users["warehouse"], status=PS.PARTIALLY_ISSUED)
    MaterialPrepSheetLine.objects.create(sheet=sheet, line_no=1, item=item, required_quantity=Decimal("4"),
                                         issued_quantity=Decimal("3"))
    with pytest.raises(ValidationError, match="return it before cancelling"):
        prep_sheets.cancel_prep_sheet(actor=users["warehouse"], sheet=sheet, reason="wrong order")
    sheet.refresh_from_db()
    assert sheet.status == PS.PARTIALLY_ISSUED and not sheet.events.exists()


def test_lot_table(users, item):
    def make(state):
        return Lot.objects.create(item=item, number=f"L{next(_n)}", status=state)
    expected = {
        "release": ({LS.QUARANTINE, LS.BLOCKED}, {"warehouse", "qc", "manager", "admin"}, LS.AVAILABLE),
        "quarantine": ({LS.AVAILABLE, LS.BLOCKED}, {"warehouse", "qc", "manager", "admin"}, LS.QUARANTINE),
        "block": ({LS.AVAILABLE, LS.QUARANTINE}, {"warehouse", "qc", "manager", "admin"}, LS.BLOCKED),
    }
    assert check_table(make, expected, LS.values, users=users) == 3 * 3 * len(ROLES)


def test_set_lot_status_goes_through_the_machine(users, item):
    lot = Lot.objects.create(item=item, number=f"L{next(_n)}")
    with pytest.raises(ValidationError, match="already"):
        stock_services.set_lot_status(actor=users["qc"], lot=lot, status=LS.AVAILABLE, reason="check")
    with pytest.raises(PermissionDenied):
        stock_services.set_lot_status(actor=users["sales"], lot=lot, status=LS.BLOCKED, reason="check")
    assert not lot.events.exists()
    stock_services.set_lot_status(actor=users["qc"], lot=lot, status=LS.BLOCKED, reason="check")
    lot.refresh_from_db()
    assert lot.status == LS.BLOCKED and lot.events.get().to_status == LS.BLOCKED
    with pytest.raises(AttributeError):
        lot.status = LS.AVAILABLE  # protected: only transitions move it


def test_reservation_table(users, item):
    location = make_location()

    def make(state):
        return Reservation.objects.create(item=item, location=location, quantity=Decimal("2"),
                                          consumed=Decimal("2"), demand_type="test", status=state)
    expected = {
        "consume": ({RS.ACTIVE}, None, RS.CONSUMED),
        "release": ({RS.ACTIVE}, None, RS.RELEASED),
    }
    assert check_table(make, expected, RS.values, users=users) == 3 * 2
    partly = Reservation.objects.create(item=item, location=location, quantity=Decimal("2"),
                                        consumed=Decimal("1"), demand_type="test")
    assert outcome(partly, "consume") == (False, None)  # consumed only when all of it is


def test_purchase_request_services_refuse_through_the_model(users, item):
    request = PurchaseRequest.objects.create(number=f"PR-{next(_n)}", item=item, quantity=Decimal("1"),
                                             needed_by=timezone.localdate(), requested_by=users["warehouse"],
                                             status=PR.REJECTED)
    with pytest.raises(ValidationError, match="nothing was changed"):
        purchasing.approve_purchase_request(actor=users["planner"], request=request)
    with pytest.raises(ValidationError, match="nothing was changed"):
        purchasing.cancel_purchase_request(actor=users["warehouse"], request=request, reason="not needed")
    request.refresh_from_db()
    assert request.status == PR.REJECTED and request.decided_by is None
