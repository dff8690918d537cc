"""One rush order from its failed inspection to its closing, in a real Chromium, through the real pages,
each step by the person whose job it is, each at their own device:

the inspector inspects the lot on the tablet form, a crack fails it and she signs; from the NCR she
sends it to rework; the operator works the rework work order on the shop-floor tablet, which brings the
order back to QC; the inspector passes the re-inspection and downloads the inspection report (its text
read with pdftotext shows the values typed); the shipping desk ships the order in two parts, each with
its delivery note; the order desk sends the customer a tracking link, which shows both shipments to a
browser that never logged in; the shipping desk records both proofs of delivery and the order desk
closes the order. The order's timeline then holds every step with who did it."""

import subprocess
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from documents.models import Document, DocumentStatus
from inventory.models import Item, StockBalance
from orders.models import Order, OrderStatus
from planning.models import WorkOrderOperation
from quality import services as quality_services
from quality.models import IS, Inspection
from settlement.demo_data import settle_order
from shipping.models import Shipment
from tests.e2e.steps import (
    PASSWORD,
    open_tablet,
    record_delivery,
    run_operation,
    ship_part,
    signed_note_photo,
    type_cell,
)
from tests.fixtures.factories import CustomerFactory, user_with_role
from tests.inventory.masterdata import make_calendar, make_routing, make_work_center
from tests.inventory.stockdata import make_location
from tests.quality.setup import give_plan, made_product, order_awaiting_qc

TABLET = {"width": 1024, "height": 768}

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def pdf_text(path):
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True,
                          timeout=60).stdout


@pytest.fixture
def rush_lot_awaiting_qc(sales):
    """Flange FLG-50, machined on MACH (every day 06:00–22:00), with the standard three-characteristic
    inspection plan; a rush order of 5 made and waiting for QC; the finished-goods location FG."""
    inspector = user_with_role("qc", username="inspector", first_name="Fang", last_name="Wang")
    machining = make_work_center("MACH", name="Machining",
                                 calendar=make_calendar("Every day", shifts=[(d, "06:00", "22:00") for d in range(7)]))
    product = made_product(sku="FLG-50", name="法兰 Flange", with_routing=False)
    make_routing(Item.objects.get(product=product), [(10, machining, 5, 1)])
    give_plan(product, actor=inspector)
    make_location("FG")
    customer = CustomerFactory(name="苏州精工有限公司", shipping_address="江苏省苏州市工业园区星湖街 328 号",
                               contact_name="赵经理", contact_phone="0512-6666 0202")
    order, inspection = order_awaiting_qc(sales, product, quantity="5", priority="rush", customer=customer,
                                          rush_reason="customer line down", requested_in_days=5)
    return order, inspection


def inspect(page, live_server, inspection, *, crack_on_first_sample="pass"):
    """From the QC queue: start the inspection, type every cell, sign with the password."""
    page.goto(f"{live_server.url}/quality/")
    row = page.locator(f"[data-testid=inspection-row][data-number='{inspection.number}']")
    expect(row.locator("[data-testid=rush-badge]")).to_contain_text("急单")
    row.locator("a").first.click()
    page.locator("[data-testid=start]").click()
    expect(page.locator("[data-testid=record-form]")).to_be_visible()
    inspection = Inspection.objects.get(pk=inspection.pk)
    sizes = quality_services.sample_sizes(inspection)
    typed = {}
    for characteristic in inspection.plan.characteristics.order_by("position"):
        for sample in range(1, sizes[characteristic.defect_class] + 1):
            if characteristic.kind == "measured":
                value = f"10.0{sample}"
            elif characteristic.position == 3 and sample == 1:
                value = crack_on_first_sample
            else:
                value = "pass"
            state = "defect" if value == "fail" else "ok"
            expect(type_cell(page, characteristic, sample, value)).to_have_attribute("data-state", state)
            typed[(characteristic.name, sample)] = value
    expect(page.locator("[data-testid=progress]")).to_contain_text(f"{len(typed)} of {len(typed)}")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("[data-testid=confirm]").click()
    return typed


