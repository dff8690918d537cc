"""Each role's home page shows its own queue cards with counts from the data."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse

from quality.models import Inspection
from tests.fixtures.factories import CustomerFactory, ProductFactory, user_with_role

from .data import local, order_row

pytestmark = pytest.mark.django_db

CARDS = {
    "sales": {"my_drafts", "rush_open"},
    "order_desk": {"to_review", "rush_open"},
    "planner": {"to_plan", "late", "open_exceptions", "rush_open", "requests_to_approve", "slow_moving", "overstock"},
    "warehouse": {"sheets_to_prepare", "sheets_to_issue", "shortages", "rush_open", "requests_awaiting_planner",
                  "slow_moving", "overstock"},
    "production": {"operations_today", "open_exceptions", "rush_open", "sheets_to_accept"},
    "qc": {"to_inspect", "rush_open"},
    "shipping": {"to_ship", "rush_open"},
    "manager": {"to_review", "late", "open_exceptions", "rush_open", "dashboard", "requests_to_approve",
                "slow_moving", "overstock", "to_invoice", "overdue_invoices"}
    | {"open_delays", "compensation_to_decide", "failed_messages", "open_complaints"},
    # 客服: logistics delays, compensation, customer messages and complaints (notices)
    "customer_service": {"rush_open", "open_delays", "compensation_to_decide", "failed_messages", "open_complaints"},
}


def cards(response):
    body = response.content.decode()
    return {name: (int(value) if value else None) for name, value in
            re.findall(r'data-card="(\w+)"[^>]*>(?:<strong>(\d+)</strong>)?', body)}


@pytest.fixture
def orders():
    creator = user_with_role("sales")
    customer, product = CustomerFactory(), ProductFactory()

    made = {}
    for status, n in (("submitted", 2), ("approved", 3), ("planned", 1), ("qc_passed", 4)):
        made[status] = [order_row(creator=creator, customer=customer, product=product, status=status,
                                  submitted=local(5, 9), requested=date.today() + timedelta(days=60))
                        for _ in range(n)]
    # one approved order is late (requested date passed), one rush
    late = made["approved"][0]
    late.requested_date, late.priority = local(5, 9).date() - timedelta(days=1), "rush"
    late.save()  # through save(): the maintained tallies (orders.tallies) count the rush order
    line = made["qc_passed"][0].lines.get()
    for n, status in enumerate(["open", "in_progress", "passed"]):
        Inspection.objects.create(number=f"QI-H-{n}", order=line.order, order_line=line, product=line.product,
                                  lot_quantity=10, status=status, created_by=creator)
    return made


@pytest.mark.parametrize("role", list(CARDS))
def test_each_role_sees_its_own_queue(client, orders, role):
    client.force_login(user_with_role(role))
    shown = cards(client.get(reverse("home")))
    assert set(shown) == CARDS[role]
    expected = {"to_review": 2, "to_plan": 3, "late": 1, "to_ship": 4, "to_inspect": 2, "rush_open": 1,
                "sheets_to_prepare": 1, "sheets_to_issue": 0, "shortages": 0, "operations_today": 0,
                "open_exceptions": 0, "my_drafts": 0, "dashboard": None, "requests_to_approve": 0,
                "requests_awaiting_planner": 0, "sheets_to_accept": 0, "slow_moving": 0, "overstock": 0,
                "open_delays": 0, "compensation_to_decide": 0, "failed_messages": 0, "open_complaints": 0,
                "to_invoice": 0, "overdue_invoices": 0}
    assert shown == {name: expected[name] for name in shown}


@pytest.mark.parametrize("role", ["manager", "warehouse"])
def test_home_query_count_does_not_grow(client, django_assert_max_num_queries, role):
    client.force_login(user_with_role(role))
    creator = user_with_role("sales")
    client.get(reverse("home"))
    counts = []
    for size in (2, 20):
        for _ in range(size):
            order_row(creator=creator, customer=CustomerFactory(), product=ProductFactory(), status="planned",
                      submitted=local(5, 9))
        with django_assert_max_num_queries(20) as captured:
            client.get(reverse("home"))
        counts.append(len(captured))
    assert counts[0] == counts[1]
