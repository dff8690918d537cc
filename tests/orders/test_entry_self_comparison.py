"""The edit page compares an order with the customer's other orders, never with itself: its own customer PO
number is not "already used on another order"."""

import re

import pytest
from django.urls import reverse

from tests.fixtures.factories import CustomerFactory, ProductFactory, make_order

pytestmark = pytest.mark.django_db


def _posted_form(page):
    """The entry form's inputs as the browser posts them (htmx posts the whole form for the live preview)."""
    data = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or 'type="checkbox"' in tag:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        data[name.group(1)] = value.group(1) if value else ""
    for name, options in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', options)
        data[name] = chosen.group(1) if chosen else ""
    return data


def test_the_edit_page_does_not_warn_about_the_orders_own_po_number(client, sales):
    customer = CustomerFactory()
    order = make_order(creator=sales, customer=customer, products=[ProductFactory()], customer_po="PO-77")
    assert not order.duplicate_po_warning
    client.force_login(sales)
    page = client.get(reverse("orders:edit", args=[order.pk])).content.decode()
    data = _posted_form(page)
    assert data["editing_order"] == str(order.pk) and data["customer_po"] == "PO-77"
    preview = client.post(reverse("orders:entry_totals"), data).content.decode()
    assert 'data-testid="duplicate-po"' not in preview

    make_order(creator=sales, customer=customer, products=[ProductFactory()], customer_po="po-77")
    preview = client.post(reverse("orders:entry_totals"), data).content.decode()
    assert 'data-testid="duplicate-po"' in preview  # another order of the customer has it: warned


def test_a_new_order_is_still_warned_and_a_foreign_order_id_is_not_trusted(client, sales):
    customer = CustomerFactory()
    taken = make_order(creator=sales, customer=customer, products=[ProductFactory()], customer_po="PO-9")
    client.force_login(sales)
    data = _posted_form(client.get(reverse("orders:create")).content.decode())
    data.update({"customer": customer.code, "customer_po": "PO-9"})
    assert 'data-testid="duplicate-po"' in client.post(reverse("orders:entry_totals"), data).content.decode()
    # the order that holds the PO cannot be named as "the order being edited" by a bad value
    for bad in ("abc", "", "999999"):
        data["editing_order"] = bad
        assert 'data-testid="duplicate-po"' in client.post(reverse("orders:entry_totals"), data).content.decode()
    assert taken.pk
