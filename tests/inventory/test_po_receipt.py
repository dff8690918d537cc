"""A whole purchase order received on one page: per-line quantities and lots, one submit, all or nothing (a
bad line is shown with its error and nothing is received on any line), the page's one-time key (sent twice,
received once) and the supplier's over-receipt tolerance as on the single-line receipt."""

import re
import uuid
from decimal import Decimal

import pytest
from django.urls import reverse

from inventory import goods_receipts
from inventory.goods_receipts import LineReceipt, ReceiptInput, ReceiptRefused
from inventory.models import GoodsReceipt, PurchaseOrder
from tests.inventory.materialdata import make_machine, make_supplier, sent_po
from tests.inventory.stockdata import keeper, make_location, make_warehouse

from .test_purchasing import written

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def dock():
    return make_location("DOCK-1", warehouse=make_warehouse("WH1"), pick_sequence=1)


@pytest.fixture
def po():
    machine = make_machine()
    supplier = make_supplier(over_receipt_percent=D("5"))
    return sent_po(supplier, [(machine.screw, 100, 3), (machine.steel, "2.5", 3), (machine.gasket, 40, 3)])


def lines(po):
    return {line.item.code: line for line in po.lines.select_related("item")}


def receipt(line, quantity, location, **kwargs):
    return LineReceipt(line, ReceiptInput(quantity=D(str(quantity)), location=location, **kwargs))


def test_every_line_received_at_once_and_the_same_page_twice_receives_once(po, dock):
    by_code = lines(po)
    key = uuid.uuid4()
    entries = [receipt(by_code["RM-SCREW"], 105, dock, lot_number="SC-77"),  # within the 5 % tolerance
               receipt(by_code["RM-STEEL"], "2.5", dock, supplier_lot="HB-9"),
               receipt(by_code["RM-GASKET"], 40, dock)]
    results = goods_receipts.receive_purchase_order(actor=keeper(), purchase_order=po, receipts=entries, entry_key=key)
    assert len(results) == 3 and not any(r.duplicate for r in results)
    assert PurchaseOrder.objects.get(pk=po.pk).status == "received"
    assert {r.receipt.lot.number for r in results} >= {"SC-77"}
    again = goods_receipts.receive_purchase_order(actor=keeper(), purchase_order=po, receipts=entries, entry_key=key)
    assert all(r.duplicate for r in again) and GoodsReceipt.objects.count() == 3


def test_one_bad_line_receives_nothing_and_names_the_line(po, dock):
    by_code = lines(po)
    entries = [receipt(by_code["RM-SCREW"], 50, dock),
               receipt(by_code["RM-STEEL"], "2.7", dock),  # 2.5 kg + 5 % = at most 2.625 kg
               receipt(by_code["RM-GASKET"], 10, dock, unit="kg")]  # pieces do not convert to kg

    before = written()
    with pytest.raises(ReceiptRefused) as info:
        goods_receipts.receive_purchase_order(actor=keeper(), purchase_order=po, receipts=entries,
                                          entry_key=uuid.uuid4())
    assert written() == before
    error = info.value
    assert "2 lines cannot be received" in " ".join(error.messages)
    assert set(error.line_errors) == {by_code["RM-STEEL"].pk, by_code["RM-GASKET"].pk}
    assert "At most 2.625 kg" in " ".join(error.line_errors[by_code["RM-STEEL"].pk].messages)
    assert GoodsReceipt.objects.count() == 0


def test_receiving_page_shows_errors_next_to_lines_and_receives_all_in_one_submit(client, po, dock):
    client.force_login(keeper())
    url = reverse("inventory:purchase_order_receive", args=[po.pk])
    page = client.get(url).content.decode()
    assert page.count('data-testid="receive-line"') == 3
    key = re.search(r'name="entry_key" value="([^"]+)"', page).group(1)
    by_code = lines(po)
    data = {"location": dock.code, "note": "", "entry_key": key}
    for code, quantity in (("RM-SCREW", "100"), ("RM-STEEL", "3"), ("RM-GASKET", "")):
        data[f"line-{by_code[code].pk}-quantity"] = quantity
    before = written()

    response = client.post(url, data)  # steel over the tolerance: shown on the steel line, nothing received
    assert response.status_code == 400 and written() == before
    page = response.content.decode()
    steel_row = page.split('data-item="RM-STEEL"', 1)[1].split("</tr>", 1)[0]
    assert 'data-testid="line-errors"' in steel_row and "At most 2.625 kg" in steel_row
    screw_row = page.split('data-item="RM-SCREW"', 1)[1].split("</tr>", 1)[0]
    assert 'data-testid="line-errors"' not in screw_row and 'value="100"' in screw_row  # typed values stay

    response = client.post(url, {**data, f"line-{by_code['RM-STEEL'].pk}-quantity": "zwei"})  # not a number
    assert response.status_code == 400 and written() == before
    steel_row = response.content.decode().split('data-item="RM-STEEL"', 1)[1].split("</tr>", 1)[0]
    assert 'data-testid="line-errors"' in steel_row

    good = {**data, f"line-{by_code['RM-STEEL'].pk}-quantity": "2.5"}
    response = client.post(url, good)
    assert response.status_code == 302, re.findall(r'(?s)role="alert".{0,400}', response.content.decode())
    assert client.post(url, good).status_code == 302  # the same page sent twice
    assert GoodsReceipt.objects.count() == 2
    po.refresh_from_db()
    assert po.status == "partially_received"  # the gaskets are still expected
    assert lines(po)["RM-STEEL"].received_quantity == D("2.5")
