"""Purchasing through the services: requests from an order's shortages, approval, purchase orders in
the supplier's unit, partial receipts into lots (quarantine for items under incoming inspection), the
re-check of the orders short of the item with its alert, every bad input refused with nothing written,
the double-submitted receipt, and numbering under concurrency (PostgreSQL)."""

import re
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alerts.models import Alert
from inventory import goods_receipts, purchasing, requirements
from inventory.goods_receipts import ReceiptInput
from inventory.models import (
    GoodsReceipt,
    LotStatus,
    PurchaseOrder,
    PurchaseOrderEvent,
    PurchaseOrderLine,
    PurchaseRequest,
    Reservation,
    StockBalance,
    StockMove,
    Supplier,
    UnitConversion,
)
from inventory.purchasing import PurchaseLineInput
from tests.fixtures.concurrency import run_together
from tests.fixtures.factories import user_with_role
from tests.inventory.materialdata import (
    assert_refused,
    buyer,
    in_days,
    machine_order,
    make_machine,
    make_supplier,
    sent_po,
)
from tests.inventory.stockdata import keeper, ledger_mismatches, make_location, make_warehouse, receive

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def machine():
    return make_machine()


@pytest.fixture
def dock():
    return make_location("DOCK-1", warehouse=make_warehouse("WH1"), pick_sequence=1)


def written():
    return (StockMove.objects.count(), GoodsReceipt.objects.count(), PurchaseOrderEvent.objects.count(),
            list(PurchaseOrderLine.objects.order_by("pk").values_list("received_quantity", flat=True)),
            list(PurchaseOrder.objects.order_by("pk").values_list("status", flat=True)),
            list(StockBalance.objects.order_by("pk").values_list("on_hand", "reserved")))


def refused(call, *fragments):
    return assert_refused(call, written, *fragments)


def receive_on(line, quantity, location, **kwargs):
    return goods_receipts.receive_goods(actor=keeper(), line=line,
                                        data=ReceiptInput(quantity=D(str(quantity)), location=location, **kwargs))


def test_shortages_become_requests_then_a_purchase_order_received_in_parts(machine, dock):
    order = machine_order(machine, quantity="10", status="planned")
    receive(machine.screw, dock, "100", lot="SC-1")  # screws are covered; steel and gaskets are short
    planner = buyer()

    made = purchasing.request_order_shortages(actor=planner, order=order)
    assert sorted((r.item.code, r.quantity, r.needed_by) for r in made) == [
        ("RM-GASKET", D("60"), in_days(5)), ("RM-STEEL", D("11.806"), in_days(7))]
    assert all(re.fullmatch(rf"PR-{timezone.localdate().year}-\d{{5}}", r.number) for r in made)
    # A second click requests nothing new.
    with pytest.raises(ValidationError, match="no shortage"):
        purchasing.request_order_shortages(actor=planner, order=order)
    assert PurchaseRequest.objects.count() == 2

    gasket_request = next(r for r in made if r.item == machine.gasket)
    purchasing.approve_purchase_request(actor=planner, request=gasket_request)
    supplier = make_supplier()
    po = purchasing.create_purchase_order(actor=planner, supplier=supplier, lines=[PurchaseLineInput(
        item=machine.gasket, quantity=D("60"), unit_price=D("0.35"), expected_date=in_days(4), request=gasket_request)])
    assert re.fullmatch(rf"PO-{timezone.localdate().year}-\d{{5}}", po.number)
    gasket_request.refresh_from_db()
    [line] = po.lines.all()
    assert (gasket_request.status, gasket_request.purchase_order_line, line.order) == ("ordered", line, order)
    # A draft is not on order yet; once sent it covers the gaskets on day 4.
    assert requirements.order_requirements(order).component(machine.gasket).covered_on is None
    po = purchasing.send_purchase_order(actor=planner, purchase_order=po)
    assert requirements.order_requirements(order).component(machine.gasket).covered_on == in_days(4)

    first = receive_on(line, "25", dock, supplier_lot="SUP-778")
    po.refresh_from_db()
    line.refresh_from_db()
    assert (po.status, line.received_quantity) == ("partially_received", D("25"))
    lot = first.receipt.lot
    assert (lot.number, lot.supplier_lot, lot.status) == (first.receipt.number, "SUP-778", LotStatus.AVAILABLE)
    # What the line bought for the order brings is reserved for it.
    assert Reservation.objects.get(order=order, item=machine.gasket, status="active").quantity == D("25")
    gasket = requirements.order_requirements(order).component(machine.gasket)
    assert (gasket.reserved, gasket.shortage, gasket.on_order) == (D("25"), D("35"), D("35"))

    receive_on(line, "35", dock, lot_number="GK-2026-02", expiry_date=in_days(365))
    po.refresh_from_db()
    assert po.status == "received"
    assert list(po.events.values_list("action", "from_status", "to_status")) == [
        ("created", "", "draft"), ("sent", "draft", "sent"), ("received", "sent", "partially_received"),
        ("received", "partially_received", "received")]
    assert requirements.order_requirements(order).component(machine.gasket).shortage == 0
    assert ledger_mismatches() == []
    # Nothing more is expected on a received order.
    refused(lambda: receive_on(line, "1", dock), "fully received")


