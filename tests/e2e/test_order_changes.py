"""A controlled change in a real Chromium: sales asks for more of a planned order from the order page, a
bad quantity is refused in place; the impact (its work order, the other order that moves) is on the
change's page; the order desk approves it at their desk; the order's revisions page shows revision 2
with the quantity's diff."""

import pytest
from playwright.sync_api import expect

from orders.models import ChangeRequest, OrderLine
from tests.fixtures.factories import user_with_role
from tests.rush.setup import build_shop, planned_order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sales_asks_for_more_sees_the_impact_and_the_order_desk_approves(sessions, live_server):
    planner = user_with_role("planner")
    shop = build_shop()
    other = planned_order(shop, planner, "10", days=5, release=False)
    order = planned_order(shop, planner, "10", days=5, release=False, username="seller")
    user_with_role("order_desk", username="desk")

    seller = sessions("seller")
    seller.goto(f"{live_server.url}/orders/{order.pk}/")
    seller.locator("[data-testid=request-change]").click()
    seller.locator("input[name=kind][value=quantity]").check()
    seller.locator("#qty-1").fill("-5")
    seller.locator("#id_reason").fill("客户追加 customer adds 5")
    seller.locator("[data-testid=submit-change]").click()
    expect(seller.locator("[data-testid=change-errors]")).to_contain_text("greater than zero")
    assert not ChangeRequest.objects.exists()
    seller.locator("#qty-1").fill("15")
    seller.locator("[data-testid=submit-change]").click()
    expect(seller.locator("[data-testid=change-status]")).to_have_text("Awaiting approval")
    impact = seller.locator("[data-testid=change-impact]")
    expect(impact).to_contain_text("10 → 15")
    expect(impact).to_contain_text(other.number)
    expect(seller.locator("[data-testid=change-decision]")).to_have_count(0)  # sales cannot approve
    change = ChangeRequest.objects.get()

    desk = sessions("desk")
    desk.goto(f"{live_server.url}/orders/changes/{change.pk}/")
    desk.locator("[data-testid=approve-change]").click()
    expect(desk.locator("[data-testid=change-status]")).to_have_text("Approved and applied")
    desk.goto(f"{live_server.url}/orders/{order.pk}/")
    desk.locator("[data-testid=order-revisions]").click()
    newest = desk.locator("[data-testid=revision]").first
    expect(newest).to_have_attribute("data-number", "2")
    expect(newest.locator("[data-testid=revision-diff]")).to_contain_text("quantity")
    expect(newest.locator("[data-testid=revision-diff]")).to_contain_text("15")
    assert OrderLine.objects.get(order=order).quantity == 15
