"""Exchanges (换货): a complaint ends in an exchange when the returned goods (into quarantine) are replaced by
a shipment of released stock linked to the return (shipping.exchanges). The replacement is posted as an issue,
leaves the order's shipped quantities and status alone, is not invoiced, and keeps the order from closing
while it is on its way; bad input changes nothing."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from inventory.models import MoveKind, StockMove
from orders.models import Order, OrderStatus
from settlement import services as settlement
from settlement.selectors import shipments_to_invoice
from shipping import complaints, deliveries, exchanges
from shipping.models import ComplaintEvent, Shipment, ShipmentStatus
from tests.fixtures.factories import user_with_role
from tests.inventory.stockdata import balance, ledger_mismatches

from .helpers import deliver, fg_location, finished_good, pick, produce, qc_passed_order, ship

pytestmark = pytest.mark.django_db


@pytest.fixture
def returned(shipper):
    """An order of 10 delivered from lot EX-A (15 made: 5 left in stock), 3 of them come back into quarantine."""
    product, item = finished_good("EXC-1")
    location, returns = fg_location("FG-X1"), fg_location("RET-X1")
    order = qc_passed_order([product], [10])
    lot = produce(order, item, location, 15, "EX-A").moves[0].lot
    shipment = ship(shipper, order, [pick(order, 1, lot, location, 10)])
    deliver(shipper, shipment)
    desk = user_with_role("order_desk")
    complaint = complaints.create_complaint(actor=desk, order=order, description="三瓶漏液", shipment=shipment)
    back = complaints.receive_return(actor=user_with_role("warehouse"), complaint=complaint,
                                     shipment_line=shipment.lines.get(), quantity=Decimal("3"), location=returns,
                                     reason="漏液")
    return {"order": Order.objects.get(pk=order.pk), "item": item, "lot": lot, "location": location,
            "shipment": shipment, "complaint": complaint, "return": back, "desk": desk}


def test_a_replacement_ships_from_released_stock_linked_to_the_return(returned, shipper):
    order, back, lot, location = returned["order"], returned["return"], returned["lot"], returned["location"]
    assert [b.lot for b in exchanges.replacement_options(back)] == [lot]  # never the quarantine lot
    replacement = exchanges.ship_replacement(actor=shipper, customer_return=back, lot=lot, location=location)
    assert replacement.replaces == back and replacement.status == ShipmentStatus.SHIPPED
    assert list(replacement.lines.values_list("quantity", flat=True)) == [Decimal("3")]
    assert balance(returned["item"], location, lot) == Decimal("2")
    issue = StockMove.objects.get(document_number=replacement.number)
    assert issue.kind == MoveKind.ISSUE and issue.quantity == Decimal("-3")
    assert ledger_mismatches() == []
    # The order's own figures stay as they were.
    current = Order.objects.get(pk=order.pk)
    assert current.status == OrderStatus.DELIVERED and current.lines.get().shipped_quantity == Decimal("10")
    event = ComplaintEvent.objects.get(complaint=returned["complaint"], action="replacement_shipped")
    assert replacement.number in str(event.get_note_display()) and back.number in str(event.get_note_display())
    # Not invoiced: only the original shipment is to invoice; a replacement is refused by settlement.
    assert list(shipments_to_invoice().filter(order=order)) == [returned["shipment"]]
    with pytest.raises(ValidationError, match="replaces returned goods"):
        settlement.create_invoice(actor=user_with_role("finance"), shipment=replacement)
    # Everything is replaced now: a second replacement is refused.
    with pytest.raises(ValidationError, match="Only 0 pcs of return"):
        exchanges.ship_replacement(actor=shipper, customer_return=back, lot=lot, location=location,
                                   quantity=Decimal("1"))


def test_the_order_closes_only_once_the_replacement_is_delivered(returned, shipper):
    order, desk = returned["order"], returned["desk"]
    finance = user_with_role("finance")
    invoice = settlement.create_invoice(actor=finance, shipment=returned["shipment"])
    settlement.record_payment(actor=finance, invoice=invoice, amount=invoice.amount, received_on=invoice.invoice_date)
    replacement = exchanges.ship_replacement(actor=shipper, customer_return=returned["return"], lot=returned["lot"],
                                             location=returned["location"])
    complaint = returned["complaint"]
    complaints.start_investigation(actor=desk, complaint=complaint)
    complaints.resolve_complaint(actor=desk, complaint=complaint, investigation="封口不良",
                                 corrective_action="换货并加强封口检验")
    complaints.close_complaint(actor=desk, complaint=complaint)
    with pytest.raises(ValidationError, match=f"Shipment {replacement.number} is shipped, not delivered"):
        deliveries.close_order(actor=desk, order=order)
    deliver(shipper, Shipment.objects.get(pk=replacement.pk))
    assert deliveries.close_order(actor=desk, order=order).status == OrderStatus.CLOSED


def test_bad_replacements_are_refused_and_nothing_is_written(returned, shipper):
    back, lot, location = returned["return"], returned["lot"], returned["location"]
    shipments, moves = Shipment.objects.count(), StockMove.objects.count()
    cases = [
        ({"quantity": Decimal("4")}, "Only 3 pcs of return"),
        ({"quantity": Decimal("0")}, "more than zero"),
        ({"quantity": Decimal("1.5")}, "at most 0 decimals"),
        ({"lot": back.return_lot}, "quarantine"),
        ({"location": fg_location("EMPTY-X")}, ""),  # no stock there: the posting refuses
    ]
    for kwargs, message in cases:
        values = {"lot": lot, "location": location, **kwargs}
        with pytest.raises(ValidationError) as refused:
            exchanges.ship_replacement(actor=shipper, customer_return=back, **values)
        assert message in " ".join(refused.value.messages), (kwargs, refused.value.messages)
        assert (Shipment.objects.count(), StockMove.objects.count()) == (shipments, moves)
    with pytest.raises(PermissionDenied):
        exchanges.ship_replacement(actor=user_with_role("sales"), customer_return=back, lot=lot, location=location)
    assert Shipment.objects.count() == shipments


def test_the_complaint_page_ships_a_replacement(returned, shipper, client):
    back, lot, location = returned["return"], returned["lot"], returned["location"]
    client.force_login(shipper)
    url = reverse("shipping:complaint_detail", args=[returned["complaint"].pk])
    page = client.get(url).content.decode()
    assert 'data-testid="exchange-form"' in page and back.number in page
    option = exchanges.replacement_options(back)[0]
    bad = client.post(reverse("shipping:complaint_exchange", args=[returned["complaint"].pk]), {
        "customer_return": back.pk, "balance": option.pk, "quantity": "9",
        "entry_key": "0b8f3a52-5c1e-4f7a-9d57-2f3b1c0e0a01"})
    assert bad.status_code == 400 and "Only 3 pcs of return" in bad.content.decode()
    assert not Shipment.objects.filter(replaces=back).exists()
    done = client.post(reverse("shipping:complaint_exchange", args=[returned["complaint"].pk]), {
        "customer_return": back.pk, "balance": option.pk, "quantity": "",
        "entry_key": "0b8f3a52-5c1e-4f7a-9d57-2f3b1c0e0a02"})
    assert done.status_code == 302
    replacement = Shipment.objects.get(replaces=back)
    page = client.get(url).content.decode()
    assert replacement.number in page and 'data-testid="replacement-row"' in page
    assert lot == option.lot and location == option.location
