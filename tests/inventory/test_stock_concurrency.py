"""Stock postings racing on PostgreSQL (real, separate connections): the balance row lock keeps
stock from going negative and the ledger equal to the balances, however many people post at once."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from inventory import reservations, stock_services
from inventory.ledger import DocumentRef
from inventory.models import Reservation, StockBalance, StockMove
from tests.fixtures.concurrency import run_together
from tests.inventory.masterdata import make_item
from tests.inventory.stockdata import keeper, ledger_mismatches, make_location, receive

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("postgres_only")]

D = Decimal


def test_eight_issues_of_the_same_lot_at_once_never_drive_it_negative():
    item, shelf = make_item("RC-1", unit="kg"), make_location("RC-01")
    lot = receive(item, shelf, "25", lot="L1").moves[0].lot
    actor = keeper()

    def issue():
        return stock_services.issue_stock(actor=actor, item=item, location=shelf, lot=lot, quantity=D("4"))

    results = run_together(*[issue for _ in range(8)])
    done = [r for r in results if isinstance(r, stock_services.Posting)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(done) == 6 and len(refused) == 2, results
    assert all("Only 1.000 kg of RC-1 lot L1 at RC-01 available." in r.messages[0] for r in refused)
    assert StockBalance.objects.get().on_hand == D("1")
    assert sorted(m.balance_after for m in StockMove.objects.filter(quantity__lt=0)) == [
        D("1"), D("5"), D("9"), D("13"), D("17"), D("21")]
    assert ledger_mismatches() == []


def test_first_receipts_into_an_empty_place_at_once_make_one_balance_row():
    item, shelf = make_item("RC-2", unit="pcs"), make_location("RC-02")
    actor = keeper()
    results = run_together(*[lambda: stock_services.receive_stock(actor=actor, item=item, location=shelf,
                                                                  quantity=D("3")) for _ in range(8)])
    assert all(isinstance(r, stock_services.Posting) for r in results), results
    assert StockBalance.objects.get().on_hand == D("24")
    assert ledger_mismatches() == []


def test_crossing_transfers_do_not_deadlock():
    """A→B and B→A at the same moment lock the same two rows in the same order."""
    item = make_item("RC-3", unit="pcs")
    a, b = make_location("RC-A"), make_location("RC-B")
    receive(item, a, "50")
    receive(item, b, "50")
    actor = keeper()

    def move(source, target):
        return lambda: stock_services.transfer_stock(actor=actor, item=item, from_location=source,
                                                     to_location=target, quantity=D("1"))

    results = run_together(*[move(a, b) if n % 2 else move(b, a) for n in range(8)])
    assert all(isinstance(r, stock_services.Posting) for r in results), results
    assert sorted(StockBalance.objects.values_list("on_hand", flat=True)) == [D("50"), D("50")]
    assert ledger_mismatches() == []


def test_reservations_at_once_never_promise_the_same_stock():
    item, shelf = make_item("RC-4", unit="pcs"), make_location("RC-04")
    receive(item, shelf, "10", lot="L1")
    actor = keeper()

    def reserve(n):
        return lambda: reservations.reserve_stock(actor=actor, item=item, quantity=D("3"),
                                                  demand=DocumentRef("work_order", n, f"WO-{n}"))

    results = run_together(*[reserve(n) for n in range(6)])
    assert sum(isinstance(r, list) for r in results) == 3, results
    assert StockBalance.objects.get().reserved == D("9")
    assert sum(r.quantity for r in Reservation.objects.all()) == D("9")
    assert ledger_mismatches() == []
