"""Quality inspection in a real Chromium: the inspector finds the rush lot first in the QC queue,
starts it, types values on the tablet form (each cell saved on change through htmx: a value with a
unit is refused in place, an out-of-tolerance value is flagged), signs with the password, and the
order has passed QC; a failed lot's NCR is sent to rework from its page."""

import pytest
from playwright.sync_api import expect

from orders.models import Order, OrderStatus
from quality.models import IS, Inspection, Measurement
from tests.e2e.steps import type_cell
from tests.fixtures.factories import user_with_role
from tests.quality.setup import PASSWORD, give_plan, made_product, order_awaiting_qc

SCREENSHOT_DIR = "/tmp"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def lots(sales):
    qc = user_with_role("qc", username="inspector", first_name="Wang", last_name="Fang")
    product = made_product(sku="NUT-8", name="螺母 Nut")
    give_plan(product, actor=qc)
    normal, normal_lot = order_awaiting_qc(sales, product, quantity="5")
    rush, rush_lot = order_awaiting_qc(sales, product, quantity="5", priority="rush", rush_reason="line down",
                                       requested_in_days=3)
    return qc, rush, rush_lot, normal_lot


def test_an_inspector_records_values_on_the_tablet_form_and_signs(page, live_server, login, lots):
    qc, rush, rush_lot, normal_lot = lots
    page.set_viewport_size({"width": 1024, "height": 1366})  # a tablet held upright
    login(page, live_server, "inspector", PASSWORD)
    page.goto(f"{live_server.url}/quality/")
    rows = page.locator("[data-testid=inspection-row]")
    expect(rows).to_have_count(2)
    expect(rows.first).to_have_attribute("data-number", rush_lot.number)
    expect(rows.first.locator("[data-testid=rush-badge]")).to_contain_text("急单")
    rows.first.locator("a").first.click()
    page.locator("[data-testid=start]").click()
    expect(page.locator("[data-testid=record-form]")).to_be_visible()

    inspection = Inspection.objects.get(pk=rush_lot.pk)
    diameter, surface, crack = inspection.plan.characteristics.order_by("position")
    refused = type_cell(page, diameter, 1, "12.5mm")
    expect(refused).to_have_attribute("data-state", "error")
    expect(refused.locator("[data-testid=cell-error]")).to_contain_text("carries a unit")
    assert not Measurement.objects.filter(inspection=inspection).exists()
    flagged = type_cell(page, diameter, 1, "10.09")
    expect(flagged).to_have_attribute("data-state", "defect")
    ok = type_cell(page, diameter, 1, "10.01")
    expect(ok).to_have_attribute("data-state", "ok")
    # lot 5: diameter (major) and crack (critical) on all 5 items, surface (minor) on 3
    for sample in range(2, 6):
        expect(type_cell(page, diameter, sample, f"10.0{sample}")).to_have_attribute("data-state", "ok")
        expect(type_cell(page, crack, sample - 1, "pass")).to_have_attribute("data-state", "ok")
    expect(type_cell(page, crack, 5, "pass")).to_have_attribute("data-state", "ok")
    for sample in range(1, 4):
        expect(type_cell(page, surface, sample, "pass")).to_have_attribute("data-state", "ok")
    expect(page.locator("[data-testid=progress]")).to_contain_text("13 of 13")
    page.screenshot(path=f"{SCREENSHOT_DIR}/quality-tablet-form.png", full_page=True)

    page.locator("#id_password").fill("wrong password")
    page.locator("[data-testid=confirm]").click()
    expect(page.locator(".msg-error")).to_contain_text("password is not correct")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("[data-testid=confirm]").click()
    expect(page.locator("[data-testid=inspection-status]")).to_have_text(str(IS.PASSED.label))
    expect(page.locator("[data-testid=signed-by]")).to_contain_text("Wang Fang")
    page.screenshot(path=f"{SCREENSHOT_DIR}/quality-inspection-passed.png", full_page=True)
    assert Order.objects.get(pk=rush.pk).status == OrderStatus.QC_PASSED


def test_a_failed_lot_goes_to_rework_from_its_ncr_page(page, live_server, login, lots):
    qc, rush, rush_lot, _normal_lot = lots
    from quality import services
    from tests.quality.setup import fill

    services.start_inspection(actor=qc, inspection=rush_lot)
    fill(qc, rush_lot, crack="fail")
    ncr = services.confirm_inspection(actor=qc, inspection=rush_lot, password=PASSWORD).ncr
    login(page, live_server, "inspector", PASSWORD)
    page.goto(f"{live_server.url}/quality/ncr/{ncr.pk}/")
    expect(page.locator("[data-testid=ncr-status]")).to_have_text(str(ncr.get_status_display()))
    page.locator("input[name=disposition][value=rework]").check()
    page.locator("[data-testid=decide-disposition]").click()
    expect(page.locator("[data-testid=rework-work-order]")).to_contain_text("WO-")
    page.screenshot(path=f"{SCREENSHOT_DIR}/quality-ncr-rework.png", full_page=True)
    assert Order.objects.get(pk=rush.pk).status == OrderStatus.IN_PRODUCTION
