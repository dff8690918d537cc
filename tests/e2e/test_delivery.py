"""Delivery in a real Chromium, through the real pages, as the real roles.

An order that passed QC with its goods in stock in two lots (set up through the services) is shipped by
the shipping user in two parts from the shipping queue, each with its delivery note ready to download;
the order desk makes a customer tracking link on the order page, which a fresh browser context without
login opens and sees both shipments; the shipping user records the proof of delivery of both (photo
upload), the order becomes delivered, and the order desk closes it. Selectors are ids and data-testid
attributes; text is asserted only where it is what the test is about."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from documents.models import Document, DocumentStatus
from orders.models import Order, OrderStatus
from settlement.demo_data import settle_order
from shipping.models import Shipment, ShipmentStatus
from tests.e2e.steps import record_delivery, ship_part, signed_note_photo
from tests.fixtures.factories import user_with_role
from tests.shipping.helpers import fg_location, finished_good, produce, qc_passed_order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_an_order_is_shipped_in_two_parts_tracked_by_the_customer_delivered_and_closed(sessions, live_server,
                                                                                       tmp_path):
    product, item = finished_good("DLV-100", name="Pump 水泵")
    location = fg_location("FG-E2E")
    order = qc_passed_order([product], [10], priority="rush")
    produce(order, item, location, 6, "DLV-LOT-1")
    produce(order, item, location, 4, "DLV-LOT-2")
    user_with_role("shipping", username="shipper")
    user_with_role("order_desk", username="desk")

    shipper = sessions("shipper")
    first_number = ship_part(shipper, live_server, order, "DLV-LOT-1", 6, 2, "SF-E2E-0001")
    assert Order.objects.get(pk=order.pk).status == OrderStatus.QC_PASSED  # partly shipped
    second_number = ship_part(shipper, live_server, order, "DLV-LOT-2", 4, 1, "SF-E2E-0002")
    assert Order.objects.get(pk=order.pk).status == OrderStatus.SHIPPED
    notes = Document.objects.filter(kind="delivery_note", status=DocumentStatus.READY)
    assert notes.count() == 2
    # A ready link downloads the PDF.
    with shipper.expect_download() as download:
        shipper.locator("[data-testid=documents-delivery_note] [data-testid=document-download]").click()
    assert download.value.suggested_filename == f"{second_number}-delivery-note.pdf"

    # The order desk gives the customer a tracking link from the order page.
    desk = sessions("desk")
    desk.goto(f"{live_server.url}/orders/{order.pk}/")
    panel = desk.locator("[data-testid=order-shipping]")
    expect(panel.locator("[data-testid=order-shipment-row]")).to_have_count(2)
    panel.locator("#id_language").select_option("en")
    panel.locator("[data-testid=create-tracking-link]").click()
    url = desk.locator("[data-testid=tracking-url]").input_value()
    assert "/track/" in url and order.number not in url

    # The customer opens it in a browser that never logged in.
    customer = sessions()
    customer.goto(url)
    expect(customer.locator("[data-testid=tracking-order]")).to_have_text(order.number)
    expect(customer.locator("[data-testid=tracking-shipment]")).to_have_count(2)
    expect(customer.locator("[data-testid=tracking-shipment]", has_text=first_number)).to_contain_text("SF-E2E-0001")
    expect(customer.locator("[data-testid=tracking-shipment]", has_text=second_number)).to_contain_text("SF-E2E-0002")
    expect(customer.locator("[data-testid=tracking-stage]")).to_have_text("Shipped")
    expect(customer.locator("body")).not_to_contain_text("desk")

    # Proof of delivery for both shipments.
    first, second = Shipment.objects.get(number=first_number), Shipment.objects.get(number=second_number)
    record_delivery(shipper, live_server, first, "陈收货", signed_note_photo(tmp_path, "first.png"))
    assert Order.objects.get(pk=order.pk).status == OrderStatus.SHIPPED
    record_delivery(shipper, live_server, second, "陈收货", signed_note_photo(tmp_path, "second.png"))
    assert Order.objects.get(pk=order.pk).status == OrderStatus.DELIVERED
    assert set(Shipment.objects.values_list("status", flat=True)) == {ShipmentStatus.DELIVERED}

    # The customer now sees both delivered.
    customer.reload()
    expect(customer.locator("[data-testid=tracking-stage]")).to_have_text("Delivered")
    expect(customer.locator("[data-testid=tracking-shipment-status]", has_text="Delivered")).to_have_count(2)

    # Finance invoices both shipments and is paid (settlement's own journey: tests/e2e/test_settlement.py);
    # then the order desk closes the order.
    settle_order(order, finance=user_with_role("finance"))
    desk.goto(f"{live_server.url}/orders/{order.pk}/")
    desk.locator("[data-testid=close-order] button").click()
    expect(desk.locator("[data-testid=order-status]")).to_have_text("Closed")
    order.refresh_from_db()
    assert order.status == OrderStatus.CLOSED
    assert sum(line.shipped_quantity for line in order.lines.all()) == Decimal("10")
