"""Seed 003 "如因制程异常耽误交期…向总经办申请批示…分发通知经营课" in a real Chromium, in Chinese: a process
exception hits a rush order; the planner asks the general manager's office for a decision from the
exception's page (a bad request refused first, nothing written); the general manager sees it on the home
page, reads the options with their dates and decides "accept a new date"; sales reads the decision among
their alerts in Chinese and the order has its new promised date."""

import pytest
from playwright.sync_api import expect

from accounts.services import set_user_language
from orders.models import Order, OrderEvent
from planning.models import WorkOrderOperation
from production.exception_reports import report_exception
from rush.models import DelayDecision
from tests.fixtures.factories import user_with_role
from tests.rush.setup import build_shop, in_days, planned_order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def chinese_user(role, username):
    user = user_with_role(role, username=username)
    set_user_language(actor=user, language="zh-hans")
    return user


def test_the_general_manager_decides_on_a_rush_orders_exception_and_sales_is_told(sessions, live_server):
    planner = chinese_user("planner", "planner")
    chinese_user("general_manager", "gm")
    seller = chinese_user("sales", "seller")
    shop = build_shop()
    order = planned_order(shop, planner, "8", days=5, username="seller-owner")
    Order.objects.filter(pk=order.pk).update(priority="rush", rush_reason="客户停线", promised_date=in_days(5),
                                             created_by=seller)
    operation = WorkOrderOperation.objects.get(work_order__order=order)
    report = report_exception(actor=user_with_role("production"), type="tooling", work_center=shop["cut"],
                              description="刀具断裂", operation=operation)

    page = sessions("planner")
    page.goto(f"{live_server.url}/production/exceptions/{report.pk}/")
    expect(page.locator("[data-testid=documents-exception_report]")).to_contain_text("制程异常申报单")
    page.locator("[data-testid=ask-decision]").click()
    page.locator("[data-testid=submit-decision-request]").click()  # no situation given
    expect(page.locator(".errorlist").first).to_contain_text("请说明情况")
    assert not DelayDecision.objects.exists()
    page.locator("#id_situation").fill("刀具断裂，修复需一天")
    page.locator("#id_proposed_date").fill(in_days(9).isoformat())
    page.locator("[data-testid=submit-decision-request]").click()
    expect(page.locator("[data-testid=decision-status]")).to_have_text("待总经办批示")
    decision = DelayDecision.objects.get()

    gm = sessions("gm")
    gm.goto(f"{live_server.url}/")
    expect(gm.locator("[data-testid=pending-decision]")).to_contain_text(order.number)
    gm.locator(f"[data-testid=pending-decision] a:has-text('{decision.number}')").click()
    options = gm.locator("[data-testid=decision-option]")
    expect(options).to_have_count(2)  # resequencing and a new date (no overtime or outsourcing proposed)
    new_date = gm.locator("[data-testid=decision-option][data-option=new_date]")
    expect(new_date).to_contain_text("接受新交期")
    expect(new_date.locator("[data-testid=option-date]")).to_contain_text(f"{in_days(9).month}月{in_days(9).day}日")
    new_date.locator("input[type=radio]").check()
    gm.locator("#id_reason").fill("客户同意延期三天")
    gm.locator("[data-testid=decide]").click()
    expect(gm.locator("[data-testid=decision-status]")).to_have_text("已决定")
    assert Order.objects.get(pk=order.pk).promised_date == in_days(9)
    assert OrderEvent.objects.filter(order=order, action="promised_date_changed").exists()

    sales = sessions("seller")
    sales.goto(f"{live_server.url}/alerts/")
    row = sales.locator("[data-testid=alert-row]", has_text=order.number).first
    expect(row).to_contain_text("总经办对急单")
    expect(row).to_contain_text("接受新交期")
    row.locator("[data-testid=alert-open]").click()
    expect(sales.locator("[data-testid=decision-decided]")).to_contain_text("客户同意延期三天")
