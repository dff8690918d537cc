"""Complaints and returns: recorded for shipped goods only, open → investigating → resolved → closed
with events, and returns taken back into a new quarantine lot (never more than was shipped)."""

import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from alerts.models import Alert
from inventory.models import LotStatus, MoveKind, StockMove
from shipping import complaints
from shipping.models import Complaint, ComplaintEvent, ComplaintStatus, CustomerReturn
from tests.fixtures.factories import user_with_role
from tests.inventory.stockdata import balance, ledger_mismatches

from .helpers import fg_location, finished_good, pick, produce, qc_passed_order, ship

pytestmark = pytest.mark.django_db


@pytest.fixture
def shipped(shipper):
    product, item = finished_good("CMP-1")
    location = fg_location("FG-C1")
    returns = fg_location("RET-01")
    order = qc_passed_order([product], [10])
    lot_a = produce(order, item, location, 6, "CMP-A").moves[0].lot
    lot_b = produce(order, item, location, 4, "CMP-B").moves[0].lot
    first = ship(shipper, order, [pick(order, 1, lot_a, location, 6)])
    second = ship(shipper, order, [pick(order, 1, lot_b, location, 4)])
    return {"order": order, "item": item, "lot_a": lot_a, "lot_b": lot_b, "first": first, "second": second,
            "returns": returns, "location": location}


def test_a_complaint_goes_open_investigating_resolved_closed(shipped, desk):
    qc = user_with_role("qc")
    complaint = complaints.create_complaint(actor=desk, order=shipped["order"], shipment=shipped["first"],
                                            lot=shipped["lot_a"], description="3 bottles leaked")
    assert complaint.number.startswith("CP-") and complaint.status == ComplaintStatus.OPEN
    assert Alert.objects.filter(kind="complaint_recorded", params__number=complaint.number).exists()
    with pytest.raises(ValidationError, match="resolving it is not possible"):
        complaints.resolve_complaint(actor=qc, complaint=complaint, investigation="x", corrective_action="y")
    complaints.start_investigation(actor=qc, complaint=complaint, note="samples requested")
    complaints.update_investigation(actor=qc, complaint=complaint, investigation="cap torque low",
                                    corrective_action="")
    with pytest.raises(ValidationError, match="corrective action"):
        complaints.resolve_complaint(actor=qc, complaint=complaint, investigation="cap torque low",
                                     corrective_action=" ")
    complaints.resolve_complaint(actor=qc, complaint=complaint, investigation="cap torque low",
                                 corrective_action="torque check every hour")
    closed = complaints.close_complaint(actor=desk, complaint=complaint)
    assert closed.status == ComplaintStatus.CLOSED and closed.resolved_at and closed.closed_at
    events = list(ComplaintEvent.objects.filter(complaint=complaint).values_list("action", "from_status", "to_status",
                                                                                 "actor"))
    assert events == [("created", "", "open", desk.pk), ("investigation_started", "open", "investigating", qc.pk),
                      ("investigation_updated", "investigating", "investigating", qc.pk),
                      ("resolved", "investigating", "resolved", qc.pk), ("closed", "resolved", "closed", desk.pk)]


def test_closing_an_unresolved_complaint_needs_a_reason(shipped, desk):
    complaint = complaints.create_complaint(actor=desk, order=shipped["order"], description="late")
    with pytest.raises(ValidationError, match="closing it is not possible"):
        complaints.close_complaint(actor=desk, complaint=complaint, note="x")
    complaints.start_investigation(actor=desk, complaint=complaint)
    with pytest.raises(ValidationError, match="Give the reason"):
        complaints.close_complaint(actor=desk, complaint=complaint)
    assert complaints.close_complaint(actor=desk, complaint=complaint, note="delivered on time").status == "closed"


def test_bad_complaints_are_refused(shipped, desk, shipper):
    product, _item = finished_good()
    not_shipped = qc_passed_order([product], [1])
    cases = [
        ({"order": not_shipped, "description": "x"}, "has not shipped anything yet"),
        ({"order": shipped["order"], "description": "  "}, "Describe what the customer reports"),
        ({"order": shipped["order"], "description": "x", "shipment": shipped["first"], "lot": shipped["lot_b"]},
         "Lot CMP-B was not shipped in"),
    ]
    for kwargs, message in cases:
        with pytest.raises(ValidationError, match=message):
            complaints.create_complaint(actor=desk, **kwargs)
    with pytest.raises(PermissionDenied):
        complaints.create_complaint(actor=user_with_role("planner"), order=shipped["order"], description="x")
    with pytest.raises(PermissionDenied):
        complaints.start_investigation(actor=shipper, complaint=complaints.create_complaint(
            actor=desk, order=shipped["order"], description="x"))
    assert Complaint.objects.count() == 1


def test_a_return_goes_into_a_new_quarantine_lot(shipped, desk, shipper):
    complaint = complaints.create_complaint(actor=desk, order=shipped["order"], shipment=shipped["first"],
                                            description="wrong colour")
    line = shipped["first"].lines.get()
    returned = complaints.receive_return(actor=shipper, complaint=complaint, shipment_line=line,
                                         quantity=Decimal("2"), location=shipped["returns"], reason="wrong colour")
    lot = returned.return_lot
    assert lot.number == returned.number and lot.number.startswith("RT-") and lot.status == LotStatus.QUARANTINE
    assert lot.item == shipped["item"] and balance(shipped["item"], shipped["returns"], lot) == 2
    move = StockMove.objects.get(move_group=returned.move_group)
    assert (move.kind, move.quantity, move.document_type, move.document_id, move.document_number, move.order_id) == (
        MoveKind.RETURN, Decimal("2"), "customer_return", complaint.pk, returned.number, shipped["order"].pk)
    assert ComplaintEvent.objects.filter(complaint=complaint, action="return_received").exists()
    assert Alert.objects.filter(kind="customer_return").exists()
    # Goods in quarantine are not shipped again until quality releases them.
    product_line = shipped["order"].lines.get()
    assert product_line.shipped_quantity == 10
    assert ledger_mismatches() == []


