"""The commercial front in a real Chromium, in Chinese: sales quotes a valve 20 % under the price list, asks
for approval, revises the quotation (version 1 kept read-only), asks again; the sales manager approves;
the customer accepts and one click makes the draft order with the quoted price. Then sales places an order
against a framework contract and the contract page shows the quantity drawn down."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from accounts.services import set_user_language
from orders.models import Order
from sales import contract_services as cs
from sales.models import DiscountRule, PriceList, PriceListItem, Quotation
from tests.fixtures.factories import CustomerFactory, ProductFactory, user_with_role
from tests.sales.setup import in_days

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
D = Decimal
SCREEN = {"width": 1366, "height": 768}


@pytest.fixture
def commerce():
    sales = user_with_role("sales", username="xiaoli", first_name="丽", last_name="王")
    manager = user_with_role("manager", username="boss", first_name="强", last_name="刘")
    for user in (sales, manager):
        set_user_language(actor=user, language="zh-hans")
    customer = CustomerFactory(code="C-B1", name="华东机电有限公司", grade="B")
    valve = ProductFactory(sku="W-100", name="阀门", list_price=D("120.00"))
    gasket = ProductFactory(sku="G-200", name="垫片", list_price=D("8.00"))
    price_list = PriceList.objects.create(name="B级", grade="B", currency="CNY", valid_from=in_days(-5),
                                          created_by=manager)
    PriceListItem.objects.create(price_list=price_list, product=valve, min_quantity=D("1"), unit_price=D("100.00"))
    DiscountRule.objects.create(threshold_percent=D("10"), valid_from=in_days(-5), created_by=manager)
    contract = cs.activate_contract(actor=manager, contract=cs.create_contract(
        actor=sales, customer=customer, title="年度框架协议", currency="CNY", start_date=in_days(-1),
        end_date=in_days(200), payment_terms="net60",
        lines=[cs.ContractLineInput(gasket, D("7.50"), D("1000"))]))
    return {"contract": contract}


def press(page, testid):
    page.locator(f"[data-testid={testid}]").click()
    page.wait_for_load_state()


def status(page):
    return page.locator("[data-testid=quotation-status]")


def test_quote_with_discount_revised_approved_accepted_ordered_and_a_contract_call_off(
        sessions, live_server, commerce):
    sales = sessions("xiaoli", viewport=SCREEN)
    sales.goto(f"{live_server.url}/sales/quotations/new/")
    sales.locator("#id_customer").fill("C-B1")
    sales.locator("#id_lines-0-product").fill("W-100")
    sales.locator("#id_lines-0-quantity").fill("100")
    sales.locator("#id_lines-0-unit_price").fill("80")
    press(sales, "save-quotation")
    expect(sales.locator("[data-testid=needs-approval]")).to_have_text("需销售经理审批")
    expect(sales.locator("[data-testid=quotation-discount]")).to_contain_text("20%")
    first = Quotation.objects.get()
    press(sales, "request-approval")
    expect(status(sales)).to_have_text("待折扣审批")

    # Revised: version 2 is a draft at 85; version 1 stays as it was.
    press(sales, "revise-quotation")
    sales.locator("#id_lines-0-unit_price").fill("85")
    press(sales, "save-quotation")
    expect(sales.locator("[data-testid=quotation-number]")).to_contain_text(f"{first.number} v2")
    expect(sales.locator("[data-testid=quotation-discount]")).to_contain_text("15%")
    press(sales, "request-approval")
    expect(status(sales)).to_have_text("待折扣审批")
    sales.goto(f"{live_server.url}/sales/quotations/{first.pk}/")
    expect(status(sales)).to_have_text("已被修订版取代")
    expect(sales.locator("[data-testid=read-only]")).to_contain_text("不能再修改")
    second = Quotation.objects.get(number=first.number, version=2)

    # The sales manager approves the discount.
    manager = sessions("boss", viewport=SCREEN)
    manager.goto(f"{live_server.url}/sales/quotations/{second.pk}/")
    press(manager, "approve-discount")
    expect(status(manager)).to_have_text("折扣已批准")
    expect(manager.locator("[data-testid=approved-by]")).to_contain_text("刘")

    # Sent, accepted, and one click to the draft order at the quoted price.
    sales.goto(f"{live_server.url}/sales/quotations/{second.pk}/")
    press(sales, "send-quotation")
    expect(status(sales)).to_have_text("已发送")
    press(sales, "accept-quotation")
    expect(status(sales)).to_have_text("已接受")
    press(sales, "convert-quotation")
    order = Order.objects.get()
    expect(sales).to_have_url(f"{live_server.url}/orders/{order.pk}/")
    expect(sales.locator("[data-testid=order-total]")).to_contain_text("8,500.00 CNY")
    assert order.lines.get().unit_price == D("85.00") and order.quotation == second

    # An order against the contract draws its quantity down.
    contract = commerce["contract"]
    line = contract.lines.get()
    sales.goto(f"{live_server.url}/sales/contracts/{contract.pk}/")
    sales.locator(f"#id_qty_{line.pk}").fill("300")
    press(sales, "place-call-off")
    call_off = Order.objects.exclude(pk=order.pk).get()
    expect(sales).to_have_url(f"{live_server.url}/orders/{call_off.pk}/")
    assert call_off.lines.get().unit_price == D("7.50")
    sales.goto(f"{live_server.url}/sales/contracts/{contract.pk}/")
    row = sales.locator("[data-testid=contract-consumption] tr[data-sku=G-200]")
    expect(row.locator("[data-testid=called-off]")).to_have_text("300")
    expect(row.locator("[data-testid=left]")).to_have_text("700")
    expect(sales.locator("[data-testid=contract-call-offs]")).to_contain_text(call_off.number)
    expect(sales.locator("h2", has_text="执行情况")).to_be_visible()
