"""Issue 17.8: what makes an order rush, as rules kept as data. Each criterion (order value in its
currency, customer grade, product, requested within N days) proposes rush; the matching rule is stored on
the order as a message id with its values and read in each reader's language; the manager keeps the rules
and bad input is refused with nothing written."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from orders import rules, rush_criteria, services
from orders.models import Order, RushRule
from tests.fixtures.factories import CustomerFactory, ProductFactory
from tests.test_translations import compiled_catalog  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def in_days(n):
    return rules.today() + timedelta(days=n)


@pytest.fixture
def goods():
    return {"plain": ProductFactory(sku="PLAIN-5", standard_lead_time_days=5, list_price=Decimal("100.00")),
            "special": ProductFactory(sku="SPECIAL-5", standard_lead_time_days=5, list_price=Decimal("10.00")),
            "customer": CustomerFactory(code="C-B", grade="B", currency="CNY"),
            "key": CustomerFactory(code="C-A", grade="A", currency="CNY"),
            "usd": CustomerFactory(code="C-USD", grade="B", currency="USD")}


def rule(manager, **data):
    return rush_criteria.save_rule(actor=manager, **data)


def order_for(sales, customer, product, quantity="1", days=30):
    return services.create_order(actor=sales, customer=customer, requested_date=in_days(days),
                                 lines=[services.LineInput(product, Decimal(quantity), product.list_price)])


def reason(order, language):
    with translation.override(language):
        return Order.objects.get(pk=order.pk).get_rush_suggested_reason_display()


def test_no_rule_no_proposal(sales, goods):
    order = order_for(sales, goods["customer"], goods["plain"])
    assert not order.rush_suggested and reason(order, "en") == ""


def test_order_value_in_its_currency(sales, role_users, goods, compiled_catalog):  # noqa: F811
    rule(role_users["manager"], name="大单", criterion="order_value", min_amount="50000", currency="CNY")
    small = order_for(sales, goods["customer"], goods["plain"], quantity="499")  # 49,900.00
    assert not small.rush_suggested
    big = order_for(sales, goods["customer"], goods["plain"], quantity="500")  # 50,000.00
    assert big.rush_suggested
    assert reason(big, "en") == "Order value 50,000 CNY is at or above 50,000 CNY (rule “大单”)."
    assert reason(big, "zh-hans") == "订单金额 50,000 CNY 达到或超过 50,000 CNY（规则“大单”）。"
    # money is never converted: a USD order of the same figure does not match a CNY threshold
    assert not order_for(sales, goods["usd"], goods["plain"], quantity="600").rush_suggested


def test_customer_grade(sales, role_users, goods, compiled_catalog):  # noqa: F811
    rule(role_users["manager"], name="重要客户", criterion="customer_grade", customer_grade="A")
    assert not order_for(sales, goods["customer"], goods["plain"]).rush_suggested
    order = order_for(sales, goods["key"], goods["plain"])
    assert reason(order, "en") == "Customer C-A is grade A (key customer) (rule “重要客户”)."
    assert reason(order, "zh-hans") == "客户 C-A 的等级为 A(重点客户)（规则“重要客户”）。"


def test_product(sales, role_users, goods, compiled_catalog):  # noqa: F811
    rule(role_users["manager"], name="特殊产品", criterion="product", product=goods["special"])
    assert not order_for(sales, goods["customer"], goods["plain"]).rush_suggested
    order = order_for(sales, goods["customer"], goods["special"])
    assert reason(order, "zh-hans") == "订单包含产品 SPECIAL-5（规则“特殊产品”）。"


def test_requested_within_days_and_the_lead_time_rule_first(sales, role_users, goods, compiled_catalog):  # noqa: F811
    rule(role_users["manager"], name="两周内", criterion="short_date", within_days=14)
    assert not order_for(sales, goods["customer"], goods["plain"], days=15).rush_suggested
    order = order_for(sales, goods["customer"], goods["plain"], days=14)
    assert reason(order, "en") == "Requested in 14 days, within 14 days (rule “两周内”)."
    assert reason(order, "zh-hans") == "要求 14 天内交货，在 14 天以内（规则“两周内”）。"
    # shorter than the product's standard lead time: the documented rule is the reason
    short = order_for(sales, goods["customer"], goods["plain"], days=3)
    assert reason(short, "en") == "Requested lead time is 3 days, shorter than the standard 5 days."


def test_a_switched_off_rule_proposes_nothing(sales, role_users, goods):
    found = rule(role_users["manager"], name="重要客户", criterion="customer_grade", customer_grade="A")
    rush_criteria.set_rule_active(actor=role_users["manager"], rule=found, active=False)
    assert not order_for(sales, goods["key"], goods["plain"]).rush_suggested


@pytest.mark.parametrize(("data", "field"), [
    ({"name": "", "criterion": "customer_grade", "customer_grade": "A"}, "name"),
    ({"name": "x", "criterion": "weather"}, "criterion"),
    ({"name": "x", "criterion": "order_value", "min_amount": "", "currency": "CNY"}, "min_amount"),
    ({"name": "x", "criterion": "order_value", "min_amount": "abc", "currency": "CNY"}, "min_amount"),
    ({"name": "x", "criterion": "order_value", "min_amount": "-5", "currency": "CNY"}, "min_amount"),
    ({"name": "x", "criterion": "order_value", "min_amount": "1.234", "currency": "CNY"}, "min_amount"),
    ({"name": "x", "criterion": "order_value", "min_amount": "100", "currency": "XYZ"}, "currency"),
    ({"name": "x", "criterion": "customer_grade", "customer_grade": "D"}, "customer_grade"),
    ({"name": "x", "criterion": "product", "product": None}, "product"),
    ({"name": "x", "criterion": "short_date", "within_days": 0}, "within_days"),
    ({"name": "x", "criterion": "short_date", "within_days": 400}, "within_days"),
])
def test_bad_rules_are_refused_and_nothing_is_written(role_users, data, field):
    with pytest.raises(ValidationError) as info:
        rule(role_users["manager"], **data)
    assert field in info.value.message_dict
    assert not RushRule.objects.exists()


def test_only_the_manager_keeps_the_rules(role_users):
    with pytest.raises(PermissionDenied):
        rule(role_users["sales"], name="x", criterion="customer_grade", customer_grade="A")
    assert not RushRule.objects.exists()


def test_the_manager_keeps_the_rules_on_the_page_and_the_entry_preview_names_the_rule(
        client, role_users, goods, compiled_catalog):  # noqa: F811
    client.force_login(role_users["manager"])
    client.post(reverse("accounts:switch_language"), {"language": "zh-hans"})
    bad = client.post(reverse("orders:rush_rules"), {"name": "大单", "criterion": "order_value", "min_amount": "abc",
                                                     "currency": "CNY"})
    assert "“abc”不是金额。" in bad.content.decode() and not RushRule.objects.exists()
    client.post(reverse("orders:rush_rules"), {"name": "大单", "criterion": "order_value", "min_amount": "50,000",
                                               "currency": "CNY"})
    page = client.get(reverse("orders:rush_rules")).content.decode()
    assert "急单规则" in page and "订单金额 50,000.00 CNY 及以上" in page
    client.force_login(role_users["sales"])
    client.post(reverse("accounts:switch_language"), {"language": "zh-hans"})
    data = {"customer": "C-B", "requested_date": in_days(40).isoformat(), "priority": "normal",
            "lines-TOTAL_FORMS": "1", "lines-INITIAL_FORMS": "0", "lines-0-product": "PLAIN-5",
            "lines-0-quantity": "600"}
    preview = client.post(reverse("orders:entry_totals"), data).content.decode()
    assert "订单金额 60,000 CNY 达到或超过 50,000 CNY（规则“大单”）。此订单可能是急单。" in preview
    assert client.get(reverse("orders:rush_rule_edit", args=[RushRule.objects.get().pk])).status_code == 403
