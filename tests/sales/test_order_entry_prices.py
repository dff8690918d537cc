"""Order entry's default line price: the price list for the customer's grade and currency when one is
valid (through orders.stage_hooks Hook.LINE_PRICE), else the product's list price; a typed price wins."""

import uuid

import pytest
from django.urls import reverse

from accounts.services import set_user_language
from orders import rules
from orders.models import Order
from tests.fixtures.factories import CustomerFactory, user_with_role

from .setup import D, in_days

pytestmark = pytest.mark.django_db


def post_order(client, customer, lines, **header):
    data = {"customer": customer.code, "channel": "browser", "requested_date": in_days(40).isoformat(),
            "priority": "normal", "internal_notes": "", "customer_notes": "", "customer_po": "", "action": "save",
            "entry_key": str(uuid.uuid4()), "currency": "", **header,
            "lines-TOTAL_FORMS": str(len(lines)), "lines-INITIAL_FORMS": "0"}
    for i, line in enumerate(lines):
        for key, value in line.items():
            data[f"lines-{i}-{key}"] = value
    return client.post(reverse("orders:create"), data)


def test_a_line_without_a_price_takes_the_grade_price_list_by_quantity_break(client, people, shop):
    client.force_login(people["sales"])
    response = post_order(client, shop["customer"], [
        {"product": "W-100", "quantity": "10", "unit_price": ""},
        {"product": "W-100", "quantity": "600", "unit_price": ""},
        {"product": "G-200", "quantity": "5", "unit_price": ""},
        {"product": "W-100", "quantity": "3", "unit_price": "111"}])
    assert response.status_code == 302, response.content.decode()[:2000]
    order = Order.objects.get()
    assert [ln.unit_price for ln in order.lines.order_by("line_no")] == [
        D("100.00"), D("90.00"), D("8.00"), D("111")]


def test_other_grades_and_expired_lists_keep_the_list_price(people, shop):
    other = CustomerFactory(grade="C")
    assert rules.default_unit_price(shop["widget"], customer=other) == D("120.00")
    assert rules.default_unit_price(shop["widget"], customer=shop["customer"], quantity=D("2")) == D("100.00")
    assert rules.default_unit_price(shop["widget"], customer=shop["customer"], currency="USD") == D("120.00")
    shop["price_list"].valid_from, shop["price_list"].valid_until = in_days(-30), in_days(-1)
    shop["price_list"].save()
    assert rules.default_unit_price(shop["widget"], customer=shop["customer"]) == D("120.00")


def test_the_entry_preview_totals_with_the_price_list(people, shop):
    preview = rules.entry_preview(lines=[rules.TypedLine(key="l0", sku="W-100", quantity="500", unit_price="",
                                                         removed=False, requested_date=None)],
                                  requested_date=in_days(40), is_rush=False, customer_code=shop["customer"].code)
    assert preview["total"] == D("45000.00")


def test_the_price_list_page_shows_breaks_and_the_rule_to_sales_and_finance_only(client, people, shop):
    set_user_language(actor=people["finance"], language="zh-hans")
    client.force_login(people["finance"])
    page = client.get(reverse("sales:price_lists")).content.decode()
    for text in ("B级 2026", "折扣超过 10% 需销售经理审批", "现行"):
        assert text in page, text
    # The list's own page shows its breaks; finance reads it (no form: it may not change it).
    page = client.get(reverse("sales:price_list_edit", args=[shop["price_list"].pk])).content.decode()
    for text in ("W-100", "500 件", "90.00 CNY"):
        assert text in page, text
    assert 'data-testid="price-list-form"' not in page
    client.force_login(user_with_role("qc"))
    assert client.get(reverse("sales:price_lists")).status_code == 403
