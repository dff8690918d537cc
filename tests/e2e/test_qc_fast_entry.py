"""QC pastes a column of measurements into the inspection form in a real Chromium (lot 500: 50 samples per
class): one paste records the whole column with the out-of-tolerance value flagged; a paste with a bad value
names its row in the reader's language and saves nothing; an attribute check records only its failures."""

import os
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from quality import services
from quality.models import Measurement
from tests.fixtures.factories import user_with_role
from tests.quality.setup import give_plan, made_product, order_awaiting_qc

SHOTS = os.environ.get("SCREENSHOT_DIR")  # set to keep the screenshots for a look

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_qc_pastes_measurements_and_records_only_the_failures(sessions, live_server, sales):
    qc = user_with_role("qc", username="inspector")
    product = made_product(sku="PIN-3", name="销 Pin")
    give_plan(product, actor=qc)
    _order, inspection = order_awaiting_qc(sales, product)
    inspection = services.start_inspection(actor=qc, inspection=inspection)
    diameter, surface, _crack = inspection.plan.characteristics.order_by("position")

    page = sessions("inspector", viewport={"width": 1366, "height": 768})
    page.goto(f"{live_server.url}/quality/inspections/{inspection.pk}/record/")
    page.locator("[data-testid=fast-entry] > summary").click()
    paste = page.locator("[data-testid=paste-form]")
    paste.locator("select[name=paste-characteristic]").select_option(str(diameter.pk))
    column = "\n".join(["10.01", "10.02", "9.99"] * 16 + ["10.00", "10.09"])  # 50 values, the last too large
    paste.locator("textarea[name=paste-values]").fill(column)
    (SHOTS and page.screenshot(path=f"{SHOTS}/qc-fast-entry-en.png", full_page=False))
    paste.locator("[data-testid=paste-save]").click()
    expect(page.locator(".messages")).to_contain_text("50 values recorded.")
    assert Measurement.objects.filter(inspection=inspection, characteristic=diameter).count() == 50
    expect(page.locator(f"[data-cell='{diameter.pk}-1']")).to_have_attribute("data-state", "ok")
    assert Measurement.objects.get(inspection=inspection, characteristic=diameter, sample_no=50).is_defect

    # In Chinese, a paste with a bad value names its row, and nothing of it is saved.
    page.locator("#language-select").select_option("zh-hans")
    page.wait_for_load_state()
    page.locator("[data-testid=fast-entry] > summary").click()
    paste = page.locator("[data-testid=paste-form]")
    paste.locator("select[name=paste-characteristic]").select_option(str(diameter.pk))
    paste.locator("textarea[name=paste-values]").fill("10.03\n10,04\n10.05")
    paste.locator("[data-testid=paste-save]").click()
    errors = page.locator("[data-testid=form-errors]")
    expect(errors).to_contain_text("第 2 行（样本 2）")
    (SHOTS and page.screenshot(path=f"{SHOTS}/qc-fast-entry-error-zh-hans.png", full_page=False))
    first = Measurement.objects.get(inspection=inspection, characteristic=diameter, sample_no=1)
    assert first.value == Decimal("10.01")

    # The surface check: only samples 3 and 17 fail; the 48 others are recorded as conforming.
    expect(page.locator("[data-testid=nonconforming-form]")).to_be_visible()  # the panel stays open
    form = page.locator("[data-testid=nonconforming-form]")
    form.locator("select[name=nonconforming-characteristic]").select_option(str(surface.pk))
    form.locator("input[name=nonconforming-samples]").fill("3，17")
    form.locator("[data-testid=nonconforming-save]").click()
    expect(page.locator(".messages")).to_contain_text("2 个不合格样本")
    failed = Measurement.objects.filter(inspection=inspection, characteristic=surface, passed=False)
    assert sorted(failed.values_list("sample_no", flat=True)) == [3, 17]
    assert Measurement.objects.filter(inspection=inspection, characteristic=surface, passed=True).count() == 48
    (SHOTS and page.screenshot(path=f"{SHOTS}/qc-fast-entry-done-zh-hans.png", full_page=False))
