"""Material preparation in a real Chromium, through the real pages, as the real roles.

The warehouse opens a planned rush order and sees its steel is short, receives the purchase order
that brings it, makes and prints the prep sheet (waiting for the PDF's download link), and issues the
materials by scanning lot numbers (text + Enter in the focused field). Production, at its own
computer, confirms receipt of every line, and the order is materials ready."""

import re
import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from inventory.models import MaterialPrepSheet, StockMove
from orders.models import Order, OrderStatus
from tests.inventory.materialdata import machine_order, make_machine, make_supplier, sent_po
from tests.inventory.stockdata import make_location, make_warehouse, receive

PASSWORD = "pw-OrderFlow-2026"  # UserFactory's password

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def scan(page, code):
    """What a barcode scanner does: types the code into the focused field and presses Enter."""
    field = page.locator("#id_code")
    expect(field).to_be_focused()
    page.keyboard.type(code)
    page.keyboard.press("Enter")
    expect(page.locator(".msg-success").last).to_contain_text(code if code.startswith("RM") else "Issued")


def test_warehouse_receives_prints_and_issues_then_production_accepts(page, browser, live_server, login, role_users,
                                                                    tmp_path):
    machine = make_machine()
    warehouse = make_warehouse("WH1")
    shelves = {code: make_location(code, warehouse=warehouse, pick_sequence=n)
               for n, code in enumerate(["A-01", "A-02", "B-01"], start=1)}
    receive(machine.gasket, shelves["A-01"], "20", lot="GK-1")
    receive(machine.steel, shelves["A-02"], "0.5", lot="ST-1")  # 1.306 kg needed
    receive(machine.screw, shelves["B-01"], "50", lot="SC-1")
    order = machine_order(machine, quantity="1", status=OrderStatus.PLANNED, priority="rush",
                          rush_reason="客户停线 line down")
    po = sent_po(make_supplier(), [(machine.steel, 1, 2)])

    # The warehouse opens the order: the materials section (loaded by htmx) shows the steel short.
    login(page, live_server, "warehouse", PASSWORD)
    page.goto(live_server.url + reverse("orders:detail", args=[order.pk]))
    status = page.locator("[data-testid=materials-status]")
    expect(status).to_have_attribute("data-state", "short")
    expect(status).to_contain_text("RM-STEEL")
    expect(page.locator("[data-testid=material-requirements] tr[data-code=RM-STEEL] [data-testid=shortage]")
           ).to_have_text("0.806")

    # It receives the purchase order that brings the steel.
    page.locator("nav.mainnav a[href$='/inventory/purchase-orders/']").click()
    page.locator("[data-testid=po-row]", has_text=po.number).get_by_role("link", name=po.number).click()
    page.locator("[data-testid=receive-line-1]").click()
    page.locator("#id_quantity").fill("1")
    page.locator("#id_location").fill("A-02")
    page.locator("#id_lot_number").fill("ST-2")
    page.locator("[data-testid=receive]").click()
    expect(page.locator("[data-testid=po-status]")).to_have_class(re.compile(r"\bstatus-received\b"))
    expect(page.locator(".msg-success").first).to_contain_text("ST-2")

    # Back on the order the materials are ready; it makes the prep sheet.
    page.goto(live_server.url + reverse("orders:detail", args=[order.pk]))
    expect(page.locator("[data-testid=materials-status]")).to_have_attribute("data-state", "ready")
    page.locator("[data-testid=generate-prep-sheet]").click()
    sheet_number = page.locator("[data-testid=sheet-number]")
    expect(sheet_number).to_have_text(re.compile(r"^MP-\d{4}-\d{5}$"))
    number = sheet_number.inner_text()
    lines = page.locator("[data-testid=sheet-line]")
    expect(lines).to_have_count(4)
    expect(lines.nth(0)).to_have_attribute("data-item", "RM-GASKET")  # A-01 is first on the walk

    # It prints the sheet and waits for the PDF.
    page.locator("[data-testid=generate-material_prep_sheet]").click()
    download_link = page.locator("[data-testid=documents-material_prep_sheet] [data-testid=document-download]")
    expect(download_link).to_be_visible(timeout=30_000)
    with page.expect_download() as download_info:
        download_link.click()
    pdf_path = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(pdf_path)
    text = subprocess.run(["pdftotext", "-layout", str(pdf_path), "-"], check=True, capture_output=True, text=True,
                          timeout=30).stdout
    for value in (number, order.number, "RM-STEEL", "钢板 Steel sheet", "急单"):
        assert value in text, value

    # It issues by scanning lot numbers; the scan field has the focus again after each scan.
    page.reload()
    for code in ("GK-1", "ST-1", "ST-2", "SC-1"):
        scan(page, code)
    expect(page.locator("[data-testid=sheet-status]")).to_have_class(re.compile(r"\bstatus-issued\b"))
    expect(page.locator("[data-testid=sheet-line] [data-testid=to-issue]")).to_have_text(["0", "0", "0", "0"])
    # A code already fully issued is refused with a message; nothing more is issued.
    page.locator("#id_code").fill("GK-1")
    page.locator("#id_code").press("Enter")
    expect(page.locator("[data-testid=scan-form] .msg-error")).to_contain_text("already issued")

    # Production, at its own computer, confirms receipt of every line.
    context = browser.new_context()
    try:
        floor = login(context.new_page(), live_server, "production", PASSWORD)
        floor.goto(live_server.url + reverse("inventory:prep_sheet_detail",
                                             args=[MaterialPrepSheet.objects.get(number=number).pk]))
        boxes = floor.locator("input[type=checkbox][form=accept-form]")
        expect(boxes).to_have_count(4)
        for box in boxes.all():
            box.check()
        floor.locator("[data-testid=accept]").click()
        expect(floor.locator("[data-testid=order-status]")).to_have_class(re.compile(r"\bstatus-materials_ready\b"))
        expect(floor.locator("[data-testid=sheet-status]")).to_have_class(re.compile(r"\bstatus-accepted\b"))
    finally:
        context.close()

    order = Order.objects.get(pk=order.pk)
    assert order.status == OrderStatus.MATERIALS_READY
    assert order.events.get(action="prepare_materials").actor.username == "production"
    issued = StockMove.objects.filter(order=order, kind="issue")
    assert sum(-m.quantity for m in issued if m.item == machine.steel) == Decimal("1.306")