def test_an_order_that_becomes_ready_alerts_warehouse_planners_and_its_creator(machine, dock):
    sales = user_with_role("sales")
    order = machine_order(machine, quantity="1", sales=sales, priority="rush", rush_reason="展会 fair")
    receive(machine.screw, dock, "12", lot="SC-1")
    receive(machine.steel, dock, "1.306", lot="ST-1")
    po = sent_po(make_supplier(), [(machine.gasket, 6, 3)])
    [line] = po.lines.all()

    partial = receive_on(line, "5", dock)
    assert partial.ready_orders == [] and [r.order for r in partial.still_short] == [order]
    assert not Alert.objects.filter(kind="materials_available").exists()
    result = receive_on(line, "1", dock)
    assert [r.order for r in result.ready_orders] == [order]
    alert = Alert.objects.get(kind="materials_available")
    assert alert.severity == "high" and order.number in alert.rendered_subject()
    recipients = set(alert.recipients.values_list("user__username", flat=True))
    assert sales.username in recipients and keeper().username in recipients and buyer().username in recipients


def test_items_under_incoming_inspection_are_received_into_quarantine(machine, dock):
    from inventory import services

    services.update_item(actor=user_with_role("admin"), item=machine.gasket, incoming_inspection=True)
    order = machine_order(machine, quantity="1")
    [line] = sent_po(make_supplier(), [(machine.gasket, 6, 3)]).lines.all()
    result = receive_on(line, "6", dock, lot_number="GK-Q1")
    assert result.receipt.quarantined and result.receipt.lot.status == LotStatus.QUARANTINE
    gasket = requirements.order_requirements(order).component(machine.gasket)
    assert (gasket.available, gasket.shortage) == (0, D("6"))  # not usable until quality releases it
    assert result.ready_orders == []
    assert not Reservation.objects.exists()
    # A lot already released cannot take goods that need inspection.
    receive(machine.gasket, dock, "1", lot="GK-OK")
    [line2] = sent_po(make_supplier("S002"), [(machine.gasket, 6, 3)]).lines.all()
    refused(lambda: receive_on(line2, "1", dock, lot_number="GK-OK"), "incoming inspection", "GK-OK")


def test_a_purchase_unit_converts_to_the_stock_unit(machine, dock):
    UnitConversion.objects.create(item=machine.screw, from_unit="box", to_unit="pcs", factor=D("100"))
    po = purchasing.create_purchase_order(actor=buyer(), supplier=make_supplier(), lines=[PurchaseLineInput(
        item=machine.screw, quantity=D("2"), unit="box", unit_price=D("30"), expected_date=in_days(2))])
    [line] = po.lines.all()
    assert (line.quantity, line.unit, line.base_quantity, line.amount) == (D("2"), "box", D("200"), D("60.00"))
    purchasing.send_purchase_order(actor=buyer(), purchase_order=po)
    receive_on(line, "150", dock, unit="pcs")
    receive_on(line, "0.5", dock)  # in the line's unit: half a box = 50 pieces
    line.refresh_from_db()
    assert line.received_quantity == D("200")
    # A unit that does not convert is refused on the order and on the receipt.
    with pytest.raises(ValidationError, match="does not convert"):
        purchasing.create_purchase_order(actor=buyer(), supplier=make_supplier("S002"), lines=[PurchaseLineInput(
            item=machine.screw, quantity=D("2"), unit="kg", unit_price=D("1"), expected_date=in_days(2))])


