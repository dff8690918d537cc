"""The rush board pages through many open rush orders (issue 19, item 4): 25 a page by keyset, the most
urgent due date first, the same queries on every page, and the count of open rush orders above the pager."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from orders.models import Order
from tests.fixtures.factories import make_order, user_with_role

pytestmark = pytest.mark.django_db


def test_the_board_pages_through_open_rush_orders_by_due_date(client, sales):
    orders = [make_order(creator=sales, status="submitted", priority="rush", rush_reason="line down",
                         requested_in_days=5 + n % 7) for n in range(28)]
    # A promised date wins over the requested one.
    Order.objects.filter(pk=orders[0].pk).update(promised_date=timezone.localdate() + timedelta(days=1))
    expected = [o.number for o in sorted(
        Order.objects.filter(pk__in=[o.pk for o in orders]),
        key=lambda o: (o.promised_date or o.requested_date, o.number))]
    client.force_login(user_with_role("manager"))
    with CaptureQueriesContext(connection) as first_queries:
        first = client.get(reverse("rush:board"))
    body = first.content.decode()
    shown = [row.order.number for row in first.context["rows"]]
    assert shown == expected[:25] and shown[0] == orders[0].number
    assert 'data-testid="board-count">28 open rush orders<' in body and 'rel="next"' in body
    with CaptureQueriesContext(connection) as second_queries:
        second = client.get(reverse("rush:board"), {"cursor": first.context["page"].next_cursor})
    assert [row.order.number for row in second.context["rows"]] == expected[25:]
    assert len(second_queries) == len(first_queries)
    assert not [q for q in second_queries.captured_queries if "OFFSET" in q["sql"]]
