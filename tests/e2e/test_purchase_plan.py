"""The planner approves an MRP purchase plan into purchase requests, in a real Chromium at 1366×768.

In Chinese: the planner opens 采购计划 (the purchase plan) before any run, runs MRP now (a Celery task,
eager here), sees the planned purchases grouped by supplier with their dates, the orders they are for and
a replenishment suggestion, ticks two lines and approves them: each shows its purchase request, which is
approved and waiting to be ordered; approving the same line again is refused with a message and writes
nothing. The forecast page draws a make-to-stock item's order history beside its forecast. The English page
is checked and both languages are screenshotted (/tmp/purchase-plan-<language>.png, /tmp/forecast-<language>.png).
"""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.services import set_user_language
from inventory import mrp_plans, services
from inventory.models import MrpLine, PurchaseRequest, PurchaseRequestStatus
from orders.models import Order, OrderStatus
from tests.fixtures.factories import user_with_role
from tests.inventory.materialdata import machine_order, make_machine, make_supplier
from tests.inventory.stockdata import make_location, make_warehouse, receive

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESK = {"width": 1366, "height": 768}
SHOTS = "/tmp"
TEXTS = {
    "zh-hans": {"title": "采购计划", "run": "立即运行物料需求计划", "approve": "将勾选的行批准为请购单",
                "buy": "计划采购", "reorder": "补货（再订货点）", "made": "已生成请购单", "forecast": "需求预测"},
    "en": {"title": "Purchase plan", "run": "Run MRP now", "approve": "Approve the ticked lines into purchase requests",
           "buy": "Planned purchase", "reorder": "Replenishment (reorder point)", "made": "Purchase requests made",
           "forecast": "Demand forecasts"},
}


def plan_data():
    admin = user_with_role("admin")
    machine = make_machine()
    gaskets, screws = make_supplier("SUP-GK", name="宁波密封件有限公司"), make_supplier("SUP-SC", name="苏州紧固件厂")
    services.update_item(actor=admin, item=machine.gasket, preferred_supplier=gaskets, order_multiple=Decimal("50"))
    services.update_item(actor=admin, item=machine.screw, preferred_supplier=screws,
                         minimum_order_quantity=Decimal("200"), reorder_point=Decimal("500"),
                         reorder_quantity=Decimal("1000"))
    services.update_item(actor=admin, item=machine.steel, preferred_supplier=gaskets)
    services.update_item(actor=admin, item=machine.finished, make_to_stock=True, make_lead_time_days=2)
    receive(machine.gasket, make_location("A-01", warehouse=make_warehouse("WH1")), "40", lot="GK-1")
    rush = machine_order(machine, quantity="5", status=OrderStatus.APPROVED, priority="rush",
                         rush_reason="客户停线", requested_in_days=12)
    normal = machine_order(machine, quantity="8", status=OrderStatus.PLANNED, requested_in_days=25)
    for weeks_ago in range(1, 11):  # order history for the forecast
        past = machine_order(machine, quantity=str(6 + weeks_ago % 4), status=OrderStatus.SUBMITTED)
        Order.objects.filter(pk=past.pk).update(submitted_at=timezone.now() - timedelta(weeks=weeks_ago))
    return machine, rush, normal


