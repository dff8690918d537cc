"""The sales manager keeps a price list in the app, in a real Chromium, in Chinese: a list for grade A customers
with a quantity break, created on the price list page (no Django admin); then a quotation for a grade-A
customer, typed without a price, takes the new list's price at the break the quantity reaches."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from accounts.services import set_user_language
from sales.models import DiscountRule, PriceList, Quotation
from tests.fixtures.factories import CustomerFactory, ProductFactory, user_with_role
from tests.sales.setup import in_days

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
D = Decimal
SCREEN = {"width": 1366, "height": 768}


def press(page, testid):
    page.locator(f"[data-testid={testid}]").click()
    page.wait_for_load_state()


def test_the_sales_manager_creates_a_price_list_and_a_quote_takes_its_price(sessions, live_server):
    manager = user_with_role("manager", username="boss", first_name="强", last_name="刘")
    set_user_language(actor=manager, language="zh-hans")
    CustomerFactory(code="C-A1", name="华南精密有限公司", grade="A", currency="CNY")
    ProductFactory(sku="W-100", name="阀门", list_price=D("120.00"))
    DiscountRule.objects.create(threshold_percent=D("10"), valid_from=in_days(-5), created_by=manager)

    page = sessions("boss", viewport=SCREEN)
    page.goto(f"{live_server.url}/")
    page.locator("nav a", has_text="价格表").first.click()
    expect(page.locator("h1")).to_contain_text("价格表")
    expect(page.locator("[data-testid=discount-rule]")).to_contain_text("折扣超过 10% 需销售经理审批")
    press(page, "new-price-list")
    expect(page.locator("h1")).to_have_text("新建价格表")
    page.locator("#id_name").fill("A级客户 2027")
    page.locator("#id_grade").select_option("A")
    page.locator("#id_valid_from").fill(in_days(0).isoformat())
    page.locator("#id_items-0-product").fill("W-100")
    page.locator("#id_items-0-min_quantity").fill("1")
    page.locator("#id_items-0-unit_price").fill("110")
    page.locator("#id_items-1-product").fill("W-100")
    page.locator("#id_items-1-min_quantity").fill("500")
    page.locator("#id_items-1-unit_price").fill("-5")
    press(page, "save")
    # A negative price is refused with its line named, and nothing is written.
    expect(page.locator("[data-testid=form-errors]")).to_contain_text("第 2 行：单价不能为负数")
    assert not PriceList.objects.exists()
    page.locator("#id_items-1-unit_price").fill("95")
    press(page, "save")
    expect(page.locator(".messages")).to_contain_text("价格表 A级客户 2027 已创建")
    expect(page.locator("h1")).to_contain_text("价格表 A级客户 2027")
    expect(page.locator("[data-testid=in-force]")).to_have_text("现行")
    expect(page.locator("[data-testid=change-history]")).to_contain_text("变更历史")

    # A quotation for a grade-A customer typed without a price takes the break the quantity reaches.
    page.goto(f"{live_server.url}/sales/quotations/new/")
    page.locator("#id_customer").fill("C-A1")
    page.locator("#id_lines-0-product").fill("W-100")
    page.locator("#id_lines-0-quantity").fill("600")
    page.locator("#id_lines-1-product").fill("W-100")
    page.locator("#id_lines-1-quantity").fill("20")
    press(page, "save-quotation")
    lines = page.locator("[data-testid=quotation-lines] tbody tr")
    expect(lines.nth(0)).to_contain_text("95.00")
    expect(lines.nth(1)).to_contain_text("110.00")
    quotation = Quotation.objects.get()
    assert sorted(quotation.lines.values_list("quantity", "list_price", "unit_price")) == [
        (D("20"), D("110.00"), D("110.00")), (D("600"), D("95.00"), D("95.00"))]


def test_the_master_data_pages_of_sales_and_edi_read_in_chinese(sessions, live_server):
    from edi.models import ChannelProfile, ProductMapping, TradingPartner

    manager = user_with_role("manager", username="boss", first_name="强", last_name="刘")
    set_user_language(actor=manager, language="zh-hans")
    customer = CustomerFactory(code="HX01", name="汇星超市有限公司")
    valve = ProductFactory(sku="W-100", name="阀门", list_price=D("120.00"))
    partner = TradingPartner.objects.create(code="HX", name="汇星超市", customer=customer, sender_id="4012345000009",
                                            sender_qualifier="14", our_id="6901234000004", order_owner=manager)
    ProductMapping.objects.create(partner=partner, partner_code="HX-4711", product=valve)
    profile = ChannelProfile.objects.create(code="TMALL", name="天猫旗舰店", columns={"reference": "订单编号"})
    DiscountRule.objects.create(threshold_percent=D("10"), valid_from=in_days(-5), created_by=manager)

    page = sessions("boss", viewport=SCREEN)
    page.goto(f"{live_server.url}/")
    page.locator("nav a", has_text="贸易伙伴").first.click()
    expect(page.locator("h1")).to_contain_text("贸易伙伴")
    expect(page.locator("[data-testid=partner-row]")).to_contain_text("汇星超市")
    page.locator("[data-testid=partner-row] a", has_text="HX").first.click()
    expect(page.locator("h1")).to_have_text("贸易伙伴 HX 汇星超市")
    expect(page.locator("[data-testid=product-mappings] h2")).to_have_text("产品编码")
    expect(page.locator("#id_mappings-0-partner_code")).to_have_value("HX-4711")
    page.locator("#id_mappings-1-partner_code").fill("HX-4711")
    page.locator("#id_mappings-1-product").fill("W-100")
    press(page, "save-mappings")
    expect(page.locator(".messages")).to_contain_text("第 2 行与第 1 行的编码 HX-4711 重复")
    assert ProductMapping.objects.count() == 1

    page.locator("nav a", has_text="渠道导入方案").first.click()
    expect(page.locator("h1")).to_contain_text("渠道导入方案")
    page.goto(f"{live_server.url}/edi/channels/{profile.pk}/")
    expect(page.locator("h1")).to_contain_text("渠道导入方案 TMALL 天猫旗舰店")
    expect(page.locator("[data-testid=profile-form]")).to_contain_text("列对照")

    page.goto(f"{live_server.url}/sales/discount-rule/")
    expect(page.locator("h1")).to_have_text("折扣审批规则")
    expect(page.locator("[data-testid=rule-in-force]")).to_contain_text("折扣超过 10% 需销售经理审批")
