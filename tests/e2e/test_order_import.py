"""Sales imports the order file a customer sent, in a real Chromium: from the order list to the import
page, a file with a bad row is refused with the row and its problem named and nothing written; the
corrected file previews as two orders, and confirming puts both in the order desk's review queue."""

from datetime import timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from orders.models import Channel, Order, OrderStatus
from orders.rules import today
from tests.e2e.steps import PASSWORD
from tests.fixtures.factories import CustomerFactory, ProductFactory, user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sales_imports_a_customer_order_file(page, live_server, login, sessions, tmp_path):
    CustomerFactory(code="C-EAST", name="华东机械有限公司")
    ProductFactory(sku="GEAR-40", name="齿轮 Gear", unit="pcs", list_price=Decimal("12.50"))
    ProductFactory(sku="BOLT-8", name="螺栓 Bolt", unit="pcs", list_price=Decimal("0.80"))
    user_with_role("sales", username="seller")
    user_with_role("order_desk", username="desk")
    due = (today() + timedelta(days=30)).isoformat()
    bad = tmp_path / "po-bad.csv"
    bad.write_text(f"客户订单号,客户,产品编码,数量,要求交期\nPO-77,C-EAST,GEAR-40,500,{due}\nPO-77,C-EAST,BOLT-8,2.5,\n",
                   encoding="utf-8")
    good = tmp_path / "po.csv"
    good.write_text(f"客户订单号,客户,产品编码,数量,要求交期\nPO-77,C-EAST,GEAR-40,500,{due}\nPO-77,C-EAST,BOLT-8,2000,\n"
                    f"PO-78,C-EAST,BOLT-8,100,{due}\n", encoding="utf-8")

    login(page, live_server, "seller", PASSWORD)
    page.goto(f"{live_server.url}/orders/")
    page.locator("[data-testid=import-orders]").click()
    page.locator("#id_file").set_input_files(str(bad))
    page.locator("[data-testid=check-file]").click()
    expect(page.locator("[data-testid=import-has-errors]")).to_be_visible()
    expect(page.locator("[data-testid=import-error-summary]")).to_contain_text("cannot have decimals")
    expect(page.locator("[data-testid=import-row][data-line='3']")).to_have_attribute("data-action", "error")
    assert not Order.objects.exists()

    page.goto(f"{live_server.url}/orders/import/")
    page.locator("#id_file").set_input_files(str(good))
    page.locator("[data-testid=check-file]").click()
    expect(page.locator("[data-testid=import-outcome]")).to_contain_text("2 orders with 3 lines")
    page.locator("[data-testid=import-confirm] button").click()
    expect(page.locator(".messages .msg-success")).to_contain_text("po.csv")
    orders = Order.objects.order_by("customer_po")
    assert [(o.customer_po, o.status, o.channel, o.lines.count()) for o in orders] == [
        ("PO-77", OrderStatus.SUBMITTED, Channel.IMPORT, 2), ("PO-78", OrderStatus.SUBMITTED, Channel.IMPORT, 1)]

    desk = sessions("desk")
    desk.goto(f"{live_server.url}/orders/review/")
    for order in orders:
        expect(desk.locator("main")).to_contain_text(order.number)
