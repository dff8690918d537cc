"""Stock postings through the services: what each writes, every bad input refused with nothing
written, reversal, unit conversion, cycle counts, lot status and the low-stock alert."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from alerts.models import Alert
from inventory import stock_services
from inventory.ledger import DocumentRef, MoveLine
from inventory.models import LotEvent, LotStatus, MoveKind, StockBalance, StockMove, UnitConversion
from inventory.stock_services import CountLine, LotInput
from inventory.units import to_base_quantity
from tests.inventory.masterdata import make_item
from tests.inventory.stockdata import balance, keeper, ledger_mismatches, make_location, make_warehouse, receive

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def steel():
    return make_item("RM-1", name="Steel", unit="kg")


@pytest.fixture
def shelf():
    return make_location("A-01-02", warehouse=make_warehouse("WH1"))


def written():
    return StockMove.objects.count(), list(StockBalance.objects.order_by("pk").values_list("on_hand", "reserved"))


def refused(call, *fragments):
    """Run a posting that must be refused: the message names each fragment and nothing is written."""
    before = written()
    with pytest.raises(ValidationError) as info:
        call()
    text = " ".join(info.value.messages)
    for fragment in fragments:
        assert fragment in text, text
    assert written() == before
    return text


# --- receipts and issues ---------------------------------------------------------------------------

def test_receipt_creates_lot_balance_and_ledger_row(steel, shelf):
    posting = receive(steel, shelf, "12.5", lot="L1", expiry=timezone.localdate() + timedelta(days=30),
                      document=DocumentRef("purchase_receipt", 7, "GR-7"))
    [move] = posting.moves
    assert (move.kind, move.quantity, move.balance_after, move.lot.number) == ("receipt", D("12.5"), D("12.5"), "L1")
    assert (move.document_type, move.document_id, move.document_number) == ("purchase_receipt", 7, "GR-7")
    assert balance(steel, shelf, move.lot) == D("12.5")
    assert LotEvent.objects.filter(lot=move.lot, to_status="available").count() == 1
    receive(steel, shelf, "2", lot="L1")
    assert balance(steel, shelf, move.lot) == D("14.5")
    assert StockBalance.objects.count() == 1


def test_over_issue_is_refused_with_the_available_quantity(steel, shelf):
    lot = receive(steel, shelf, "12.5", lot="L1").moves[0].lot
    refused(lambda: stock_services.issue_stock(actor=keeper(), item=steel, location=shelf, lot=lot, quantity=D("13")),
            "Only 12.500 kg of RM-1 lot L1 at A-01-02 available.")
    stock_services.issue_stock(actor=keeper(), item=steel, location=shelf, lot=lot, quantity=D("12.5"))
    assert balance(steel, shelf, lot) == 0
    assert ledger_mismatches() == []


def test_issue_from_a_place_that_never_held_the_item_is_refused(steel, shelf):
    refused(lambda: stock_services.issue_stock(actor=keeper(), item=steel, location=shelf, quantity=D("1")),
            "Only 0.000 kg of RM-1 at A-01-02 available.")
    assert not StockBalance.objects.exists()


@pytest.mark.parametrize("status", [LotStatus.QUARANTINE, LotStatus.BLOCKED])
def test_quarantined_or_blocked_lot_cannot_be_issued_but_can_be_scrapped(steel, shelf, status):
    lot = receive(steel, shelf, "5", lot="L1").moves[0].lot
    stock_services.set_lot_status(actor=keeper(), lot=lot, status=status, reason="supplier complaint")
    refused(lambda: stock_services.issue_stock(actor=keeper(), item=steel, location=shelf, lot=lot, quantity=D("1")),
            "Lot L1 of RM-1 is", "cannot be issued")
    stock_services.scrap_stock(actor=keeper(), item=steel, location=shelf, lot=lot, quantity=D("5"), reason="bad")
    assert balance(steel, shelf, lot) == 0
    event = LotEvent.objects.filter(lot=lot).last()
    assert (event.from_status, event.to_status, event.reason) == ("available", status, "supplier complaint")


def test_expired_lot_cannot_be_issued(steel, shelf):
    lot = receive(steel, shelf, "5", lot="OLD", expiry=timezone.localdate() - timedelta(days=1)).moves[0].lot
    refused(lambda: stock_services.issue_stock(actor=keeper(), item=steel, location=shelf, lot=lot, quantity=D("1")),
            "Lot OLD of RM-1 expired on")


def test_bad_inputs_are_refused_and_write_nothing(steel, shelf):
    other = make_item("RM-2", unit="kg")
    lot = receive(steel, shelf, "5", lot="L1").moves[0].lot
    actor = keeper()
    refused(lambda: stock_services.issue_stock(actor=actor, item=other, location=shelf, lot=lot, quantity=D("1")),
            "Lot L1 belongs to RM-1, not to RM-2.")
    for quantity in (D("0"), D("-1")):
        refused(lambda q=quantity: stock_services.receive_stock(actor=actor, item=steel, location=shelf, quantity=q),
                "greater than zero")
    refused(lambda: stock_services.receive_stock(actor=actor, item=steel, location=shelf, quantity=D("1"), unit="m"),
            "m does not convert to kg for RM-1")
    refused(lambda: stock_services.receive_stock(actor=actor, item=steel, location=shelf, quantity=D("0.0001")),
            "at most 3 decimals")
    refused(lambda: stock_services.adjust_stock(actor=actor, item=steel, location=shelf, quantity=D("1"), reason=" "),
            "Enter a reason.")
    refused(lambda: stock_services.post_stock(actor=actor, kind=MoveKind.RECEIPT, lines=[
        MoveLine(item=steel, location=shelf, quantity=D("-1"))]), "can only add stock")
    refused(lambda: stock_services.post_stock(actor=actor, kind=MoveKind.TRANSFER, lines=[
        MoveLine(item=steel, location=shelf, quantity=D("-1"), lot=lot)]), "takes out as much as it puts in")
    inactive = make_location("OLD-1")
    from inventory import warehouse_services
    warehouse_services.update_location(actor=actor, location=inactive, is_active=False)
    refused(lambda: stock_services.receive_stock(actor=actor, item=steel, location=inactive, quantity=D("1")),
            "Location OLD-1 is inactive")


def test_a_refused_line_takes_back_the_whole_posting(steel, shelf):
    """Two lines, the second short: the first (a new balance row too) is not written."""
    paint = make_item("PT-1", unit="l")
    elsewhere = make_location("B-01")
    with pytest.raises(ValidationError):
        stock_services.post_stock(actor=keeper(), kind=MoveKind.ADJUSTMENT, reason="fix", lines=[
            MoveLine(item=steel, location=elsewhere, quantity=D("3")),
            MoveLine(item=paint, location=shelf, quantity=D("-1"))])
    assert not StockMove.objects.exists() and not StockBalance.objects.exists()


def test_other_roles_may_not_post(steel, shelf, role_users):
    for role in ("sales", "planner", "production", "qc"):
        with pytest.raises(PermissionDenied):
            stock_services.receive_stock(actor=role_users[role], item=steel, location=shelf, quantity=D("1"))
    assert not StockMove.objects.exists()


# --- transfers, adjustments, reversal -------------------------------------------------------------

def test_transfer_writes_two_rows_in_one_posting(steel, shelf):
    lot = receive(steel, shelf, "10", lot="L1").moves[0].lot
    bin2 = make_location("A-01-03")
    posting = stock_services.transfer_stock(actor=keeper(), item=steel, lot=lot, from_location=shelf,
                                            to_location=bin2, quantity=D("4"))
    out, into = posting.moves
    assert (out.quantity, into.quantity, out.move_group == into.move_group) == (D("-4"), D("4"), True)
    assert (balance(steel, shelf, lot), balance(steel, bin2, lot)) == (D("6"), D("4"))
    refused(lambda: stock_services.transfer_stock(actor=keeper(), item=steel, lot=lot, from_location=shelf,
                                                  to_location=shelf, quantity=D("1")), "different location")


def test_reversal_posts_opposite_rows_linked_to_the_originals(steel, shelf):
    lot = receive(steel, shelf, "10", lot="L1").moves[0].lot
    bin2 = make_location("A-01-03")
    transfer = stock_services.transfer_stock(actor=keeper(), item=steel, lot=lot, from_location=shelf,
                                             to_location=bin2, quantity=D("4"))
    reversal = stock_services.reverse_stock_move(actor=keeper(), move=transfer.moves[1], reason="wrong bin")
    assert sorted((m.reversal_of_id, m.quantity) for m in reversal.moves) == sorted(
        (m.pk, -m.quantity) for m in transfer.moves)
    assert (balance(steel, shelf, lot), balance(steel, bin2, lot)) == (D("10"), D("0"))
    refused(lambda: stock_services.reverse_stock_move(actor=keeper(), move=transfer.moves[0], reason="again"),
            "already been reversed")
    refused(lambda: stock_services.reverse_stock_move(actor=keeper(), move=reversal.moves[0], reason="undo"),
            "itself a reversal")
    assert ledger_mismatches() == []


def test_reversing_a_receipt_whose_stock_was_used_is_refused(steel, shelf):
    receipt = receive(steel, shelf, "10", lot="L1")
    stock_services.issue_stock(actor=keeper(), item=steel, location=shelf, lot=receipt.moves[0].lot, quantity=D("8"))
    refused(lambda: stock_services.reverse_stock_move(actor=keeper(), move=receipt.moves[0], reason="typo"),
            "Only 2.000 kg of RM-1 lot L1 at A-01-02 available.")


def test_ledger_rows_cannot_be_changed_or_deleted(steel, shelf):
    move = receive(steel, shelf, "1").moves[0]
    move.quantity = D("100")
    for attempt in (move.save, move.delete, lambda: StockMove.objects.update(quantity=D("100")),
                    lambda: StockMove.objects.all().delete()):
        with pytest.raises(ValidationError):
            attempt()
    assert StockMove.objects.get().quantity == D("1")


# --- units ---------------------------------------------------------------------------------------------

def test_purchase_in_kg_stocked_in_grams(shelf):
    pigment = make_item("PG-1", unit="g", purchase_unit="kg")
    move = receive(pigment, shelf, "2.5", unit="kg").moves[0]
    assert (move.quantity, move.entered_quantity, move.entered_unit) == (D("2500"), D("2.5"), "kg")
    stock_services.issue_stock(actor=keeper(), item=pigment, location=shelf, quantity=D("250"))
    assert balance(pigment, shelf) == D("2250")


def test_item_conversion_beats_global_and_works_both_ways(shelf):
    screws = make_item("SC-1", unit="pcs")
    boxed = make_item("SC-2", unit="box")
    UnitConversion.objects.create(from_unit="box", to_unit="pcs", factor=D("100"))
    UnitConversion.objects.create(item=screws, from_unit="box", to_unit="pcs", factor=D("12"))
    assert to_base_quantity(screws, D("2"), "box") == D("24")
    assert to_base_quantity(boxed, D("300"), "pcs") == D("3")
    with pytest.raises(ValidationError, match="enter the quantity in box"):
        to_base_quantity(boxed, D("150"), "pcs")
    with pytest.raises(ValidationError, match="does not convert"):
        to_base_quantity(screws, D("1"), "kg")
    assert to_base_quantity(make_item("ST-1", unit="t"), D("1500"), "kg") == D("1.5")


# --- cycle count ---------------------------------------------------------------------------------------

def test_cycle_count_posts_the_differences(steel, shelf):
    lot = receive(steel, shelf, "10", lot="L1").moves[0].lot
    other = receive(steel, make_location("B-01"), "4").moves[0]
    rows = {b.lot_id: b for b in StockBalance.objects.all()}
    posting = stock_services.count_stock(actor=keeper(), reason="March", lines=[
        CountLine(balance=rows[lot.pk], counted=D("9.5"), expected=D("10")),
        CountLine(balance=rows[None], counted=D("4"), expected=D("4"))])
    [move] = posting.moves
    assert (move.kind, move.quantity, move.get_reason_display()) == ("adjustment", D("-0.5"), "cycle count: March")
    assert (move.reason, move.reason_values) == ("cycle count: %(note)s", {"note": "March"})  # read translated
    assert balance(steel, shelf, lot) == D("9.5") and balance(steel, other.location) == D("4")
    assert StockBalance.objects.filter(last_counted_at__isnull=False).count() == 2
    stale = StockBalance.objects.get(lot=lot)
    refused(lambda: stock_services.count_stock(actor=keeper(), lines=[
        CountLine(balance=stale, counted=D("9"), expected=D("10"))]), "changed since the count sheet was shown")


# --- lots and alerts ---------------------------------------------------------------------------------

def test_a_second_receipt_of_a_lot_must_not_change_its_dates(steel, shelf):
    expiry = timezone.localdate() + timedelta(days=10)
    receive(steel, shelf, "1", lot="L1", expiry=expiry)
    refused(lambda: receive(steel, shelf, "1", lot="L1", expiry=expiry + timedelta(days=1)),
            "already exists with another expiry date")
    refused(lambda: stock_services.receive_stock(actor=keeper(), item=steel, location=shelf, quantity=D("1"),
                                                 lot_input=LotInput(number="L 2")), "no spaces")


def test_falling_below_the_reorder_point_alerts_warehouse_and_planners_once_a_day(shelf, role_users):
    from inventory import services

    item = make_item("RM-9", unit="kg")
    services.update_item(actor=role_users["admin"], item=item, reorder_point=D("10"), safety_stock=D("2"))
    item.refresh_from_db()
    receive(item, shelf, "20")
    stock_services.issue_stock(actor=keeper(), item=item, location=shelf, quantity=D("5"))
    assert not Alert.objects.exists()
    stock_services.issue_stock(actor=keeper(), item=item, location=shelf, quantity=D("6"))
    stock_services.issue_stock(actor=keeper(), item=item, location=shelf, quantity=D("8"))
    alert = Alert.objects.get()
    assert alert.kind == "stock_low" and set(alert.roles) == {"warehouse", "planner"}
    assert alert.rendered_subject() == "RM-9 is below its reorder point: 9.000 kg usable"
    assert {r.user.username for r in alert.recipients.all()} >= {"warehouse", "planner"}