def test_bad_receipts_are_refused_and_write_nothing(machine, dock):
    supplier = make_supplier(over_receipt_percent=D("10"))
    po = sent_po(supplier, [(machine.gasket, 10, 3), (machine.steel, 5, 3)])
    gasket_line, steel_line = po.lines.order_by("line_no")
    for quantity in ("0", "-3"):
        refused(lambda q=quantity: receive_on(gasket_line, q, dock), "greater than zero")
    refused(lambda: receive_on(gasket_line, "1", dock, unit="kg"), "does not convert")
    refused(lambda: receive_on(gasket_line, "1.5", dock), "Goods receipt 1.5 pcs: RM-GASKET is counted in pcs")
    # 10 ordered, 10 % tolerance: 11 at most.
    refused(lambda: receive_on(gasket_line, "12", dock), "At most 11 pcs")
    receive_on(gasket_line, "11", dock)
    refused(lambda: receive_on(steel_line, "5.501", dock), "At most 5.500 kg")
    inactive = make_location("OLD-1", warehouse=dock.warehouse)
    from inventory import warehouse_services

    warehouse_services.update_location(actor=keeper(), location=inactive, is_active=False)
    inactive.refresh_from_db()
    refused(lambda: receive_on(steel_line, "1", inactive), "inactive")

    draft = sent_po(supplier, [(machine.gasket, 10, 3)], send=False)
    refused(lambda: receive_on(draft.lines.get(), "1", dock), "not been sent")
    cancelled = purchasing.cancel_purchase_order(actor=buyer(), purchase_order=draft, reason="supplier out of stock")
    refused(lambda: receive_on(cancelled.lines.get(), "1", dock), "Cancelled")
    purchasing.close_purchase_order(actor=buyer(), purchase_order=po, reason="rest not needed")
    refused(lambda: receive_on(steel_line, "1", dock), "Closed")
    with pytest.raises(PermissionDenied):
        goods_receipts.receive_goods(actor=user_with_role("sales"), line=steel_line,
                                     data=ReceiptInput(quantity=D("1"), location=dock))


def test_the_same_receipt_form_submitted_twice_receives_once(machine, dock):
    [line] = sent_po(make_supplier(), [(machine.gasket, 10, 3)]).lines.all()
    key = uuid.uuid4()
    data = ReceiptInput(quantity=D("4"), location=dock)
    first = goods_receipts.receive_goods(actor=keeper(), line=line, data=data, entry_key=key)
    again = goods_receipts.receive_goods(actor=keeper(), line=line, data=data, entry_key=key)
    assert (again.duplicate, again.receipt) == (True, first.receipt)
    line.refresh_from_db()
    assert line.received_quantity == D("4") and GoodsReceipt.objects.count() == 1


def test_purchase_orders_and_requests_refuse_bad_input(machine):
    planner = buyer()
    supplier = make_supplier()
    with pytest.raises(ValidationError) as info:
        purchasing.create_purchase_order(actor=planner, supplier=supplier, lines=[
            PurchaseLineInput(item=machine.gasket, quantity=D("0"), unit_price=D("-1"), expected_date=in_days(-1))])
    text = " ".join(info.value.messages)
    assert "greater than zero" in text and "price" in text and "past" in text
    with pytest.raises(ValidationError, match="at least one line"):
        purchasing.create_purchase_order(actor=planner, supplier=supplier, lines=[])
    open_request = purchasing.create_purchase_request(actor=planner, item=machine.gasket, quantity=D("5"),
                                                      needed_by=in_days(3))
    with pytest.raises(ValidationError, match="not approved"):
        purchasing.create_purchase_order(actor=planner, supplier=supplier, lines=[PurchaseLineInput(
            item=machine.gasket, quantity=D("5"), unit_price=D("1"), expected_date=in_days(3), request=open_request)])
    with pytest.raises(ValidationError, match="reason"):
        purchasing.reject_purchase_request(actor=planner, request=open_request, reason=" ")
    with pytest.raises(ValidationError) as info:
        purchasing.create_purchase_request(actor=planner, item=machine.gasket, quantity=D("0.5"),
                                           needed_by=in_days(-2))
    assert set(info.value.message_dict) == {"quantity", "needed_by"}
    assert PurchaseOrder.objects.count() == 0 and PurchaseRequest.objects.count() == 1
    with pytest.raises(PermissionDenied):
        purchasing.create_purchase_request(actor=user_with_role("sales"), item=machine.gasket, quantity=D("1"),
                                           needed_by=in_days(3))
    with pytest.raises(PermissionDenied):
        purchasing.create_purchase_order(actor=keeper(), supplier=supplier, lines=[])
    # Cancelling a purchase order gives its requests back to be ordered elsewhere.
    purchasing.approve_purchase_request(actor=planner, request=open_request)
    po = purchasing.create_purchase_order(actor=planner, supplier=supplier, lines=[PurchaseLineInput(
        item=machine.gasket, quantity=D("5"), unit_price=D("1"), expected_date=in_days(3), request=open_request)])
    purchasing.cancel_purchase_order(actor=planner, purchase_order=po, reason="wrong supplier")
    open_request.refresh_from_db()
    assert (open_request.status, open_request.purchase_order_line) == ("approved", None)


