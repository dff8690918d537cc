"""Alerts as people see them in a real Chromium, in Chinese: the order desk rejects an order and its sales
owner finds the rejection with the reason under the bell; a late order's alert escalated to the manager is
listed at the time it reached them with its level marked; an alert whose order was cancelled stops
escalating and says why."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from alerts import services
from orders.models import OrderStatus
from orders.services import cancel_order
from tests.fixtures.factories import make_order, user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def in_chinese(page):
    page.locator("#language-select").select_option("zh-hans")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")


def test_sales_sees_the_rejection_and_its_reason_in_chinese(sessions, live_server):
    seller = user_with_role("sales", username="seller")
    user_with_role("order_desk", username="desk")
    order = make_order(creator=seller, status=OrderStatus.SUBMITTED)

    desk = sessions("desk")
    desk.goto(f"{live_server.url}/orders/{order.pk}/")
    desk.locator("[data-testid=action-reject] input[name=reason]").fill("单价已过期，请重新报价")
    desk.locator("[data-testid=action-reject] button[type=submit]").click()
    expect(desk.locator("[data-testid=order-status]")).to_have_class(re.compile(r"\bstatus-rejected\b"))

    page = sessions("seller")
    in_chinese(page)
    expect(page.locator("[data-testid=unread-count]")).to_have_text("1")
    page.locator("a.bell").click()
    row = page.locator("[data-testid=alert-row]").first
    expect(row).to_contain_text(f"订单 {order.number} 被退回")
    expect(row).to_contain_text("原因：单价已过期，请重新报价。请修改订单后重新提交。")
    row.locator("[data-testid=alert-open]").click()
    expect(page).to_have_url(re.compile(rf"/orders/{order.pk}/$"))


def test_the_manager_sees_an_escalated_alert_marked_and_its_stop(sessions, live_server):
    user_with_role("manager", username="boss")
    sales = user_with_role("sales")
    order = make_order(creator=sales, status=OrderStatus.APPROVED)
    gone = make_order(creator=sales, status=OrderStatus.APPROVED)

    def late(order, roles):
        return services.create_alert(kind="order_late", subject="Order %(number)s is late",
                                     params={"number": order.number}, link=reverse("orders:detail", args=[order.pk]),
                                     roles=roles)

    stopped = late(gone, ["manager"])  # told at once; its order is cancelled before anyone acknowledges it
    alert = late(order, ["planner"])
    cancel_order(actor=user_with_role("admin"), order=gone, reason="客户取消")
    first = alert.created_at + timedelta(hours=1, minutes=1)
    services.escalate_due_alerts(now=first)  # production (level 1); the cancelled order's alert stops
    services.escalate_due_alerts(now=first + timedelta(hours=4, minutes=1))  # the manager (level 2)

    page = sessions("boss")
    in_chinese(page)
    page.goto(f"{live_server.url}/alerts/")
    rows = page.locator("[data-testid=alert-row]")
    expect(rows).to_have_count(2)
    escalated = rows.first  # it reached the manager after the other one: listed first
    expect(escalated).to_contain_text(order.number)
    expect(escalated).to_have_attribute("data-level", "2")
    expect(escalated.locator("[data-testid=alert-escalated]")).to_have_text("已升级给您 · 第 2 级")
    expect(escalated.locator("[data-testid=alert-escalated]")).to_have_css("background-color", "rgb(255, 226, 179)")
    expect(escalated).to_contain_text("发出于")
    other = rows.nth(1)
    expect(other).to_contain_text(gone.number)
    expect(other.locator("[data-testid=alert-escalated]")).to_have_count(0)
    expect(other.locator("[data-testid=alert-stopped]")).to_have_text(f"已停止升级：订单 {gone.number} 已取消。")
    assert stopped.pk
