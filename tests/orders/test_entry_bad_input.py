"""Bad input on the order entry page: each gets a clear message and writes nothing."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from orders.models import Order, OrderEvent, OrderStatus
from tests.fixtures.factories import CustomerFactory, ProductFactory, make_order, user_with_role


def future(days=30):
    return (timezone.localdate() + timedelta(days=days)).isoformat()


@pytest.fixture
def entry(db, client, sales):
    customer = CustomerFactory(name="华南清洁用品有限公司")
    pcs, kg = ProductFactory(unit="pcs"), ProductFactory(unit="kg")
    client.force_login(sales)

    def post(lines=None, **header):
        data = {"customer": customer.code, "channel": "browser", "requested_date": future(), "priority": "normal",
                "internal_notes": "", "customer_notes": "", "customer_po": "", "action": "save"}
        data.update(header)
        lines = lines if lines is not None else [{"product": pcs.sku, "quantity": "5", "unit_price": "10"}]
        data["lines-TOTAL_FORMS"] = str(len(lines))
        data["lines-INITIAL_FORMS"] = "0"
        for i, line in enumerate(lines):
            for key, value in line.items():
                data[f"lines-{i}-{key}"] = value
        return client.post(reverse("orders:create"), data)

    post.customer, post.pcs, post.kg = customer, pcs, kg
    return post


def assert_refused(response, *fragments):
    assert response.status_code == 200  # the form again, with messages
    text = response.content.decode()
    for fragment in fragments:
        assert fragment in text, f"{fragment!r} not in the page"
    assert Order.objects.count() == 0
    assert OrderEvent.objects.count() == 0


@pytest.mark.parametrize("quantity, message", [
    ("abc", "is not a number"),
    ("-5", "greater than zero"),
    ("0", "greater than zero"),
    ("99999999", "over the maximum"),
    ("1.5", "cannot have decimals"),   # pieces are whole
    ("", "Enter a quantity"),
    ("NaN", "is not a number"),
    ("1e400", "is too large"),
])
def test_bad_quantities(entry, quantity, message):
    assert_refused(entry([{"product": entry.pcs.sku, "quantity": quantity, "unit_price": "1"}]), message)


def test_over_precise_kg_quantity(entry):
    assert_refused(entry([{"product": entry.kg.sku, "quantity": "1.2345", "unit_price": "1"}]), "at most 3 decimals")


@pytest.mark.parametrize("price, message", [
    ("12,5", "use a dot as the decimal separator"),
    ("-1", "cannot be negative"),
    ("1.234", "at most 2 decimals"),
    ("ten", "is not a number"),
])
def test_bad_prices(entry, price, message):
    assert_refused(entry([{"product": entry.pcs.sku, "quantity": "1", "unit_price": price}]), message)


@pytest.mark.parametrize("field, typed, understood", [
    ("unit_price", "1,234.50", "1234.50"),   # thousands separator
    ("quantity", "１２", "12"),               # full-width digits (a Chinese input method)
    ("quantity", "1,000", "1000"),
    ("quantity", "1e3", "1000"),              # an exponent
    ("unit_price", "１２．５", "12.5"),         # full-width dot
])
def test_a_number_read_generously_is_shown_before_it_is_saved(entry, field, typed, understood):
    line = {"product": entry.pcs.sku, "quantity": "2", "unit_price": "10", field: typed}
    response = entry([line])
    assert_refused(response, f"“{typed}” was read as {understood}")
    field_html = re.search(rf'<input[^>]*name="lines-0-{field}"[^>]*>', response.content.decode()).group(0)
    assert f'value="{understood}"' in field_html  # the field now holds the number understood
    response = entry([{**line, field: understood}])  # saved again as shown
    assert response.status_code == 302
    saved = Order.objects.get().lines.get()
    assert getattr(saved, field) == Decimal(understood)


def test_past_date(entry):
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    assert_refused(entry(requested_date=yesterday), "is in the past")


def test_missing_customer(entry):
    assert_refused(entry(customer=""), "Choose a customer")


def test_unknown_customer(entry):
    assert_refused(entry(customer="NOPE-999"), "No customer with this code")


def test_inactive_customer(entry):
    entry.customer.is_active = False
    entry.customer.save()
    assert_refused(entry(), "is inactive")


def test_tampered_product_id(entry):
    # A product primary key or a made-up value instead of a SKU: never guessed.
    assert_refused(entry([{"product": str(entry.pcs.pk), "quantity": "1", "unit_price": "1"}]),
                   "No product with this SKU")
    assert_refused(entry([{"product": "'; DROP TABLE orders_order;--", "quantity": "1", "unit_price": "1"}]),
                   "No product with this SKU")


def test_no_lines(entry):
    assert_refused(entry([]), "Add at least one order line")


def test_rush_without_reason(entry):
    assert_refused(entry(priority="rush", rush_reason=""), "Give the reason for the rush")


def test_too_many_lines_refused(entry):
    lines = [{"product": entry.pcs.sku, "quantity": "1", "unit_price": "1"}] * 201
    response = entry(lines)
    assert response.status_code == 200
    assert Order.objects.count() == 0


def test_html_and_script_are_escaped(entry, client):
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    response = entry(internal_notes=evil, customer_notes=evil, customer_po='"><b>PO</b>')
    assert response.status_code == 302
    order = Order.objects.get()
    assert order.internal_notes == order.customer_notes == evil  # stored as typed
    page = client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    listing = client.get(reverse("orders:list")).content.decode()
    assert "<b>PO</b>" not in listing


def test_long_emoji_and_chinese_text(entry, client):
    notes = "请在周五前交货 🚚🧴 " * 200
    response = entry(customer_notes=notes, customer_po="采购单-2026-😀")
    assert response.status_code == 302
    order = Order.objects.get()
    assert order.customer_notes == notes.strip() and order.customer_po == "采购单-2026-😀"
    assert "请在周五前交货 🚚🧴" in client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    too_long = entry(customer_po="x" * 61)
    assert too_long.status_code == 200
    assert Order.objects.count() == 1


def test_post_without_csrf_token_is_refused(db, sales):
    customer, product = CustomerFactory(), ProductFactory()
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(sales)
    response = strict.post(reverse("orders:create"), {
        "customer": customer.code, "channel": "browser", "requested_date": future(), "priority": "normal",
        "lines-TOTAL_FORMS": "1", "lines-INITIAL_FORMS": "0", "lines-0-product": product.sku,
        "lines-0-quantity": "1", "lines-0-unit_price": "1"})
    assert response.status_code == 403
    assert Order.objects.count() == 0


def test_another_users_draft_cannot_be_edited_by_url(db, client, sales):
    other = user_with_role("sales")
    theirs = make_order(creator=other)
    client.force_login(sales)
    assert client.get(reverse("orders:edit", args=[theirs.pk])).status_code == 404
    response = client.post(reverse("orders:edit", args=[theirs.pk]), {"customer": theirs.customer.code})
    assert response.status_code == 404
    assert Order.objects.get(pk=theirs.pk).events.count() == 1  # only "created"


def test_submitted_order_cannot_be_edited(db, client, sales):
    order = make_order(creator=sales, status=OrderStatus.SUBMITTED)
    client.force_login(sales)
    response = client.get(reverse("orders:edit", args=[order.pk]))
    assert response.status_code == 302
    assert "can no longer be edited" in client.get(response.url).content.decode()


def test_double_submit_creates_one_order(entry):
    key = "3f1c1b9a-1111-4222-8333-944444444444"
    first = entry(entry_key=key, action="submit")
    second = entry(entry_key=key, action="submit")
    assert first.status_code == second.status_code == 302
    assert first.url == second.url
    order = Order.objects.get()
    assert order.status == OrderStatus.SUBMITTED
    assert list(order.events.values_list("action", flat=True)) == ["created", "submit"]


def test_role_without_permission_gets_403(db, client, role_users):
    client.force_login(role_users["qc"])
    assert client.get(reverse("orders:create")).status_code == 403
    assert client.get(reverse("orders:review_queue")).status_code == 403
    assert client.get(reverse("orders:export", args=["csv"])).status_code == 403
    order = make_order(creator=role_users["sales"], status=OrderStatus.SUBMITTED)
    response = client.post(reverse("orders:action", args=[order.pk, "approve"]), {"expected_status": "submitted"})
    assert response.status_code == 403
    assert Order.objects.get(pk=order.pk).status == OrderStatus.SUBMITTED


def test_anonymous_is_sent_to_login(db, client):
    response = client.get(reverse("orders:list"))
    assert response.status_code == 302 and reverse("accounts:login") in response.url