@pytest.mark.django_db(transaction=True)
def test_concurrent_purchase_orders_get_distinct_numbers(postgres_only, machine):
    supplier = make_supplier()
    planner = buyer()

    def create():
        return purchasing.create_purchase_order(actor=planner, supplier=supplier, lines=[PurchaseLineInput(
            item=machine.gasket, quantity=D("1"), unit_price=D("1"), expected_date=in_days(3))]).number

    numbers = run_together(*[create] * 4)
    assert all(isinstance(n, str) for n in numbers), numbers
    assert len(set(numbers)) == 4


# --- pages -------------------------------------------------------------------------------------------

def test_requests_page_approves_and_a_purchase_order_is_made_from_them_then_received(client, machine, dock):
    order = machine_order(machine, quantity="1", status="planned")
    purchasing.request_order_shortages(actor=keeper(), order=order)
    planner = buyer()
    client.force_login(planner)
    page = client.get(reverse("inventory:purchase_request_list"), {"q": order.number}).content.decode()
    requests = list(PurchaseRequest.objects.order_by("pk"))
    assert all(r.number in page for r in requests)
    for r in requests:
        assert client.post(reverse("inventory:purchase_request_action", args=[r.pk, "approve"])).status_code == 302
    # Rejecting needs a reason (the request is no longer open anyway: a clear message, nothing changes).
    client.post(reverse("inventory:purchase_request_action", args=[requests[0].pk, "reject"]), {"reason": ""})
    assert PurchaseRequest.objects.get(pk=requests[0].pk).status == "approved"
    form = client.get(reverse("inventory:purchase_order_create"),
                      {"requests": ",".join(str(r.pk) for r in requests)}).content.decode()
    assert all(r.item.code in form for r in requests)
    supplier = make_supplier()
    key = re.search(r'name="entry_key" value="([^"]+)"', form).group(1)
    data = {"supplier": supplier.code, "note": "", "entry_key": key, "lines-TOTAL_FORMS": str(len(requests) + 1),
            "lines-INITIAL_FORMS": str(len(requests)), "lines-MIN_NUM_FORMS": "1", "lines-MAX_NUM_FORMS": "200"}
    for n, r in enumerate(requests):
        data.update({f"lines-{n}-item": r.item.code, f"lines-{n}-quantity": str(r.quantity),
                     f"lines-{n}-unit": "", f"lines-{n}-unit_price": "1.20",
                     f"lines-{n}-expected_date": in_days(4).isoformat(), f"lines-{n}-request": str(r.pk)})
    response = client.post(reverse("inventory:purchase_order_create"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    again = client.post(reverse("inventory:purchase_order_create"), data)  # the form sent twice: one order
    po = PurchaseOrder.objects.get()
    assert again.status_code == 302 and again["Location"] == response["Location"]
    assert po.lines.count() == len(requests) and all(line.order == order for line in po.lines.all())
    assert set(PurchaseRequest.objects.values_list("status", flat=True)) == {"ordered"}
    client.post(reverse("inventory:purchase_order_action", args=[po.pk, "send"]))
    po.refresh_from_db()
    assert po.status == "sent"

    client.force_login(keeper())
    line = po.lines.get(item=machine.gasket)
    form_page = client.get(reverse("inventory:goods_receipt_create", args=[line.pk])).content.decode()
    key = re.search(r'name="entry_key" value="([^"]+)"', form_page).group(1)
    receipt = {"quantity": "6", "unit": "", "location": dock.code, "lot_number": "", "supplier_lot": "S-1",
               "production_date": "", "expiry_date": "", "note": "", "entry_key": key}
    assert client.post(reverse("inventory:goods_receipt_create", args=[line.pk]), receipt).status_code == 302
    assert client.post(reverse("inventory:goods_receipt_create", args=[line.pk]), receipt).status_code == 302
    assert GoodsReceipt.objects.count() == 1  # the form sent twice receives once
    too_much = client.post(reverse("inventory:goods_receipt_create", args=[line.pk]),
                           {**receipt, "quantity": "1", "entry_key": str(uuid.uuid4())})
    assert too_much.status_code == 200 and "At most 0 pcs" in too_much.content.decode()
    detail = client.get(reverse("inventory:purchase_order_detail", args=[po.pk])).content.decode()
    assert GoodsReceipt.objects.get().number in detail and 'data-action="received"' in detail
    assert 'data-action="sent"' in detail and 'data-action="created"' in detail


def test_purchase_order_list_filters_sorts_pages_with_a_fixed_query_count(client, machine):
    supplier, other = make_supplier(), make_supplier("S002", name="Other Supplies")
    for n in range(3):
        sent_po(supplier, [(machine.gasket, 10 + n, 5 - n)])
    sent_po(other, [(machine.steel, 1, 9)], send=False)
    client.force_login(buyer())
    url = reverse("inventory:purchase_order_list")

    def rows(**params):
        html = client.get(url, params).content.decode()
        return re.findall(r'data-testid="po-row" data-number="([^"]+)"', html)

    numbers = list(PurchaseOrder.objects.order_by("created_at", "pk").values_list("number", flat=True))
    assert rows() == numbers[::-1]
    assert rows(status="open") == numbers[:3][::-1]
    assert rows(status="draft") == [numbers[3]]
    assert rows(q="RM-STEEL") == [numbers[3]]
    assert rows(q="Other") == [numbers[3]]
    assert rows(sort="expected", status="open") == numbers[:3][::-1]  # day 3, 4, 5
    assert rows(supplier=other.pk) == [numbers[3]]

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    small = queries()
    for _n in range(10):
        sent_po(supplier, [(machine.gasket, 1, 3), (machine.screw, 5, 4)])
    assert queries() == small
    assert client.get(url, {"per_page": 25, "page": 2}).status_code == 200


def test_purchasing_pages_check_permissions(client, machine, dock):
    po = sent_po(make_supplier(), [(machine.gasket, 10, 3)])
    client.force_login(user_with_role("sales"))
    for name, args in [("purchase_order_list", []), ("purchase_order_detail", [po.pk]),
                       ("purchase_request_list", []), ("supplier_list", []), ("purchase_order_create", []),
                       ("goods_receipt_create", [po.lines.get().pk])]:
        assert client.get(reverse(f"inventory:{name}", args=args)).status_code == 403, name
    client.force_login(keeper())  # the warehouse sees purchase orders and receives, but does not buy
    assert client.get(reverse("inventory:purchase_order_detail", args=[po.pk])).status_code == 200
    assert client.get(reverse("inventory:purchase_order_create")).status_code == 403
    assert client.post(reverse("inventory:purchase_order_action", args=[po.pk, "cancel"]),
                       {"reason": "x"}).status_code == 403


def test_supplier_pages_create_edit_and_deactivate(client, machine):
    client.force_login(buyer())
    response = client.post(reverse("inventory:supplier_create"), {
        "code": "SUP-9", "name": "宁波五金 Ningbo Hardware", "contact_name": "", "phone": "", "email": "",
        "address": "", "currency": "CNY", "over_receipt_percent": "5"})
    assert response.status_code == 302
    supplier = Supplier.objects.get(code="SUP-9")
    assert supplier.over_receipt_percent == D("5")
    duplicate = client.post(reverse("inventory:supplier_create"), {
        "code": "SUP-9", "name": "Again", "currency": "CNY", "over_receipt_percent": "0"})
    assert duplicate.status_code == 200 and Supplier.objects.count() == 1
    bad = client.post(reverse("inventory:supplier_edit", args=[supplier.pk]), {
        "name": "x", "currency": "CNY", "over_receipt_percent": "100"})
    assert bad.status_code == 200
    supplier.refresh_from_db()
    assert supplier.over_receipt_percent == D("5") and supplier.name.startswith("宁波")
    client.post(reverse("inventory:supplier_edit", args=[supplier.pk]), {"action": "deactivate"})
    supplier.refresh_from_db()
    assert not supplier.is_active
    listing = client.get(reverse("inventory:supplier_list"), {"status": "inactive"}).content.decode()
    assert "SUP-9" in listing
    with pytest.raises(ValidationError, match="inactive"):
        purchasing.create_purchase_order(actor=buyer(), supplier=supplier, lines=[PurchaseLineInput(
            item=machine.gasket, quantity=D("1"), unit_price=D("1"), expected_date=in_days(2))])
    client.force_login(keeper())
    assert client.get(reverse("inventory:supplier_create")).status_code == 403
