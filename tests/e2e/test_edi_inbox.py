"""The order desk in Chinese works the EDI inbox: a partner's ORDERS message names a product code without a
mapping; the desk sees why it failed, maps the code to our product, processes the message again, and the
order is made once (issue 18, item 6)."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from accounts.services import set_user_language
from edi import inbound
from edi.models import EdiMessage, MessageStatus, ProductMapping, TradingPartner
from orders.models import Order
from tests.edi.conftest import data
from tests.fixtures.factories import CustomerFactory, ProductFactory, user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_order_desk_fixes_a_mapping_and_reprocesses_in_chinese(sessions, live_server):
    desk = user_with_role("order_desk", username="desk")
    set_user_language(actor=desk, language="zh-hans")
    mapped = ProductFactory(sku="CL-500", list_price=Decimal("12.00"))
    wanted = ProductFactory(sku="CL-750", name="厨房重油污清洁剂", list_price=Decimal("16.00"))
    partner = TradingPartner.objects.create(
        code="HX", name="汇星超市", customer=CustomerFactory(code="HX01", name="汇星超市有限公司"),
        sender_id="4012345000009", sender_qualifier="14", our_id="6901234000004",
        order_owner=user_with_role("sales", username="hx_sales"))
    ProductMapping.objects.create(partner=partner, partner_code="HX-4711", product=mapped)
    [outcome] = inbound.receive_interchange(actor=None, text=data("orders_unknown_product.edi"))
    message = outcome.message

    page = sessions("desk")
    page.goto(f"{live_server.url}/edi/")
    expect(page.locator("h1")).to_have_text("EDI 收件箱")
    row = page.locator("[data-testid=edi-row][data-ref=U1]")
    expect(row).to_contain_text("第 1 行:HX 的产品编码 HX-9999 未对应我方产品")
    expect(row).to_contain_text("汇星超市")
    row.get_by_role("link", name="ORDERS U1").click()

    expect(page.locator("[data-testid=edi-status]")).to_have_text("失败")
    form = page.locator("[data-testid=edi-mapping-form]")
    form.locator("#id_partner_code").select_option("HX-9999")
    form.locator("#id_product").select_option(str(wanted.pk))
    form.get_by_role("button", name="保存对照").click()
    expect(page.locator("ul.messages")).to_contain_text("汇星超市 的 HX-9999 已对应我方 CL-750")

    page.locator("[data-testid=edi-reprocess]").click()
    expect(page.locator("[data-testid=edi-status]")).to_have_text("已处理")
    order = Order.objects.get(customer_po="PO-88004")
    expect(page.locator("[data-testid=edi-order]")).to_have_text(order.number)
    expect(page.locator("[data-testid=edi-timeline]")).to_contain_text("已处理:订单已创建")
    assert EdiMessage.objects.get(pk=message.pk).status == MessageStatus.PROCESSED
    assert order.lines.get().product == wanted and order.customer == partner.customer
