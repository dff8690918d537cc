"""Reservations: FEFO then FIFO allocation over usable stock, refusals, partial reservations, consume
on issue, release, and reserved stock protected from other issues."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from inventory import reservations, stock_services
from inventory.ledger import DocumentRef
from inventory.models import LotStatus, Reservation, StockBalance
from tests.inventory.masterdata import make_item
from tests.inventory.stockdata import keeper, ledger_mismatches, make_location, receive

pytestmark = pytest.mark.django_db

D = Decimal
WO1 = DocumentRef("work_order", 1, "WO-1")
WO2 = DocumentRef("work_order", 2, "WO-2")


@pytest.fixture
def resin():
    return make_item("RS-1", unit="kg")


def allocation(made):
    return [(r.lot.number if r.lot else None, r.location.code, r.quantity) for r in made]


def test_fefo_then_fifo_then_picking_walk(resin):
    today = timezone.localdate()
    near, far = make_location("A-01", pick_sequence=1), make_location("Z-09", pick_sequence=9)
    receive(resin, near, "10", lot="LATE", expiry=today + timedelta(days=90))
    receive(resin, far, "10", lot="SOON", expiry=today + timedelta(days=5))
    receive(resin, near, "10", lot="NOEXP-OLD")
    receive(resin, far, "10", lot="NOEXP-NEW")
    receive(resin, near, "4", lot="SOON")  # the same lot nearer on the walk comes first
    made = reservations.reserve_stock(actor=keeper(), item=resin, quantity=D("40"), demand=WO1)
    assert allocation(made) == [("SOON", "A-01", D("4")), ("SOON", "Z-09", D("10")), ("LATE", "A-01", D("10")),
                                ("NOEXP-OLD", "A-01", D("10")), ("NOEXP-NEW", "Z-09", D("6"))]
    assert ledger_mismatches() == []


def test_unusable_stock_is_never_reserved(resin):
    today = timezone.localdate()
    shelf = make_location("A-01")
    receive(resin, shelf, "5", lot="EXPIRED", expiry=today - timedelta(days=1))
    blocked = receive(resin, shelf, "5", lot="BLOCKED").moves[0].lot
    stock_services.set_lot_status(actor=keeper(), lot=blocked, status=LotStatus.BLOCKED, reason="test")
    receive(resin, shelf, "3", lot="GOOD")
    with pytest.raises(ValidationError, match="Only 3.000 kg of RS-1 can be reserved; 4.000 kg asked."):
        reservations.reserve_stock(actor=keeper(), item=resin, quantity=D("4"), demand=WO1)
    assert not Reservation.objects.exists()
    made = reservations.reserve_stock(actor=keeper(), item=resin, quantity=D("4"), demand=WO1, partial=True)
    assert allocation(made) == [("GOOD", "A-01", D("3"))]
    with pytest.raises(ValidationError, match="is blocked"):
        reservations.reserve_stock(actor=keeper(), item=resin, quantity=D("1"), demand=WO2, lot=blocked)


def test_reserved_stock_is_kept_for_its_demand(resin):
    shelf = make_location("A-01")
    lot = receive(resin, shelf, "10", lot="L1").moves[0].lot
    reservations.reserve_stock(actor=keeper(), item=resin, quantity=D("8"), demand=WO1)
    with pytest.raises(ValidationError, match=r"Only 2.000 kg .* available. 8.000 kg more is reserved"):
        stock_services.issue_stock(actor=keeper(), item=resin, location=shelf, lot=lot, quantity=D("3"),
                                   demand=WO2)
    with pytest.raises(ValidationError, match="Only 2.000 kg"):
        reservations.reserve_stock(actor=keeper(), item=resin, quantity=D("3"), demand=WO2)
    # WO-1 issues 9: its 8 reserved plus 1 of the free 2.
    posting = stock_services.issue_stock(actor=keeper(), item=resin, location=shelf, lot=lot, quantity=D("9"),
                                         demand=WO1)
    [reservation] = posting.consumed
    reservation.refresh_from_db()
    assert (reservation.status, reservation.consumed) == ("consumed", D("8"))
    row = StockBalance.objects.get()
    assert (row.on_hand, row.reserved) == (D("1"), D("0"))
    assert ledger_mismatches() == []


def test_partial_issue_keeps_the_rest_reserved_and_release_gives_it_back(resin):
    shelf = make_location("A-01")
    lot = receive(resin, shelf, "10", lot="L1").moves[0].lot
    [reservation] = reservations.reserve_stock(actor=keeper(), item=resin, quantity=D("6"), demand=WO1)
    stock_services.issue_stock(actor=keeper(), item=resin, location=shelf, lot=lot, quantity=D("2"), demand=WO1)
    reservation.refresh_from_db()
    assert (reservation.status, reservation.consumed, reservation.open_quantity) == ("active", D("2"), D("4"))
    assert StockBalance.objects.get().reserved == D("4")
    released = reservations.release_demand(actor=keeper(), demand=WO1, reason="work order cancelled")
    assert [r.pk for r in released] == [reservation.pk]
    reservation.refresh_from_db()
    assert (reservation.status, reservation.consumed, reservation.close_reason) == (
        "released", D("2"), "work order cancelled")
    assert StockBalance.objects.get().reserved == 0
    with pytest.raises(ValidationError, match="no longer active"):
        reservations.release_reservation(actor=keeper(), reservation=reservation)
    assert ledger_mismatches() == []


def test_cycle_count_below_the_reserved_quantity_is_refused(resin):
    shelf = make_location("A-01")
    receive(resin, shelf, "10", lot="L1")
    reservations.reserve_stock(actor=keeper(), item=resin, quantity=D("7"), demand=WO1)
    row = StockBalance.objects.get()
    with pytest.raises(ValidationError, match="7.000 kg more is reserved"):
        stock_services.count_stock(actor=keeper(), lines=[
            stock_services.CountLine(balance=row, counted=D("5"), expected=D("10"))])
    assert StockBalance.objects.get().on_hand == D("10")


def test_reservation_needs_a_demand_and_a_role(resin, role_users):
    receive(resin, make_location("A-01"), "10")
    with pytest.raises(ValidationError, match="Name the demand"):
        reservations.reserve_stock(actor=keeper(), item=resin, quantity=D("1"), demand=DocumentRef(""))
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        reservations.reserve_stock(actor=role_users["sales"], item=resin, quantity=D("1"), demand=WO1)
