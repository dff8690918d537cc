"""A Chinese user's date fields keep the date the server filled in (issue 13, "Chinese users").

The server wrote dates into `<input type=date>` the Chinese way (2026/12/28), which the browser shows
as blank: editing a rejected order then failed with "请输入要求交期" and the rush request form lost
its date. Both forms are submitted here without touching the date, in zh-hans, in Chromium."""

import pytest
from playwright.sync_api import expect

from accounts.services import set_user_language
from orders.models import Order, OrderStatus
from planning.plans import plan_order
from rush.models import RushRequest
from tests.fixtures.factories import make_order, user_with_role
from tests.rush.setup import build_shop, order_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def chinese_user(role, username):
    user = user_with_role(role, username=username)
    set_user_language(actor=user, language="zh-hans")
    return user


def test_sales_in_chinese_edits_and_resubmits_a_rejected_order_and_the_date_survives(sessions, live_server):
    seller = chinese_user("sales", "seller")
    order = make_order(creator=seller, status=OrderStatus.REJECTED, requested_in_days=40)
    asked_for = order.requested_date
    page = sessions("seller")
    page.goto(f"{live_server.url}/orders/{order.pk}/edit/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("#id_requested_date")).to_have_value(order.requested_date.isoformat())
    page.locator("[data-testid=submit-order]").click()
    expect(page.locator("[data-testid=order-status]")).to_contain_text("已提交")
    order = Order.objects.get(pk=order.pk)
    assert order.status == OrderStatus.SUBMITTED
    assert order.requested_date == asked_for


def test_rush_request_form_in_chinese_keeps_the_order_date(sessions, live_server):
    planner = user_with_role("planner", username="planner")
    shop = build_shop()
    order = order_of(shop, "8", days=20, sales=chinese_user("sales", "seller"))
    plan_order(actor=planner, order=order)
    page = sessions("seller")
    page.goto(f"{live_server.url}/rush/orders/{order.pk}/request/")
    expect(page.locator("#id_requested_date")).to_have_value(order.requested_date.isoformat())
    page.locator("#id_reason").fill("客户产线停线")
    page.locator("[data-testid=submit-rush-request]").click()
    expect(page.locator("[data-testid=rush-status]")).to_be_visible()
    assert RushRequest.objects.get().requested_date == order.requested_date
