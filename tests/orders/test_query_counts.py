"""List and order pages cost a fixed number of queries whatever the number of rows, lines and events."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from orders.models import OrderStatus
from tests.fixtures.factories import CustomerFactory, ProductFactory, make_order


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
@pytest.mark.parametrize("url_name, query", [("orders:list", ""), ("orders:list", "?q=P-&priority=normal&sort=-total"),
                                             ("orders:review_queue", ""), ("home", "")])
def test_list_pages_cost_the_same_for_3_and_30_orders(client, role_users, url_name, query):
    sales, desk = role_users["sales"], role_users["order_desk"]
    customer, products = CustomerFactory(), [ProductFactory(), ProductFactory()]
    client.force_login(desk)
    url = reverse(url_name) + query
    for _ in range(3):
        make_order(creator=sales, status=OrderStatus.SUBMITTED, customer=customer, products=products)
    small = count_queries(client, url)
    for _ in range(27):
        make_order(creator=sales, status=OrderStatus.SUBMITTED, customer=CustomerFactory(), products=products)
    assert count_queries(client, url) == small
    assert small <= 10


@pytest.mark.django_db
def test_order_page_costs_the_same_for_2_and_40_lines_and_many_events(client, role_users):
    sales, desk = role_users["sales"], role_users["order_desk"]
    client.force_login(desk)
    small = make_order(creator=sales, status=OrderStatus.SUBMITTED)
    small_count = count_queries(client, reverse("orders:detail", args=[small.pk]))

    products = [ProductFactory() for _ in range(40)]
    big = make_order(creator=sales, status=OrderStatus.SUBMITTED, products=products,
                     quantities=[Decimal("1")] * 40)
    for i in range(60):
        big.events.record(action="edited", actor=sales, note=f"note {i}")
    assert count_queries(client, reverse("orders:detail", args=[big.pk])) == small_count
    assert small_count <= 16
