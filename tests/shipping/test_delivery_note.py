"""The delivery note (送货单) PDF: rendered through the document pipeline and read back with pdftotext,
once in-process (the task function) and once by the real Celery worker on PostgreSQL."""

import time

import pytest

from documents import services as documents
from documents.models import Document, DocumentStatus
from orders.models import Order
from shipping.models import Shipment
from tests.fixtures.factories import CustomerFactory
from tests.fixtures.pdf_text import assert_pdf_keeps, long_chinese, long_latin

from .conftest import pdf_text
from .helpers import details, fg_location, finished_good, pick, produce, qc_passed_order, ship

TIMEOUT_SECONDS = 90


def _rush_shipment(shipper):
    a, item_a = finished_good("DN-A", name="工业清洁剂", specification="500ml 瓶装")
    b, item_b = finished_good("DN-B", name="润滑脂")
    location = fg_location()
    order = qc_passed_order([a, b], [12, 5], priority="rush")
    lot_a = produce(order, item_a, location, 12, "LOT-DN-A1").moves[0].lot
    lot_b = produce(order, item_b, location, 5, "LOT-DN-B1").moves[0].lot
    shipment = ship(shipper, order, [pick(order, 1, lot_a, location, 12, packages=3),
                                     pick(order, 2, lot_b, location, 5, packages=1)],
                    details=details(carrier="顺丰速运", tracking_number="SF9876543210"))
    return order, shipment


def _check(text, order, shipment):
    for expected in (shipment.number, order.number, "LOT-DN-A1", "LOT-DN-B1", "SF9876543210", "顺丰速运",
                     "送货单", "Delivery Note", "收货人签字", "Received by", "公司", "急单", "工业清洁剂",
                     "上海市浦东新区张江路 88 号", "王经理"):
        assert expected in text, expected
    rows = [line for line in text.splitlines() if "LOT-DN-A1" in line]
    assert rows and " 12 " in f" {rows[0]} " and " 3" in rows[0]  # quantity and packages on the lot's row
    assert "88.5" not in text and "12.50" not in text  # no prices on a delivery note


@pytest.mark.django_db
def test_the_delivery_note_is_rendered_with_lots_quantities_and_bilingual_labels(shipper,
                                                                                  django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the render task runs eagerly on commit
        order, shipment = _rush_shipment(shipper)
    document = Document.objects.get(kind="delivery_note", object_id=shipment.pk)
    assert document.status == DocumentStatus.READY, document.error
    _check(pdf_text(document), order, shipment)


@pytest.mark.django_db
def test_a_draft_has_no_delivery_note_yet(shipper):
    from django.core.exceptions import ValidationError

    from shipping import services

    a, item = finished_good()
    location = fg_location()
    order = qc_passed_order([a], [2])
    lot = produce(order, item, location, 2, "D-1").moves[0].lot
    draft = services.create_shipment(actor=shipper, order=order, details=details(),
                                     picks=[pick(order, 1, lot, location, 2)])
    with pytest.raises(ValidationError, match="issued when the shipment is shipped"):
        documents.request_document(actor=shipper, kind="delivery_note", obj=draft)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_renders_the_delivery_note(live_celery_worker, shipper):
    order, shipment = _rush_shipment(shipper)
    document = documents.request_document(actor=shipper, kind="delivery_note",
                                          obj=Shipment.objects.get(pk=shipment.pk), language="zh-hans")
    deadline = time.monotonic() + TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        document.refresh_from_db()
        if document.status in (DocumentStatus.READY, DocumentStatus.FAILED):
            break
        time.sleep(0.5)
    assert document.status == DocumentStatus.READY, f"{document.status}: {document.error}"
    try:
        _check(pdf_text(document), order, shipment)
    finally:
        for done in Document.objects.filter(kind="delivery_note", status=DocumentStatus.READY):
            done.file.storage.delete(done.file.name)  # the worker wrote into the shared MEDIA_ROOT


@pytest.mark.django_db
def test_long_text_wraps_and_every_character_is_printed(shipper, django_capture_on_commit_callbacks):
    """200-character Chinese and space-less Latin values in every text field the delivery note prints."""
    product_values = {"name": long_chinese("品名"), "specification": long_latin("SPEC", 300)}
    product, item = finished_good(long_latin("SKU", 37), **product_values)  # its item code: FG-<sku>, 40
    location = fg_location()
    customer_values = {"name": long_chinese("客户名称"), "name_en": long_latin("NAMEEN")}
    order = qc_passed_order([product], [5], priority="rush", customer=CustomerFactory(**customer_values))
    Order.objects.filter(pk=order.pk).update(customer_po=long_latin("PO", 60),
                                             customer_notes=long_chinese("客户备注") + long_latin("NOTES"))
    order.refresh_from_db()
    lot = produce(order, item, location, 5, long_latin("LOT", 60)).moves[0].lot
    shipping = {"ship_to_name": long_chinese("收货单位"),
                "ship_to_address": long_chinese("收货地址") + "\n" + long_latin("SHIPTO"),
                "contact_name": long_chinese("联系人", 100), "contact_phone": long_latin("TEL", 50),
                "carrier": long_chinese("承运商", 100), "tracking_number": long_latin("TRACK", 100)}
    with django_capture_on_commit_callbacks(execute=True):
        shipment = ship(shipper, order, [pick(order, 1, lot, location, 5)], details=details(**shipping))
    document = Document.objects.get(kind="delivery_note", object_id=shipment.pk)
    assert document.status == DocumentStatus.READY, document.error
    assert_pdf_keeps(document.file.path, *product_values.values(), product.sku, *customer_values.values(),
                     order.customer_po, order.customer_notes, lot.number, *shipping.values())


@pytest.mark.django_db
@pytest.mark.parametrize(("customer_language", "shipper_language"), [("zh-hans", "en"), ("en", "zh-hans")])
def test_the_delivery_note_defaults_to_the_customers_document_language(
        client, shipper, customer_language, shipper_language, django_capture_on_commit_callbacks):
    """Shipping asks for the note without a language: it is the customer's, not the shipper's (a Chinese
    customer's note came out in English because an English-speaking shipper shipped it)."""
    from django.urls import reverse
    from django.utils import translation

    a, item = finished_good()
    location = fg_location()
    order = qc_passed_order([a], [3], customer=CustomerFactory(language=customer_language))
    lot = produce(order, item, location, 3, "DL-1").moves[0].lot
    with translation.override(shipper_language), django_capture_on_commit_callbacks(execute=True):
        shipment = ship(shipper, order, [pick(order, 1, lot, location, 3)])
    document = Document.objects.get(kind="delivery_note", object_id=shipment.pk)
    assert document.language == customer_language
    assert document.status == DocumentStatus.READY, document.error

    client.force_login(shipper)  # the panel on the shipment page preselects the same language
    page = client.get(reverse("shipping:shipment_detail", args=[shipment.pk]),
                      HTTP_ACCEPT_LANGUAGE=shipper_language).content.decode()
    panel = page[page.index('data-testid="documents-language"'):]
    panel = panel[:panel.index("</select>")]
    assert f'<option value="{customer_language}" selected>' in panel
    assert f'<option value="{shipper_language}" selected>' not in panel
