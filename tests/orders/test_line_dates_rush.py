"""A line's own date counts for the rush rule: a line wanted sooner than its product's standard lead time
proposes rush (and the order page's warning) even when the order's date is far enough, on the entry page's
live preview, in the services behind the form, the import and the API."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from api import services as api_services
from orders import rules, services
from orders.models import Order
from tests.fixtures.factories import CustomerFactory, ProductFactory
from tests.planning.test_promise import shop  # noqa: F401  (fixture: one work center, one hour per unit)

from .test_import import preview_rows, upload

pytestmark = pytest.mark.django_db


def in_days(n):
    return rules.today() + timedelta(days=n)


@pytest.fixture
def goods():
    slow = ProductFactory(sku="SLOW-20", standard_lead_time_days=20, list_price=Decimal("10.00"))
    fast = ProductFactory(sku="FAST-5", standard_lead_time_days=5, list_price=Decimal("4.00"))
    return CustomerFactory(code="C-LD"), slow, fast


def test_the_rule_reads_each_lines_date(goods):
    _customer, slow, fast = goods
    today = rules.today()
    far = today + timedelta(days=30)
    assert rules.rush_check(far, [(slow, None), (fast, None)], on=today).suggested is False
    check = rules.rush_check(far, [(fast, None), (slow, today + timedelta(days=8))], on=today)
    assert (check.suggested, check.requested_days, check.standard_days, check.line) == (True, 8, 20, 2)
    # a fast product's early line is no rush: its own lead time is 5 days
    assert rules.rush_check(far, [(fast, today + timedelta(days=6)), (slow, None)], on=today).suggested is False
    assert rules.rush_suggestion(far, [slow], line_dates=[today + timedelta(days=3)], on=today) == (True, 3, 20)


def test_a_short_line_date_makes_the_saved_order_a_rush_proposal(sales, goods):
    customer, slow, fast = goods
    lines = [services.LineInput(fast, Decimal("5"), fast.list_price),
             services.LineInput(slow, Decimal("5"), slow.list_price, requested_date=in_days(7))]
    order = services.create_order(actor=sales, customer=customer, requested_date=in_days(40), lines=lines)
    assert order.rush_suggested
    lines[1] = services.LineInput(slow, Decimal("5"), slow.list_price, requested_date=in_days(25))
    order = services.update_order(actor=sales, order=order, customer=customer, requested_date=in_days(40),
                                  lines=lines)
    assert not Order.objects.get(pk=order.pk).rush_suggested


def test_the_entry_preview_names_the_short_line(client, sales, goods):
    client.force_login(sales)
    data = {"customer": "C-LD", "requested_date": in_days(40).isoformat(), "priority": "normal",
            "lines-TOTAL_FORMS": "2", "lines-INITIAL_FORMS": "0",
            "lines-0-product": "FAST-5", "lines-0-quantity": "1",
            "lines-1-product": "SLOW-20", "lines-1-quantity": "1", "lines-1-requested_date": in_days(6).isoformat()}
    client.post(reverse("accounts:switch_language"), {"language": "en"})
    preview = client.post(reverse("orders:entry_totals"), data).content.decode()
    assert 'data-testid="rush-suggestion" data-line="2"' in preview
    assert "Line 2 is wanted in 6 days, sooner than its standard lead time of 20 days" in preview
    client.post(reverse("accounts:switch_language"), {"language": "zh-hans"})
    preview = client.post(reverse("orders:entry_totals"), data).content.decode()
    assert "第 2 行要求 6 天内交货，短于其标准交期 20 天：此订单可能是急单。" in preview
    data["lines-1-requested_date"] = in_days(30).isoformat()
    assert 'data-testid="rush-suggestion"' not in client.post(reverse("orders:entry_totals"), data).content.decode()


def test_an_imported_line_date_counts_and_a_past_one_is_refused(client, sales, goods):
    client.force_login(sales)
    header = "客户订单号,客户,产品编码,数量,要求交期,行交期"
    good = (f"{header}\r\nPO-1,C-LD,FAST-5,1,{in_days(40).isoformat()},\r\n"
            f"PO-1,C-LD,SLOW-20,1,,{in_days(9).isoformat()}\r\n")
    response = upload(client, "order", "orders.csv", good.encode())
    assert preview_rows(response) == [(2, "create", []), (3, "create", [])]
    client.post(reverse("orders:order_import"), {"step": "confirm", "token": response.context["token"]})
    order = Order.objects.get(customer_po="PO-1")
    assert order.rush_suggested
    assert order.lines.get(line_no=2).requested_date == in_days(9)

    past = f"{header}\r\nPO-2,C-LD,SLOW-20,1,{in_days(40).isoformat()},{in_days(-1).isoformat()}\r\n"
    response = upload(client, "order", "orders.csv", past.encode())
    [(_line, _action, errors)] = preview_rows(response)
    assert any("is in the past" in message for message in errors)
    assert not Order.objects.filter(customer_po="PO-2").exists()


def test_an_api_line_date_counts(role_users, goods):
    _key, raw = api_services.create_api_key(actor=role_users["admin"], name="ERP", user=role_users["sales"])
    payload = {"customer": "C-LD", "customer_po": "PO-API", "requested_date": in_days(40).isoformat(),
               "lines": [{"product": "FAST-5", "quantity": "1"},
                         {"product": "SLOW-20", "quantity": "1", "requested_date": in_days(4).isoformat()}]}
    response = Client(HTTP_AUTHORIZATION=f"Api-Key {raw}").post("/api/v1/orders/", json.dumps(payload),
                                                                content_type="application/json")
    assert response.status_code == 201, response.content
    assert Order.objects.get(customer_po="PO-API").rush_suggested


def test_the_entry_promise_warns_when_a_lines_own_date_cannot_be_met(client, role_users, shop):  # noqa: F811
    """The "earliest possible" warning compares with the soonest date asked: a line's own date counts."""
    client.force_login(role_users["sales"])
    client.post(reverse("accounts:switch_language"), {"language": "en"})
    data = {"customer": "", "requested_date": in_days(90).isoformat(), "priority": "normal",
            "lines-TOTAL_FORMS": "1", "lines-INITIAL_FORMS": "0", "lines-0-product": shop["product"].sku,
            "lines-0-quantity": "100", "lines-0-unit_price": ""}
    page = client.post(reverse("planning:entry_promise"), data).content.decode()
    assert "can be met" in page and "Earliest possible" not in page
    data["lines-0-requested_date"] = in_days(1).isoformat()  # about 11 working days are needed
    page = client.post(reverse("planning:entry_promise"), data).content.decode()
    assert "Earliest possible" in page and "days after requested" in page
    data["lines-0-DELETE"] = "on"  # a removed line's date no longer counts (nor its quantity)
    assert "Earliest possible" not in client.post(reverse("planning:entry_promise"), data).content.decode()