def test_a_failed_lot_is_reworked_passed_reported_shipped_in_two_parts_tracked_delivered_and_closed(
        sessions, live_server, tmp_path, rush_lot_awaiting_qc):
    order, first_lot = rush_lot_awaiting_qc
    user_with_role("production", username="operator", first_name="Wei", last_name="Li")
    user_with_role("shipping", username="shipper")
    user_with_role("order_desk", username="desk")

    # QC: a crack on the first sample fails the lot; the NCR sends it to rework.
    inspector = sessions("inspector", viewport=TABLET)
    inspect(inspector, live_server, first_lot, crack_on_first_sample="fail")
    expect(inspector.locator("[data-testid=inspection-status]")).to_have_text(str(IS.FAILED.label))
    inspector.locator("[data-testid=ncr-link]").click()
    inspector.locator("input[name=disposition][value=rework]").check()
    inspector.locator("[data-testid=decide-disposition]").click()
    expect(inspector.locator("[data-testid=rework-work-order]")).to_contain_text("WO-")
    assert Order.objects.get(pk=order.pk).status == OrderStatus.IN_PRODUCTION

    # Production: the operator works the rework work order on the machining tablet.
    rework_operation = WorkOrderOperation.objects.get(work_order__order=order)
    tablet = sessions("operator", viewport=TABLET)
    open_tablet(tablet, "MACH")
    run_operation(tablet, rework_operation, 5)
    assert Order.objects.get(pk=order.pk).status == OrderStatus.AWAITING_QC

    # QC: the re-inspection passes; the lot goes into stock and the order has passed QC.
    second_lot = Inspection.objects.filter(order=order).exclude(pk=first_lot.pk).get()
    assert second_lot.lot_number == f"{order.number}-1-R1" and second_lot.lot_quantity == Decimal("5")
    typed = inspect(inspector, live_server, second_lot)
    expect(inspector.locator("[data-testid=inspection-status]")).to_have_text(str(IS.PASSED.label))
    expect(inspector.locator("[data-testid=stock-note]")).to_contain_text(second_lot.lot_number)
    assert Order.objects.get(pk=order.pk).status == OrderStatus.QC_PASSED
    assert StockBalance.objects.get(lot__number=second_lot.lot_number).on_hand == Decimal("5")

    # The inspection report, generated from the inspection page and downloaded.
    inspector.locator("[data-testid=generate-inspection_report]").click()
    download_link = inspector.locator("[data-testid=documents-inspection_report] [data-testid=document-download]")
    expect(download_link).to_be_visible(timeout=30_000)
    with inspector.expect_download() as download:
        download_link.click()
    report_path = tmp_path / download.value.suggested_filename
    download.value.save_as(report_path)
    text = pdf_text(report_path)
    measured = sorted({value for value in typed.values() if value.startswith("10.")})
    for value in [second_lot.number, order.number, second_lot.lot_number, "质量检验报告", "RUSH / 急单",
                  "合格 接收 ACCEPTED", "苏州精工有限公司", "Wang", *measured]:
        assert value in text, value

    # Delivery: two parts from the passed lot, each with its delivery note.
    shipper = sessions("shipper")
    first_number = ship_part(shipper, live_server, order, second_lot.lot_number, 3, 1, "SF-FLOW-0001")
    assert Order.objects.get(pk=order.pk).status == OrderStatus.QC_PASSED
    second_number = ship_part(shipper, live_server, order, second_lot.lot_number, 2, 1, "SF-FLOW-0002")
    assert Order.objects.get(pk=order.pk).status == OrderStatus.SHIPPED
    assert Document.objects.filter(kind="delivery_note", status=DocumentStatus.READY).count() == 2

    # The order desk sends the customer a tracking link; the customer sees both shipments.
    desk = sessions("desk")
    desk.goto(f"{live_server.url}/orders/{order.pk}/")
    panel = desk.locator("[data-testid=order-shipping]")
    panel.locator("#id_language").select_option("en")
    panel.locator("[data-testid=create-tracking-link]").click()
    url = desk.locator("[data-testid=tracking-url]").input_value()
    customer = sessions()
    customer.goto(url)
    expect(customer.locator("[data-testid=tracking-order]")).to_have_text(order.number)
    expect(customer.locator("[data-testid=tracking-shipment]")).to_have_count(2)
    expect(customer.locator("[data-testid=tracking-shipment]", has_text=first_number)).to_contain_text("SF-FLOW-0001")
    expect(customer.locator("[data-testid=tracking-shipment]", has_text=second_number)).to_contain_text(
        "SF-FLOW-0002")

    # Proof of delivery of both parts; the order desk closes the order.
    for number in (first_number, second_number):
        record_delivery(shipper, live_server, Shipment.objects.get(number=number), "赵收货",
                        signed_note_photo(tmp_path, f"{number}.png"))
    assert Order.objects.get(pk=order.pk).status == OrderStatus.DELIVERED
    customer.reload()
    expect(customer.locator("[data-testid=tracking-stage]")).to_have_text("Delivered")
    # Finance invoices both parts and is paid (tests/e2e/test_settlement.py walks that in the browser).
    settle_order(order, finance=user_with_role("finance"))
    desk.goto(f"{live_server.url}/orders/{order.pk}/")
    desk.locator("[data-testid=close-order] button").click()
    expect(desk.locator("[data-testid=order-status]")).to_have_text("Closed")

    order.refresh_from_db()
    assert order.status == OrderStatus.CLOSED
    lifecycle = ["fail_qc", "start_production", "finish_production", "pass_qc", "ship", "confirm_delivery", "close"]
    steps = list(order.events.filter(action__in=lifecycle).order_by("created_at", "pk")
                 .values_list("action", "actor__username"))
    steps = steps[steps.index(("fail_qc", "inspector")):]  # before it: how the fixture made the lot
    assert steps == [("fail_qc", "inspector"), ("finish_production", "operator"), ("pass_qc", "inspector"),
                          ("ship", "shipper"), ("confirm_delivery", "shipper"), ("close", "desk")]
