"""Quantities are never shown as exponents (Decimal's str() of a normalized 2300 is "2.3E+3", of 500
"5E+2"): on pages (the goods receipt message and the purchase order's event note, in Chinese), in a
PDF (the delivery note, read back with pdftotext), in an export (CSV) and in an alert text; and the one
formatting helper writes plain digits in the reader's notation."""

import re
import uuid
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from alerts.models import Alert
from documents.models import Document, DocumentStatus
from exports.spreadsheets import table_csv
from inventory import services as item_services
from inventory import stock_services
from inventory.models import PurchaseOrderEvent
from orders.quantities import format_number
from tests.fixtures.factories import user_with_role
from tests.inventory.masterdata import make_item
from tests.inventory.materialdata import make_supplier, sent_po
from tests.inventory.stockdata import keeper, make_location, make_warehouse, receive
from tests.shipping.conftest import media_root, pdf_text  # noqa: F401
from tests.shipping.helpers import fg_location, finished_good, pick, produce, qc_passed_order, ship

pytestmark = pytest.mark.django_db
# How Decimal writes an exponent (2.3E+3, 5E+2, 1E-7); lower-case hex in asset names is not one.
EXPONENT = re.compile(r"\d(\.\d+)?E[+-]\d")


@pytest.mark.parametrize("value, places, shown", [
    (Decimal("2300").normalize(), None, "2300"), (Decimal("5E+2"), None, "500"), (Decimal("1E-7"), None, "0.0000001"),
    (Decimal("-0.000"), None, "0"), (Decimal("12.500"), 3, "12.500"), (Decimal("2.3E+3"), 2, "2300.00"),
    (1e-05, None, "0.00001"), (None, None, ""),
])
def test_the_helper_writes_plain_digits(value, places, shown):
    for language in ("en", "zh-hans"):
        with translation.override(language):
            assert format_number(value, places) == shown


def test_a_goods_receipt_of_2300_reads_2300_on_the_page_and_in_the_event_note(client):
    item = make_item("RM-LBL", name="标签 Label", unit="pcs")
    dock = make_location("DOCK-9", warehouse=make_warehouse("WH9"))
    po = sent_po(make_supplier("S-LBL"), [(item, 2300, 3)])
    line = po.lines.get()
    client.force_login(keeper())
    session = client.session
    session["orderflow_language"] = "zh-hans"
    session.save()
    form = {"quantity": "2300", "unit": "", "location": dock.code, "lot_number": "LBL", "supplier_lot": "",
            "production_date": "", "expiry_date": "", "note": "", "entry_key": str(uuid.uuid4())}
    page = client.post(reverse("inventory:goods_receipt_create", args=[line.pk]), form, follow=True)
    body = page.content.decode()
    assert "2300 pcs" in body and not EXPONENT.search(body)
    # The event note is stored as a message id plus values and read in the reader's format (grouped).
    note = PurchaseOrderEvent.objects.get(purchase_order=po, action="received").get_note_display()
    assert "RM-LBL 2,300 " in note and not EXPONENT.search(note)
    detail = client.get(reverse("inventory:purchase_order_detail", args=[po.pk])).content.decode()
    assert "2,300 " in detail and not EXPONENT.search(detail)


def test_the_delivery_note_pdf_shows_500_not_5e2(django_capture_on_commit_callbacks):
    shipper = user_with_role("shipping")
    product, item = finished_good("EXP-500")
    location = fg_location()
    order = qc_passed_order([product], [500])
    with django_capture_on_commit_callbacks(execute=True):
        lot = produce(order, item, location, 500, "LOT-500").moves[0].lot
        shipment = ship(shipper, order, [pick(order, 1, lot, location, 500, packages=20)])
    document = Document.objects.get(kind="delivery_note", object_id=shipment.pk)
    assert document.status == DocumentStatus.READY, document.error
    text = pdf_text(document)
    row = next(line for line in text.splitlines() if "LOT-500" in line)
    assert " 500 " in f" {row} " and not EXPONENT.search(text)


def test_an_export_writes_plain_digits():
    data = table_csv(["qty", "amount", "ratio"], [[Decimal("2300").normalize(), Decimal("5E+2"), 1e-05]])
    text = data.decode("utf-8-sig")
    assert text.splitlines()[1] == "2300,500,0.00001"


def test_a_stock_alert_text_has_no_exponent():
    item = make_item("RM-2300", unit="pcs")
    shelf = make_location("S-23")
    item_services.update_item(actor=user_with_role("admin"), item=item, reorder_point=Decimal("2300").normalize(),
                              safety_stock=Decimal("5E+2"))
    item.refresh_from_db()
    receive(item, shelf, "2400")
    stock_services.issue_stock(actor=keeper(), item=item, location=shelf, quantity=Decimal("2E+2"))
    alert = Alert.objects.get(kind="stock_low")
    for language, expected in (("en", "2200 pcs usable (reorder point 2300 pcs, safety stock 500 pcs)"),
                               ("zh-hans", "2300 pcs")):
        with translation.override(language):
            text = alert.rendered_subject() + " " + alert.rendered_body()
            assert expected in text and not EXPONENT.search(text), text
