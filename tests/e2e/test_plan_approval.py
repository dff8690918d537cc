"""Plan approval and work instructions in a real Chromium, in Chinese as the factory uses them: the
production department head returns a plan with a reason, the planner submits it again, the head approves
and it is released; a planner writes a work instruction with a PDF and a photo on the routing page, and the
operator's tablet at 1024×768 shows it, and the start records the version seen."""

import io
import os

import pytest
from django.urls import reverse
from PIL import Image
from playwright.sync_api import expect

from orders.models import Order, OrderStatus
from planning.models import PlanSubmission, WorkInstruction
from planning.plans import plan_order
from production.models import OperationLog
from tests.e2e.steps import open_tablet, operation_row
from tests.fixtures.factories import user_with_role
from tests.planning.test_work_orders import approved_order, next_monday
from tests.production.helpers import build_shop, operations_of, released_order

DESKTOP = {"width": 1366, "height": 768}
TABLET = {"width": 1024, "height": 768}
SHOTS = os.environ.get("SCREENSHOT_DIR")  # set to keep the screenshots for a look
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def use_language(page, language):
    page.locator("#language-select").select_option(language)
    expect(page.locator("html")).to_have_attribute("lang", language)  # the page came back in it
    return page


def chinese(page):
    return use_language(page, "zh-hans")


def shot(page, name):
    (SHOTS and page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True))


def background(locator):
    return locator.evaluate("e => getComputedStyle(e).backgroundColor")


def test_head_returns_then_approves_a_plan(sessions, settings):
    settings.PLAN_APPROVAL_REQUIRED = True
    shop = build_shop()
    planner = user_with_role("planner", username="planner")
    user_with_role("production_head", username="head")
    order = approved_order(shop)
    plan_order(actor=planner, order=order, now=next_monday())

    desk = chinese(sessions("planner", viewport=DESKTOP))
    desk.goto(desk.url.split("/accounts")[0] + reverse("planning:plan_detail", args=[order.pk]))
    expect(desk.locator("[data-testid=release-button]")).to_have_count(0)  # the planner no longer releases
    desk.locator("[data-testid=submit-form] input[name=note]").fill("请审核，FILL 线周五满负荷")
    desk.locator("[data-testid=submit-plan]").click()
    expect(desk.locator("[data-testid=submission-status]")).to_have_text("等待批准")
    expect(desk.locator(".messages")).to_contain_text("已提交审核")

    boss = chinese(sessions("head", viewport=DESKTOP))
    expect(boss.locator("[data-testid=unread-count]")).to_have_text("1")  # the alert of the submission
    boss.locator("nav.mainnav a", has_text="计划审核").click()
    row = boss.locator("[data-testid=submission-row]", has_text=order.number)
    expect(row).to_contain_text("等待批准")
    row.locator("a").first.click()
    expect(boss.locator("h1")).to_contain_text(f"订单 {order.number} 的生产计划")
    expect(boss.locator("[data-testid=work-order]").first).to_be_visible()
    boss.locator("[data-testid=return-plan]").click()  # without a reason: refused, nothing changes
    expect(boss.locator("[data-testid=return-form]")).to_contain_text("请填写原因")
    assert PlanSubmission.objects.get().status == "submitted"
    boss.locator("[data-testid=return-form] textarea").fill("周五灌装线满负荷，请改到下周一")
    boss.locator("[data-testid=return-plan]").click()
    status = boss.locator("[data-testid=submission-status]")
    expect(status).to_have_text("已退回计划员")
    assert background(status) == "rgb(253, 236, 234)"  # the returned colour from orderflow.css
    shot(boss, "plan-returned-zh-hans")

    desk.reload()
    expect(desk.locator("[data-testid=return-reason]")).to_contain_text("周五灌装线满负荷，请改到下周一")
    shot(desk, "plan-detail-returned-zh-hans")
    desk.locator("[data-testid=submit-plan]").click()
    expect(desk.locator("[data-testid=submission-status]")).to_have_text("等待批准")

    boss.reload()
    boss.locator("[data-testid=approve-plan]").click()
    expect(boss.locator("[data-testid=submission-status]")).to_have_text("已批准并下达")
    expect(boss.locator("[data-testid=submission-history] li")).to_have_count(4)
    expect(boss.locator("[data-testid=submission-history]")).to_contain_text("已退回（附原因）")
    shot(boss, "plan-approved-zh-hans")
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PLANNED

    english = use_language(sessions("head", viewport=DESKTOP), "en")
    english.goto(english.url.split("/accounts")[0] + reverse("planning:plan_submission_list"))
    expect(english.locator("[data-testid=submission-row]").first).to_contain_text("Approved and released")
    shot(english, "plan-approval-list-en")


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (120, 80), "#1f5fbf").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_tablet_shows_the_work_instruction_written_on_the_routing_page(sessions, settings, tmp_path, language):
    settings.MEDIA_ROOT = tmp_path
    shop = build_shop()
    user_with_role("planner", username="planner")
    user_with_role("production", username="operator")
    order = released_order(shop)
    sub_op, _first, _second = operations_of(order)

    desk = use_language(sessions("planner", viewport=DESKTOP), language)
    desk.goto(desk.url.split("/accounts")[0] + reverse("planning:routing_edit", args=[shop["sub"].pk]))
    desk.locator("[data-testid=instruction-row][data-sequence='10'] [data-testid=instruction-link]").click()
    desk.locator("textarea[name=text]").fill("1. 称量前校准电子秤\n2. 戴手套操作")
    desk.locator("input[name=files]").set_input_files([
        {"name": "图纸.pdf", "mimeType": "application/pdf", "buffer": PDF},
        {"name": "nozzle.png", "mimeType": "image/png", "buffer": png_bytes()}])
    desk.locator("[data-testid=save-instruction]").click()
    expect(desk.locator("[data-testid=current-version]")).to_contain_text("1")
    expect(desk.locator("[data-testid=current-instruction] img.instruction-thumb")).to_be_visible()
    shot(desk, f"instruction-edit-{language}")
    instruction = WorkInstruction.objects.get()

    tablet = use_language(sessions("operator", viewport=TABLET), language)
    open_tablet(tablet, "CUT")
    row = operation_row(tablet, sub_op)
    shown = row.locator("[data-testid=work-instruction]")
    expect(shown).to_be_visible()
    expect(shown.locator("summary")).to_have_text("作业指导书 · 第 1 版" if language == "zh-hans"
                                                   else "Work instruction · version 1")
    expect(shown.locator("[data-testid=instruction-text]")).to_contain_text("戴手套操作")
    expect(shown.locator("[data-testid=instruction-pdf]")).to_contain_text("图纸.pdf")
    image = shown.locator("img.instruction-thumb")
    expect(image).to_be_visible()
    # Served by the permission-checked view: its natural width once loaded (visible comes before loaded).
    loaded_width = image.evaluate("""e => e.complete ? e.naturalWidth : new Promise(done => {
        e.addEventListener("load", () => done(e.naturalWidth), {once: true});
        e.addEventListener("error", () => done(0), {once: true});
    })""")
    assert loaded_width == 120
    assert background(shown) == "rgb(243, 247, 253)"
    box = shown.bounding_box()
    assert box["x"] + box["width"] <= TABLET["width"]
    shot(tablet, f"tablet-instruction-{language}")

    row.locator("[data-testid=start]").click()
    expect(operation_row(tablet, sub_op)).to_have_attribute("data-status", "in_progress")
    assert OperationLog.objects.get(operation=sub_op, action="start").work_instruction == instruction