def test_the_planner_approves_an_mrp_purchase_plan_into_purchase_requests(sessions, live_server):
    machine, rush, normal = plan_data()
    planner = user_with_role("planner", username="planner_zhao")
    set_user_language(actor=planner, language="zh-hans")
    texts = TEXTS["zh-hans"]
    page = sessions(planner.username, viewport=DESK)

    page.goto(f"{live_server.url}/inventory/purchase-orders/")
    page.locator("[data-testid=purchase-plan-tab]").click()
    expect(page.locator("h1")).to_have_text(texts["title"])
    expect(page.locator("[data-testid=no-run]")).to_be_visible()
    page.locator("#id_horizon_days").fill("28")
    page.get_by_role("button", name=texts["run"]).click()
    expect(page.locator(".msg-success").first).to_contain_text("物料需求计划")
    expect(page.locator("[data-testid=mrp-run]")).to_contain_text("2 个未完成订单")

    # Grouped by supplier: the gaskets and steel from SUP-GK, the screws (with a reorder suggestion) from SUP-SC.
    groups = page.locator("[data-testid=supplier-group]")
    expect(groups).to_have_count(2)
    # The rush order had the gaskets in stock first; the normal order's gaskets are bought, by 50.
    gasket = page.locator("[data-testid=plan-line][data-item=RM-GASKET]", has_text=normal.number).first
    expect(gasket).to_contain_text(texts["buy"])
    expect(gasket.locator("[data-testid=why]")).not_to_contain_text(rush.number)
    expect(gasket.locator("[data-testid=planned-quantity]")).to_have_text(re.compile(r"^\d*[05]0 件$"))
    expect(gasket).to_contain_text(re.compile(r"\d{4}年\d{1,2}月\d{1,2}日"))  # dates in the Chinese format
    screw = page.locator("[data-testid=plan-line][data-item=RM-SCREW][data-kind=buy]", has_text=rush.number).first
    expect(screw.locator("[data-testid=why]")).to_contain_text("急单")
    reorder = page.locator("[data-testid=plan-line][data-kind=reorder]")
    expect(reorder).to_have_count(1)
    expect(reorder).to_contain_text(texts["reorder"])
    expect(page.locator("[data-testid=production-line][data-item=FG-CM]").first).to_be_visible()
    badge = screw.locator(".badge-rush")
    assert badge.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(198, 40, 40)"
    page.screenshot(path=f"{SHOTS}/purchase-plan-before-zh-hans.png", full_page=True)

    # Tick the first gasket line and the reorder suggestion, approve.
    gasket_id, reorder_id = gasket.get_attribute("data-line"), reorder.get_attribute("data-line")
    gasket.locator("input[type=checkbox]").check()
    reorder.locator("input[type=checkbox]").check()
    page.get_by_role("button", name=texts["approve"]).click()
    expect(page.locator(".msg-success").first).to_contain_text(texts["made"])
    requests = {line.pk: line.purchase_request for line in MrpLine.objects.filter(pk__in=[gasket_id, reorder_id])}
    assert all(r is not None and r.status == PurchaseRequestStatus.APPROVED for r in requests.values())
    for line_id, request in requests.items():
        row = page.locator(f"[data-testid=plan-line][data-line='{line_id}']")
        expect(row.locator("[data-testid=request]")).to_have_text(request.number)
        expect(row.locator("input[type=checkbox]")).to_have_count(0)  # cannot be ticked again
    page.screenshot(path=f"{SHOTS}/purchase-plan-zh-hans.png", full_page=True)

    # The same line sent again (a stale second tab): refused with its request's number, nothing written.
    count = PurchaseRequest.objects.count()
    page.evaluate("""id => { const f = document.getElementById('approve-lines');
        const i = document.createElement('input'); i.type = 'hidden'; i.name = 'lines'; i.value = id; f.appendChild(i);
        f.submit(); }""", gasket_id)
    page.wait_for_load_state()
    expect(page.locator(".msg-error").first).to_contain_text(requests[int(gasket_id)].number)
    assert PurchaseRequest.objects.count() == count

    # The forecast page: history columns, then the forecast ones.
    page.get_by_role("link", name=texts["forecast"]).click()
    chart = page.locator("[data-chart=forecast][data-item=FG-CM]")
    expect(chart.locator("rect[data-kind=history]")).to_have_count(26)
    expect(chart.locator("rect[data-kind=forecast]")).to_have_count(4)
    fill = chart.locator("rect[data-kind=forecast]").first.evaluate("e => getComputedStyle(e).fill")
    assert fill == "rgb(178, 106, 0)"
    page.screenshot(path=f"{SHOTS}/forecast-zh-hans.png")
    assert normal.pk in set(MrpLine.objects.filter(run=mrp_plans.latest_run()).values_list("demands__order",
                                                                                             flat=True))


def test_the_plan_in_english(sessions, live_server):
    plan_data()
    planner = user_with_role("planner", username="planner_en")
    set_user_language(actor=planner, language="en")
    mrp_plans.run_mrp(actor=planner, horizon_days=28)
    texts = TEXTS["en"]
    page = sessions(planner.username, viewport=DESK)
    page.goto(f"{live_server.url}/inventory/purchase-plan/")
    expect(page.locator("h1")).to_have_text(texts["title"])
    expect(page.locator("[data-testid=plan-line][data-kind=reorder]")).to_contain_text(texts["reorder"])
    expect(page.get_by_role("button", name=texts["approve"])).to_be_visible()
    page.screenshot(path=f"{SHOTS}/purchase-plan-en.png", full_page=True)
    page.goto(f"{live_server.url}/inventory/forecasts/")
    expect(page.locator("[data-chart=forecast][data-item=FG-CM] rect[data-kind=forecast]")).to_have_count(4)
    page.screenshot(path=f"{SHOTS}/forecast-en.png")