def test_bad_returns_are_refused_and_nothing_is_written(shipped, desk, shipper):
    complaint = complaints.create_complaint(actor=desk, order=shipped["order"], shipment=shipped["first"],
                                            description="damaged")
    first_line, second_line = shipped["first"].lines.get(), shipped["second"].lines.get()
    complaints.receive_return(actor=shipper, complaint=complaint, shipment_line=first_line, quantity=Decimal("5"),
                              location=shipped["returns"], reason="damaged")
    before = (CustomerReturn.objects.count(), StockMove.objects.count())
    cases = [
        ({"shipment_line": first_line, "quantity": Decimal("2")}, "Only 1 pcs of CMP-1 lot CMP-A"),
        ({"shipment_line": first_line, "quantity": Decimal("0")}, "more than zero"),
        ({"shipment_line": first_line, "quantity": Decimal("0.5")}, "at most 0 decimals"),
        ({"shipment_line": second_line, "quantity": Decimal("1")}, "the one the complaint is about"),
        ({"shipment_line": first_line, "quantity": Decimal("1"), "reason": ""}, "Give the reason"),
    ]
    for kwargs, message in cases:
        kwargs = {"location": shipped["returns"], "reason": "damaged", **kwargs}
        with pytest.raises(ValidationError, match=message):
            complaints.receive_return(actor=shipper, complaint=complaint, **kwargs)
    with pytest.raises(PermissionDenied):
        complaints.receive_return(actor=user_with_role("sales"), complaint=complaint, shipment_line=first_line,
                                  quantity=Decimal("1"), location=shipped["returns"], reason="x")
    assert (CustomerReturn.objects.count(), StockMove.objects.count()) == before


def test_the_complaint_pages(client, shipped, desk, shipper):
    order = shipped["order"]
    client.force_login(desk)
    url = reverse("shipping:complaint_create", args=[order.pk])
    assert shipped["first"].number in client.get(url).content.decode()
    response = client.post(url, {"entry_key": "7b1d3c4e-0000-4a4a-8888-123456789abc",
                                 "shipment": shipped["first"].pk, "lot": shipped["lot_a"].pk,
                                 "description": "瓶盖松动"})
    complaint = Complaint.objects.get()
    assert response.status_code == 302 and complaint.lot == shipped["lot_a"]
    listing = client.get(reverse("shipping:complaint_list"), {"q": "瓶盖", "status": "open"}).content.decode()
    assert complaint.number in listing
    assert complaint.number not in client.get(reverse("shipping:complaint_list"), {"status": "closed"}).content.decode()
    client.post(reverse("shipping:complaint_action", args=[complaint.pk, "start"]), {"note": ""})
    refused = client.post(reverse("shipping:complaint_action", args=[complaint.pk, "resolve"]),
                          {"investigation": "", "corrective_action": ""})
    assert refused.status_code == 400 and Complaint.objects.get().status == ComplaintStatus.INVESTIGATING
    client.post(reverse("shipping:complaint_action", args=[complaint.pk, "resolve"]),
                {"investigation": "loose caps", "corrective_action": "new capper"})
    assert Complaint.objects.get().status == ComplaintStatus.RESOLVED
    client.force_login(shipper)
    page = client.get(reverse("shipping:complaint_detail", args=[complaint.pk])).content.decode()
    assert 'data-testid="return-form"' in page and 'data-testid="timeline"' in page
    line = shipped["first"].lines.get()
    bad = client.post(reverse("shipping:complaint_return", args=[complaint.pk]), {
        "entry_key": "7b1d3c4e-1111-4a4a-8888-123456789abc", "shipment_line": line.pk, "quantity": "9",
        "location": shipped["returns"].pk, "reason": "loose caps"})
    assert bad.status_code == 400 and "Only 6 pcs" in bad.content.decode() and not CustomerReturn.objects.exists()
    client.post(reverse("shipping:complaint_return", args=[complaint.pk]), {
        "entry_key": "7b1d3c4e-1111-4a4a-8888-123456789abc", "shipment_line": line.pk, "quantity": "3",
        "location": shipped["returns"].pk, "reason": "loose caps"})
    assert CustomerReturn.objects.get().quantity == 3  # the shipping role takes returns without warehouse rights


def test_a_refused_return_is_shown_when_the_return_form_is_gone(client, shipped, desk, shipper):
    """The complaint was closed while the shipper had its page open: the refusal is on the page (the
    400 used to render it inside the return form, which a closed complaint no longer shows)."""
    complaint = complaints.create_complaint(actor=desk, order=shipped["order"], description="瓶盖松动")
    complaints.start_investigation(actor=desk, complaint=complaint)
    complaints.close_complaint(actor=desk, complaint=complaint, note="customer withdrew")
    client.force_login(shipper)
    line = shipped["first"].lines.get()
    response = client.post(reverse("shipping:complaint_return", args=[complaint.pk]), {
        "entry_key": "7b1d3c4e-3333-4a4a-8888-123456789abc", "shipment_line": line.pk, "quantity": "1",
        "location": shipped["returns"].pk, "reason": "damaged"})
    assert response.status_code == 400
    body = response.content.decode()
    box = re.search(r'data-testid="return-errors">(.*?)</div>\s*\{?%?', body, re.S)
    assert 'data-testid="return-form"' not in body and box and box.group(1).strip(), body[-3000:]
    assert not CustomerReturn.objects.exists()
