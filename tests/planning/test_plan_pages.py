"""The plan review pages: who may see and use them, what they show, and what they cost in queries."""


import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from orders.models import OrderStatus
from planning.models import WorkOrder
from tests.fixtures.factories import ProductFactory, make_order, user_with_role
from tests.planning.test_work_orders import approved_order, shop  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def planner_client(client, role_users):
    client.force_login(role_users["planner"])
    return client


def test_sales_gets_403_on_the_plan_pages_and_posts(client, role_users, shop):  # noqa: F811
    order = approved_order(shop)
    client.force_login(role_users["sales"])
    assert client.get(reverse("planning:plan_list")).status_code == 403
    assert client.get(reverse("planning:plan_detail", args=[order.pk])).status_code == 403
    assert client.post(reverse("planning:plan_order", args=[order.pk])).status_code == 403
    assert client.post(reverse("planning:plan_release", args=[order.pk])).status_code == 403
    assert not WorkOrder.objects.exists()
    order.refresh_from_db()
    assert order.status == OrderStatus.APPROVED


def test_plan_entry_in_the_navigation_for_planners_only(client, role_users):
    client.force_login(role_users["planner"])
    assert reverse("planning:plan_list") in client.get(reverse("orders:list")).content.decode()
    client.force_login(role_users["sales"])
    assert reverse("planning:plan_list") not in client.get(reverse("orders:list")).content.decode()


def test_queue_lists_approved_orders_rush_first(planner_client, shop):  # noqa: F811
    normal = approved_order(shop, requested_in_days=5)
    rush = approved_order(shop, requested_in_days=40, priority="rush", rush_reason="line down at customer")
    make_order(creator=user_with_role("sales"), status=OrderStatus.SUBMITTED, products=[shop["product"]])
    page = planner_client.get(reverse("planning:plan_list"))
    assert [o.number for o in page.context["page"]] == [rush.number, normal.number]


def test_plan_then_release_through_the_pages(planner_client, shop, role_users):  # noqa: F811
    order = approved_order(shop)
    response = planner_client.post(reverse("planning:plan_order", args=[order.pk]), follow=True)
    assert "was planned: 2 work orders" in response.content.decode()
    detail = planner_client.get(reverse("planning:plan_detail", args=[order.pk]))
    body = detail.content.decode()
    numbers = list(WorkOrder.objects.filter(order=order).values_list("number", flat=True))
    assert all(number in body for number in numbers)
    assert body.count('data-testid="operation-row"') == 3
    assert 'data-testid="release-button"' in body
    assert body.count('data-testid="work-order-history"') == 2 and "planner" in body

    response = planner_client.post(reverse("planning:plan_release", args=[order.pk]), follow=True)
    assert "was released" in response.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.PLANNED
    assert order.events.last().actor == role_users["planner"]


def test_a_refused_plan_shows_why_and_writes_nothing(planner_client):
    order = make_order(creator=user_with_role("sales"), status=OrderStatus.APPROVED, products=[ProductFactory()])
    response = planner_client.post(reverse("planning:plan_order", args=[order.pk]), follow=True)
    assert "has no item to make" in response.content.decode()
    assert not WorkOrder.objects.exists()


def test_late_plan_is_flagged(planner_client, shop):  # noqa: F811
    order = approved_order(shop, quantity="2000", requested_in_days=1)
    response = planner_client.post(reverse("planning:plan_order", args=[order.pk]), follow=True)
    assert f"Order {order.number} will be late by" in response.content.decode()
    assert "late by" in planner_client.get(reverse("planning:plan_list")).content.decode()


def _queue_queries(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("planning:plan_list")).status_code == 200
    return len(queries)


def test_queue_costs_a_fixed_number_of_queries(planner_client, shop, role_users):  # noqa: F811
    planner = role_users["planner"]
    from planning.plans import plan_order

    plan_order(actor=planner, order=approved_order(shop))
    approved_order(shop)
    few = _queue_queries(planner_client)
    for _ in range(4):
        plan_order(actor=planner, order=approved_order(shop, priority="rush", rush_reason="urgent"))
    assert _queue_queries(planner_client) == few
    assert WorkOrder.objects.count() == 10
