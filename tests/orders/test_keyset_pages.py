"""The order list at any depth (issue 19, item 4): keyset pages (the rows after/before a row in the
list's order) walk the whole list in every sort without gaps or repeats, the last page is one query
away, the total is counted only up to a cap, and a damaged cursor gives the first page with a message."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from orders.forms import OrderFilterForm
from orders.models import Order
from record_pages import keyset
from tests.fixtures.factories import CustomerFactory, ProductFactory, make_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def many_orders(sales):
    """31 orders with ties in every sort key but the id (same times, totals, dates, customers)."""
    customers = [CustomerFactory(code=f"C{n}") for n in range(3)]
    product = ProductFactory(list_price=Decimal("10"))
    orders = []
    for n in range(31):
        order = make_order(creator=sales, customer=customers[n % 3], products=[product],
                           quantities=[Decimal(1 + n % 4)], priority="rush" if n % 5 == 0 else "normal",
                           rush_reason="fast" if n % 5 == 0 else "", requested_in_days=30 + n % 2)
        orders.append(order)
    same = timezone.now() - timedelta(days=1)
    Order.objects.filter(pk__in=[o.pk for o in orders[:10]]).update(created_at=same)
    return orders


def walk(client, sort, backwards=False):
    """Every number on the list, page by page (per_page=25), forwards from the first or backwards from the last."""
    numbers, cursor = [], "last" if backwards else ""
    for _ in range(10):
        response = client.get(reverse("orders:list"), {"sort": sort, "cursor": cursor})
        page = response.context["page"]
        rows = [o.number for o in page]
        numbers = rows + numbers if backwards else numbers + rows
        cursor = page.previous_cursor if backwards else page.next_cursor
        if not cursor:
            return numbers
    raise AssertionError("the pages never ended")


@pytest.mark.parametrize("sort", list(OrderFilterForm.SORTS))
def test_paging_forwards_and_backwards_shows_every_order_once_in_the_lists_order(client, sales, many_orders, sort):
    client.force_login(sales)
    expected = [o.number for o in Order.objects.order_by(*keyset._ordering(
        Order.objects.order_by(*OrderFilterForm.SORTS[sort])))]
    assert walk(client, sort) == expected
    assert walk(client, sort, backwards=True) == expected


def test_the_pager_links_and_the_capped_count(client, sales, many_orders, monkeypatch):
    client.force_login(sales)
    first = client.get(reverse("orders:list")).content.decode()
    assert "31 orders" in first and "cursor=last" in first and 'rel="prev"' not in first
    monkeypatch.setattr(keyset, "COUNT_CAP", 20)
    capped = client.get(reverse("orders:list")).content.decode()
    assert re.search(r'data-testid="order-count">More than 20 orders<', capped)
    last = client.get(reverse("orders:list"), {"cursor": "last"})
    assert len(last.context["page"]) == 25 and 'rel="next"' not in last.content.decode()


def test_a_deep_page_costs_what_the_first_page_costs(client, sales, many_orders):
    client.force_login(sales)
    with CaptureQueriesContext(connection) as first:
        page = client.get(reverse("orders:list"), {"per_page": 25}).context["page"]
    with CaptureQueriesContext(connection) as second:
        client.get(reverse("orders:list"), {"per_page": 25, "cursor": page.next_cursor})
    assert len(second.captured_queries) == len(first.captured_queries)
    assert not [q for q in second.captured_queries if "OFFSET" in q["sql"]]
    # The count stops at the cap: a LIMITed subquery, never a COUNT(*) over every order.
    count = next(q["sql"] for q in second.captured_queries if "COUNT(" in q["sql"].upper())
    assert f"LIMIT {keyset.COUNT_CAP + 1}" in count


@pytest.mark.parametrize("cursor", ["garbage", "first:x", "eyJkIjoiYWZ0ZXIifQ:1"])
def test_a_damaged_cursor_shows_the_first_page_and_says_so(client, sales, many_orders, cursor):
    client.force_login(sales)
    response = client.get(reverse("orders:list"), {"cursor": cursor})
    assert response.status_code == 200
    assert [o.number for o in response.context["page"]] == [o.number for o in client.get(
        reverse("orders:list")).context["page"]]
    assert "That page link is no longer valid" in response.content.decode()


def test_a_cursor_from_another_sort_is_refused(client, sales, many_orders):
    client.force_login(sales)
    cursor = client.get(reverse("orders:list"), {"sort": "number"}).context["page"].next_cursor
    response = client.get(reverse("orders:list"), {"sort": "-total", "cursor": cursor})
    assert response.context["page"].problem and not response.context["page"].has_previous
