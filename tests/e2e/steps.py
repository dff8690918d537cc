"""What people do in the browser, shared by the end-to-end tests: an inspector typing a cell of the
tablet form, an operator working an operation on the shop-floor tablet, the shipping desk shipping a
part of an order and recording its proof of delivery. Selectors are ids and data-testid attributes."""

import io

from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from accounts.services import set_user_language

PASSWORD = "pw-OrderFlow-2026"  # tests.fixtures.factories.UserFactory's password


# Quality: the tablet inspection form saves each cell on change through htmx.
def type_cell(page, characteristic, sample, value):
    """Type a value and leave the field, as an inspector does; return the cell as it came back."""
    cell = page.locator(f"[data-cell='{characteristic.pk}-{sample}']")
    field = cell.locator("input, select").first
    if field.evaluate("e => e.tagName") == "SELECT":
        field.select_option(value)
    else:
        field.fill(value)
        field.press("Tab")
    return page.locator(f"[data-cell='{characteristic.pk}-{sample}']")


# Shop floor: one row per operation on the work center's tablet page, updated in place by htmx.
def operation_row(page, op):
    return page.locator(f"#op-{op.pk}")


def act(page, op, action, status):
    """Press a button in the operation's row and wait for htmx to put the new row in place."""
    operation_row(page, op).locator(f"[data-testid={action}]").click()
    expect(operation_row(page, op)).to_have_attribute("data-status", status)


def run_operation(page, op, good, left="0"):
    act(page, op, "start", "in_progress")
    current = operation_row(page, op)
    current.locator("[data-testid=good-input]").fill(str(good))
    current.locator("[data-testid=report]").click()
    expect(operation_row(page, op).locator("[data-testid=good]")).to_have_text(str(good))
    expect(operation_row(page, op).locator("[data-testid=left]")).to_have_text(left)
    act(page, op, "complete", "done")
    expect(operation_row(page, op).locator("[data-testid=done]")).to_be_visible()


def open_tablet(page, code):
    menu = page.locator("[data-testid=navmenu] > summary")
    if menu.count():  # on a tablet page the menu is folded behind one button
        menu.click()
    page.locator("nav.mainnav a[href$='/production/']").click()
    page.locator(f"[data-testid=work-center-{code}]").click()
    expect(page.locator("[data-testid=work-center]")).to_have_text(code)


# Delivery.
def ship_part(page, live_server, order, lot, quantity, packages, tracking):
    """Ship `quantity` of lot `lot` from the shipping queue; returns the shipment number."""
    page.goto(f"{live_server.url}/shipping/")
    page.locator(f"[data-testid=queue-row][data-order='{order.number}'] [data-testid=ship-order]").click()
    row = page.locator(f"[data-testid=pick-row][data-lot='{lot}']")
    row.locator("[data-testid=pick-quantity]").fill(str(quantity))
    row.locator("[data-testid=pick-packages]").fill(str(packages))
    page.locator("#id_carrier").fill("顺丰速运 SF Express")
    page.locator("#id_tracking_number").fill(tracking)
    page.locator("[data-testid=ship-now]").click()
    expect(page.locator("[data-testid=shipment-status]")).to_have_text("Shipped")
    # The delivery note was made when the goods left; its download link is on the page.
    expect(page.locator("[data-testid=documents-delivery_note] [data-testid=document-download]")).to_be_visible()
    return page.locator("[data-testid=shipment-number]").inner_text()


def signed_note_photo(tmp_path, name):
    path = tmp_path / name
    buffer = io.BytesIO()
    Image.new("RGB", (120, 80), (230, 230, 220)).save(buffer, format="PNG")
    path.write_bytes(buffer.getvalue())
    return path


def record_delivery(page, live_server, shipment, receiver, photo):
    page.goto(f"{live_server.url}/shipping/shipments/{shipment.pk}/")
    page.locator("[data-testid=record-delivery]").click()
    page.locator("#id_received_by").fill(receiver)
    page.locator("#id_received_at").fill(timezone.localtime().strftime("%Y-%m-%dT%H:%M"))
    page.locator("#id_document").set_input_files(str(photo))
    page.locator("[data-testid=save-delivery]").click()
    expect(page.locator("[data-testid=shipment-status]")).to_have_text("Delivered")
    expect(page.locator("[data-testid=received-by]")).to_contain_text(receiver)


DESK = {"width": 1366, "height": 768}


def read_section(sessions, live_server, user, language, path, testid):
    """`user`, whose language is set to `language`, opens `path` at 1366×768 and looks at the section marked
    `testid`: (page, section), the section scrolled into view and visible."""
    set_user_language(actor=user, language=language)
    page = sessions(user.username, viewport=DESK)
    page.goto(f"{live_server.url}{path}")
    section = page.locator(f"[data-testid={testid}]")
    section.scroll_into_view_if_needed()
    expect(section).to_be_visible()
    return page, section
