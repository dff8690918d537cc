"""The ledger's invariants under random sequences of postings (hypothesis): after any mix of
receipts, issues, transfers, adjustments, scrap, reservations, releases and reversals, each balance
equals the sum of its ledger rows, nothing is negative, reserved equals the open reservations, and a
refused posting wrote nothing. Also: check_stock_ledger passes on a good ledger and names a tampered
balance."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F, Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inventory import reservations, stock_services
from inventory.ledger import DocumentRef, MoveLine
from inventory.models import MoveKind, Reservation, StockBalance, StockMove
from inventory.stock_selectors import ledger_differences
from tests.inventory.masterdata import make_item
from tests.inventory.stockdata import keeper, ledger_mismatches, make_location, receive

pytestmark = pytest.mark.django_db

OPS = ("receive", "issue", "transfer", "adjust", "scrap", "reserve", "release", "reverse", "issue_for_demand")
operation = st.tuples(st.sampled_from(OPS), st.integers(0, 1), st.integers(0, 2), st.integers(0, 2),
                      st.integers(1, 40), st.integers(0, 2))


@pytest.fixture
def world():
    actor = keeper()
    items = [make_item("INV-A", unit="kg"), make_item("INV-B", unit="pcs")]
    locations = [make_location(f"INV-{n}") for n in range(3)]
    return actor, items, locations


def _lot(actor, item, number):
    return None if number == 0 else stock_services.find_or_create_lot(
        actor=actor, item=item, data=stock_services.LotInput(number=f"{item.code}-L{number}"))


def _apply(actor, items, locations, op, i, loc, lot_n, qty, other):
    item, location = items[i], locations[loc]
    quantity = Decimal(qty) / (Decimal(4) if item.unit == "kg" else 1)
    lot = _lot(actor, item, lot_n)
    demand = DocumentRef("work_order", other + 1, f"WO-{other + 1}")
    if op == "receive":
        stock_services.receive_stock(actor=actor, item=item, location=location, quantity=quantity, lot=lot)
    elif op == "issue":
        stock_services.issue_stock(actor=actor, item=item, location=location, quantity=quantity, lot=lot)
    elif op == "issue_for_demand":
        stock_services.issue_stock(actor=actor, item=item, location=location, quantity=quantity, lot=lot,
                                   demand=demand)
    elif op == "transfer":
        stock_services.transfer_stock(actor=actor, item=item, from_location=location,
                                      to_location=locations[(loc + other + 1) % 3], quantity=quantity, lot=lot)
    elif op == "adjust":
        stock_services.adjust_stock(actor=actor, item=item, location=location, lot=lot, reason="random",
                                    quantity=quantity if other else -quantity)
    elif op == "scrap":
        stock_services.scrap_stock(actor=actor, item=item, location=location, quantity=quantity, lot=lot,
                                   reason="random")
    elif op == "reserve":
        reservations.reserve_stock(actor=actor, item=item, quantity=quantity, demand=demand, partial=bool(other))
    elif op == "release":
        reservations.release_demand(actor=actor, demand=demand)
    elif op == "reverse":
        move = StockMove.objects.filter(reversal_of__isnull=True, reversed_by__isnull=True).order_by("-pk")[
            other:other + 1].first()
        if move is not None:
            stock_services.reverse_stock_move(actor=actor, move=move, reason="random")


def _snapshot():
    return (StockMove.objects.count(), list(StockBalance.objects.order_by("pk").values_list("on_hand", "reserved")),
            list(Reservation.objects.order_by("pk").values_list("status", "consumed")))


def _check_invariants():
    assert ledger_mismatches() == []
    assert ledger_differences() == []
    open_by_balance = {(r["item_id"], r["location_id"], r["lot_id"]): r["open"] for r in
                       Reservation.objects.filter(status="active").values("item_id", "location_id", "lot_id")
                       .annotate(open=Sum(F("quantity") - F("consumed")))}
    for b in StockBalance.objects.all():
        assert b.reserved == open_by_balance.get((b.item_id, b.location_id, b.lot_id), 0)
        assert 0 <= b.reserved <= b.on_hand


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(st.lists(operation, min_size=1, max_size=25))
def test_balances_always_equal_the_ledger(world, operations):
    actor, items, locations = world
    for op in operations:
        before = _snapshot()
        try:
            _apply(actor, items, locations, *op)
        except ValidationError:
            # The lot a refused posting named may have been created; nothing else may change.
            assert _snapshot() == before, op
        _check_invariants()


def test_check_stock_ledger_passes_then_names_a_tampered_balance(world):
    actor, items, locations = world
    receive(items[0], locations[0], "12.5", lot="T1")
    stock_services.post_stock(actor=actor, kind=MoveKind.ISSUE, lines=[
        MoveLine(item=items[0], location=locations[0], quantity=Decimal("-2.5"), lot=items[0].lots.get())])
    out = StringIO()
    call_command("check_stock_ledger", stdout=out)
    assert "Stock ledger OK: 1 balances agree with 2 ledger rows." in out.getvalue()

    # Someone edits a balance behind the ledger's back (raw SQL, a bad migration…).
    StockBalance.objects.filter(item=items[0]).update(on_hand=Decimal("11"))
    out = StringIO()
    with pytest.raises(CommandError) as info:
        call_command("check_stock_ledger", stdout=out)
    assert info.value.returncode == 1
    assert ("INV-A lot T1 at INV-0: on hand differs from the ledger (on hand 11.000 kg, ledger sum 10.000 kg"
            in out.getvalue())
